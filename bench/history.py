"""Time the pages that read the prediction history with 10k, 100k and 1M predictions.

    .venv/bin/python -m bench.history [--sizes 10000,100000,1000000] [--postgres] [--prune N]
                                      [--rounds 10] [--round-seconds 3]

Works on a scratch copy of the bootstrapped site (bench.classify.scratch_data): SQLite by
default; with --postgres a throwaway PostgreSQL cluster (initdb and pg_ctl from PATH or
/usr/local/bin, a free port, removed afterwards), or the server of DATABASE_URL (a database
made for the run and dropped after it). For each size it seeds predictions in bulk up to that
size (copies of a real prediction of the active chart classifier, about 1.5 KB each; three
versions of it and a second classifier, every label, 12% unsure, 4.5% with a verdict of which a
third changed, 0.5% reviewed with a true label, dates spread over a year), then serves the site
with gunicorn as shipped and times each page (median of --repeat after one warm-up) and
`/api/classify` at concurrency 1 (p50 over --api-seconds). With --prune N it then deletes the
oldest N rows with `prune_predictions --delete-rows-days` while a client classifies, and reports
how long it took and the API's latencies meanwhile. Side by side (--rounds, 0 to skip): a frozen
copy of the database at the first size is served beside the last size's site, and short bursts of
`/api/classify` (--round-seconds each, concurrency 1) alternate between them, so the machine's drift
touches both alike; both p50s and their ratio are reported. On the throwaway cluster, statements
over SLOW_MS are logged and the slowest of the last size's pages are re-run under EXPLAIN ANALYZE
into the results. Results go to bench/results/history_*.json.
"""

import argparse
import datetime
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import requests

from bench.classify import ROOT, drive, free_port, scratch_data, site_env, start, stop, test_images
from tests.live_site import fresh_database

PAGES = [
    ("home", "/"),
    ("/api/classify/charts (p50)", None),
    ("model page /classifiers/charts/", "/classifiers/charts/"),
    ("admin list, first page", "/admin/classifier/prediction/"),
    ("admin list, unsure", "/admin/classifier/prediction/?unsure__exact=1"),
    (
        "admin list, version + feedback",
        "/admin/classifier/prediction/?version__id__exact={v}&feedback__exact=wrong",
    ),
    ("admin list, search 'pie'", "/admin/classifier/prediction/?q=pie"),
    ("admin list, a year of dates", "/admin/classifier/prediction/?created__year={year}"),
    ("admin list, deep page", "/admin/classifier/prediction/?p={deep}"),
]
COLUMNS = [
    "created", "thumbnail", "original", "sha256", "size_bytes", "probabilities", "label",
    "probability", "unsure", "latency_ms", "client", "feedback", "feedback_label",
    "true_label", "reviewed", "classifier_id", "version_id", "activation", "image_lost",
]  # fmt: skip


SLOW_MS = 50
PG_LOG = None  # the throwaway cluster's log, while it runs


def pg_bin(name):
    found = shutil.which(name) or f"/usr/local/bin/{name}"
    return found


@contextmanager
def throwaway_postgres():
    """A PostgreSQL cluster in a temporary folder on a free port; yields its server URL."""
    folder = Path(tempfile.mkdtemp(prefix="heroproject-pg-"))
    port = free_port()
    as_user = []
    if os.geteuid() == 0:  # initdb refuses root: run the cluster as nobody
        shutil.chown(folder, "nobody")
        as_user = ["runuser", "-u", "nobody", "--"]
    data = folder / "data"
    subprocess.run(
        [*as_user, pg_bin("initdb"), "-D", str(data), "-U", "bench", "--auth=trust", "-E", "UTF8"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c shared_buffers=256MB"
    # Statements slower than SLOW_MS are logged, with their literal SQL (Django binds client-side)
    options += f" -c log_min_duration_statement={SLOW_MS}"
    global PG_LOG
    PG_LOG = folder / "log"
    subprocess.run(
        [*as_user, pg_bin("pg_ctl"), "-D", str(data), "-o", options, "-w", "-l",
         str(folder / "log"), "start"],
        check=True,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        yield f"postgres://bench@127.0.0.1:{port}/postgres"
    finally:
        PG_LOG = None
        subprocess.run(
            [*as_user, pg_bin("pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
            stdout=subprocess.DEVNULL,
        )
        shutil.rmtree(folder, ignore_errors=True)


def setup_django(env, source_db):
    """Django in this process on the scratch database; on PostgreSQL, migrated and given the
    bootstrapped site's classifiers and versions."""
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heroproject.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    from django.db import connection

    if connection.vendor == "postgresql":
        copy_classifiers(source_db)


def copy_classifiers(source_db):
    import sqlite3

    from classifier.models import ImageClassifier, ModelVersion

    with sqlite3.connect(source_db) as source:
        source.row_factory = sqlite3.Row
        for row in source.execute("SELECT * FROM classifier_imageclassifier"):
            ImageClassifier.objects.create(**dict(row))
        for row in source.execute("SELECT * FROM classifier_modelversion"):
            fields = dict(row)
            for name in ["labels", "metrics", "cross_validation", "dataset_summary"]:
                fields[name] = json.loads(fields[name])
            for name in ["feedback_count", "feedback_right"]:
                fields.pop(name, None)
            ModelVersion.objects.create(**fields)
    ImageClassifier.objects.update(created=datetime.datetime.now(datetime.UTC))
    # Rows inserted with their ids leave the sequences at 1: move them past the copied ids.
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(
            no_style(), [ImageClassifier, ModelVersion]
        ):
            cursor.execute(statement)


def versions_to_seed():
    """The charts classifier's versions (two inactive copies added) and a second classifier."""
    from classifier.models import ImageClassifier, ModelVersion

    charts = ImageClassifier.objects.get(slug="charts")
    active = charts.versions.get(active=True)
    versions = [active]
    for number in (active.number + 1, active.number + 2):
        copy = ModelVersion.objects.get(pk=active.pk)
        copy.pk, copy.number, copy.active = None, number, False
        copy.save()
        versions.append(copy)
    other, _ = ImageClassifier.objects.get_or_create(slug="heroes-demo", title="Heroes (demo)")
    copy = ModelVersion.objects.get(pk=active.pk)
    copy.pk, copy.number, copy.active, copy.classifier = None, 1, False, other
    copy.labels = ["iron_man", "hulk", "thor", "captain_america", "black_widow"]
    copy.save()
    versions.append(copy)
    return versions


def real_prediction(images):
    """A real prediction of the active chart classifier: its activation map and probabilities."""
    from classifier.models import ImageClassifier
    from classifier.serving import classify

    classification = classify(ImageClassifier.objects.get(slug="charts"), images[0][1])
    return classification.activation(), dict(classification.ranked)


class Seeder:
    """Adds predictions in bulk, oldest first, through this process's database connection."""

    def __init__(self, versions, activation, probabilities, seed=0):
        self.versions = versions
        self.weights = [0.6, 0.15, 0.05, 0.2]  # active version, older ones, the other classifier
        self.activation = json.dumps(activation)
        self.probabilities = list(probabilities.values())
        self.rng = random.Random(seed)
        self.now = datetime.datetime.now(datetime.UTC)
        self.total = 0

    def rows(self, count):
        rng, rows = self.rng, []
        seconds = sorted(rng.uniform(0, 365 * 86400) for _ in range(count))
        for offset in reversed(seconds):  # oldest first: ids grow with time, as on a site
            version = rng.choices(self.versions, self.weights)[0]
            labels = version.labels
            label = rng.choice(labels)
            others = [other for other in labels if other != label]
            probabilities = {label: self.probabilities[0]}
            probabilities.update(zip(others, self.probabilities[1:], strict=False))
            top = self.probabilities[0] if rng.random() > 0.12 else rng.uniform(0.2, 0.59)
            roll = rng.random()
            feedback = "correct" if roll < 0.03 else "wrong" if roll < 0.045 else ""
            feedback_label = rng.choice(others) if feedback == "wrong" else ""
            reviewed = rng.random() < 0.005
            name = uuid.UUID(int=rng.getrandbits(128)).hex
            rows.append(
                [
                    self.now - datetime.timedelta(seconds=offset),
                    f"predictions/thumbnails/seed/{name}.jpg",
                    "",
                    f"{rng.getrandbits(256):064x}",
                    rng.randint(20_000, 3_000_000),
                    json.dumps(probabilities),
                    label,
                    top,
                    top < 0.6,
                    round(rng.uniform(15, 40), 2),
                    f"{rng.getrandbits(128):032x}",
                    feedback,
                    feedback_label,
                    label if reviewed else "",
                    reviewed,
                    version.classifier_id,
                    version.pk,
                    self.activation,
                    False,
                ]
            )
        return rows

    def add(self, count, batch=20_000):
        from django.db import connection, transaction

        names = ", ".join(COLUMNS)
        while count > 0:
            rows = self.rows(min(batch, count))
            with transaction.atomic(), connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    with cursor.cursor.copy(
                        f"COPY classifier_prediction ({names}) FROM STDIN"
                    ) as copy:
                        for row in rows:
                            copy.write_row(row)
                else:
                    for row in rows:
                        row[0] = row[0].strftime("%Y-%m-%d %H:%M:%S.%f")
                    marks = ", ".join(["%s"] * len(COLUMNS))
                    cursor.executemany(
                        f"INSERT INTO classifier_prediction ({names}) VALUES ({marks})", rows
                    )
            count -= len(rows)
            self.total += len(rows)
        from classifier import feedback

        feedback.recount_feedback()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE classifier_prediction")  # what autovacuum does


def change_some_verdicts(share=0.3):
    """A third of the verdicts changed afterwards, through the site's own service."""
    from classifier import feedback
    from classifier.models import Prediction

    rows = Prediction.objects.exclude(feedback="").order_by("-created")[:300]
    for row in list(rows)[:: int(1 / share)]:
        feedback.give_feedback(row, row.feedback != "correct", "")


def row_size():
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT avg(pg_column_size(p.*)), avg(pg_column_size(probabilities)), "
                "avg(pg_column_size(activation)), pg_total_relation_size('classifier_prediction'),"
                " pg_relation_size('classifier_prediction') FROM classifier_prediction p"
            )
            row_bytes, probabilities, activation, total, table = cursor.fetchone()
        else:
            cursor.execute(
                "SELECT avg(length(probabilities)), avg(length(activation)) "
                "FROM classifier_prediction"
            )
            probabilities, activation = cursor.fetchone()
            cursor.execute("PRAGMA page_count")
            pages = cursor.fetchone()[0]
            cursor.execute("PRAGMA page_size")
            total = pages * cursor.fetchone()[0]
            row_bytes, table = None, None
    return {
        "row_bytes": row_bytes and float(row_bytes),
        "probabilities_bytes": float(probabilities),
        "activation_bytes": float(activation),
        "database_bytes": int(total),
        "table_bytes": table and int(table),
    }


def admin_session(url):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    if not User.objects.filter(username="bench").exists():
        User.objects.create_superuser("bench", "bench@example.org", "bench-password")
    session = requests.Session()
    session.get(f"{url}/admin/login/", timeout=30)
    response = session.post(
        f"{url}/admin/login/",
        data={
            "username": "bench",
            "password": "bench-password",
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
            "next": "/admin/",
        },
        headers={"Referer": f"{url}/admin/login/"},
        timeout=30,
    )
    assert "/admin/logout/" in response.text or response.ok, response.status_code
    return session


def time_pages(url, options, images, size, versions):
    session = admin_session(url)
    visitor = requests.Session()
    deep = max(1, min(3000, size // 100 - 1))
    year = datetime.datetime.now(datetime.UTC).year
    results = {}
    for name, path in PAGES:
        if path is None:
            drive(f"{url}/api/classify/charts", images, 1, 2)
            latencies, errors, _ = drive(
                f"{url}/api/classify/charts", images, 1, options.api_seconds
            )
            results[name] = statistics.median(latencies) * 1000 if latencies else None
            print(
                f"  {name:<34} {results[name]:8.1f} ms  "
                f"({len(latencies)} requests, {errors} errors)"
            )
            continue
        path = path.format(v=versions[0].pk, deep=deep, year=year)
        client = session if path.startswith("/admin") else visitor
        times = []
        for attempt in range(options.repeat + 1):
            started = time.perf_counter()
            response = client.get(f"{url}{path}", timeout=120)
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, (path, response.status_code)
            assert "?e=1" not in response.url, path
            if attempt:
                times.append(elapsed)
        results[name] = statistics.median(times)
        print(f"  {name:<34} {results[name]:8.1f} ms  (median of {options.repeat}; {path})")
    return results


def prune_while_serving(url, options, images, env):
    """Delete the oldest --prune rows with prune_predictions while a client classifies."""
    from classifier.models import Prediction

    cutoff = Prediction.objects.order_by("created").values_list("created", flat=True)[options.prune]
    days = (datetime.datetime.now(datetime.UTC) - cutoff).days
    before = Prediction.objects.count()
    command = [sys.executable, "manage.py", "prune_predictions", "--days", str(days),
               "--delete-rows-days", str(days)]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.PIPE, text=True
    )
    started = time.monotonic()
    latencies, errors = [], 0
    while process.poll() is None:
        batch, failed, _ = drive(f"{url}/api/classify/charts", images, 1, 2)
        latencies += batch
        errors += failed
    seconds = time.monotonic() - started
    output = process.stdout.read().strip()
    after = Prediction.objects.count()
    ms = sorted(latency * 1000 for latency in latencies)
    result = {
        "deleted": before - after + len(latencies),
        "seconds": round(seconds, 1),
        "api_requests": len(ms),
        "api_errors": errors,
        "api_p50_ms": round(statistics.median(ms), 1) if ms else None,
        "api_p95_ms": round(ms[int(len(ms) * 0.95)], 1) if ms else None,
        "api_max_ms": round(ms[-1], 1) if ms else None,
        "output": output,
    }
    print(f"prune while serving: {result}")
    return result


def log_offset():
    return PG_LOG.stat().st_size if PG_LOG else 0


def explain_slow(offset, most=6):
    """The throwaway cluster's statements over SLOW_MS logged since offset (the page timings of
    one size): the slowest few, each once, with its plan (EXPLAIN ANALYZE, BUFFERS), run again
    here through this process's connection."""
    if not PG_LOG:
        return []
    import re

    from django.db import connection

    with PG_LOG.open(errors="replace") as log:
        log.seek(offset)
        text = log.read()
    slowest = {}
    for match in re.finditer(r"duration: ([\d.]+) ms\s+statement: (SELECT .*)", text):
        ms, statement = float(match[1]), match[2].strip()
        slowest[statement] = max(ms, slowest.get(statement, 0))
    found = []
    for statement, ms in sorted(slowest.items(), key=lambda item: -item[1])[:most]:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {statement}")
            plan = [row[0] for row in cursor.fetchall()]
        found.append({"logged_ms": ms, "sql": statement, "plan": plan})
        print(f"  slow statement, {ms:.0f} ms in the run: {statement[:300]}")
        print("    " + "\n    ".join(plan[:12]))
    connection.close()
    return found


@contextmanager
def snapshot(env):
    """A frozen copy of the scratch database as it is now, for a second site; yields its env.

    SQLite: the file copied (sqlite3's backup) into a folder of its own, which is also the
    second site's media folder. PostgreSQL: CREATE DATABASE ... TEMPLATE the run's database
    (no one may be connected to it: call with the site stopped and Django's connection closed),
    dropped afterwards.
    """
    from django.db import connection

    connection.close()
    if "DATABASE_URL" not in env:
        import sqlite3

        with tempfile.TemporaryDirectory(prefix="heroproject-bench-small-") as folder:
            source = Path(env["HEROPROJECT_DATA_DIR"]) / "db.sqlite3"
            with (
                sqlite3.connect(source) as old,
                sqlite3.connect(Path(folder) / "db.sqlite3") as new,
            ):
                old.backup(new)
            yield {**env, "HEROPROJECT_DATA_DIR": folder}
        return
    import psycopg
    from psycopg import sql

    parts = urlsplit(env["DATABASE_URL"])
    server = parts._replace(path="/postgres").geturl()
    name = f"{parts.path.lstrip('/')}_small"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(parts.path.lstrip("/"))
            )
        )
    try:
        yield {**env, "DATABASE_URL": parts._replace(path=f"/{name}").geturl()}
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def side_by_side(big_url, small_env, options, images, small, big):
    """Two sites up at once, the small database's and the big one's (same engine, same
    gunicorn configuration): short bursts of /api/classify at concurrency 1, alternated
    (ABBA order, so neither always goes first), so the machine's drift touches both alike."""
    port = free_port()
    site = start("heroproject.wsgi", port, small_env)
    urls = {small: f"http://127.0.0.1:{port}/api/classify/charts", big: big_url}
    latencies = {small: [], big: []}
    rounds = []
    try:
        for url in urls.values():
            drive(url, images, 1, 3)  # warm-up: both workers of each site load the model
        for number in range(options.rounds):
            order = [small, big] if number % 2 == 0 else [big, small]
            medians = {}
            for size in order:
                batch, errors, _ = drive(urls[size], images, 1, options.round_seconds)
                assert not errors, (size, errors)
                latencies[size] += batch
                medians[size] = round(statistics.median(batch) * 1000, 1)
            rounds.append(medians)
            print(f"  round {number + 1}: " + ", ".join(
                f"{size:,} rows {medians[size]:.1f} ms" for size in (small, big)))  # fmt: skip
    finally:
        stop(site)
    result = {"rounds": options.rounds, "round_seconds": options.round_seconds}
    for size in (small, big):
        ms = sorted(latency * 1000 for latency in latencies[size])
        result[size] = {
            "requests": len(ms),
            "p50_ms": round(statistics.median(ms), 1),
            "p95_ms": round(ms[int(len(ms) * 0.95)], 1),
        }
    result["p50_ratio"] = round(result[big]["p50_ms"] / result[small]["p50_ms"], 3)
    result["round_p50_ms"] = rounds
    result["rounds_big_slower"] = sum(r[big] > r[small] for r in rounds)
    print(
        f"side by side, /api/classify/charts p50 at concurrency 1: {small:,} rows "
        f"{result[small]['p50_ms']} ms ({result[small]['requests']} requests), {big:,} rows "
        f"{result[big]['p50_ms']} ms ({result[big]['requests']} requests), ratio "
        f"{result['p50_ratio']}; the big site slower in {result['rounds_big_slower']} of "
        f"{options.rounds} rounds"
    )
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument(
        "--postgres", action="store_true", help="throwaway cluster, or DATABASE_URL"
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--api-seconds", type=float, default=10)
    parser.add_argument("--prune", type=int, default=0, help="then prune this many rows")
    parser.add_argument(
        "--rounds",
        type=int,
        default=10,
        help="side by side: the first and the last size's sites up at once, this many rounds of "
        "alternated API bursts (0: off)",
    )
    parser.add_argument("--round-seconds", type=float, default=3)
    options = parser.parse_args()
    sizes = [int(size) for size in options.sizes.split(",")]
    env = site_env()
    images = test_images()
    with scratch_data() as data, database(options) as database_url, ExitStack() as small:
        env = {**env, **data}
        if database_url:
            env["DATABASE_URL"] = database_url
        source = Path(os.environ.get("HEROPROJECT_DATA_DIR", ROOT / "data")) / "db.sqlite3"
        setup_django(env, source)
        from django.db import connection

        vendor = connection.vendor
        versions = versions_to_seed()
        activation, probabilities = real_prediction(images)
        seeder = Seeder(versions, activation, probabilities)
        report = {"database": vendor, "cpus": os.cpu_count(), "sizes": {}}
        print(f"database: {vendor}; {os.cpu_count()} cores")
        # small: the first size's frozen copy, for the side-by-side API run
        for size in sizes:
            started = time.monotonic()
            seeder.add(size - seeder.total)
            change_some_verdicts()
            seeded = time.monotonic() - started
            sizes_info = row_size()
            connection.close()
            print(f"{size:,} predictions (seeded in {seeded:.0f} s): {sizes_info}")
            if options.rounds and len(sizes) > 1 and size == sizes[0]:
                small_env = small.enter_context(snapshot(env))
            port = free_port()
            site = start("heroproject.wsgi", port, env)
            try:
                offset = log_offset()
                pages = time_pages(f"http://127.0.0.1:{port}", options, images, size, versions)
                report["sizes"][size] = {"seed_seconds": round(seeded, 1), **sizes_info,
                                         "pages_ms": pages}  # fmt: skip
                if size == sizes[-1] and PG_LOG:
                    report["sizes"][size]["slow_statements"] = explain_slow(offset)
                if options.rounds and len(sizes) > 1 and size == sizes[-1]:
                    print(f"side by side: {sizes[0]:,} and {size:,} rows, both sites up")
                    report["side_by_side"] = side_by_side(
                        f"http://127.0.0.1:{port}/api/classify/charts",
                        small_env, options, images, sizes[0], size,
                    )  # fmt: skip
                    small.close()
                if options.prune and size == sizes[-1]:
                    report["prune"] = prune_while_serving(
                        f"http://127.0.0.1:{port}", options, images, env
                    )
            finally:
                stop(site)
            seeder.total = size + 0  # rows the API added are extra, not counted in the sizes
        print_table(report)
        out = ROOT / "bench" / "results" / f"history_{vendor}_{time.strftime('%Y%m%d-%H%M')}.json"
        out.write_text(json.dumps(report, indent=1, default=str))
        print(f"saved {out.relative_to(ROOT)}")


@contextmanager
def database(options):
    if not options.postgres:
        yield None
        return
    server = os.environ.get("DATABASE_URL", "")
    if server:
        with fresh_database(server, "heroproject_history_") as url:
            yield url
        return
    with throwaway_postgres() as server, fresh_database(server, "heroproject_history_") as url:
        yield url


def print_table(report):
    sizes = list(report["sizes"])
    print(f"| page ({report['database']}) | " + " | ".join(f"{s:,} rows" for s in sizes) + " |")
    print("|---|" + "---|" * len(sizes))
    for name, _ in PAGES:
        cells = [report["sizes"][s]["pages_ms"].get(name) for s in sizes]
        print(f"| {name} | " + " | ".join(f"{c:.0f} ms" if c else "-" for c in cells) + " |")
    both = report.get("side_by_side")
    if both:
        small, big = sizes[0], sizes[-1]
        print(
            f"side by side ({both['rounds']} rounds of {both['round_seconds']} s): API p50 "
            f"{both[small]['p50_ms']} ms at {small:,} rows, {both[big]['p50_ms']} ms at "
            f"{big:,} rows, ratio {both['p50_ratio']}"
        )


if __name__ == "__main__":
    main()
