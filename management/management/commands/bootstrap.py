import json
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from classifier import datasets, examples, shipped_charts
from classifier.models import ImageClassifier, ModelVersion
from heroes.models import Hero
from heroes.services import load_bundled
from mlcore.charts import CHART_CLASSES
from mlcore.storage.model_files import EXPORT, FLOAT32, INT8
from namegen.models import NameModelVersion
from quotes.models import Quote
from quotes.pool import refill
from quotes.providers import Bundled

CHARTS = "charts"
# Charts of an engine no training ever uses, drawn to check the int8 export on (a few seconds).
# 520 of them: one chart is 0.19 points, so the 0.5 points the export may lose are two charts.
HOLDOUT_ENGINE = "pillow"
HOLDOUT_PER_CLASS = 40
CHARTS_DESCRIPTION = (
    "What is the name of that plot? Trained on real charts from news sites, papers and "
    "charting galleries, and on charts this site draws itself with nine charting tools, and "
    "measured on real charts from publishers and tools it never saw."
)


class Command(BaseCommand):
    help = (
        "Make the site usable from nothing: database, cache table, quote pool, the chart "
        "classifier (built from its shipped head and the bundled real charts), the name "
        "generator and the bundled heroes. Idempotent: what is already there is left alone "
        "unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="retrain the models")
        parser.add_argument(
            "--int8-check",
            action="append",
            default=[],
            metavar="DIR",
            help="a labelled folder of charts (e.g. ../shared/data/charts_real) the chart "
            "classifier's int8 export must also be as accurate on to be served; charts the "
            "shipped head trained on are left out",
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        self.stdout.write("Database and cache table ready.")
        did = [
            self.quotes(),
            self.chart_classifier(options["force"], options["int8_check"]),
            self.chart_examples(),
            self.name_generator(options["force"]),
            self.heroes(),
        ]
        elapsed = time.monotonic() - started
        if any(did):
            self.stdout.write(self.style.SUCCESS(f"Bootstrap done in {elapsed:.0f} s."))
        else:
            self.stdout.write(self.style.SUCCESS("Nothing to do: the site is already set up."))

    def chart_examples(self):
        charts = ImageClassifier.objects.filter(slug=CHARTS, versions__active=True).first()
        if charts is None or charts.examples.exists():
            return False
        picked = examples.pick(charts)
        self.stdout.write(f"Chart classifier: {len(picked)} example images for the home page.")
        return True

    def quotes(self):
        if Quote.objects.exists():
            self.stdout.write(f"Quote pool: {Quote.objects.count()} quotes already.")
            return False
        refill([Bundled()])
        self.stdout.write(f"Quote pool: loaded {Quote.objects.count()} bundled quotes.")
        return True

    def heroes(self):
        if Hero.objects.exists():
            self.stdout.write(f"Heroes by power: {Hero.objects.count()} heroes already.")
            return False
        report = load_bundled()
        clustering = report.clustering
        self.stdout.write(
            f"Heroes by power: loaded the bundled {clustering.hero_count} heroes in "
            f"{clustering.k} clusters (k-means, stability {clustering.criterion_value:.2f})."
        )
        return True

    def name_generator(self, force):
        if not force and NameModelVersion.objects.filter(active=True).exists():
            self.stdout.write("Name generator: already trained.")
            return False
        self.stdout.write("Name generator: training on the bundled Pokémon names...")
        call_command("train_namegen", stdout=self.stdout)
        return True

    def chart_classifier(self, force, int8_checks=()):
        if not force and ModelVersion.objects.filter(classifier__slug=CHARTS, active=True).exists():
            self.stdout.write("Chart classifier: already trained.")
            return False
        charts = datasets.folder_of(CHARTS)
        if all(any((charts / label).glob("*")) for label in CHART_CLASSES):
            self.stdout.write(f"Chart classifier: using the charts in {charts}.")
        else:
            call_command(
                "make_chart_dataset",
                str(charts),
                per_class=0,
                real_charts=str(shipped_charts.REAL_CHARTS),
                stdout=self.stdout,
            )
        self.stdout.write("Chart classifier: building the served model from the shipped head...")
        holdout = self.holdout_charts()
        version, manifest = shipped_charts.install(
            CHARTS, "Chart types", charts, int8_checks=[holdout, *int8_checks]
        )
        classifier = version.classifier  # saved, not updated: web workers notice (stamps)
        classifier.description = CHARTS_DESCRIPTION
        classifier.unsure_threshold = manifest["unsure_threshold"]
        classifier.save(update_fields=["description", "unsure_threshold"])
        self.stdout.write(f"Chart classifier: serving {export_summary(version.path)}.")
        metrics = version.metrics
        self.stdout.write(
            f"Chart classifier: {version} ready; on real charts of sources left out of its "
            f"training {metrics['accuracy']:.3f} right over {metrics['count']} charts."
        )
        return True

    def holdout_charts(self):
        """Charts of the holdout engine, drawn once into data/holdout_charts/<engine>/."""
        folder = Path(settings.DATA_DIR) / "holdout_charts" / HOLDOUT_ENGINE
        if len(list(folder.glob("*/*"))) < HOLDOUT_PER_CLASS * len(CHART_CLASSES):
            call_command(
                "make_chart_dataset",
                str(folder),
                per_class=HOLDOUT_PER_CLASS,
                engines=HOLDOUT_ENGINE,
                verbosity=0,
                stdout=self.stdout,
            )
        return folder


def export_summary(directory):
    """Which export is served and why, from export.json, in a few words."""
    report = json.loads((Path(directory) / EXPORT).read_text(encoding="utf-8"))
    int8 = report.get("int8", {})
    if "speedup" not in int8:
        return f"{report['format']} (no int8 export: {int8.get('error', 'none')})"
    judged = int8.get("judged_on", list(int8["accuracy"]))
    lost = max(
        (int8["accuracy"][name][FLOAT32] - int8["accuracy"][name][INT8] for name in judged),
        default=float("nan"),
    )
    return (
        f"{report['format']} (int8 {int8['speedup']:.2f}x as fast, at most "
        f"{lost * 100:.2f} points lost on {', '.join(judged)}; int8 conversion and check "
        f"{int8['convert_s'] + int8['measure_s']:.0f} s)"
    )
