"""Measure a classifier's predictions against the true labels; results are plain JSON data."""

from collections.abc import Sequence

import numpy as np

CALIBRATION_BINS = 15
TOP_K = 3


def evaluate(labels: Sequence[int], probabilities: np.ndarray, names: Sequence[str]) -> dict:
    """Accuracy, top-3 accuracy, per-class precision/recall/F1, confusion matrix and ECE.

    labels: the true class index of each example; probabilities: (examples, classes).
    confusion[i][j] counts examples of class i predicted as class j. Per-class rows and macro
    averages cover the classes present in labels, so a folder of a few classes is judged on
    those; predictions of absent classes count as errors and are tallied in predicted_absent.
    """
    labels = np.asarray(labels, dtype=np.int64)
    probabilities = np.asarray(probabilities, dtype=np.float64)
    if probabilities.ndim != 2 or probabilities.shape != (len(labels), len(names)):
        raise ValueError(
            f"Expected probabilities of shape ({len(labels)}, {len(names)}), "
            f"got {probabilities.shape}."
        )
    if not len(labels):
        raise ValueError("There are no examples to evaluate.")
    if labels.min() < 0 or labels.max() >= len(names):
        raise ValueError(f"Labels must be class indices from 0 to {len(names) - 1}.")
    predicted = probabilities.argmax(axis=1)
    classes = len(names)
    confusion = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(confusion, (labels, predicted), 1)

    hits = np.diag(confusion)
    support = confusion.sum(axis=1)
    precision = ratio(hits, confusion.sum(axis=0))
    recall = ratio(hits, support)
    f1 = ratio(2 * precision * recall, precision + recall)
    present = support > 0
    predicted_counts = confusion.sum(axis=0)
    top_k = np.argsort(-probabilities, axis=1, kind="stable")[:, :TOP_K]
    return {
        "count": len(labels),
        "accuracy": float((predicted == labels).mean()),
        "top3_accuracy": float((top_k == labels[:, None]).any(axis=1).mean()),
        "macro_precision": float(precision[present].mean()),
        "macro_recall": float(recall[present].mean()),
        "macro_f1": float(f1[present].mean()),
        "ece": expected_calibration_error(probabilities.max(axis=1), predicted == labels),
        "classes": [
            {
                "label": name,
                "precision": float(precision[i]),
                "recall": float(recall[i]),
                "f1": float(f1[i]),
                "support": int(support[i]),
            }
            for i, name in enumerate(names)
            if present[i]
        ],
        "predicted_absent": {
            name: int(predicted_counts[i])
            for i, name in enumerate(names)
            if not present[i] and predicted_counts[i]
        },
        "labels": list(names),
        "confusion": confusion.tolist(),
    }


def ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, 0 where the denominator is 0 (as scikit-learn reports it)."""
    numerator = numerator.astype(np.float64)
    return np.divide(numerator, denominator, out=np.zeros_like(numerator), where=denominator > 0)


def expected_calibration_error(
    confidences: np.ndarray, correct: np.ndarray, bins: int = CALIBRATION_BINS
) -> float:
    """Sum over equal-width confidence bins (lo, hi] of share * |accuracy - mean confidence|."""
    inner_edges = np.linspace(0, 1, bins + 1)[1:-1]
    which = np.digitize(confidences, inner_edges, right=True)
    error = 0.0
    for index in np.unique(which):
        members = which == index
        gap = correct[members].mean() - confidences[members].mean()
        error += members.mean() * abs(gap)
    return float(error)


def wilson_interval(successes: int, count: int, z: float = 1.959964) -> tuple[float, float]:
    """The 95% Wilson score interval of a proportion (z: the normal quantile)."""
    if count == 0:
        return 0.0, 1.0
    share = successes / count
    middle = share + z * z / (2 * count)
    spread = z * np.sqrt(share * (1 - share) / count + z * z / (4 * count * count))
    scale = 1 + z * z / count
    return float(max(0.0, (middle - spread) / scale)), float(min(1.0, (middle + spread) / scale))
