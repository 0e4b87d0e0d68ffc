from pathlib import Path

import numpy as np
import pytest

from mlcore.names import gru, store
from mlcore.names.sampler import Sampler
from mlcore.names.store import Model
from mlcore.names.vocabulary import Vocabulary

DATA = Path(__file__).parents[2] / "namegen" / "data" / "pokemon_names.txt"
NAMES = DATA.read_text(encoding="utf-8").splitlines()[:60]
TINY = {"units": 8, "epochs": 3, "learning_rate": 0.05, "batch_size": 16, "seed": 1}


@pytest.fixture(scope="module")
def progress():
    calls = []
    model = gru.train(NAMES, progress=lambda *event: calls.append(event), **TINY)
    return model, calls


def test_numpy_step_equals_keras():
    vocabulary = Vocabulary.from_names(NAMES)
    size, units = len(vocabulary), 12
    # Dropouts act only in training: the network predicts with the plain GRU equations.
    network = gru.build(size, units, dropout=0.5, recurrent_dropout=0.3, input_dropout=0.2)
    rng = np.random.default_rng(0)
    network.set_weights([rng.normal(scale=0.5, size=w.shape) for w in network.get_weights()])
    tokens = rng.integers(0, size, size=(5, 9))

    expected = network.predict(vocabulary.one_hot(tokens), verbose=0)
    sampler = Sampler(Model(gru.weights_of(network), vocabulary, NAMES, {}, {}))
    h = np.zeros((5, units), np.float32)
    for t in range(tokens.shape[1]):
        h, logits = sampler.step(h, tokens[:, t])
        np.testing.assert_allclose(logits, expected[:, t], atol=1e-5)


def test_split_is_seeded():
    train, val = gru.split(NAMES, 0.1, seed=4)
    assert len(val) == 6 and sorted(train + val) == sorted(NAMES)
    assert gru.split(NAMES, 0.1, seed=4) == (train, val)
    assert gru.split(NAMES, 0.1, seed=5) != (train, val)


def test_tiny_training_gives_a_loadable_model(progress, tmp_path):
    model, calls = progress
    assert calls[0] == ("phase", "names", 3)
    epochs = calls[1:]
    assert [event[:3] for event in epochs] == [("epoch", 1, 3), ("epoch", 2, 3), ("epoch", 3, 3)]
    assert {"loss", "val_loss"} <= epochs[0][3].keys()
    metrics = model.metrics
    assert metrics["train_size"] == 54 and metrics["val_size"] == 6
    # The numpy NLL of the restored weights is Keras's best validation loss.
    assert metrics["val_nll"] == pytest.approx(min(metrics["history"]["val_loss"]), abs=1e-4)
    assert metrics["bigram_val_nll"] > 0

    store.save(model, tmp_path / "model")
    loaded = store.load(tmp_path / "model")
    assert loaded.hyperparameters["units"] == 8
    names = Sampler(loaded).generate(count=5, prefix="Bu", seed=0)
    assert names and all(g.name.startswith("Bu") for g in names)


def test_training_is_reproducible(progress):
    again = gru.train(NAMES, **TINY)
    for key, value in progress[0].weights.items():
        np.testing.assert_array_equal(again.weights[key], value)


def test_refit_trains_a_new_network_on_every_name_for_the_chosen_epochs(progress):
    plain = progress[0]
    events = []
    refitted = gru.train(NAMES, refit=True, progress=lambda *event: events.append(event), **TINY)
    best = plain.metrics["best_epoch"]
    assert ("phase", "refit on every name", best) in events
    assert events[-1][:3] == ("epoch", best, best)
    assert refitted.metrics["train_size"] == 60 and refitted.hyperparameters["refit"] is True
    # The same selection run: the same epoch and the same honest validation figure.
    assert refitted.metrics["best_epoch"] == plain.metrics["best_epoch"]
    assert refitted.metrics["val_nll"] == pytest.approx(plain.metrics["val_nll"], abs=1e-6)
    assert not np.array_equal(refitted.weights["dense_kernel"], plain.weights["dense_kernel"])
    val_names = gru.split(NAMES, 0.1, seed=1)[1]
    # The refitted network has seen the validation names; the plain one has not.
    assert Sampler(plain).nll_per_char(val_names).nll_per_char == pytest.approx(
        plain.metrics["val_nll"], abs=1e-4
    )
