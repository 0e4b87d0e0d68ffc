"""Heroes, their powers and details from SuperHeroDb's public pages, and the two CSV files of the
superhero-set written from them.

The pages, as public scrapers of the site have read them since 2017 (the live site could not be
reached from where this was written): a paged list of characters, `/characters/?page_nr=N`, each
linking to a hero page such as `/batman/10-639/`; the hero page has the name in an <h1> and a
table of label/value rows (Gender, Race, Height "6'2 • 188 cm", Weight "210 lb • 95 kg", eye,
hair and skin colour, Creator or Publisher, Alignment); its powers page (`/batman/10-639/powers/`)
links each power to `/powers/<power>/`. The parsers look for those things wherever they are on
the page rather than at fixed positions, and say so when a page has none of them.

`crawl` reads them all politely into a folder, saving each hero as it goes so that a second run
resumes, and writes the two CSVs once every hero is saved.
"""

import csv
import io
import json
import os
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlparse

from bs4 import BeautifulSoup

from mlcore.scraping.http import FetchError, Polite
from mlcore.storage.files import write_whole
from mlcore.training.progress import ignore

BASE_URL = "https://www.superherodb.com"
LIST_PATH = "/characters/?page_nr={page}"
HERO_PATH = re.compile(r"^/[^/]+/(\d+-\d+)/?$")
POWER_PATH = re.compile(r"^/powers/[^/]+/?$")
CENTIMETRES = re.compile(r"(\d+(?:\.\d+)?)\s*cm\b", re.IGNORECASE)
KILOGRAMS = re.compile(r"(\d+(?:\.\d+)?)\s*kg\b", re.IGNORECASE)
POWERS_FILE = "super_hero_powers.csv"
DETAILS_FILE = "heroes_information.csv"
LIST_FILE = "characters.json"
DONE_FILE = "heroes.jsonl"
# Fewer heroes with powers than this share means the powers pages are not read right.
MIN_WITH_POWERS = 0.5
CHALLENGE = re.compile(r"just a moment|cf-challenge|checking your browser", re.IGNORECASE)
# Details row labels (case-insensitive) -> field; the first label found for a field wins.
LABELS = {
    "gender": "gender",
    "race": "race",
    "species": "race",
    "height": "height_cm",
    "weight": "weight_kg",
    "eye color": "eye_color",
    "eye colour": "eye_color",
    "hair color": "hair_color",
    "hair colour": "hair_color",
    "skin color": "skin_color",
    "skin colour": "skin_color",
    "publisher": "publisher",
    "creator": "publisher",
    "alignment": "alignment",
}
# The original superhero-set's details header (its first column is an unnamed index).
DETAILS_HEADER = [
    "",
    "name",
    "Gender",
    "Eye color",
    "Race",
    "Hair color",
    "Height",
    "Publisher",
    "Skin color",
    "Alignment",
    "Weight",
]


class LayoutError(ValueError):
    pass


@dataclass
class Character:
    name: str
    url: str
    universe: str = ""


@dataclass
class HeroPage:
    """What one hero's pages say; `powers` empty when its powers page lists none."""

    url: str
    name: str
    powers: list = field(default_factory=list)
    details: dict = field(default_factory=dict)


def clean(text):
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def looks_like_a_challenge(html):
    """A bot check (such as Cloudflare's) served instead of the page."""
    head = html[:5000]
    return bool(CHALLENGE.search(head)) and "<h1" not in head.lower()


def content(soup):
    """The page's main content (its <main>, else its body) without navigation and footers,
    whose links name other heroes and powers."""
    for tag in soup.find_all(["nav", "footer"]):
        tag.decompose()
    return soup.find("main") or soup.body or soup


def parse_characters(html, page_url):
    """The characters a list page links to, in page order, without repeats."""
    soup = BeautifulSoup(html, "html.parser")
    host = urlparse(page_url).netloc
    found = {}
    for link in content(soup).find_all("a", href=True):
        url = urljoin(page_url, link["href"])
        parts = urlparse(url)
        if parts.netloc != host or not HERO_PATH.match(parts.path):
            continue
        named = link.find(class_=re.compile(r"name"))
        strings = [clean(s) for s in link.find_all(string=True, recursive=False)]
        name = clean(named.get_text()) if named else next((s for s in strings if s), "")
        name = name or clean(link.get_text())
        universe = link.find(class_=re.compile(r"universe|suffix"))
        if name and url not in found:
            found[url] = Character(name, url, clean(universe.get_text()) if universe else "")
    return list(found.values())


def parse_hero(html, url):
    """A HeroPage with the name and details of a hero page (no powers yet)."""
    soup = BeautifulSoup(html, "html.parser")
    main = content(soup)
    heading = main.find("h1")
    if heading is None or not clean(heading.get_text()):
        raise LayoutError(
            f"{url} has no <h1> with the hero's name: the layout is not the one known"
        )
    details = {}
    for row in main.find_all("tr"):
        cells = row.find_all(["td", "th"], recursive=False)
        if len(cells) != 2:
            continue
        label = clean(cells[0].get_text()).rstrip(":").casefold()
        key = LABELS.get(label)
        if key is None or key in details:
            continue
        value = clean(cells[1].get_text(" "))
        if key == "height_cm":
            match = CENTIMETRES.search(value)
            value = float(match[1]) if match else None
        elif key == "weight_kg":
            match = KILOGRAMS.search(value)
            value = float(match[1]) if match else None
        elif key == "alignment":
            value = value.casefold()
        details[key] = value if value not in ("", "-") else None
    return HeroPage(url, clean(heading.get_text()), [], details)


def parse_powers(html):
    """The powers a powers page links to, in page order, without repeats ([] for none)."""
    soup = BeautifulSoup(html, "html.parser")
    powers = []
    for link in content(soup).find_all("a", href=True):
        if POWER_PATH.match(urlparse(link["href"]).path):
            name = clean(link.get_text())
            if name and name not in powers:
                powers.append(name)
    return powers


def powers_url(hero_url):
    return hero_url.rstrip("/") + "/powers/"


# -- progress on disk ---------------------------------------------------------------------------


def read_done(path):
    """{url: HeroPage} of the heroes saved in a JSON-lines file; a torn last line is ignored."""
    done = {}
    if not os.path.exists(path):
        return done
    with open(path, encoding="utf-8") as f:
        for line in f:
            try:
                record = json.loads(line)
                done[record["url"]] = HeroPage(**record)
            except (ValueError, KeyError, TypeError):
                continue
    return done


def append_done(path, hero):
    """Add one hero to the JSON-lines file, on disk before returning."""
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(asdict(hero), ensure_ascii=False) + "\n")
        f.flush()
        os.fsync(f.fileno())


def unique_names(characters, heroes):
    """A name per hero for the CSVs: the page's name, with its universe (or id) where several
    heroes share it."""
    names = [heroes[c.url].name or c.name for c in characters]
    counts = {}
    for name in names:
        counts[name] = counts.get(name, 0) + 1
    result, used = [], set()
    for character, name in zip(characters, names, strict=True):
        if counts[name] > 1:
            suffix = character.universe or HERO_PATH.match(urlparse(character.url).path)[1]
            name = f"{name} ({suffix})"
        base, number = name, 2
        while name in used:
            name, number = f"{base} ({number})", number + 1
        used.add(name)
        result.append(name)
    return result


def write_tables(characters, heroes, powers_path, details_path):
    """The superhero-set's two CSVs, in its original layout, each replaced whole."""
    names = unique_names(characters, heroes)
    all_powers = sorted({p for c in characters for p in heroes[c.url].powers}, key=str.casefold)
    powers_rows = [["hero_names", *all_powers]]
    for name, character in zip(names, characters, strict=True):
        has = set(heroes[character.url].powers)
        powers_rows.append([name, *("True" if p in has else "False" for p in all_powers)])
    details_rows = [DETAILS_HEADER]
    for index, (name, character) in enumerate(zip(names, characters, strict=True)):
        d = heroes[character.url].details

        def text(key, d=d):
            return d.get(key) or "-"

        def number(key, d=d):
            return f"{d[key]:.1f}" if d.get(key) else "-99.0"

        details_rows.append(
            [
                str(index),
                name,
                text("gender"),
                text("eye_color"),
                text("race"),
                text("hair_color"),
                number("height_cm"),
                d.get("publisher") or "",
                text("skin_color"),
                text("alignment"),
                number("weight_kg"),
            ]
        )
    write_csv(powers_rows, powers_path)
    write_csv(details_rows, details_path)


def write_csv(rows, path):
    """Write rows as CSV to path, UTF-8, replacing the file whole."""
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(rows)
    write_whole(path, text.getvalue().encode("utf-8"))


# -- the crawl ----------------------------------------------------------------------------------


class CrawlStopped(Exception):
    """A crawl stopped before every hero was saved; the message says why and how many are saved
    for the next run."""


@dataclass
class Crawled:
    """What a crawl left in its folder: the CSVs' paths once every hero is saved."""

    heroes: int
    missing: int
    with_powers: int = 0
    powers_path: Path | None = None
    details_path: Path | None = None


@dataclass
class Crawl:
    """How a crawl reads the site: seconds between requests and to wait for a page, retries on
    429, 5xx and timeouts (waiting 0, 2, 4... times backoff), list pages to read at most, heroes
    to fetch in this run at most, and whether to read the list of characters again."""

    base_url: str = BASE_URL
    delay: float = 1.0
    timeout: float = 20
    retries: int = 3
    backoff: float = 0.5
    max_pages: int = 200
    limit: int | None = None
    refresh_list: bool = False


def crawl(out, how=None, progress=ignore, say=print):
    """Read every character's pages into the folder out as `how` (a Crawl) says, then write the
    two CSVs there once every hero is saved; returns Crawled.

    progress hears ("heroes", saved, listed) as heroes are saved; say is given a line for each
    list page, a resumed run and the end. Raises CrawlStopped when a page cannot be fetched or
    read (what is saved stays for the next run), LayoutError when too few heroes have powers.
    """
    how = how or Crawl()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    base_url = how.base_url.rstrip("/")
    done_path = out / DONE_FILE
    try:
        web = Polite(base_url, how.delay, how.timeout, how.retries, how.backoff, say)
        characters = list_characters(web, base_url, out, how.max_pages, how.refresh_list, say)
        done = read_done(done_path)
        if done:
            say(f"Resuming: {len(done)} heroes already saved in {done_path}.")
        todo = [c for c in characters if c.url not in done]
        if how.limit is not None:
            todo = todo[: how.limit]
        progress("heroes", len(done), len(characters))
        for character in todo:
            hero = parse_hero(fetch_page(web, character.url), character.url)
            hero.powers = parse_powers(fetch_page(web, powers_url(character.url)))
            append_done(done_path, hero)
            done[character.url] = hero
            progress("heroes", len(done), len(characters))
    except (FetchError, LayoutError, OSError) as error:
        raise CrawlStopped(stopped(out, str(error))) from None
    missing = [c for c in characters if c.url not in done]
    if missing:
        say(
            f"{len(missing)} of {len(characters)} heroes still to fetch: run again to go on. "
            "The CSVs are written once every hero is saved."
        )
        return Crawled(len(characters), len(missing))
    return finish(characters, done, out, say)


def fetch_page(web, url):
    """A page through the polite client; FetchError when the site answers with a bot check."""
    html = web.get(url)
    if looks_like_a_challenge(html):
        raise FetchError(f"{url} answered with a bot check instead of the page")
    return html


def list_characters(web, base_url, out, max_pages, refresh_list, say):
    """The list of characters, read once and kept in LIST_FILE."""
    path = out / LIST_FILE
    if path.exists() and not refresh_list:
        saved = json.loads(path.read_text(encoding="utf-8"))
        if saved.get("base_url") == base_url:
            return [Character(**c) for c in saved["characters"]]
    found = {}
    for page in range(1, max_pages + 1):
        url = base_url + LIST_PATH.format(page=page)
        try:
            html = fetch_page(web, url)
        except FetchError as error:
            if page > 1 and "HTTP 404" in str(error):
                break  # past the last page
            raise
        new = [c for c in parse_characters(html, url) if c.url not in found]
        if not new:
            break
        found.update((c.url, c) for c in new)
        say(f"List page {page}: {len(new)} characters ({len(found)} in all).")
    if not found:
        raise LayoutError(
            f"{base_url + LIST_PATH.format(page=1)} links to no hero page: the layout is "
            "not the one the parser knows"
        )
    characters = list(found.values())
    record = {"base_url": base_url, "characters": [asdict(c) for c in characters]}
    staging = path.with_suffix(".new")
    staging.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(staging, path)
    return characters


def stopped(out, reason):
    """Why a crawl into out stopped, with how many heroes it saved for the next run."""
    done_path = Path(out) / DONE_FILE
    saved = len(read_done(done_path))
    return f"{reason}; {saved} heroes are saved in {done_path}: run again to resume."


def finish(characters, done, out, say):
    with_powers = sum(1 for c in characters if done[c.url].powers)
    if with_powers < MIN_WITH_POWERS * len(characters):
        raise LayoutError(
            f"only {with_powers} of {len(characters)} heroes have powers: the powers pages' "
            "layout is probably not the one the parser knows. The CSVs are not written."
        )
    powers_path, details_path = out / POWERS_FILE, out / DETAILS_FILE
    write_tables(characters, done, powers_path, details_path)
    say(
        f"Wrote {len(characters)} heroes ({with_powers} with powers) to {powers_path} and "
        f"{details_path}."
    )
    return Crawled(len(characters), 0, with_powers, powers_path, details_path)
