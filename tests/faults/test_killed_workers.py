"""Every gunicorn worker killed (SIGKILL) while uploads arrive, three times, then the master too.

What the OOM killer, a container stopped past its grace period or a crashed host does: whatever
was answered 200 is stored with its original, `check_predictions --repair` draws the thumbnails
not drawn yet (an API prediction's is drawn when first shown) and leaves no row naming a missing
file and no file without a row, and the restarted site serves again.
"""

import io
import json
import os
import signal
import threading
import time

import numpy as np
import requests
from PIL import Image

from tests.faults.helpers import live_workers

CLIENTS = 8
KILLS = 3
FILES = """
import json
from django.core.files.storage import default_storage
from classifier.models import Prediction
rows = Prediction.objects.filter(pk__in={ids!r})
print(json.dumps({{
    p.pk: [bool(f) and default_storage.exists(f.name) for f in (p.thumbnail, p.original)]
    for p in rows
}}))
"""


def photo():
    """A photo-sized JPEG (1600 x 1200, about 1 MB of noise): slow enough to be caught mid-write."""
    pixels = np.random.default_rng(0).integers(0, 256, (1200, 1600, 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "JPEG", quality=80)
    return out.getvalue()


def wait_until(condition, seconds=60, what="the condition"):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def wait_for_more(answered, count):
    target = len(answered) + count
    wait_until(lambda: len(answered) >= target, what=f"{count} more uploads to go through")


def kill_workers(site):
    """SIGKILL every worker; returns when the master has booted as many new ones."""
    workers = set(live_workers(site))
    for pid in workers:
        os.kill(pid, signal.SIGKILL)
    wait_until(
        lambda: len(set(live_workers(site)) - workers) >= len(workers),
        what=f"new workers\n{site.log_tail()}",
    )


def test_uploads_answered_200_survive_killed_workers(start_site):
    site = start_site()
    picture = photo()
    answered, failures = [], []
    stop = threading.Event()

    def client():
        session = requests.Session()
        while not stop.is_set():
            try:
                response = session.post(
                    f"{site.url}/api/classify/shapes",
                    files={"image": ("photo.jpg", picture)},
                    timeout=30,
                )
            except requests.RequestException:
                session = requests.Session()  # its connection died with the worker
                continue
            if response.status_code == 200:
                answered.append(response.json()["prediction_id"])
            else:
                failures.append((response.status_code, response.text[:200]))

    clients = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in clients:
        thread.start()
    try:
        for _ in range(KILLS):
            wait_for_more(answered, 10)
            kill_workers(site)
        wait_for_more(answered, 20)
        for pid in live_workers(site):
            os.kill(pid, signal.SIGKILL)
        site.process.kill()
        site.process.wait()
    finally:
        stop.set()
        for thread in clients:
            thread.join()
    assert not failures, failures[:5]

    site.start()
    files = json.loads(site.shell(FILES.format(ids=answered)))
    assert len(files) == len(answered), "answered 200, but the row is gone"
    # The original is stored before the answer; the thumbnail is drawn when first shown.
    assert all(original for _, original in files.values()), {
        pk: exists for pk, exists in files.items() if not exists[1]
    }

    report = site.manage("check_predictions", "--repair", "--min-age", "0")
    assert "cannot come back" not in report, report
    # The repair drew the thumbnails from the originals (of rows whose answer never left, too),
    # and deleted what uploads killed before their row committed left behind.
    files = json.loads(site.shell(FILES.format(ids=answered)))
    assert all(exists == [True, True] for exists in files.values()), report
    assert "Every prediction has its files" in site.manage("check_predictions", "--min-age", "0")
    again = requests.post(
        f"{site.url}/api/classify/shapes", files={"image": ("photo.jpg", picture)}, timeout=30
    )
    assert again.status_code == 200, f"{again.text[:500]}\n{site.log_tail()}"
