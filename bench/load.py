"""Mixed traffic against the real site under gunicorn: requests/s and latency per endpoint.

Run after ./run.sh (or manage.py bootstrap) has trained the chart classifier:
    .venv/bin/python -m bench.load [--seconds 20] [--concurrency 8,32] [--slug charts]
It starts the site on 127.0.0.1 as bench/classify.py does (the Procfile's gunicorn configuration,
rate limits off: every client here is 127.0.0.1) and, for each concurrency, runs that many client
threads for --seconds. Each client is a visitor with its own session (cookies, CSRF token) that
picks its next request at random with the weights of MIX, then prints per-endpoint and total
requests/s, p50/p95/p99 and errors (any answer but the expected status, or no answer).
"""

import argparse
import os
import random
import re
import threading
import time
from collections import defaultdict

import numpy as np
import requests

from bench.classify import (
    add_limits_option,
    free_port,
    rss_mb,
    scratch_data,
    site_env,
    start,
    stop,
    test_images,
)

# (name, weight in percent): a visit is mostly pages, one upload per visit or so, the name
# generator as the second attraction, the quote widget's "New quote" button, and static files
# (most of a browser's are cached after the first page).
MIX = [
    ("GET /", 20),
    ("GET static css", 15),
    ("POST /api/classify", 20),
    ("GET /names/", 10),
    ("POST /names/ (HTMX)", 10),
    ("GET /api/names", 10),
    ("GET /quotes/random/ (HTMX)", 15),
]
HTMX = {"HX-Request": "true"}


class Visitor:
    """One client thread: a requests session with the site's cookies and CSRF token."""

    def __init__(self, base, slug, images, css, seed):
        self.base, self.slug, self.images, self.css = base, slug, images, css
        self.rng = random.Random(seed)
        self.session = requests.Session()
        self.session.get(f"{base}/names/", timeout=60)  # the csrftoken cookie
        self.token = self.session.cookies.get("csrftoken", "")

    def request(self, name):
        """Send one request of kind `name`; True when the answer is the expected one."""
        get, base = self.session.get, self.base
        if name == "GET /":
            response = get(f"{base}/", timeout=60)
        elif name == "GET static css":
            response = get(f"{base}{self.css}", timeout=60)
        elif name == "POST /api/classify":
            file_name, data = self.rng.choice(self.images)
            response = self.session.post(
                f"{base}/api/classify/{self.slug}", files={"image": (file_name, data)}, timeout=60
            )
        elif name == "GET /names/":
            response = get(f"{base}/names/", timeout=60)
        elif name == "POST /names/ (HTMX)":
            form = {"count": self.rng.randint(1, 15), "temperature": "1.0", "prefix": ""}
            headers = {**HTMX, "X-CSRFToken": self.token}
            response = self.session.post(f"{base}/names/", form, headers=headers, timeout=60)
        elif name == "GET /api/names":
            response = get(f"{base}/api/names", params={"count": 5}, timeout=60)
        else:
            response = get(f"{base}/quotes/random/", headers=HTMX, timeout=60)
        return response.status_code == 200, response.status_code


def stylesheet(base):
    """The hashed URL of the site's stylesheet, as the home page links it."""
    html = requests.get(f"{base}/", timeout=60).text
    match = re.search(r'href="(/static/css/[^"]+\.css)"', html)
    if not match:
        raise SystemExit("The home page links no stylesheet: run `manage.py collectstatic`.")
    return match[1]


def run(base, slug, images, css, concurrency, seconds, seed=0):
    """{name: (latencies in s, errors by kind)} and the elapsed time."""
    names, weights = zip(*MIX, strict=True)
    latencies, errors = defaultdict(list), defaultdict(lambda: defaultdict(int))
    lock = threading.Lock()
    visitors = [Visitor(base, slug, images, css, seed * 1000 + n) for n in range(concurrency)]
    deadline = time.monotonic() + seconds

    def client(visitor):
        while time.monotonic() < deadline:
            name = visitor.rng.choices(names, weights)[0]
            started = time.perf_counter()
            try:
                ok, status = visitor.request(name)
            except requests.RequestException as error:
                ok, status = False, type(error).__name__
            elapsed = time.perf_counter() - started
            with lock:
                if ok:
                    latencies[name].append(elapsed)
                else:
                    errors[name][status] += 1

    threads = [threading.Thread(target=client, args=(v,)) for v in visitors]
    begun = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {name: (latencies[name], dict(errors[name])) for name, _ in MIX}, (
        time.monotonic() - begun
    )


def line(label, latencies, errors, elapsed):
    ms = np.array(latencies) * 1000
    p50, p95, p99 = np.percentile(ms, [50, 95, 99]) if len(ms) else (float("nan"),) * 3
    failed = sum(errors.values())
    detail = f" {dict(errors)}" if errors else ""
    print(
        f"  {label:<28} {len(ms) / elapsed:7.1f} req/s  p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  "
        f"p99 {p99:7.1f} ms  errors {failed}{detail}"
    )


def report(results, elapsed):
    everything, all_errors = [], defaultdict(int)
    for name, (latencies, errors) in results.items():
        line(name, latencies, errors, elapsed)
        everything += latencies
        for kind, count in errors.items():
            all_errors[kind] += count
    line("total", everything, dict(all_errors), elapsed)


def load_average():
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slug", default="charts")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--concurrency", default="8,32", help="comma-separated client counts")
    parser.add_argument("--warm-up", type=float, default=3, help="seconds before measuring")
    add_limits_option(parser)
    options = parser.parse_args()
    env = site_env(options.limits)
    images = test_images()
    print(f"machine: {os.cpu_count()} cores; load average before: {load_average()}")
    print(f"rate limits: {options.limits}")
    print("mix: " + ", ".join(f"{name} {weight}%" for name, weight in MIX))
    with scratch_data() as data:
        port = free_port()
        site = start("heroproject.wsgi", port, {**env, **data})
        base = f"http://127.0.0.1:{port}"
        try:
            probe = requests.post(
                f"{base}/api/classify/{options.slug}", files={"image": images[0]}, timeout=60
            )
            if probe.status_code != 200:
                raise SystemExit(f"/api/classify/{options.slug}: {probe.status_code} {probe.text}")
            css = stylesheet(base)
            run(base, options.slug, images, css, 4, options.warm_up)
            for concurrency in (int(c) for c in options.concurrency.split(",")):
                results, elapsed = run(
                    base, options.slug, images, css, concurrency, options.seconds
                )
                print(f"concurrency {concurrency}, {elapsed:.1f} s:")
                report(results, elapsed)
                print(f"  load average: {load_average()}")
            print(f"worker RSS: {', '.join(f'{mb:.0f} MB' for mb in rss_mb(site))}")
        finally:
            stop(site)


if __name__ == "__main__":
    main()
