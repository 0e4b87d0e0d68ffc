from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from classifier.collecting import CollectError, Limits, collect
from mlcore.scraping.engines import ENGINES
from mlcore.training.progress import ProgressBars, ignore

DEFAULTS = Limits()
OPTIONS = {"max_bytes": "max-mb"}  # the service's argument -> this command's option


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
            "--min-size",
            type=int,
            default=DEFAULTS.min_size,
            metavar="PX",
            help="shortest side allowed",
        )
        parser.add_argument("--headful", action="store_true", help="show the browser window")
        parser.add_argument(
            "--workers", type=int, default=DEFAULTS.workers, help="downloads at a time"
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=DEFAULTS.timeout,
            metavar="SECONDS",
            help="to connect, and between bytes",
        )
        parser.add_argument(
            "--retries", type=int, default=DEFAULTS.retries, help="on 429, 5xx and timeouts"
        )
        parser.add_argument(
            "--host-delay",
            type=float,
            default=DEFAULTS.host_delay,
            metavar="SECONDS",
            help="between requests to the same host",
        )
        parser.add_argument(
            "--max-mb",
            type=float,
            default=DEFAULTS.max_bytes / 2**20,
            help="largest file to download",
        )
        parser.add_argument(
            "--wait",
            type=float,
            default=DEFAULTS.wait,
            metavar="SECONDS",
            help="without new results before going on to the next query",
        )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        limits = Limits(
            min_size=options["min_size"],
            workers=options["workers"],
            timeout=options["timeout"],
            retries=options["retries"],
            host_delay=options["host_delay"],
            max_bytes=int(options["max_mb"] * 2**20),
            wait=options["wait"],
            headful=options["headful"],
        )
        bars = ProgressBars() if verbosity else ignore
        try:
            summary = collect(
                options["out"],
                options["label"],
                options["queries"],
                count=options["count"],
                engine=options["engine"],
                limits=limits,
                progress=bars,
                on_rejected=self.rejected if verbosity > 1 else ignore,
            )
        except CollectError as error:
            if error.option:
                option = OPTIONS.get(error.option, error.option.replace("_", "-"))
                raise CommandError(f"--{option} {error}") from None
            raise CommandError(str(error)) from None
        finally:
            if bars is not ignore:
                bars.close()
        for line in summary.problems:
            self.stderr.write(line)
        if summary.outcome != "nothing to do":
            self.stdout.write(summary.counts())
        style = {"done": self.style.SUCCESS, "nothing to do": str}.get(
            summary.outcome, self.style.WARNING
        )
        self.stdout.write(style(summary.verdict()))

    def rejected(self, url, reason):
        tqdm.write(f"{url}: {reason}", file=self.stdout, end="")
