import pytest

from heroproject.versions import make_active
from namegen.models import NameModelVersion


@pytest.fixture
def name_model(db, trained_names_model):
    metrics = trained_names_model.metrics
    version = NameModelVersion.objects.create(
        number=1,
        directory="namegen/test",
        units=32,
        train_size=metrics["train_size"],
        val_nll=metrics["val_nll"],
        bigram_val_nll=metrics["bigram_val_nll"],
        training_seconds=metrics["seconds"],
    )
    make_active(version)
    return version
