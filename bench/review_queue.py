"""Time the review queue on the server: one step is a verdict posted as HTMX posts it, answered
with the next item (the view, its queries and the template, in this process, no network).

    .venv/bin/python -m bench.review_queue [--unreviewed 10000] [--steps 200] [--dataset 500]

Works in a scratch data folder (a new SQLite database, migrated): a two-class classifier with
one version, --unreviewed predictions (12% unsure, 5% said wrong by their visitor, margins at
random), of which the --steps first in the queue's
order have their own original and thumbnail (small PNGs). Three runs of --steps verdicts each:
labels kept on the predictions only; labels added to a dataset of --dataset images as well; and
the page itself (GET, the whole page). Prints the median, p95 and slowest step of each and the
queries per step; results go to bench/results/review_queue_*.json.
"""

import argparse
import datetime
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LABELS = ["circles", "squares"]


def setup_django(data_dir):
    os.environ.update(
        HEROPROJECT_DATA_DIR=str(data_dir),
        DJANGO_SECRET_KEY="bench-review-queue",
        DJANGO_SETTINGS_MODULE="heroproject.settings",
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_HTTPS="0",
        RATELIMIT_WRITES="1000000/m",  # counted as ever, never refused (200 verdicts a minute)
        DJANGO_STATIC_ROOT=str(data_dir / "static"),
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)


def png(seed, size=128):
    from tests.pictures import encode, picture

    return encode(picture(seed, (size, size)), "PNG")


def seed(unreviewed, steps, dataset):
    """The classifier, its version, the predictions and a dataset; returns the classifier."""
    from django.contrib.auth.models import User
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from classifier import datasets
    from classifier.models import ModelVersion, Prediction, margin

    User.objects.create_superuser("bench", "bench@example.org", "bench-password")
    classifier = datasets.create_classifier("Circles and squares", "shapes", LABELS)
    version = ModelVersion.objects.create(
        classifier=classifier,
        number=1,
        active=True,
        directory="classifiers/shapes/v1",
        backbone="efficientnet_lite0",
        input_size=96,
        labels=LABELS,
        metrics={"accuracy": 0.9},
        training_seconds=1.0,
    )
    for i in range(dataset):
        label = LABELS[i % 2]
        datasets.write_image(datasets.folder(classifier), label, f"{i:05d}.png", png(10_000 + i))
    rng = random.Random(0)
    now = timezone.now()
    shared_thumbnail = default_storage.save("predictions/bench/shared.jpg", ContentFile(png(1)))
    rows = []
    for i in range(unreviewed):
        first = rng.random()
        probabilities = {LABELS[0]: round(first, 4), LABELS[1]: round(1 - first, 4)}
        rows.append(
            Prediction(
                classifier=classifier,
                version=version,
                thumbnail=shared_thumbnail,
                sha256=f"{i:064x}",
                size_bytes=1000,
                probabilities=probabilities,
                margin=margin(probabilities),
                label=max(probabilities, key=probabilities.get),
                probability=max(first, 1 - first),
                unsure=rng.random() < 0.12,
                feedback="wrong" if rng.random() < 0.05 else "",
                latency_ms=20.0,
            )
        )
    Prediction.objects.bulk_create(rows, batch_size=2000)
    ids = Prediction.objects.values_list("pk", flat=True)
    Prediction.objects.update(created=now - datetime.timedelta(days=15))
    # The first `steps` of the queue: unsure, the smallest margins, each with its own files.
    first = list(ids.order_by("pk")[: steps * 3])
    for n, pk in enumerate(first):
        data = png(n)
        original = default_storage.save(f"predictions/bench/{pk}.png", ContentFile(data))
        thumbnail = default_storage.save(f"predictions/bench/{pk}.jpg", ContentFile(data))
        Prediction.objects.filter(pk=pk).update(
            unsure=True, margin=n / 1e6, original=original, thumbnail=thumbnail
        )
    return classifier


def time_steps(client, steps, url, verdict_url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from classifier.models import Prediction

    times, queries = [], []
    item = shown(client.get(url, headers={"HX-Request": "true"}))
    for _ in range(steps):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            answer = client.post(
                verdict_url,
                {"prediction": item[0], "verdict": item[1]},
                headers={"HX-Request": "true"},
            )
            times.append((time.perf_counter() - started) * 1000)
        queries.append(len(captured))
        assert answer.status_code == 200, answer.content[:500]
        assert Prediction.objects.get(pk=item[0]).reviewed
        item = shown(answer)
    return summary(times, queries)


def shown(response):
    """(id, predicted label) of the item the queue's answer shows."""
    html = response.content.decode()
    pk = re.search(r'name="prediction" value="(\d+)"', html)[1]
    label = re.search(r'name="verdict" value="([^"]+)" data-key="Enter"', html)[1]
    return int(pk), label


def time_pages(client, steps, url):
    times = []
    for _ in range(steps):
        started = time.perf_counter()
        assert client.get(url).status_code == 200
        times.append((time.perf_counter() - started) * 1000)
    return summary(times, [])


def summary(times, queries):
    ordered = sorted(times)
    return {
        "steps": len(times),
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 2),
        "max_ms": round(ordered[-1], 2),
        "queries": round(statistics.mean(queries), 1) if queries else None,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--unreviewed", type=int, default=10_000)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--dataset", type=int, default=500, help="images already in the dataset")
    options = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as scratch:
        setup_django(Path(scratch))
        from django.test import Client

        started = time.perf_counter()
        classifier = seed(options.unreviewed, options.steps, options.dataset)
        print(f"Seeded {options.unreviewed} predictions in {time.perf_counter() - started:.1f} s")
        client = Client()
        client.login(username="bench", password="bench-password")
        url = f"/studio/{classifier.slug}/review/"
        verdict_url = f"{url}verdict"
        client.get(url)  # warm-up: templates, the first connection
        results = {"unreviewed": options.unreviewed, "dataset": options.dataset}
        classifier.review_adds_to_dataset = False
        classifier.save()
        results["verdict, label only"] = time_steps(client, options.steps, url, verdict_url)
        classifier.review_adds_to_dataset = True
        classifier.save()
        results[f"verdict, added to a dataset of {options.dataset}"] = time_steps(
            client, options.steps, url, verdict_url
        )
        results["the whole page (GET)"] = time_pages(client, options.steps, url)
    print(f"Review queue with {options.unreviewed} unreviewed predictions, per step:")
    for name, figures in results.items():
        if isinstance(figures, dict):
            print(
                f"  {name}: median {figures['median_ms']} ms, p95 {figures['p95_ms']} ms, "
                f"slowest {figures['max_ms']} ms"
                + (f", {figures['queries']} queries" if figures["queries"] else "")
            )
    out = ROOT / "bench" / "results" / f"review_queue_{time.strftime('%Y%m%d-%H%M')}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"Saved {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
