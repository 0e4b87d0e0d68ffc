"""The `quote` context processor: a quote only for pages that show one, fetched once per page."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from quotes.models import Quote
from quotes.pool import REFILL_LOCK, STALE_CHECK_LOCK, refill_if_stale

pytestmark = pytest.mark.django_db


@pytest.fixture
def auto_refill(settings):
    settings.QUOTES_AUTO_REFILL = True
    cache.delete_many([STALE_CHECK_LOCK, REFILL_LOCK])


def add_quotes(count, age=timedelta(0)):
    """Network quotes fetched `age` ago: a fresh pool by default."""
    Quote.objects.bulk_create(
        Quote(text=f"Quote {i}.", author="A", provider="zenquotes", fetched_at=timezone.now() - age)
        for i in range(count)
    )


def quote_queries(captured):
    return [q["sql"] for q in captured.captured_queries if Quote._meta.db_table in q["sql"]]


def test_a_page_without_the_quote_runs_no_quote_query(client, auto_refill):
    add_quotes(3)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/admin/login/")
    assert response.status_code == 200
    assert quote_queries(captured) == []
    assert cache.get(STALE_CHECK_LOCK) is None  # nor checked whether the pool is stale


def test_a_page_with_the_quote_takes_at_most_three_queries_from_a_fresh_pool(client, auto_refill):
    add_quotes(3)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/names/")
    assert 'class="quote"' in response.content.decode()
    assert len(quote_queries(captured)) <= 3  # the staleness check, a count, one row

    with CaptureQueriesContext(connection) as captured:
        client.get("/names/")
    assert len(quote_queries(captured)) == 2  # the pool was checked a moment ago


def test_the_quote_is_fetched_once_however_often_the_page_names_it(client):
    add_quotes(3)
    with CaptureQueriesContext(connection) as captured:
        html = client.get("/quotes/random/").content.decode()
    assert html.count("quote_after=") == 2
    assert len(quote_queries(captured)) == 2  # a count, one row


def test_a_stale_pool_is_checked_at_most_once_a_minute(auto_refill):
    add_quotes(1, age=timedelta(days=1))
    cache.add(REFILL_LOCK, True)  # another worker is refilling: no thread starts here
    with CaptureQueriesContext(connection) as captured:
        assert refill_if_stale() is None
    assert len(quote_queries(captured)) == 1
    with CaptureQueriesContext(connection) as captured:
        assert refill_if_stale() is None
    assert quote_queries(captured) == []


def test_no_check_without_auto_refill(settings):
    settings.QUOTES_AUTO_REFILL = False
    cache.delete(STALE_CHECK_LOCK)
    add_quotes(1, age=timedelta(days=1))
    assert refill_if_stale() is None
    assert cache.get(STALE_CHECK_LOCK) is None
