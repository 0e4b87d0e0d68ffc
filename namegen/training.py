"""Train a name generator version and record it.

Imports TensorFlow: for commands, never for web workers.
"""

from django.conf import settings

from mlcore.names import gru
from mlcore.names.store import save

from .models import NameModelVersion


def train_version(names, activate=True, **options):
    """Train on names with gru.train's options, save, record and (by default) activate."""
    model = gru.train(names, **options)
    number = NameModelVersion.next_number()
    directory = f"namegen/v{number}"
    save(model, settings.MODELS_DIR / directory)
    version = NameModelVersion.objects.create(
        number=number,
        directory=directory,
        units=model.hyperparameters["units"],
        train_size=model.metrics["train_size"],
        val_nll=model.metrics["val_nll"],
        bigram_val_nll=model.metrics["bigram_val_nll"],
        training_seconds=model.metrics["seconds"],
        metrics={**model.metrics, "hyperparameters": model.hyperparameters},
    )
    if activate:
        version.activate()
    return version
