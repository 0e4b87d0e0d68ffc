import subprocess
import sys

import numpy as np
import pytest

from mlcore.names import store
from mlcore.names.bigram import Bigram
from mlcore.names.sampler import MAX_TEMPERATURE, MIN_TEMPERATURE, Sampler
from mlcore.names.store import Model
from mlcore.names.vocabulary import START, UnknownCharacters, Vocabulary

NAMES = ["Pikachu", "Pichu", "Raichu", "Eevee", "Mew", "Mr. Mime", "Ho-Oh", "A", "B", "AB", "BA"]


def random_model(names=NAMES, units=16, seed=0):
    vocabulary = Vocabulary.from_names(names)
    size = len(vocabulary)
    rng = np.random.default_rng(seed)

    def normal(*shape):
        return rng.normal(scale=0.5, size=shape).astype(np.float32)

    weights = {key: normal(*shape) for key, shape in store.weight_shapes(size, units).items()}
    return Model(weights, vocabulary, names, hyperparameters={}, metrics={})


def bigram_model(names, alpha=0.01):
    """A GRU whose state is the one-hot previous token and whose output is a bigram's."""
    vocabulary = Vocabulary.from_names(names)
    size = len(vocabulary)
    kernel = np.zeros((size, 3 * size), np.float32)
    kernel[:, 2 * size :] = 20 * np.eye(size)  # candidate state tanh(20) = 1 on the token
    bias = np.zeros((2, 3 * size), np.float32)
    bias[0, :size] = -40  # update gate shut: the state is the candidate
    weights = {
        "gru_kernel": kernel,
        "gru_recurrent_kernel": np.zeros((size, 3 * size), np.float32),
        "gru_bias": bias,
        "dense_kernel": np.maximum(Bigram(vocabulary, names, alpha).log_probs, -100),
        "dense_bias": np.zeros(size, np.float32),
    }
    return Model(weights, vocabulary, names, hyperparameters={}, metrics={})


def test_count_and_uniqueness():
    names = Sampler(random_model()).generate(count=15, seed=1)
    assert len(names) == 15
    assert len({g.name for g in names}) == 15
    assert all(0 < len(g.name) <= 20 for g in names)


def test_same_seed_same_names():
    sampler = Sampler(random_model())
    assert sampler.generate(seed=3) == sampler.generate(seed=3)


def test_prefix_and_max_length_are_honoured():
    names = Sampler(random_model()).generate(count=10, prefix="Pi", max_length=6, seed=1)
    assert names
    assert all(g.name.startswith("Pi") and len(g.name) <= 6 for g in names)


def test_prefix_case_is_chosen_by_the_model_unless_mixed():
    sampler = Sampler(bigram_model(["Pikachu", "Pichu", "Pidgey", "Spinda", "PI"]))
    for prefix in ["pi", "PI"]:
        names = sampler.generate(count=5, prefix=prefix, seed=1)
        assert names and all(g.name.startswith("Pi") for g in names)
    names = sampler.generate(count=5, prefix="pIk", seed=1)
    assert names and all(g.name.startswith("pIk") for g in names)


def test_nll_per_char_equals_the_bigram_it_imitates():
    names = ["Pikachu", "Pichu", "Pidgey", "Spinda"]
    bigram = Bigram(Vocabulary.from_names(names), names, alpha=0.5)
    evaluation = Sampler(bigram_model(names, alpha=0.5)).nll_per_char(["Pichu", "Spidgey"])
    assert evaluation.nll_per_char == pytest.approx(bigram.nll_per_char(["Pichu", "Spidgey"]))


def test_new_and_existing_are_labelled():
    sampler = Sampler(random_model())
    names = [g for seed in range(5) for g in sampler.generate(count=30, max_length=3, seed=seed)]
    assert {g.new for g in names} == {True, False}
    known = {name.casefold() for name in NAMES}
    assert all(g.new == (g.name.casefold() not in known) for g in names)
    only_new = sampler.generate(count=30, max_length=3, only_new=True, seed=0)
    assert only_new and all(g.new and g.name.casefold() not in known for g in only_new)


def test_top_k_keeps_the_k_most_likely():
    sampler = Sampler(random_model())
    logits = np.random.default_rng(0).normal(size=(500, len(sampler.vocabulary)))
    logits[:, START] = 10  # START is never picked, however likely
    rng = np.random.default_rng(1)
    ranked = np.where(np.arange(logits.shape[1]) == START, -np.inf, logits)
    allowed = np.argsort(-ranked, axis=1)[:, :3]
    picked = sampler.pick(logits.copy(), 1.0, 3, rng)
    assert all(p in row for p, row in zip(picked, allowed, strict=True))
    assert len(set(picked)) > 3
    greedy = sampler.pick(logits.copy(), 1.0, 1, rng)
    np.testing.assert_array_equal(greedy, allowed[:, 0])


@pytest.mark.parametrize("temperature", [0, -1, MIN_TEMPERATURE / 2, MAX_TEMPERATURE * 2])
def test_temperature_out_of_bounds(temperature):
    with pytest.raises(ValueError, match="temperature"):
        Sampler(random_model()).generate(temperature=temperature)


@pytest.mark.parametrize("temperature", [MIN_TEMPERATURE, MAX_TEMPERATURE])
def test_temperature_bounds_are_allowed(temperature):
    assert Sampler(random_model()).generate(count=2, temperature=temperature, seed=0)


def test_unseen_prefix_characters_are_named():
    with pytest.raises(UnknownCharacters, match="'z'") as caught:
        Sampler(random_model()).generate(prefix="Piz§z")
    assert caught.value.chars == ["z", "§"]


def test_nll_per_char_reports_unknown_names():
    sampler = Sampler(random_model())
    evaluation = sampler.nll_per_char(["Pichu", "Zubat", "Mew"])
    assert evaluation.skipped == ["Zubat"]
    by_hand = sum(sampler.nll_per_char([n]).nll_per_char * (len(n) + 1) for n in ["Pichu", "Mew"])
    assert evaluation.nll_per_char == pytest.approx(by_hand / 10, rel=1e-5)


def test_sampler_does_not_import_tensorflow():
    code = (
        "import sys, mlcore.names.sampler, mlcore.names.store;"
        "assert not {'tensorflow', 'keras'} & set(sys.modules), 'tensorflow imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
