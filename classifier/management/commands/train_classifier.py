import argparse
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from classifier import datasets as dataset_folders
from classifier.reporting import write_cross_validation, write_metrics
from classifier.training_service import train_version
from mlcore.charts import real
from mlcore.models import backbones
from mlcore.training import crossval, datasets, trainer
from mlcore.training.progress import ProgressBars


def fine_tune(value):
    if value == trainer.AUTO:
        return value
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a number of layers or {trainer.AUTO}, not {value!r}"
        ) from None


class Command(BaseCommand):
    help = (
        "Train an image classifier on a folder with one sub-folder per class (or train/, val/, "
        "test/ holding class folders), record the version and activate it."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the classifier's short name, e.g. superheroes")
        parser.add_argument(
            "--data",
            type=Path,
            help="the image folder (default: the classifier's dataset, data/datasets/SLUG)",
        )
        parser.add_argument("--title", default="", help="the name visitors see")
        parser.add_argument(
            "--real-charts",
            type=Path,
            metavar="DIR",
            help="more training images: a folder with labels.csv (file, label) or one "
            "sub-folder per class",
        )
        parser.add_argument(
            "--backbone", default=backbones.DEFAULT, choices=list(backbones.BACKBONES)
        )
        parser.add_argument(
            "--weights", default="imagenet", help="imagenet (default), none, or a weights FILE"
        )
        parser.add_argument("--epochs", type=int, default=50, help="most epochs (early stopping)")
        parser.add_argument(
            "--fine-tune",
            type=fine_tune,
            default=trainer.DEFAULT_FINE_TUNE,
            metavar="N|auto",
            help="after the head, train the top N layers of the backbone too (default "
            f"{trainer.DEFAULT_FINE_TUNE}; 0: the head only); auto: the top 7, kept only if the "
            "validation loss falls",
        )
        parser.add_argument("--input-size", type=int, help="pixels (default: the backbone's)")
        parser.add_argument("--no-augment", action="store_true")
        parser.add_argument(
            "--augment-copies",
            type=int,
            default=3,
            metavar="N",
            help="augmented copies of each training image for a frozen backbone's head",
        )
        parser.add_argument("--fit", choices=["letterbox", "crop", "stretch"], default="letterbox")
        parser.add_argument("--val-fraction", type=float, default=datasets.VAL_FRACTION)
        parser.add_argument("--test-fraction", type=float, default=datasets.TEST_FRACTION)
        parser.add_argument(
            "--cv",
            type=int,
            default=0,
            metavar="K",
            help="first cross-validate the recipe over K stratified folds (error bars), then "
            "train the version as without it",
        )
        parser.add_argument(
            "--int8-check",
            type=Path,
            action="append",
            default=[],
            metavar="DIR",
            help="a labelled folder (e.g. charts of engines left out of training) the int8 "
            "export must be as accurate on as the float one, besides the test split, to be "
            "served; repeatable",
        )
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--no-activate", action="store_true", help="keep the current version")

    def handle(self, *args, **options):
        fractions = options["val_fraction"], options["test_fraction"]
        if not all(0 < f < 1 for f in fractions) or sum(fractions) >= 1:
            raise CommandError(
                "--val-fraction and --test-fraction must be above 0 and sum below 1."
            )
        weights = None if options["weights"] == "none" else options["weights"]
        data = Path(options["data"] or dataset_folders.folder_of(options["slug"]))
        if not data.is_dir():
            raise CommandError(f"{data} is not a folder: give --data, or add images in the studio.")
        bars = ProgressBars()
        try:
            version = train_version(
                options["slug"],
                data,
                title=options["title"],
                activate=not options["no_activate"],
                scan={
                    "seed": options["seed"],
                    "val_fraction": fractions[0],
                    "test_fraction": fractions[1],
                },
                cv=options["cv"],
                real_charts=options["real_charts"],
                progress=bars,
                int8_checks=options["int8_check"],
                backbone=options["backbone"],
                weights=weights,
                epochs=options["epochs"],
                fine_tune=options["fine_tune"],
                augment=not options["no_augment"],
                augment_copies=options["augment_copies"],
                fit=options["fit"],
                input_size=options["input_size"],
                seed=options["seed"],
            )
        except (
            datasets.DatasetError,
            backbones.BackboneError,
            trainer.TrainingError,
            crossval.CrossValidationError,
            real.RealChartsError,
        ) as error:
            raise CommandError(str(error)) from None
        finally:
            bars.close()
        summary = version.dataset_summary
        for warning in summary.get("warnings", []):
            self.stdout.write(self.style.WARNING(f"Warning: {warning}"))
        if version.cross_validation:
            write_cross_validation(self.stdout, version.cross_validation)
        write_metrics(self.stdout, "Test split", version.metrics)
        state = "active" if version.active else "not activated"
        self.stdout.write(
            self.style.SUCCESS(
                f"Saved {version} ({state}) in {version.path}, {version.training_seconds:.0f} s"
            )
        )
        if version.cross_validation:
            self.stdout.write(f"cv_accuracy={version.cv_accuracy['mean']:.4f}")
        self.stdout.write(f"test_accuracy={version.metrics['accuracy']:.4f}")
