"""An import is read the right way round or refused, says what it would change, needs --replace
to remove most of the site, and leaves the heroes it replaced restorable."""

import io

import pytest
from django.core.management import CommandError, call_command

from heroes import services
from heroes.bundled import BUNDLED_DETAILS
from heroes.models import Clustering, Hero, HeroSnapshot, Power
from tests.heroes.helpers import remove_heroes
from tests.heroes.test_import import ROWS, SMALL, transposed, write


def import_files(*paths, **options):
    out = io.StringIO()
    call_command("import_hero_powers", *map(str, paths), stdout=out, **options)
    return out.getvalue()


def clusters_by_hero():
    return dict(Hero.objects.values_list("name", "cluster__name"))


def site():
    """What a refused import must leave as it was."""
    return (
        Clustering.objects.get().pk,
        Hero.objects.count(),
        Power.objects.count(),
        HeroSnapshot.objects.count(),
    )


@pytest.fixture
def bundled_clusters(heroes):
    return clusters_by_hero()


def transposed_file(tmp_path, corner):
    rows = transposed(ROWS)
    rows[0][0] = corner
    return write(tmp_path / f"transposed-{corner or 'empty'}.csv", rows)


def wrong_way_import(tmp_path):
    """The site as the old importer left it: the transposed file read heroes as rows."""
    import_files(transposed_file(tmp_path, "hero_names"), layout="heroes-as-rows", replace=True)
    assert Hero.objects.filter(name="Flight").exists() and Hero.objects.count() == 167


def no_heroes(tmp_path):
    remove_heroes()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "before",
    [no_heroes, lambda tmp_path: None, wrong_way_import],
    ids=["fresh", "bundled", "wrong way"],
)
def test_a_transposed_file_reads_as_the_original_whatever_the_site_holds(
    tmp_path, heroes, bundled, before
):
    before(tmp_path)
    original = bundled[0].powers
    for corner in ("", "hero_names"):
        tables = services.read_tables(transposed_file(tmp_path, corner))
        assert tables.powers.layout == "powers as rows"
        assert tables.powers.heroes == original.heroes
        assert tables.powers.powers == original.powers
        assert (tables.powers.has == original.has).all()


@pytest.mark.django_db
def test_a_transposed_file_imports_with_the_original_clusters(tmp_path, bundled_clusters):
    """The empty corner is imported whole after a wrong-way import (below)."""
    out = import_files(transposed_file(tmp_path, "hero_names"), BUNDLED_DETAILS)
    assert "Read 667 heroes x 167 powers (powers as rows)." in out
    assert "the corner cell 'hero_names' says heroes as rows, the names do not" in out
    assert "Loaded 667 heroes, 167 powers and 14 clusters." in out
    assert clusters_by_hero() == bundled_clusters


@pytest.mark.django_db
def test_after_a_wrong_way_import_the_right_file_puts_the_heroes_back(tmp_path, bundled_clusters):
    wrong_way_import(tmp_path)
    path = transposed_file(tmp_path, "")
    with pytest.raises(CommandError, match=r"would remove 166 of the 167 heroes.*--replace"):
        import_files(path, BUNDLED_DETAILS)
    out = import_files(path, BUNDLED_DETAILS, replace=True)
    assert "Loaded 667 heroes, 167 powers and 14 clusters." in out
    assert clusters_by_hero() == bundled_clusters and Power.objects.count() == 167


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rows", "seen"),
    [
        (
            [["hero_names", *[f"Ability {i}" for i in range(30)]]]
            + [
                [f"Person {h}", *["True" if (h + i) % 4 == 0 else "False" for i in range(30)]]
                for h in range(30)
            ],
            "no known names, the corner cell 'hero_names' says heroes as rows, and the shape "
            r"\(30 rows x 30 columns\) is too near square",
        ),
        (
            [["", *ROWS[0][1:41]]] + [[power, *["False"] * 40] for power in ROWS[0][41:81]],
            "100% of the columns and 100% of the rows are known powers",
        ),
        (
            [["power", *[f"Person {h}" for h in range(20)]]]
            + [[f"Ability {i}", *["True"] * 20] for i in range(80)],
            r"the corner cell 'power' says powers as rows, and the shape \(80 rows x 20 columns\)"
            " says heroes as rows",
        ),
        (
            [[ROWS[1][0], *ROWS[1][1:]], *ROWS[2:40]],
            "the first row holds True/False values, not names",
        ),
    ],
    ids=["square, unknown names", "powers both ways", "corner against shape", "no header"],
)
def test_a_table_that_cannot_be_told_apart_is_refused_and_changes_nothing(
    tmp_path, heroes, rows, seen
):
    before = site()
    with pytest.raises(CommandError, match=seen) as refused:
        import_files(write(tmp_path / "unclear.csv", rows), replace=True)
    message = str(refused.value)
    assert message.endswith("Nothing was changed.")
    if "True/False" not in seen:
        assert "--layout heroes-as-rows or --layout powers-as-rows" in message
    assert site() == before


@pytest.mark.django_db
def test_dry_run_says_what_would_change_and_changes_nothing(tmp_path, heroes):
    rows = [list(row) for row in ROWS[:-5]]  # the last five heroes removed
    rows += [[f"New Hero {n}", *row[1:]] for n, row in enumerate(ROWS[1:3])]
    for row in rows[1:4]:  # three heroes with one power more or less
        row[1] = "False" if row[1] == "True" else "True"
    before = site()
    out = import_files(write(tmp_path / "changed.csv", rows), BUNDLED_DETAILS, dry_run=True)
    assert "Read 664 heroes x 167 powers (heroes as rows)." in out
    assert "Details for " in out and "  matched " not in out
    assert "Compared with the site now (667 heroes, 167 powers): 2 heroes added, 3 changed, " in out
    assert "5 removed, 659 unchanged; 0 powers new, 0 gone." in out
    assert "  added: New Hero 0, New Hero 1" in out
    assert f"  removed: {', '.join(sorted(row[0] for row in ROWS[-5:]))}" in out
    assert "  changed: 3-D Man, A-Bomb, Abe Sapien" in out
    assert "Clustered 664 heroes with powers into" in out
    assert out.rstrip().endswith("Dry run: nothing was changed.")
    assert site() == before


@pytest.mark.django_db
def test_dry_run_of_a_drastic_import_says_why_it_would_stop(tmp_path, heroes):
    out = import_files(write(tmp_path / "small.csv", ROWS[: SMALL + 1]), dry_run=True)
    assert "0 heroes added, 58 changed, 607 removed, 2 unchanged" in out  # details dropped
    assert "Without --replace this import would stop: it would remove 607 of the 667 heroes." in out
    assert Hero.objects.count() == 667


@pytest.mark.django_db
def test_replacing_most_heroes_needs_replace_and_stays_restorable(tmp_path, bundled_clusters):
    before = site()
    small = write(tmp_path / "small.csv", ROWS[: SMALL + 1])
    with pytest.raises(CommandError, match="Stopped: it would remove 607 of the 667 heroes"):
        import_files(small)
    assert site() == before
    renamed = [[ROWS[0][0], *(f"{p} (renamed)" for p in ROWS[0][1:])], *ROWS[1:]]
    with pytest.raises(CommandError, match="167 of the site's 167 power names are not in it"):
        import_files(write(tmp_path / "renamed.csv", renamed))
    assert site() == before

    import_files(small, replace=True)
    assert Hero.objects.count() == SMALL and HeroSnapshot.objects.count() == 1
    out = import_files(restore_previous=True)
    assert "Loaded 667 heroes, 167 powers and 14 clusters." in out
    assert clusters_by_hero() == bundled_clusters
    assert Hero.objects.get(name="A-Bomb").publisher == "Marvel Comics"
    assert Clustering.objects.get().source == "restored: bundled"
    import_files(restore_previous=True)  # and back to what the restore replaced
    assert Hero.objects.count() == SMALL


@pytest.mark.django_db
def test_restore_before_any_import_and_bad_arguments(tmp_path, heroes):
    with pytest.raises(CommandError, match=r"No earlier heroes are kept.*Nothing was changed"):
        import_files(restore_previous=True)
    with pytest.raises(CommandError, match="Give a powers CSV to import, or --restore-previous"):
        import_files()
    with pytest.raises(CommandError, match="not both"):
        import_files(tmp_path / "p.csv", restore_previous=True)


@pytest.mark.django_db
def test_the_admin_restores_earlier_heroes(tmp_path, admin_client, heroes):
    first = write(tmp_path / "first.csv", ROWS[: SMALL + 1])
    import_files(first, replace=True)
    clusters = clusters_by_hero()
    import_files(
        write(tmp_path / "next.csv", [ROWS[0], *ROWS[SMALL + 1 : 2 * SMALL + 1]]), replace=True
    )
    snapshot = HeroSnapshot.objects.first()
    page = admin_client.get("/admin/heroes/herosnapshot/").content.decode()
    assert str(first) in page and "bundled" in page
    response = admin_client.post(
        "/admin/heroes/herosnapshot/",
        {"action": "restore", "_selected_action": [snapshot.pk]},
        follow=True,
    )
    restored = Clustering.objects.get()
    assert f"Restored {SMALL} heroes and 167 powers in {restored.k} clusters" in (
        response.content.decode()
    )
    assert clusters_by_hero() == clusters
    assert admin_client.get("/admin/heroes/herosnapshot/add/").status_code == 403
