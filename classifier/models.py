from django.conf import settings
from django.db import models
from django.urls import reverse


class ImageClassifier(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    unsure_threshold = models.FloatField(
        default=0.5, help_text="Below this top probability the site says it is not sure."
    )
    active_version = models.ForeignKey(
        "ModelVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("classifier:detail", args=[self.slug])


class ModelVersion(models.Model):
    """One trained model of a classifier: what it was trained on, how it scored, where it lives."""

    classifier = models.ForeignKey(
        ImageClassifier, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField()
    backbone = models.CharField(max_length=40)
    input_size = models.PositiveIntegerField()
    labels = models.JSONField()
    metrics = models.JSONField(default=dict)
    dataset_summary = models.JSONField(default=dict)
    artifact_path = models.CharField(max_length=255, help_text="Relative to the models directory.")
    training_seconds = models.FloatField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["classifier", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["classifier", "number"], name="unique_version_number")
        ]

    def __str__(self):
        return f"{self.classifier.slug} v{self.number}"

    @property
    def path(self):
        return settings.MODELS_DIR / self.artifact_path

    @property
    def test_accuracy(self):
        return self.metrics.get("accuracy")

    def activate(self):
        ImageClassifier.objects.filter(pk=self.classifier_id).update(active_version=self)
        self.classifier.active_version = self
