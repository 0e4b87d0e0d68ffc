"""The list of names a generator learns from: the bundled Pokédex, or any UTF-8 file."""

from pathlib import Path

from mlcore.names.namelist import NameListError, decode, parse

BUNDLED_NAMES = Path(__file__).resolve().parent / "data" / "pokemon_names.txt"


def read_names(path):
    """NFC names, one a line, blank lines and repeats dropped, in file order; NameListError with
    the reason (and the line) for a file that is not such a list."""
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise NameListError(f"cannot read {path}: {error.strerror or error}") from None
    return parse(decode(raw, path), path)
