"""A web server installed from the serving set alone (requirements.txt, no TensorFlow) runs the
whole site on models trained elsewhere and brought in as bundles.

Creates a fresh virtualenv with pip (the package index must be reachable: skipped otherwise),
checks that TensorFlow cannot be imported there, imports bundles of the session's models with
import_model, and serves the pages, a classification, names, quotes, the admin and the studio
under gunicorn from that virtualenv.
"""

import io
import re
import subprocess
import sys

import pytest
import requests
from django.core.management import call_command

from tests.factories import TRAINING_FORM
from tests.live_site import ROOT, LiveSite

pytestmark = pytest.mark.django_db
PIP_SECONDS = 900


@pytest.fixture(scope="session")
def web_python(tmp_path_factory):
    venv = tmp_path_factory.mktemp("web-venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    installed = subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "-r", str(ROOT / "requirements.txt")],
        capture_output=True,
        text=True,
        timeout=PIP_SECONDS,
    )
    if installed.returncode:
        pytest.skip(f"pip could not install the serving set:\n{installed.stderr[-2000:]}")
    return python


def test_the_serving_set_serves_the_site_without_tensorflow(
    web_python, tmp_path, shapes_classifier, name_model, shapes_dir, collected_static
):
    probe = subprocess.run([web_python, "-c", "import tensorflow"], capture_output=True, text=True)
    assert probe.returncode != 0 and "No module named 'tensorflow'" in probe.stderr
    bundles = []
    for slug in ("shapes", "names"):
        bundles.append(tmp_path / f"{slug}.zip")
        call_command("export_model", slug, str(bundles[-1]), stdout=io.StringIO())

    site = LiveSite.prepare(tmp_path / "data", static_root=collected_static, python=web_python)
    for bundle in bundles:
        assert "Imported" in site.manage("import_model", str(bundle), "--activate")
    site.shell(
        "from django.contrib.auth.models import User; "
        "User.objects.create_superuser('admin', 'a@example.com', 'pw-admin-123')"
    )
    site.start()
    try:
        assert "Shapes" in requests.get(site.url + "/", timeout=30).text
        with (shapes_dir / "red_circle" / "000.png").open("rb") as image:
            answer = requests.post(
                site.url + "/api/classify/shapes", files={"image": image}, timeout=60
            )
        assert answer.status_code == 200, site.log_tail()
        assert answer.json()["label"] in ("red_circle", "green_square", "blue_triangle")
        names = requests.get(site.url + "/api/names?count=5", timeout=30).json()["names"]
        assert len(names) == 5
        assert "quote-text" in requests.get(site.url + "/names/", timeout=30).text

        staff = requests.Session()
        login = staff.get(site.url + "/admin/login/", timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text)[1]
        staff.post(
            site.url + "/admin/login/",
            data={"username": "admin", "password": "pw-admin-123", "csrfmiddlewaretoken": token},
            headers={"Referer": site.url + "/admin/login/"},
            timeout=30,
        )
        listing = staff.get(site.url + "/admin/classifier/prediction/", timeout=30)
        assert listing.status_code == 200 and "thumbnail.jpg" in listing.text
        train = staff.get(site.url + "/studio/shapes/train/", timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', train.text)[1]
        queued = staff.post(
            site.url + "/studio/shapes/train/",
            data={**TRAINING_FORM, "epochs": 2, "augment_copies": 1, "csrfmiddlewaretoken": token},
            headers={"Referer": site.url + "/studio/shapes/train/"},
            timeout=30,
        )
        assert queued.status_code == 200 and "Waiting in the queue" in queued.text, queued.text
        assert "Traceback" not in site.log()
    finally:
        site.stop()
