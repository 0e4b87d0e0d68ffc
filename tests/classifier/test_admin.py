"""The admin: reviewing predictions, exporting them, adding them to a dataset, versions."""

import csv
import io

import pytest

from classifier.models import NONE_OF_THESE, Prediction
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


def test_the_change_page_offers_the_classes_and_keeps_who_labelled(
    admin_client, admin_user, client, shapes_classifier, shapes_dir
):
    post(client, red_circle(shapes_dir))
    prediction = Prediction.objects.get()
    url = f"/admin/classifier/prediction/{prediction.pk}/change/"
    page = admin_client.get(url).content.decode()
    for label in ["blue_triangle", "green_square", "red_circle"]:
        assert f'<option value="{label}">{label}</option>' in page
    assert f'<option value="{NONE_OF_THESE}">None of these</option>' in page
    assert f'alt="Upload #{prediction.pk}"' in page and "Heat-map of where the model looked" in page
    # the probabilities as bars, most probable first, in rounded percentages
    bars = page[page.index('<ol class="prediction-bars">') :]
    labels = [label for label, _ in prediction.ranked]
    assert [bars.index(f">{label}</span>") for label in labels] == sorted(
        bars.index(f">{label}</span>") for label in labels
    )
    assert "e-" not in bars[: bars.index("</ol>")]

    response = admin_client.post(url, {"true_label": "purple_hexagon", "reviewed": "on"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert Prediction.objects.get().true_label == ""

    response = admin_client.post(url, {"true_label": "green_square"})
    assert response.status_code == 302
    prediction = Prediction.objects.get()
    assert (prediction.true_label, prediction.reviewed) == ("green_square", True)
    assert prediction.reviewed_by == admin_user and prediction.reviewed_at is not None


def test_the_list_is_compact_with_named_links_and_words_not_icons(
    admin_client, client, shapes_classifier, shapes_dir
):
    post(client, red_circle(shapes_dir))
    prediction = Prediction.objects.get()
    Prediction.objects.update(true_label=NONE_OF_THESE, unsure=True)
    page = admin_client.get("/admin/classifier/prediction/").content.decode()
    assert f">#{prediction.pk}</a>" in page and f'alt="Upload #{prediction.pk}"' in page
    assert "none of these" in page and "not sure" in page
    assert "icon-no.svg" not in page and "icon-yes.svg" not in page
    assert 'href="/studio/shapes/review/"' in page
