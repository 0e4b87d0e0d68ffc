"""Count-based bigram baseline with add-alpha smoothing."""

import numpy as np

from mlcore.names.vocabulary import START


class Bigram:
    def __init__(self, vocabulary, names, alpha=0.1):
        self.vocabulary = vocabulary
        counts = np.zeros((len(vocabulary), len(vocabulary)))
        for name in names:
            ids = vocabulary.encode(name)
            np.add.at(counts, (ids[:-1], ids[1:]), 1)
        counts += alpha
        counts[:, START] = 0  # nothing is ever followed by START
        with np.errstate(divide="ignore"):
            self.log_probs = np.log(counts / counts.sum(axis=1, keepdims=True))

    def nll_per_char(self, names):
        """Mean negative log-likelihood in nats per character, END included."""
        total, count = 0.0, 0
        for name in names:
            ids = self.vocabulary.encode(name)
            total -= self.log_probs[ids[:-1], ids[1:]].sum()
            count += len(ids) - 1
        return float(total / count)
