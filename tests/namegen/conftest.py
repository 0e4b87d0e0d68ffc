import pytest

from heroproject.versions import make_active
from namegen.models import NameModelVersion


def make_name_version(model, number=1, directory="namegen/test", active=True):
    """A name model version recorded from a trained model, its files at directory."""
    metrics = model.metrics
    version = NameModelVersion.objects.create(
        number=number,
        directory=directory,
        units=model.hyperparameters["units"],
        train_size=metrics["train_size"],
        val_nll=metrics["val_nll"],
        bigram_val_nll=metrics["bigram_val_nll"],
        training_seconds=metrics["seconds"],
    )
    if active:
        make_active(version)
    return version


@pytest.fixture
def name_model(db, trained_names_model):
    return make_name_version(trained_names_model)
