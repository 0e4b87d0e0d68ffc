import json
import threading
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.utils import timezone

from quotes.models import Quote
from quotes.pool import (
    REFILL_LOCK,
    STALE_CHECK_LOCK,
    is_stale,
    random_quote,
    refill,
    refill_in_background,
)
from quotes.providers import Bundled, Quotable, ZenQuotes

pytestmark = pytest.mark.django_db


@pytest.fixture
def providers(local_server, settings):
    settings.QUOTES_TIMEOUT = 0.5
    settings.QUOTES_PROVIDERS = [
        {"BACKEND": "quotes.providers.ZenQuotes", "OPTIONS": {"base_url": local_server.url}},
        {"BACKEND": "quotes.providers.Quotable", "OPTIONS": {"base_url": local_server.url}},
        {"BACKEND": "quotes.providers.Bundled", "OPTIONS": {}},
    ]
    cache.delete_many([REFILL_LOCK, STALE_CHECK_LOCK])
    return local_server


def zen_body(n, prefix="Zen"):
    return json.dumps([{"q": f"{prefix} quote {i}.", "a": f"Author {i}"} for i in range(n)])


def test_first_provider_that_answers_wins(providers):
    providers.route("/api/quotes", zen_body(50))
    results = refill()
    assert [(r.provider, r.received, r.added, r.error) for r in results] == [
        ("zenquotes", 50, 50, "")
    ]
    assert Quote.objects.filter(provider="zenquotes").count() == 50


def test_chain_falls_through_to_quotable_then_bundled(providers):
    providers.route("/api/quotes", "<html>down</html>", status=502, content_type="text/html")
    providers.route("/quotes/random", json.dumps([{"content": "Q.", "author": "Q"}]))
    results = refill()
    assert [r.provider for r in results] == ["zenquotes", "quotable"]
    assert results[0].error == "HTTP 502"
    assert Quote.objects.get().provider == "quotable"

    providers.route("/quotes/random", "[]")
    results = refill()
    assert [r.provider for r in results] == ["zenquotes", "quotable", "bundled"]
    assert results[2].added >= 100


def test_failures_keep_the_pool(providers):
    providers.route("/api/quotes", zen_body(5))
    refill()
    providers.route("/api/quotes", "garbage", content_type="text/plain")
    providers.route("/quotes/random", "", status=500)
    results = refill([ZenQuotes(providers.url), Quotable(providers.url)])
    assert all(r.error for r in results)
    assert Quote.objects.count() == 5


def test_refill_skips_quotes_already_in_the_pool(providers):
    providers.route("/api/quotes", zen_body(5))
    refill()
    providers.route("/api/quotes", zen_body(8))
    (result,) = refill()
    assert (result.received, result.added) == (8, 3)
    assert Quote.objects.count() == 8


def test_random_quote_fills_an_empty_pool_from_the_bundled_file():
    assert random_quote() is not None
    assert Quote.objects.filter(provider="bundled").count() >= 100


def test_random_quote_never_repeats_the_one_just_shown():
    refill([Bundled()])
    quote = random_quote()
    for _ in range(50):
        following = random_quote(quote.pk)
        assert following.pk != quote.pk
        quote = following


def test_a_pool_of_one_still_answers():
    Quote.objects.create(
        text="Only one.", author="A", provider="bundled", fetched_at=timezone.now()
    )
    only = Quote.objects.get()
    assert random_quote(only.pk) == only


def test_staleness_counts_network_quotes_only(settings):
    settings.QUOTES_MAX_AGE = 3600
    refill([Bundled()])
    assert is_stale()
    quote = Quote.objects.create(
        text="N.", author="N", provider="zenquotes", fetched_at=timezone.now()
    )
    assert not is_stale()
    Quote.objects.filter(pk=quote.pk).update(fetched_at=timezone.now() - timedelta(hours=2))
    assert is_stale()


@pytest.mark.django_db(transaction=True)
def test_background_refill_runs_once_per_interval(providers):
    providers.route("/api/quotes", zen_body(20))
    thread = refill_in_background()
    assert thread is not None
    thread.join(10)
    assert Quote.objects.filter(provider="zenquotes").count() == 20
    assert refill_in_background() is None  # fresh now

    Quote.objects.update(fetched_at=timezone.now() - timedelta(days=1))
    assert refill_in_background() is None  # stale, but another refill took the lock this interval
    assert providers.requests.count("/api/quotes") == 1


@pytest.mark.django_db(transaction=True)
def test_pages_stay_fast_while_providers_hang(providers, client, settings):
    settings.QUOTES_AUTO_REFILL = True
    settings.QUOTES_TIMEOUT = 3
    providers.route("/api/quotes", zen_body(3), delay=1.5)
    refill([Bundled()])
    started = timezone.now()
    response = client.get("/")
    assert (timezone.now() - started).total_seconds() < 1
    assert b'class="quote"' in response.content
    for thread in threading.enumerate():
        if thread.name == "quotes-refill":
            thread.join(10)
    assert Quote.objects.filter(provider="zenquotes").count() == 3


def test_refresh_quotes_command_reports_each_provider(providers, capsys):
    providers.route("/api/quotes", "", status=503)
    providers.route("/quotes/random", json.dumps([{"content": "Q.", "author": "Q"}]))
    call_command("refresh_quotes")
    out = capsys.readouterr().out
    assert "zenquotes: failed: HTTP 503" in out
    assert "quotable: received 1, added 1 new" in out
    assert "The pool holds 1 quotes." in out


def test_refresh_quotes_command_fails_loudly_when_nothing_answers(providers, settings):
    settings.QUOTES_PROVIDERS = settings.QUOTES_PROVIDERS[:2]
    with pytest.raises(CommandError, match="No provider gave any quote"):
        call_command("refresh_quotes")
