"""Trained classifiers on disk: one directory per model version, written atomically.

A directory holds model.keras (raw 0..255 RGB -> probabilities and the last feature map),
model.tflite (the same for serving without TensorFlow, float32 or int8, see mlcore.models.export and
mlcore.models.runtime) and the other export beside it, export.json (how closely and how fast the
exports match model.keras and each other, and which one is served), head.npz (the softmax layer's
kernel and bias, for class activation maps), labels.json, preprocessing.json, metrics.json,
history.json, curves.png, confusion.png and manifest.json (the sha256 of each file serving
reads, every image of every split with its sha256 and label, the dataset report and the
settings). The file names are in
mlcore.storage.model_files.
"""

import json
import os
from functools import partial
from pathlib import Path

import numpy as np

from mlcore.models import export, runtime
from mlcore.storage import bundles, model_dirs
from mlcore.storage.model_files import (
    CONFUSION,
    CURVES,
    HEAD,
    HISTORY,
    KERAS_MODEL,
    LABELS,
    MANIFEST,
    METRICS,
    PREPROCESSING,
    SERVED,
    UNSERVED_TFLITE,
)
from mlcore.training import plots
from mlcore.training.datasets import Dataset
from mlcore.training.trainer import TrainingResult
from mlcore.vision import images

CALIBRATION_IMAGES = 300  # training images the int8 export's activation ranges come from


def save(
    result: TrainingResult, directory: str | os.PathLike, checks: dict[str, Dataset] | None = None
) -> Path:
    """Write the classifier to a new directory; it appears complete or not at all."""
    return model_dirs.save(directory, partial(write, result, checks=checks))


def write(result: TrainingResult, folder: Path, checks: dict[str, Dataset] | None = None) -> None:
    """Write every file of the classifier into an empty folder (see mlcore.storage.model_dirs).

    checks: labelled datasets the int8 export must be as accurate on as the float one, besides
    the test split (for the chart classifier, charts of engines it never saw); each one's
    images of the classifier's classes count, from every split.
    """
    result.model.save(folder / KERAS_MODEL)
    sets = check_sets(result, checks)
    # A version without test predictions (the shipped chart head, measured on left-out sources)
    # trained on its test split: the int8 export is judged on the check datasets alone.
    judged = None if len(result.test_probabilities) or not checks else tuple(checks)
    export.write(result.model, folder, calibration_pixels(result), sets, judged)
    np.savez(folder / HEAD, kernel=result.head_kernel, bias=result.head_bias)
    write_json(folder / LABELS, result.labels)
    write_json(folder / PREPROCESSING, preprocessing(result))
    write_json(folder / METRICS, result.metrics)
    write_json(folder / HISTORY, result.history)
    write_json(
        folder / MANIFEST,
        {
            "served": {
                name: images.sha256((folder / name).read_bytes())
                for name in (*SERVED, *UNSERVED_TFLITE.values())
                if (folder / name).exists()
            },
            "root": str(result.dataset.root),
            "files": result.dataset.manifest(),
            "dataset": result.dataset.summary(),
            "training": result.settings,
            "seconds": round(result.seconds, 3),
            "libraries": bundles.library_versions(),
        },
    )
    runtime.load(folder)  # as the site will load it
    (folder / CURVES).write_bytes(plots.curves_png(result.history))
    (folder / CONFUSION).write_bytes(
        plots.confusion_png(result.metrics["confusion"], result.labels)
    )


def preprocessing(result: TrainingResult) -> dict:
    return {
        "backbone": result.backbone,
        "input_size": result.input_size,
        "fit": result.fit,
        "pixels": "RGB 0..255",
    }


def calibration_pixels(result: TrainingResult) -> np.ndarray:
    """CALIBRATION_IMAGES training images spread over the split (it is grouped by class)."""
    samples = result.dataset.splits["train"]
    step = max(1, len(samples) // CALIBRATION_IMAGES)
    return load_pixels(result, samples[::step][:CALIBRATION_IMAGES])


def check_sets(result: TrainingResult, checks: dict[str, Dataset] | None) -> dict:
    """The test split and each check dataset's images of known classes, as export.Labelled."""
    sets = {"test": result.dataset.splits["test"]}
    for name, dataset in (checks or {}).items():
        samples = [sample for split in dataset.splits.values() for sample in split]
        sets[name] = [sample for sample in samples if sample.label in result.labels]
    return {
        name: export.Labelled(
            load_pixels(result, samples),
            np.array([result.labels.index(sample.label) for sample in samples]),
        )
        for name, samples in sets.items()
        if samples
    }


def load_pixels(result: TrainingResult, samples) -> np.ndarray:
    return np.stack(
        [images.load_array(sample.path, result.input_size, result.fit) for sample in samples]
    )


def write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
