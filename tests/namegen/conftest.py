import pytest
from django.conf import settings

from mlcore.names.store import save
from namegen.models import NameModelVersion
from namegen.namelist import BUNDLED_NAMES, read_names


@pytest.fixture(scope="session")
def trained_names_model():
    """A tiny GRU trained once for the session on the first 200 bundled names."""
    from mlcore.names import gru

    model = gru.train(read_names(BUNDLED_NAMES)[:200], units=32, epochs=3, seed=1)
    save(model, settings.MODELS_DIR / "namegen" / "test")
    return model


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
    version.activate()
    return version
