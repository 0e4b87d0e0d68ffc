import json
import shutil

import pytest

from mlcore.storage.model_files import MANIFEST
from mlcore.training import comparison


def test_figures_count_each_true_class_against_each_prediction():
    result = comparison.figures(["a", "a", "b", "c"], ["a", "b", "b", "a"], ["a", "b", "c"])
    assert result["accuracy"] == 0.5
    assert result["recall"] == {"a": 0.5, "b": 1.0, "c": 0.0}
    assert result["confusion"] == [[1, 1, 0], [0, 1, 0], [1, 0, 0]]


def test_a_model_against_itself_changes_nothing(trained_shapes, shapes_dir):
    result, directory = trained_shapes
    compared = comparison.compare(directory, directory, shapes_dir)
    assert compared["labels"] == sorted(result.labels)
    assert [split["split"] for split in compared["splits"]] == ["both"]  # the same images once
    split = compared["splits"][0]
    assert split["count"] == len(result.dataset.splits["test"])
    assert split["new"] == split["old"] and split["changed"] == []
    assert split["new"]["accuracy"] == pytest.approx(result.metrics["accuracy"], abs=1e-6)


def test_changed_predictions_are_listed_with_their_paths(trained_shapes, shapes_dir, tmp_path):
    _, directory = trained_shapes
    relabelled = tmp_path / "relabelled"
    shutil.copytree(directory, relabelled)
    manifest = json.loads((relabelled / MANIFEST).read_text())
    labels = json.loads((relabelled / "labels.json").read_text())
    # The same network with its classes renamed in a cycle: every answer changes.
    renamed = labels[1:] + labels[:1]
    (relabelled / "labels.json").write_text(json.dumps(renamed))
    manifest.pop("served")  # the edited labels.json is no longer the file that was saved
    (relabelled / MANIFEST).write_text(json.dumps(manifest))
    compared = comparison.compare(relabelled, directory, shapes_dir)
    split = compared["splits"][0]
    assert split["changed_count"] == split["count"] > 0
    first = split["changed"][0]
    assert (shapes_dir / first["path"]).is_file() and first["label"] in labels
    assert split["fixed"] + split["broken"] <= split["changed_count"]


def test_test_images_are_those_of_the_split_still_on_disk(trained_shapes, shapes_dir, tmp_path):
    result, directory = trained_shapes
    copy = tmp_path / "model"
    shutil.copytree(directory, copy)
    manifest = json.loads((copy / MANIFEST).read_text())
    manifest["root"] = str(tmp_path / "images")
    (copy / MANIFEST).write_text(json.dumps(manifest))
    shutil.copytree(shapes_dir, tmp_path / "images")
    tested = [e for e in manifest["files"] if e["split"] == "test"]
    (tmp_path / "images" / tested[0]["path"]).unlink()
    found = comparison.test_images(copy)
    assert len(found) == len(tested) - 1 == len(result.dataset.splits["test"]) - 1
    assert {label for _, label in found} <= set(result.labels)
