"""The one runner of the studio's jobs: queued, claimed by a task worker, run with progress,
finished; and the jobs that will never finish found.

A job is a row (TrainingJob, CollectionJob) and a task on the queue (studio.tasks). `start`
saves the row and queues its task once the row is committed; the task calls `run` with the
job's kind (a `Kind`: what the job does, how its progress is written). `run` claims the job
(only a queued one: a task run twice does nothing the second time), runs it and finishes it,
whatever happens: the kind's outcome, cancelled, or failed with the error in its log.

A worker killed mid-job cannot say so. Its job is found "running" under a process that is gone,
or silent for too long; a queued job whose task the queue could not run stays queued. `lost`
says so, reading only (the job's page shows it); `reap` records it (failed, with the reason in
the log, the kind's partial files removed) from a worker: before each job it runs, and with the
heartbeat of a running one. A GET never writes.
"""

import logging
import os
import socket
import time
import traceback
from datetime import timedelta

from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, default_task_backend
from django_tasks.exceptions import TaskResultDoesNotExist

from mlcore.training import progress as events

log = logging.getLogger(__name__)
REFRESH_SECONDS = 2  # how often a running job writes its progress and reads cancel_requested
REAP_SECONDS = 60  # how often a running job's heartbeat looks for others' lost jobs
SILENT_LIMIT = timedelta(minutes=30)  # a running job without a heartbeat this long is dead
FAILED, RUNNING, QUEUED, CANCELLED = "failed", "running", "queued", "cancelled"


class Cancelled(Exception):
    """Staff cancelled the job while it ran."""


def this_worker():
    return f"{socket.gethostname()}:{os.getpid()}"


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


class Kind:
    """A kind of job: its model, its body, its progress. Subclasses say what is their own."""

    model = None
    noun, doing = "job", "running"  # its log's words: "start the job again", "while running"
    after_cancel = "nothing was saved"  # what a cancelled job leaves
    after_death = "its partial files were removed"  # what a job whose worker died leaves

    def select(self):
        return self.model.objects.select_related("classifier")

    def body(self, job, progress):
        """Do the job, calling progress with mlcore.training.progress's events; returns the
        status it ended in and a line for its log. Raises Cancelled when staff cancel it."""
        raise NotImplementedError

    def progress(self, job):
        return Progress(self, job)

    def abandoned(self, job):
        """Clean up after a job whose worker died (its partial files)."""


def start(job, task):
    """Save the new job and queue task(job.pk) once it is committed."""
    with transaction.atomic():
        job.save()
        transaction.on_commit(lambda: enqueue(job, task))
    return job


def enqueue(job, task):
    result = task.enqueue(job.pk)
    type(job).objects.filter(pk=job.pk).update(task_id=str(result.id))


def add_line(job, line):
    """line at the end of the job's log."""
    if job.log and not job.log.endswith("\n"):
        job.log += "\n"
    job.log += line


def finish(job, status, line=""):
    job.status, job.finished = status, timezone.now()
    if line:
        add_line(job, line)
    job.save(update_fields=["status", "finished", "log"])


def cancel(job):
    """Cancel a queued job at once, a running one at its next progress event."""
    if job.status == QUEUED:
        finish(job, CANCELLED, "Cancelled before it started.")
    elif job.status == RUNNING:
        type(job).objects.filter(pk=job.pk).update(cancel_requested=True)
        job.cancel_requested = True


def claim(kind, job_id):
    """The job, now running in this worker; None when it is not queued (done, or cancelled)."""
    with transaction.atomic():
        job = kind.select().select_for_update().get(pk=job_id)
        if job.status != QUEUED:
            return None
        job.status, job.worker, job.started = RUNNING, this_worker(), timezone.now()
        job.heartbeat = job.started
        job.save(update_fields=["status", "worker", "started", "heartbeat"])
    return job


def run(kind, job_id):
    """Run a queued job of kind (a task's body: a worker process, never a web worker); returns
    the status it ended in."""
    reap(kind)
    job = claim(kind, job_id)
    if job is None:
        return kind.model.objects.get(pk=job_id).status
    progress = kind.progress(job)
    try:
        status, line = kind.body(job, progress)
    except Cancelled:
        finish(job, CANCELLED, f"Cancelled while {kind.doing}; {kind.after_cancel}.")
    except Exception as error:
        log.exception("%s failed", job)
        finish(job, FAILED, "".join(traceback.format_exception_only(error)).strip())
    else:
        finish(job, status, line)
    return job.status


class Progress:
    """mlcore.training.progress's events written to the job's row, at most every
    REFRESH_SECONDS (at once for those that start a stage): `record` says what an event changes,
    `fields` which fields a write saves. A job's writes are its heartbeat, after which it
    reads whether staff cancelled it and, every REAP_SECONDS, reaps others' lost jobs."""

    fields = ["log"]

    def __init__(self, kind, job):
        self.kind, self.job = kind, job
        self.written, self.reaped = 0.0, time.monotonic()

    def __call__(self, event, *args):
        self.record(event, *args)
        self.write(force=event not in events.STAGES)

    def record(self, event, *args):
        """Show the stage on the row's log: one line, replaced as the job goes on."""
        title = events.title(event, *args)
        if title and event in events.STAGES and len(args) == 2:
            title = f"{title}: {args[0]} of {args[1]}"
        if title:
            self.job.log = title + "\n"

    def say(self, line):
        add_line(self.job, line)

    def show(self, event, *args):
        """Record and write an event at once, without reading whether staff cancelled."""
        self.record(event, *args)
        self.save()

    def save(self):
        self.written, job = time.monotonic(), self.job
        job.heartbeat = timezone.now()
        job.save(update_fields=[*self.fields, "heartbeat"])

    def write(self, force=False):
        now = time.monotonic()
        if not force and now - self.written < REFRESH_SECONDS:
            return
        self.save()
        job = self.job
        if type(job).objects.filter(pk=job.pk, cancel_requested=True).exists():
            raise Cancelled
        if now - self.reaped >= REAP_SECONDS:
            self.reaped = now
            reap(self.kind)


def lost(kind, job):
    """Why a job that is not finished never will be (its worker died, or the queue could not
    run its task), or "" when it may yet. Reads only."""
    if job.status == RUNNING:
        silent_since = timezone.now() - SILENT_LIMIT
        if not is_alive(job.worker) or not job.heartbeat or job.heartbeat <= silent_since:
            return (
                f"The worker {job.worker} stopped while {kind.doing} (killed or crashed); "
                f"{kind.after_death}. Start the {kind.noun} again."
            )
    if job.status == QUEUED and job.task_id and default_task_backend.supports_get_result:
        try:
            result = default_task_backend.get_result(job.task_id)
        except TaskResultDoesNotExist:
            return ""
        except (ImportError, SuspiciousOperation) as error:  # its task's path names no task
            return f"The task queue could not run this job: {error}"
        if result.status == TaskResultStatus.FAILED:
            errors = "; ".join(error.traceback.strip().splitlines()[-1] for error in result.errors)
            return f"The task queue could not run this job: {errors}"
    return ""


def reap(kind):
    """Record as failed the jobs of kind that `lost` finds, removing a dead worker's files."""
    for job in kind.select().filter(status__in=[QUEUED, RUNNING]):
        reason = lost(kind, job)
        if not reason:
            continue
        if job.status == RUNNING:
            kind.abandoned(job)
        finish(job, FAILED, reason)


def as_seen(kind, job):
    """The job as its page shows it: failed, in memory only, when `lost` says it is."""
    reason = lost(kind, job)
    if reason:
        job.status = FAILED
        add_line(job, reason)
    return job
