"""Names as the heroes' tables compare them: cleaned, and keys that ignore more and more."""

import unicodedata


def clean_name(text):
    """NFC, trimmed, inner runs of white space as one space."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def loose_key(text):
    """Case and spaces ignored: "Spider Man" and "spider man" meet, "Spider-Man" does not."""
    return "".join(clean_name(text).casefold().split())


def bare_key(text):
    """Only letters and digits, accents dropped: "Spider-Man", "spiderman", "Spider Man" meet."""
    decomposed = unicodedata.normalize("NFKD", clean_name(text).casefold())
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c))
