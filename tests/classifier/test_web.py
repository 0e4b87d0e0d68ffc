import csv
import io
import json
import os
import re
import shutil
import struct
import zlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from classifier import predictions
from classifier.models import ImageClassifier, ModelVersion, Prediction

pytestmark = pytest.mark.django_db


def image_bytes(mode="RGB", size=(120, 90), fmt="PNG", colour=None, **save):
    image = Image.new(mode, size, colour if colour is not None else 128)
    out = io.BytesIO()
    image.save(out, fmt, **save)
    return out.getvalue()


def upload(data, name="picture.png"):
    return SimpleUploadedFile(name, data)


def red_circle(shapes_dir):
    return (shapes_dir / "red_circle" / "000.png").read_bytes()


def bomb_png(width=30000, height=30000):
    """A tiny PNG whose header claims width x height pixels."""
    raw = zlib.compress(b"\x00" * 2)
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)

    def chunk(kind, body):
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def post(client, data, name="picture.png", slug="shapes", **headers):
    return client.post("/", {"classifier": slug, "image": upload(data, name)}, headers=headers)


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
    assert prediction.version == shapes_classifier.active_version
    assert set(prediction.probabilities) == {"blue_triangle", "green_square", "red_circle"}
    assert sum(prediction.probabilities.values()) == pytest.approx(1, abs=1e-4)
    assert prediction.size_bytes == len(data) and len(prediction.sha256) == 64
    assert prediction.latency_ms > 0 and len(prediction.client) == 32
    assert "127.0.0.1" not in prediction.client
    assert prediction.original.name.endswith(".png") and "picture" not in prediction.original.name
    thumbnail = Image.open(prediction.thumbnail.open())
    assert max(thumbnail.size) <= 256 and thumbnail.format == "JPEG"
    assert Image.open(io.BytesIO(prediction.heatmap_png())).size == thumbnail.size
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


def test_api_stores_the_original_before_the_answer_and_the_thumbnail_after(
    admin_client, shapes_classifier, shapes_dir
):
    data = red_circle(shapes_dir)
    response = admin_client.post("/api/classify/shapes", {"image": upload(data)})
    prediction = Prediction.objects.get(pk=response.json()["prediction_id"])
    assert prediction.original.read() == data
    predictions.thumbnail_writer.submit(lambda: None).result(timeout=30)  # the queue before it
    assert Image.open(prediction.thumbnail.open()).format == "JPEG"
    thumbnail = admin_client.get(f"/predictions/{prediction.pk}/thumbnail.jpg")
    assert thumbnail.status_code == 200 and thumbnail["Content-Type"] == "image/jpeg"


def test_a_thumbnail_lost_with_its_worker_is_drawn_from_the_original(
    admin_client, shapes_classifier, shapes_dir
):
    response = admin_client.post("/api/classify/shapes", {"image": upload(red_circle(shapes_dir))})
    prediction = Prediction.objects.get(pk=response.json()["prediction_id"])
    predictions.thumbnail_writer.submit(lambda: None).result(timeout=30)
    drawn = prediction.thumbnail.read()
    prediction.thumbnail.close()
    folder = os.path.dirname(prediction.thumbnail.name)
    stored = sorted(default_storage.listdir(folder)[1])
    default_storage.delete(prediction.thumbnail.name)
    heatmap = admin_client.get(f"/predictions/{prediction.pk}/heatmap.png")
    assert heatmap.status_code == 200 and heatmap["Content-Type"] == "image/png"
    thumbnail = admin_client.get(f"/predictions/{prediction.pk}/thumbnail.jpg")
    assert b"".join(thumbnail.streaming_content) == drawn
    assert sorted(default_storage.listdir(folder)[1]) == stored  # drawn once, under its own name


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


BAD_UPLOADS = [
    (b"", "empty.jpg", "empty"),
    (b"just some words\n" * 20, "notes.txt", "text"),
    (b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n" * 5, "doc.pdf", "PDF"),
    (b"<!doctype html><html><body>hi</body></html>", "photo.jpg", "HTML"),
    (image_bytes(fmt="JPEG", size=(400, 300), quality=90)[:600], "cut.jpg", "truncated"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', "x.svg", "SVG"),
    (bomb_png(), "bomb.png", "pixels"),
]


@pytest.mark.parametrize(("data", "name", "hint"), BAD_UPLOADS)
def test_bad_uploads_get_a_clear_400_and_nothing_is_stored(
    client, shapes_classifier, data, name, hint
):
    response = post(client, data, name)
    assert response.status_code == 400
    assert hint.lower() in response.content.decode().lower()
    assert "Traceback" not in response.content.decode()
    assert not Prediction.objects.exists()


@pytest.mark.parametrize(("data", "name", "hint"), BAD_UPLOADS)
def test_api_bad_uploads_are_json_400s(client, shapes_classifier, data, name, hint):
    response = client.post("/api/classify/shapes", {"image": upload(data, name)})
    assert response.status_code == 400
    assert hint.lower() in response.json()["error"].lower()
    assert not Prediction.objects.exists()


def test_no_file(client, shapes_classifier):
    response = client.post("/", {"classifier": "shapes"})
    assert response.status_code == 400 and "Choose an image" in response.content.decode()
    response = client.post("/api/classify/shapes", {})
    assert response.status_code == 400 and "multipart field 'image'" in response.json()["error"]


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


def test_a_classifier_without_a_model_is_a_503_saying_how_to_train(client, db, shapes_dir):
    ImageClassifier.objects.create(slug="heroes", title="Heroes")
    response = client.post("/api/classify/heroes", {"image": upload(red_circle(shapes_dir))})
    assert response.status_code == 503
    assert "train_classifier heroes --data DIR" in response.json()["error"]


def test_a_model_file_changed_on_disk_is_noticed_at_the_next_request(
    client, settings, shapes_classifier, shapes_dir
):
    changed = settings.MODELS_DIR / "classifiers/shapes/changed"
    shutil.copytree(shapes_classifier.active_version.path, changed)
    version = shapes_classifier.active_version
    version.pk, version.number, version.artifact_path = None, 2, "classifiers/shapes/changed"
    version.save()
    version.activate()

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


def rotated_jpeg():
    image = Image.new("RGB", (80, 40), "red")
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def animated_gif():
    frames = [Image.new("P", (40, 40), i) for i in (10, 200)]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100)
    return out.getvalue()


GOOD_UPLOADS = {
    "exif-rotated.jpg": rotated_jpeg,
    "grey.png": lambda: image_bytes("L"),
    "palette.png": lambda: image_bytes("P"),
    "transparent.png": lambda: image_bytes("RGBA", colour=(255, 0, 0, 0)),
    "cmyk.jpg": lambda: image_bytes("CMYK", fmt="JPEG", colour=(0, 255, 255, 0)),
    "deep.png": lambda: image_bytes("I;16", colour=40000),
    "animated.gif": animated_gif,
    "photo.webp": lambda: image_bytes(fmt="WEBP"),
    "dot.png": lambda: image_bytes(size=(1, 1)),
    "panorama.jpg": lambda: image_bytes(size=(6000, 200), fmt="JPEG"),
}


@pytest.mark.parametrize("name", GOOD_UPLOADS)
def test_awkward_images_work(client, shapes_classifier, name):
    response = client.post("/api/classify/shapes", {"image": upload(GOOD_UPLOADS[name](), name)})
    assert response.status_code == 200, response.content
    assert Prediction.objects.count() == 1


def test_admin_reviews_predictions(admin_client, client, shapes_classifier, shapes_dir):
    for _ in range(3):
        post(client, red_circle(shapes_dir))
    ids = list(Prediction.objects.values_list("pk", flat=True))
    listing = admin_client.get("/admin/classifier/prediction/?unsure__exact=0")
    assert listing.status_code == 200 and "thumbnail.jpg" in listing.content.decode()

    response = admin_client.post(
        "/admin/classifier/prediction/",
        {
            "action": "set_true_label",
            "_selected_action": ids[:2],
            "apply": "1",
            "true_label": "green_square",
        },
    )
    assert response.status_code == 302
    assert Prediction.objects.filter(true_label="green_square", reviewed=True).count() == 2

    response = admin_client.post(
        "/admin/classifier/prediction/", {"action": "export_csv", "_selected_action": ids}
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 3 and {row["true_label"] for row in rows} == {"green_square", ""}


def test_admin_adds_reviewed_originals_to_the_dataset(
    admin_client, client, shapes_classifier, shapes_dir, settings, tmp_path
):
    settings.DATASETS_DIR = tmp_path / "datasets"
    post(client, red_circle(shapes_dir))
    post(client, red_circle(shapes_dir))
    first, second = Prediction.objects.order_by("pk")
    Prediction.objects.filter(pk=first.pk).update(true_label="red_circle")
    admin_client.post(
        "/admin/classifier/prediction/",
        {"action": "add_to_dataset", "_selected_action": [first.pk, second.pk]},
    )
    copied = list((tmp_path / "datasets" / "shapes").rglob("*.png"))
    assert [path.parent.name for path in copied] == ["red_circle"]
    assert copied[0].read_bytes() == red_circle(shapes_dir)


def test_admin_is_for_staff_only(client, shapes_classifier):
    response = client.get("/admin/classifier/prediction/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_admin_version_page_shows_metrics_and_plots(admin_client, shapes_classifier):
    version = shapes_classifier.active_version
    html = admin_client.get(f"/admin/classifier/modelversion/{version.pk}/change/").content.decode()
    assert "/classifiers/shapes/v1/confusion.png" in html and "precision" in html


def test_admin_activates_a_version(admin_client, shapes_classifier):
    first = shapes_classifier.active_version
    second = ModelVersion.objects.create(
        classifier=shapes_classifier,
        number=2,
        backbone=first.backbone,
        input_size=first.input_size,
        labels=first.labels,
        artifact_path=first.artifact_path,
        training_seconds=1,
    )
    url = "/admin/classifier/modelversion/"
    admin_client.post(
        url, {"action": "activate_version", "_selected_action": [first.pk, second.pk]}
    )
    shapes_classifier.refresh_from_db()
    assert shapes_classifier.active_version == first
    admin_client.post(url, {"action": "activate_version", "_selected_action": [second.pk]})
    shapes_classifier.refresh_from_db()
    assert shapes_classifier.active_version == second


def test_prune_predictions_deletes_old_originals_only(client, shapes_classifier, shapes_dir):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    post(client, red_circle(shapes_dir))
    post(client, red_circle(shapes_dir))
    old, recent = Prediction.objects.order_by("pk")
    Prediction.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(days=40))
    old_file = old.original.path
    os.remove(old.thumbnail.path)  # its worker died before drawing it
    call_command("prune_predictions", days=30)
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.original.name == "" and not os.path.exists(old_file)
    assert recent.original.name and os.path.exists(recent.original.path)
    assert Prediction.objects.count() == 2
    assert os.path.exists(old.thumbnail.path)  # drawn from the original before it went
