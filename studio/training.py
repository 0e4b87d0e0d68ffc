"""The training job: a classifier trained by a task worker on the studio's runner (studio.runner).

The body is the classifier's training service with a progress callable that writes the stage
(mlcore.training.progress's titles), the epochs' figures, the share of the whole done and a
heartbeat to the row, and stops the training when staff cancel it. The new version is recorded
inactive and compared with the active one; staff activate it or keep the old one. A dead
worker's job is failed by the runner, which removes the files it was writing
(mlcore.storage.model_dirs).
"""

from django.conf import settings
from django.utils import timezone

from classifier import datasets, real_world
from mlcore.storage import model_dirs
from mlcore.training import comparison
from mlcore.training import progress as events

from . import runner
from .models import TrainingJob

Status = TrainingJob.Status
# The rough cost of each stage of a training, to estimate the share of the whole done.
STAGE_WEIGHTS = {"scan": 1, "images": 1, "features": 2, "phase": 2, "saving": 1}


def planned_units(options):
    """The whole training in units of STAGE_WEIGHTS: the scan, then for each cross-validation
    fold and for the final training, decoding, features and each phase, then saving."""
    phases = 2 if options.get("fine_tune") else 1
    run = STAGE_WEIGHTS["images"] + STAGE_WEIGHTS["features"] + phases * STAGE_WEIGHTS["phase"]
    once = STAGE_WEIGHTS["scan"] + STAGE_WEIGHTS["saving"]
    return once + (1 + (options.get("cv") or 0)) * run


def time_left(job, now=None):
    """ "about N min left" from the time taken so far and the share done; "" too early to say."""
    if job.status != Status.RUNNING or job.overall < 0.03 or job.started is None:
        return ""
    elapsed = ((now or timezone.now()) - job.started).total_seconds()
    seconds = elapsed * (1 - job.overall) / job.overall
    if seconds < 60:
        return "under a minute left"
    return f"about {round(seconds / 60)} min left"


class Progress(runner.Progress):
    """The stage (as mlcore.training.progress names it), its count, each epoch's figures and the
    estimated share of the whole training done."""

    fields = ["stage", "done", "total", "overall", "history", "log"]

    def __init__(self, kind, job):
        super().__init__(kind, job)
        self.units = planned_units(job.options)
        self.passed = 0  # units of the stages finished
        self.stage_key, self.stage_weight = None, 0
        self.phases = 0

    def record(self, event, *args):
        job = self.job
        title = events.title(event, *args)
        if title:
            job.stage = title
        if event == "phase":
            job.done, job.total = 0, args[1]
            self.say(f"{job.stage}: up to {args[1]} epochs")
            self.phases += 1
            self.advance(("phase", self.phases), 0)
        elif event == "epoch":
            epoch, epochs, logs = args
            job.done, job.total = epoch, epochs
            job.history.append({"phase": job.stage, "epoch": epoch, **rounded(logs)})
            self.advance(self.stage_key, epoch / epochs)
        elif event in events.STAGES:
            job.done, job.total = args
            self.advance(event, args[0] / args[1] if args[1] else 0)
        elif event in events.STEPS:
            job.done, job.total = 0, 0
            if event in STAGE_WEIGHTS:
                self.advance(event, 0)

    def advance(self, key, fraction):
        """The stage key (a new key: the last stage ended) is fraction done."""
        if key != self.stage_key:
            self.passed += self.stage_weight
            kind = key[0] if isinstance(key, tuple) else key
            self.stage_key, self.stage_weight = key, STAGE_WEIGHTS.get(kind, 1)
        done = self.passed + self.stage_weight * fraction
        self.job.overall = min(1.0, done / self.units)


def rounded(logs):
    return {key: round(float(value), 4) for key, value in logs.items()}


def folder_of(job):
    return settings.MODELS_DIR / "classifiers" / job.classifier.slug


class Training(runner.Kind):
    model = TrainingJob
    noun, doing = "training", "training"

    def progress(self, job):
        return Progress(self, job)

    def body(self, job, progress):
        from classifier.training_service import train_version  # TensorFlow: workers only

        version = train_version(
            job.classifier.slug,
            datasets.existing_folder(job.classifier),
            activate=False,
            progress=progress,
            **job.options,
        )
        for warning in version.dataset_summary.get("warnings", []):
            progress.say(f"Warning: {warning}")
        progress.show("comparing")  # the version is saved: too late to cancel
        job.comparison = compare_with_active(version)
        job.version = version
        job.save(update_fields=["version", "comparison"])
        return Status.SUCCEEDED, f"Saved {version}, not active yet: compare, then activate."

    def abandoned(self, job):
        host, _, pid = job.worker.rpartition(":")
        if pid.isdigit():
            model_dirs.remove_abandoned(folder_of(job), host, int(pid))


TRAINING = Training()


def compare_with_active(version):
    """The new version against the active one (mlcore.training.comparison) on both test splits,
    and on the labelled uploads neither trained on (classifier.real_world); {} when none is
    active."""
    active = version.siblings().filter(active=True).first()
    if active is None:
        return {}
    dataset = datasets.folder(version.classifier)
    result = comparison.compare(version.path, active.path, dataset)
    return {
        "old_number": active.number,
        "new_number": version.number,
        **result,
        "real_world": real_world.compare(version, active),
    }
