"""--real-charts: real charts beside the drawn ones, for make_chart_dataset and train_classifier."""

import csv
import json
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from mlcore.charts import CHART_CLASSES
from tests.pictures import draw_shapes

BUNDLED = Path(__file__).resolve().parents[2] / "classifier" / "data" / "real_charts"


def bundled_rows():
    with open(BUNDLED / "labels.csv", newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def test_the_bundled_charts_are_whole_attributed_and_small():
    rows = bundled_rows()
    assert len(rows) == 429
    assert {row["label"] for row in rows} == set(CHART_CLASSES)
    for row in rows:
        assert (BUNDLED / row["file"]).is_file()
        assert row["source"] and row["licence"] and row["source_repo"] and row["change"]
    on_disk = {p.relative_to(BUNDLED).as_posix() for p in BUNDLED.glob("*/*")}
    assert on_disk == {row["file"] for row in rows}
    assert sum(p.stat().st_size for p in BUNDLED.rglob("*")) < 10 * 1024 * 1024


def test_make_chart_dataset_copies_the_bundled_charts(tmp_path, capsys):
    call_command(
        "make_chart_dataset", str(tmp_path), per_class=0, real_charts=str(BUNDLED), verbosity=0
    )
    assert "Copied 429 real charts in 13 classes" in capsys.readouterr().out
    for label in CHART_CLASSES:
        expected = sum(row["label"] == label for row in bundled_rows())
        assert len(list((tmp_path / label).iterdir())) == expected


def test_class_folders_skip_unknown_classes_and_unreadable_images(tmp_path, capsys):
    real = tmp_path / "real"
    for label in ("pie", "treemap"):
        (real / label).mkdir(parents=True)
        shutil.copy(next((BUNDLED / "pie").iterdir()), real / label / "one.png")
    (real / "pie" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    call_command("make_chart_dataset", str(tmp_path / "out"), per_class=0, real_charts=str(real))
    out = capsys.readouterr().out
    assert "treemap: not a class of the classifier" in out
    assert "broken.png" in out and "Copied 1 real charts in 1 classes" in out
    assert [p.name for p in (tmp_path / "out" / "pie").iterdir()] == ["real-real-one.png"]


def test_labels_naming_an_unknown_class_are_refused_with_the_known_ones(tmp_path):
    shutil.copy(next((BUNDLED / "pie").iterdir()), tmp_path / "one.png")
    (tmp_path / "labels.csv").write_text("file,label\none.png,pie\none.png,treemap\n")
    with pytest.raises(CommandError, match=r"treemap.*Its classes are area, bar, column"):
        call_command(
            "make_chart_dataset", str(tmp_path / "out"), per_class=0, real_charts=str(tmp_path)
        )
    assert not (tmp_path / "out").exists()


def test_labels_may_not_reach_outside_their_folder(tmp_path, capsys):
    real = tmp_path / "real"
    real.mkdir()
    shutil.copy(next((BUNDLED / "pie").iterdir()), tmp_path / "outside.png")
    shutil.copy(next((BUNDLED / "pie").iterdir()), real / "inside.png")
    (real / "labels.csv").write_text(
        "file,label\n../outside.png,pie\ninside.png,pie\nmissing.png,pie\n"
    )
    call_command("make_chart_dataset", str(tmp_path / "out"), per_class=0, real_charts=str(real))
    out = capsys.readouterr().out
    assert "outside.png: outside" in out and "missing.png: no such file" in out
    assert [p.name for p in (tmp_path / "out" / "pie").iterdir()] == ["real-real-inside.png"]


@pytest.mark.django_db
def test_train_classifier_adds_real_images_to_the_training_split(shapes_dir, tmp_path, capsys):
    real = draw_shapes(tmp_path / "real", per_class=3, seed=7)
    (real / "hexagon").mkdir()
    call_command(
        "train_classifier",
        "shapes-real",
        data=shapes_dir,
        real_charts=real,
        input_size=96,
        epochs=2,
        backbone="efficientnet_lite0",
        fine_tune=0,
    )
    from classifier.models import ModelVersion

    version = ModelVersion.objects.get(classifier__slug="shapes-real")
    manifest = json.loads((version.path / "manifest.json").read_text())
    added = [row for row in manifest["files"] if row["path"].startswith(str(real))]
    assert len(added) == 9 and {row["split"] for row in added} == {"train"}
    assert "hexagon: not a class" in capsys.readouterr().out


@pytest.mark.django_db
def test_train_classifier_refuses_real_labels_of_unknown_classes(shapes_dir, tmp_path):
    (tmp_path / "labels.csv").write_text("file,label\na.png,pie\n")
    with pytest.raises(CommandError, match=r"pie.*Its classes are blue_triangle"):
        call_command("train_classifier", "shapes-real", data=shapes_dir, real_charts=tmp_path)
