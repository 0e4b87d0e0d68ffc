"""Export a trained classifier for serving without TensorFlow: a float32 TFLite model for LiteRT.

Dynamic-range int8 (tf.lite.Optimize.DEFAULT) was measured slower than float32 on the
target CPU, so the export is float32. Every export is compared with the Keras model on the
given images, through mlcore.runtime as the site will run it.
"""

import contextlib
import io
import json
import statistics
import time
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from mlcore import runtime
from mlcore.model_files import EXPORT

FORMAT = "tflite-float32"
TOLERANCE = 1e-4  # the largest difference allowed between a Keras and a TFLite probability


class ExportError(Exception):
    """The exported model does not compute what the Keras model does."""


def convert(model: keras.Model) -> bytes:
    """The TFLite flatbuffer of a model with its outputs: probabilities and the feature map."""
    # The converter prints the signatures of the SavedModel it goes through, hundreds of lines.
    with contextlib.redirect_stdout(io.StringIO()):
        return tf.lite.TFLiteConverter.from_keras_model(model).convert()


def check(model: keras.Model, pixels: np.ndarray, folder: Path) -> dict:
    """Compare the model with its export in folder, loaded as the site loads it, and write
    export.json; pixels (n, size, size, 3) in 0..255 are the images to compare on."""
    report = compare(model, runtime.load(folder), pixels)
    if report["max_abs_diff"] > TOLERANCE:
        raise ExportError(
            f"The TFLite export differs from the Keras model by up to {report['max_abs_diff']:.2g} "
            f"in a probability (allowed: {TOLERANCE:g}) on {report['images']} test images."
        )
    (folder / EXPORT).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return report


def compare(model: keras.Model, predictor: runtime.Predictor, pixels: np.ndarray) -> dict:
    """Run each image alone through both models: the largest differences and median times."""
    pixels = pixels.astype(np.float32)
    run_keras = tf.function(lambda batch: model(batch, training=False))
    run_keras(pixels[:1])  # traces
    probability_diffs, feature_map_diffs, keras_times, tflite_times = [], [], [], []
    for image in pixels[:, None]:
        start = time.perf_counter()
        expected = [output.numpy() for output in run_keras(image)]
        middle = time.perf_counter()
        probabilities, feature_maps = predictor.predict(image)
        keras_times.append(middle - start)
        tflite_times.append(time.perf_counter() - middle)
        probability_diffs.append(np.abs(probabilities - expected[0]).max())
        feature_map_diffs.append(np.abs(feature_maps - expected[1]).max())
    return {
        "format": FORMAT,
        "images": len(pixels),
        "max_abs_diff": float(max(probability_diffs)),
        "max_abs_diff_feature_map": float(max(feature_map_diffs)),
        "keras_ms": round(statistics.median(keras_times) * 1000, 2),
        "tflite_ms": round(statistics.median(tflite_times) * 1000, 2),
    }
