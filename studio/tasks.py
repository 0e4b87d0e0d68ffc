"""The studio's tasks, run by a task worker (`manage.py db_worker`, or RQ): see studio.jobs."""

from django_tasks import task

from . import jobs


@task()
def train_classifier(job_id):
    """Train a queued TrainingJob; returns the status it ended in."""
    return jobs.run(job_id)
