"""Training jobs: queued from the studio, run by a task worker, watched from the browser.

A job is a row (TrainingJob) and a task on the queue (studio.tasks). The worker runs `run`: the
classifier's training service with a progress callable that writes the stage, the epochs'
figures and a heartbeat to the row, and stops the training when staff cancel it. The new
version is recorded inactive and compared with the active one; staff activate it or keep the
old one.

A worker killed mid-training cannot say so: the next job any worker starts (and the job's page)
finds the job still "running" under a process that is gone, or silent for too long, marks it
failed with its log and removes the files it was writing (mlcore.storage.model_dirs).
"""

import os
import socket
import time
import traceback
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist

from classifier import datasets, real_world
from mlcore.storage import model_dirs
from mlcore.training import comparison

from .models import TrainingJob

Status = TrainingJob.Status
REFRESH_SECONDS = 2  # how often a running job writes its progress and reads cancel_requested
SILENT_LIMIT = timedelta(minutes=30)  # a running job without a heartbeat this long is dead
UNCLAIMED_LIMIT = timedelta(seconds=30)  # a queue that long untouched has no worker


class JobCancelled(Exception):
    """Staff cancelled the job while it trained."""


def this_worker():
    return f"{socket.gethostname()}:{os.getpid()}"


def start_training(classifier, options, requested_by=""):
    """Queue a training of classifier with options (train_version's keyword arguments)."""
    from .tasks import train_classifier

    with transaction.atomic():
        job = TrainingJob.objects.create(
            classifier=classifier, options=options, requested_by=requested_by
        )
        transaction.on_commit(lambda: enqueue(job, train_classifier))
    return job


def enqueue(job, task):
    result = task.enqueue(job.pk)
    TrainingJob.objects.filter(pk=job.pk).update(task_id=str(result.id))


def waiting_before(job):
    """How many jobs a queued job waits behind (those queued before it and those running)."""
    if job.status != Status.QUEUED:
        return 0
    return TrainingJob.objects.filter(
        Q(status=Status.RUNNING) | Q(status=Status.QUEUED, pk__lt=job.pk)
    ).count()


def no_worker(job):
    """Whether a queued job looks stranded: it has waited UNCLAIMED_LIMIT while no job ran or
    started meanwhile (no task worker is running, or none can reach this database)."""
    since = timezone.now() - UNCLAIMED_LIMIT
    if job.status != Status.QUEUED or job.created > since:
        return False
    busy = Q(status=Status.RUNNING) | Q(started__gt=since) | Q(finished__gt=since)
    return not TrainingJob.objects.filter(busy).exists()


def cancel(job):
    """Cancel a queued job at once, a running one at its next progress event."""
    if job.status == Status.QUEUED:
        finish(job, Status.CANCELLED, "Cancelled before it started.")
    elif job.status == Status.RUNNING:
        TrainingJob.objects.filter(pk=job.pk).update(cancel_requested=True)
        job.cancel_requested = True


def finish(job, status, line=""):
    job.status, job.finished = status, timezone.now()
    if line:
        job.log += line + "\n"
    job.save(update_fields=["status", "finished", "log"])


def is_alive(worker):
    """False when worker (host:pid) is a process of this host that no longer exists."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def fail_if_lost(job):
    """Mark failed a queued job whose task the queue could not run (it never started)."""
    from .tasks import train_classifier

    if job.status != Status.QUEUED or not job.task_id:
        return
    if not train_classifier.get_backend().supports_get_result:
        return
    try:
        result = train_classifier.get_result(job.task_id)
    except TaskResultDoesNotExist:
        return
    if result.status == TaskResultStatus.FAILED:
        errors = "; ".join(error.traceback.strip().splitlines()[-1] for error in result.errors)
        finish(job, Status.FAILED, f"The task queue could not run this job: {errors}")


def reap_abandoned():
    """Mark failed the running jobs whose worker died, and remove their partial files."""
    silent_since = timezone.now() - SILENT_LIMIT
    for job in TrainingJob.objects.filter(status=Status.RUNNING).select_related("classifier"):
        if is_alive(job.worker) and job.heartbeat and job.heartbeat > silent_since:
            continue
        host, _, pid = job.worker.rpartition(":")
        if pid.isdigit():
            model_dirs.remove_abandoned(folder_of(job), host, int(pid))
        finish(
            job,
            Status.FAILED,
            f"The worker {job.worker} stopped while training (killed or crashed); "
            "its partial files were removed. Start the training again.",
        )


def folder_of(job):
    return settings.MODELS_DIR / "classifiers" / job.classifier.slug


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


class Progress:
    """mlcore.training.progress's events written to the job's row, at most every REFRESH_SECONDS."""

    def __init__(self, job):
        self.job = job
        self.written = 0.0
        self.units = planned_units(job.options)
        self.passed = 0  # units of the stages finished
        self.stage_key, self.stage_weight = None, 0
        self.phases = 0

    def __call__(self, event, *args):
        job = self.job
        if event == "phase":
            job.stage = f"Training ({args[0].replace('_', ' ')})"
            job.done, job.total = 0, args[1]
            self.say(f"{job.stage}: up to {args[1]} epochs")
            self.phases += 1
            self.advance(("phase", self.phases), 0)
        elif event == "epoch":
            epoch, epochs, logs = args
            job.done, job.total = epoch, epochs
            job.history.append({"phase": job.stage, "epoch": epoch, **rounded(logs)})
            self.advance(self.stage_key, epoch / epochs)
        elif event == "fold":
            job.stage = f"Cross-validation fold {args[0]} of {args[1]}"
        elif event == "saving":
            job.stage, job.done, job.total = "Saving and checking the new version", 0, 0
            self.advance("saving", 0)
        elif len(args) == 2:
            job.stage = {"scan": "Checking images", "images": "Decoding images"}.get(
                event, "Backbone features"
            )
            job.done, job.total = args
            self.advance(event, args[0] / args[1] if args[1] else 0)
        self.write(force=event in ("phase", "epoch", "fold", "saving"))

    def advance(self, key, fraction):
        """The stage key (a new key: the last stage ended) is fraction done."""
        if key != self.stage_key:
            self.passed += self.stage_weight
            kind = key[0] if isinstance(key, tuple) else key
            self.stage_key, self.stage_weight = key, STAGE_WEIGHTS.get(kind, 1)
        done = self.passed + self.stage_weight * fraction
        self.job.overall = min(1.0, done / self.units)

    def say(self, line):
        self.job.log += line + "\n"

    def write(self, force=False):
        now = time.monotonic()
        if not force and now - self.written < REFRESH_SECONDS:
            return
        self.written = now
        job = self.job
        job.heartbeat = timezone.now()
        job.save(update_fields=["stage", "done", "total", "overall", "history", "log", "heartbeat"])
        if TrainingJob.objects.filter(pk=job.pk, cancel_requested=True).exists():
            raise JobCancelled


def rounded(logs):
    return {key: round(float(value), 4) for key, value in logs.items()}


def run(job_id):
    """Train the job's classifier (the task's body: a worker process, never a web worker)."""
    from classifier.training_service import train_version  # TensorFlow: workers only

    reap_abandoned()
    with transaction.atomic():
        job = TrainingJob.objects.select_for_update().select_related("classifier").get(pk=job_id)
        if job.status != Status.QUEUED:
            return job.status
        job.status, job.worker = Status.RUNNING, this_worker()
        job.started = job.heartbeat = timezone.now()
        job.save(update_fields=["status", "worker", "started", "heartbeat"])
    progress = Progress(job)
    slug = job.classifier.slug
    options = dict(job.options)
    try:
        version = train_version(
            slug,
            datasets.existing_folder(job.classifier),
            activate=False,
            progress=progress,
            **options,
        )
    except JobCancelled:
        finish(job, Status.CANCELLED, "Cancelled while training; nothing was saved.")
        return job.status
    except Exception as error:
        progress.say("".join(traceback.format_exception_only(error)).strip())
        finish(job, Status.FAILED)
        return job.status
    for warning in version.dataset_summary.get("warnings", []):
        progress.say(f"Warning: {warning}")
    job.stage, job.done, job.total = "Comparing with the active version", 0, 0
    job.save(update_fields=["stage", "done", "total"])
    job.comparison = compare_with_active(version)
    job.version = version
    job.save(update_fields=["version", "comparison"])
    finish(job, Status.SUCCEEDED, f"Saved {version}, not active yet: compare, then activate.")
    return job.status


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
