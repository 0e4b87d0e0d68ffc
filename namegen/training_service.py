"""Train a name generator version and record it.

Imports TensorFlow: for commands and training workers, never for web workers.
"""

from functools import partial

from heroproject import versions
from mlcore.names import gru, store
from mlcore.training.progress import ignore

from .models import NameModelVersion


def train_version(names, activate=True, progress=ignore, **options):
    """Train on names with gru.train's options and record the version (heroproject.versions),
    active unless activate is False. progress gets mlcore.training.progress's events."""
    model = gru.train(names, progress=progress, **options)
    return versions.record(
        NameModelVersion,
        "namegen",
        partial(store.write, model),
        activate=activate,
        units=model.hyperparameters["units"],
        train_size=model.metrics["train_size"],
        val_nll=model.metrics["val_nll"],
        bigram_val_nll=model.metrics["bigram_val_nll"],
        training_seconds=model.metrics["seconds"],
        metrics={**model.metrics, "hyperparameters": model.hyperparameters},
    )
