import json
import shutil
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from mlcore.models import export, runtime
from mlcore.storage.model_dirs import ModelLoadError
from mlcore.storage.model_files import FLOAT32, INT8
from mlcore.training import classifier_store, datasets, trainer
from mlcore.vision import cam
from tests.model_damage import change_one_weight, fill_weights_with_nan, truncate
from tests.pictures import draw_noise

ROOT = Path(__file__).resolve().parents[2]
MODELS = {"scratch": 32, "efficientnet_lite0": 96}  # backbone -> input size


@pytest.fixture(scope="module")
def noise(tmp_path_factory):
    """Dark and light noise images, 10 of each."""
    return datasets.scan(draw_noise(tmp_path_factory.mktemp("noise"), size=40))


@pytest.fixture(scope="module", params=list(MODELS))
def trained(request, noise, tmp_path_factory):
    """(training result, saved directory) of a quick classifier of each kind."""
    backbone = request.param
    result = trainer.train(
        noise,
        backbone,
        input_size=MODELS[backbone],
        epochs=2,
        fine_tune=0,
        augment_copies=1,
        fit="crop",
    )
    return result, classifier_store.save(result, tmp_path_factory.mktemp(backbone) / "v1")


@pytest.fixture(scope="module")
def predictor(trained):
    return runtime.load(trained[1])


def pixels(size, count=3, seed=1):
    return np.random.default_rng(seed).uniform(0, 255, (count, size, size, 3)).astype(np.float32)


def test_the_float_export_predicts_like_the_keras_model(trained):
    result, directory = trained
    size = result.input_size
    probabilities, feature_maps = runtime.load(directory, FLOAT32).predict(pixels(size))
    expected_probabilities, expected_maps = result.model.predict_on_batch(pixels(size))
    np.testing.assert_allclose(probabilities, expected_probabilities, rtol=0, atol=1e-5)
    # float32 rounding, relative to the largest activation
    scale = np.abs(expected_maps).max()
    np.testing.assert_allclose(feature_maps, expected_maps, rtol=0, atol=1e-5 * scale)
    assert feature_maps.shape == expected_maps.shape


def test_has_what_the_site_uses(trained, predictor):
    result = trained[0]
    assert predictor.labels == ["dark", "light"]
    assert (predictor.input_size, predictor.fit) == (result.input_size, "crop")
    assert predictor.backbone == result.backbone
    assert predictor.metrics == result.metrics
    np.testing.assert_array_equal(predictor.head_kernel, result.head_kernel)
    np.testing.assert_array_equal(predictor.head_bias, result.head_bias)


def test_the_int8_export_agrees_with_the_float_one(trained):
    result, directory = trained
    test = classifier_store.check_sets(result, None)["test"]
    float_probabilities, float_maps = runtime.load(directory, FLOAT32).predict(test.pixels)
    int8 = runtime.load(directory, INT8)
    assert int8.session().input["dtype"] == np.uint8  # pixels go in as they are
    probabilities, feature_maps = int8.predict(test.pixels)
    np.testing.assert_array_equal(probabilities.argmax(1), float_probabilities.argmax(1))
    np.testing.assert_allclose(probabilities, float_probabilities, rtol=0, atol=0.05)
    # The activation map comes from the dequantized feature map, which follows the float one.
    assert feature_maps.dtype == np.float32 and feature_maps.shape == float_maps.shape
    for float_map, int8_map, top in zip(
        float_maps, feature_maps, probabilities.argmax(1), strict=True
    ):
        assert np.corrcoef(float_map.ravel(), int8_map.ravel())[0, 1] > 0.9
        activation = cam.activation_map(int8_map, int8.head_kernel, top)
        assert activation.shape == int8_map.shape[:2] and activation.max() == 1.0


def test_save_records_both_exports_and_serves_the_chosen_one(trained):
    result, directory = trained
    report = json.loads((directory / "export.json").read_text())
    assert report["images"] == len(result.dataset.splits["test"])
    assert 0 <= report["max_abs_diff"] <= export.TOLERANCE
    assert report["keras_ms"] > 0 and report["tflite_ms"] > 0
    int8 = report["int8"]
    assert int8["calibration_images"] == len(result.dataset.splits["train"])
    assert int8["images"] == len(result.dataset.splits["test"])
    assert int8["float32_ms"] > 0 and int8["int8_ms"] > 0
    assert int8["speedup"] == pytest.approx(int8["float32_ms"] / int8["int8_ms"], rel=0.05)
    assert int8["agreement"] == 1.0
    assert int8["accuracy"]["test"][FLOAT32] == pytest.approx(result.metrics["accuracy"])
    assert report["format"] == export.choose(int8)
    other = FLOAT32 if report["format"] == INT8 else INT8
    served = runtime.load(directory).model
    assert served == runtime.load(directory, report["format"]).model
    assert served != runtime.load(directory, other).model
    assert (directory / runtime.export_file(directory, other)).is_file()


def measured(speedup, **drops):
    """An int8 report: int8 that much faster, and that much less accurate on each set."""
    accuracy = {name: {FLOAT32: 0.9, INT8: 0.9 - drop} for name, drop in drops.items()}
    return {"speedup": speedup, "accuracy": accuracy}


def test_int8_is_served_only_when_faster_and_as_accurate_on_every_set():
    assert export.choose(measured(1.9, test=0.0, holdout=0.0)) == INT8
    assert export.choose(measured(1.9, test=0.005, holdout=-0.02)) == INT8
    assert export.choose(measured(1.9, test=0.0, holdout=0.006)) == FLOAT32
    assert export.choose(measured(1.9, test=0.006, holdout=0.0)) == FLOAT32
    assert export.choose(measured(0.95, test=0.0)) == FLOAT32


def test_only_the_judged_sets_decide_and_none_judged_means_float():
    """The shipped chart head trained on its version's test split: it is recorded, not judged."""
    report = {**measured(1.9, test=0.02, pillow=0.0, charts_real=0.004)}
    assert export.choose({**report, "judged_on": ["pillow", "charts_real"]}) == INT8
    assert export.choose({**report, "judged_on": ["test", "pillow"]}) == FLOAT32
    assert export.choose({**report, "judged_on": []}) == FLOAT32


def test_the_int8_export_is_measured_on_the_check_datasets_too(trained, noise, tmp_path):
    result = trained[0]
    directory = classifier_store.save(result, tmp_path / "v2", checks={"holdout": noise})
    accuracy = json.loads((directory / "export.json").read_text())["int8"]["accuracy"]
    assert list(accuracy) == ["test", "holdout"]
    # Every image of the check dataset, from all its splits.
    expected = result.model.predict_on_batch(load_all(noise, result))[0].argmax(1)
    labels = [result.labels.index(sample.label) for sample in all_samples(noise)]
    assert accuracy["holdout"][FLOAT32] == pytest.approx(np.mean(expected == labels), abs=1e-4)


def all_samples(dataset):
    return [sample for split in dataset.splits.values() for sample in split]


def load_all(dataset, result):
    return classifier_store.load_pixels(result, all_samples(dataset))


def test_predict_from_four_threads_at_once(predictor):
    batches = [pixels(predictor.input_size, 1 + i % 3, seed=i) for i in range(8)]
    expected = [predictor.predict(batch) for batch in batches]
    start = threading.Barrier(4)

    def work(offset):
        start.wait()
        return [predictor.predict(batches[(offset + i) % 8]) for i in range(16)]

    with ThreadPoolExecutor(4) as pool:
        for offset, results in enumerate(pool.map(work, range(4))):
            for i, (probabilities, feature_maps) in enumerate(results):
                np.testing.assert_array_equal(probabilities, expected[(offset + i) % 8][0])
                np.testing.assert_array_equal(feature_maps, expected[(offset + i) % 8][1])


def test_predict_refuses_the_wrong_image_size(predictor):
    with pytest.raises(ValueError, match=str(predictor.input_size)):
        predictor.predict(np.zeros((1, 64, 64, 3), np.float32))


def test_a_failed_export_check_leaves_nothing_behind(trained, tmp_path, monkeypatch):
    monkeypatch.setattr(export, "TOLERANCE", -1.0)
    with pytest.raises(export.ExportError, match="differs from the Keras model"):
        classifier_store.save(trained[0], tmp_path / "v2")
    assert list(tmp_path.iterdir()) == []


def overwrite(name, content):
    return lambda directory: (directory / name).write_bytes(content)


def change_input_size(directory):
    path = directory / "preprocessing.json"
    settings = json.loads(path.read_text())
    path.write_text(json.dumps({**settings, "input_size": settings["input_size"] + 8}))


@pytest.mark.parametrize(
    "damage",
    [
        lambda directory: shutil.rmtree(directory),
        lambda directory: (directory / "head.npz").unlink(),
        overwrite("model.tflite", b""),
        overwrite("model.tflite", b"PK\x03\x04 not a flatbuffer" * 10),
        truncate,
        fill_weights_with_nan,
        overwrite("labels.json", b'["dark", '),
        overwrite("labels.json", b'["dark", "light", "grey"]'),
        change_input_size,
    ],
    ids=[
        "no directory",
        "no head",
        "empty model",
        "corrupt model",
        "truncated model",
        "NaN weights",
        "broken json",
        "labels mismatch",
        "size mismatch",
    ],
)
@pytest.mark.parametrize("hashes", ["recorded", "not recorded"])
def test_missing_or_damaged_files_raise_model_load_error(trained, tmp_path, damage, hashes):
    """Without the hashes (a model saved before they were recorded), the checks of the files'
    content and shapes still refuse each damage."""
    copy = tmp_path / "copy"
    shutil.copytree(trained[1], copy)
    if hashes == "not recorded":
        saved_before_hashes(copy)
    damage(copy)
    with pytest.raises(ModelLoadError, match=str(copy)):
        runtime.load(copy)


def forget_hashes(directory):
    manifest = json.loads((directory / "manifest.json").read_text())
    del manifest["served"]
    (directory / "manifest.json").write_text(json.dumps(manifest))


def saved_before_hashes(directory):
    """As a model saved before the hashes were recorded: without them, and float32 only."""
    forget_hashes(directory)
    float_file, int8_file = (directory / runtime.export_file(directory, f) for f in (FLOAT32, INT8))
    int8_file.unlink()
    float_file.replace(directory / "model.tflite")
    (directory / "export.json").write_text(json.dumps({"format": FLOAT32}))


@pytest.mark.parametrize(
    "damage",
    [change_one_weight, overwrite("metrics.json", b'{"accuracy": 1.0}')],
    ids=["one weight", "metrics"],
)
def test_a_file_that_differs_from_its_recorded_hash_is_refused(trained, tmp_path, damage):
    copy = tmp_path / "copy"
    shutil.copytree(trained[1], copy)
    damage(copy)
    with pytest.raises(ModelLoadError, match=r"model\.tflite|metrics\.json") as refused:
        runtime.load(copy)
    assert "sha256 differs" in str(refused.value)
    forget_hashes(copy)
    runtime.load(copy)  # what only the hashes could tell


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("manifest.json", r"manifest\.json"),
        # a model saved before the export says to train it again
        ("model.tflite", r"no model\.tflite.*Train it again"),
    ],
    ids=["manifest", "saved before the export"],
)
def test_a_model_without_one_of_its_files_is_refused(trained, tmp_path, missing, message):
    copy = tmp_path / "copy"
    shutil.copytree(trained[1], copy)
    (copy / missing).unlink()
    with pytest.raises(ModelLoadError, match=message):
        runtime.load(copy)


NO_TENSORFLOW = """
import sys
import numpy as np
import mlcore.vision.cam, mlcore.vision.images, mlcore.models.loaded, mlcore.models.runtime

predictor = mlcore.models.runtime.load(sys.argv[1])
size = predictor.input_size
probabilities, feature_maps = predictor.predict(np.zeros((2, size, size, 3), np.float32))
assert probabilities.shape == (2, len(predictor.labels)), probabilities.shape
mlcore.vision.cam.activation_map(feature_maps[0], predictor.head_kernel, 0)
loaded = sorted(name for name in sys.modules if name.split(".")[0] in ("tensorflow", "keras"))
assert not loaded, loaded
"""


def test_serving_needs_no_tensorflow(trained):
    subprocess.run([sys.executable, "-c", NO_TENSORFLOW, trained[1]], check=True, cwd=ROOT)
