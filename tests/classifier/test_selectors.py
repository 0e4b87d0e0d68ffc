"""The classifier page and the admin read versions with their feedback in a fixed number of
queries, however many versions there are, and the figures equal a count of the rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from classifier import selectors
from classifier.feedback import recount_feedback
from classifier.models import Prediction
from tests.factories import make_version

pytestmark = pytest.mark.django_db


def predictions_of(version, feedback):
    """One stored prediction per entry of feedback ("correct", "wrong" or ""), written straight
    to the table; the versions' feedback counters are then recounted from the rows, as
    `manage.py recount_feedback` does (the site keeps them in step in give_feedback)."""
    Prediction.objects.bulk_create(
        Prediction(
            classifier=version.classifier,
            version=version,
            thumbnail="t.jpg",
            sha256="0" * 64,
            size_bytes=1,
            probabilities={"a": 1.0},
            label="a",
            probability=1.0,
            unsure=False,
            latency_ms=1,
            feedback=verdict,
        )
        for verdict in feedback
    )
    recount_feedback()


def queries(fetch):
    with CaptureQueriesContext(connection) as captured:
        fetch()
    return len(captured)


def add_versions(classifier, result, numbers):
    for number in numbers:
        version = make_version(classifier, result, number=number, active=False)
        predictions_of(version, ["correct", "wrong", "wrong", ""])


def test_feedback_figures_equal_a_count_of_the_rows(shapes_classifier):
    first = shapes_classifier.versions.get()
    predictions_of(first, ["correct", "correct", "wrong", "", ""])
    version = selectors.with_feedback(shapes_classifier.versions.all()).get()
    assert version.feedback_count == 3
    assert version.feedback_accuracy == pytest.approx(2 / 3)


def test_a_version_without_verdicts_has_no_feedback_accuracy(shapes_classifier):
    predictions_of(shapes_classifier.versions.get(), ["", ""])
    version = selectors.with_feedback(shapes_classifier.versions.all()).get()
    assert (version.feedback_count, version.feedback_accuracy) == (0, None)


def test_the_model_page_runs_as_many_queries_for_many_versions(
    client, shapes_classifier, trained_shapes
):
    def page():
        assert client.get("/classifiers/shapes/").status_code == 200

    page()  # sessions, caches and the quote pool settle
    one = queries(page)
    add_versions(shapes_classifier, trained_shapes[0], range(2, 7))
    html = client.get("/classifiers/shapes/").content.decode()
    assert html.count("33% of 3") == 5
    assert queries(page) == one


def test_the_admin_lists_many_versions_and_classifiers_in_as_many_queries(
    admin_client, shapes_classifier, trained_shapes
):
    def lists():
        for url in ("/admin/classifier/modelversion/", "/admin/classifier/imageclassifier/"):
            assert admin_client.get(url).status_code == 200

    lists()
    few = queries(lists)
    add_versions(shapes_classifier, trained_shapes[0], range(2, 7))
    listing = admin_client.get("/admin/classifier/modelversion/").content.decode()
    assert listing.count("33% of 3") == 5
    assert queries(lists) == few
