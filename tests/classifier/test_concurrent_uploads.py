"""32 uploads at once through the real server (gunicorn, several workers, SQLite): all stored."""

import os
import shutil
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
UPLOADS = 32
COUNT = "from classifier.models import Prediction; print(Prediction.objects.count())"


def manage(env, *args):
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True
    )


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def site(tmp_path, trained_shapes):
    """gunicorn (3 workers x 4 threads) on a fresh data dir holding the tiny shapes model."""
    result, directory = trained_shapes
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "heroproject.settings",
        "DJANGO_SECRET_KEY": "concurrent-uploads-test-key-" + "x" * 30,
        "DJANGO_HTTPS": "0",
        "HEROPROJECT_DATA_DIR": str(tmp_path),
        "GUNICORN_WORKERS": "3",
        "GUNICORN_THREADS": "4",
    }
    shutil.copytree(directory, tmp_path / "models" / "classifiers" / "shapes" / "v1")
    manage(env, "migrate", "-v0")
    manage(
        env,
        "shell",
        "-c",
        "from classifier.models import ImageClassifier, ModelVersion\n"
        "c = ImageClassifier.objects.create(slug='shapes', title='Shapes')\n"
        f"ModelVersion.objects.create(classifier=c, number=1, backbone='efficientnet_lite0', "
        f"input_size={result.input_size}, labels={result.labels!r}, "
        "artifact_path='classifiers/shapes/v1', training_seconds=1).activate()",
    )
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "heroproject.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    yield f"http://127.0.0.1:{port}", env
    server.terminate()
    server.wait(30)


def test_32_concurrent_uploads_all_succeed_and_are_stored(site, shapes_dir):
    url, env = site
    pictures = sorted(shapes_dir.rglob("*.png"))
    images = [pictures[i % len(pictures)] for i in range(UPLOADS)]

    def upload(path):
        with path.open("rb") as image:
            return requests.post(f"{url}/api/classify/shapes", files={"image": image}, timeout=60)

    with ThreadPoolExecutor(UPLOADS) as pool:
        responses = list(pool.map(upload, images))
    assert [r.status_code for r in responses] == [200] * UPLOADS, [r.text for r in responses]
    ids = {r.json()["prediction_id"] for r in responses}
    assert len(ids) == UPLOADS
    count = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", COUNT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert count.stdout.strip().splitlines()[-1] == str(UPLOADS)
