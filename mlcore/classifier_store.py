"""Trained classifiers on disk: one directory per model version, written atomically.

A directory holds model.keras (raw 0..255 RGB -> probabilities and the last feature map),
model.tflite (the same for serving without TensorFlow, see mlcore.export and mlcore.runtime),
export.json (how closely and how fast it matches model.keras), head.npz (the softmax layer's
kernel and bias, for class activation maps), labels.json, preprocessing.json, metrics.json,
history.json, curves.png, confusion.png and manifest.json (every image of every split with
its sha256 and label, the dataset report and the settings). The file names are in
mlcore.model_files.
"""

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from mlcore import export, images, plots
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
)
from mlcore.runtime import ModelLoadError
from mlcore.training import TrainingResult

CHECKED_IMAGES = 200  # test images the export is compared on: enough to catch a bad conversion


def save(result: TrainingResult, directory: str | os.PathLike) -> Path:
    """Write the classifier to a new directory; it appears complete or not at all."""
    directory = Path(directory)
    if directory.exists():
        raise FileExistsError(f"{directory} already exists.")
    directory.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=directory.parent))
    try:
        write(result, temporary)
        temporary.rename(directory)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    return directory


def write(result: TrainingResult, folder: Path) -> None:
    result.model.save(folder / KERAS_MODEL)
    np.savez(folder / HEAD, kernel=result.head_kernel, bias=result.head_bias)
    write_json(folder / LABELS, result.labels)
    write_json(folder / PREPROCESSING, preprocessing(result))
    write_json(folder / METRICS, result.metrics)
    export.export(result.model, check_pixels(result), folder)  # loads the files above
    write_json(folder / HISTORY, result.history)
    write_json(
        folder / MANIFEST,
        {
            "root": str(result.dataset.root),
            "files": result.dataset.manifest(),
            "dataset": result.dataset.summary(),
            "training": result.settings,
            "seconds": round(result.seconds, 3),
        },
    )
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


@dataclass(frozen=True)
class Classifier:
    """A loaded classifier; predict may be called from several threads at once."""

    directory: Path
    labels: list[str]
    backbone: str
    input_size: int
    fit: str
    head_kernel: np.ndarray  # (channels, classes)
    head_bias: np.ndarray  # (classes,)
    metrics: dict
    model: keras.Model
    function: Callable  # a tf.function of the model for batches of this input size

    def predict(self, pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(n, size, size, 3) pixels in 0..255 -> probabilities (n, classes), feature maps."""
        shape = (self.input_size, self.input_size, 3)
        if pixels.ndim != 4 or pixels.shape[1:] != shape:
            raise ValueError(f"Expected a batch of {shape} images, got {pixels.shape}.")
        probabilities, feature_maps = self.function(tf.constant(pixels, dtype=tf.float32))
        return probabilities.numpy(), feature_maps.numpy()


def load(directory: str | os.PathLike) -> Classifier:
    """Load and warm up a saved classifier, or raise ModelLoadError saying what is wrong."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ModelLoadError(f"{directory} is not a directory.")
    try:
        labels = json.loads((directory / LABELS).read_text(encoding="utf-8"))
        settings = json.loads((directory / PREPROCESSING).read_text(encoding="utf-8"))
        metrics = json.loads((directory / METRICS).read_text(encoding="utf-8"))
        with np.load(directory / HEAD) as head:
            kernel, bias = head["kernel"], head["bias"]
        size = int(settings["input_size"])
        fit, backbone = settings["fit"], settings["backbone"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelLoadError(f"{directory} is missing a file or has a damaged one: {exc}") from exc
    try:
        model = keras.models.load_model(directory / KERAS_MODEL, compile=False)
    # Keras raises many exception types for a damaged archive; all mean the same here.
    except Exception as exc:
        raise ModelLoadError(f"{directory / KERAS_MODEL} cannot be loaded: {exc}") from exc

    classes = len(labels)
    if not (
        all(isinstance(label, str) for label in labels)
        and kernel.ndim == 2
        and kernel.shape[1] == bias.shape[0] == classes
        and len(model.outputs) == 2
        and tuple(model.input.shape[1:]) == (size, size, 3)
        and model.outputs[0].shape[-1] == classes
    ):
        raise ModelLoadError(f"{directory}: the model, head.npz and labels.json do not match.")

    function = tf.function(
        lambda pixels: model(pixels, training=False),
        input_signature=[tf.TensorSpec((None, size, size, 3), tf.float32)],
    )
    classifier = Classifier(
        directory=directory,
        labels=labels,
        backbone=backbone,
        input_size=size,
        fit=fit,
        head_kernel=kernel,
        head_bias=bias,
        metrics=metrics,
        model=model,
        function=function,
    )
    classifier.predict(np.zeros((1, size, size, 3), dtype=np.float32))
    return classifier
