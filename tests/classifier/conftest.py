import pytest

from classifier.models import ImageClassifier, ModelVersion


@pytest.fixture
def shapes_classifier(db, trained_shapes):
    result, _ = trained_shapes
    classifier = ImageClassifier.objects.create(slug="shapes", title="Shapes")
    version = ModelVersion.objects.create(
        classifier=classifier,
        number=1,
        backbone=result.backbone,
        input_size=result.input_size,
        labels=result.labels,
        metrics=result.metrics,
        dataset_summary=result.dataset.summary(),
        artifact_path="classifiers/shapes/test",
        training_seconds=result.seconds,
    )
    version.activate()
    return classifier
