"""POST /api/classify/<slug>: JSON answers, stored predictions, errors as JSON."""

import io
import json
import os
import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from PIL import Image

from classifier import recording
from classifier.models import ImageClassifier, Prediction
from heroproject.versions import make_active
from tests.classifier.uploading import BAD_UPLOADS, GOOD_UPLOADS, red_circle, upload

pytestmark = pytest.mark.django_db


def test_api_classify(client, shapes_classifier, shapes_dir):
    response = client.post("/api/classify/shapes", {"image": upload(red_circle(shapes_dir))})
    body = response.json()
    assert response.status_code == 200
    assert set(body) == {
        "label",
        "probability",
        "probabilities",
        "unsure",
        "model_version",
        "prediction_id",
    }
    assert body["label"] == max(body["probabilities"], key=body["probabilities"].get)
    assert body["model_version"] == 1 and Prediction.objects.get().pk == body["prediction_id"]
    assert "sessionid" not in response.cookies


def test_api_stores_the_original_before_the_answer_and_the_thumbnail_when_first_shown(
    admin_client, shapes_classifier, shapes_dir
):
    data = red_circle(shapes_dir)
    response = admin_client.post("/api/classify/shapes", {"image": upload(data)})
    prediction = Prediction.objects.get(pk=response.json()["prediction_id"])
    assert prediction.original.read() == data
    assert not default_storage.exists(prediction.thumbnail.name)  # no drawing for the answer
    thumbnail = admin_client.get(f"/predictions/{prediction.pk}/thumbnail.jpg")
    assert thumbnail.status_code == 200 and thumbnail["Content-Type"] == "image/jpeg"
    drawn = b"".join(thumbnail.streaming_content)
    assert Image.open(io.BytesIO(drawn)).format == "JPEG"
    assert prediction.thumbnail.read() == drawn  # stored under the name the row gave it


def test_an_api_predictions_heatmap_draws_its_thumbnail_once_under_its_own_name(
    admin_client, shapes_classifier, shapes_dir
):
    response = admin_client.post("/api/classify/shapes", {"image": upload(red_circle(shapes_dir))})
    prediction = Prediction.objects.get(pk=response.json()["prediction_id"])
    heatmap = admin_client.get(f"/predictions/{prediction.pk}/heatmap.png")
    assert heatmap.status_code == 200 and heatmap["Content-Type"] == "image/png"
    folder = os.path.dirname(prediction.thumbnail.name)
    stored = sorted(default_storage.listdir(folder)[1])
    assert os.path.basename(prediction.thumbnail.name) in stored
    drawn = prediction.thumbnail.read()
    prediction.thumbnail.close()
    thumbnail = admin_client.get(f"/predictions/{prediction.pk}/thumbnail.jpg")
    assert b"".join(thumbnail.streaming_content) == drawn
    assert sorted(default_storage.listdir(folder)[1]) == stored  # drawn once


def test_without_kept_originals_the_thumbnail_is_stored_before_the_answer(
    client, settings, shapes_classifier, shapes_dir
):
    settings.PREDICTIONS_KEEP_ORIGINALS = False
    response = client.post("/api/classify/shapes", {"image": upload(red_circle(shapes_dir))})
    prediction = Prediction.objects.get(pk=response.json()["prediction_id"])
    assert prediction.original.name == ""
    assert default_storage.exists(prediction.thumbnail.name)  # no wait for the writer thread


def test_api_needs_no_csrf_token(shapes_classifier, shapes_dir):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/classify/shapes", {"image": upload(red_circle(shapes_dir))})
    assert response.status_code == 200


def stored_originals():
    originals = default_storage.path("predictions/originals")
    return {f for _, _, files in os.walk(originals) for f in files}


@pytest.mark.parametrize(("data", "name", "hint"), BAD_UPLOADS)
def test_api_bad_uploads_are_json_400s(client, shapes_classifier, data, name, hint):
    before = stored_originals()  # other tests' uploads may share the media folder
    response = client.post("/api/classify/shapes", {"image": upload(data, name)})
    assert response.status_code == 400
    assert hint.lower() in response.json()["error"].lower()
    assert not Prediction.objects.exists()
    # An original whose write started before the image was refused is deleted once written.
    recording.original_writers.shutdown(wait=True, cancel_futures=False)
    recording.original_writers = ThreadPoolExecutor(max_workers=8)
    assert stored_originals() <= before


def test_no_file(client, shapes_classifier):
    response = client.post("/", {"classifier": "shapes"})
    assert response.status_code == 400 and "Choose an image" in response.content.decode()
    response = client.post("/api/classify/shapes", {})
    assert response.status_code == 400 and "multipart field 'image'" in response.json()["error"]


def test_a_classifier_without_a_model_is_a_503_saying_how_to_train(client, db, shapes_dir):
    ImageClassifier.objects.create(slug="heroes", title="Heroes")
    response = client.post("/api/classify/heroes", {"image": upload(red_circle(shapes_dir))})
    assert response.status_code == 503
    assert "train_classifier heroes --data DIR" in response.json()["error"]


def test_a_model_file_changed_on_disk_is_noticed_at_the_next_request(
    client, settings, shapes_classifier, shapes_dir
):
    changed = settings.MODELS_DIR / "classifiers/shapes/changed"
    version = shapes_classifier.versions.get(active=True)
    shutil.copytree(version.path, changed)
    version.pk, version.number, version.directory = None, 2, "classifiers/shapes/changed"
    version.active = False
    version.save()
    make_active(version)

    def classify():
        return client.post("/api/classify/shapes", {"image": upload(red_circle(shapes_dir))})

    try:
        assert classify().status_code == 200
        labels = json.loads((changed / "labels.json").read_text())
        (changed / "labels.json").write_text(json.dumps(labels[:-1]))
        response = classify()
        assert response.status_code == 503
        assert "labels.json is damaged" in response.json()["error"]
    finally:
        shutil.rmtree(changed)


@pytest.mark.parametrize("name", GOOD_UPLOADS)
def test_awkward_images_work(client, shapes_classifier, name):
    response = client.post("/api/classify/shapes", {"image": upload(GOOD_UPLOADS[name](), name)})
    assert response.status_code == 200, response.content
    assert Prediction.objects.count() == 1


def test_a_classification_costs_one_query_and_the_prediction_row(
    client, shapes_classifier, shapes_dir
):
    """Pinned: the classifier and its active version in one query, then the row's insert (the
    limiter's own queries come on top when a rate is set). A rise fails here."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    data = red_circle(shapes_dir)
    client.post("/api/classify/shapes", {"image": upload(data)})  # the model loads
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/api/classify/shapes", {"image": upload(data)})
    assert response.status_code == 200
    sql = [query["sql"] for query in queries.captured_queries]
    assert len([q for q in sql if not q.startswith(("BEGIN", "SAVEPOINT", "RELEASE"))]) == 2, sql


@pytest.mark.django_db(transaction=True)
def test_a_worker_reads_the_active_version_once_until_an_activation_touches_the_stamp(
    shapes_classifier, shapes_dir
):
    """Requests on a thread of their own, as gunicorn's: once the process keeps the active
    version (heroproject.stamps), a classification costs the prediction's insert alone; an
    activation committed on another thread, with its own connection, is seen by the next
    request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    data = red_circle(shapes_dir)

    def classify():
        with CaptureQueriesContext(connection) as queries:
            response = Client().post("/api/classify/shapes", {"image": upload(data)})
        assert response.status_code == 200, response.content
        sql = [query["sql"] for query in queries.captured_queries]
        return response.json()["model_version"], [
            q for q in sql if not q.startswith(("BEGIN", "SAVEPOINT", "RELEASE", "COMMIT"))
        ]

    with ThreadPoolExecutor(max_workers=1) as worker:
        assert worker.submit(classify).result()[0] == 1
        number, statements = worker.submit(classify).result()
        assert number == 1 and len(statements) == 1, statements
        assert statements[0].startswith('INSERT INTO "classifier_prediction"'), statements

        version = shapes_classifier.versions.get(active=True)
        version.pk, version.number, version.active = None, 2, False
        version.save()
        make_active(version)
        number, statements = worker.submit(classify).result()
        assert number == 2 and len(statements) == 2, statements
        worker.submit(lambda: connection.close()).result()
