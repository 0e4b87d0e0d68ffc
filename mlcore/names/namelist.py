"""A list of names as the name generator reads it: UTF-8 text, one name a line.

What a list cannot hold is refused with its line rather than learnt as a name: a separator (a
table's row, a stray index column), a bare number (an index, or a header `0`), a header word on
the first line, control characters, a name longer than MAX_NAME.
"""

import re
import unicodedata

MAX_NAME = 40
SEPARATORS = ",;\t|"
HEADERS = {"name", "names", "pokemon", "pokémon", "species"}
NUMBER = re.compile(r"#?\d+([.,]\d+)?")


class NameListError(ValueError):
    pass


def problem(name, first=False):
    """Why this (stripped, NFC) line cannot be a name, or None."""
    if any(separator in name for separator in SEPARATORS):
        return "holds a separator (a table's row? the file must be one name a line)"
    if NUMBER.fullmatch(name):
        return "is a number, not a name (an index column?)"
    if first and name.casefold() in HEADERS:
        return "is a header, not a name"
    if not name.isprintable():
        return "holds control characters"
    if len(name) > MAX_NAME:
        return f"is {len(name)} characters long; a name is at most {MAX_NAME}"
    return None


def parse(text, source):
    """NFC names of the text, blank lines and repeats dropped, in order; NameListError naming
    the first lines that cannot be names."""
    names, errors = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        name = unicodedata.normalize("NFC", line.strip())
        if not name:
            continue
        why = problem(name, first=not names and not errors)
        if why:
            errors.append(f"line {number}, {name[:MAX_NAME]!r}, {why}")
        names.append(name)
    if errors:
        more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
        raise NameListError(f"{source}: {'; '.join(errors[:3])}{more}.")
    return list(dict.fromkeys(names))


def decode(raw, source):
    """The text of a names file's bytes (UTF-8, a byte-order mark allowed)."""
    if b"\0" in raw:
        raise NameListError(
            f"{source} is not UTF-8 text (it holds NUL bytes: UTF-16, or not text); save it as "
            "UTF-8, one name a line."
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise NameListError(
            f"{source} is not UTF-8 text (byte {error.start}); save it as UTF-8, one name a line."
        ) from None
