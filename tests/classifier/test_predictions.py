"""Taking predictions out: the class people gave an image, copying it to a dataset, CSV rows."""

import csv
import io

import pytest

from classifier import predictions
from classifier.models import Prediction
from tests.classifier.uploading import post, red_circle

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(client, shapes_classifier, shapes_dir):
    for _ in range(3):
        post(client, red_circle(shapes_dir))
    return Prediction.objects.order_by("pk")


@pytest.mark.parametrize(
    ("fields", "label"),
    [
        ({}, ""),
        ({"feedback": "correct"}, "model's"),
        ({"feedback": "wrong", "feedback_label": "green_square"}, "green_square"),
        ({"feedback": "correct", "true_label": "blue_triangle"}, "blue_triangle"),
        ({"true_label": "purple_hexagon"}, ""),  # no class of the model
    ],
)
def test_the_dataset_label_is_what_people_said_and_the_model_knows(three, fields, label):
    prediction = three[0]
    for name, value in fields.items():
        setattr(prediction, name, value)
    expected = prediction.label if label == "model's" else label
    assert predictions.dataset_label(prediction) == expected


def test_copy_to_dataset_counts_what_it_copied_and_skipped(three, settings, tmp_path, shapes_dir):
    settings.DATASETS_DIR = tmp_path
    first, second, _ = three
    Prediction.objects.filter(pk=first.pk).update(true_label="green_square")
    Prediction.objects.filter(pk=second.pk).update(true_label="purple_hexagon")
    assert predictions.copy_to_dataset(Prediction.objects.all()) == (1, 2)
    copied = list(tmp_path.rglob("*.png"))
    assert [path.relative_to(tmp_path).parts[:2] for path in copied] == [("shapes", "green_square")]
    assert copied[0].read_bytes() == red_circle(shapes_dir)


def test_csv_rows_have_a_value_under_every_header(three):
    out = io.StringIO()
    predictions.write_csv(Prediction.objects.all(), out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == [header for header, _ in predictions.CSV_COLUMNS]
    assert len(rows) == 4 and {len(row) for row in rows} == {len(rows[0])}
    assert {row[0] for row in rows[1:]} == {str(p.pk) for p in three}
    assert {row[2] for row in rows[1:]} == {"shapes"}
