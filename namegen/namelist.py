"""The list of names a generator learns from: the bundled Pokédex, or any UTF-8 file."""

import unicodedata
from pathlib import Path

BUNDLED_NAMES = Path(__file__).resolve().parent / "data" / "pokemon_names.txt"


def read_names(path):
    """NFC names, one a line, blank lines and repeats dropped, in file order."""
    text = Path(path).read_text(encoding="utf-8")
    names = [unicodedata.normalize("NFC", line.strip()) for line in text.splitlines()]
    return list(dict.fromkeys(name for name in names if name))
