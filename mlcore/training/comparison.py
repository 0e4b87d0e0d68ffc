"""Two saved classifiers side by side on the same labelled images.

Each version's test split (listed in its manifest.json) is run through both served models
(mlcore.models.runtime): the figures of each, their confusion matrices over the labels of both, and
the images whose prediction changed. Results are plain JSON data.
"""

import json
from pathlib import Path

import numpy as np

from mlcore.models import runtime
from mlcore.storage.model_files import MANIFEST
from mlcore.vision import images

BATCH = 32
CHANGED_KEPT = 60  # images whose prediction changed, listed per split


def read_manifest(directory):
    return json.loads((Path(directory) / MANIFEST).read_text(encoding="utf-8"))


def trained_hashes(directory):
    """The sha256 of every image a saved classifier trained on (its training and validation
    splits: the validation images chose when to stop)."""
    return frozenset(
        entry["sha256"] for entry in read_manifest(directory)["files"] if entry["split"] != "test"
    )


def test_images(directory):
    """(path, label) of the test split a saved classifier was measured on, where still on disk."""
    manifest = read_manifest(directory)
    root = Path(manifest["root"])
    found = [
        (root / entry["path"], entry["label"])
        for entry in manifest["files"]
        if entry["split"] == "test"
    ]
    return [(path, label) for path, label in found if path.is_file()]


def predicted_labels(model, paths):
    labels = []
    for begin in range(0, len(paths), BATCH):
        pixels = np.stack(
            [
                images.load_array(path, model.input_size, model.fit)
                for path in paths[begin : begin + BATCH]
            ]
        )
        probabilities = model.predict(pixels)[0]
        labels.extend(model.labels[i] for i in probabilities.argmax(axis=1))
    return labels


def figures(truth, predicted, labels):
    """Accuracy, recall per true class and the confusion matrix (rows: truth, columns:
    prediction, both in the order of labels)."""
    index = {label: i for i, label in enumerate(labels)}
    confusion = np.zeros((len(labels), len(labels)), dtype=int)
    for true, guess in zip(truth, predicted, strict=True):
        confusion[index[true], index[guess]] += 1
    support = confusion.sum(axis=1)
    return {
        "accuracy": float(np.trace(confusion) / max(1, len(truth))),
        "recall": {
            label: float(confusion[i, i] / support[i])
            for i, label in enumerate(labels)
            if support[i]
        },
        "confusion": confusion.tolist(),
    }


def compare_on(new, old, samples, labels, root):
    paths = [path for path, _ in samples]
    truth = [label for _, label in samples]
    new_labels, old_labels = predicted_labels(new, paths), predicted_labels(old, paths)
    changed = [
        {"path": relative(path, root), "label": true, "old": before, "new": after}
        for path, true, before, after in zip(paths, truth, old_labels, new_labels, strict=True)
        if before != after
    ]
    return {
        "count": len(samples),
        "new": figures(truth, new_labels, labels),
        "old": figures(truth, old_labels, labels),
        "changed_count": len(changed),
        "changed": changed[:CHANGED_KEPT],
        "fixed": sum(c["new"] == c["label"] for c in changed),
        "broken": sum(c["old"] == c["label"] for c in changed),
    }


def relative(path, root):
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return ""


def compare(new_directory, old_directory, dataset_root):
    """The new saved classifier against the old on the new one's test split and the old one's
    (once, named "both", when the two are the same images).

    Images of a class one of the models does not know are left out. Changed images are named
    relative to dataset_root ("" when they lie elsewhere)."""
    new, old = runtime.load(new_directory), runtime.load(old_directory)
    labels = sorted(set(new.labels) | set(old.labels))
    known = set(new.labels) & set(old.labels)
    splits, first = [], None
    for name, directory in (("new", new_directory), ("old", old_directory)):
        samples = [(path, label) for path, label in test_images(directory) if label in known]
        if samples and set(samples) == first:
            splits[0]["split"] = "both"  # one dataset, one seed: the same images twice
        elif samples:
            first = first or set(samples)
            splits.append(
                {"split": name, **compare_on(new, old, samples, labels, Path(dataset_root))}
            )
    return {"labels": labels, "splits": splits}
