"""Reading classifiers and their versions the way the pages and the admin show them."""

from django.db.models import Count, FloatField, Prefetch, Q
from django.db.models.functions import Cast, NullIf

from .models import ImageClassifier, ModelVersion, Prediction


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
    share that said "right"; None without verdicts), counted in the same query."""
    verdicts = Count("predictions", filter=~Q(predictions__feedback=Prediction.Feedback.NONE))
    right = Count("predictions", filter=Q(predictions__feedback=Prediction.Feedback.CORRECT))
    return versions.annotate(
        feedback_count=verdicts,
        feedback_accuracy=Cast(right, FloatField()) / Cast(NullIf(verdicts, 0), FloatField()),
    )
