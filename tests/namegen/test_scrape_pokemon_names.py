from pathlib import Path

import pytest
from django.core.management import CommandError

from mlcore.scraping.pokemon import LayoutError, parse_species, write_names
from tests.commands import output

PATH = "/wiki/List_of_Pok%C3%A9mon_by_National_Pok%C3%A9dex_number"
PAGES = Path(__file__).parent / "pages"
SPECIES_PAGE = (PAGES / "species.html").read_text(encoding="utf-8")
SPECIES = [
    "Bulbasaur",
    "Nidoran♀",
    "Nidoran♂",
    "Farfetch'd",
    "Mr. Mime",
    "Rattata",
    "Meowth",
    "Ho-Oh",
    "Porygon-Z",
    "Flab\u00e9b\u00e9",
    "Type: Null",
    "Pikachu",
    "Mime Jr.",
    "Jangmo-o",
    "Sirfetch'd",
    "Mr. Rime",
    "Tapu Koko",
    "Wo-Chien",
    "Chi-Yu",
    "Iron Treads",
    "Great Tusk",
    "Pecharunt",
]
OLD_LIST = "Bulbasaur\nIvysaur\n"


@pytest.fixture
def out(tmp_path):
    path = tmp_path / "pokemon_names.txt"
    path.write_text(OLD_LIST, encoding="utf-8")
    return path


def scrape(local_server, out, *options):
    return output(
        "scrape_pokemon_names",
        f"--url={local_server.url}{PATH}",
        f"--out={out}",
        f"--min-names={len(SPECIES)}",
        "--backoff=0",
        *options,
    )


def serve(local_server, page, **route):
    local_server.route(PATH, page, content_type="text/html; charset=UTF-8", **route)


def test_writes_the_species_in_dex_order(local_server, out):
    serve(local_server, SPECIES_PAGE)
    summary = scrape(local_server, out)
    assert out.read_text(encoding="utf-8") == "".join(f"{name}\n" for name in SPECIES)
    assert f"Wrote 22 names, Bulbasaur to Pecharunt, to {out}." in summary
    assert list(out.parent.iterdir()) == [out]


def test_sends_a_user_agent(local_server, out):
    serve(local_server, SPECIES_PAGE)
    scrape(local_server, out)
    assert local_server.request_headers[0]["User-Agent"].startswith("heroproject-scraper/")


def test_retries_a_busy_server(local_server, out):
    serve(local_server, "busy", status=503, times=2)
    serve(local_server, SPECIES_PAGE)
    scrape(local_server, out)
    assert local_server.requests == [PATH] * 3
    assert out.read_text(encoding="utf-8").splitlines() == SPECIES


def test_waits_as_asked_when_rate_limited(local_server, out):
    serve(local_server, "slow down", status=429, headers={"Retry-After": "0"}, times=1)
    serve(local_server, SPECIES_PAGE)
    scrape(local_server, out)
    assert local_server.requests == [PATH] * 2
    assert out.read_text(encoding="utf-8").splitlines() == SPECIES


def test_gives_up_and_keeps_the_old_list(local_server, out):
    serve(local_server, "down", status=503)
    with pytest.raises(CommandError, match=r"HTTP 503 Service Unavailable after 2 retries"):
        scrape(local_server, out, "--retries=2")
    assert local_server.requests == [PATH] * 3
    assert out.read_text(encoding="utf-8") == OLD_LIST


def test_read_timeout(local_server, out):
    serve(local_server, SPECIES_PAGE, delay=1)
    with pytest.raises(CommandError, match=r"no answer within 0\.2 s; .* is left as it was"):
        scrape(local_server, out, "--timeout=0.2", "--retries=0")
    assert out.read_text(encoding="utf-8") == OLD_LIST


@pytest.mark.parametrize(
    ("page", "options", "reason"),
    [
        ((PAGES / "other_layout.html").read_text(encoding="utf-8"), [], "layout is not the one"),
        ("", [], "layout is not the one"),
        (SPECIES_PAGE[: SPECIES_PAGE.index("#0009")], [], r"found 8 species .* #0008 \(Ho-Oh\)"),
        (SPECIES_PAGE.replace(">#0012<", "><"), [], "found 21 species .*, but 1 missing: #0012;"),
        (SPECIES_PAGE, ["--min-names=1025"], "found 22 species .* at least 1025"),
    ],
    ids=["other layout", "empty", "truncated", "a row changed", "too few"],
)
def test_layout_errors_keep_the_old_list(local_server, out, page, options, reason):
    serve(local_server, page)
    with pytest.raises(CommandError, match=reason):
        scrape(local_server, out, *options)
    assert out.read_text(encoding="utf-8") == OLD_LIST
    assert list(out.parent.iterdir()) == [out]


def test_regional_forms_keep_the_species_name():
    html = """<table>
    <tr><td>#0001</td><td><a href="/a"><img alt=""></a></td><td><a href="/b">Meowth</a></td></tr>
    <tr><td>#0001</td><td><a href="/c">0052</a></td><td><a href="/d">Alolan Meowth</a></td></tr>
    </table>"""
    assert parse_species(html, min_count=1) == ["Meowth"]


def test_a_regional_number_before_the_national_one():
    html = """<table>
    <tr><th>Kdex</th><th>Ndex</th><th>MS</th><th>Pokémon</th></tr>
    <tr><td>#001</td><td>#0001</td><td><a><img alt=""></a></td><td><a>Bulbasaur</a></td></tr>
    <tr><td></td><td>#0002</td><td><a><img alt=""></a></td><td><a>Ivysaur</a></td></tr>
    </table>"""
    assert parse_species(html, min_count=2) == ["Bulbasaur", "Ivysaur"]


def test_a_dex_row_without_a_name_is_a_layout_error():
    html = "<table><tr><td>#0001</td><td>Bulbasaur</td></tr></table>"
    with pytest.raises(LayoutError, match="the row of #0001 has no linked name"):
        parse_species(html, min_count=1)


def test_write_names_creates_the_folder(tmp_path):
    path = tmp_path / "new" / "names.txt"
    write_names(["Mew", "Mewtwo"], path)
    assert path.read_bytes() == b"Mew\nMewtwo\n"
