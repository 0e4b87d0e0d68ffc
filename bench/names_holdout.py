"""The name GRU's NLL on names it never saw: a fixed 85/15 split of the bundled list, seed 0.

    .venv/bin/python -m bench.names_holdout [--seeds 0 1 2]

Trains on the 85% (which holds out its own validation names for early stopping) with and without
refitting on them all, and prints nats per character on the 15%, beside the bigram baseline.
"""

import argparse
import statistics

from mlcore.names import gru
from mlcore.names.bigram import Bigram
from mlcore.names.sampler import Sampler
from mlcore.names.vocabulary import Vocabulary
from namegen.namelist import BUNDLED_NAMES, read_names

HOLDOUT = 0.15


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    options = parser.parse_args()
    names = read_names(BUNDLED_NAMES)
    known, held_out = gru.split(names, HOLDOUT, seed=0)
    vocabulary = Vocabulary.from_names(known)
    # A model cannot score a character it has never seen (the "♀" of Nidoran♀).
    scored = [name for name in held_out if not vocabulary.unknown(name)]
    print(
        f"{len(known)} names to train on, {len(held_out)} held out, {len(scored)} of them "
        f"scored (the rest have a character no training name has)"
    )
    held_out = scored
    bigram = Bigram(vocabulary, known).nll_per_char(held_out)
    print(f"bigram baseline: {bigram:.3f} nats/char")
    for refit in (False, True):
        figures = []
        for seed in options.seeds:
            model = gru.train(known, refit=refit, seed=seed)
            figures.append(Sampler(model).nll_per_char(held_out).nll_per_char)
            print(
                f"refit={refit} seed={seed}: {figures[-1]:.3f} nats/char "
                f"(best epoch {model.metrics['best_epoch']}, {model.metrics['seconds']:.0f} s)"
            )
        spread = f" +/- {statistics.stdev(figures):.3f}" if len(figures) > 1 else ""
        print(f"refit={refit}: {statistics.fmean(figures):.3f}{spread} over seeds {options.seeds}")


if __name__ == "__main__":
    main()
