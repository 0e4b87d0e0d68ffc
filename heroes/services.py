"""Loading a powers table (and its details) into the database with its fitted clustering, and
placing a new set of powers among the stored clusters.

An import reads and checks both files and fits the clustering before it touches the database,
then replaces every hero, power and cluster in one transaction: a bad file changes nothing.
"""

import functools
import threading
import time
from dataclasses import dataclass, field

import numpy as np
from django.db import transaction
from django.utils.text import slugify

from mlcore.heroes import fit as fitting
from mlcore.heroes import layout as layouts
from mlcore.heroes import table

from . import changes as changing
from . import snapshots
from .bundled import BUNDLED_DETAILS, BUNDLED_POWERS
from .models import Cluster, Clustering, Hero, HeroSnapshot, Neighbour, Power

RESERVED_SLUGS = {"search", "build", "clusters"}  # the app's own URLs under /heroes/
PALETTE_SIZE = 20


class HeroImportError(Exception):
    pass


class NoHeroes(Exception):
    pass


HOW_TO_LOAD = (
    "No heroes are loaded yet: run `python manage.py bootstrap` (the bundled superhero-set) or "
    "`python manage.py import_hero_powers POWERS.csv [INFO.csv]`."
)


@dataclass
class Tables:
    powers: table.PowerTable
    details: list  # table.Details | None per hero
    matching: table.Matching | None
    notes: list = field(default_factory=list)  # about the details file


@dataclass
class ImportReport:
    clustering: Clustering | None  # None after a dry run
    lines: list


def read_tables(powers_path, details_path=None, layout="auto", known=None):
    """Both files read, checked and matched; HeroImportError with the reason otherwise.

    known: a layout.Known of the names that tell a table's heroes from its powers (by default
    known_names())."""
    try:
        known = known_names() if known is None else known
        powers = table.read_powers(powers_path, layout, known=known)
        if details_path is None:
            return Tables(powers, [None] * len(powers.heroes), None)
        details, notes = table.read_details(details_path)
    except table.HeroDataError as error:
        raise HeroImportError(str(error)) from None
    matching = table.match(powers.heroes, details)
    return Tables(powers, matching.details, matching, notes)


@functools.cache
def bundled_names():
    """(power names, hero names) of the bundled files, the heroes of both."""
    powers = table.read_powers(BUNDLED_POWERS, "heroes-as-rows")
    details, _ = table.read_details(BUNDLED_DETAILS)
    return powers.powers, powers.heroes + [row.name for row in details]


def known_names():
    """The names that tell a table's heroes from its powers: the bundled files' and the site's,
    less the site's names the bundled files know the other way round (a table once imported the
    wrong way round must not teach the next import its mistake)."""
    powers, heroes = bundled_names()
    power_keys = {table.bare_key(name) for name in powers}
    hero_keys = {table.bare_key(name) for name in heroes}
    site_powers = {table.bare_key(name) for name in Power.objects.values_list("name", flat=True)}
    site_heroes = {table.bare_key(name) for name in Hero.objects.values_list("name", flat=True)}
    return layouts.Known.of(
        power_keys | (site_powers - hero_keys), hero_keys | (site_heroes - power_keys)
    )


def changes(tables):
    """What storing these tables would change on the site (heroes.changes.Changes)."""
    powers = tables.powers
    incoming = {
        name: (
            frozenset(p for p, held in zip(powers.powers, row, strict=True) if held),
            snapshots.stored_details(detail_fields(details)),
        )
        for name, row, details in zip(powers.heroes, powers.has, tables.details, strict=True)
    }
    return changing.compare(incoming, powers.powers)


def fit_tables(tables, seed=0, progress=None):
    try:
        return fitting.fit(tables.powers.has, tables.powers.powers, seed=seed, progress=progress)
    except fitting.TooFewHeroes as error:
        raise HeroImportError(str(error)) from None


def unique_slugs(names, fallback, reserved=()):
    used, slugs = set(reserved), []
    for name in names:
        base = slugify(name)[:190] or fallback
        slug, number = base, 2
        while slug in used:
            slug, number = f"{base}-{number}", number + 1
        used.add(slug)
        slugs.append(slug)
    return slugs


def ranked(counter):
    return [[value, count] for value, count in sorted(counter.items(), key=lambda i: (-i[1], i[0]))]


@transaction.atomic
def store(tables, fitted, source, fit_seconds=0.0):
    """Replace every hero, power and cluster with these, keeping the old ones in a HeroSnapshot;
    returns the new Clustering."""
    snapshots.take()
    Clustering.objects.all().delete()  # clusters, heroes, their neighbours and power links
    Power.objects.all().delete()
    has = tables.powers.has
    power_names = tables.powers.powers
    powers = Power.objects.bulk_create(
        Power(name=name, slug=slug, column=column, hero_count=int(has[:, column].sum()))
        for column, (name, slug) in enumerate(
            zip(power_names, unique_slugs(power_names, "power"), strict=True)
        )
    )
    clustering = Clustering.objects.create(
        method=fitted.method,
        k=fitted.k,
        criterion=fitted.criterion,
        criterion_value=fitted.criterion_value,
        stability_by_k={str(k): value for k, value in fitted.tried.items()},
        silhouette=fitted.silhouette,
        baseline_silhouette=fitted.baseline_silhouette,
        seed=fitted.seed,
        placement=fitted.placement.to_json(),
        source=str(source)[:500],
        hero_count=len(tables.powers.heroes),
        power_count=len(power_names),
        notes=tables.powers.notes + tables.notes + fitted.notes,
        fit_seconds=fit_seconds,
    )
    details = tables.details
    publishers = fitting.makeup(fitted.labels, [d.publisher if d else "" for d in details])
    alignments = fitting.makeup(fitted.labels, [d.alignment if d else "" for d in details])
    clusters = Cluster.objects.bulk_create(
        Cluster(
            clustering=clustering,
            number=summary.number,
            name=summary.name,
            size=summary.size,
            no_powers=summary.no_powers,
            top_powers=[vars(power) for power in summary.top_powers],
            publishers=ranked(publishers.get(summary.number, {})),
            alignments=ranked(alignments.get(summary.number, {})),
            colour=0 if summary.no_powers else (summary.number - 1) % PALETTE_SIZE + 1,
        )
        for summary in fitted.clusters
    )
    by_number = {cluster.number: cluster for cluster in clusters}
    names = tables.powers.heroes
    heroes = Hero.objects.bulk_create(
        Hero(
            name=name,
            slug=slug,
            search_key=table.bare_key(name)[:200],
            power_count=int(has[i].sum()),
            cluster=by_number[int(fitted.labels[i])],
            x=float(fitted.coordinates[i, 0]),
            y=float(fitted.coordinates[i, 1]),
            **detail_fields(details[i]),
        )
        for i, (name, slug) in enumerate(
            zip(names, unique_slugs(names, "hero", RESERVED_SLUGS), strict=True)
        )
    )
    Link = Hero.powers.through
    rows, columns = np.nonzero(has)
    Link.objects.bulk_create(
        Link(hero_id=heroes[h].pk, power_id=powers[p].pk)
        for h, p in zip(rows, columns, strict=True)
    )
    Neighbour.objects.bulk_create(
        Neighbour(hero=heroes[i], other=heroes[j], rank=rank, similarity=similarity)
        for i, near in enumerate(fitted.neighbours)
        for rank, (j, similarity) in enumerate(near, start=1)
    )
    return clustering


def detail_fields(details):
    """The Hero fields of a details row, text cut to what its column holds."""
    if details is None:
        return {"has_details": False}
    fields = {}
    for key, value in vars(details).items():
        if key == "name":
            continue
        if isinstance(value, str):
            value = value[: Hero._meta.get_field(key).max_length]
        fields[key] = value
    return {"has_details": True, **fields}


def import_tables(
    powers_path,
    details_path=None,
    layout="auto",
    seed=0,
    progress=None,
    replace=False,
    dry_run=False,
):
    """Read, fit and store; an ImportReport whose lines say what happened to every name and what
    changed on the site. An import that would remove most heroes or power names is refused
    without replace; a dry run stores nothing."""
    tables = read_tables(powers_path, details_path, layout)
    changed = changes(tables)
    drastic = changed.drastic()
    if drastic and not (replace or dry_run):
        raise HeroImportError(
            f"Stopped: {'; '.join(drastic)}. See what would change with --dry-run; import it "
            "anyway with --replace (the heroes now stay restorable with --restore-previous)."
        )
    started = time.monotonic()
    fitted = fit_tables(tables, seed=seed, progress=progress)
    seconds = time.monotonic() - started
    lines = describe(tables, fitted, seconds) + changed.lines()
    if dry_run:
        if drastic and not replace:
            lines.append(f"Without --replace this import would stop: {'; '.join(drastic)}.")
        return ImportReport(None, [*lines, "Dry run: nothing was changed."])
    source = powers_path if details_path is None else f"{powers_path}, {details_path}"
    return ImportReport(store(tables, fitted, source, seconds), lines)


def restore(snapshot=None, progress=None):
    """Put back the heroes of a HeroSnapshot (by default the latest: those before the last
    import), refitted with their seed; the heroes they replace are kept in turn."""
    snapshot = snapshot or HeroSnapshot.objects.first()
    if snapshot is None:
        raise HeroImportError("No earlier heroes are kept: nothing to restore.")
    powers, details = snapshots.read(snapshot)
    when = f"{snapshot.created:%Y-%m-%d %H:%M}"
    tables = Tables(powers, details, None, [f"restored the heroes of {when}"])
    started = time.monotonic()
    fitted = fit_tables(tables, seed=snapshot.seed, progress=progress)
    seconds = time.monotonic() - started
    source = f"restored: {snapshot.source}"
    return ImportReport(store(tables, fitted, source, seconds), describe(tables, fitted, seconds))


def load_bundled(progress=None):
    return import_tables(BUNDLED_POWERS, BUNDLED_DETAILS, progress=progress)


def listed(names):
    return ", ".join(str(name) for name in names)


def describe(tables, fitted, seconds):
    powers = tables.powers
    lines = [f"Read {len(powers.heroes)} heroes x {len(powers.powers)} powers ({powers.layout})."]
    lines += [f"Note: {note}." for note in powers.notes + tables.notes]
    matching = tables.matching
    if matching is not None:
        matched = sum(matching.by_rule.values())
        rules = ", ".join(f"{count} {rule}" for rule, count in matching.by_rule.items())
        lines.append(f"Details for {matched} of {len(powers.heroes)} heroes ({rules or 'none'}).")
        for hero, name, rule in matching.loose:
            lines.append(f"  matched {hero!r} to {name!r} ({rule})")
        if matching.unmatched_heroes:
            lines.append(
                f"{len(matching.unmatched_heroes)} heroes have no detail row: "
                f"{listed(matching.unmatched_heroes)}."
            )
        if matching.unmatched_details:
            lines.append(
                f"{len(matching.unmatched_details)} detail names match no hero (not loaded): "
                f"{listed(matching.unmatched_details)}."
            )
        if matching.repeated:
            lines.append(
                f"{len(matching.repeated)} names have several detail rows, the first used: "
                f"{listed([f'{name} ({count})' for name, count in matching.repeated])}."
            )
    with_powers = int(powers.has.any(1).sum())
    lines.append(
        f"Clustered {with_powers} heroes with powers into {fitted.k} clusters in "
        f"{seconds:.1f} s: k-means on TF-IDF + SVD, k by stability "
        f"{fitted.criterion_value:.3f} (k {min(fitted.tried)}-{max(fitted.tried)}); silhouette "
        f"{fitted.silhouette:.3f} against {fitted.baseline_silhouette:.3f} on shuffled powers."
    )
    lines += [f"Note: {note}." for note in fitted.notes]
    lines += [f"  {c.number:2}. {c.name} ({c.size} heroes)" for c in fitted.clusters]
    return lines


# -- placing a new hero ------------------------------------------------------------------------


@dataclass
class Placed:
    cluster: Cluster
    runners_up: list  # the next closest clusters
    neighbours: list  # (Hero, similarity), nearest first


class _Stored:
    """The current clustering's placement and every hero's powers as a matrix, read once per
    process and again after an import (a new Clustering row)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.key = None
        self.value = None

    def get(self, key):
        """key: the current Clustering's (pk, created)."""
        with self.lock:
            if self.key != key:
                self.value = self.read(key[0])
                self.key = key
            return self.value

    @staticmethod
    def read(clustering_id):
        placement = fitting.Placement.from_json(
            Clustering.objects.values_list("placement", flat=True).get(pk=clustering_id)
        )
        ids = list(Hero.objects.order_by("pk").values_list("pk", flat=True))
        row = {pk: i for i, pk in enumerate(ids)}
        has = np.zeros((len(ids), len(placement.powers)), dtype=bool)
        links = Hero.powers.through.objects.values_list("hero_id", "power__column")
        for hero, column in links:
            has[row[hero], column] = True
        return placement, np.array(ids), has


_stored = _Stored()


def current_clustering_key():
    """(pk, created) of the stored clustering: it changes with every import."""
    key = Clustering.objects.values_list("pk", "created").first()
    if key is None:
        raise NoHeroes(HOW_TO_LOAD)
    return key


def place(power_slugs, runners_up=2):
    """Where a hero with these powers (slugs of loaded powers) would go: its cluster, the next
    closest, and its nearest heroes."""
    key = current_clustering_key()
    clustering_id = key[0]
    placement, ids, has = _stored.get(key)
    columns = Power.objects.filter(slug__in=power_slugs).values_list("column", flat=True)
    row = np.zeros(len(placement.powers), dtype=bool)
    row[list(columns)] = True
    clusters = {c.number: c for c in Cluster.objects.filter(clustering_id=clustering_id)}
    if row.any():
        order = placement.place(row)
        chosen, others = clusters[order[0]], [clusters[n] for n in order[1 : 1 + runners_up]]
    else:
        empty = [c for c in clusters.values() if c.no_powers]
        chosen, others = (empty[0] if empty else None), []
    near = fitting.nearest(has, row)
    heroes = Hero.objects.select_related("cluster").in_bulk([int(ids[i]) for i, _ in near])
    neighbours = [(heroes[int(ids[i])], similarity) for i, similarity in near]
    return Placed(chosen, others, neighbours)
