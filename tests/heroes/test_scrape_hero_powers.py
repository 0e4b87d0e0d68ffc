"""`scrape_hero_powers` against saved SuperHeroDb-style pages on a local server: every hero's
powers and details, politeness (User-Agent, a pause, retries, robots.txt), resuming, the
superhero-set's original layout, layout errors, and the import at the end."""

import csv
import json
import time
from html import escape
from pathlib import Path

import pytest
from django.core.management import CommandError

from heroes.bundled import BUNDLED_DETAILS, BUNDLED_POWERS
from heroes.models import Hero
from mlcore.scraping import superherodb
from mlcore.scraping.superherodb import parse_characters, parse_hero, parse_powers
from tests.commands import output

PAGES = Path(__file__).parent / "pages"
HTML = "text/html; charset=UTF-8"


def page(name):
    return (PAGES / name).read_text(encoding="utf-8")


def hero_page(name, rows=()):
    cells = "".join(f"<tr><td>{escape(k)}</td><td>{escape(v)}</td></tr>" for k, v in rows)
    return (
        f"<html><body><main><h1>{escape(name)}</h1>"
        f'<table class="table profile-table">{cells}</table></main></body></html>'
    )


def powers_page(name, powers):
    links = "".join(
        f'<a class="chip" href="/powers/{i}/">{escape(power)}</a>' for i, power in enumerate(powers)
    )
    return f"<html><body><main><h1>{escape(name)}</h1><div>{links}</div></main></body></html>"


def list_page(characters):
    items = "".join(
        f'<li class="char-li"><a href="{path}">{escape(name)}</a></li>' for name, path in characters
    )
    return f'<html><body><main><ul class="list">{items}</ul></main></body></html>'


SMALL_SITE = {
    "/characters/?page_nr=1": page("characters_1.html"),
    "/characters/?page_nr=2": page("characters_2.html"),
    "/characters/?page_nr=3": page("characters_3.html"),
    "/batman/10-639/": page("batman.html"),
    "/batman/10-639/powers/": page("batman_powers.html"),
    "/a-bomb/10-10060/": hero_page(
        "A-Bomb", [("Gender", "Male"), ("Height", "6'8 • 203 cm"), ("Creator", "Marvel")]
    ),
    "/a-bomb/10-10060/powers/": powers_page("A-Bomb", ["Super Strength", "Durability"]),
    "/spider-man/10-133/": hero_page("Spider-Man", [("Alignment", "Good")]),
    "/spider-man/10-133/powers/": powers_page("Spider-Man", ["Agility", "Wallcrawling"]),
    "/spider-man/10-1234/": hero_page("Spider-Man", [("Race", "Human")]),
    "/spider-man/10-1234/powers/": powers_page(
        "Spider-Man", ["Agility", "Wallcrawling", "Stealth"]
    ),
    "/zatanna/10-808/": hero_page("Zatanna", [("Gender", "Female"), ("Weight", "-")]),
    "/zatanna/10-808/powers/": powers_page("Zatanna", []),
}
HERO_PATHS = ["/a-bomb/10-10060/", "/batman/10-639/", "/spider-man/10-133/", "/spider-man/10-1234/"]
HERO_PATHS.append("/zatanna/10-808/")


def serve(local_server, site, **overrides):
    for path, body in {**site, **overrides}.items():
        local_server.route(path, body, content_type=HTML)


def scrape(local_server, out, *options):
    return output(
        "scrape_hero_powers",
        f"--base-url={local_server.url}",
        f"--out={out}",
        "--delay=0",
        "--backoff=0",
        *options,
    )


def read_csv(path):
    return list(csv.reader(path.open(encoding="utf-8", newline="")))


def test_parsers_find_heroes_powers_and_details_wherever_they_are():
    characters = parse_characters(page("characters_1.html"), "https://www.superherodb.com/x/")
    assert [(c.name, c.universe) for c in characters] == [
        ("A-Bomb", "Marvel"),
        ("Batman", "DC"),
        ("Elsewhere", ""),  # the same site, absolute
        ("Spider-Man", "Marvel"),
    ]
    on_a_copy = parse_characters(page("characters_1.html"), "http://127.0.0.1:1/characters/")
    assert "Elsewhere" not in [c.name for c in on_a_copy]  # another host
    batman = parse_hero(page("batman.html"), "/batman/10-639/")
    assert batman.name == "Batman"
    assert batman.details == {
        "publisher": "DC Comics",
        "alignment": "good",
        "gender": "Male",
        "race": "Human",
        "height_cm": 188.0,
        "weight_kg": 95.0,
        "eye_color": "Blue",
        "hair_color": "Black",
    }
    assert parse_powers(page("batman_powers.html")) == [
        "Agility",
        "Intelligence",
        "Marksmanship",
        "Stealth",
        "Weapons Master",
    ]


def test_writes_every_hero_in_the_original_layout(local_server, tmp_path):
    serve(local_server, SMALL_SITE)
    out = scrape(local_server, tmp_path, "--no-import")
    assert "List page 1: 3 characters (3 in all)." in out
    assert "List page 2: 2 characters (5 in all)." in out
    assert "Wrote 5 heroes (4 with powers)" in out
    powers = read_csv(tmp_path / "super_hero_powers.csv")
    assert powers[0] == [
        "hero_names",
        "Agility",
        "Durability",
        "Intelligence",
        "Marksmanship",
        "Stealth",
        "Super Strength",
        "Wallcrawling",
        "Weapons Master",
    ]
    rows = {
        row[0]: {p for p, v in zip(powers[0][1:], row[1:], strict=True) if v == "True"}
        for row in powers[1:]
    }
    assert rows == {
        "A-Bomb": {"Super Strength", "Durability"},
        "Batman": {"Agility", "Intelligence", "Marksmanship", "Stealth", "Weapons Master"},
        "Spider-Man (Marvel)": {"Agility", "Wallcrawling"},
        "Spider-Man (Ultimate)": {"Agility", "Wallcrawling", "Stealth"},
        "Zatanna": set(),
    }
    details = read_csv(tmp_path / "heroes_information.csv")
    assert details[0] == read_csv(BUNDLED_DETAILS)[0]
    assert details[2] == [
        "1",
        "Batman",
        "Male",
        "Blue",
        "Human",
        "Black",
        "188.0",
        "DC Comics",
        "-",
        "good",
        "95.0",
    ]
    assert details[5] == ["4", "Zatanna", "Female", "-", "-", "-", "-99.0", "", "-", "-", "-99.0"]
    # Navigation and footers link other heroes and powers: never read as the page's own.
    assert not any("superman" in path for path in local_server.requests)


def test_is_polite(local_server, tmp_path):
    serve(local_server, SMALL_SITE)
    started = time.monotonic()
    scrape(local_server, tmp_path, "--no-import", "--delay=0.05")
    requests = len(local_server.requests)
    assert requests == 1 + 3 + 2 * 5  # robots.txt, three list pages, each hero's two pages
    assert time.monotonic() - started >= 0.05 * (requests - 1)
    assert all(
        h["User-Agent"].startswith("heroproject-scraper/") for h in local_server.request_headers
    )


def test_obeys_robots_txt(local_server, tmp_path):
    serve(local_server, SMALL_SITE)
    local_server.route(
        "/robots.txt", "User-agent: *\nDisallow: /zatanna/\n", content_type="text/plain"
    )
    with pytest.raises(
        CommandError, match=r"robots.txt does not allow .*/zatanna/10-808/; 4 heroes"
    ):
        scrape(local_server, tmp_path, "--no-import")
    assert not any(path.startswith("/zatanna/") for path in local_server.requests)


def test_a_crawl_delay_is_honoured(local_server, tmp_path, monkeypatch):
    waits = []
    monkeypatch.setattr(time, "sleep", waits.append)
    serve(local_server, SMALL_SITE)
    local_server.route("/robots.txt", "User-agent: *\nCrawl-delay: 3\n", content_type="text/plain")
    out = scrape(local_server, tmp_path, "--no-import", "--limit=1")
    assert "robots.txt asks for 3 s between requests" in out
    ours = [wait for wait in waits if wait > 0]  # the local server sleeps 0 per answer
    assert len(ours) == 3 + 2 and all(2.9 < wait <= 3 for wait in ours)


def test_retries_a_busy_server(local_server, tmp_path):
    serve(local_server, SMALL_SITE)
    local_server.route("/batman/10-639/", "busy", status=503, times=2)
    scrape(local_server, tmp_path, "--no-import")
    assert local_server.requests.count("/batman/10-639/") == 3


def test_resumes_where_it_stopped(local_server, tmp_path):
    serve(local_server, SMALL_SITE, **{"/spider-man/10-1234/powers/": "down"})
    local_server.route("/spider-man/10-1234/powers/", "down", status=500, content_type=HTML)
    with pytest.raises(
        CommandError, match=r"HTTP 500 .* after 1 retry; 3 heroes are saved in .*run again"
    ):
        scrape(local_server, tmp_path, "--retries=1")
    assert not (tmp_path / "super_hero_powers.csv").exists()
    saved = [json.loads(line)["name"] for line in (tmp_path / "heroes.jsonl").open()]
    assert saved == ["A-Bomb", "Batman", "Spider-Man"]

    local_server.requests.clear()
    serve(local_server, SMALL_SITE)
    out = scrape(local_server, tmp_path, "--no-import")
    assert "Resuming: 3 heroes already saved" in out
    # Neither the list nor the saved heroes are fetched again.
    assert local_server.requests == [
        "/robots.txt",
        *[p + s for p in HERO_PATHS[3:] for s in ("", "powers/")],
    ]
    assert len(read_csv(tmp_path / "super_hero_powers.csv")) == 6


def test_a_torn_last_line_is_fetched_again(local_server, tmp_path):
    serve(local_server, SMALL_SITE)
    scrape(local_server, tmp_path, "--no-import", "--limit=2")
    with (tmp_path / "heroes.jsonl").open("a") as f:
        f.write('{"url": "half a line')
    out = scrape(local_server, tmp_path, "--no-import")
    assert "Resuming: 2 heroes already saved" in out and "Wrote 5 heroes" in out


def test_a_limit_leaves_the_rest_for_the_next_run(local_server, tmp_path):
    serve(local_server, SMALL_SITE)
    out = scrape(local_server, tmp_path, "--no-import", "--limit=2")
    assert "3 of 5 heroes still to fetch: run again to go on." in out
    assert not (tmp_path / "super_hero_powers.csv").exists()


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"/characters/?page_nr=1": page("other_layout.html")}, r"links to no hero page"),
        ({"/batman/10-639/": page("other_layout.html")}, r"batman/10-639/ has no <h1>"),
        ({"/batman/10-639/": page("challenge.html")}, r"answered with a bot check"),
        (
            {path + "powers/": page("other_layout.html") for path in HERO_PATHS},
            r"only 0 of 5 heroes have powers: .* The CSVs are not written",
        ),
    ],
    ids=["list", "hero page", "bot check", "powers pages"],
)
def test_layout_errors_say_so(local_server, tmp_path, overrides, reason):
    serve(local_server, SMALL_SITE, **overrides)
    with pytest.raises(CommandError, match=reason):
        scrape(local_server, tmp_path, "--no-import")
    assert not (tmp_path / "super_hero_powers.csv").exists()


def test_a_refused_request_mentions_a_bot_check(local_server, tmp_path):
    serve(local_server, SMALL_SITE)
    local_server.route("/characters/?page_nr=1", "no", status=403, content_type=HTML)
    with pytest.raises(CommandError, match=r"HTTP 403 Forbidden .*bot check"):
        scrape(local_server, tmp_path)


@pytest.mark.django_db
def test_too_few_heroes_to_import_leave_the_site_as_it_was(local_server, tmp_path):
    serve(local_server, SMALL_SITE)
    with pytest.raises(CommandError, match=r"clustering needs at least 20.* left as they were"):
        scrape(local_server, tmp_path)
    assert (tmp_path / "super_hero_powers.csv").exists()
    assert not Hero.objects.exists()


@pytest.mark.django_db
def test_a_scrape_refreshes_the_sites_heroes(local_server, tmp_path):
    """40 heroes of the bundled set, served as SuperHeroDb pages, end up on the site."""
    powers = read_csv(BUNDLED_POWERS)[1:41]
    header = read_csv(BUNDLED_POWERS)[0]
    details = {row[1]: row for row in read_csv(BUNDLED_DETAILS)[1:]}
    site, listed = {}, []
    for number, row in enumerate(powers):
        name, path = row[0], f"/hero-{number}/10-{number}/"
        listed.append((name, path))
        info = details.get(name)
        rows = [("Gender", info[2]), ("Creator", info[7]), ("Alignment", info[9])] if info else []
        site[path] = hero_page(name, rows)
        site[path + "powers/"] = powers_page(
            name, [p for p, v in zip(header[1:], row[1:], strict=True) if v == "True"]
        )
    site["/characters/?page_nr=1"] = list_page(listed[:25])
    site["/characters/?page_nr=2"] = list_page(listed[25:])
    serve(local_server, site)
    out = scrape(local_server, tmp_path)
    assert "Loaded 40 heroes into the site." in out
    assert Hero.objects.count() == 40
    a_bomb = Hero.objects.get(name="A-Bomb")
    assert a_bomb.publisher == "Marvel Comics" and a_bomb.alignment == "good"
    expected = [p for p, v in zip(header[1:], powers[1][1:], strict=True) if v == "True"]
    assert sorted(a_bomb.powers.values_list("name", flat=True)) == sorted(expected)


def test_the_crawl_reports_the_heroes_saved_as_progress(local_server, tmp_path):
    """The crawl is a plain-Python service: the command passes a progress callable (its bar)."""
    serve(local_server, SMALL_SITE)
    events, lines = [], []
    how = superherodb.Crawl(base_url=local_server.url, delay=0, backoff=0, limit=2)
    crawled = superherodb.crawl(
        tmp_path, how, progress=lambda *e: events.append(e), say=lines.append
    )
    assert events == [("heroes", 0, 5), ("heroes", 1, 5), ("heroes", 2, 5)]
    assert (crawled.heroes, crawled.missing, crawled.powers_path) == (5, 3, None)
    assert "3 of 5 heroes still to fetch: run again to go on." in lines[-1]
    events.clear()
    crawled = superherodb.crawl(tmp_path, how, progress=lambda *e: events.append(e), say=print)
    assert events[0] == ("heroes", 2, 5) and events[-1] == ("heroes", 4, 5)
    assert crawled.missing == 1
