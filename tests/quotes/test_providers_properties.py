"""Property: every answer the quote providers claim to read (a JSON list of quote objects, in
any key order, with other keys, escaped or raw UTF-8, a byte-order mark, another charset named
by its Content-Type), served by a real HTTP server, gives exactly its quotes; a mutated one (keys
renamed, values of another type, wrapped in an object, re-encoded without saying so, truncated)
gives exactly the quotes still well formed, or is refused with the reason and stores nothing."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quotes.models import Quote
from quotes.pool import refill
from quotes.providers import ProviderError, Quotable, ZenQuotes, clean
from tests.properties import bounded

PROPERTY = bounded(60)
PROVIDERS = {ZenQuotes: ("q", "a"), Quotable: ("content", "author")}
TEXT = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=60).filter(
    lambda text: clean(text) and not clean(text).lower().startswith("too many requests")
)


def expected(pairs):
    """The quotes a list of (text, author) gives: cleaned, "Unknown" for no author, no repeats."""
    quotes = [(clean(text), clean(author or "") or "Unknown") for text, author in pairs]
    return list(dict.fromkeys(quotes))


@st.composite
def answers(draw, keys):
    """(body bytes, Content-Type, the (text, author) pairs it holds)."""
    text_key, author_key = keys
    pairs = draw(st.lists(st.tuples(TEXT, st.one_of(st.none(), TEXT)), min_size=1, max_size=8))
    items = []
    for text, author in pairs:
        item = {text_key: text, "id": draw(st.integers(0, 99))}
        if author is not None or draw(st.booleans()):
            item[author_key] = author
        keys_order = draw(st.permutations(list(item)))
        items.append({key: item[key] for key in keys_order})
    body = json.dumps(
        items, ensure_ascii=draw(st.booleans()), indent=draw(st.sampled_from([None, 2]))
    )
    charset = draw(st.sampled_from(["", "utf-8", "utf-16", "iso-8859-1"]))
    if charset == "iso-8859-1" and not all(ord(c) < 256 for c in body):
        charset = "utf-8"
    data = body.encode(charset or "utf-8")
    if charset in ("", "utf-8") and draw(st.booleans()):
        data = b"\xef\xbb\xbf" + data
    content_type = "application/json" + (f"; charset={charset}" if charset else "")
    return data, content_type, pairs


def fetch(server, provider, data, content_type):
    """(the (text, author) pairs fetched, or the refusal's reason)."""
    server.route(provider.path, data, content_type=content_type)
    try:
        return [(q.text, q.author) for q in provider(server.url).fetch(timeout=5)]
    except ProviderError as error:
        return str(error)


@pytest.mark.parametrize("provider", list(PROVIDERS), ids=lambda p: p.name)
@PROPERTY
@given(data=st.data())
def test_every_answer_in_a_form_providers_read_is_read_exactly(local_server, provider, data):
    body, content_type, pairs = data.draw(answers(PROVIDERS[provider]))
    assert fetch(local_server, provider, body, content_type) == expected(pairs)


@pytest.mark.django_db
@pytest.mark.parametrize("provider", list(PROVIDERS), ids=lambda p: p.name)
@PROPERTY
@given(data=st.data())
def test_a_mutated_answer_gives_its_well_formed_quotes_or_nothing(local_server, provider, data):
    text_key, author_key = PROVIDERS[provider]
    body, content_type, pairs = data.draw(answers((text_key, author_key)))
    text = body.decode(content_type.partition("charset=")[2] or "utf-8")
    items = json.loads(text.removeprefix("\ufeff"))
    kind = data.draw(st.sampled_from(["renamed", "typed", "wrapped", "unsaid", "truncated"]))
    keep = pairs
    if kind == "renamed":
        items = [{("text" if k == text_key else k): v for k, v in item.items()} for item in items]
        keep = []
    elif kind == "typed":  # some texts or authors a number, a list or an object
        odd = data.draw(st.lists(st.booleans(), min_size=len(items), max_size=len(items)))
        value = data.draw(st.sampled_from([42, ["a", "b"], {"name": "x"}, True]))
        for item, wrong in zip(items, odd, strict=True):
            if wrong:
                item[data.draw(st.sampled_from([text_key, author_key]))] = value
        keep = [
            (item[text_key], item.get(author_key))
            for item in items
            if isinstance(item[text_key], str) and isinstance(item.get(author_key), str | None)
        ]
    elif kind == "wrapped":
        items = {"results": items}
        keep = []
    body = json.dumps(items, ensure_ascii=False).encode("utf-8")
    content_type = "application/json"
    if kind == "unsaid":
        body = json.dumps(items, ensure_ascii=False).encode("utf-16")
        keep = []
    elif kind == "truncated":
        body = body[: data.draw(st.integers(0, len(body) - 1))]
        keep = []
    result = fetch(local_server, provider, body, content_type)
    if keep:
        assert result == expected(keep)
        return
    assert isinstance(result, str) and result.startswith(("the answer", "no answer"))
    before = list(Quote.objects.values_list("pk", flat=True))
    outcomes = refill([provider(local_server.url)])
    assert list(Quote.objects.values_list("pk", flat=True)) == before
    assert outcomes[0].error == result
