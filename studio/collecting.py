"""Collecting a class's images from the web: `scrape_images` run by a task worker.

Searches use the bing engine; queries that are all http(s) URLs are gallery pages (the gallery
engine). Before the browser starts, the worker checks that it can reach the engine's hosts, so a
machine without internet says so at once.
"""

import socket
import traceback
from io import StringIO
from urllib.parse import urlsplit

from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from classifier import datasets

from .models import CollectionJob

Status = CollectionJob.Status
SEARCH_HOST = ("www.bing.com", 443)
CONNECT_TIMEOUT = 10
NO_INTERNET = (
    "This machine cannot reach the web ({}): collect images where there is internet, or "
    "upload them."
)


def is_url(query):
    url = urlsplit(query)
    try:
        url.port  # noqa: B018 - raises ValueError for a port that is no port
    except ValueError:
        return False
    return url.scheme in ("http", "https") and bool(url.hostname)


def engine_for(queries):
    """The engine for the queries: gallery when every one is a page's URL, bing when none is;
    ValueError for a mix."""
    urls = sum(map(is_url, queries))
    if urls and urls < len(queries):
        raise ValueError("Give either searches or gallery page URLs, not both at once.")
    return "gallery" if urls else "bing"


def start_collection(classifier, label, queries, count):
    """Queue a collection of up to count images for the class from the queries."""
    datasets.class_folder(classifier, label)
    engine_for(queries)
    with transaction.atomic():
        job = CollectionJob.objects.create(
            classifier=classifier, label=label, queries=queries, count=count
        )
        transaction.on_commit(lambda: enqueue(job))
    return job


def enqueue(job):
    result = collect_images.enqueue(job.pk)
    CollectionJob.objects.filter(pk=job.pk).update(task_id=str(result.id))


def hosts(engine, queries):
    """The (host, port) each query's browser visit starts at."""
    if engine != "gallery":
        return [SEARCH_HOST]
    found = []
    for query in queries:
        url = urlsplit(query)
        port = url.port or (443 if url.scheme == "https" else 80)
        found.append((url.hostname, port))
    return list(dict.fromkeys(found))


def unreachable(addresses):
    """Why this machine cannot connect to the first address it cannot ("host:port: why"), or
    None when it can reach them all."""
    for host, port in addresses:
        try:
            socket.create_connection((host, port), timeout=CONNECT_TIMEOUT).close()
        except OSError as error:
            return f"{host}:{port}: {error.strerror or error}"
    return None


def finish(job, status, log):
    job.status = status
    job.log = log
    job.finished = timezone.now()
    job.save(update_fields=["status", "log", "finished"])


@task()
def collect_images(job_id):
    """Run a queued CollectionJob; returns the status it ended in."""
    job = CollectionJob.objects.select_related("classifier").get(pk=job_id)
    job.status = Status.RUNNING
    job.save(update_fields=["status"])
    engine = engine_for(job.queries)
    failure = unreachable(hosts(engine, job.queries))
    if failure:
        finish(job, Status.FAILED, NO_INTERNET.format(failure))
        return job.status
    output = StringIO()
    try:
        call_command(
            "scrape_images",
            str(datasets.folder(job.classifier)),
            f"--class={job.label}",
            *(f"--query={query}" for query in job.queries),
            f"--count={job.count}",
            f"--engine={engine}",
            verbosity=0,
            stdout=output,
            stderr=output,
        )
    except CommandError as error:
        finish(job, Status.FAILED, f"{output.getvalue()}{error}")
    except Exception:
        finish(job, Status.FAILED, f"{output.getvalue()}{traceback.format_exc()}")
        raise
    else:
        finish(job, Status.SUCCEEDED, output.getvalue())
    return job.status
