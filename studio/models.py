from django.db import models
from django.urls import reverse

from classifier.models import ImageClassifier, ModelVersion


class Job(models.Model):
    """What every studio job's row holds for the runner (studio.runner): its task, the worker
    running it and when it last spoke, what it says, and whether staff asked to stop it."""

    task_id = models.CharField(max_length=64, blank=True, help_text="The task queue's id.")
    worker = models.CharField(
        max_length=255, blank=True, help_text="host:pid of the process running the job."
    )
    log = models.TextField(blank=True, help_text="What the job says as it runs, and how it ended.")
    cancel_requested = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    heartbeat = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created"]

    @property
    def is_finished(self):
        return self.status not in ("queued", "running")


class TrainingJob(Job):
    """One training of a classifier, started in the studio and run by a task worker."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for a worker"
        RUNNING = "running", "Training"
        SUCCEEDED = "succeeded", "Trained"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    classifier = models.ForeignKey(ImageClassifier, on_delete=models.CASCADE, related_name="jobs")
    options = models.JSONField(help_text="The training options, as train_classifier takes them.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(max_length=100, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    overall = models.FloatField(default=0, help_text="Estimated share of the whole training done.")
    history = models.JSONField(
        default=list, help_text="One entry per epoch: its phase and figures (loss, accuracy, ...)."
    )
    version = models.OneToOneField(
        ModelVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="job"
    )
    comparison = models.JSONField(
        default=dict, blank=True, help_text="The new version against the active one."
    )
    requested_by = models.CharField(max_length=150, blank=True)

    class Meta(Job.Meta):
        indexes = [models.Index(fields=["status", "created"])]

    def __str__(self):
        return f"Training {self.classifier.slug} #{self.pk} ({self.status})"

    def get_absolute_url(self):
        return reverse("studio:job", args=[self.pk])


class CollectionJob(Job):
    """Images searched for on the web for one class (classifier.collecting) by a task worker."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for a worker"
        RUNNING = "running", "Collecting"
        SUCCEEDED = "succeeded", "Done"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    classifier = models.ForeignKey(
        ImageClassifier, on_delete=models.CASCADE, related_name="collections"
    )
    label = models.CharField(max_length=100)
    queries = models.JSONField(help_text="The searches, one per entry.")
    count = models.PositiveIntegerField(help_text="Images the class should have.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)

    class Meta(Job.Meta):
        pass

    def __str__(self):
        return f"Collecting {self.classifier.slug}/{self.label} ({self.status})"
