"""Trained classifiers on disk: one directory per model version, written atomically.

A directory holds model.keras (raw 0..255 RGB -> probabilities and the last feature map),
model.tflite (the same for serving without TensorFlow, see mlcore.export and mlcore.runtime),
export.json (how closely and how fast it matches model.keras), head.npz (the softmax layer's
kernel and bias, for class activation maps), labels.json, preprocessing.json, metrics.json,
history.json, curves.png, confusion.png and manifest.json (the sha256 of each file serving
reads, every image of every split with its sha256 and label, the dataset report and the
settings). The file names are in
mlcore.model_files.
"""

import json
import os
from functools import partial
from pathlib import Path

import numpy as np

from mlcore import bundles, export, images, model_dirs, plots
from mlcore.model_files import (
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
    TFLITE_MODEL,
)
from mlcore.training import TrainingResult

CHECKED_IMAGES = 200  # test images the export is compared on: enough to catch a bad conversion


def save(result: TrainingResult, directory: str | os.PathLike) -> Path:
    """Write the classifier to a new directory; it appears complete or not at all."""
    return model_dirs.save(directory, partial(write, result))


def write(result: TrainingResult, folder: Path) -> None:
    """Write every file of the classifier into an empty folder (see mlcore.model_dirs)."""
    result.model.save(folder / KERAS_MODEL)
    (folder / TFLITE_MODEL).write_bytes(export.convert(result.model))
    np.savez(folder / HEAD, kernel=result.head_kernel, bias=result.head_bias)
    write_json(folder / LABELS, result.labels)
    write_json(folder / PREPROCESSING, preprocessing(result))
    write_json(folder / METRICS, result.metrics)
    write_json(folder / HISTORY, result.history)
    write_json(
        folder / MANIFEST,
        {
            "served": {name: images.sha256((folder / name).read_bytes()) for name in SERVED},
            "root": str(result.dataset.root),
            "files": result.dataset.manifest(),
            "dataset": result.dataset.summary(),
            "training": result.settings,
            "seconds": round(result.seconds, 3),
            "libraries": bundles.library_versions(),
        },
    )
    export.check(result.model, check_pixels(result), folder)  # loads the files above
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


def check_pixels(result: TrainingResult) -> np.ndarray:
    samples = result.dataset.splits["test"][:CHECKED_IMAGES]
    return np.stack(
        [images.load_array(sample.path, result.input_size, result.fit) for sample in samples]
    )


def write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
