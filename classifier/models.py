import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from heroproject import versions

FEW_TEST_IMAGES = 30  # under this, one image moves the test accuracy by more than 3 points


class ImageClassifier(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    unsure_threshold = models.FloatField(
        default=0.5, help_text="Below this top probability the site says it is not sure."
    )
    review_adds_to_dataset = models.BooleanField(
        "add reviewed uploads to the dataset",
        default=True,
        db_default=True,
        help_text="A label given in the review queue also adds the upload to the dataset.",
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("classifier:detail", args=[self.slug])


class ModelVersion(versions.ModelVersion):
    """One trained model of a classifier: what it was trained on, how it scored, where it lives."""

    classifier = models.ForeignKey(
        ImageClassifier, on_delete=models.CASCADE, related_name="versions"
    )
    backbone = models.CharField(max_length=40)
    input_size = models.PositiveIntegerField()
    labels = models.JSONField()
    cross_validation = models.JSONField(
        default=dict,
        blank=True,
        help_text="Mean and standard deviation of the test figures over K folds (train --cv K).",
    )
    dataset_summary = models.JSONField(default=dict)
    # Visitors' verdicts on this version's predictions, kept by feedback.give_feedback (and
    # by prune_predictions when it deletes rows) in the transaction that changes them, so the
    # model page never counts the history; `manage.py recount_feedback` rebuilds them.
    feedback_count = models.PositiveIntegerField(
        default=0, db_default=0, help_text="Predictions of this version with a visitor's verdict."
    )
    feedback_right = models.PositiveIntegerField(
        default=0, db_default=0, help_text="Of those, the ones visitors said were right."
    )

    owner_field = "classifier"

    class Meta:
        ordering = ["classifier", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["classifier", "number"], name="unique_version_number"),
            models.UniqueConstraint(
                fields=["classifier"], condition=Q(active=True), name="one_active_version"
            ),
        ]

    def __str__(self):
        return f"{self.classifier.slug} v{self.number}"

    @property
    def test_accuracy(self):
        return self.metrics.get("accuracy")

    @property
    def few_test_images(self):
        """Whether the test split is too small for its accuracy to mean much on its own."""
        return self.metrics.get("count", 0) < FEW_TEST_IMAGES

    @property
    def cv_accuracy(self):
        """{"mean", "sd", "folds"} of the cross-validated accuracy, or None."""
        return self.cross_validation.get("accuracy")


NONE_OF_THESE = "(none of these)"  # a true label no class can have (class names start with \w)


def margin(probabilities):
    """The top probability minus the second (the top one when there is one class)."""
    top = sorted(probabilities.values(), reverse=True)[:2]
    return round(top[0] - (top[1] if len(top) > 1 else 0.0), 6)


def upload_name(folder, extension):
    """A random file name: nothing a visitor sent ends up in a path."""
    return f"predictions/{folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class Prediction(models.Model):
    """One classified upload: what the model said, and what people said about it."""

    class Feedback(models.TextChoices):
        NONE = "", "No feedback"
        CORRECT = "correct", "Right"
        WRONG = "wrong", "Wrong"

    # The foreign keys and the filtered columns are indexed by the composite indexes of Meta,
    # which also give the admin's list its order (newest first) without sorting the history.
    classifier = models.ForeignKey(
        ImageClassifier, on_delete=models.PROTECT, related_name="predictions", db_index=False
    )
    version = models.ForeignKey(
        ModelVersion, on_delete=models.PROTECT, related_name="predictions", db_index=False
    )
    created = models.DateTimeField(auto_now_add=True)
    thumbnail = models.FileField(max_length=200)
    activation = models.JSONField(
        default=dict, help_text="The class activation map of the top class, and how to lay it out."
    )
    original = models.FileField(max_length=200, blank=True)
    image_lost = models.BooleanField(
        default=False,
        db_default=False,
        help_text="A file of this upload went missing from storage (found by check_predictions).",
    )
    sha256 = models.CharField("content hash", max_length=64, db_index=True)
    size_bytes = models.PositiveIntegerField()
    probabilities = models.JSONField(help_text="Every class and its probability.")
    label = models.CharField(max_length=100)
    probability = models.FloatField()
    unsure = models.BooleanField()
    latency_ms = models.FloatField()
    client = models.CharField(
        max_length=64, blank=True, help_text="A keyed hash of the client address."
    )
    feedback = models.CharField(max_length=10, choices=Feedback.choices, blank=True, default="")
    feedback_label = models.CharField("visitor's label", max_length=100, blank=True)
    true_label = models.CharField(
        max_length=100, blank=True, help_text=f"A class of the model, or “{NONE_OF_THESE}”."
    )
    reviewed = models.BooleanField(default=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    margin = models.FloatField(
        null=True, editable=False, help_text="The top probability minus the second one."
    )

    class Meta:
        ordering = ["-created"]
        indexes = (
            [
                models.Index(fields=[*prefix, "created", "id"], name=f"prediction_{name}_created")
                for name, prefix in [
                    ("all", []),
                    ("classifier", ["classifier"]),
                    ("version", ["version"]),
                    ("label", ["label"]),
                    ("unsure", ["unsure"]),
                    ("feedback", ["feedback"]),
                    ("reviewed", ["reviewed"]),
                    ("lost", ["image_lost"]),
                ]
            ]
            + [
                # the review queue: a classifier's unreviewed predictions, least certain first
                models.Index(fields=["classifier", "reviewed", "margin"], name="prediction_review"),
            ]
            + [
                # the admin's search: exact labels people gave (not partial indexes: SQLite could
                # not use them for `label = x OR true_label = x`)
                models.Index(fields=[field], name=f"prediction_{field}")
                for field in ["feedback_label", "true_label"]
            ]
        )

    def __str__(self):
        return f"#{self.pk} {self.label} ({self.probability:.0%})"

    def get_absolute_url(self):
        return reverse("classifier:prediction", args=[self.pk])

    @property
    def labelled(self):
        """Whether staff gave it a class of the model (not "none of these")."""
        return bool(self.true_label) and self.true_label != NONE_OF_THESE

    @property
    def ranked(self):
        return sorted(self.probabilities.items(), key=lambda item: -item[1])


class ExampleImage(models.Model):
    """An image a visitor can classify with one click: a copy of a dataset or test image."""

    classifier = models.ForeignKey(
        ImageClassifier, on_delete=models.CASCADE, related_name="examples"
    )
    image = models.FileField(max_length=200)
    thumbnail = models.FileField(max_length=200)
    label = models.CharField("true class", max_length=100)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["classifier", "position", "pk"]

    def __str__(self):
        return f"{self.classifier.slug}: {self.label} #{self.position}"
