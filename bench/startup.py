"""Seconds from starting a web worker to its first answered classification, and its memory.

Run after bootstrap has trained the chart classifier:
    .venv/bin/python -m bench.startup [--slug charts] [--runs 3] [--python PATH ...]
Starts gunicorn with one worker (no preload, so the worker does all the work) on 127.0.0.1,
posts one image as soon as the port answers, and reads the worker's RSS afterwards. Each
--python is another virtualenv's interpreter (say, one with only requirements.txt installed):
the same measurement for each install, side by side.
"""

import argparse
import statistics
import sys
import time

import requests

from bench.classify import free_port, rss_mb, scratch_data, site_env, start, stop, test_images


def cold_start(slug, image, python):
    port = free_port()
    env = {**site_env(), "GUNICORN_WORKERS": "1", "GUNICORN_PRELOAD": "0"}
    with scratch_data() as data:
        started = time.perf_counter()
        server = start("heroproject.wsgi", port, {**env, **data}, poll=0.01, python=python)
        try:
            name, image_data = image
            response = requests.post(
                f"http://127.0.0.1:{port}/api/classify/{slug}",
                files={"image": (name, image_data)},
                timeout=60,
            )
            elapsed = time.perf_counter() - started
            response.raise_for_status()
            return elapsed, rss_mb(server)[0]
        finally:
            stop(server)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slug", default="charts")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--python", action="append", help="an interpreter to compare (repeat)")
    options = parser.parse_args()
    image = test_images()[0]
    for python in options.python or [sys.executable]:
        results = [cold_start(options.slug, image, python) for _ in range(options.runs)]
        for seconds, rss in results:
            print(f"{python}: first classification after {seconds:.2f} s; worker RSS {rss:.0f} MB")
        print(
            f"{python}: median {statistics.median(s for s, _ in results):.2f} s, "
            f"{statistics.median(r for _, r in results):.0f} MB"
        )


if __name__ == "__main__":
    main()
