"""With TASKS_REDIS_URL, the studio's tasks go to Redis and RQ workers run them.

Configuration alone switches the queue (heroproject/settings.py): the real site under gunicorn
with TASKS_REDIS_URL pointing at a real redis-server (Debian's package, installed by
scripts/install.sh) on a free loopback port; staff queue a training through the studio's form,
`manage.py rqworker` (django_rq's command; settings.RQ names django_tasks_rq's job class) runs
it, and the studio shows the new version, inactive, waiting to be compared and activated.
"""

import json
import shutil
import subprocess
import sys
from urllib.parse import urljoin

import requests

from tests.factories import TRAINING_FORM
from tests.live_site import ROOT
from tests.test_redis_rate_limit import redis_url  # noqa: F401 - a fixture, used by name

TINY = {**TRAINING_FORM, "epochs": 2, "augment_copies": 0}
# The worker's command: django_tasks_rq's README asks for its job class (RQ's own cannot call a
# django_tasks Task).
RQ_WORKER = ["rqworker", "default"]
BACKEND = """
from django_tasks import task_backends
from django_tasks_db.models import DBTaskResult
print(type(task_backends["default"]).__name__, DBTaskResult.objects.count())
"""
STATE = """
import json
from django_tasks import default_task_backend
from classifier.models import ModelVersion
from studio.models import TrainingJob
job = TrainingJob.objects.get(pk={pk})
result = default_task_backend.get_result(job.task_id)
print(json.dumps({{
    "status": job.status, "log": job.log, "version": job.version and job.version.number,
    "task": [result.status, result.return_value if result.is_finished else None],
    "active": list(ModelVersion.objects.filter(active=True).values_list("number", flat=True)),
}}))
"""


def log_in_as_staff(site):
    username, password = "staff", "rq-staff-password"
    site.shell(
        "from django.contrib.auth.models import User; "
        f"User.objects.create_superuser({username!r}, 'staff@example.org', {password!r})"
    )
    session = requests.Session()
    session.get(f"{site.url}/admin/login/", timeout=30).raise_for_status()
    response = session.post(
        f"{site.url}/admin/login/",
        data={
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
            "next": "/admin/",
        },
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302, response.text[:500]
    return session


def test_a_training_queued_on_redis_is_run_by_an_rq_worker(
    redis_url,  # noqa: F811 - the fixture imported above
    start_site,
    shapes_dir,
):
    site = start_site(env={"TASKS_REDIS_URL": redis_url})
    shutil.copytree(shapes_dir, site.data_dir / "datasets" / "shapes")
    assert site.shell(BACKEND) == "RQBackend 0"
    staff = log_in_as_staff(site)

    response = staff.post(
        f"{site.url}/studio/shapes/train/",
        data={**TINY, "csrfmiddlewaretoken": staff.cookies["csrftoken"]},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302, f"{response.text[:500]}\n{site.log_tail()}"
    job_url = urljoin(site.url, response.headers["Location"])
    pk = int(job_url.rstrip("/").rpartition("/")[2])
    state = json.loads(site.shell(STATE.format(pk=pk)))
    assert state["status"] == "queued" and state["task"] == ["READY", None], state
    assert site.shell(BACKEND) == "RQBackend 0", "queued in the database, not on Redis"

    worker = subprocess.run(
        [sys.executable, "manage.py", *RQ_WORKER, "--burst"],
        cwd=ROOT,
        env={**site.env, "TF_CPP_MIN_LOG_LEVEL": "2"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = f"rqworker output (tail):\n{worker.stderr[-4000:]}"
    assert worker.returncode == 0, output
    state = json.loads(site.shell(STATE.format(pk=pk)))
    assert state["status"] == "succeeded", f"{state['log']}\n{output}"
    assert state["version"] == 2 and state["active"] == [1], state
    assert state["task"] == ["SUCCESSFUL", "succeeded"], f"{state}\n{output}"

    page = staff.get(job_url, timeout=30)
    assert page.status_code == 200, f"{page.text[:500]}\n{site.log_tail()}"
    assert "Trained" in page.text and "Activate version 2" in page.text, page.text[:2000]
