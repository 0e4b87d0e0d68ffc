import json
import os
import shutil
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from PIL import Image

from classifier.models import ImageClassifier, ModelVersion, Prediction
from tests.classifier.uploading import post, red_circle
from tests.pictures import draw_shapes

pytestmark = pytest.mark.django_db
QUICK = {"backbone": "efficientnet_lite0", "fine_tune": 0}  # where the recipe is not the point


def last_line(text):
    return text.strip().splitlines()[-1]


def test_train_classifier_records_activates_and_reports(shapes_dir, capsys):
    call_command(
        "train_classifier", "shapes", data=shapes_dir, title="Shapes", input_size=96, epochs=10
    )
    out = capsys.readouterr().out
    classifier = ImageClassifier.objects.get(slug="shapes")
    version = classifier.versions.get(active=True)
    assert version.number == 1 and version.labels == sorted(
        ["red_circle", "green_square", "blue_triangle"]
    )
    assert (version.path / "model.keras").exists() and (version.path / "confusion.png").exists()
    assert version.dataset_summary["counts"]["train"]
    accuracy = float(last_line(out).removeprefix("test_accuracy="))
    assert accuracy == pytest.approx(version.metrics["accuracy"], abs=1e-4)
    assert "precision" in out and "red_circle" in out
    # The default recipe: Lite1's head, then its top 40 layers.
    manifest = json.loads((version.path / "manifest.json").read_text())
    assert version.backbone == "efficientnet_lite1" and manifest["training"]["fine_tune"] == 40

    call_command(
        "train_classifier",
        "shapes",
        data=shapes_dir,
        input_size=96,
        epochs=2,
        no_activate=True,
        int8_check=[shapes_dir],
        **QUICK,
    )
    assert classifier.versions.get(active=True).number == 1
    assert classifier.versions.count() == 2
    second = classifier.versions.get(number=2)
    assert second.directory == "classifiers/shapes/v2"
    # The int8 export was measured on the test split and on the folder named by --int8-check.
    export = json.loads((second.path / "export.json").read_text())
    assert list(export["int8"]["accuracy"]) == ["test", shapes_dir.name]


def test_train_classifier_cross_validates_first(shapes_dir, capsys, client, admin_client):
    call_command(
        "train_classifier", "shapes-cv", data=shapes_dir, input_size=96, epochs=5, cv=3, **QUICK
    )
    out = capsys.readouterr().out
    version = ModelVersion.objects.get(classifier__slug="shapes-cv", active=True)
    summary = version.cross_validation
    assert summary["folds"] == 3 and len(summary["accuracy"]["folds"]) == 3
    *_, cv_line, test_line = out.strip().splitlines()
    assert float(cv_line.removeprefix("cv_accuracy=")) == pytest.approx(
        summary["accuracy"]["mean"], abs=1e-4
    )
    assert test_line.startswith("test_accuracy=")
    assert "Cross-validation, 3 folds: accuracy" in out
    shown = f"{summary['accuracy']['mean']:.2f} +/- {summary['accuracy']['sd']:.2f} over 3 folds"
    assert shown in client.get("/classifiers/shapes-cv/").content.decode()
    change = admin_client.get(f"/admin/classifier/modelversion/{version.pk}/change/")
    assert shown in change.content.decode()


def test_train_classifier_refuses_a_fine_tune_that_is_no_count(shapes_dir):
    with pytest.raises(CommandError, match="a number of layers or auto, not 'some'"):
        call_command("train_classifier", "shapes", "--data", str(shapes_dir), "--fine-tune", "some")
    assert not ImageClassifier.objects.exists()


def test_train_classifier_refuses_more_folds_than_images(db, tmp_path):
    draw_shapes(tmp_path, per_class=3)
    with pytest.raises(CommandError, match="3 images: 3 folds need at least 4"):
        call_command("train_classifier", "shapes", data=tmp_path, cv=3, input_size=96)
    assert not ImageClassifier.objects.exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"data": "/nonexistent"}, "is not a folder"),
        ({"backbone": "scratch", "val_fraction": 0.6, "test_fraction": 0.5}, "sum below 1"),
        ({"weights": "/no/such/weights.h5"}, "does not exist"),
    ],
)
def test_train_classifier_bad_options(shapes_dir, options, message):
    options = {"data": shapes_dir, **options}
    with pytest.raises(CommandError, match=message):
        call_command("train_classifier", "shapes", **options)
    assert not ImageClassifier.objects.exists()


def test_evaluate_classifier_on_another_folder(shapes_classifier, tmp_path, capsys):
    draw_shapes(tmp_path / "other", per_class=4, seed=7)
    report = tmp_path / "metrics.json"
    call_command("evaluate_classifier", "shapes", tmp_path / "other", json=report)
    out = capsys.readouterr().out
    accuracy = float(last_line(out).removeprefix("accuracy="))
    assert accuracy == pytest.approx(json.loads(report.read_text())["accuracy"], abs=1e-4)
    assert json.loads(report.read_text())["count"] == 12
    assert accuracy > 0.5


def test_evaluate_classifier_on_some_classes_reports_only_those(
    shapes_classifier, tmp_path, capsys
):
    draw_shapes(tmp_path / "other", per_class=4, seed=7)
    shutil.rmtree(tmp_path / "other" / "green_square")
    report = tmp_path / "metrics.json"
    call_command("evaluate_classifier", "shapes", tmp_path / "other", json=report)
    metrics = json.loads(report.read_text())
    table = capsys.readouterr().out
    assert [row["label"] for row in metrics["classes"]] == ["blue_triangle", "red_circle"]
    recalls = [row["recall"] for row in metrics["classes"]]
    assert metrics["macro_recall"] == pytest.approx(sum(recalls) / 2)
    assert "green_square" not in table.split("class")[-1].split("Predicted as")[0]


def test_evaluate_classifier_unknown_folders_list_the_labels(shapes_classifier, tmp_path):
    draw_shapes(tmp_path / "other", per_class=2)
    (tmp_path / "other" / "red_circle").rename(tmp_path / "other" / "circles")
    with pytest.raises(CommandError, match=r"circles.*Known labels: blue_triangle, green_square"):
        call_command("evaluate_classifier", "shapes", tmp_path / "other")
    call_command("evaluate_classifier", "shapes", tmp_path / "other", map=["circles=red_circle"])


def test_evaluate_unknown_classifier(db, tmp_path):
    with pytest.raises(CommandError, match="Unknown classifier 'nope'"):
        call_command("evaluate_classifier", "nope", tmp_path)


def test_classify_prints_top_classes(shapes_classifier, shapes_dir, tmp_path, capsys):
    broken = tmp_path / "broken.jpg"
    broken.write_text("not an image")
    image = shapes_dir / "red_circle" / "000.png"
    with pytest.raises(CommandError, match="1 of 2 images could not be read"):
        call_command("classify", "shapes", str(image), str(broken))
    captured = capsys.readouterr()
    assert captured.out.startswith(f"{image}: ") and "%" in captured.out
    assert "broken.jpg" in captured.err


def test_classify_without_a_model_says_how_to_train(db, tmp_path):
    ImageClassifier.objects.create(slug="empty", title="Empty")
    with pytest.raises(CommandError, match="train_classifier empty --data DIR"):
        call_command("classify", "empty", str(tmp_path / "x.png"))


def test_system_check_warns_without_an_active_classifier(db):
    from classifier.checks import active_classifier

    assert [w.id for w in active_classifier(None)] == ["classifier.W001"]


def test_system_check_is_quiet_with_an_active_classifier(shapes_classifier):
    from classifier.checks import active_classifier

    assert active_classifier(None) == []


def test_deleted_model_files_give_a_clear_message(shapes_classifier, tmp_path):
    version = shapes_classifier.versions.get(active=True)
    version.directory = "classifiers/shapes/gone"
    version.save()
    Image.new("RGB", (8, 8)).save(tmp_path / "x.png")
    with pytest.raises(CommandError, match="model files of shapes v1 are missing"):
        call_command("classify", "shapes", str(tmp_path / "x.png"))


def test_prune_predictions_deletes_old_originals_only(client, shapes_classifier, shapes_dir):
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
