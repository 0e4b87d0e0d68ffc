"""Evaluate a classifier's active version on any folder of labelled images.

Runs the served model (mlcore.models.runtime), so the figures are those visitors get.
"""

import numpy as np

from mlcore.training import datasets, evaluation
from mlcore.training.progress import ignore
from mlcore.vision import images

from .serving import ClassifierUnavailable, active_version, model_for

BATCH = 32


class EvaluationError(Exception):
    """The folder cannot be evaluated with this classifier; the message says why."""


def folder_labels(folders, labels, pairs=()):
    """{folder: label}: each folder is the label of its name, unless a "FOLDER=LABEL" pair
    maps it to another; every folder must end at one of the model's labels."""
    mapping = {folder: folder for folder in folders}
    for pair in pairs:
        folder, sep, label = pair.partition("=")
        if not sep or folder not in folders:
            raise EvaluationError(
                f"{pair}: expected FOLDER=LABEL, FOLDER one of {', '.join(folders)}."
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
        raise EvaluationError(
            f"These folders match no label of the model: {', '.join(unknown)}. "
            f"Known labels: {', '.join(labels)}. Map them with FOLDER=LABEL."
        )
    return mapping


def evaluate_folder(classifier, folder, pairs=(), progress=ignore):
    """(version, metrics): mlcore.training.evaluation's metrics of the active version on the
    images of folder's class sub-folders (pairs: see folder_labels). progress gets ("classify",
    done, total) events."""
    try:
        version = active_version(classifier)
        model = model_for(version)
        dataset = datasets.scan(folder, val_fraction=0, test_fraction=0)
    except (ClassifierUnavailable, datasets.DatasetError) as error:
        raise EvaluationError(str(error)) from None
    mapping = folder_labels(dataset.labels, version.labels, pairs)
    samples = [sample for split in dataset.splits.values() for sample in split]
    truth = [version.labels.index(mapping[sample.label]) for sample in samples]
    probabilities = []
    for begin in range(0, len(samples), BATCH):
        batch = samples[begin : begin + BATCH]
        pixels = np.stack([images.load_array(s.path, model.input_size, model.fit) for s in batch])
        probabilities.append(model.predict(pixels)[0])
        progress("classify", begin + len(batch), len(samples))
    return version, evaluation.evaluate(truth, np.concatenate(probabilities), version.labels)
