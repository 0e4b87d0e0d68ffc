"""Reading classifiers and their versions the way the pages and the admin show them."""

import json

from django.db.models import F, FloatField, Prefetch
from django.db.models.functions import Cast, NullIf

from mlcore.storage.model_files import HISTORY

from .models import ImageClassifier, ModelVersion


def in_service():
    """The classifiers visitors can use: those with an active version."""
    return ImageClassifier.objects.filter(versions__active=True)


def active_version(classifier):
    """The classifier's active version (its classifier attribute is the same row), or None."""
    version = classifier.versions.filter(active=True).first()
    if version is not None:
        version.classifier = classifier
    return version


def with_active_version(classifiers):
    """classifiers, each with `active_versions`: a list of its active version, or empty."""
    return classifiers.prefetch_related(
        Prefetch(
            "versions", queryset=ModelVersion.objects.filter(active=True), to_attr="active_versions"
        )
    )


def with_feedback(versions):
    """versions, each with `feedback_count` (visitors' verdicts) and `feedback_accuracy` (the
    share that said "right"; None without verdicts), in the same query.

    Both come from the counters each version keeps (feedback.give_feedback), not from its
    predictions: the cost stays the same however long the history grows.
    """
    return versions.annotate(
        feedback_accuracy=Cast(F("feedback_right"), FloatField())
        / Cast(NullIf(F("feedback_count"), 0), FloatField()),
    )


def training_history(version):
    """The version's saved history (one entry per training phase), or None when not stored."""
    try:
        return json.loads((version.path / HISTORY).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
