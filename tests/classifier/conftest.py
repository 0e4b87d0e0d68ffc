import pytest

from classifier.models import ImageClassifier, ModelVersion
from heroproject.versions import make_active


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


@pytest.fixture
def shapes_classifier(db, trained_shapes):
    classifier = ImageClassifier.objects.create(slug="shapes", title="Shapes")
    make_version(classifier, trained_shapes[0])
    return classifier
