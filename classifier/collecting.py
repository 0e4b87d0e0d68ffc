"""Service: collecting one class's images from the web into a dataset folder.

`collect` searches with an engine (mlcore.scraping.engines) in headless Chromium, downloads what
it finds politely and keeps what passes the checks of any image added to a dataset (broken,
small, copies and near copies of any class's image), written whole under its content's name
(classifier.datasets) and recorded in the folder's manifest.csv. It takes plain arguments and
returns a plain summary; `scrape_images` and the studio's collections call it.

Interrupted (Ctrl-C), it keeps what it saved: the next call goes on where it stopped.
"""

import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from selenium.common.exceptions import WebDriverException

from mlcore.scraping import manifest
from mlcore.scraping.browser import WAIT, BrowserError, chromium, image_urls
from mlcore.scraping.downloads import (
    HOST_DELAY,
    MAX_BYTES,
    TIMEOUT,
    WORKERS,
    Downloader,
    Throttle,
    run_until,
)
from mlcore.scraping.engines import ENGINES
from mlcore.scraping.http import make_session
from mlcore.scraping.hygiene import MIN_SIZE, clean_folder, summarise
from mlcore.training.progress import ignore

from . import datasets


class CollectError(ValueError):
    """A collection that cannot start; option names the argument it is about, if any."""

    def __init__(self, message, option=None):
        super().__init__(message)
        self.option = option


@dataclass(frozen=True)
class Limits:
    """How politely and how far a collection goes."""

    min_size: int = MIN_SIZE  # shortest side an image may have, in pixels
    workers: int = WORKERS  # downloads at a time
    timeout: float = TIMEOUT  # seconds to connect, and between bytes
    retries: int = 3  # on 429, 5xx and timeouts
    host_delay: float = HOST_DELAY  # seconds between requests to the same host
    max_bytes: int = MAX_BYTES  # the largest file downloaded
    wait: float = WAIT  # seconds without new results before the next query
    headful: bool = False  # show the browser window


@dataclass
class Collected:
    """What a collection did: counts, and what staff should know."""

    label: str
    folder: Path  # the dataset folder
    count: int  # images the class should have
    had: int  # images it had before
    found: int = 0  # new image URLs
    downloaded: int = 0
    kept: int = 0
    rejected: Counter = field(default_factory=Counter)  # reason -> images
    interrupted: bool = False
    problems: list = field(default_factory=list)  # lines: a query the browser failed, ...

    @property
    def has(self):
        return self.had + self.kept

    @property
    def outcome(self):
        """ "nothing to do", "interrupted", "short" (the results ran out) or "done"."""
        if self.had >= self.count:
            return "nothing to do"
        if self.interrupted:
            return "interrupted"
        return "short" if self.has < self.count else "done"

    def counts(self):
        details = f" ({summarise(self.rejected)})" if self.rejected else ""
        return (
            f"Found {self.found} new image URLs, downloaded {self.downloaded}, kept {self.kept}; "
            f"rejected {self.rejected.total()}{details}."
        )

    def verdict(self):
        label, has, where = self.label, self.has, self.folder / self.label
        return {
            "nothing to do": f"'{label}' already has {self.had} images: nothing to do.",
            "interrupted": f"Interrupted: saved {self.kept} new images, '{label}' has {has}. "
            "The same command goes on where this one stopped.",
            "short": f"'{label}' has {has} of {self.count} images in {where}: the results ran "
            "out. Add queries, or run again later.",
            "done": f"'{label}' has {has} images in {where}.",
        }[self.outcome]

    def lines(self):
        """The whole summary, as a log shows it."""
        if self.outcome == "nothing to do":
            return [*self.problems, self.verdict()]
        return [*self.problems, self.counts(), self.verdict()]


def check(label, queries, count, engine, limits):
    """CollectError for arguments a collection cannot take."""
    if not datasets.CLASS_NAME.fullmatch(label):
        raise CollectError("must be a folder name: letters, digits, spaces, _ - and .", "class")
    if engine not in ENGINES:
        raise CollectError(f"is one of {', '.join(sorted(ENGINES))}, not '{engine}'", "engine")
    for name, value in (("count", count), ("workers", limits.workers)):
        if value < 1:
            raise CollectError("must be at least 1.", name)
    for name in ("timeout", "max_bytes"):
        if getattr(limits, name) <= 0:
            raise CollectError("must be more than 0.", name)
    for name in ("min_size", "retries", "host_delay", "wait"):
        if getattr(limits, name) < 0:
            raise CollectError("cannot be negative.", name)
    for query in queries:
        try:
            ENGINES[engine]().page_url(query)
        except ValueError as error:
            raise CollectError(str(error)) from None


def collect(
    folder,
    label,
    queries,
    count=100,
    engine="bing",
    limits=None,
    progress=ignore,
    on_rejected=ignore,
):
    """Collect images of the class label into folder/label until it has count; a Collected.

    progress gets mlcore.training.progress's ("collect", kept, wanted); on_rejected(url, reason)
    each image turned away. CollectError for bad arguments, a folder it cannot use or no browser.
    """
    folder, limits = Path(folder), limits or Limits()
    check(label, queries, count, engine, limits)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CollectError(f"Cannot use {folder} as the dataset folder: {error}") from None
    index, failing = clean_folder(folder, limits.min_size, remove=False)
    summary = Collected(label, folder, count, had=index.count(label))
    if failing:
        summary.problems.append(
            f"{len(failing)} image(s) in {folder} fail the checks and are not counted; "
            f"`manage.py clean_dataset {folder}` removes them."
        )
    wanted = count - summary.had
    if wanted <= 0:
        return summary
    known = {row["url"] for row in manifest.read(folder)}
    search = ENGINES[engine]()

    def candidates(driver, query):
        for url in image_urls(driver, search, query, limits.wait):
            if url not in known:
                known.add(url)
                summary.found += 1
                yield url, query

    def keep(download):
        summary.downloaded += bool(download.data)
        reason = download.rejected or index.match(download.fingerprint)
        if reason:
            summary.rejected[reason.reason] += 1
            on_rejected(download.url, reason)
            return False
        name = datasets.write_image(
            folder, label, datasets.content_name(download.fingerprint), download.data
        )
        manifest.record(folder, name, label, download, engine)
        index.add(download.fingerprint, name)
        summary.kept += 1
        progress("collect", summary.kept, wanted)
        return True

    progress("collect", 0, wanted)
    try:
        with chromium(limits.headful) as driver, make_session(retries=limits.retries) as session:
            download = Downloader(
                session,
                Throttle(limits.host_delay),
                limits.timeout,
                limits.max_bytes,
                limits.min_size,
            )
            for i, query in enumerate(queries):
                share = math.ceil((wanted - summary.kept) / (len(queries) - i))
                try:
                    run_until(download, candidates(driver, query), share, keep, limits.workers)
                except WebDriverException as error:
                    summary.problems.append(f"Query '{query}' failed in the browser: {error.msg}")
    except BrowserError as error:
        raise CollectError(str(error)) from None
    except KeyboardInterrupt:
        summary.interrupted = True
    return summary
