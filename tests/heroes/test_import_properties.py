"""Property: every powers table `import_hero_powers` claims to read is read exactly, in every
layout and encoding; a mutated one (transposed, re-encoded, columns reordered or renamed, rows
repeated, truncated, a stray index or count column) is read exactly as it now is or refused with
a message naming the file, and a refused file changes nothing on the site."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import strategies as st

from heroes import services
from heroes.models import Clustering, Hero, HeroSnapshot
from mlcore.heroes import layout
from tests.heroes.test_import import ROWS, SMALL, write
from tests.properties import as_file, bounded, read_or_refusal

POWER_NAMES = ROWS[0][1:]
HERO_NAMES = [row[0] for row in ROWS[1:]]
KNOWN = layout.Known.of(POWER_NAMES, HERO_NAMES)
HERO_POOL = [name for name in HERO_NAMES if layout.bare_key(name) in KNOWN.heroes]
POWER_POOL = [name for name in POWER_NAMES if layout.bare_key(name) in KNOWN.powers]
WORDS = [("True", "False"), ("TRUE", "FALSE"), ("1", "0"), ("yes", "no"), ("t", "f")]
CORNERS = ["hero_names", "", "power", "name", "Unnamed: 0"]
REFUSED = "refused"
PROPERTY = bounded(60)


@st.composite
def tables(draw):
    """(heroes, powers, has: {hero: set of powers}) in file order, names known to the site."""
    heroes = draw(st.lists(st.sampled_from(HERO_POOL), min_size=3, max_size=25, unique=True))
    powers = draw(st.lists(st.sampled_from(POWER_POOL), min_size=2, max_size=8, unique=True))
    has = {hero: {p for p in powers if draw(st.booleans())} for hero in heroes}
    return heroes, powers, has


@st.composite
def files(draw, table):
    """The bytes of a table in one of the layouts and encodings the importer reads."""
    heroes, powers, has = table
    yes, no = draw(st.sampled_from(WORDS))
    rows = [[draw(st.sampled_from(CORNERS)), *powers]]
    rows += [[hero, *(yes if p in has[hero] else no for p in powers)] for hero in heroes]
    if draw(st.booleans()):
        rows = [list(column) for column in zip(*rows, strict=True)]
    if draw(st.booleans()):  # an old pandas index
        rows = [["", *rows[0]]] + [[str(i), *row] for i, row in enumerate(rows[1:])]
    text = io.StringIO()
    csv.writer(
        text,
        delimiter=draw(st.sampled_from([",", ";", "\t"])),
        lineterminator=draw(st.sampled_from(["\n", "\r\n"])),
        quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])),
    ).writerows(rows)
    return text.getvalue().encode(draw(st.sampled_from(["utf-8", "utf-8-sig"])))


def mutate(data, table, draw):
    """(bytes, what they hold: the table, REFUSED, or None for a part of the table or a
    refusal)."""
    heroes, powers, has = table
    kind = draw(
        st.sampled_from(
            ["reordered", "renamed", "repeated", "truncated", "utf-16", "latin-1", "count"]
        )
    )
    if kind == "reordered":
        order = draw(st.permutations(powers))
        return write_plain(heroes, order, has), (heroes, order, has)
    if kind == "renamed":  # powers under names nobody knows
        renamed = {p: f"Skill {i}" for i, p in enumerate(powers)}
        new = {hero: {renamed[p] for p in held} for hero, held in has.items()}
        return write_plain(heroes, list(renamed.values()), new), (
            heroes,
            list(renamed.values()),
            new,
        )
    if kind == "repeated":
        lines = data.splitlines(keepends=True)
        line = draw(st.integers(1, len(lines) - 1))
        return b"".join([*lines[: line + 1], lines[line], *lines[line + 1 :]]), REFUSED
    if kind == "truncated":
        return data[: draw(st.integers(0, len(data) - 1))], None
    if kind == "utf-16":
        return data.decode("utf-8-sig").encode("utf-16"), REFUSED
    if kind == "latin-1":
        return data.decode("utf-8-sig").encode("latin-1"), table
    with_count = [[*row, str(len(has[row[0]]))] for row in plain_rows(heroes, powers, has)[1:]]
    rows = [[*plain_rows(heroes, powers, has)[0], "count"], *with_count]
    return csv_bytes(rows), table


def plain_rows(heroes, powers, has):
    return [["hero_names", *powers]] + [
        [hero, *("True" if p in has[hero] else "False" for p in powers)] for hero in heroes
    ]


def csv_bytes(rows):
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(rows)
    return text.getvalue().encode("utf-8")


def write_plain(heroes, powers, has):
    return csv_bytes(plain_rows(heroes, powers, has))


def read(data):
    """The table read from these bytes as (heroes, powers, has), or the refusal's message."""
    read = read_or_refusal(
        lambda path: services.read_tables(path, known=KNOWN).powers,
        data,
        "powers.csv",
        services.HeroImportError,
    )
    if isinstance(read, str):
        return read
    held = {
        hero: {p for p, yes in zip(read.powers, row, strict=True) if yes}
        for hero, row in zip(read.heroes, read.has, strict=True)
    }
    return read.heroes, read.powers, held


@pytest.fixture
def small_site(db, tmp_path):
    """A site with a few bundled heroes: what a refused import must leave as it was (a fit of
    the whole bundled set would take longer than every example together)."""
    path = write(tmp_path / "small.csv", ROWS[: SMALL + 1])
    call_command("import_hero_powers", str(path), stdout=io.StringIO())


def site():
    return Clustering.objects.get().pk, Hero.objects.count(), HeroSnapshot.objects.count()


def refused_by_the_command(data):
    before = site()
    with (
        as_file(data, "powers.csv") as path,
        pytest.raises(CommandError, match="Nothing was changed"),
    ):
        call_command("import_hero_powers", str(path), replace=True, stdout=io.StringIO())
    assert site() == before


@PROPERTY
@given(st.data())
def test_every_layout_and_encoding_is_read_exactly(data):
    table = data.draw(tables())
    assert read(data.draw(files(table))) == table


@pytest.mark.django_db
@PROPERTY
@given(st.data())
def test_a_mutated_table_is_read_as_it_now_is_or_refused_without_a_change(small_site, data):
    table = data.draw(tables())
    mutated, now = mutate(data.draw(files(table)), table, data.draw)
    result = read(mutated)
    if isinstance(result, str):
        assert now in (REFUSED, None), result
        refused_by_the_command(mutated)
    elif now == REFUSED:
        pytest.fail(f"read {result} from a table that must be refused")
    elif now is not None:
        assert result == now
    else:  # truncated or repeated and still read: it must be a part of the table, exactly
        heroes, powers, has = result
        truth = table[2]
        assert all(truth[hero] & set(powers) == has[hero] for hero in heroes)
        assert set(powers) <= set(table[1]) and set(heroes) <= set(table[0])
