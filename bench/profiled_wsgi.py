"""The site's WSGI application with each request profiled (cProfile), for bench.classify --profile.

Once BENCH_PROFILE_DIR/on exists, every request thread of a gunicorn worker gets its own
profiler, enabled only while the application handles a request (so waiting for the next request
is not counted, but waiting for the GIL, the database or a core inside one is). Each thread
writes its statistics to BENCH_PROFILE_DIR/<pid>-<thread>.prof (and the number of requests they
cover beside it) at most once a second: the last second's requests are left out.
"""

import cProfile
import os
import threading
import time
from pathlib import Path

from heroproject.wsgi import application as site

OUT = Path(os.environ["BENCH_PROFILE_DIR"])
DUMP_EVERY = 1.0  # seconds
local = threading.local()


def application(environ, start_response):
    if not (OUT / "on").exists():  # the benchmark's warm-up
        return site(environ, start_response)
    if not hasattr(local, "profiler"):
        local.profiler, local.dumped = cProfile.Profile(), time.monotonic()
        local.requests = 0
    local.profiler.enable()
    try:
        # The response is consumed and closed here (Django's request_finished), so all of it counts.
        response = site(environ, start_response)
        try:
            body = [b"".join(response)]
        finally:
            response.close()
    finally:
        local.profiler.disable()
    local.requests += 1
    if time.monotonic() - local.dumped > DUMP_EVERY:
        dump()
    return body


def dump():
    name = f"{os.getpid()}-{threading.get_ident()}"
    local.profiler.dump_stats(OUT / f"{name}.prof")
    (OUT / f"{name}.requests").write_text(str(local.requests))
    local.dumped = time.monotonic()
