"""What fault tests do to the real site under gunicorn (the `start_site` fixture)."""

import re
import shutil

import requests

REGISTER_VERSION = """
from classifier.models import ModelVersion
from heroproject.versions import make_active
old = ModelVersion.objects.get(classifier__slug="shapes", number=1)
make_active(ModelVersion.objects.create(
    classifier=old.classifier, number={number}, backbone=old.backbone, input_size=old.input_size,
    labels=old.labels, metrics=old.metrics, dataset_summary=old.dataset_summary,
    directory="classifiers/shapes/v{number}", training_seconds=1,
))
"""


def classify(site, picture, timeout=60):
    return requests.post(
        f"{site.url}/api/classify/shapes", files={"image": ("p.png", picture)}, timeout=timeout
    )


def model_dir(site, number=1):
    return site.data_dir / f"models/classifiers/shapes/v{number}"


def activate_copy(site, source, number):
    """What an operator does: put intact model files in place, register them, activate them."""
    shutil.copytree(source, model_dir(site, number))
    site.shell(REGISTER_VERSION.format(number=number))


def gunicorn_pids(site):
    """The master's pid and those of the workers it has booted: a restart adds or changes one."""
    assert site.process.poll() is None, f"gunicorn stopped\n{site.log_tail()}"
    workers = re.findall(r"Booting worker with pid: (\d+)", site.log())
    return site.process.pid, sorted(int(pid) for pid in workers)


def live_workers(site):
    """The pids of the workers the gunicorn master has now."""
    pid = site.process.pid
    return [int(child) for child in open(f"/proc/{pid}/task/{pid}/children").read().split()]
