"""With REDIS_URL, rate limits count exactly: Django's Redis cache increments atomically.

A real redis-server (Debian's package, installed by scripts/install.sh) on a free loopback port,
and the real site under gunicorn (2 workers x 4 threads) using it as its cache. Requests fired at
once past the limit are all counted: exactly the limit get through.
"""

import shutil
import subprocess
import threading

import pytest
import requests

from tests.live_site import free_port, wait_for_port

LIMIT = 10
REQUESTS = 40


@pytest.fixture
def redis_url(tmp_path):
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, server)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(10)


def test_requests_at_once_are_counted_exactly(start_site, redis_url):
    # An hourly window: a burst never straddles its end.
    site = start_site(env={"REDIS_URL": redis_url, "RATELIMIT_NAMES": f"{LIMIT}/h"})
    assert (
        site.shell('from django.core.cache import caches; print(type(caches["default"]).__name__)')
        == "RedisCache"
    )
    start = threading.Barrier(REQUESTS)
    codes = []

    def generate():
        session = requests.Session()
        start.wait()
        codes.append(session.get(f"{site.url}/api/names?count=1", timeout=30).status_code)

    threads = [threading.Thread(target=generate) for _ in range(REQUESTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [200] * LIMIT + [429] * (REQUESTS - LIMIT), (
        f"{codes.count(200)} of {REQUESTS} got through\n{site.log_tail()}"
    )
