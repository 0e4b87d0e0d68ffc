"""The admin: reviewing predictions, exporting them, adding them to a dataset, versions."""

import csv
import io

import pytest

from classifier.models import Prediction
from tests.classifier.uploading import post, red_circle
from tests.factories import make_version
from tests.pictures import encode, picture

pytestmark = pytest.mark.django_db


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
    photo = encode(picture(7), "PNG")
    post(client, photo)
    post(client, red_circle(shapes_dir))
    first, second = Prediction.objects.order_by("pk")
    Prediction.objects.filter(pk=first.pk).update(true_label="red_circle")
    selected = {"action": "add_to_dataset", "_selected_action": [first.pk, second.pk]}
    response = admin_client.post("/admin/classifier/prediction/", selected, follow=True)
    assert "Shapes has no dataset folder" in response.content.decode()
    assert not (tmp_path / "datasets").exists()

    (tmp_path / "datasets" / "shapes" / "red_circle").mkdir(parents=True)
    response = admin_client.post("/admin/classifier/prediction/", selected, follow=True)
    assert "Added 1 image; turned away 1" in response.content.decode()
    copied = list((tmp_path / "datasets" / "shapes").rglob("*.png"))
    assert [path.parent.name for path in copied] == ["red_circle"]
    assert copied[0].read_bytes() == photo


def test_admin_is_for_staff_only(client, shapes_classifier):
    response = client.get("/admin/classifier/prediction/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_admin_version_page_shows_metrics_and_plots(admin_client, shapes_classifier):
    version = shapes_classifier.versions.get(active=True)
    html = admin_client.get(f"/admin/classifier/modelversion/{version.pk}/change/").content.decode()
    assert "/classifiers/shapes/v1/confusion.png" in html and "precision" in html


def test_admin_activates_and_rolls_back_versions(admin_client, shapes_classifier, trained_shapes):
    first = shapes_classifier.versions.get(active=True)
    second = make_version(shapes_classifier, trained_shapes[0], number=2, active=False)
    url = "/admin/classifier/modelversion/"

    def active():
        return shapes_classifier.versions.get(active=True)

    admin_client.post(
        url, {"action": "activate_version", "_selected_action": [first.pk, second.pk]}
    )
    assert active() == first
    admin_client.post(url, {"action": "activate_version", "_selected_action": [second.pk]})
    assert active() == second
    admin_client.post(url, {"action": "roll_back_version", "_selected_action": [second.pk]})
    assert active() == first
    listing = admin_client.get("/admin/classifier/").content.decode()
    assert "Shapes" in listing
