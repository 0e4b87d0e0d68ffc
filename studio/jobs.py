"""Service: the studio's jobs as staff start, watch and cancel them.

Starting a job saves its row and queues its task (studio.tasks) on the runner (studio.runner);
the rest reads: where a queued job stands in the queue, whether any worker seems to run, how
long a training has left, and a job as its page shows it (a lost one failed, in memory only:
a GET never writes; workers record it).
"""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from classifier import datasets

from . import collecting, runner, tasks, training
from .models import CollectionJob, TrainingJob

Status = TrainingJob.Status
UNCLAIMED_LIMIT = timedelta(seconds=30)  # a queue that long untouched has no worker
time_left = training.time_left
cancel = runner.cancel


def start_training(classifier, options, requested_by=""):
    """Queue a training of classifier with options (train_version's keyword arguments)."""
    job = TrainingJob(classifier=classifier, options=options, requested_by=requested_by)
    return runner.start(job, tasks.train_classifier)


def start_collection(classifier, label, queries, count):
    """Queue a collection of up to count images for the class from the queries."""
    datasets.class_folder(classifier, label)
    collecting.engine_for(queries)
    job = CollectionJob(classifier=classifier, label=label, queries=queries, count=count)
    return runner.start(job, tasks.collect_images)


def as_seen(job):
    """The training job as its page shows it (runner.as_seen)."""
    return runner.as_seen(training.TRAINING, job)


def collection_as_seen(job):
    """The collection job as the dataset page shows it (runner.as_seen)."""
    return runner.as_seen(collecting.COLLECTION, job)


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
