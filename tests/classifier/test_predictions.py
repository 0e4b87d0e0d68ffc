"""Taking predictions out: the class people gave an image, adding it to a dataset, CSV rows."""

import csv
import io

import pytest

from classifier import datasets, exports
from classifier.models import Prediction
from tests.classifier.uploading import post, red_circle
from tests.pictures import encode, picture

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
    assert datasets.dataset_label(prediction) == expected


def test_adding_predictions_to_the_dataset_reports_what_it_added_and_turned_away(
    client, settings, tmp_path, shapes_classifier
):
    settings.DATASETS_DIR = tmp_path
    for label in ("green_square", "red_circle"):
        (tmp_path / "shapes" / label).mkdir(parents=True)
    photo = encode(picture(1), "PNG")
    for data in (photo, encode(picture(2), "PNG"), photo, encode(picture(3, (60, 60)), "PNG")):
        post(client, data)
    first, second, third, small = Prediction.objects.order_by("pk")
    Prediction.objects.filter(pk=first.pk).update(true_label="green_square")
    Prediction.objects.filter(pk=second.pk).update(true_label="purple_hexagon")
    Prediction.objects.filter(pk__in=[third.pk, small.pk]).update(true_label="red_circle")
    chosen = Prediction.objects.select_related("version").order_by("pk")
    report = datasets.add_predictions(shapes_classifier, chosen)
    assert report.added == 1
    assert report.rejected == [
        (f"prediction #{second.pk}", "no label that is one of the model's classes"),
        (f"prediction #{third.pk}", f"copy of green_square/prediction-{first.pk}.png"),
        (f"prediction #{small.pk}", "too small: 60 x 60 pixels, under 100"),
    ]
    copied = list(tmp_path.rglob("*.png"))
    assert [path.relative_to(tmp_path).parts[:2] for path in copied] == [("shapes", "green_square")]
    assert copied[0].read_bytes() == photo
    assert not list(tmp_path.rglob(".*"))  # no temporary file left behind
    again = datasets.add_predictions(shapes_classifier, chosen.filter(pk=first.pk))
    assert (again.added, again.rejected) == (
        0,
        [(f"prediction #{first.pk}", "already in the dataset")],
    )


def test_a_classifier_without_a_dataset_folder_is_refused_with_its_path(
    three, settings, tmp_path, shapes_classifier
):
    settings.DATASETS_DIR = tmp_path / "none"
    Prediction.objects.update(true_label="green_square")
    with pytest.raises(datasets.DatasetError, match="has no dataset folder"):
        datasets.add_predictions(shapes_classifier, Prediction.objects.all())
    assert not (tmp_path / "none").exists()


def test_csv_rows_have_a_value_under_every_header(three):
    out = io.StringIO()
    exports.write_csv(Prediction.objects.all(), out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == [header for header, _ in exports.CSV_COLUMNS]
    assert len(rows) == 4 and {len(row) for row in rows} == {len(rows[0])}
    assert {row[0] for row in rows[1:]} == {str(p.pk) for p in three}
    assert {row[2] for row in rows[1:]} == {"shapes"}
