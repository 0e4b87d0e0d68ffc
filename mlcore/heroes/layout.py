"""Which way round a powers table is, decided from evidence rather than from its corner label.

The signals, strongest first: which side's names are known power names and which known hero
names (the bundled table's, the site's); whether the first row or column holds True/False values
instead of names (a file without a header); the corner cell ("hero_names", "power"), which a
transposed copy often keeps from the original; and the shape (a superhero table has far more
heroes than powers). Names decide when they point one way; without them the corner and the shape
must agree. Signals that disagree, or are too weak, refuse the table with what was seen and how to
say the layout.
"""

from dataclasses import dataclass

from .names import bare_key

HERO_HEADERS = {
    "heronames",
    "heroname",
    "hero",
    "heroes",
    "name",
    "names",
    "character",
    "characters",
}
POWER_HEADERS = {"power", "powers", "powername", "powernames", "ability", "abilities"}
BOOLEAN_WORDS = {"true", "false", "t", "f", "yes", "no", "y", "n", "0", "1", "1.0", "0.0"}
MIN_NAMED = 0.1  # share of a side's names that must be known for names to count as evidence
CONFLICT = 0.25  # the other way's name evidence above this share of the leading way's: refused
SHAPE_ALONE = 3.0  # heroes / powers: the shape decides by itself from this ratio
SHAPE_WITH_CORNER = 1.5  # and with a corner cell that says the same from this one
HOW = "say which with --layout heroes-as-rows or --layout powers-as-rows"


class LayoutError(ValueError):
    pass


@dataclass(frozen=True)
class Known:
    """Bare keys of known power and hero names; a name known as both tells nothing."""

    powers: frozenset
    heroes: frozenset

    @classmethod
    def of(cls, powers=(), heroes=()):
        power_keys = {bare_key(name) for name in powers}
        hero_keys = {bare_key(name) for name in heroes}
        both = power_keys & hero_keys
        return cls(frozenset(power_keys - both), frozenset(hero_keys - both))


NOTHING_KNOWN = Known(frozenset(), frozenset())


def share(names, keys):
    return sum(bare_key(name) in keys for name in names) / len(names) if names else 0.0


def booleans(names):
    return sum(name.strip().lower() in BOOLEAN_WORDS for name in names) / len(names)


def spoken(layout):
    return layout.replace("-", " ")


def decide(corner, row_names, column_names, known=NOTHING_KNOWN):
    """("heroes-as-rows" | "powers-as-rows", notes); LayoutError when the evidence is not enough.

    corner: the top-left cell; row_names: the first column below it; column_names: the first row
    after it."""
    size = f"{len(row_names)} rows x {len(column_names)} columns"
    for side, names in (("first row", column_names), ("first column", row_names)):
        if len(names) > 1 and booleans(names) > 0.5:
            raise LayoutError(
                f"the {side} holds True/False values, not names: the table needs a header row "
                "of power (or hero) names and a first column of names."
            )
    across = (share(column_names, known.powers), share(row_names, known.heroes))
    down = (share(row_names, known.powers), share(column_names, known.heroes))
    heroes_down, powers_down = sum(across), sum(down)  # evidence for each layout
    seen = (
        f"{across[0]:.0%} of the columns and {down[0]:.0%} of the rows are known powers, "
        f"{across[1]:.0%} of the rows and {down[1]:.0%} of the columns known heroes"
    )
    said = corner_says(corner)
    if max(heroes_down, powers_down) >= MIN_NAMED:
        if min(heroes_down, powers_down) > CONFLICT * max(heroes_down, powers_down):
            raise LayoutError(f"cannot tell heroes from powers: {seen} ({size}); {HOW}.")
        layout = "heroes-as-rows" if heroes_down > powers_down else "powers-as-rows"
        notes = [f"read {spoken(layout)}: {seen}"]
        if said and said != layout:
            notes.append(f"the corner cell {corner!r} says {spoken(said)}, the names do not")
        return layout, notes
    ratio = max(len(row_names), len(column_names)) / max(1, min(len(row_names), len(column_names)))
    shape = "heroes-as-rows" if len(row_names) >= len(column_names) else "powers-as-rows"
    if said == shape and ratio >= SHAPE_WITH_CORNER:
        return shape, []
    if not said and ratio >= SHAPE_ALONE:
        return shape, [f"read {spoken(shape)} from the shape ({size}): no names are known"]
    corner_seen = f"the corner cell {corner!r} says {spoken(said)}" if said else "no corner label"
    raise LayoutError(
        f"cannot tell heroes from powers: no known names, {corner_seen}, and the shape "
        f"({size}) {'says ' + spoken(shape) if ratio >= SHAPE_ALONE else 'is too near square'}; "
        f"{HOW}."
    )


def corner_says(corner):
    key = bare_key(corner)
    if key in HERO_HEADERS:
        return "heroes-as-rows"
    if key in POWER_HEADERS:
        return "powers-as-rows"
    return None
