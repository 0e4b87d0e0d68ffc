import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from mlcore.charts import CHART_CLASSES, engines, real
from mlcore.charts.dataset import draw_charts, plan_charts


class Command(BaseCommand):
    help = "Draw labelled charts of every chart class into OUT/<class>/ to train the classifier."

    def add_arguments(self, parser):
        parser.add_argument("out", help="folder to write the class folders into")
        parser.add_argument(
            "--per-class", type=int, default=80, help="charts drawn per class (0: none)"
        )
        parser.add_argument("--seed", type=int, default=0, help="same seed, same files")
        parser.add_argument("--size", type=int, default=320, help="longest side in pixels")
        parser.add_argument("--workers", type=int, default=2, help="processes drawing charts")
        parser.add_argument(
            "--engines",
            default=",".join(engines.TRAINING),
            help=f"comma-separated, of {', '.join(engines.ENGINES)} (default: the training ones)",
        )
        parser.add_argument(
            "--real-charts",
            metavar="DIR",
            help="also copy the real charts of DIR (labels.csv with file and label, or one "
            "sub-folder per class) into OUT",
        )

    def handle(self, *args, **options):
        if options["per_class"] < 0 or options["size"] < 32 or options["workers"] < 1:
            raise CommandError("--per-class must be at least 0, --workers 1, --size 32.")
        if options["real_charts"]:
            self.copy_real(options["real_charts"], options["out"])
        if not options["per_class"]:
            return
        names = [name.strip() for name in options["engines"].split(",") if name.strip()]
        unknown = sorted(set(names) - set(engines.ENGINES))
        if unknown or not names:
            raise CommandError(
                f"Unknown engine(s) {', '.join(unknown) or '(none given)'}; "
                f"the engines are {', '.join(engines.ENGINES)}."
            )
        started = time.monotonic()
        plan = plan_charts(
            options["out"], options["per_class"], options["seed"], options["size"], names
        )
        for line in plan.skipped:
            self.stdout.write(self.style.WARNING(f"Skipping engine {line}"))
        if not plan.jobs:
            raise CommandError("No engine can draw here: see the lines above.")
        with tqdm(total=len(plan.jobs), unit="chart", disable=options["verbosity"] == 0) as bar:
            counts = draw_charts(plan, options["workers"], progress=bar.update)
        elapsed = time.monotonic() - started
        engines_used = ", ".join(f"{name} {n}" for name, n in sorted(plan.by_engine().items()))
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {sum(counts.values())} charts in {len(counts)} classes to {options['out']} "
                f"in {elapsed:.1f} s ({sum(counts.values()) / elapsed:.1f} charts/s); "
                f"by engine: {engines_used}."
            )
        )

    def copy_real(self, folder, out):
        try:
            found = real.read(folder, CHART_CLASSES)
        except real.RealChartsError as error:
            raise CommandError(str(error)) from None
        for line in found.skipped:
            self.stdout.write(self.style.WARNING(f"Skipped {line}"))
        counts = real.copy_into(found, out)
        self.stdout.write(
            f"Copied {sum(counts.values())} real charts in {len(counts)} classes to {out}."
        )
