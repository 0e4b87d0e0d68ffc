"""The review queue: its order and filters, verdicts stored and added to the dataset, skip and
undo, and bad input (a label that is no class, a stale or double verdict, a lost image, a
classifier without a dataset folder) answered with a message and nothing else changed."""

import datetime

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from classifier.models import NONE_OF_THESE, Prediction
from tests.classifier.uploading import post
from tests.pictures import encode, picture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("datasets_dir")]
HTMX = {"HTTP_HX_REQUEST": "true"}
URL = "/studio/shapes/review/"
VERDICT = "/studio/shapes/review/verdict"


@pytest.fixture
def uploads(client, shapes_classifier, datasets_dir):
    """Four visitors' uploads: #0 sure, #1 wrong by the visitor, #2 and #3 unsure."""
    for label in ("red_circle", "green_square", "blue_triangle"):
        (datasets_dir / "shapes" / label).mkdir(parents=True)
    for seed in range(4):
        post(client, encode(picture(seed), "PNG"))
    rows = list(Prediction.objects.order_by("pk"))
    Prediction.objects.filter(pk=rows[0].pk).update(unsure=False, margin=0.2)
    Prediction.objects.filter(pk=rows[1].pk).update(unsure=False, margin=0.9, feedback="wrong")
    Prediction.objects.filter(pk=rows[2].pk).update(unsure=True, margin=0.3)
    Prediction.objects.filter(pk=rows[3].pk).update(unsure=True, margin=0.1)
    return rows


def text(response):
    return " ".join(response.content.decode().split())


def shown(response):
    """The number of the prediction the queue shows."""
    return response.context["item"].pk if response.context["item"] else None


def dataset_files(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_the_queue_shows_unsure_first_then_wrong_then_the_rest(admin_client, uploads):
    order = []
    for _ in range(4):
        response = admin_client.get(URL)
        order.append(shown(response))
        admin_client.post(VERDICT, {"prediction": shown(response), "action": "skip"})
    assert order == [uploads[3].pk, uploads[2].pk, uploads[1].pk, uploads[0].pk]
    response = admin_client.get(URL)
    assert shown(response) is None and "Nothing left to review" in text(response)


def test_a_verdict_is_stored_with_who_and_when_and_the_upload_joins_the_dataset(
    admin_client, admin_user, uploads, datasets_dir
):
    first = uploads[3]
    before = timezone.now()
    response = admin_client.post(
        VERDICT, {"prediction": first.pk, "verdict": "green_square"}, **HTMX
    )
    assert response.status_code == 200
    first.refresh_from_db()
    assert (first.true_label, first.reviewed, first.reviewed_by) == (
        "green_square",
        True,
        admin_user,
    )
    assert first.reviewed_at >= before
    assert dataset_files(datasets_dir) == [f"shapes/green_square/prediction-{first.pk}.png"]
    page = text(response)
    assert f"#{first.pk}: green_square. Added 1 image." in page
    assert shown(response) == uploads[2].pk and "3 left" in page and "1 reviewed today" in page
    assert "<html" not in response.content.decode()  # the panel only


def test_none_of_these_is_stored_and_kept_out_of_the_dataset(admin_client, uploads, datasets_dir):
    admin_client.post(VERDICT, {"prediction": uploads[3].pk, "verdict": NONE_OF_THESE})
    assert Prediction.objects.get(pk=uploads[3].pk).true_label == NONE_OF_THESE
    assert dataset_files(datasets_dir) == []


def test_without_the_setting_labels_stay_on_the_predictions(
    admin_client, uploads, datasets_dir, shapes_classifier
):
    shapes_classifier.review_adds_to_dataset = False
    shapes_classifier.save()
    admin_client.post(VERDICT, {"prediction": uploads[3].pk, "verdict": "red_circle"})
    assert Prediction.objects.get(pk=uploads[3].pk).true_label == "red_circle"
    assert dataset_files(datasets_dir) == []


def test_a_label_that_is_no_class_is_refused_and_changes_nothing(
    admin_client, uploads, datasets_dir
):
    response = admin_client.post(
        VERDICT, {"prediction": uploads[3].pk, "verdict": "purple_hexagon"}, **HTMX
    )
    assert response.status_code == 400
    assert "“purple_hexagon” is not a class of shapes v1" in text(response)
    assert not Prediction.objects.get(pk=uploads[3].pk).reviewed
    assert dataset_files(datasets_dir) == []


def test_a_double_or_stale_verdict_is_refused_and_the_first_one_stays(
    admin_client, uploads, datasets_dir
):
    first = {"prediction": uploads[3].pk, "verdict": "red_circle"}
    assert admin_client.post(VERDICT, first, **HTMX).status_code == 200
    again = admin_client.post(
        VERDICT, {"prediction": uploads[3].pk, "verdict": "green_square"}, **HTMX
    )
    assert again.status_code == 409
    assert "was already reviewed by admin (“red_circle”): nothing changed" in text(again)
    assert Prediction.objects.get(pk=uploads[3].pk).true_label == "red_circle"
    assert dataset_files(datasets_dir) == [f"shapes/red_circle/prediction-{uploads[3].pk}.png"]


def test_a_prediction_whose_image_is_lost_is_skipped_and_left_as_it_was(
    admin_client, uploads, datasets_dir
):
    lost = uploads[3]
    default_storage.delete(lost.thumbnail.name)
    default_storage.delete(lost.original.name)
    response = admin_client.post(VERDICT, {"prediction": lost.pk, "verdict": "red_circle"}, **HTMX)
    assert response.status_code == 410 and "is lost" in text(response)
    assert not Prediction.objects.get(pk=lost.pk).reviewed
    assert shown(response) == uploads[2].pk  # skipped
    assert dataset_files(datasets_dir) == []


def test_a_classifier_without_a_dataset_folder_keeps_the_label_and_says_why(
    admin_client, uploads, datasets_dir
):
    for folder in sorted((datasets_dir / "shapes").iterdir()):
        folder.rmdir()
    (datasets_dir / "shapes").rmdir()
    response = admin_client.post(
        VERDICT, {"prediction": uploads[3].pk, "verdict": "red_circle"}, **HTMX
    )
    assert "Shapes has no dataset folder" in text(response)
    assert Prediction.objects.get(pk=uploads[3].pk).true_label == "red_circle"
    assert not (datasets_dir / "shapes").exists()


def test_undo_takes_back_the_last_verdict_and_its_image(admin_client, uploads, datasets_dir):
    admin_client.post(VERDICT, {"prediction": uploads[3].pk, "verdict": "red_circle"})
    admin_client.post(VERDICT, {"prediction": uploads[2].pk, "verdict": "green_square"})
    response = admin_client.post(VERDICT, {"action": "undo"})  # without JavaScript
    assert response.status_code == 302 and f"item={uploads[2].pk}" in response["Location"]
    assert shown(admin_client.get(response["Location"])) == uploads[2].pk
    undone = Prediction.objects.get(pk=uploads[2].pk)
    assert (undone.true_label, undone.reviewed, undone.reviewed_by) == ("", False, None)
    assert dataset_files(datasets_dir) == [f"shapes/red_circle/prediction-{uploads[3].pk}.png"]
    response = admin_client.post(VERDICT, {"action": "undo"}, **HTMX)
    assert shown(response) == uploads[3].pk and dataset_files(datasets_dir) == []
    response = admin_client.post(VERDICT, {"action": "undo"}, **HTMX)
    assert "Nothing to undo." in text(response)


def test_filters_by_version_predicted_class_and_day(admin_client, uploads):
    label = uploads[0].label
    response = admin_client.get(URL, {"predicted": label, "version": 1})
    expected = [p.pk for p in uploads if p.label == label]
    assert shown(response) in expected and f"{len(expected)} left" in text(response)
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = admin_client.get(URL, {"day": yesterday})
    assert shown(response) is None and "0 left" in text(response)
    response = admin_client.get(URL, {"version": 7, "day": "not a day"})
    assert response.status_code == 400
    assert "Select a valid choice" in text(response) and "Enter a valid date" in text(response)


def test_the_filters_travel_with_each_verdict(admin_client, uploads):
    label = uploads[0].label
    others = [p.pk for p in uploads if p.label != label]
    response = admin_client.post(
        VERDICT, {"prediction": others[0], "action": "skip", "predicted": label}
    )
    assert response["Location"] == f"{URL}?predicted={label}"


def test_the_queue_is_for_staff_only(client, uploads):
    assert client.get(URL).status_code == 302
    assert (
        client.post(VERDICT, {"prediction": uploads[0].pk, "verdict": "red_circle"}).status_code
        == 302
    )
    assert not Prediction.objects.filter(reviewed=True).exists()
