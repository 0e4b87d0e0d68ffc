import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from classifier import real_world
from classifier.evaluation_service import EvaluationError, evaluate_folder
from classifier.models import ImageClassifier
from classifier.reporting import write_metrics, write_real_world
from mlcore.storage.model_dirs import ModelLoadError
from mlcore.training.progress import ProgressBars


class Command(BaseCommand):
    help = (
        "Evaluate a classifier's active version on any folder with one sub-folder per class, or "
        "on the uploads staff labelled (--labelled-uploads)."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("folder", type=Path, nargs="?")
        parser.add_argument(
            "--labelled-uploads",
            action="store_true",
            help="instead of a folder: the labelled uploads the version did not train on",
        )
        parser.add_argument(
            "--model-version",
            type=int,
            metavar="N",
            help="with --labelled-uploads: this version (default: the active one)",
        )
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
        if options["labelled_uploads"]:
            return self.labelled_uploads(classifier, options["model_version"])
        if options["folder"] is None:
            raise CommandError("Give a FOLDER, or --labelled-uploads.")
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

    def labelled_uploads(self, classifier, number):
        versions = classifier.versions.select_related("classifier")
        version = versions.filter(number=number) if number else versions.filter(active=True)
        version = version.first()
        if version is None:
            raise CommandError(
                f"{classifier.slug} has no version {number}."
                if number
                else f"{classifier.slug} has no active version: give --version."
            )
        try:
            figures, left_out = real_world.evaluate(version)
        except ModelLoadError as error:
            raise CommandError(str(error)) from None
        if figures is None:
            raise CommandError(
                f"No labelled uploads that {version} did not train on ({left_out} left out): "
                f"label some in the review queue, /studio/{classifier.slug}/review/."
            )
        write_real_world(self.stdout, version, figures, left_out)
        self.stdout.write(f"accuracy={figures['accuracy']:.4f}")
