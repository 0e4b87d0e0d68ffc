"""Names from a trained GRU in plain numpy, one step per character, many names at once."""

import unicodedata
from dataclasses import dataclass

import numpy as np

from mlcore.names.vocabulary import END, START, UnknownCharacters

MIN_TEMPERATURE = 0.1
MAX_TEMPERATURE = 3.0
ROUNDS = 20  # batches tried before giving up on filling a request


@dataclass(frozen=True)
class Generated:
    name: str
    new: bool  # not one of the names given to training, case ignored


@dataclass(frozen=True)
class Evaluation:
    nll_per_char: float  # nats per character, END included; nan when nothing was scored
    skipped: list  # names with characters outside the vocabulary, not scored


def sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def log_softmax(logits):
    shifted = logits - logits.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


class Sampler:
    def __init__(self, model):
        self.vocabulary = model.vocabulary
        input_bias, self.recurrent_bias = model.weights["gru_bias"]
        # A one-hot input times the kernel is a row of the kernel.
        self.input_rows = model.weights["gru_kernel"] + input_bias
        self.recurrent_kernel = model.weights["gru_recurrent_kernel"]
        self.dense_kernel = model.weights["dense_kernel"]
        self.dense_bias = model.weights["dense_bias"]
        self.units = self.recurrent_kernel.shape[0]
        self.known = {name.casefold() for name in model.names}

    def step(self, h, tokens):
        """Keras 3 GRU (reset_after=True, gates z, r, h) then the dense layer: (h, logits)."""
        u = self.units
        x = self.input_rows[tokens]
        inner = h @ self.recurrent_kernel + self.recurrent_bias
        z = sigmoid(x[:, :u] + inner[:, :u])
        r = sigmoid(x[:, u : 2 * u] + inner[:, u : 2 * u])
        candidate = np.tanh(x[:, 2 * u :] + r * inner[:, 2 * u :])
        h = z * h + (1 - z) * candidate
        return h, h @ self.dense_kernel + self.dense_bias

    def begin(self, prefix):
        """State after START and prefix; the model picks the case unless prefix mixes cases."""
        ids = self.vocabulary.ids
        unseen = sorted(c for c in set(prefix) if not {c, c.lower(), c.upper()} & ids.keys())
        if unseen:
            raise UnknownCharacters(unseen)
        as_typed = prefix not in (prefix.lower(), prefix.upper())
        h, logits = self.step(np.zeros((1, self.units), np.float32), [START])
        chosen = ""
        for c in prefix:
            options = [v for v in dict.fromkeys((c, c.upper(), c.lower())) if v in ids]
            if as_typed and c in ids:
                options = [c]
            best = max(options, key=lambda v: logits[0, ids[v]])
            chosen += best
            h, logits = self.step(h, [ids[best]])
        return chosen, h, logits

    def generate(
        self,
        count=15,
        temperature=1.0,
        top_k=None,
        prefix="",
        max_length=20,
        only_new=False,
        seed=None,
    ):
        """Up to count distinct names, fewer only when the constraints leave too few."""
        prefix = unicodedata.normalize("NFC", prefix)
        if count < 1:
            raise ValueError("count must be at least 1")
        if not MIN_TEMPERATURE <= temperature <= MAX_TEMPERATURE:
            raise ValueError(f"temperature must be between {MIN_TEMPERATURE} and {MAX_TEMPERATURE}")
        if top_k is not None and top_k < 1:
            raise ValueError("top_k must be at least 1")
        if max_length < max(1, len(prefix)):
            raise ValueError("max_length must be at least 1 and at least the prefix length")
        rng = np.random.default_rng(seed)
        prefix, h, logits = self.begin(prefix)
        results = {}
        for _ in range(ROUNDS):
            rows = self.sample(
                h, logits, 2 * count + 16, max_length - len(prefix), temperature, top_k, rng
            )
            for rest in rows:
                name = prefix + rest
                new = name.casefold() not in self.known
                if name and name == name.strip() and (new or not only_new):
                    results.setdefault(name, Generated(name, new))
                if len(results) == count:
                    return list(results.values())
        return list(results.values())

    def sample(self, h, logits, rows, max_chars, temperature, top_k, rng):
        """Continuations that reach END within max_chars characters."""
        h = np.repeat(h, rows, axis=0)
        logits = np.repeat(logits, rows, axis=0)
        tokens = np.full((rows, max_chars + 1), END)
        done = np.zeros(rows, bool)
        for t in range(max_chars + 1):
            tokens[:, t] = np.where(done, END, self.pick(logits, temperature, top_k, rng))
            done |= tokens[:, t] == END
            if done.all():
                break
            h, logits = self.step(h, tokens[:, t])
        return [self.vocabulary.decode(row[: list(row).index(END)]) for row in tokens[done]]

    def pick(self, logits, temperature, top_k, rng):
        logits = logits / temperature
        logits[:, START] = -np.inf
        if top_k is not None and top_k < logits.shape[1]:
            kth = np.partition(logits, -top_k, axis=1)[:, -top_k, None]
            logits[logits < kth] = -np.inf
        cumulative = np.exp(logits - logits.max(axis=1, keepdims=True)).cumsum(axis=1)
        u = rng.random(len(logits)) * cumulative[:, -1]
        return (cumulative <= u[:, None]).sum(axis=1)

    def nll_per_char(self, names):
        skipped = [name for name in names if self.vocabulary.unknown(name)]
        scored = [name for name in names if not self.vocabulary.unknown(name)]
        if not scored:
            return Evaluation(float("nan"), skipped)
        inputs, targets = self.vocabulary.padded(scored)
        h = np.zeros((len(scored), self.units), np.float32)
        total = 0.0
        for t in range(inputs.shape[1]):
            h, logits = self.step(h, inputs[:, t])
            rows = np.flatnonzero(targets[:, t] >= 0)
            total -= log_softmax(logits)[rows, targets[rows, t]].sum(dtype=np.float64)
        return Evaluation(float(total / (targets >= 0).sum()), skipped)
