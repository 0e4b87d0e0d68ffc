"""Per-client rate limits on the expensive views, with django-ratelimit.

Each limited view is decorated with `limit(GROUP)`; the library counts the client's requests in
the default cache (a fixed window per client, shared by every worker) and sets `request.limited`.
The view answers 429 in its own way (JSON, the page, or the HTMX partial) with `message(request)`;
the decorator adds the Retry-After header to that answer.

The rate of a group is the setting RATELIMIT_<GROUP> ("20/m", "100/5m", ...; "" or "0" turn it
off), read on each request. The client is its address, see `client_ip`.
"""

import ipaddress
import re
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django_ratelimit import ALL
from django_ratelimit.core import get_usage
from django_ratelimit.decorators import ratelimit

CLASSIFY = "classify"
NAMES = "names"
WHAT = {CLASSIFY: "Classifying images", NAMES: "Generating names"}
RATE = re.compile(r"^(\d+)/(\d*)([smhd]?)$")
SECONDS = {"s": 1, "m": 60, "h": 60 * 60, "d": 24 * 60 * 60}
PER = {1: "a second", 60: "a minute", 60 * 60: "an hour", 24 * 60 * 60: "a day"}
UNKNOWN_CLIENT = "0.0.0.0"


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


def rate(group, request):
    """The library's rate callable: the group's setting, None (no limit) when it is off."""
    return parse_rate(getattr(settings, f"RATELIMIT_{group.upper()}", ""))


def valid_ip(value):
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request):
    """The address a client is counted under (settings.RATELIMIT_IP_META_KEY names this).

    REMOTE_ADDR, unless the site is behind a proxy (DJANGO_BEHIND_PROXY): then the last address
    in X-Forwarded-For, the one that proxy appended for the client it saw. Earlier entries come
    from the client and could be anything, so they are never used; without a proxy the header
    is ignored altogether, or any client could pick a new address per request.
    """
    if settings.RATELIMIT_TRUST_X_FORWARDED_FOR:
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


def limit(group, methods=None):
    """Count the view's requests (those of `methods`, else all) under `group`; never blocks.

    The view checks `request.limited` and answers 429 with `message(request)`. Views of one
    group share one count per client: the library's cache key holds its `method` argument, so
    it always gets ALL and the methods are filtered here.
    """

    def decorator(view):
        @wraps(view)
        def counted(request, *args, **kwargs):
            exceeded = None
            if request.limited:
                usage = get_usage(request, group=group, key="ip", rate=rate, method=ALL)
                count, period = rate(group, request)
                left = usage["time_left"] if usage else period
                exceeded = Exceeded(group, count, period, min(max(1, left), period))
            request.rate_limit_exceeded = exceeded
            response = view(request, *args, **kwargs)
            if exceeded and response.status_code == 429:
                response["Retry-After"] = str(exceeded.retry_after)
            return response

        limited = ratelimit(group=group, key="ip", rate=rate, method=ALL, block=False)(counted)

        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if methods is None or request.method in methods:
                return limited(request, *args, **kwargs)
            request.limited = False
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def message(request):
    """What to tell a client over its limit."""
    return request.rate_limit_exceeded.message
