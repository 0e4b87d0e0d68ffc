"""Rows the tests need: model versions recorded from models trained in the session; and the
studio's training form filled in for a quick training."""

from classifier.models import ModelVersion
from heroproject.versions import make_active
from namegen.models import NameModelVersion

# The studio's training form (studio.forms.TrainingForm) for a small quick training, but for its
# epochs and augmented copies, which each test chooses.
TRAINING_FORM = {
    "backbone": "efficientnet_lite0",
    "fine_tune": 0,
    "fit": "letterbox",
    "input_size": 96,
    "test_fraction": 0.2,
    "seed": 0,
}


def make_version(classifier, result, number=1, directory="classifiers/shapes/test", active=True):
    """A version of classifier recorded from a training result, its files at directory."""
    version = ModelVersion.objects.create(
        classifier=classifier,
        number=number,
        backbone=result.backbone,
        input_size=result.input_size,
        labels=result.labels,
        metrics=result.metrics,
        dataset_summary=result.dataset.summary(),
        directory=directory,
        training_seconds=result.seconds,
    )
    if active:
        make_active(version)
    return version


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
