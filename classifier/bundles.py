"""Classifier versions to and from model bundles (mlcore.storage.bundles): the served files, the
metrics and plots, and the fields of the version and its classifier."""

import json
from functools import partial

from heroproject import versions
from mlcore.models import runtime
from mlcore.storage import bundles
from mlcore.storage.model_files import (
    CONFUSION,
    CURVES,
    EXPORT,
    HISTORY,
    MANIFEST,
    SERVED,
    UNSERVED_TFLITE,
)

from .models import ImageClassifier, ModelVersion

KIND = "classifier"
FILES = (*SERVED, *UNSERVED_TFLITE.values(), MANIFEST, EXPORT, HISTORY, CURVES, CONFUSION)
RECORDED = (
    "backbone",
    "input_size",
    "labels",
    "metrics",
    "cross_validation",
    "dataset_summary",
    "training_seconds",
)
OWNER = ("slug", "title", "description", "unsure_threshold")


def export(version, out):
    """Write version to the bundle file out."""
    names = [name for name in FILES if (version.path / name).is_file()]
    manifest = json.loads((version.path / MANIFEST).read_text(encoding="utf-8"))
    return bundles.write(
        out,
        KIND,
        {field: getattr(version, field) for field in RECORDED},
        version.path,
        names,
        owner={field: getattr(version.classifier, field) for field in OWNER},
        libraries=manifest.get("libraries"),
    )


def write_files(bundle, folder):
    bundle.unpack(folder)
    runtime.load(folder)  # raises ModelLoadError: nothing is recorded


def import_bundle(bundle, activate=False):
    """Record a checked classifier bundle as a new version of its classifier (made if new)."""
    owner = bundle.meta["owner"]
    classifier, _ = ImageClassifier.objects.get_or_create(
        slug=owner["slug"], defaults={field: owner[field] for field in OWNER if field in owner}
    )
    return versions.record(
        ModelVersion,
        f"classifiers/{classifier.slug}",
        partial(write_files, bundle),
        owner=classifier,
        activate=activate,
        **{field: bundle.meta["record"][field] for field in RECORDED},
    )
