"""Real-world accuracy: how a version does on the uploads staff labelled.

A classifier's labelled uploads (a true label that is one of the version's classes; "none of
these" is left out) are its real-world test set. For each version, the uploads it trained on
(whose content hash is in its training or validation split,
mlcore.training.comparison.trained_hashes) are left out. Two ways to measure:

- `own_answers`: what the version answered visitors at the time (stored on the predictions):
  free, for the model page and the admin;
- `evaluate` and `compare`: the version (or two) classifying the kept originals again, offline
  (LiteRT, no TensorFlow), for `evaluate_classifier --labelled-uploads` and the studio's
  comparison in the task worker. Both versions see the same uploads.

Each figure is an accuracy with its count and 95% Wilson interval, and the recall per class.
"""

from functools import lru_cache
from pathlib import Path

from django.core.files.storage import default_storage
from django.db.models import Prefetch, prefetch_related_objects

from mlcore.models import runtime
from mlcore.storage.model_dirs import ModelLoadError
from mlcore.training import comparison, evaluation

from .models import NONE_OF_THESE, Prediction


@lru_cache(maxsize=128)
def trained_on(directory):
    """The content hashes a saved version trained on (nothing when its manifest is unreadable:
    a version imported without one)."""
    try:
        return comparison.trained_hashes(directory)
    except (OSError, ValueError, KeyError):
        return frozenset()


def labelled(predictions):
    return predictions.exclude(true_label="").exclude(true_label=NONE_OF_THESE)


def summary(truth, predicted, labels, test_accuracy=None):
    """{count, right, accuracy, low, high, recall: {class: (recall, count)}, below_test}; None
    without any upload. below_test: the whole 95% interval lies under test_accuracy."""
    if not truth:
        return None
    right = sum(t == p for t, p in zip(truth, predicted, strict=True))
    low, high = evaluation.wilson_interval(right, len(truth))
    recall = {}
    for label in labels:
        answers = [p for t, p in zip(truth, predicted, strict=True) if t == label]
        if answers:
            recall[label] = (sum(p == label for p in answers) / len(answers), len(answers))
    return {
        "count": len(truth),
        "right": right,
        "accuracy": right / len(truth),
        "low": low,
        "high": high,
        "recall": recall,
        "below_test": test_accuracy is not None and high < test_accuracy,
    }


LABELLED_UPLOADS = Prefetch(
    "predictions",
    queryset=labelled(Prediction.objects.only("version_id", "sha256", "label", "true_label")),
    to_attr="labelled_uploads",
)


def with_own_answers(versions):
    """[(version, its figures from its own answers)], the labelled uploads of all the versions
    read in one query."""
    versions = list(versions)
    prefetch_related_objects(versions, LABELLED_UPLOADS)
    return [(version, own_answers(version)) for version in versions]


def own_answers(version):
    """The version's real-world figures from its own answers to visitors (the labelled uploads
    prefetched with LABELLED_UPLOADS, else read now)."""
    trained = trained_on(str(version.path))
    uploads = getattr(version, "labelled_uploads", None)
    if uploads is None:
        uploads = labelled(version.predictions.only("sha256", "label", "true_label"))
    pairs = [
        (upload.true_label, upload.label)
        for upload in uploads
        if upload.true_label in version.labels and upload.sha256 not in trained
    ]
    return summary(
        [true for true, _ in pairs],
        [said for _, said in pairs],
        version.labels,
        version.test_accuracy,
    )


def samples(classifier, versions):
    """(path, true label) of the classifier's labelled uploads whose original is kept, that no
    one of versions trained on and whose label every one of them knows; and how many labelled
    uploads were left out."""
    trained = frozenset().union(*(trained_on(str(version.path)) for version in versions))
    rows = labelled(Prediction.objects.filter(classifier=classifier, image_lost=False))
    rows = rows.exclude(original="").order_by("pk").values_list("original", "sha256", "true_label")
    found, left_out = [], 0
    for name, sha256, true in rows:
        path = Path(default_storage.path(name))
        usable = sha256 not in trained and path.is_file()
        if usable and all(true in version.labels for version in versions):
            found.append((path, true))
        else:
            left_out += 1
    return found, left_out


def evaluate(version):
    """The version's figures on the labelled uploads it did not train on, classified again
    now; raises ModelLoadError when its model cannot be loaded."""
    found, left_out = samples(version.classifier, [version])
    model = runtime.load(version.path)
    predicted = comparison.predicted_labels(model, [path for path, _ in found])
    result = summary([t for _, t in found], predicted, version.labels, version.test_accuracy)
    return result, left_out


def compare(new, old):
    """Both versions on the same labelled uploads, neither of them trained on."""
    found, left_out = samples(new.classifier, [new, old])
    paths, truth = [path for path, _ in found], [label for _, label in found]
    figures = {"count": len(found), "left_out": left_out}
    for name, version in (("new", new), ("old", old)):
        try:
            predicted = comparison.predicted_labels(runtime.load(version.path), paths)
        except ModelLoadError as error:
            figures["error"] = f"v{version.number}: {error}"
            return figures
        figures[name] = summary(truth, predicted, version.labels, version.test_accuracy)
    return figures
