"""Pokémon species names from Bulbapedia's list by National Pokédex number.

The page holds one table per generation; a species row starts with a cell like `#0025` and names
the species in a link (after a sprite link without text). A regional form either repeats its
species' number in a row of its own or continues that row under a rowspan.
"""

import re
import unicodedata

from bs4 import BeautifulSoup

from mlcore.names.namelist import problem
from mlcore.storage.files import write_whole

SPECIES_URL = (
    "https://bulbapedia.bulbagarden.net/wiki/List_of_Pok%C3%A9mon_by_National_Pok%C3%A9dex_number"
)
# The National Pokédex as of Generation IX; it only grows, so a shorter list is a broken page.
MIN_SPECIES = 1025
DEX_NUMBER = re.compile(r"#(\d{4})")
NUMBER = re.compile(r"#?\d+")


class LayoutError(ValueError):
    pass


def parse_species(html, min_count=MIN_SPECIES):
    """Species names in dex order, or LayoutError when the page is not a complete list."""
    names = {}
    for number, name in dex_rows(BeautifulSoup(html, "html.parser")):
        names.setdefault(number, name)
    if not names:
        raise LayoutError(
            "no table row starts with a #0001-style dex number: "
            "the page layout is not the one the parser knows"
        )
    last = max(names)
    found = f"found {len(names)} species numbered up to #{last:04}"
    missing = [f"#{number:04}" for number in range(1, last + 1) if number not in names]
    if missing:
        shown = ", ".join(missing[:5]) + (", ..." if len(missing) > 5 else "")
        raise LayoutError(f"{found}, but {len(missing)} missing: {shown}")
    if len(names) < min_count:
        raise LayoutError(f"{found} ({names[last]}); a complete list has at least {min_count}")
    return list(dict.fromkeys(names[number] for number in range(1, last + 1)))


def dex_rows(soup):
    """(number, name) for every table row that starts with a dex number."""
    for row in soup.find_all("tr"):
        cells = row.find_all(["td", "th"], recursive=False)
        # Older versions of the page put a regional number (#001) before the national one.
        for i, cell in enumerate(cells[:2]):
            match = DEX_NUMBER.fullmatch(cell.get_text(strip=True))
            if match:
                number = int(match[1])
                yield number, species_name(number, cells[i + 1 :])
                break


def species_name(number, cells):
    """The text of the first link that is not a number: sprite links have none."""
    texts = (clean(link.get_text()) for cell in cells for link in cell.find_all("a"))
    name = next((text for text in texts if text and not NUMBER.fullmatch(text)), None)
    if name is None:
        raise LayoutError(f"the row of #{number:04} has no linked name")
    return name


def clean(text):
    return " ".join(unicodedata.normalize("NFC", text).split())


def write_names(names, path):
    """Write one name a line to path, UTF-8, replacing the file whole: never a half-written list,
    and never one `train_namegen` would refuse (LayoutError naming the first name it cannot
    hold: a name must be clean(name), as parse_species gives it)."""
    for number, name in enumerate(names, start=1):
        why = problem(name, first=number == 1) if name == clean(name) else "is not one clean line"
        if why:
            raise LayoutError(f"species {number}, {name[:40]!r}, {why}: no list is written")
    write_whole(path, "".join(f"{name}\n" for name in names).encode("utf-8"))
