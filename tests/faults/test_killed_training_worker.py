"""A training worker killed (SIGKILL) while it writes the new version's files.

What the OOM killer or a container stopped past its grace period does to `manage.py db_worker`
mid-job: no version is half-written (no row, no v<N> directory), the next worker's job runs to
success, and the killed job is then marked failed with its log kept and the files the killed
process was staging removed (studio.runner.reap, mlcore.storage.model_dirs).

The real site's data directory (LiveSite), real worker processes, the studio's training form
for the options; the database is polled with sqlite3, the worker killed while its staging
directory under MODELS_DIR holds model.keras (the TFLite export that follows takes seconds).
"""

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time

import pytest

from tests.factories import TRAINING_FORM
from tests.live_site import ROOT, LiveSite

LONG = {**TRAINING_FORM, "epochs": 200, "augment_copies": 3}
TINY = {**TRAINING_FORM, "epochs": 2, "augment_copies": 0}
START = """
from classifier.models import ImageClassifier
from studio.forms import TrainingForm
from studio.jobs import start_training
shapes = ImageClassifier.objects.get(slug="shapes")
pks = []
for data in ({long!r}, {tiny!r}):
    form = TrainingForm(data)
    assert form.is_valid(), form.errors
    pks.append(start_training(shapes, form.options(), requested_by="fault-test").pk)
print(*pks)
"""
STATE = """
import json
from classifier.models import ModelVersion
from studio.models import TrainingJob
print(json.dumps({
    "jobs": {
        job.pk: {
            "status": job.status, "log": job.log, "worker": job.worker,
            "version": job.version and job.version.number,
        }
        for job in TrainingJob.objects.all()
    },
    "versions": sorted(
        (v.number, v.directory, v.active) for v in ModelVersion.objects.filter(
            classifier__slug="shapes"
        )
    ),
}))
"""


@pytest.fixture
def site(tmp_path, trained_shapes, shapes_dir):
    site = LiveSite.prepare(tmp_path / "site", shapes=trained_shapes)
    shutil.copytree(shapes_dir, site.data_dir / "datasets" / "shapes")
    return site


@pytest.fixture
def workers(site):
    """Starts `manage.py db_worker` processes on the site; those still running end with the test."""
    started = []

    def start(*options):
        log = (site.data_dir / "worker.log").open("ab")
        command = [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"]
        process = subprocess.Popen(
            [*command, "--interval", "0.5", *options],
            cwd=ROOT,
            env={**site.env, "TF_CPP_MIN_LOG_LEVEL": "2"},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


def worker_log(site, lines=40):
    text = (site.data_dir / "worker.log").read_text(errors="replace")
    return "worker log (tail):\n" + "\n".join(text.splitlines()[-lines:])


def job_row(site, pk):
    """The job's status, stage and worker, read straight from the site's SQLite database."""
    with sqlite3.connect(site.data_dir / "db.sqlite3", timeout=10) as db:
        return db.execute(
            "SELECT status, stage, worker, version_id FROM studio_trainingjob WHERE id = ?", (pk,)
        ).fetchone()


def wait_until(condition, worker, site, what, seconds=120, every=0.1):
    deadline = time.monotonic() + seconds
    while not (found := condition()):
        assert worker.poll() is None, f"the worker exited waiting for {what}\n{worker_log(site)}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}\n{worker_log(site)}"
        time.sleep(every)
    return found


def test_a_killed_training_leaves_no_version_and_the_next_job_runs(site, workers):
    long_job, tiny_job = map(int, site.shell(START.format(long=LONG, tiny=TINY)).split())
    folder = site.data_dir / "models" / "classifiers" / "shapes"
    worker = workers()
    staging = f".staging-{socket.gethostname()}-{worker.pid}-"

    row = wait_until(
        lambda: (row := job_row(site, long_job))[:2] == ("running", "Training (head)") and row,
        worker,
        site,
        "the first job's training phase",
    )
    assert row[2] == f"{socket.gethostname()}:{worker.pid}"
    # Killed while it writes the version's files: staged, not yet named v2 nor recorded.
    staged = wait_until(
        lambda: [path.parent for path in folder.glob(f"{staging}*/model.keras")],
        worker,
        site,
        "the new version's files being written",
        every=0.01,
    )
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(10)

    assert all(path.is_dir() for path in staged), "the killed worker's files were already gone"
    assert sorted(path.name for path in folder.iterdir() if not path.name.startswith(".")) == ["v1"]
    state = json.loads(site.shell(STATE))
    assert state["versions"] == [[1, "classifiers/shapes/v1", True]]
    killed = state["jobs"][str(long_job)]
    assert killed["status"] == "running" and killed["version"] is None  # nobody knows yet

    # A new worker: it finds the dead one's job, fails it, removes its files, runs the next.
    second = workers("--batch")
    assert second.wait(180) == 0, worker_log(site)

    state = json.loads(site.shell(STATE))
    killed, tiny = state["jobs"][str(long_job)], state["jobs"][str(tiny_job)]
    assert killed["status"] == "failed" and killed["version"] is None, killed
    assert "stopped while training" in killed["log"], killed["log"]
    assert "Training (head): up to 200 epochs" in killed["log"], "the job's log was lost"
    assert tiny["status"] == "succeeded", f"{tiny['log']}\n{worker_log(site)}"
    assert tiny["worker"] == f"{socket.gethostname()}:{second.pid}"
    assert tiny["version"] == 2  # the killed job used no number
    assert state["versions"] == [
        [1, "classifiers/shapes/v1", True],
        [2, "classifiers/shapes/v2", False],
    ]
    assert not any(path.exists() for path in staged)
    assert sorted(path.name for path in folder.iterdir()) == ["v1", "v2"]
    assert job_row(site, long_job)[0] == "failed"
