"""The quote pool: the site serves quotes from the database and refills it from the providers.

Picking a quote is cheap: a count and one row (`random_quote`). Refilling is a separate step a page
takes explicitly (`refill_if_stale`): at most once a minute across all workers it checks whether the
pool is stale, and only then starts a background refill, at most one per QUOTES_MAX_AGE across all
workers (a lock in the shared cache). A page never waits on a provider.
"""

import logging
import random
import threading
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import Quote
from .providers import Bundled, ProviderError

logger = logging.getLogger(__name__)

REFILL_LOCK = "quotes:refill-lock"
STALE_CHECK_LOCK = "quotes:stale-check-lock"
STALE_CHECK_INTERVAL = 60  # seconds between two staleness checks, across all workers


@dataclass
class ProviderResult:
    provider: str
    received: int = 0
    added: int = 0
    error: str = ""


def configured_providers():
    return [
        import_string(entry["BACKEND"])(
            **entry.get("OPTIONS", {}), max_length=settings.QUOTES_MAX_LENGTH
        )
        for entry in settings.QUOTES_PROVIDERS
    ]


def store(quotes, provider_name):
    """Add new quotes to the pool; ones it already has are left as they are. Returns how many."""
    now = timezone.now()
    before = Quote.objects.count()
    Quote.objects.bulk_create(
        [
            Quote(text=q.text, author=q.author, provider=provider_name, fetched_at=now)
            for q in quotes
        ],
        ignore_conflicts=True,
    )
    return Quote.objects.count() - before


def refill(providers=None):
    """Try the providers in order until one yields quotes; the pool keeps whatever it had."""
    results = []
    for provider in providers if providers is not None else configured_providers():
        result = ProviderResult(provider.name)
        results.append(result)
        try:
            quotes = provider.fetch(settings.QUOTES_TIMEOUT)
        except ProviderError as error:
            result.error = str(error)
            logger.warning("Quote provider %s failed: %s", provider.name, error)
            continue
        result.received = len(quotes)
        result.added = store(quotes, provider.name)
        break
    return results


def is_stale():
    """True when no network provider has refilled the pool within QUOTES_MAX_AGE."""
    fresh_since = timezone.now() - timedelta(seconds=settings.QUOTES_MAX_AGE)
    return (
        not Quote.objects.exclude(provider=Bundled.name)
        .filter(fetched_at__gte=fresh_since)
        .exists()
    )


def refill_if_stale():
    """Start a background refill when the pool is stale and a check is due; the thread or None.

    Only with QUOTES_AUTO_REFILL, and only when no worker checked within the last
    STALE_CHECK_INTERVAL: most pages that show a quote pay one cache call here, not a query.
    """
    if not settings.QUOTES_AUTO_REFILL:
        return None
    if not cache.add(STALE_CHECK_LOCK, True, timeout=STALE_CHECK_INTERVAL):
        return None
    return refill_in_background()


def refill_in_background():
    """Start a refill thread when the pool is stale and no other worker took the lock."""
    if not is_stale() or not cache.add(REFILL_LOCK, True, timeout=settings.QUOTES_MAX_AGE):
        return None
    thread = threading.Thread(target=_refill_then_close, name="quotes-refill", daemon=True)
    thread.start()
    return thread


def _refill_then_close():
    try:
        refill()
    except Exception:
        logger.exception("Refilling the quote pool failed")
    finally:
        connections.close_all()


def random_quote(exclude_id=None):
    """A random quote from the pool, never `exclude_id` when the pool has another one.

    Two queries as a rule; the bundled quotes are loaded only into an empty pool.
    """
    quote = _pick(exclude_id)
    if quote is None and exclude_id is not None:
        quote = _pick()
    if quote is None:
        refill([Bundled(max_length=settings.QUOTES_MAX_LENGTH)])
        quote = _pick()
    return quote


def _pick(exclude_id=None):
    """A random quote other than `exclude_id`, or None: a count, then one row at a random offset."""
    candidates = Quote.objects.order_by("pk")
    if exclude_id is not None:
        candidates = candidates.exclude(pk=exclude_id)
    count = candidates.count()
    return candidates[random.randrange(count)] if count else None
