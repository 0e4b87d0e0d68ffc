"""Benchmark /api/classify/<slug> under gunicorn against the in-process floor and the seed baseline.

Run after ./run.sh (or manage.py bootstrap) has trained the chart classifier:
    .venv/bin/python -m bench.classify [--slug charts] [--seconds 20]
It starts the real site under gunicorn on 127.0.0.1 with the Procfile's configuration (on a
scratch copy of the database), posts real-size JPEG and PNG images (drawn here) at concurrency 1,
each request alternating with the in-process floor (decode + forward) on the same image, and at
concurrency 16, then does the same for a seed-style server (bench/seed_server.py: TensorFlow,
model.predict per request). With --against DIR it measures another checkout's site instead of
the seed server, alternating with this one (before and after a change, in one run).
"""

import argparse
import http.client
import io
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import requests
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent


def test_images():
    """Photo-sized JPEGs and screenshot-sized PNGs of simple charts, drawn with a fixed seed."""
    rng = np.random.default_rng(0)
    images = []
    for index, (size, fmt) in enumerate(
        [((1600, 1200), "JPEG"), ((1200, 800), "PNG"), ((3000, 2000), "JPEG"), ((800, 600), "PNG")]
    ):
        image = Image.new("RGB", size, "white")
        draw = ImageDraw.Draw(image)
        bars = rng.uniform(0.1, 0.9, 8)
        width = size[0] // 10
        for i, height in enumerate(bars):
            x = width * (i + 1)
            draw.rectangle([x, size[1] * (1 - height), x + width * 0.8, size[1] - 20], fill="#3b6")
        out = io.BytesIO()
        image.save(out, fmt, quality=90)
        images.append((f"chart{index}.{fmt.lower()}", out.getvalue()))
    return images


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def add_limits_option(parser):
    parser.add_argument(
        "--limits",
        default="0",
        help="rate limit for classify and names, e.g. 1000000/m to count without refusing "
        "(the limiter's cost); default 0: off (every request here comes from one address)",
    )


def site_env(limits="0"):
    """The site's environment in a benchmark: plain HTTP, no quote refills from the network."""
    return {
        "DJANGO_HTTPS": "0",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-" * 10),
        "RATELIMIT_CLASSIFY": limits,
        "RATELIMIT_NAMES": limits,
        "RATELIMIT_WRITES": limits,
        "QUOTES_AUTO_REFILL": "0",
    }


@contextmanager
def scratch_data():
    """Environment for a site that reads this checkout's database and models, writes elsewhere.

    A benchmark stores thousands of predictions: they go to a copy of the SQLite database and a
    media folder in a temporary directory, deleted afterwards; the real site keeps its history.
    """
    data = Path(os.environ.get("HEROPROJECT_DATA_DIR", ROOT / "data"))
    with tempfile.TemporaryDirectory(prefix="heroproject-bench-") as scratch:
        with (
            sqlite3.connect(data / "db.sqlite3") as source,
            sqlite3.connect(Path(scratch) / "db.sqlite3") as copy,
        ):
            source.backup(copy)
        yield {
            "HEROPROJECT_DATA_DIR": scratch,
            "HEROPROJECT_MODELS_DIR": os.environ.get(
                "HEROPROJECT_MODELS_DIR", str(data / "models")
            ),
            "DJANGO_STATIC_ROOT": os.environ.get("DJANGO_STATIC_ROOT", str(ROOT / "staticfiles")),
        }


def start(app, port, env, poll=0.2, root=ROOT, python=sys.executable):
    """gunicorn serving app with the project's configuration, from root (another checkout),
    run by python (another virtualenv's, to compare installs)."""
    command = [python, "-m", "gunicorn", "--config", str(root / "gunicorn.conf.py")]
    command += ["--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null", app]
    process = subprocess.Popen(
        command, cwd=root, env={**os.environ, **env}, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            time.sleep(poll)
    process.kill()
    raise SystemExit(f"{app} did not start on port {port}")


def stop(process):
    process.terminate()
    process.wait(30)


def rss_mb(process):
    """Resident memory of each gunicorn worker (the master's children), in MB."""
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
    sizes = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return sizes


def drive(url, images, concurrency, seconds):
    """Post images round-robin from `concurrency` threads for `seconds`; latencies and errors."""
    latencies, errors = [], []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(offset):
        session = requests.Session()
        i = offset
        while time.monotonic() < deadline:
            name, data = images[i % len(images)]
            i += 1
            started = time.perf_counter()
            try:
                response = session.post(url, files={"image": (name, data)}, timeout=60)
                ok = response.status_code == 200
            except requests.RequestException:
                ok = False
            with lock:
                (latencies if ok else errors).append(time.perf_counter() - started)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(concurrency)]
    begun = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, len(errors), time.monotonic() - begun


def summary(label, latencies, errors, elapsed):
    ms = np.array(latencies) * 1000
    p50, p95, p99 = np.percentile(ms, [50, 95, 99]) if len(ms) else (float("nan"),) * 3
    rate = len(latencies) / elapsed
    print(
        f"{label:<28} {rate:7.1f} req/s  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  "
        f"p99 {p99:6.1f} ms  errors {errors}"
    )
    return rate, p50


def in_process_model(slug):
    """The active model of `slug`, loaded in this process as a web worker loads it."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heroproject.settings")
    django.setup()
    from classifier.models import ImageClassifier
    from classifier.serving import active_version, model_for

    version = active_version(ImageClassifier.objects.get(slug=slug))
    return version, model_for(version)


def decode_and_forward(model, data):
    """The floor: what any server must do for one image, timed in seconds."""
    from mlcore import images as decode

    started = time.perf_counter()
    image = decode.read_image(data, size=model.input_size)
    model.predict(decode.to_array(image, model.input_size, model.fit)[None])
    return time.perf_counter() - started


def alternate(port, slug, images, model, seconds):
    """Concurrency 1, each request right after the floor on the same image.

    Alternating lets the machine's drift (other jobs, a busy neighbour) touch both alike. The
    client sends pre-encoded multipart bodies over one keep-alive connection (http.client), so
    its own work stays out of the latency.
    """
    bodies = []
    for name, data in images:
        request = requests.Request("POST", "http://x/", files={"image": (name, data)}).prepare()
        bodies.append((data, request.body, request.headers["Content-Type"]))
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    floor, latencies, errors = [], [], 0
    deadline, i = time.monotonic() + seconds, 0
    begun = time.monotonic()
    while time.monotonic() < deadline:
        data, body, content_type = bodies[i % len(bodies)]
        i += 1
        floor.append(decode_and_forward(model, data))
        started = time.perf_counter()
        connection.request("POST", f"/api/classify/{slug}", body, {"Content-Type": content_type})
        response = connection.getresponse()
        response.read()
        if response.status == 200:
            latencies.append(time.perf_counter() - started)
        else:
            errors += 1
    return floor, latencies, errors, time.monotonic() - begun


def measure_site(root, label, options, env, images, model):
    """The site of the checkout at root: concurrency 1 against the floor, then concurrency 16."""
    port = free_port()
    with scratch_data() as data:
        site = start("heroproject.wsgi", port, {**env, **data}, root=root)
        url = f"http://127.0.0.1:{port}/api/classify/{options.slug}"
        try:
            drive(url, images, 2, 3)  # warm-up
            floor, *measured = alternate(port, options.slug, images, model, options.seconds)
            floor = statistics.median(floor) * 1000
            print(f"{label}: in-process floor (decode + forward), median: {floor:.1f} ms")
            _, p50 = summary(f"{label}, concurrency 1", *measured)
            rate, _ = summary(f"{label}, concurrency 16", *drive(url, images, 16, options.seconds))
            print(f"{label}: worker RSS: {', '.join(f'{mb:.0f} MB' for mb in rss_mb(site))}")
        finally:
            stop(site)
    print(f"{label}: p50 / floor at concurrency 1: {p50 / floor:.2f}")
    return p50, p50 / floor, rate


def compare_sites(options, env, images, model):
    """This checkout and --against, alternately, --rounds times each: the same drift for both."""
    sites = {"this checkout": ROOT, "other checkout": options.against.resolve()}
    results = {label: [] for label in sites}
    for round_ in range(options.rounds):
        for label, root in sites.items():
            print(f"-- round {round_ + 1}, {label} ({root})")
            results[label].append(measure_site(root, label, options, env, images, model))
    print(f"medians over {options.rounds} rounds:")
    for label, rows in results.items():
        p50, ratio, rate = (statistics.median(column) for column in zip(*rows, strict=True))
        print(f"{label:<16} p50 {p50:6.1f} ms  p50/floor {ratio:.2f}  {rate:6.1f} req/s at 16")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slug", default="charts")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument(
        "--against",
        type=Path,
        metavar="CHECKOUT",
        help="also measure the site of another checkout of the project (git worktree add DIR "
        "COMMIT), alternating with this one, instead of the seed baseline",
    )
    parser.add_argument("--rounds", type=int, default=2, help="rounds of each with --against")
    add_limits_option(parser)
    options = parser.parse_args()
    env = site_env(options.limits)
    os.environ.update(env)
    images = test_images()
    version, model = in_process_model(options.slug)
    print(
        f"machine: {os.cpu_count()} cores; "
        f"model {version} ({version.backbone}, {version.input_size} px)"
    )
    if options.against:
        compare_sites(options, env, images, model)
        return
    _, _, rate = measure_site(ROOT, "site", options, env, images, model)

    if options.skip_baseline:
        return
    port = free_port()
    seed_env = {**env, "SEED_MODEL_DIR": str(version.path), "GUNICORN_PRELOAD": "0"}
    seed = start("bench.seed_server:application", port, seed_env)
    url = f"http://127.0.0.1:{port}/"
    try:
        drive(url, images, 2, 5)
        summary("seed baseline, concurrency 1", *drive(url, images, 1, options.seconds))
        seed_rate, _ = summary(
            "seed baseline, concurrency 16", *drive(url, images, 16, options.seconds)
        )
        print(f"seed worker RSS: {', '.join(f'{mb:.0f} MB' for mb in rss_mb(seed))}")
    finally:
        stop(seed)
    print(f"throughput at concurrency 16, site / seed baseline: {rate / seed_rate:.2f}x")


if __name__ == "__main__":
    main()
