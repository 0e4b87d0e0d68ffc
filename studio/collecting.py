"""The collection job: a class's images collected from the web (classifier.collecting) by a task
worker, on the studio's runner (studio.runner).

Searches use the bing engine; queries that are all http(s) URLs are gallery pages (the gallery
engine). Before the browser starts, the worker checks that it can reach the engine's hosts, so a
machine without internet says so at once. While it runs, the job's log shows how many images it
has kept; when it ends, what the collection did.
"""

import socket
from urllib.parse import urlsplit

from classifier import datasets

from . import runner
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


class Collection(runner.Kind):
    model = CollectionJob
    noun, doing = "collection", "collecting"
    after_cancel = after_death = "the images it had kept stay in the dataset"

    def body(self, job, progress):
        from classifier import collecting  # Selenium: task workers only

        engine = engine_for(job.queries)
        failure = unreachable(hosts(engine, job.queries))
        if failure:
            return Status.FAILED, NO_INTERNET.format(failure)
        try:
            summary = collecting.collect(
                datasets.folder(job.classifier),
                job.label,
                job.queries,
                count=job.count,
                engine=engine,
                progress=progress,
            )
        except collecting.CollectError as error:
            status, lines = Status.FAILED, [str(error)]
        else:
            status, lines = Status.SUCCEEDED, summary.lines()
        job.log = ""  # the live count gives way to what the collection did
        return status, "\n".join(lines)


COLLECTION = Collection()
