"""Visitors' verdicts on predictions and the counters each version keeps of them: a verdict given
or changed, the counters recounted from the rows, and predictions deleted with their verdicts
taken off."""

from django.db import transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Greatest

from .models import ModelVersion, Prediction


def give_feedback(prediction, correct, label=""):
    """Record a visitor's verdict (a first one or a changed one) and keep the version's
    feedback counters in step, in one transaction.

    The verdict it replaces is read under a row lock (SQLite's transactions here take the write
    lock up front), so two verdicts sent at once on one prediction count once.
    """
    verdict = Prediction.Feedback.CORRECT if correct else Prediction.Feedback.WRONG
    feedback_label = "" if correct else label
    with transaction.atomic():
        before = (
            Prediction.objects.select_for_update()
            .filter(pk=prediction.pk)
            .values_list("feedback", flat=True)
            .get()
        )
        Prediction.objects.filter(pk=prediction.pk).update(
            feedback=verdict, feedback_label=feedback_label
        )
        added = int(before == Prediction.Feedback.NONE)
        right = int(verdict == Prediction.Feedback.CORRECT) - int(
            before == Prediction.Feedback.CORRECT
        )
        if added or right:
            ModelVersion.objects.filter(pk=prediction.version_id).update(
                feedback_count=F("feedback_count") + added,
                feedback_right=F("feedback_right") + right,
            )
    prediction.feedback, prediction.feedback_label = verdict, feedback_label


def feedback_counts(predictions):
    """{version id: (verdicts, right)} counted over the rows of predictions."""
    rows = (
        predictions.exclude(feedback=Prediction.Feedback.NONE)
        .values("version")
        .annotate(
            count=Count("id"), right=Count("id", filter=Q(feedback=Prediction.Feedback.CORRECT))
        )
        .order_by()
    )
    return {row["version"]: (row["count"], row["right"]) for row in rows}


def recount_feedback():
    """Set every version's feedback counters to a count of its predictions' rows (one pass over
    the history); returns the versions whose counters were wrong, as (version, before, after)."""
    fixed = []
    with transaction.atomic():
        counts = feedback_counts(Prediction.objects.all())
        for version in ModelVersion.objects.select_for_update().order_by("pk"):
            counted = counts.get(version.pk, (0, 0))
            kept = (version.feedback_count, version.feedback_right)
            if kept != counted:
                ModelVersion.objects.filter(pk=version.pk).update(
                    feedback_count=counted[0], feedback_right=counted[1]
                )
                fixed.append((version, kept, counted))
    return fixed


def delete_predictions(ids):
    """Delete the predictions with these ids and take their verdicts off their versions'
    counters, in one transaction; returns the file names they named (the caller deletes the
    files after the commit: a crash in between leaves stray files, never a row without them)."""
    with transaction.atomic():
        rows = Prediction.objects.filter(pk__in=ids)
        files = [name for pair in rows.values_list("thumbnail", "original") for name in pair]
        for version, (count, right) in feedback_counts(rows).items():
            ModelVersion.objects.filter(pk=version).update(
                feedback_count=Greatest(F("feedback_count") - count, 0),
                feedback_right=Greatest(F("feedback_right") - right, 0),
            )
        rows.delete()
    return [name for name in files if name]
