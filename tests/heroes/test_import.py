"""`import_hero_powers` and the table reader behind it: the layouts in circulation, clear errors
that change nothing, and names matched across the two files with care."""

import csv
import io

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from heroes import services
from heroes.bundled import BUNDLED_DETAILS, BUNDLED_POWERS
from heroes.models import Cluster, Clustering, Hero, Neighbour, Power
from mlcore.heroes import layout, table

ROWS = list(csv.reader(BUNDLED_POWERS.open(encoding="utf-8", newline="")))
DETAIL_ROWS = list(csv.reader(BUNDLED_DETAILS.open(encoding="utf-8", newline="")))
ORIGINAL = table.read_powers(BUNDLED_POWERS)
KNOWN = layout.Known.of(powers=ORIGINAL.powers, heroes=ORIGINAL.heroes)
SMALL = 60  # heroes in the files a test imports: a fit of seconds' fraction


def write(path, rows, bom=False, delimiter=","):
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter, lineterminator="\n").writerows(rows)
    path.write_text(("\ufeff" if bom else "") + text.getvalue(), encoding="utf-8")
    return path


def transposed(rows):
    return [["power", *[row[0] for row in rows[1:]]]] + [
        [power, *[row[c] for row in rows[1:]]] for c, power in enumerate(rows[0][1:], start=1)
    ]


def upper(rows):
    return [rows[0]] + [[row[0], *(cell.upper() for cell in row[1:])] for row in rows[1:]]


def ones(rows):
    return [rows[0]] + [
        [row[0], *("1" if c == "True" else "0" for c in row[1:])] for row in rows[1:]
    ]


def with_count(rows):
    return [[*rows[0], "count"]] + [[*row, str(row[1:].count("True"))] for row in rows[1:]]


def with_index(rows):
    return [["", *rows[0]]] + [[str(i), *row] for i, row in enumerate(rows[1:])]


def import_files(*paths, **options):
    out = io.StringIO()
    call_command("import_hero_powers", *map(str, paths), stdout=out, **options)
    return out.getvalue()


@pytest.mark.parametrize(
    ("variant", "notes"),
    [
        (lambda p: write(p, ROWS), []),
        (lambda p: write(p, ROWS, bom=True), []),
        (lambda p: write(p, upper(ROWS)), []),
        (lambda p: write(p, ones(ROWS)), []),
        (lambda p: write(p, transposed(ROWS)), []),
        (lambda p: write(p, transposed(upper(ROWS)), bom=True), []),
        (lambda p: write(p, with_count(ROWS)), ["dropped the count column 'count'"]),
        (lambda p: write(p, with_index(ROWS)), ["dropped an unnamed index column"]),
        (lambda p: write(p, ROWS, delimiter=";"), []),
    ],
    ids=[
        "original",
        "bom",
        "TRUE/FALSE",
        "1/0",
        "transposed",
        "transposed TRUE bom",
        "count",
        "index",
        "semicolons",
    ],
)
def test_the_variants_in_circulation_read_the_same(tmp_path, variant, notes):
    read = table.read_powers(variant(tmp_path / "powers.csv"))
    assert read.heroes == ORIGINAL.heroes
    assert read.powers == ORIGINAL.powers
    assert (read.has == ORIGINAL.has).all()
    assert read.notes == notes


def test_a_transposed_table_without_a_corner_label_is_told_by_its_power_names(tmp_path):
    rows = transposed(ROWS)
    rows[0][0] = ""
    known = layout.Known.of(powers=ORIGINAL.powers[:20])
    read = table.read_powers(write(tmp_path / "t.csv", rows), known=known)
    assert read.layout == "powers as rows" and read.heroes == ORIGINAL.heroes
    assert "12% of the rows are known powers" in read.notes[0]


def test_a_count_column_and_a_count_row_of_a_transposed_table(tmp_path):
    rows = transposed(ROWS[:30])
    rows = [[*rows[0], "n_heroes"]] + [[*r, str(r[1:].count("True"))] for r in rows[1:]]
    rows.append(["total", *[str(int(i % 7 + 2)) for i in range(len(rows[0]) - 1)]])
    read = table.read_powers(write(tmp_path / "t.csv", rows), known=KNOWN)
    assert read.heroes == ORIGINAL.heroes[:29]
    assert read.notes[:2] == [
        "dropped the count column 'n_heroes'",
        "dropped the count row 'total'",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"hero_names,Flight\n", "needs a header and at least one row"),
        (
            b"hero_names,Flight,Magic\nA,True,False\nB,True\n",
            "the header has 3 cells but line 3 has 2",
        ),
        (
            b"hero_names,Flight\nA,maybe\nB,\n",
            r"line 2, column 'Flight': 'maybe'; line 3, column 'Flight': an empty cell",
        ),
        (b"hero_names,Flight\nA,True\nA,False\n", "hero names appear more than once: 'A'"),
        (b"hero_names,Flight,Flight\nA,True,True\n", "power names appear more than once: 'Flight'"),
        (b"hero_names,Flight\n,True\n", "a hero has no name"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not a CSV text file"),
        (b"hero_names,Fl\xe9ght\nA,True\n", "not UTF-8 text"),
        (b"hero_names,Flight\n" + b"A" * 201 + b",True\n", "at most 200 characters; 'AAAA"),
    ],
    ids=[
        "empty",
        "no rows",
        "ragged",
        "not boolean",
        "hero twice",
        "power twice",
        "no name",
        "binary",
        "latin-1",
        "long name",
    ],
)
def test_bad_powers_files_are_refused_with_the_reason(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(table.HeroDataError, match=message):
        table.read_powers(path, "heroes-as-rows")


def test_a_missing_file(tmp_path):
    with pytest.raises(table.HeroDataError, match=r"cannot read .*nowhere\.csv"):
        table.read_powers(tmp_path / "nowhere.csv")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"hero,weight\nA,12\n", None),
        (b"who,Gender\nA,Male\n", "no name column"),
        (b"name,Height\nA,tall\n", r"line 2, column 'Height': 'tall' is not a number"),
        (b"name,Height\n,180\n", "line 2: no name"),
    ],
)
def test_details_files(tmp_path, content, message):
    path = tmp_path / "details.csv"
    path.write_bytes(content)
    if message is None:
        details, notes = table.read_details(path)
        assert details == [table.Details(name="A", weight_kg=12.0)] and notes == []
    else:
        with pytest.raises(table.HeroDataError, match=message):
            table.read_details(path)


def test_missing_values_in_details():
    details, notes = table.read_details(BUNDLED_DETAILS)
    a_bomb, abe = details[0], details[1]
    assert a_bomb == table.Details(
        name="A-Bomb",
        gender="Male",
        eye_color="yellow",
        race="Human",
        hair_color="No Hair",
        height_cm=203.0,
        publisher="Marvel Comics",
        skin_color="",  # "-"
        alignment="good",
        weight_kg=441.0,
    )
    assert abe.skin_color == "blue"
    angel = next(d for d in details if d.name == "Angel" and d.publisher == "Dark Horse Comics")
    assert angel.height_cm is None and angel.weight_kg is None  # -99.0
    assert notes == []  # the unnamed index column is the only one not read, and it has no name


def test_names_are_matched_with_care():
    heroes = ["Spider-Man", "batman", "Iron  Man", "Bird-Man", "Birdman", "Zatanna", "Ms Marvel"]
    details = [
        table.Details("Spider Man"),  # punctuation
        table.Details("Batman"),  # case
        table.Details("Batman", publisher="second row"),
        table.Details("Iron Man"),  # exact once spaces are collapsed
        table.Details("Bird-Man"),
        table.Details("Birdman"),
        table.Details("Ms. Marvel"),
        table.Details("Ms-Marvel"),  # two names with the same bare key: neither is guessed
        table.Details("Unknown Hero"),
    ]
    matching = table.match(heroes, details)
    names = [d.name if d else None for d in matching.details]
    assert names == ["Spider Man", "Batman", "Iron Man", "Bird-Man", "Birdman", None, None]
    assert matching.details[1].publisher == ""  # the first of the two Batman rows
    assert matching.by_rule == {"exact": 3, "case and spaces": 1, "punctuation": 1}
    assert matching.loose == [
        ("batman", "Batman", "case and spaces"),
        ("Spider-Man", "Spider Man", "punctuation"),
    ]
    assert matching.unmatched_heroes == ["Zatanna", "Ms Marvel"]
    assert matching.unmatched_details == ["Ms. Marvel", "Ms-Marvel", "Unknown Hero"]
    assert matching.repeated == [("Batman", 2)]


# -- the command -------------------------------------------------------------------------------


def small_files(tmp_path, powers_rows=None, details_rows=None):
    powers = write(tmp_path / "powers.csv", powers_rows or ROWS[: SMALL + 1])
    details = write(tmp_path / "details.csv", details_rows or DETAIL_ROWS)
    return powers, details


@pytest.mark.django_db
def test_import_loads_heroes_powers_and_clusters(tmp_path):
    powers, details = small_files(tmp_path)
    out = import_files(powers, details)
    assert "Read 60 heroes x 167 powers (heroes as rows)." in out
    assert "Details for 58 of 60 heroes (58 exact)." in out
    assert "2 heroes have no detail row: 3-D Man, Bananaman." in out
    assert "names have several detail rows, the first used: Angel (2)" in out
    assert "Loaded 60 heroes, 167 powers and" in out
    clustering = Clustering.objects.get()
    assert Hero.objects.count() == 60 and Power.objects.count() == 167
    assert clustering.k == Cluster.objects.count() >= 2
    assert sum(Cluster.objects.values_list("size", flat=True)) == 60
    assert not Hero.objects.filter(cluster__isnull=True).exists()
    a_bomb = Hero.objects.get(name="A-Bomb")
    assert a_bomb.publisher == "Marvel Comics" and a_bomb.height_cm == 203
    assert a_bomb.powers.count() == int(ORIGINAL.has[ORIGINAL.heroes.index("A-Bomb")].sum())
    assert Neighbour.objects.filter(hero=a_bomb).count() == 10
    assert not Hero.objects.get(name="3-D Man").has_details


@pytest.mark.django_db
def test_import_a_transposed_file_with_true_false_and_a_bom(tmp_path):
    rows = with_count(upper(ROWS[: SMALL + 1]))
    powers = write(tmp_path / "powers.csv", transposed(rows[:1] + rows[1:])[:-1], bom=True)
    out = import_files(powers)
    assert "Read 60 heroes x 167 powers (powers as rows)." in out
    assert Hero.objects.count() == 60
    abomination = Hero.objects.get(name="Abomination")
    row = next(row for row in ROWS if row[0] == "Abomination")
    expected = {p for p, v in zip(ROWS[0][1:], row[1:], strict=True) if v == "True"}
    assert set(abomination.powers.values_list("name", flat=True)) == expected


@pytest.mark.django_db
def test_loosely_matched_and_unmatched_names_are_reported(tmp_path):
    details_rows = [DETAIL_ROWS[0]] + [list(row) for row in DETAIL_ROWS[1:60]]
    details_rows[1][1] = "a bomb"  # A-Bomb
    details_rows[3][1] = "ABIN SUR"  # Abin Sur
    details_rows.append(["999", "Nobody Known", "-", "-", "-", "-", "-99.0", "", "-", "-", "-99.0"])
    out = import_files(*small_files(tmp_path, details_rows=details_rows))
    assert "matched 'Abin Sur' to 'ABIN SUR' (case and spaces)" in out
    assert "matched 'A-Bomb' to 'a bomb' (punctuation)" in out
    assert "detail names match no hero (not loaded): " in out and "Nobody Known" in out
    assert Hero.objects.get(name="A-Bomb").publisher == "Marvel Comics"


@pytest.mark.django_db
def test_a_second_import_replaces_the_first(tmp_path):
    powers, details = small_files(tmp_path)
    import_files(powers, details)
    first = Clustering.objects.get()
    fewer = write(tmp_path / "fewer.csv", [ROWS[0], *ROWS[20:51]])
    import_files(fewer)
    assert Clustering.objects.get().pk != first.pk
    assert Hero.objects.count() == 31
    assert not Hero.objects.filter(name="A-Bomb").exists()
    assert not Hero.objects.exclude(has_details=False).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"hero_names,Flight\nA,maybe\n", "line 2, column 'Flight': 'maybe'"),
        (b"", "is empty"),
        (None, "clustering needs at least 20"),
    ],
    ids=["bad cell", "empty", "too few heroes"],
)
def test_a_bad_file_changes_nothing(tmp_path, content, message):
    powers, details = small_files(tmp_path)
    import_files(powers, details)
    before = (Clustering.objects.get().pk, Hero.objects.count(), Neighbour.objects.count())
    bad = tmp_path / "bad.csv"
    if content is None:
        write(bad, ROWS[:11])
    else:
        bad.write_bytes(content)
    with pytest.raises(CommandError, match=f"{message}.* Nothing was changed"):
        import_files(bad, details, replace=True)
    assert (Clustering.objects.get().pk, Hero.objects.count(), Neighbour.objects.count()) == before


@pytest.mark.django_db
def test_a_failure_while_storing_rolls_everything_back(tmp_path, monkeypatch):
    powers, details = small_files(tmp_path)
    import_files(powers, details)
    before = Clustering.objects.get().pk

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Neighbour.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        import_files(powers, details)
    assert Clustering.objects.get().pk == before
    assert Hero.objects.count() == 60


@pytest.mark.django_db
def test_the_layout_can_be_forced(tmp_path):
    rows = transposed(ROWS[: SMALL + 1])
    rows[0][0] = ""
    path = write(tmp_path / "t.csv", rows)
    import_files(path, layout="powers-as-rows")
    assert Hero.objects.count() == 60


@pytest.mark.django_db
def test_heroes_without_powers_are_their_own_group(tmp_path):
    rows = [list(row) for row in ROWS[: SMALL + 1]]
    for row in rows[1:4]:
        row[1:] = ["False"] * (len(row) - 1)
    out = import_files(write(tmp_path / "p.csv", rows))
    assert "3 heroes have no powers: a group of their own." in out
    group = Cluster.objects.get(no_powers=True)
    assert group.name == "No powers listed" and group.size == 3
    assert set(group.heroes.values_list("name", flat=True)) == {r[0] for r in rows[1:4]}
    assert group.number == Cluster.objects.count()


def test_slugs_are_unique_and_never_the_apps_own_addresses():
    slugs = services.unique_slugs(
        ["Search", "Bird-Man", "Bird Man", "!!!", "Büro"], "hero", {"search"}
    )
    assert slugs == ["search-2", "bird-man", "bird-man-2", "hero", "buro"]


def test_placing_needs_heroes(db):
    with pytest.raises(services.NoHeroes, match="No heroes are loaded yet"):
        services.place(["flight"])


def test_loaded_powers_help_to_read_a_table(db):
    assert "flight" in services.known_names().powers
    assert np.array_equal(ORIGINAL.has.sum(), 5874)
