"""Where quotes come from: small provider classes, each turning one source into clean quotes.

A provider either returns a list of quotes or raises ProviderError with a reason a person can read;
nothing it receives, however broken, escapes as another exception.
"""

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import requests

USER_AGENT = "heroproject-quotes/1.0 (+https://github.com/heroproject)"
CHARSET = re.compile(r"charset=\"?([\w.:-]+)", re.IGNORECASE)
BUNDLED_FILE = Path(__file__).resolve().parent / "data" / "quotes.json"


class ProviderError(Exception):
    pass


@dataclass(frozen=True)
class FetchedQuote:
    text: str
    author: str


def clean(text):
    return " ".join(unicodedata.normalize("NFC", text).split())


def clean_quotes(items, text_key, author_key, max_length):
    """Keep well-formed, reasonably short quotes from a decoded JSON list, without duplicates.

    An item is a quote only if it is an object whose text (and author, when present) are strings:
    a number, list or object there is a misread answer, never shown as a quote. ProviderError when
    items is not a list."""
    if not isinstance(items, list):
        raise ProviderError("the answer is not a JSON list")
    quotes = {}
    for item in items:
        if not isinstance(item, dict):
            continue
        text, author = item.get(text_key), item.get(author_key)
        if not isinstance(text, str) or not isinstance(author, str | None):
            continue
        text, author = clean(text), clean(author or "") or "Unknown"
        if text and len(text) <= max_length and len(author) <= 200:
            quotes.setdefault((text, author), FetchedQuote(text, author))
    return list(quotes.values())


def decode_json(response):
    """The JSON of an answer: in the charset its Content-Type names, else UTF-8 (RFC 8259), never
    guessed, so that text in another encoding is refused instead of read garbled."""
    charset = CHARSET.search(response.headers.get("Content-Type", ""))
    encoding = charset[1] if charset else "utf-8"
    try:
        return json.loads(response.content.decode(encoding).removeprefix("\ufeff"))
    except (LookupError, UnicodeDecodeError):
        raise ProviderError(f"the answer is not {encoding} text") from None
    except ValueError:
        raise ProviderError("the answer is not JSON") from None


class JsonApi:
    """A provider that GETs one URL answering a JSON list of quote objects."""

    name = ""
    path = ""
    text_key = ""
    author_key = ""

    def __init__(self, base_url, max_length=400):
        self.url = base_url.rstrip("/") + self.path
        self.max_length = max_length

    def fetch(self, timeout):
        try:
            response = requests.get(
                self.url,
                timeout=(timeout, timeout),
                headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            )
        except requests.Timeout:
            raise ProviderError(f"no answer within {timeout:g} s") from None
        except requests.RequestException as error:
            raise ProviderError(f"could not connect ({type(error).__name__})") from None
        if response.status_code == 429:
            raise ProviderError("rate limited (HTTP 429)")
        if response.status_code != 200:
            raise ProviderError(f"HTTP {response.status_code}")
        quotes = self.parse(decode_json(response))
        if not quotes:
            raise ProviderError("the answer holds no usable quote")
        return quotes

    def parse(self, items):
        return clean_quotes(items, self.text_key, self.author_key, self.max_length)


class ZenQuotes(JsonApi):
    """zenquotes.io batch endpoint: [{"q": text, "a": author}, ...], 5 requests per 30 s per IP.

    When rate limited it still answers 200, with one quote whose text says "Too many requests".
    """

    name = "zenquotes"
    path = "/api/quotes"
    text_key = "q"
    author_key = "a"

    def parse(self, items):
        quotes = super().parse(items)
        real = [quote for quote in quotes if not quote.text.lower().startswith("too many requests")]
        if quotes and not real:
            raise ProviderError("rate limited (ZenQuotes says 'Too many requests')")
        return real


class Quotable(JsonApi):
    """api.quotable.io: [{"content": text, "author": author}, ...]."""

    name = "quotable"
    path = "/quotes/random?limit=50"
    text_key = "content"
    author_key = "author"


class Bundled:
    """The public-domain quotes shipped with the project: the pool is never empty."""

    name = "bundled"

    def __init__(self, path=BUNDLED_FILE, max_length=400):
        self.path = Path(path)
        self.max_length = max_length

    def fetch(self, timeout=None):
        try:
            items = json.loads(self.path.read_text(encoding="utf-8-sig"))
        except (OSError, ValueError) as error:
            raise ProviderError(f"cannot read {self.path}: {error}") from None
        quotes = clean_quotes(items, "text", "author", self.max_length)
        if not quotes:
            raise ProviderError(f"{self.path} holds no usable quote")
        return quotes
