"""Run a saved classifier from its TFLite export with LiteRT, without TensorFlow: model.tflite,
the export served (float32 or int8, as mlcore.models.export chose), or by name the other one.

numpy, json and ai_edge_litert only: the web workers import this module, and nothing it imports
may load TensorFlow or Keras (so neither mlcore.training.classifier_store nor
mlcore.training.trainer).
"""

import hashlib
import io
import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from ai_edge_litert.interpreter import Interpreter

from mlcore.storage.model_dirs import ModelLoadError
from mlcore.storage.model_files import (
    EXPORT,
    HEAD,
    LABELS,
    MANIFEST,
    METRICS,
    PREPROCESSING,
    SERVED,
    TFLITE_MODEL,
    UNSERVED_TFLITE,
)

# With several requests at once (gunicorn threads), one thread per interpreter was faster on
# 2 cores than 2 threads, and an interpreter per thread faster than one shared behind a lock.
# LITERT_THREADS overrides it (bench.classify --configs compares them).
INTERPRETER_THREADS = int(os.environ.get("LITERT_THREADS", "1"))


class Session:
    """One LiteRT interpreter, for one thread."""

    def __init__(self, model: bytes):
        self.interpreter = Interpreter(model_content=model, num_threads=INTERPRETER_THREADS)
        self.interpreter.allocate_tensors()
        self.input = self.interpreter.get_input_details()[0]
        self.batch = self.input["shape"][0]
        # The converter does not keep the Keras outputs' order; their ranks tell them apart.
        outputs = {len(output["shape"]): output for output in self.interpreter.get_output_details()}
        self.probabilities, self.feature_map = outputs.get(2), outputs.get(4)

    def run(self, images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(n, size, size, 3) -> probabilities (n, classes), feature maps (n, h, w, channels);
        images in 0..255, whole numbers for an int8 model, whose input is uint8."""
        if images.shape[0] != self.batch:
            self.interpreter.resize_tensor_input(self.input["index"], images.shape)
            self.interpreter.allocate_tensors()
            self.batch = images.shape[0]
        self.interpreter.set_tensor(
            self.input["index"], images.astype(self.input["dtype"], copy=False)
        )
        self.interpreter.invoke()
        # An int8 model's softmax comes in steps of 1/256: scaled back to a sum of one.
        probabilities = self.interpreter.get_tensor(self.probabilities["index"])
        return (
            probabilities / probabilities.sum(axis=1, keepdims=True),
            self.interpreter.get_tensor(self.feature_map["index"]),
        )


@dataclass(frozen=True, eq=False)
class Predictor:
    """A loaded classifier; predict may be called from several threads at once.

    An interpreter must not be used by two threads at once, so each thread gets its own,
    built on its first prediction from the model bytes read at load.
    """

    directory: Path
    model: bytes  # the TFLite flatbuffer
    labels: list[str]
    backbone: str
    input_size: int
    fit: str
    head_kernel: np.ndarray  # (channels, classes)
    head_bias: np.ndarray  # (classes,)
    metrics: dict
    local: threading.local = field(default_factory=threading.local, init=False, repr=False)

    def session(self) -> Session:
        if not hasattr(self.local, "session"):
            self.local.session = Session(self.model)
        return self.local.session

    def predict(self, pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(n, size, size, 3) pixels in 0..255 -> probabilities (n, classes), feature maps."""
        shape = (self.input_size, self.input_size, 3)
        if pixels.ndim != 4 or pixels.shape[1:] != shape:
            raise ValueError(f"Expected a batch of {shape} images, got {pixels.shape}.")
        return self.session().run(pixels.astype(np.float32, copy=False))


def verify(directory: Path, served: dict[str, bytes]) -> None:
    """Compare the files serving reads with the sha256 that manifest.json recorded at saving.

    Damage that keeps a file's size and time is caught here; a model saved before the hashes
    were recorded has none to compare with.
    """
    recorded = json.loads((directory / MANIFEST).read_text(encoding="utf-8")).get("served", {})
    for name, data in served.items():
        if name in recorded and hashlib.sha256(data).hexdigest() != recorded[name]:
            raise ModelLoadError(
                f"{directory / name} is damaged: it is not the file that was saved "
                f"(its sha256 differs from the one in {MANIFEST})."
            )


def export_file(directory: Path, format_: str | None) -> str:
    """The name of the export of that format in directory; None: the one served."""
    if format_ is None:
        return TFLITE_MODEL
    report = json.loads((directory / EXPORT).read_text(encoding="utf-8"))
    return TFLITE_MODEL if report.get("format") == format_ else UNSERVED_TFLITE[format_]


def load(directory: str | os.PathLike, format_: str | None = None) -> Predictor:
    """Load and warm up a saved classifier, or raise ModelLoadError saying what is wrong.

    format_: the export to run, float32 or int8 (mlcore.storage.model_files), if not the one served.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise ModelLoadError(f"{directory} is not a directory.")
    if not (directory / TFLITE_MODEL).exists():
        raise ModelLoadError(
            f"{directory} has no {TFLITE_MODEL}: it was saved before models were exported for "
            "serving without TensorFlow. Train it again."
        )
    try:
        model_file = export_file(directory, format_)
        names = [model_file if name == TFLITE_MODEL else name for name in SERVED]
        served = {name: (directory / name).read_bytes() for name in names}
        verify(directory, served)
        model = served[model_file]
        labels = json.loads(served[LABELS])
        settings = json.loads(served[PREPROCESSING])
        metrics = json.loads(served[METRICS])
        with np.load(io.BytesIO(served[HEAD])) as head:
            kernel, bias = head["kernel"], head["bias"]
        size = int(settings["input_size"])
        fit, backbone = settings["fit"], settings["backbone"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelLoadError(f"{directory} is missing a file or has a damaged one: {exc}") from exc

    predictor = Predictor(
        directory=directory,
        model=model,
        labels=labels,
        backbone=backbone,
        input_size=size,
        fit=fit,
        head_kernel=kernel,
        head_bias=bias,
        metrics=metrics,
    )
    try:
        session = predictor.session()
    # LiteRT raises ValueError or RuntimeError for a damaged model; both mean the same here.
    except (ValueError, RuntimeError) as exc:
        raise ModelLoadError(f"{directory / model_file} cannot be loaded: {exc}") from exc
    classes = len(labels)
    if not (
        all(isinstance(label, str) for label in labels)
        and kernel.ndim == 2
        and kernel.shape[1] == bias.shape[0] == classes
        and tuple(session.input["shape"]) == (1, size, size, 3)
        and session.probabilities is not None
        and session.feature_map is not None
        and session.probabilities["shape"][-1] == classes
        and session.feature_map["shape"][-1] == kernel.shape[0]
    ):
        raise ModelLoadError(f"{directory}: the model, head.npz and labels.json do not match.")
    probabilities, _ = predictor.predict(np.full((1, size, size, 3), 128, dtype=np.float32))
    if not np.all(np.isfinite(probabilities)):
        raise ModelLoadError(f"{directory / model_file} gives non-finite outputs (damaged).")
    return predictor
