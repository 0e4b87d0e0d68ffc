"""32 uploads at once through the real server (gunicorn, several workers): all stored.

SQLite by default; the same test runs against PostgreSQL when DATABASE_URL points at one.
"""

from concurrent.futures import ThreadPoolExecutor

import requests

UPLOADS = 32
COUNT = "from classifier.models import Prediction; print(Prediction.objects.count())"


def test_32_concurrent_uploads_all_succeed_and_are_stored(start_site, shapes_dir):
    site = start_site(env={"GUNICORN_WORKERS": "3", "GUNICORN_THREADS": "4"})
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
