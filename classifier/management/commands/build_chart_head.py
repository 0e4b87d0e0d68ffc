from django.core.management.base import BaseCommand, CommandError

from classifier import shipped_charts
from mlcore.charts.real import RealChartsError


class Command(BaseCommand):
    help = (
        "Rebuild the shipped chart classifier's head (classifier/data/chart_head/) from the "
        "bundled real charts and charts drawn here, and its manifest; bootstrap serves it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--real-charts",
            default=str(shipped_charts.REAL_CHARTS),
            metavar="DIR",
            help="the real charts (labels.csv with file, label and source); default: the bundled",
        )
        parser.add_argument("--out", default=str(shipped_charts.HEAD_DIR), metavar="DIR")

    def handle(self, *args, **options):
        try:
            manifest = shipped_charts.rebuild(
                options["real_charts"], options["out"], say=self.stdout.write
            )
        except RealChartsError as error:
            raise CommandError(str(error)) from None
        metrics = manifest["left_out_sources"]["metrics"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote the head to {options['out']} in {manifest['seconds']:.0f} s. Each source "
                f"left out in turn: {metrics['accuracy']:.3f} right over {metrics['count']} "
                f"charts, calibration error {metrics['ece_before_temperature']:.3f}, "
                f"{metrics['ece']:.3f} at temperature {manifest['temperature']:.2f}; "
                f"not sure below {manifest['unsure_threshold']:.2f}."
            )
        )
