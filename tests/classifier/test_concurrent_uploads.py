"""32 uploads at once through the real server (gunicorn, several workers): all stored.

SQLite always; PostgreSQL too when DATABASE_URL points at a PostgreSQL server, in a database made
for the run and dropped after it (the URL's user must be allowed to create databases).
"""

import os
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest
import requests

from tests.live_site import fresh_database

UPLOADS = 32
COUNT = "from classifier.models import Prediction; print(Prediction.objects.count())"
VENDOR = "from django.db import connection; print(connection.vendor)"
POSTGRES_SCHEMES = {"postgres", "postgresql"}


@pytest.fixture
def database_url(request):
    """The DATABASE_URL of a fresh database for the site, or None for its own SQLite file."""
    if request.param == "sqlite":
        yield None
        return
    server = os.environ.get("DATABASE_URL", "")
    if urlsplit(server).scheme not in POSTGRES_SCHEMES:
        reason = "it names another database" if server else "it is unset"
        pytest.skip(
            "PostgreSQL runs need DATABASE_URL=postgres://USER:PASSWORD@HOST:PORT/DB, a user who "
            f"may create databases ({reason})"
        )
    with fresh_database(server) as url:
        yield url


@pytest.mark.parametrize("database_url", ["sqlite", "postgres"], indirect=True)
def test_32_concurrent_uploads_all_succeed_and_are_stored(database_url, start_site, shapes_dir):
    env = {"GUNICORN_WORKERS": "3", "GUNICORN_THREADS": "4"}
    if database_url:
        env["DATABASE_URL"] = database_url
    site = start_site(env=env)
    pictures = sorted(shapes_dir.rglob("*.png"))
    images = [pictures[i % len(pictures)] for i in range(UPLOADS)]

    def upload(path):
        with path.open("rb") as image:
            return requests.post(
                f"{site.url}/api/classify/shapes", files={"image": image}, timeout=60
            )

    with ThreadPoolExecutor(UPLOADS) as pool:
        responses = list(pool.map(upload, images))
    assert [r.status_code for r in responses] == [200] * UPLOADS, [r.text for r in responses]
    ids = {r.json()["prediction_id"] for r in responses}
    assert len(ids) == UPLOADS
    assert site.shell(COUNT) == str(UPLOADS)
    assert site.shell(VENDOR) == ("postgresql" if database_url else "sqlite")
