import json

import numpy as np
import pytest

from mlcore.names import store
from mlcore.names.store import Model
from mlcore.names.vocabulary import Vocabulary
from mlcore.storage.model_dirs import ModelLoadError

NAMES = ["Nidoran♀", "Flabébé", "Type: Null"]


def small_model(units=4, seed=0):
    vocabulary = Vocabulary.from_names(NAMES)
    size = len(vocabulary)
    rng = np.random.default_rng(seed)
    shapes = store.weight_shapes(size, units)
    weights = {key: rng.normal(size=shape).astype(np.float32) for key, shape in shapes.items()}
    return Model(weights, vocabulary, NAMES, {"units": units}, {"val_nll": 2.4})


def test_round_trip(tmp_path):
    model = small_model()
    store.save(model, tmp_path / "model")
    loaded = store.load(tmp_path / "model")
    assert loaded.weights.keys() == model.weights.keys()
    for key, value in model.weights.items():
        np.testing.assert_array_equal(loaded.weights[key], value)
    assert loaded.vocabulary.chars == model.vocabulary.chars
    assert loaded.names == NAMES
    assert loaded.hyperparameters == {"units": 4}
    assert loaded.metrics == {"val_nll": 2.4}


def test_save_refuses_to_replace_a_saved_model(tmp_path):
    store.save(small_model(units=4), tmp_path / "model")
    with pytest.raises(FileExistsError, match="never replaced"):
        store.save(small_model(units=6), tmp_path / "model")
    assert store.load(tmp_path / "model").hyperparameters == {"units": 4}


def test_failed_save_leaves_nothing(tmp_path, monkeypatch):
    def broken_dump(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(json, "dump", broken_dump)
    with pytest.raises(OSError, match="disk full"):
        store.save(small_model(units=6), tmp_path / "model")
    assert list(tmp_path.iterdir()) == []


def test_missing_model(tmp_path):
    with pytest.raises(ModelLoadError, match="no name model"):
        store.load(tmp_path / "nothing")


@pytest.mark.parametrize(
    ("file", "content"),
    [
        ("weights.npz", b"not a zip"),
        ("model.json", b"{not json"),
        ("model.json", b'{"format": 1}'),
        ("model.json", b"[]"),
    ],
)
def test_corrupt_model(tmp_path, file, content):
    store.save(small_model(), tmp_path / "model")
    (tmp_path / "model" / file).write_bytes(content)
    with pytest.raises(ModelLoadError, match="unreadable"):
        store.load(tmp_path / "model")


def test_missing_file(tmp_path):
    store.save(small_model(), tmp_path / "model")
    (tmp_path / "model" / "weights.npz").unlink()
    with pytest.raises(ModelLoadError, match="unreadable"):
        store.load(tmp_path / "model")


def test_weights_that_do_not_fit_the_vocabulary(tmp_path):
    model = small_model()
    model.weights["dense_bias"] = np.zeros(3, np.float32)
    store.save(model, tmp_path / "model")
    with pytest.raises(ModelLoadError, match="shapes"):
        store.load(tmp_path / "model")
