"""The active model's files deleted or damaged while the real site runs under gunicorn.

Classification answers 503 with a message, every other page keeps working, and activating an
intact version (as an operator or the admin action does) recovers it without restarting gunicorn.
"""

import os
import shutil

import pytest
import requests

from tests.faults.helpers import activate_copy, classify, gunicorn_pids, model_dir
from tests.model_damage import (
    change_one_weight,
    fill_weights_with_nan,
    overwrite_with_garbage,
    tflite,
    truncate,
)

OTHER_PAGES = ["/", "/classifiers/shapes/", "/names/", "/api/names?count=3"]
DAMAGE = {
    "deleted": shutil.rmtree,
    "truncated": truncate,
    "garbage-same-size": overwrite_with_garbage,
    "nan-weights": fill_weights_with_nan,
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_damaged_model_answers_503_until_an_intact_version_is_activated(
    start_site, trained_shapes, shape_picture, damage
):
    site = start_site()
    for _ in range(4):  # loads the model in the workers
        assert classify(site, shape_picture).status_code == 200, site.log_tail()
    pids = gunicorn_pids(site)

    DAMAGE[damage](model_dir(site, 1))
    for _ in range(4):
        response = classify(site, shape_picture)
        assert response.status_code == 503, f"{response.text[:500]}\n{site.log_tail()}"
        assert "shapes v1" in response.json()["error"]
    for page in OTHER_PAGES:
        response = requests.get(site.url + page, timeout=30)
        assert response.status_code == 200, f"{page}: {response.status_code}\n{site.log_tail()}"

    activate_copy(site, trained_shapes[1], number=2)
    for _ in range(4):
        response = classify(site, shape_picture)
        assert response.status_code == 200, f"{response.text[:500]}\n{site.log_tail()}"
        assert response.json()["model_version"] == 2
    assert gunicorn_pids(site) == pids, f"gunicorn or a worker restarted\n{site.log_tail()}"


def test_damage_keeping_size_and_mtime_is_refused_at_the_next_load(
    start_site, trained_shapes, shape_picture
):
    """serving.py tells files apart by their (mtime, size): a worker that loaded the model keeps
    answering from the intact copy in memory; the next load compares the files with the sha256
    recorded in manifest.json and refuses them."""
    site = start_site(env={"GUNICORN_WORKERS": "1"})
    before = classify(site, shape_picture)
    assert before.status_code == 200, site.log_tail()
    stat = tflite(model_dir(site, 1)).stat()
    change_one_weight(model_dir(site, 1))
    os.utime(tflite(model_dir(site, 1)), ns=(stat.st_atime_ns, stat.st_mtime_ns))

    still = classify(site, shape_picture)
    assert still.status_code == 200, f"{still.text[:500]}\n{site.log_tail()}"
    assert still.json()["probabilities"] == before.json()["probabilities"]

    activate_copy(site, trained_shapes[1], number=2)
    assert classify(site, shape_picture).json()["model_version"] == 2
    site.shell(
        "from classifier.models import ModelVersion; from heroproject.versions import make_active; "
        "make_active(ModelVersion.objects.get(classifier__slug='shapes', number=1))"
    )
    again = classify(site, shape_picture)
    assert again.status_code == 503, f"{again.text[:500]}\n{site.log_tail()}"
    assert "model.tflite is damaged" in again.json()["error"]
