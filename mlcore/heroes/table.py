"""Reading the superhero-set's two tables, in the layouts in circulation, and matching their names.

The powers table (Kaggle's `super_hero_powers.csv`): a column of hero names, then one column per
power holding True/False. Copies elsewhere are transposed (powers as rows: which way round a table
is comes from layout.py's evidence), write TRUE/FALSE or 1/0, start with a byte-order mark, keep an
old pandas index column (or row), or add a count column (the number of powers of each hero, or of
heroes with each power); all are read, and what was dropped is said.
The details table (`heroes_information.csv`): a name column and any of gender, eye colour, race,
hair colour, height (cm), publisher, skin colour, alignment and weight (kg); `-` and -99 mean
missing. Anything that cannot be read raises HeroDataError with the row and column.
"""

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import layout as layouts
from .names import bare_key, clean_name, loose_key

MAX_BYTES = 50 * 1024 * 1024
TRUE = {"true", "t", "yes", "y", "1", "1.0"}
FALSE = {"false", "f", "no", "n", "0", "0.0"}
COUNT_HEADERS = {
    "count",
    "counts",
    "total",
    "totals",
    "sum",
    "n",
    "npowers",
    "numpowers",
    "powercount",
    "powerscount",
    "numberofpowers",
    "totalpowers",
    "countofpowers",
    "nheroes",
    "herocount",
    "heroescount",
    "numberofheroes",
}
INDEX_LABELS = {"", "unnamed0", "index"}
MISSING = {"", "-", "nan", "none", "null", "n/a", "na"}
INTEGER = re.compile(r"^-?\d+(\.0+)?$")
LAYOUTS = ("auto", "heroes-as-rows", "powers-as-rows")
# Details: column (normalised header) -> field, and which fields are numbers.
DETAIL_COLUMNS = {
    "name": "name",
    "heronames": "name",
    "heroname": "name",
    "hero": "name",
    "gender": "gender",
    "eyecolor": "eye_color",
    "eyecolour": "eye_color",
    "race": "race",
    "haircolor": "hair_color",
    "haircolour": "hair_color",
    "height": "height_cm",
    "publisher": "publisher",
    "skincolor": "skin_color",
    "skincolour": "skin_color",
    "alignment": "alignment",
    "weight": "weight_kg",
}
NUMBERS = {"height_cm", "weight_kg"}
MAX_ERRORS = 5
MAX_NAME = 200  # characters in a hero's or a power's name


class HeroDataError(ValueError):
    pass


@dataclass
class PowerTable:
    heroes: list  # names, in file order
    powers: list  # names, in file order
    has: np.ndarray  # (heroes, powers) bool
    layout: str  # "heroes as rows" or "powers as rows"
    notes: list = field(default_factory=list)  # what was dropped or guessed, for the operator


@dataclass
class Details:
    name: str
    gender: str = ""
    eye_color: str = ""
    race: str = ""
    hair_color: str = ""
    height_cm: float | None = None
    publisher: str = ""
    skin_color: str = ""
    alignment: str = ""
    weight_kg: float | None = None


@dataclass
class Matching:
    """Details per hero (None where no detail row matched) and what the operator should hear."""

    details: list  # Details | None, one per hero
    by_rule: Counter  # how many heroes each rule matched: exact, case and spaces, punctuation
    unmatched_heroes: list  # heroes with no detail row
    unmatched_details: list  # detail names no hero took
    repeated: list  # (name, rows) of names with several detail rows: the first row is used
    loose: list  # (hero, detail name, rule) of the pairs a looser rule than "exact" made


# -- files --------------------------------------------------------------------------------------


def read_rows(path):
    """The rows of a CSV file (comma, semicolon or tab), with a clear error for what is not one."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise HeroDataError(f"{path} is {size} bytes; the largest file read is {MAX_BYTES}.")
        raw = path.read_bytes()
    except OSError as error:
        raise HeroDataError(f"cannot read {path}: {error.strerror or error}") from None
    if b"\0" in raw:
        raise HeroDataError(f"{path} is not a CSV text file (it holds NUL bytes).")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise HeroDataError(
            f"{path} is not UTF-8 text (byte {error.start}); save it as UTF-8 CSV."
        ) from None
    first = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first.count)
    rows = [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise HeroDataError(f"{path} is empty.")
    width = len(rows[0])
    ragged = [(i + 1, len(row)) for i, row in enumerate(rows) if len(row) != width]
    if ragged:
        shown = ", ".join(f"line {line} has {cells}" for line, cells in ragged[:MAX_ERRORS])
        raise HeroDataError(f"{path}: the header has {width} cells but {shown}.")
    return [[cell.strip() for cell in row] for row in rows]


def is_integer(value):
    return bool(INTEGER.match(value))


def read_powers(path, layout="auto", known=layouts.NOTHING_KNOWN):
    """A PowerTable from a powers CSV in any of the layouts in circulation.

    layout: "auto" (decided from the evidence, see layout.py: known is a layout.Known of the
    power and hero names to look for), "heroes-as-rows" or "powers-as-rows".
    """
    if layout not in LAYOUTS:
        raise HeroDataError(f"unknown layout {layout!r}: one of {', '.join(LAYOUTS)}")
    rows = read_rows(path)
    notes = []
    if len(rows) < 2 or len(rows[0]) < 2:
        raise HeroDataError(
            f"{path} needs a header and at least one row, with a name column and at least one "
            "more column."
        )
    rows = drop_index(rows, notes)
    rows = drop_counts(rows, notes)
    check_cells(path, rows)
    column_names = rows[0][1:]
    row_names = [row[0] for row in rows[1:]]
    if layout == "auto":
        try:
            layout, seen = layouts.decide(rows[0][0], row_names, column_names, known)
        except layouts.LayoutError as error:
            raise HeroDataError(f"{path}: {error}") from None
        notes += seen
    if layout == "heroes-as-rows":
        heroes, powers, cells = row_names, column_names, [row[1:] for row in rows[1:]]
    else:
        powers, heroes = row_names, column_names
        cells = [list(column) for column in zip(*[row[1:] for row in rows[1:]], strict=True)]
    heroes = [clean_name(name) for name in heroes]
    powers = [clean_name(name) for name in powers]
    check_names(path, heroes, "hero")
    check_names(path, powers, "power")
    has = np.array([[value.lower() in TRUE for value in values] for values in cells], dtype=bool)
    has = has.reshape(len(heroes), len(powers))
    return PowerTable(heroes, powers, has, layouts.spoken(layout), notes)


def drop_index(rows, notes):
    """Without an old pandas index: an unnamed first column of integers before the names, or
    (in a table transposed by pandas) an unnamed first row of integers above them."""
    if bare_key(rows[0][0]) not in INDEX_LABELS:
        return rows
    if len(rows[0]) > 2 and all(is_integer(row[0]) for row in rows[1:]):
        notes.append("dropped an unnamed index column")
        return drop_index([row[1:] for row in rows], notes)
    if len(rows) > 2 and all(is_integer(cell) for cell in rows[0][1:]):
        notes.append("dropped an unnamed index row")
        return rows[1:]
    return rows


def check_cells(path, rows):
    """Every cell below the first row and right of the first column is True or False."""
    errors = []
    for line, row in enumerate(rows[1:], start=2):
        for column, value in zip(rows[0][1:], row[1:], strict=True):
            if value.lower() not in TRUE | FALSE:
                shown = f"{value!r}" if value else "an empty cell"
                errors.append(f"line {line}, column {column!r}: {shown}")
    if errors:
        more = f" (and {len(errors) - MAX_ERRORS} more)" if len(errors) > MAX_ERRORS else ""
        raise HeroDataError(
            f"{path}: every power cell must be True or False (also TRUE/FALSE, 1/0, yes/no); "
            f"{'; '.join(errors[:MAX_ERRORS])}{more}."
        )


def drop_counts(rows, notes):
    """Rows without count columns (and count rows): labelled as counts, or integers above 1."""

    def counting(label, values):
        if not values or not all(is_integer(v) for v in values):
            return False
        return bare_key(label) in COUNT_HEADERS or any(int(float(v)) > 1 for v in values)

    keep = [0] + [
        c for c in range(1, len(rows[0])) if not counting(rows[0][c], [row[c] for row in rows[1:]])
    ]
    for c in range(1, len(rows[0])):
        if c not in keep:
            notes.append(f"dropped the count column {rows[0][c] or '(unnamed)'!r}")
    rows = [[row[c] for c in keep] for row in rows]
    kept = [rows[0]]
    for row in rows[1:]:
        if counting(row[0], row[1:]) and bare_key(row[0]) in COUNT_HEADERS:
            notes.append(f"dropped the count row {row[0]!r}")
        else:
            kept.append(row)
    return kept


def check_names(path, names, what):
    empty = sum(1 for name in names if not name)
    if empty:
        many = {"hero": "heroes", "power": "powers"}[what]
        told = f"a {what} has" if empty == 1 else f"{empty} {many} have"
        raise HeroDataError(f"{path}: {told} no name.")
    long = [name for name in names if len(name) > MAX_NAME]
    if long:
        raise HeroDataError(
            f"{path}: {what} names are at most {MAX_NAME} characters; {long[0][:40]!r}... is "
            f"{len(long[0])}."
        )
    repeated = [name for name, count in Counter(names).items() if count > 1]
    if repeated:
        shown = ", ".join(repr(name) for name in repeated[:MAX_ERRORS])
        raise HeroDataError(f"{path}: {what} names appear more than once: {shown}.")


def read_details(path):
    """(list of Details in file order, notes) from a details CSV; unknown columns are ignored."""
    rows = read_rows(path)
    header = [bare_key(cell) for cell in rows[0]]
    fields = {}
    for c, key in enumerate(header):
        name = DETAIL_COLUMNS.get(key)
        if name and name not in fields.values():
            fields[c] = name
    if "name" not in fields.values():
        raise HeroDataError(
            f"{path}: no name column (a header 'name' or 'hero_names'); the header is "
            f"{', '.join(rows[0])}."
        )
    ignored = [rows[0][c] for c in range(len(header)) if c not in fields and rows[0][c]]
    notes = [f"ignored the columns {', '.join(ignored)}"] if ignored else []
    details, errors = [], []
    for line, row in enumerate(rows[1:], start=2):
        values = {}
        for c, name in fields.items():
            value = row[c]
            if name in NUMBERS:
                values[name] = number(value, errors, f"line {line}, column {rows[0][c]!r}")
            elif name == "name":
                values[name] = clean_name(value)
            else:
                values[name] = "" if value.lower() in MISSING else clean_name(value)
        if not values["name"]:
            errors.append(f"line {line}: no name")
        details.append(Details(**values))
    if errors:
        more = f" (and {len(errors) - MAX_ERRORS} more)" if len(errors) > MAX_ERRORS else ""
        raise HeroDataError(f"{path}: {'; '.join(errors[:MAX_ERRORS])}{more}.")
    return details, notes


def number(value, errors, where):
    if value.lower() in MISSING:
        return None
    try:
        result = float(value)
    except ValueError:
        errors.append(f"{where}: {value!r} is not a number")
        return None
    return result if result > 0 and np.isfinite(result) else None  # -99: missing


# -- matching -----------------------------------------------------------------------------------

RULES = (("exact", clean_name), ("case and spaces", loose_key), ("punctuation", bare_key))


def match(heroes, details):
    """Details for each hero: exact names first, then ignoring case and spaces, then ignoring
    punctuation and accents. A looser rule only pairs names it cannot confuse: one hero and one
    detail name, both still unpaired, with that key. Of several rows with the same name the
    first is used."""
    first_row = {}
    rows_per_name = Counter()
    for row in details:
        rows_per_name[row.name] += 1
        first_row.setdefault(row.name, row)
    names = list(first_row)
    taken = set()
    paired = [None] * len(heroes)
    by_rule = Counter()
    loose = []
    for rule, key in RULES:
        free_names = {}
        for name in names:
            if name not in taken:
                free_names.setdefault(key(name), []).append(name)
        free_heroes = Counter(key(hero) for i, hero in enumerate(heroes) if paired[i] is None)
        for i, hero in enumerate(heroes):
            if paired[i] is not None:
                continue
            candidates = free_names.get(key(hero), [])
            if len(candidates) == 1 and free_heroes[key(hero)] == 1:
                paired[i] = candidates[0]
                taken.add(candidates[0])
                by_rule[rule] += 1
                if rule != "exact":
                    loose.append((hero, candidates[0], rule))
    return Matching(
        details=[first_row[name] if name else None for name in paired],
        by_rule=by_rule,
        unmatched_heroes=[hero for hero, name in zip(heroes, paired, strict=True) if not name],
        unmatched_details=[name for name in names if name not in taken],
        repeated=[(name, count) for name, count in rows_per_name.items() if count > 1],
        loose=loose,
    )
