"""Export a trained classifier for serving without TensorFlow: TFLite models for LiteRT.

Two exports are made: float32, compared with the Keras model, and full integer (int8 weights and
activations, calibrated on training images; uint8 pixels in and float outputs, so the feature
map comes out dequantized). The integer one is served when it is faster and its accuracy on
every labelled set measured (the test split, and any others given) is within MAX_ACCURACY_DROP
of the float one's; export.json records both models' speed, how often they agree, their
accuracies and the choice. (Dynamic-range int8, weights only, was measured slower than float32
on the target CPU.)

A model that concatenates features of several depths (mlcore.models.tapped) keeps its head
(the pooling of each depth, the concatenation, the dense layer and the softmax) in float:
XNNPACK cannot prepare an integer concatenation of tensors quantized to different scales, a
head on raw, unstandardised features loses too much in integer (the chart classifier's top
class agreed on 70% of the charts), and averaging in integer costs the chart classifier 1.5
points on real charts (README). The feature maps come out of the integer backbone dequantized.
"""

import contextlib
import io
import json
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from mlcore.models import runtime
from mlcore.storage.model_files import EXPORT, FLOAT32, INT8, TFLITE_MODEL, UNSERVED_TFLITE

TOLERANCE = 1e-4  # the largest difference allowed between a Keras and a TFLite probability
KERAS_CHECKED = 200  # test images the float export is compared with Keras on
MAX_ACCURACY_DROP = 0.005  # how much accuracy the int8 model may lose on any set, 0.5 points
# The ops an integer model with a concatenated head keeps in float (see above).
FLOAT_HEAD_OPS = ("MEAN", "CONCATENATION", "FULLY_CONNECTED", "SOFTMAX")


class ExportError(Exception):
    """The exported model does not compute what the Keras model does."""


@dataclass
class Labelled:
    """Images to measure an export on: pixels (n, size, size, 3) in 0..255, class indices (n,)."""

    pixels: np.ndarray
    labels: np.ndarray


def convert(
    model: keras.Model, calibration: np.ndarray | None = None, float_ops: tuple[str, ...] = ()
) -> bytes:
    """The TFLite flatbuffer of a model with its outputs: probabilities and the feature map.

    With calibration pixels (n, size, size, 3), weights and activations are int8 (ops without
    an integer kernel stay float, and so do the TFLite ops named in float_ops), the input is
    uint8 pixels (the graph's own conversion from float32 cost 10% of the forward pass) and the
    outputs stay float32.
    """
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    if calibration is not None:
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = lambda: ([image[None]] for image in calibration)
        converter.inference_input_type = tf.uint8
        # Calibrated only, then quantized with the ops to keep in float (what TensorFlow's
        # QuantizationDebugger does for "selective quantization").
        converter._experimental_calibrate_only = bool(float_ops)
    # The converter prints the signatures of the SavedModel it goes through, hundreds of lines.
    with contextlib.redirect_stdout(io.StringIO()):
        converted = converter.convert()
    if calibration is None or not float_ops:
        return converted
    from tensorflow.lite.python import convert as lite_convert

    return lite_convert.mlir_quantize(
        converted,
        input_data_type=tf.uint8,
        output_data_type=tf.float32,
        denylisted_ops=list(float_ops),
    )


def concatenates(model: keras.Model) -> bool:
    """Whether the model joins features of several layers (a head on several depths)."""
    return any(isinstance(layer, keras.layers.Concatenate) for layer in model.layers)


def write(
    model: keras.Model,
    folder: Path,
    calibration: np.ndarray,
    sets: dict[str, Labelled],
    judged: tuple[str, ...] | None = None,
) -> dict:
    """Write model.tflite (the export to serve), the other export and export.json into folder.

    sets: labelled images to measure on, "test" (the version's test split) first; the float
    export is compared with Keras on its first KERAS_CHECKED images. judged: the sets whose
    accuracy decides which export is served (default: all); the others are only recorded.
    """
    float_model = convert(model)
    report = {"format": FLOAT32, **compare(model, runtime.Session(float_model), sets["test"])}
    if report["max_abs_diff"] > TOLERANCE:
        raise ExportError(
            f"The TFLite export differs from the Keras model by up to {report['max_abs_diff']:.2g} "
            f"in a probability (allowed: {TOLERANCE:g}) on {report['images']} test images."
        )
    models = {FLOAT32: float_model}
    try:
        float_ops = FLOAT_HEAD_OPS if concatenates(model) else ()
        started = time.perf_counter()
        models[INT8] = convert(model, calibration.astype(np.float32), float_ops)
        converted_s = time.perf_counter() - started
        measured = measure(models, sets)
    # The converter raises several kinds (ConverterError, ValueError, RuntimeError), and so does
    # LiteRT for an integer model it cannot prepare (XNNPACK): all mean there is no integer
    # export, and the float one is served.
    except Exception as error:
        models.pop(INT8, None)
        report["int8"] = {"error": f"{type(error).__name__}: {error}"}
    else:
        report["int8"] = {
            "calibration_images": len(calibration),
            "judged_on": [name for name in sets if judged is None or name in judged],
            "float_ops": list(float_ops),
            "convert_s": round(converted_s, 1),
            "measure_s": round(time.perf_counter() - started - converted_s, 1),
            **measured,
        }
        report["format"] = choose(report["int8"])
    for format_, data in models.items():
        name = TFLITE_MODEL if format_ == report["format"] else UNSERVED_TFLITE[format_]
        (folder / name).write_bytes(data)
    (folder / EXPORT).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return report


def choose(int8: dict) -> str:
    """The format to serve: int8 when faster and as accurate, within MAX_ACCURACY_DROP."""
    judged = int8.get("judged_on", list(int8["accuracy"]))
    if not judged:  # nothing to judge the integer model's accuracy on
        return FLOAT32
    as_accurate = all(
        round(accuracy[FLOAT32] - accuracy[INT8], 6) <= MAX_ACCURACY_DROP
        for name, accuracy in int8["accuracy"].items()
        if name in judged
    )
    return INT8 if int8["speedup"] > 1 and as_accurate else FLOAT32


def compare(model: keras.Model, session: runtime.Session, test: Labelled) -> dict:
    """Run each image alone through both models: the largest differences and median times."""
    pixels = test.pixels[:KERAS_CHECKED].astype(np.float32)
    run_keras = tf.function(lambda batch: model(batch, training=False))
    run_keras(pixels[:1])  # traces
    probability_diffs, feature_map_diffs, keras_times, tflite_times = [], [], [], []
    for image in pixels[:, None]:
        start = time.perf_counter()
        expected = [output.numpy() for output in run_keras(image)]
        middle = time.perf_counter()
        probabilities, feature_maps = session.run(image)
        keras_times.append(middle - start)
        tflite_times.append(time.perf_counter() - middle)
        probability_diffs.append(np.abs(probabilities - expected[0]).max())
        feature_map_diffs.append(np.abs(feature_maps - expected[1]).max())
    return {
        "images": len(pixels),
        "max_abs_diff": float(max(probability_diffs)),
        "max_abs_diff_feature_map": float(max(feature_map_diffs)),
        "keras_ms": round(statistics.median(keras_times) * 1000, 2),
        "tflite_ms": round(statistics.median(tflite_times) * 1000, 2),
    }


def measure(models: dict[str, bytes], sets: dict[str, Labelled]) -> dict:
    """Each image alone through each model, in turn (the machine's drift touches both alike):
    median milliseconds, how often the top classes agree, the largest probability difference,
    the lowest correlation of the two feature maps of an image (those of blank images left
    out), and each set's accuracy per model."""
    sessions = {format_: runtime.Session(data) for format_, data in models.items()}
    times = {format_: [] for format_ in models}
    accuracy, agree, diffs, map_correlations = {}, [], [], []
    for name, labelled in sets.items():
        right = dict.fromkeys(models, 0)
        for image, label in zip(labelled.pixels.astype(np.float32), labelled.labels, strict=True):
            outputs = {}
            for format_, session in sessions.items():
                start = time.perf_counter()
                outputs[format_] = session.run(image[None])
                times[format_].append(time.perf_counter() - start)
                right[format_] += int(np.argmax(outputs[format_][0]) == label)
            (p_float, map_float), (p_int8, map_int8) = outputs[FLOAT32], outputs[INT8]
            agree.append(np.argmax(p_float) == np.argmax(p_int8))
            diffs.append(np.abs(p_float - p_int8).max())
            if map_float.std() > 0 and map_int8.std() > 0:
                map_correlations.append(np.corrcoef(map_float.ravel(), map_int8.ravel())[0, 1])
        accuracy[name] = {
            format_: round(count / len(labelled.labels), 4) for format_, count in right.items()
        }
    milliseconds = {format_: statistics.median(times[format_]) * 1000 for format_ in times}
    return {
        "images": len(agree),
        "float32_ms": round(milliseconds[FLOAT32], 3),
        "int8_ms": round(milliseconds[INT8], 3),
        "speedup": round(milliseconds[FLOAT32] / milliseconds[INT8], 2),
        "agreement": round(float(np.mean(agree)), 4),
        "max_abs_diff": float(max(diffs)),
        "feature_map_correlation": (
            round(float(min(map_correlations)), 4) if map_correlations else None
        ),
        "accuracy": accuracy,
    }
