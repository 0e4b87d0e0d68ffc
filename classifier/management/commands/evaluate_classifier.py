import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from classifier.evaluation_service import EvaluationError, evaluate_folder
from classifier.models import ImageClassifier
from classifier.reporting import write_metrics
from mlcore.progress import ProgressBars


class Command(BaseCommand):
    help = "Evaluate a classifier's active version on any folder with one sub-folder per class."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("folder", type=Path)
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FOLDER=LABEL",
            help="evaluate the images of FOLDER as LABEL (repeatable)",
        )
        parser.add_argument("--json", type=Path, metavar="FILE", help="also write the metrics here")

    def handle(self, *args, **options):
        classifier = ImageClassifier.objects.filter(slug=options["slug"]).first()
        if classifier is None:
            known = ", ".join(ImageClassifier.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"Unknown classifier '{options['slug']}' (known: {known}).")
        bars = ProgressBars()
        try:
            version, metrics = evaluate_folder(
                classifier, options["folder"], options["map"], progress=bars
            )
        except EvaluationError as error:
            raise CommandError(str(error)) from None
        finally:
            bars.close()
        write_metrics(self.stdout, f"{version} on {options['folder']}", metrics)
        if options["json"]:
            options["json"].write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
        self.stdout.write(f"accuracy={metrics['accuracy']:.4f}")
