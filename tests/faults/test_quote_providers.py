"""Quote providers down, slow or answering garbage while the real site serves pages.

The pool is always stale (QUOTES_MAX_AGE=1), so the first page to check starts a background refill
against the failing providers while the test goes on reading pages: each page still answers 200
with a quote from the pool, and far sooner than a provider could answer.
"""

import json
import re
import time

import pytest
import requests

from tests.live_site import CLOSED_PORT_URL

TIMEOUT = 3  # QUOTES_TIMEOUT: a page that waited on one provider would take at least this long
SLOW = 6  # how long a slow provider takes to answer
PAGE_LIMIT = 2  # the most any page may take
SERVE_AT_LEAST = 2  # seconds of pages, some of them while the refill waits on a provider
PAGES = ["/names/", "/quotes/random/"]
QUOTE = re.compile(r'<blockquote class="quote-text">(.+?)</blockquote>', re.S)
VALID = json.dumps([{"q": "Fresh from afar.", "a": "Someone", "content": "x", "author": "y"}])

# kind of failure: (the provider's route, None for a closed port), the reason the site logs
FAILURES = {
    "refused": (None, "could not connect"),
    "http-500": (
        {"body": "Internal error", "status": 500, "content_type": "text/plain"},
        "HTTP 500",
    ),
    "slow": ({"body": VALID, "delay": SLOW}, f"no answer within {TIMEOUT} s"),
    "invalid-json": ({"body": '[{"q": "Cut off'}, "the answer is not JSON"),
    "html": (
        {"body": "<!doctype html><title>Down</title><p>Maintenance", "content_type": "text/html"},
        "the answer is not JSON",
    ),
    "wrong-shape": (
        {"body": '{"quotes": [{"q": "A", "a": "B"}]}'},
        "the answer is not a JSON list",
    ),
    "wrong-items": ({"body": '[{"text": "A"}, 3, null]'}, "the answer holds no usable quote"),
}
# Each provider fails in its own way: four sites cover every kind of failure.
CASES = [
    ("refused", "http-500"),
    ("slow", "slow"),
    ("invalid-json", "html"),
    ("wrong-shape", "wrong-items"),
]
PATHS = {"zenquotes": "/api/quotes", "quotable": "/quotes/random?limit=50"}  # quotes/providers.py


def failures_logged(site, failures):
    log = site.log()
    return all(
        f"Quote provider {provider} failed: {FAILURES[kind][1]}" in log
        for provider, kind in failures.items()
    )


@pytest.mark.parametrize(("zenquotes", "quotable"), CASES)
def test_pages_never_wait_on_failing_providers(start_site, local_server, zenquotes, quotable):
    failures = {"zenquotes": zenquotes, "quotable": quotable}
    routes = {p: FAILURES[kind][0] for p, kind in failures.items()}
    url = {p: CLOSED_PORT_URL if route is None else local_server.url for p, route in routes.items()}
    site = start_site(
        env={
            "ZENQUOTES_URL": url["zenquotes"],
            "QUOTABLE_URL": url["quotable"],
            "QUOTES_AUTO_REFILL": "1",
            "QUOTES_MAX_AGE": "1",
            "QUOTES_TIMEOUT": str(TIMEOUT),
        }
    )
    # Only now: preparing the site asked the providers once, then loaded the bundled pool.
    for provider, route in routes.items():
        if route is not None:
            local_server.route(PATHS[provider], **route)
    local_server.requests.clear()

    started = time.monotonic()
    while True:
        for page in PAGES:
            before = time.monotonic()
            response = requests.get(site.url + page, timeout=30)
            took = time.monotonic() - before
            assert response.status_code == 200, f"{page}: {response.status_code}\n{site.log_tail()}"
            quote = QUOTE.search(response.text)
            assert quote and quote.group(1).strip(), f"{page} shows no quote:\n{response.text}"
            assert took < PAGE_LIMIT, f"{page} took {took:.2f} s\n{site.log_tail()}"
        serving = time.monotonic() - started
        if serving > SERVE_AT_LEAST and failures_logged(site, failures):
            break
        assert serving < 60, f"no refill tried both providers\n{site.log_tail()}"
    for provider, route in routes.items():
        if route is not None:
            assert PATHS[provider] in local_server.requests, f"{provider} was never called"
