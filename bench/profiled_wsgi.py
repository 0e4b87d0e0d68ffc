"""The site's WSGI application with each request profiled (cProfile), for bench.classify --profile.

Once BENCH_PROFILE_DIR/on exists, every request thread of a gunicorn worker gets its own
profiler, enabled only while the application handles a request (so waiting for the next request
is not counted). BENCH_PROFILE_CLOCK says what it counts: "cpu" (the default), the thread's CPU
time, so waiting for the GIL, the database, the disk or a core is left out; "wall", elapsed time,
which counts them. Each thread writes its statistics to BENCH_PROFILE_DIR/<pid>-<thread>.prof
(and the number of requests they cover beside it) at most once a second: the last second's
requests are left out. Beside them, <pid>.threads.json: the CPU seconds every thread of the
worker has used since profiling began, by thread name (the writer threads that store originals
and draw thumbnails too, which no request profile covers), and the requests the worker has
answered since then.
"""

import cProfile
import json
import os
import threading
import time
from pathlib import Path

from bench.classify import CLOCKS, stat_cpu
from heroproject.wsgi import application as site

OUT = Path(os.environ["BENCH_PROFILE_DIR"])
CLOCK = CLOCKS[os.environ.get("BENCH_PROFILE_CLOCK", "cpu")]
DUMP_EVERY = 1.0  # seconds
local = threading.local()
began = {}  # thread name -> CPU seconds when profiling began in this worker
answered = [0]  # requests the worker has answered since then
lock = threading.Lock()


def thread_cpu():
    """CPU seconds (user and system) each live thread of this process has used, by name."""
    used = {}
    for thread in threading.enumerate():
        try:
            used[thread.name] = stat_cpu(f"/proc/self/task/{thread.native_id}/stat")
        except OSError:  # ended meanwhile
            continue
    return used


def application(environ, start_response):
    if not (OUT / "on").exists():  # the benchmark's warm-up
        return site(environ, start_response)
    with lock:
        if not began:
            began.update(thread_cpu())
    if not hasattr(local, "profiler"):
        local.profiler, local.dumped = cProfile.Profile(CLOCK), time.monotonic()
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
    with lock:
        answered[0] += 1
    if time.monotonic() - local.dumped > DUMP_EVERY:
        dump()
    return body


def dump():
    name = f"{os.getpid()}-{threading.get_ident()}"
    local.profiler.dump_stats(OUT / f"{name}.prof")
    (OUT / f"{name}.requests").write_text(str(local.requests))
    with lock:
        used = {thread: cpu - began.get(thread, 0.0) for thread, cpu in thread_cpu().items()}
        used = {"requests": answered[0], "cpu": used}
        (OUT / f"{os.getpid()}.threads.json").write_text(json.dumps(used))
    local.dumped = time.monotonic()
