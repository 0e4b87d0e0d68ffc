"""The names of the files in a saved classifier's directory (see mlcore.training.classifier_store).

No imports: the web workers name these files without loading TensorFlow.
"""

KERAS_MODEL = "model.keras"
TFLITE_MODEL = "model.tflite"  # the export served, in one of two formats (see mlcore.models.export)
FLOAT32, INT8 = "tflite-float32", "tflite-int8"
# The other export, kept beside it, by format (export.json's "format" names the served one).
UNSERVED_TFLITE = {FLOAT32: "model.float32.tflite", INT8: "model.int8.tflite"}
EXPORT = "export.json"
HEAD = "head.npz"
LABELS = "labels.json"
PREPROCESSING = "preprocessing.json"
METRICS = "metrics.json"
HISTORY = "history.json"
MANIFEST = "manifest.json"
CURVES = "curves.png"
CONFUSION = "confusion.png"

# What serving reads (mlcore.models.runtime.load): a change to any of them means loading again.
SERVED = (TFLITE_MODEL, HEAD, LABELS, PREPROCESSING, METRICS)
