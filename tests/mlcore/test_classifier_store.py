import json

import numpy as np
import pytest

from mlcore.training import classifier_store, datasets, plots, trainer
from tests.pictures import draw_noise

SIZE = 32
FILES = {
    "model.keras",
    "model.tflite",
    "export.json",
    "head.npz",
    "labels.json",
    "preprocessing.json",
    "metrics.json",
    "history.json",
    "manifest.json",
    "curves.png",
    "confusion.png",
}


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    """A quick classifier of dark against light noise images, with the small CNN."""
    dataset = datasets.scan(draw_noise(tmp_path_factory.mktemp("noise"), size=32))
    return trainer.train(dataset, "scratch", input_size=SIZE, epochs=2, augment=False, fit="crop")


@pytest.fixture(scope="module")
def saved(result, tmp_path_factory):
    return classifier_store.save(result, tmp_path_factory.mktemp("models") / "v1")


def pixels(count=3):
    return np.random.default_rng(1).uniform(0, 255, (count, SIZE, SIZE, 3)).astype(np.float32)


def read(directory, name):
    return json.loads((directory / name).read_text())


def test_save_writes_one_directory_with_every_file(result, saved):
    # The export not served beside model.tflite, float32 or int8 (tests/mlcore/test_runtime.py).
    other = {"model.float32.tflite", "model.int8.tflite"}
    assert len({path.name for path in saved.iterdir()} - FILES & other) == 1
    assert {path.name for path in saved.iterdir()} - other == FILES
    assert [path.name for path in saved.parent.iterdir()] == ["v1"]
    assert read(saved, "labels.json") == ["dark", "light"]
    assert read(saved, "preprocessing.json") == {
        "backbone": "scratch",
        "input_size": SIZE,
        "fit": "crop",
        "pixels": "RGB 0..255",
    }
    assert read(saved, "metrics.json") == result.metrics
    assert read(saved, "history.json") == result.history
    for name in ("curves.png", "confusion.png"):
        assert (saved / name).read_bytes().startswith(b"\x89PNG")
    with np.load(saved / "head.npz") as head:
        np.testing.assert_array_equal(head["kernel"], result.head_kernel)
        np.testing.assert_array_equal(head["bias"], result.head_bias)


def test_manifest_lists_every_file_with_its_hash(result, saved):
    manifest = read(saved, "manifest.json")
    files = manifest["files"]
    assert len(files) == 20
    assert {row["split"] for row in files} == {"train", "val", "test"}
    assert all(len(row["sha256"]) == 64 and row["label"] in ("dark", "light") for row in files)
    assert files == result.dataset.manifest()
    assert manifest["dataset"]["counts"] == result.dataset.report.counts
    assert manifest["training"]["seed"] == 0 and manifest["training"]["fit"] == "crop"


def test_save_never_overwrites(result, saved):
    before = sorted(path.name for path in saved.iterdir())
    with pytest.raises(FileExistsError):
        classifier_store.save(result, saved)
    assert sorted(path.name for path in saved.iterdir()) == before


def test_a_failed_save_leaves_nothing_behind(result, tmp_path, monkeypatch):
    def broken(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(plots, "confusion_png", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        classifier_store.save(result, tmp_path / "v2")
    assert list(tmp_path.iterdir()) == []
