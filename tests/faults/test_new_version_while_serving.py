"""Training and activating a new version while the real site keeps classifying with the old one."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from tests.faults.helpers import activate_copy, classify

TRAIN = ["--input-size", "96", "--epochs", "2", "--no-augment", "--seed", "1", "--fine-tune", "0"]
TRAIN += ["--backbone", "efficientnet_lite0"]


def test_no_request_fails_while_a_new_version_is_trained_and_activated(
    start_site, shapes_dir, shape_picture
):
    site = start_site()
    answers = []  # (status, model_version or error text), in order
    stop = threading.Event()

    def keep_classifying():
        while not stop.wait(0.05):
            try:
                response = classify(site, shape_picture)
            except requests.RequestException as error:
                answers.append((None, repr(error)))
            else:
                ok = response.status_code == 200
                version = response.json()["model_version"] if ok else response.text
                answers.append((response.status_code, version))

    client = threading.Thread(target=keep_classifying, daemon=True)
    client.start()
    try:
        output = site.manage("train_classifier", "shapes", "--data", str(shapes_dir), *TRAIN)
        trained_at = len(answers)
        deadline = time.monotonic() + 60
        while len(answers) < trained_at + 4 and time.monotonic() < deadline:
            time.sleep(0.1)  # a few answers from the new version
    finally:
        stop.set()
        client.join(60)

    assert "Saved shapes v2 (active)" in output, output
    failed = [answer for answer in answers if answer[0] != 200]
    assert not failed, f"{failed[:5]}\n{site.log_tail()}"
    versions = [version for _, version in answers]
    assert versions[:trained_at].count(1) >= 5, versions  # the old one served during training
    # At most the one request in flight when training finished may still get the old version.
    assert set(versions[trained_at + 1 :]) == {2}, versions
    response = classify(site, shape_picture)
    assert response.json()["model_version"] == 2, response.text


def test_every_worker_serves_an_activated_version_from_its_next_request(
    start_site, trained_shapes, shape_picture
):
    """Workers keep the active version between requests (heroproject.stamps): an activation by
    another process, an operator's shell here, is seen by the next request of each of them (16
    clients at once keep both workers and all their threads busy)."""
    site = start_site()

    def versions():
        answers = clients.map(lambda _: classify(site, shape_picture), range(48))
        return {answer.json()["model_version"] for answer in answers}

    with ThreadPoolExecutor(max_workers=16) as clients:
        assert versions() == {1}, site.log_tail()
        activate_copy(site, trained_shapes[1], number=2)
        assert versions() == {2}, site.log_tail()
