"""Example images: picked from the active version's test split, shown on the home page, and
classified with one click."""

import re

import pytest
from django.core.files.storage import default_storage

from classifier import examples
from classifier.models import ExampleImage, Prediction

pytestmark = pytest.mark.django_db
LABELS = {"blue_triangle", "green_square", "red_circle"}


def test_pick_takes_test_images_of_every_class(shapes_classifier):
    picked = examples.pick(shapes_classifier, per_class=2, most=5)
    assert len(picked) == 5 == ExampleImage.objects.filter(classifier=shapes_classifier).count()
    # one of each class comes before a second of any
    assert {example.label for example in picked[:3]} == LABELS
    version = shapes_classifier.versions.get(active=True)
    test_split = {path.read_bytes() for _label, path in examples.test_images(version)}
    assert all(examples.example_bytes(example) in test_split for example in picked)


def test_picking_again_replaces_the_examples_and_their_files(
    shapes_classifier, django_capture_on_commit_callbacks
):
    first = examples.pick(shapes_classifier, most=2)
    with django_capture_on_commit_callbacks(execute=True):
        examples.pick(shapes_classifier, most=3)
    assert ExampleImage.objects.count() == 3
    assert not any(default_storage.exists(example.image.name) for example in first)


def test_home_shows_the_examples_and_one_classifies(client, shapes_classifier):
    example = examples.pick(shapes_classifier)[0]
    html = client.get("/").content.decode()
    assert html.count('class="example"') == 3
    assert client.get(f"/examples/{example.pk}/thumbnail.jpg")["Content-Type"] == "image/jpeg"

    response = client.post(f"/examples/{example.pk}/classify", HTTP_HX_REQUEST="true")
    prediction = Prediction.objects.get()
    assert response.status_code == 200
    assert response["HX-Push-Url"] == f"/predictions/{prediction.pk}/"
    assert prediction.label in response.content.decode()
    assert prediction.sha256 == examples.images.sha256(examples.example_bytes(example))

    response = client.post(f"/examples/{example.pk}/classify")
    assert response.status_code == 302


def test_an_example_whose_file_is_gone_is_a_404_with_a_message(client, shapes_classifier):
    example = examples.pick(shapes_classifier)[0]
    default_storage.delete(example.image.name)
    response = client.post(f"/examples/{example.pk}/classify", HTTP_HX_REQUEST="true")
    assert response.status_code == 404
    assert "no longer stored" in response.content.decode()
    assert not Prediction.objects.exists()


def test_an_example_whose_thumbnail_is_gone_is_a_404(client, shapes_classifier):
    example = examples.pick(shapes_classifier)[0]
    default_storage.delete(example.thumbnail.name)
    assert client.get(f"/examples/{example.pk}/thumbnail.jpg").status_code == 404


def test_an_unknown_example_is_a_404(client, shapes_classifier):
    assert client.post("/examples/999/classify").status_code == 404


def test_the_api_page_shows_the_curl_examples(client, shapes_classifier):
    html = client.get("/api/").content.decode()
    assert re.search(r"curl -F image=@chart.png http://testserver/api/classify/shapes", html)
    assert "/api/names?count=5" in html


def test_staff_pick_examples_in_the_studio(admin_client, shapes_classifier):
    response = admin_client.post("/studio/shapes/examples/")
    assert response.status_code == 302
    assert ExampleImage.objects.filter(classifier=shapes_classifier).count() == 3
    page = admin_client.get("/studio/shapes/").content.decode()
    assert page.count("/thumbnail.jpg") >= 3 and "Pick new examples" in page


def test_examples_need_an_active_version(admin_client, shapes_classifier):
    shapes_classifier.versions.update(active=False)
    response = admin_client.post("/studio/shapes/examples/", follow=True)
    assert "train one" in response.content.decode()
    assert not ExampleImage.objects.exists()
