import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from mlcore.charts import CHART_CLASSES
from mlcore.charts.dataset import make_chart_dataset


class Command(BaseCommand):
    help = "Draw labelled charts of every chart class into OUT/<class>/ to train the classifier."

    def add_arguments(self, parser):
        parser.add_argument("out", help="folder to write the class folders into")
        parser.add_argument("--per-class", type=int, default=80, help="charts per class")
        parser.add_argument("--seed", type=int, default=0, help="same seed, same files")
        parser.add_argument("--size", type=int, default=320, help="longest side in pixels")
        parser.add_argument("--workers", type=int, default=2, help="processes drawing charts")

    def handle(self, *args, **options):
        if options["per_class"] < 1 or options["size"] < 32 or options["workers"] < 1:
            raise CommandError("--per-class and --workers must be at least 1, --size at least 32.")
        started = time.monotonic()
        total = options["per_class"] * len(CHART_CLASSES)
        with tqdm(total=total, unit="chart", disable=options["verbosity"] == 0) as bar:
            counts = make_chart_dataset(
                options["out"],
                per_class=options["per_class"],
                seed=options["seed"],
                size=options["size"],
                workers=options["workers"],
                progress=bar.update,
            )
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {sum(counts.values())} charts in {len(counts)} classes to {options['out']} "
                f"in {elapsed:.1f} s ({sum(counts.values()) / elapsed:.1f} charts/s)."
            )
        )
