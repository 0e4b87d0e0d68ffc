"""Real-world accuracy: each version on the uploads staff labelled, those it trained on left out,
with a 95% interval, on the model page, in the admin, in `evaluate_classifier
--labelled-uploads` and in the comparison of two versions."""

import json

import pytest
from django.core.management import CommandError, call_command

from classifier import real_world
from classifier.models import NONE_OF_THESE, Prediction
from mlcore.training.evaluation import wilson_interval
from tests.classifier.uploading import post
from tests.factories import make_version
from tests.pictures import encode, picture

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def a_trained_image(version, shapes_dir):
    """The bytes of an image of the version's training split, and its class."""
    manifest = json.loads((version.path / "manifest.json").read_text())
    entry = next(e for e in manifest["files"] if e["split"] == "train")
    return (shapes_dir / entry["path"]).read_bytes(), entry["label"]


@pytest.fixture
def labelled(client, shapes_classifier, shapes_dir):
    """Six labelled uploads: four pictures labelled by hand (two as the model said, two not),
    one the version trained on, one "none of these"; and one upload left unlabelled."""
    version = shapes_classifier.versions.get()
    for seed in range(6):
        post(client, encode(picture(seed), "PNG"))
    trained, trained_label = a_trained_image(version, shapes_dir)
    post(client, trained)
    rows = list(Prediction.objects.order_by("pk"))
    other = {label: next(o for o in version.labels if o != label) for label in version.labels}
    truths = [rows[0].label, rows[1].label, other[rows[2].label], other[rows[3].label]]
    for row, truth in zip(rows, truths, strict=False):
        Prediction.objects.filter(pk=row.pk).update(true_label=truth, reviewed=True)
    Prediction.objects.filter(pk=rows[4].pk).update(true_label=NONE_OF_THESE, reviewed=True)
    Prediction.objects.filter(pk=rows[6].pk).update(true_label=trained_label, reviewed=True)
    return version, rows, truths


def test_the_wilson_interval_is_the_textbook_one():
    assert wilson_interval(8, 10) == pytest.approx((0.4902, 0.9433), abs=1e-4)
    assert wilson_interval(0, 0) == (0.0, 1.0)
    low, high = wilson_interval(100, 100)
    assert high == 1.0 and 0.96 < low < 0.97


def test_own_answers_leave_out_unlabelled_none_of_these_and_trained_on_uploads(labelled):
    version, rows, truths = labelled
    figures = real_world.own_answers(version)
    assert (figures["count"], figures["right"], figures["accuracy"]) == (4, 2, 0.5)
    assert (figures["low"], figures["high"]) == pytest.approx(wilson_interval(2, 4))
    expected = {}
    for row, truth in zip(rows, truths, strict=False):
        expected.setdefault(truth, []).append(row.label == truth)
    assert figures["recall"] == {
        label: pytest.approx((sum(hits) / len(hits), len(hits))) for label, hits in expected.items()
    }
    assert figures["below_test"] == (figures["high"] < version.test_accuracy)


def test_the_command_classifies_the_labelled_uploads_again(labelled, capsys):
    call_command("evaluate_classifier", "shapes", labelled_uploads=True)
    out = capsys.readouterr().out
    # the same model on the same originals answers as it did for the visitors
    assert out.strip().splitlines()[-1] == "accuracy=0.5000"
    assert "shapes v1 on 4 labelled uploads it did not train on (1 left out)" in out


def test_the_command_says_when_there_is_nothing_to_measure(shapes_classifier):
    with pytest.raises(CommandError, match="No labelled uploads that shapes v1 did not train on"):
        call_command("evaluate_classifier", "shapes", labelled_uploads=True)
    with pytest.raises(CommandError, match="has no version 4"):
        call_command("evaluate_classifier", "shapes", labelled_uploads=True, model_version=4)


def test_two_versions_are_compared_on_the_same_uploads(labelled, trained_shapes):
    old = labelled[0]
    new = make_version(old.classifier, trained_shapes[0], number=2, active=False)
    figures = real_world.compare(new, old)
    assert (figures["count"], figures["left_out"]) == (4, 1)
    assert figures["new"]["accuracy"] == figures["old"]["accuracy"] == 0.5


def test_the_model_page_shows_each_version_and_warns_when_clearly_below(client, labelled):
    version, rows, _ = labelled
    page = " ".join(client.get("/classifiers/shapes/").content.decode().split())
    assert "On visitors' uploads" in page
    figures = real_world.own_answers(version)
    assert f"<td>50%</td><td>{figures['low']:.0%} to {figures['high']:.0%}</td><td>4</td>" in page
    assert ("does clearly worse on visitors' uploads" in page) == figures["below_test"]
    Prediction.objects.filter(pk__in=[rows[0].pk, rows[1].pk]).update(true_label=NONE_OF_THESE)
    page = " ".join(client.get("/classifiers/shapes/").content.decode().split())
    assert "does clearly worse on visitors' uploads than on its test split: 0%" in page
