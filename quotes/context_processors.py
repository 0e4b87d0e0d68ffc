"""`quote` in every template's context: a random quote fetched only when a template shows it.

Pages that show no quote run no query for it. A page that does gets one quote, however often its
templates name `quote`, never the one given by `?quote_after=<id>` when the pool has another.
"""

from functools import cache

from .pool import random_quote, refill_if_stale


def quote(request):
    after = request.GET.get("quote_after", "")
    exclude_id = int(after) if after.isdigit() else None

    @cache
    def fetch():
        picked = random_quote(exclude_id)
        refill_if_stale()
        return picked

    return {"quote": fetch}
