import math
import re
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from selenium.common.exceptions import WebDriverException
from tqdm import tqdm

from classifier import datasets
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

LABEL = re.compile(r"\w[\w .-]*")


class Command(BaseCommand):
    help = (
        "Collect images of one class from an image search into OUT_DIR/<class>/, dropping broken, "
        "small and duplicate images as they come, and record each in OUT_DIR/manifest.csv."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "out", metavar="OUT_DIR", help="the dataset: a folder per class, and manifest.csv"
        )
        parser.add_argument("--class", dest="label", metavar="CLASS", required=True)
        parser.add_argument(
            "--query",
            dest="queries",
            metavar="QUERY",
            action="append",
            required=True,
            help="a search; repeat for several (the gallery engine takes a page's URL)",
        )
        parser.add_argument(
            "--count", type=int, default=100, metavar="N", help="images the class should have"
        )
        parser.add_argument("--engine", choices=sorted(ENGINES), default="bing")
        parser.add_argument(
            "--min-size", type=int, default=MIN_SIZE, metavar="PX", help="shortest side allowed"
        )
        parser.add_argument("--headful", action="store_true", help="show the browser window")
        parser.add_argument("--workers", type=int, default=WORKERS, help="downloads at a time")
        parser.add_argument(
            "--timeout",
            type=float,
            default=TIMEOUT,
            metavar="SECONDS",
            help="to connect, and between bytes",
        )
        parser.add_argument("--retries", type=int, default=3, help="on 429, 5xx and timeouts")
        parser.add_argument(
            "--host-delay",
            type=float,
            default=HOST_DELAY,
            metavar="SECONDS",
            help="between requests to the same host",
        )
        parser.add_argument(
            "--max-mb", type=float, default=MAX_BYTES / 2**20, help="largest file to download"
        )
        parser.add_argument(
            "--wait",
            type=float,
            default=WAIT,
            metavar="SECONDS",
            help="without new results before going on to the next query",
        )

    def handle(self, *args, **options):
        out, label, queries = Path(options["out"]), options["label"], options["queries"]
        engine = ENGINES[options["engine"]]()
        check_options(options, engine)
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(f"Cannot use {out} as the dataset folder: {error}") from None
        index, failing = clean_folder(out, options["min_size"], remove=False)
        if failing:
            self.stderr.write(
                f"{len(failing)} image(s) in {out} fail the checks and are not counted; "
                f"`manage.py clean_dataset {out}` removes them."
            )
        had = index.count(label)
        wanted = options["count"] - had
        if wanted <= 0:
            self.stdout.write(f"'{label}' already has {had} images: nothing to do.")
            return
        known = {row["url"] for row in manifest.read(out)}
        counts, rejected = Counter(found=0, downloaded=0, kept=0), Counter()

        def candidates(driver, query):
            for url in image_urls(driver, engine, query, options["wait"]):
                if url not in known:
                    known.add(url)
                    counts["found"] += 1
                    yield url, query

        def keep(download):
            counts["downloaded"] += bool(download.data)
            reason = download.rejected or index.match(download.fingerprint)
            if reason:
                rejected[reason.reason] += 1
                if options["verbosity"] > 1:
                    bar.write(f"{download.url}: {reason}", file=self.stdout, end="")
                return False
            name = datasets.write_image(
                out, label, datasets.content_name(download.fingerprint), download.data
            )
            manifest.record(out, name, label, download, options["engine"])
            index.add(download.fingerprint, name)
            counts["kept"] += 1
            bar.update()
            return True

        interrupted = False
        with tqdm(total=wanted, unit="image", disable=options["verbosity"] == 0) as bar:
            try:
                with (
                    chromium(options["headful"]) as driver,
                    make_session(retries=options["retries"]) as session,
                ):
                    download = Downloader(
                        session,
                        Throttle(options["host_delay"]),
                        options["timeout"],
                        int(options["max_mb"] * 2**20),
                        options["min_size"],
                    )
                    for i, query in enumerate(queries):
                        share = math.ceil((wanted - counts["kept"]) / (len(queries) - i))
                        try:
                            run_until(
                                download, candidates(driver, query), share, keep, options["workers"]
                            )
                        except WebDriverException as error:
                            message = f"Query '{query}' failed in the browser: {error.msg}"
                            bar.write(message, file=self.stderr, end="")
            except BrowserError as error:
                raise CommandError(str(error)) from None
            except KeyboardInterrupt:
                interrupted = True

        details = f" ({summarise(rejected)})" if rejected else ""
        self.stdout.write(
            "Found {found} new image URLs, downloaded {downloaded}, kept {kept}; ".format(**counts)
            + f"rejected {rejected.total()}{details}."
        )
        has, folder = had + counts["kept"], out / label
        if interrupted:
            self.stdout.write(
                self.style.WARNING(
                    f"Interrupted: saved {counts['kept']} new images, '{label}' has {has}. "
                    "The same command goes on where this one stopped."
                )
            )
        elif has < options["count"]:
            self.stdout.write(
                self.style.WARNING(
                    f"'{label}' has {has} of {options['count']} images in {folder}: the results "
                    "ran out. Add queries, or run again later."
                )
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"'{label}' has {has} images in {folder}."))


def check_options(options, engine):
    if not LABEL.fullmatch(options["label"]):
        raise CommandError("--class must be a folder name: letters, digits, spaces, _ - and .")
    for name in ("count", "workers"):
        if options[name] < 1:
            raise CommandError(f"--{name} must be at least 1.")
    for name in ("timeout", "max_mb"):
        if options[name] <= 0:
            raise CommandError(f"--{name.replace('_', '-')} must be more than 0.")
    for name in ("min_size", "retries", "host_delay", "wait"):
        if options[name] < 0:
            raise CommandError(f"--{name.replace('_', '-')} cannot be negative.")
    for query in options["queries"]:
        try:
            engine.page_url(query)
        except ValueError as error:
            raise CommandError(str(error)) from None
