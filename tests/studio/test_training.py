"""Training from the studio: a job queued by the form, run by the task backend, its progress,
cancelling, a dead worker's job reaped, the new version compared, activated and rolled back."""

import os
import re
import shutil
import subprocess
import sys
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from classifier.models import ModelVersion, Prediction
from mlcore.storage import model_dirs
from studio import jobs, runner, training
from studio.models import TrainingJob
from tests.factories import TRAINING_FORM

pytestmark = pytest.mark.django_db
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
TINY = {**TRAINING_FORM, "epochs": 3, "augment_copies": 1}


@pytest.fixture
def dataset(settings, tmp_path, shapes_dir):
    settings.DATASETS_DIR = tmp_path / "datasets"
    shutil.copytree(shapes_dir, settings.DATASETS_DIR / "shapes")
    return settings.DATASETS_DIR / "shapes"


def test_a_job_trains_compares_and_waits_to_be_activated(
    admin_client, settings, shapes_classifier, dataset, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/studio/shapes/train/", TINY)
    job = TrainingJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/studio/jobs/{job.pk}/"
    assert job.status == TrainingJob.Status.SUCCEEDED, job.log
    assert job.task_id and job.worker and job.started <= job.finished
    assert [epoch["epoch"] for epoch in job.history][:1] == [1]
    assert {"loss", "val_loss", "accuracy", "val_accuracy"} <= job.history[-1].keys()
    version = job.version
    assert version.number == 2 and not version.active
    assert ModelVersion.objects.get(active=True).number == 1
    assert job.comparison["old_number"] == 1 and job.comparison["new_number"] == 2
    splits = {split["split"]: split for split in job.comparison["splits"]}
    assert splits["new"]["count"] == version.metrics["count"]
    assert 0 <= splits["old"]["new"]["accuracy"] <= 1

    page = admin_client.get(job.get_absolute_url()).content.decode()
    assert "Activate version 2" in page and "v1 accuracy" in page and "<polyline" in page
    verdict = r"v2 (is right on \d+ (more|fewer) of \d+ test images than v1|and v1 are right)"
    assert re.search(verdict, page)
    assert "Only " in page and "test images: each one moves" in page  # a 20% split of 30 images
    assert 0.5 < job.overall < 1  # saving and comparing are left when the epochs end

    picture = (dataset / "red_circle" / "000.png").read_bytes()
    tried = admin_client.post(
        f"/studio/jobs/{job.pk}/try",
        {"image": SimpleUploadedFile("a.png", picture)},
        headers={"HX-Request": "true"},
    )
    assert tried.status_code == 200 and "v2 says" in tried.content.decode()
    refused = admin_client.post(
        f"/studio/jobs/{job.pk}/try",
        {"image": SimpleUploadedFile("a.png", b"not an image")},
        headers={"HX-Request": "true"},
    )
    assert refused.status_code == 400 and 'role="alert"' in refused.content.decode()
    assert not Prediction.objects.exists()  # trying stores nothing
    admin_client.post(f"/studio/jobs/{job.pk}/activate")
    assert ModelVersion.objects.get(active=True).number == 2
    admin_client.post("/studio/shapes/roll-back")
    assert ModelVersion.objects.get(active=True).number == 1


def test_a_queued_job_says_what_it_waits_for_and_can_be_cancelled(
    admin_client, settings, shapes_classifier, dataset, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY  # nothing runs the queue
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            admin_client.post("/studio/shapes/train/", TINY)
    first, second = TrainingJob.objects.order_by("pk")
    assert second.task_id
    page = admin_client.get(second.get_absolute_url(), headers={"HX-Request": "true"})
    assert (
        "behind 1 job" in page.content.decode() and 'hx-trigger="every 2s"' in page.content.decode()
    )
    admin_client.post(f"/studio/jobs/{first.pk}/cancel")
    first.refresh_from_db()
    assert first.status == TrainingJob.Status.CANCELLED
    # a worker that gets it later
    assert runner.run(training.TRAINING, first.pk) == TrainingJob.Status.CANCELLED
    assert not ModelVersion.objects.filter(number=2).exists()


def test_a_running_job_stops_at_its_next_step_when_cancelled(shapes_classifier, dataset):
    job = TrainingJob.objects.create(classifier=shapes_classifier, options={})
    progress = training.TRAINING.progress(job)
    progress("images", 1, 10)
    TrainingJob.objects.filter(pk=job.pk).update(cancel_requested=True)
    with pytest.raises(runner.Cancelled):
        progress("phase", "head", 5)
    job.refresh_from_db()
    assert job.stage == "Training (head)" and job.total == 5


def test_bad_training_options_are_a_400_with_messages(admin_client, shapes_classifier):
    response = admin_client.post("/studio/shapes/train/", {**TINY, "epochs": 0, "backbone": "x"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not TrainingJob.objects.exists()


def test_visitors_cannot_reach_the_training_pages(client, shapes_classifier):
    job = TrainingJob.objects.create(classifier=shapes_classifier, options={})
    for url in ("/studio/shapes/train/", f"/studio/jobs/{job.pk}/"):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    response = client.post(f"/studio/jobs/{job.pk}/cancel")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    job.refresh_from_db()
    assert not job.cancel_requested


def test_the_job_of_a_killed_worker_is_failed_and_its_files_removed(
    settings, shapes_classifier, tmp_path
):
    settings.MODELS_DIR = tmp_path / "models"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    folder = settings.MODELS_DIR / "classifiers" / "shapes"
    host = runner.this_worker().rpartition(":")[0]
    model_dirs.stage(folder, lambda f: (f / "half.keras").write_text("half"))  # ours: kept
    staged_by_dead = folder / f"{model_dirs.staging_prefix(host, dead.pid)}x"
    staged_by_dead.mkdir(parents=True)
    job = TrainingJob.objects.create(
        classifier=shapes_classifier,
        options={},
        status=TrainingJob.Status.RUNNING,
        worker=f"{host}:{dead.pid}",
    )
    alive = TrainingJob.objects.create(
        classifier=shapes_classifier,
        options={},
        status=TrainingJob.Status.RUNNING,
        worker=runner.this_worker(),
        heartbeat=job.created,
    )
    runner.reap(training.TRAINING)
    job.refresh_from_db()
    alive.refresh_from_db()
    assert job.status == TrainingJob.Status.FAILED and "stopped while training" in job.log
    assert alive.status == TrainingJob.Status.RUNNING
    assert not staged_by_dead.exists()
    assert len(list(folder.glob(model_dirs.staging_prefix() + "*"))) == 1
    assert os.getpid() != dead.pid


@pytest.fixture
def lost_job(admin_client, settings, shapes_classifier, django_capture_on_commit_callbacks):
    """A job queued in the database whose task the queue failed."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post("/studio/shapes/train/", TINY)
    job = TrainingJob.objects.get()
    task = DBTaskResult.objects.get(id=job.task_id)
    task.set_failed(RuntimeError("the worker could not import the task"))
    return job


def test_a_queued_job_whose_task_failed_says_so(admin_client, lost_job):
    job = lost_job
    page = admin_client.get(job.get_absolute_url()).content.decode()
    assert "Failed" in page and "could not import the task" in page
    job.refresh_from_db()
    assert job.status == TrainingJob.Status.QUEUED  # the page only reads: a worker records it
    runner.reap(training.TRAINING)  # what a worker does before each job it runs
    job.refresh_from_db()
    assert job.status == TrainingJob.Status.FAILED
    assert "could not run this job" in job.log and "could not import the task" in job.log


def test_a_job_no_worker_takes_says_that_none_seems_to_run(
    admin_client, shapes_classifier, settings
):
    settings.TASKS = DUMMY
    job = TrainingJob.objects.create(classifier=shapes_classifier, options={})
    assert "No task worker" not in admin_client.get(job.get_absolute_url()).content.decode()
    TrainingJob.objects.filter(pk=job.pk).update(created=job.created - jobs.UNCLAIMED_LIMIT * 2)
    assert (
        "No task worker has taken a job"
        in admin_client.get(job.get_absolute_url()).content.decode()
    )


def test_the_time_left_is_estimated_from_the_share_done(shapes_classifier):
    now = timezone.now()
    job = TrainingJob(
        classifier=shapes_classifier, options={}, status=TrainingJob.Status.RUNNING, overall=0.25
    )
    job.started = now - timedelta(minutes=2)
    assert training.time_left(job, now) == "about 6 min left"
    job.overall = 0.9
    assert training.time_left(job, now) == "under a minute left"
    job.overall = 0.01
    assert training.time_left(job, now) == ""  # too early to say
    assert training.planned_units({"fine_tune": 0}) < training.planned_units({"fine_tune": 40})
    assert training.planned_units({"cv": 5}) > 4 * training.planned_units(
        {}
    )  # six trainings, one scan


def dead_worker():
    """host:pid of a process of this host that has ended."""
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    return f"{runner.this_worker().rpartition(':')[0]}:{dead.pid}"


def test_a_get_of_the_job_page_writes_nothing(admin_client, shapes_classifier, lost_job):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    killed = TrainingJob.objects.create(
        classifier=shapes_classifier, options={}, status=TrainingJob.Status.RUNNING
    )
    TrainingJob.objects.filter(pk=killed.pk).update(worker=dead_worker())
    before = list(TrainingJob.objects.order_by("pk").values())
    for job in (lost_job, killed):
        for headers in ({}, {"HX-Request": "true"}):
            with CaptureQueriesContext(connection) as queries:
                page = admin_client.get(job.get_absolute_url(), headers=headers)
            assert page.status_code == 200 and "Failed" in page.content.decode()
            writes = [
                query["sql"]
                for query in queries
                if query["sql"].lstrip().split()[0].upper() in ("INSERT", "UPDATE", "DELETE")
            ]
            assert not writes, writes
    assert "stopped while training" in admin_client.get(killed.get_absolute_url()).content.decode()
    assert list(TrainingJob.objects.order_by("pk").values()) == before


def test_the_stages_are_the_progress_protocols(shapes_classifier):
    from mlcore.training import progress as events

    job = TrainingJob.objects.create(classifier=shapes_classifier, options={"cv": 2})
    progress = training.TRAINING.progress(job)
    for event in [("scan", 3, 10), ("fold", 1, 2), ("images", 1, 10), ("features", 2, 10)]:
        progress(*event)
        assert job.stage == events.title(*event)  # written at most every REFRESH_SECONDS
    progress("saving")  # a new stage: written at once
    job.refresh_from_db()
    assert job.stage == events.title("saving") == "Saving and checking the new version"


def test_a_running_jobs_heartbeat_reaps_a_dead_workers_job(shapes_classifier, monkeypatch):
    monkeypatch.setattr(runner, "REAP_SECONDS", 0)
    alive = TrainingJob.objects.create(
        classifier=shapes_classifier,
        options={},
        status=TrainingJob.Status.RUNNING,
        worker=runner.this_worker(),
    )
    dead = TrainingJob.objects.create(
        classifier=shapes_classifier,
        options={},
        status=TrainingJob.Status.RUNNING,
        worker=dead_worker(),
    )
    training.TRAINING.progress(alive)("phase", "head", 3)
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == TrainingJob.Status.FAILED and "stopped while training" in dead.log
    assert alive.status == TrainingJob.Status.RUNNING and alive.heartbeat
