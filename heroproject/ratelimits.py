"""Per-client rate limits, enforced for every view by `RateLimitMiddleware`, with django-ratelimit.

A view declares its group with `limit(GROUP, methods=[...], answer=...)`; the middleware counts
each request it covers in the default cache (a fixed window per client, shared by every worker)
and, past the group's rate, answers 429 with a message and Retry-After without calling the view.
A view that declares nothing is still limited on unsafe methods (POST, PUT, PATCH, DELETE), under
the group WRITES, so a new view cannot be left open by forgetting.

The rate of a group is settings.RATE_LIMITS[group] ("20/m", "100/5m", ...; "" or "0" turn it
off), read on each request and checked when the middleware is built: a bad one stops the site at
startup. The client is its address, see `client_ip`.
"""

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import JsonResponse
from django.shortcuts import render
from django_ratelimit import ALL, UNSAFE
from django_ratelimit.core import get_usage

from heroproject.uploads import discard_body

CLASSIFY = "classify"
NAMES = "names"
WRITES = "writes"
WHAT = {CLASSIFY: "Classifying images", NAMES: "Generating names", WRITES: "Sending forms"}
RATE = re.compile(r"^(\d+)/(\d*)([smhd]?)$")
SECONDS = {"s": 1, "m": 60, "h": 60 * 60, "d": 24 * 60 * 60}
PER = {1: "a second", 60: "a minute", 60 * 60: "an hour", 24 * 60 * 60: "a day"}
UNKNOWN_CLIENT = "0.0.0.0"
API_PREFIX = "/api/"


def parse_rate(value):
    """(count, seconds) for "20/m", "100/5m" or "30/10"; None for "" or "0"; ValueError else."""
    value = (value or "").strip().lower()
    if value in ("", "0"):
        return None
    match = RATE.match(value)
    if not match or int(match[1]) < 1:
        raise ValueError(
            f"{value!r} is not a rate: use COUNT/PERIOD such as 20/m, 100/5m or 1000/d "
            "(s, m, h, d), or 0 to turn the limit off."
        )
    return int(match[1]), int(match[2] or 1) * SECONDS[match[3] or "s"]


def check_rates():
    """Raise ImproperlyConfigured unless every group has a valid rate in settings.RATE_LIMITS."""
    for group in WHAT:
        variable = f"RATELIMIT_{group.upper()}"  # where settings.py reads it from
        if group not in settings.RATE_LIMITS:
            raise ImproperlyConfigured(
                f"settings.RATE_LIMITS has no rate for {group!r} (from {variable})."
            )
        try:
            parse_rate(settings.RATE_LIMITS[group])
        except ValueError as error:
            raise ImproperlyConfigured(f"{variable}: {error}") from None


def valid_ip(value):
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request):
    """The address a client is counted under (settings.RATELIMIT_IP_META_KEY names this).

    REMOTE_ADDR, unless the site is behind a proxy (settings.BEHIND_PROXY): then the last
    address in X-Forwarded-For, the one that proxy appended for the client it saw. Earlier
    entries come from the client and could be anything, so they are never used; without a
    proxy the header is ignored altogether, or any client could pick a new address per request.
    """
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1]
        address = valid_ip(forwarded)
        if address:
            return address
    return valid_ip(request.META.get("REMOTE_ADDR", "")) or UNKNOWN_CLIENT


@dataclass
class Exceeded:
    group: str
    count: int
    period: int
    retry_after: int  # seconds until the client's window ends

    @property
    def message(self):
        per = PER.get(self.period, f"every {self.period} seconds")
        wait = "1 second" if self.retry_after == 1 else f"{self.retry_after} seconds"
        return (
            f"Too many requests: {WHAT[self.group].lower()} is limited to {self.count} {per} "
            f"for each visitor. Please try again in {wait}."
        )


def count(request, group):
    """Count the request under the group; an Exceeded when that puts the client past its rate.

    Views of one group share one count per client: the library's cache key holds its `method`
    argument, so it always gets ALL.
    """
    rate = parse_rate(settings.RATE_LIMITS[group])
    if rate is None:
        return None
    usage = get_usage(request, group=group, key="ip", rate=rate, method=ALL, increment=True)
    if usage is None or not usage["should_limit"]:  # None: the cache failed (RATELIMIT_FAIL_OPEN)
        return None
    allowed, period = rate
    return Exceeded(group, allowed, period, min(max(1, usage["time_left"]), period))


def json_answer(request, message):
    """The over-limit answer of an API: {"error": message}."""
    return JsonResponse({"error": message})


def default_answer(request, message):
    """The over-limit answer of a view that declares none, in the form the client reads.

    JSON for API paths and clients that prefer it; for HTMX a partial to swap in; else a page.
    """
    wants_json = request.get_preferred_type(["text/html", "application/json"])
    if request.path_info.startswith(API_PREFIX) or wants_json == "application/json":
        return json_answer(request, message)
    template = "_429.html" if request.htmx else "429.html"
    return render(request, template, {"message": message})


@dataclass(frozen=True)
class Rule:
    group: str
    methods: tuple | None  # None: every method
    answer: Callable  # (request, message) -> HttpResponse; the middleware makes it a 429

    def covers(self, method):
        return self.methods is None or method in self.methods


DEFAULT = Rule(WRITES, tuple(UNSAFE), default_answer)


def limit(group, methods=None, answer=default_answer):
    """Declare the view's group: requests of `methods` (else all) count under it.

    Only attaches the rule to the view (decorators built with functools.wraps carry it along);
    `RateLimitMiddleware` enforces it. `answer(request, message)` says how the view's 429 looks.
    """
    if group not in WHAT:
        raise ValueError(f"{group!r} is not a rate-limit group: one of {', '.join(WHAT)}.")
    rule = Rule(group, tuple(methods) if methods else None, answer)

    def decorator(view):
        view.rate_limit = rule
        return view

    return decorator


def rule_for(view, method):
    """The view's own rule for this method, else the default one for unsafe methods."""
    rule = getattr(view, "rate_limit", None)
    if rule is not None and rule.covers(method):
        return rule
    return DEFAULT if DEFAULT.covers(method) else None


class RateLimitMiddleware:
    """Counts every request a rule covers and answers 429 past the limit, before the view runs.

    After CsrfViewMiddleware (a forged POST is refused, not counted) and HtmxMiddleware (the
    answer may be a partial). The body the client sent is read and dropped before answering, so
    a keep-alive connection stays usable (see `discard_body`).
    """

    def __init__(self, get_response):
        check_rates()
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        rule = rule_for(view, request.method)
        exceeded = count(request, rule.group) if rule else None
        if exceeded is None:
            return None
        response = rule.answer(request, exceeded.message)  # first: a page may show the form again
        discard_body(request)
        response.status_code = 429
        response["Retry-After"] = str(exceeded.retry_after)
        return response
