"""The studio's tasks, run by a task worker (`manage.py db_worker`, or RQ): each runs one kind of
job on the studio's runner (studio.runner); studio.jobs queues them."""

from django_tasks import task

from . import runner
from .collecting import COLLECTION
from .training import TRAINING


@task()
def train_classifier(job_id):
    """Train a queued TrainingJob; returns the status it ended in."""
    return runner.run(TRAINING, job_id)


@task()
def collect_images(job_id):
    """Run a queued CollectionJob; returns the status it ended in."""
    return runner.run(COLLECTION, job_id)
