"""The review queue: staff label visitors' uploads one at a time.

The queue is a classifier's unreviewed predictions whose image is kept: the unsure ones first,
then those visitors said were wrong, then the rest, each group least certain first (the smallest
margin between the top two classes). A verdict is one of the classes of the version that made
the prediction, or "none of these"; it is stored on the prediction with who gave it and when,
and, when the classifier says so, the upload joins the dataset (classifier.datasets). Undo takes
back the reviewer's latest verdict, then the one before; skips live in the reviewer's session.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone

from classifier import datasets
from classifier.models import NONE_OF_THESE, Prediction
from classifier.thumbnails import ensure_thumbnail

SKIPPED = "review_skipped"  # the session's key
KEPT = 500  # skips a session remembers


class ReviewError(Exception):
    """A verdict the queue cannot take; status is the HTTP status to answer with."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Filters:
    version: int | None = None  # a version number
    predicted: str = ""  # the predicted class
    day: datetime.date | None = None

    def apply(self, predictions):
        if self.version:
            predictions = predictions.filter(version__number=self.version)
        if self.predicted:
            predictions = predictions.filter(label=self.predicted)
        if self.day:
            start = timezone.make_aware(datetime.datetime.combine(self.day, datetime.time()))
            predictions = predictions.filter(
                created__gte=start, created__lt=start + datetime.timedelta(days=1)
            )
        return predictions


def waiting(classifier, filters, session):
    """The predictions still to review, in the queue's order."""
    rows = Prediction.objects.filter(classifier=classifier, reviewed=False, image_lost=False)
    rows = filters.apply(rows).exclude(pk__in=session.get(SKIPPED, []))
    group = Case(
        When(unsure=True, then=Value(0)),
        When(feedback=Prediction.Feedback.WRONG, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return rows.order_by(group, "margin", "pk")


def next_item(classifier, filters, session):
    return waiting(classifier, filters, session).select_related("version").first()


def counts(classifier, filters, session):
    """(left in the queue, reviewed today by anyone)."""
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    reviewed = Prediction.objects.filter(
        classifier=classifier, reviewed=True, reviewed_at__gte=today
    )
    return waiting(classifier, filters, session).count(), reviewed.count()


def choices(prediction):
    """The verdicts a prediction can get: its version's classes, then "none of these"."""
    return [*prediction.version.labels, NONE_OF_THESE]


def skip(session, prediction_id):
    session[SKIPPED] = [*session.get(SKIPPED, []), int(prediction_id)][-KEPT:]


def give_verdict(classifier, prediction_id, label, user, session):
    """Store the label on the prediction, and add it to the dataset when the classifier says
    so; returns the dataset's AddReport (None when nothing was to be added). ReviewError for a
    label that is not a choice, a prediction reviewed meanwhile or one whose image is lost:
    then nothing changes."""
    with transaction.atomic():
        prediction = (
            Prediction.objects.select_for_update()
            .select_related("version", "reviewed_by")
            .filter(pk=prediction_id, classifier=classifier)
            .first()
        )
        if prediction is None:
            raise ReviewError(f"There is no prediction #{prediction_id} of {classifier}.", 404)
        if prediction.reviewed:
            by = f" by {prediction.reviewed_by}" if prediction.reviewed_by else ""
            raise ReviewError(
                f"Prediction #{prediction.pk} was already reviewed{by} "
                f"(“{prediction.true_label or 'no label'}”): nothing changed.",
                409,
            )
        if label not in choices(prediction):
            raise ReviewError(
                f"“{label}” is not a class of {prediction.version}: choose one of "
                f"{', '.join(prediction.version.labels)}, or “{NONE_OF_THESE}”.",
            )
        if prediction.image_lost or not ensure_thumbnail(prediction):
            skip(session, prediction.pk)
            raise ReviewError(
                f"The image of prediction #{prediction.pk} is lost (check_predictions --repair "
                "marks it): skipped, nothing changed.",
                410,
            )
        prediction.true_label, prediction.reviewed = label, True
        prediction.reviewed_by, prediction.reviewed_at = user, timezone.now()
        prediction.save(update_fields=["true_label", "reviewed", "reviewed_by", "reviewed_at"])
    report = None
    if classifier.review_adds_to_dataset and prediction.labelled:
        try:
            report = datasets.add_predictions(classifier, [prediction])
        except datasets.DatasetError as error:
            report = datasets.AddReport()
            report.reject(f"prediction #{prediction.pk}", str(error))
    return report


def undo(classifier, user):
    """Take back the reviewer's latest verdict on the classifier's predictions (and its image
    from the dataset); returns the prediction, or None when there is nothing to undo."""
    with transaction.atomic():
        prediction = (
            Prediction.objects.select_for_update()
            .filter(classifier=classifier, reviewed=True, reviewed_by=user)
            .order_by("-reviewed_at", "-pk")
            .first()
        )
        if prediction is None:
            return None
        prediction.true_label, prediction.reviewed = "", False
        prediction.reviewed_by = prediction.reviewed_at = None
        prediction.save(update_fields=["true_label", "reviewed", "reviewed_by", "reviewed_at"])
    datasets.remove_prediction(classifier, prediction)
    return prediction
