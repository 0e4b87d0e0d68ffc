import json
from pathlib import Path

import numpy as np
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from classifier.models import ImageClassifier
from classifier.reporting import write_metrics
from classifier.serving import ClassifierUnavailable, active_version, model_for
from mlcore import datasets, evaluation, images

BATCH = 32


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
        try:
            version = active_version(classifier)
            model = model_for(version)
            dataset = datasets.scan(options["folder"], val_fraction=0, test_fraction=0)
        except (ClassifierUnavailable, datasets.DatasetError) as error:
            raise CommandError(str(error)) from None
        mapping = self.folder_labels(dataset.labels, version.labels, options["map"])
        samples = [sample for split in dataset.splits.values() for sample in split]
        truth = [version.labels.index(mapping[sample.label]) for sample in samples]
        probabilities = []
        for begin in tqdm(
            range(0, len(samples), BATCH),
            desc="Classifying",
            unit="batch",
            disable=None,
        ):
            batch = samples[begin : begin + BATCH]
            pixels = np.stack(
                [images.load_array(s.path, model.input_size, model.fit) for s in batch]
            )
            probabilities.append(model.predict(pixels)[0])
        metrics = evaluation.evaluate(truth, np.concatenate(probabilities), version.labels)
        write_metrics(self.stdout, f"{version} on {options['folder']}", metrics)
        if options["json"]:
            options["json"].write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
        self.stdout.write(f"accuracy={metrics['accuracy']:.4f}")

    def folder_labels(self, folders, labels, pairs):
        mapping = {folder: folder for folder in folders}
        for pair in pairs:
            folder, sep, label = pair.partition("=")
            if not sep or folder not in folders:
                raise CommandError(
                    f"--map {pair}: expected FOLDER=LABEL, FOLDER one of {', '.join(folders)}."
                )
            mapping[folder] = label
        unknown = sorted(
            {
                f"{folder} -> {label}" if folder != label else folder
                for folder, label in mapping.items()
                if label not in labels
            }
        )
        if unknown:
            raise CommandError(
                f"These folders match no label of the model: {', '.join(unknown)}. "
                f"Known labels: {', '.join(labels)}. Use --map FOLDER=LABEL."
            )
        return mapping
