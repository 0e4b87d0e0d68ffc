import json
import shutil
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from PIL import Image

from mlcore import classifier_store, datasets, plots, training
from mlcore.classifier_store import ModelLoadError

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
    root = tmp_path_factory.mktemp("noise")
    rng = np.random.default_rng(0)
    for label, mean in (("dark", 60), ("light", 190)):
        (root / label).mkdir()
        for i in range(10):
            pixels = np.clip(rng.normal(mean, 30, (32, 32, 3)), 0, 255).astype(np.uint8)
            Image.fromarray(pixels).save(root / label / f"{i}.png")
    dataset = datasets.scan(root)
    return training.train(dataset, "scratch", input_size=SIZE, epochs=2, augment=False, fit="crop")


@pytest.fixture(scope="module")
def saved(result, tmp_path_factory):
    return classifier_store.save(result, tmp_path_factory.mktemp("models") / "v1")


@pytest.fixture(scope="module")
def loaded(saved):
    return classifier_store.load(saved)


def pixels(count=3):
    return np.random.default_rng(1).uniform(0, 255, (count, SIZE, SIZE, 3)).astype(np.float32)


def read(directory, name):
    return json.loads((directory / name).read_text())


def test_save_writes_one_directory_with_every_file(result, saved):
    assert {path.name for path in saved.iterdir()} == FILES
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


def test_loaded_classifier_predicts_like_the_trained_model(result, loaded):
    assert loaded.labels == ["dark", "light"]
    assert (loaded.input_size, loaded.fit, loaded.backbone) == (SIZE, "crop", "scratch")
    np.testing.assert_array_equal(loaded.head_kernel, result.head_kernel)
    probabilities, feature_maps = loaded.predict(pixels())
    expected_probabilities, expected_maps = result.model.predict_on_batch(pixels())
    np.testing.assert_allclose(probabilities, expected_probabilities, atol=1e-5)
    np.testing.assert_allclose(feature_maps, expected_maps, atol=1e-4)
    assert feature_maps.shape == (3, 4, 4, 256)


def test_predict_from_several_threads(loaded):
    batches = [pixels(1 + i % 3) for i in range(8)]
    expected = [loaded.predict(batch)[0] for batch in batches]
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda batch: loaded.predict(batch)[0], batches))
    for a, b in zip(got, expected, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-6)


def test_predict_refuses_the_wrong_image_size(loaded):
    with pytest.raises(ValueError, match="32"):
        loaded.predict(np.zeros((1, 64, 64, 3), np.float32))


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


def remove(directory, name):
    (directory / name).unlink()


def overwrite(name, content):
    return lambda directory: (directory / name).write_bytes(content)


@pytest.mark.parametrize(
    "damage",
    [
        lambda directory: shutil.rmtree(directory),
        lambda directory: remove(directory, "model.keras"),
        lambda directory: remove(directory, "head.npz"),
        lambda directory: remove(directory, "preprocessing.json"),
        overwrite("model.keras", b"PK\x03\x04 not really a zip"),
        overwrite("labels.json", b'["dark", '),
        overwrite("labels.json", b'["dark", "light", "grey"]'),
        overwrite("preprocessing.json", b'{"input_size": 99, "fit": "crop", "backbone": "x"}'),
    ],
    ids=[
        "no directory",
        "no model",
        "no head",
        "no preprocessing",
        "corrupt model",
        "broken json",
        "labels mismatch",
        "size mismatch",
    ],
)
def test_missing_or_damaged_files_raise_model_load_error(saved, tmp_path, damage):
    copy = tmp_path / "copy"
    shutil.copytree(saved, copy)
    damage(copy)
    with pytest.raises(ModelLoadError, match=str(copy)):
        classifier_store.load(copy)
