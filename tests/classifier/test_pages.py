"""The classifier's pages: uploading with and without HTMX, results, feedback, the model page."""

import io
import re

import pytest
from django.test import Client
from PIL import Image

from classifier.heatmaps import heatmap_png
from classifier.models import ImageClassifier, Prediction
from tests.classifier.uploading import BAD_UPLOADS, image_bytes, post, red_circle, upload

pytestmark = pytest.mark.django_db


def test_home_offers_the_classifier(client, shapes_classifier):
    html = client.get("/").content.decode()
    assert 'name="image"' in html and "Shapes" in html
    assert "blue_triangle, green_square, red_circle" in html


def test_upload_without_javascript_redirects_to_the_stored_result(
    client, shapes_classifier, shapes_dir
):
    response = post(client, red_circle(shapes_dir))
    prediction = Prediction.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/predictions/{prediction.pk}/"
    html = client.get(response["Location"]).content.decode()
    assert prediction.label in html
    assert len(re.findall(r'class="probability"', html)) == 3
    assert client.get(f"/predictions/{prediction.pk}/thumbnail.jpg")["Content-Type"] == "image/jpeg"
    assert client.get(f"/predictions/{prediction.pk}/heatmap.png")["Content-Type"] == "image/png"


def test_upload_with_htmx_returns_the_result_partial(client, shapes_classifier, shapes_dir):
    response = post(client, red_circle(shapes_dir), **{"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    prediction = Prediction.objects.get()
    assert response["HX-Push-Url"] == f"/predictions/{prediction.pk}/"
    values = [float(v) for v in re.findall(r'class="bar-fill" style="width: ([\d.]+)%"', html)]
    assert values == sorted(values, reverse=True) and len(values) == 3
    assert "Was this right?" in html


def test_every_prediction_is_stored_with_what_the_model_said(client, shapes_classifier, shapes_dir):
    data = red_circle(shapes_dir)
    post(client, data)
    prediction = Prediction.objects.get()
    assert prediction.version == shapes_classifier.versions.get(active=True)
    assert set(prediction.probabilities) == {"blue_triangle", "green_square", "red_circle"}
    assert sum(prediction.probabilities.values()) == pytest.approx(1, abs=1e-4)
    assert prediction.size_bytes == len(data) and len(prediction.sha256) == 64
    assert prediction.latency_ms > 0 and len(prediction.client) == 32
    assert "127.0.0.1" not in prediction.client
    assert prediction.original.name.endswith(".png") and "picture" not in prediction.original.name
    thumbnail = Image.open(prediction.thumbnail.open())
    assert max(thumbnail.size) <= 256 and thumbnail.format == "JPEG"
    assert Image.open(io.BytesIO(heatmap_png(prediction))).size == thumbnail.size
    assert len(prediction.activation["map"]) == 3  # 96 px input: a 3 x 3 feature map


def test_unsure_results_say_so(client, shapes_classifier, shapes_dir):
    ImageClassifier.objects.filter(pk=shapes_classifier.pk).update(unsure_threshold=1.01)
    response = post(client, red_circle(shapes_dir), **{"HX-Request": "true"})
    assert "Not sure: maybe" in response.content.decode()
    assert Prediction.objects.get().unsure


def test_predictions_are_private_to_their_visitor(
    client, shapes_classifier, shapes_dir, admin_client
):
    post(client, red_circle(shapes_dir))
    pk = Prediction.objects.get().pk
    stranger = Client()
    assert stranger.get(f"/predictions/{pk}/").status_code == 404
    assert stranger.get(f"/predictions/{pk}/thumbnail.jpg").status_code == 404
    assert admin_client.get(f"/predictions/{pk}/").status_code == 200


def test_feedback_yes_and_no(client, shapes_classifier, shapes_dir):
    post(client, red_circle(shapes_dir))
    post(client, red_circle(shapes_dir))
    first, second = Prediction.objects.order_by("pk")
    response = client.post(f"/predictions/{first.pk}/feedback", {"verdict": "correct"})
    assert response.status_code == 302
    response = client.post(
        f"/predictions/{second.pk}/feedback",
        {"verdict": "wrong", "label": "green_square"},
        headers={"HX-Request": "true"},
    )
    assert "you said it is green_square" in response.content.decode()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.feedback, second.feedback, second.feedback_label) == (
        "correct",
        "wrong",
        "green_square",
    )
    html = client.get(f"/classifiers/{shapes_classifier.slug}/").content.decode()
    assert "50% of 2" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"verdict": "wrong"}, "Say what it is."),
        ({"verdict": "wrong", "label": "purple_hexagon"}, "Select a valid choice"),
        ({"verdict": "maybe"}, "Select a valid choice"),
    ],
)
def test_bad_feedback_is_a_400(client, shapes_classifier, shapes_dir, data, message):
    post(client, red_circle(shapes_dir))
    prediction = Prediction.objects.get()
    response = client.post(f"/predictions/{prediction.pk}/feedback", data)
    assert response.status_code == 400 and message in response.content.decode()
    prediction.refresh_from_db()
    assert prediction.feedback == ""


def test_feedback_on_someone_elses_prediction_is_refused(client, shapes_classifier, shapes_dir):
    post(client, red_circle(shapes_dir))
    pk = Prediction.objects.get().pk
    assert Client().post(f"/predictions/{pk}/feedback", {"verdict": "correct"}).status_code == 404


def test_model_page_shows_what_it_knows(client, shapes_classifier):
    html = client.get("/classifiers/shapes/").content.decode()
    assert "test accuracy" in html and "red_circle" in html and "v1" in html
    assert client.get("/classifiers/shapes/v1/confusion.png")["Content-Type"] == "image/png"
    assert client.get("/classifiers/shapes/v1/curves.png").status_code == 200
    assert client.get("/classifiers/shapes/v9/curves.png").status_code == 404
    assert client.get("/classifiers/nope/").status_code == 404


def test_feedback_needs_a_csrf_token(client, shapes_classifier, shapes_dir):
    post(client, red_circle(shapes_dir))
    prediction = Prediction.objects.get()
    enforcing = Client(enforce_csrf_checks=True)
    enforcing.cookies = client.cookies  # the same visitor, who owns the prediction
    response = enforcing.post(f"/predictions/{prediction.pk}/feedback", {"verdict": "correct"})
    assert response.status_code == 403
    prediction.refresh_from_db()
    assert prediction.feedback == ""


def test_the_page_form_needs_a_csrf_token(shapes_classifier, shapes_dir):
    client = Client(enforce_csrf_checks=True)
    assert post(client, red_circle(shapes_dir)).status_code == 403
    assert not Prediction.objects.exists()


@pytest.mark.parametrize(("data", "name", "hint"), BAD_UPLOADS)
def test_bad_uploads_get_a_clear_400_and_nothing_is_stored(
    client, shapes_classifier, data, name, hint
):
    response = post(client, data, name)
    assert response.status_code == 400
    assert hint.lower() in response.content.decode().lower()
    assert "Traceback" not in response.content.decode()
    assert not Prediction.objects.exists()


def test_too_large_is_refused(client, shapes_classifier, settings):
    settings.CLASSIFIER_MAX_UPLOAD_BYTES = 50_000
    big = image_bytes(size=(600, 600), fmt="BMP")
    response = post(client, big, "big.bmp")
    assert response.status_code == 413 and "larger than" in response.content.decode()
    response = client.post("/api/classify/shapes", {"image": upload(big, "big.bmp")})
    assert response.status_code == 413 and "larger than" in response.json()["error"]
    assert not Prediction.objects.exists()


def test_unknown_classifier(client, shapes_classifier, shapes_dir):
    assert post(client, red_circle(shapes_dir), slug="nope").status_code == 400
    response = client.post("/api/classify/nope", {"image": upload(red_circle(shapes_dir))})
    assert response.status_code == 404 and "no classifier 'nope'" in response.json()["error"]
