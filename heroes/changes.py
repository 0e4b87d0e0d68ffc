"""What an import would change on the site: heroes added, changed and removed, powers new and
gone; and whether that is so much that it needs --replace."""

from collections import defaultdict
from dataclasses import dataclass

from .models import Hero, Power
from .snapshots import DETAIL_FIELDS, stored_details

SHOWN = 10  # names listed per kind of change
MOST = 0.5  # removing more than this share of the heroes (or of the powers' names) is drastic


@dataclass
class Changes:
    added: list  # hero names not on the site
    changed: list  # on the site with other powers or details
    removed: list  # on the site, not in the import
    unchanged: int
    new_powers: list
    gone_powers: list
    site_heroes: int
    site_powers: int

    def drastic(self):
        """The reasons this import needs --replace (none when it does not)."""
        reasons = []
        if self.site_heroes and len(self.removed) > MOST * self.site_heroes:
            reasons.append(f"it would remove {len(self.removed)} of the {self.site_heroes} heroes")
        if self.site_powers and len(self.gone_powers) > MOST * self.site_powers:
            reasons.append(
                f"{len(self.gone_powers)} of the site's {self.site_powers} power names are not "
                "in it (renamed, or a table read the wrong way round?)"
            )
        return reasons

    def lines(self):
        lines = [
            f"Compared with the site now ({self.site_heroes} heroes, {self.site_powers} powers): "
            f"{len(self.added)} heroes added, {len(self.changed)} changed, {len(self.removed)} "
            f"removed, {self.unchanged} unchanged; {len(self.new_powers)} powers new, "
            f"{len(self.gone_powers)} gone."
        ]
        for label, names in (
            ("added", self.added),
            ("changed", self.changed),
            ("removed", self.removed),
            ("new powers", self.new_powers),
            ("powers gone", self.gone_powers),
        ):
            if names:
                more = f" and {len(names) - SHOWN} more" if len(names) > SHOWN else ""
                lines.append(f"  {label}: {', '.join(names[:SHOWN])}{more}")
        return lines


def site_heroes():
    """{name: (frozenset of power names, details as stored)} of the heroes on the site."""
    powers = defaultdict(set)
    for hero, power in Hero.powers.through.objects.values_list("hero__name", "power__name"):
        powers[hero].add(power)
    return {
        hero["name"]: (frozenset(powers[hero["name"]]), stored_details(hero))
        for hero in Hero.objects.values("name", "has_details", *DETAIL_FIELDS)
    }


def compare(incoming, powers):
    """Changes from the site now to incoming ({name: (frozenset of power names, details as
    stored_details gives them)}) and its power names."""
    site = site_heroes()
    site_powers = set(Power.objects.values_list("name", flat=True))
    incoming_powers = set(powers)
    both = [name for name in incoming if name in site]
    changed = [name for name in both if incoming[name] != site[name]]
    return Changes(
        added=[name for name in incoming if name not in site],
        changed=changed,
        removed=sorted(name for name in site if name not in incoming),
        unchanged=len(both) - len(changed),
        new_powers=sorted(incoming_powers - site_powers),
        gone_powers=sorted(site_powers - incoming_powers),
        site_heroes=len(site),
        site_powers=len(site_powers),
    )
