"""Heroes, their powers and details from SuperHeroDb's public pages, and the two CSV files of the
superhero-set written from them.

The pages, as public scrapers of the site have read them since 2017 (the live site could not be
reached from where this was written): a paged list of characters, `/characters/?page_nr=N`, each
linking to a hero page such as `/batman/10-639/`; the hero page has the name in an <h1> and a
table of label/value rows (Gender, Race, Height "6'2 • 188 cm", Weight "210 lb • 95 kg", eye,
hair and skin colour, Creator or Publisher, Alignment); its powers page (`/batman/10-639/powers/`)
links each power to `/powers/<power>/`. The parsers look for those things wherever they are on
the page rather than at fixed positions, and say so when a page has none of them.
"""

import csv
import io
import json
import os
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from urllib.parse import urljoin, urlparse

from bs4 import BeautifulSoup

from mlcore.storage.files import write_whole

BASE_URL = "https://www.superherodb.com"
LIST_PATH = "/characters/?page_nr={page}"
HERO_PATH = re.compile(r"^/[^/]+/(\d+-\d+)/?$")
POWER_PATH = re.compile(r"^/powers/[^/]+/?$")
CENTIMETRES = re.compile(r"(\d+(?:\.\d+)?)\s*cm\b", re.IGNORECASE)
KILOGRAMS = re.compile(r"(\d+(?:\.\d+)?)\s*kg\b", re.IGNORECASE)
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
