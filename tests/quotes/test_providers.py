import json

import pytest

from quotes.providers import Bundled, ProviderError, Quotable, ZenQuotes


def zen(*pairs):
    return json.dumps([{"q": q, "a": a, "h": "<blockquote>...</blockquote>"} for q, a in pairs])


def test_zenquotes_batch(local_server):
    local_server.route("/api/quotes", zen(("Well begun is half done.", "Aristotle"), ("Hi.", "Me")))
    quotes = ZenQuotes(local_server.url).fetch(timeout=2)
    assert [(q.text, q.author) for q in quotes] == [
        ("Well begun is half done.", "Aristotle"),
        ("Hi.", "Me"),
    ]


def test_quotable_batch(local_server):
    body = json.dumps([{"content": "Know thyself.", "author": "Socrates", "_id": "x"}])
    local_server.route("/quotes/random?limit=50", body)
    quotes = Quotable(local_server.url).fetch(timeout=2)
    assert [(q.text, q.author) for q in quotes] == [("Know thyself.", "Socrates")]


@pytest.mark.parametrize(
    ("status", "body", "content_type", "reason"),
    [
        (500, "oops", "text/plain", "HTTP 500"),
        (503, "", "text/plain", "HTTP 503"),
        (429, "slow down", "text/plain", "rate limited"),
        (200, "<html><body>Maintenance</body></html>", "text/html", "not JSON"),
        (200, '[{"q": "cut off', "application/json", "not JSON"),
        (200, '{"q": "an object", "a": "not a list"}', "application/json", "not a JSON list"),
        (200, "[]", "application/json", "no usable quote"),
        (200, '[1, "two", null, {"q": ""}]', "application/json", "no usable quote"),
    ],
)
def test_broken_answers_raise_provider_error(local_server, status, body, content_type, reason):
    local_server.route("/api/quotes", body, status=status, content_type=content_type)
    with pytest.raises(ProviderError, match=reason):
        ZenQuotes(local_server.url).fetch(timeout=2)


def test_read_timeout(local_server):
    local_server.route("/api/quotes", zen(("Late.", "Someone")), delay=1.5)
    with pytest.raises(ProviderError, match=r"no answer within 0\.5 s"):
        ZenQuotes(local_server.url).fetch(timeout=0.5)


def test_connection_refused():
    with pytest.raises(ProviderError, match="could not connect"):
        ZenQuotes("http://127.0.0.1:9").fetch(timeout=1)


def test_zenquotes_rate_limit_arrives_as_a_quote(local_server):
    too_many = "Too many requests. Obtain an auth key for unlimited access."
    local_server.route("/api/quotes", zen((too_many, "zenquotes.io")))
    with pytest.raises(ProviderError, match="Too many requests"):
        ZenQuotes(local_server.url).fetch(timeout=2)


def test_partial_json_keeps_good_items(local_server):
    body = json.dumps([{"q": "Good one.", "a": "A"}, {"a": "no text"}, "junk", {"q": "No author."}])
    local_server.route("/api/quotes", body)
    quotes = ZenQuotes(local_server.url).fetch(timeout=2)
    assert [(q.text, q.author) for q in quotes] == [("Good one.", "A"), ("No author.", "Unknown")]


def test_duplicates_long_quotes_and_whitespace(local_server):
    body = zen(
        ("  Same   words. ", "A"),
        ("Same words.", "A"),
        ("x" * 401, "Verbose"),
        ("Same words.", "B"),
    )
    local_server.route("/api/quotes", body)
    quotes = ZenQuotes(local_server.url, max_length=400).fetch(timeout=2)
    assert [(q.text, q.author) for q in quotes] == [("Same words.", "A"), ("Same words.", "B")]


def test_non_ascii_text_is_kept_and_normalised(local_server):
    decomposed = "Cafe\u0301 au lait, s\u2019il vous pla\u00eet \u2014 \u65e5\u672c"
    local_server.route("/api/quotes", zen((decomposed, "Søren Kierkegaard")))
    (quote,) = ZenQuotes(local_server.url).fetch(timeout=2)
    assert quote.text == "Café au lait, s’il vous plaît — 日本"
    assert quote.author == "Søren Kierkegaard"


def test_bundled_quotes_are_many_and_clean():
    quotes = Bundled().fetch()
    assert len(quotes) >= 100
    assert len({(q.text, q.author) for q in quotes}) == len(quotes)
    assert all(q.text and q.author != "Unknown" for q in quotes)


def test_bundled_missing_file(tmp_path):
    with pytest.raises(ProviderError, match="cannot read"):
        Bundled(tmp_path / "missing.json").fetch()
