"""The site's heroes kept before each import replaces them (the last KEEP), and read back."""

from collections import defaultdict

import numpy as np

from mlcore.heroes import table

from .models import Clustering, Hero, HeroSnapshot, Power

KEEP = 10
DETAIL_FIELDS = [name for name in table.Details.__dataclass_fields__ if name != "name"]


def take():
    """A HeroSnapshot of the site's heroes now (None before any import); older ones past KEEP
    are deleted. Call it inside the transaction that replaces them."""
    clustering = Clustering.objects.first()
    if clustering is None:
        return None
    powers = list(Power.objects.order_by("column").values_list("name", flat=True))
    columns = defaultdict(list)
    for hero_id, column in Hero.powers.through.objects.values_list("hero_id", "power__column"):
        columns[hero_id].append(column)
    heroes = [
        {
            "name": hero["name"],
            "powers": sorted(columns[hero["pk"]]),
            "details": {name: hero[name] for name in DETAIL_FIELDS}
            if hero["has_details"]
            else None,
        }
        for hero in Hero.objects.order_by("pk").values("pk", "name", "has_details", *DETAIL_FIELDS)
    ]
    snapshot = HeroSnapshot.objects.create(
        source=clustering.source,
        seed=clustering.seed,
        hero_count=len(heroes),
        power_count=len(powers),
        data={"powers": powers, "heroes": heroes},
    )
    stale = HeroSnapshot.objects.values_list("pk", flat=True)[KEEP:]
    HeroSnapshot.objects.filter(pk__in=list(stale)).delete()
    return snapshot


def stored_details(fields):
    """{field: value} of a hero's details (Hero fields, as values() gives them), None without."""
    return {name: fields[name] for name in DETAIL_FIELDS} if fields["has_details"] else None


def read(snapshot):
    """(PowerTable, details per hero: table.Details or None) of a snapshot."""
    powers = snapshot.data["powers"]
    heroes = snapshot.data["heroes"]
    has = np.zeros((len(heroes), len(powers)), dtype=bool)
    for row, hero in enumerate(heroes):
        has[row, hero["powers"]] = True
    details = [
        table.Details(name=hero["name"], **hero["details"]) if hero["details"] else None
        for hero in heroes
    ]
    names = [hero["name"] for hero in heroes]
    return table.PowerTable(names, powers, has, "heroes as rows"), details
