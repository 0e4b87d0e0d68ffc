import numpy as np
import pytest
from django.conf import settings
from PIL import Image, ImageDraw

from classifier.models import ImageClassifier, ModelVersion

COLOURS = {
    "red_circle": (220, 30, 30),
    "green_square": (30, 170, 60),
    "blue_triangle": (40, 60, 220),
}


def draw_shapes(root, per_class=10, size=72, seed=0):
    """Folders of simple coloured shapes on varied backgrounds: an easy, tiny dataset."""
    rng = np.random.default_rng(seed)
    for label, colour in COLOURS.items():
        (root / label).mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            background = tuple(int(v) for v in rng.integers(200, 256, 3))
            image = Image.new("RGB", (size, size), background)
            draw = ImageDraw.Draw(image)
            x, y = rng.integers(4, size // 3, 2)
            extent = int(rng.integers(size // 2, size - 8))
            box = [int(x), int(y), int(min(size - 2, x + extent)), int(min(size - 2, y + extent))]
            if label == "red_circle":
                draw.ellipse(box, fill=colour)
            elif label == "green_square":
                draw.rectangle(box, fill=colour)
            else:
                draw.polygon(
                    [(box[0], box[3]), (box[2], box[3]), ((box[0] + box[2]) // 2, box[1])],
                    fill=colour,
                )
            image.save(root / label / f"{i:03d}.png")
    return root


@pytest.fixture(scope="session")
def shapes_dir(tmp_path_factory):
    return draw_shapes(tmp_path_factory.mktemp("shapes"))


@pytest.fixture(scope="session")
def trained_shapes(shapes_dir):
    """A small EfficientNet-Lite0 head trained once for the session, saved under MODELS_DIR."""
    from mlcore import classifier_store, datasets, training

    dataset = datasets.scan(shapes_dir, seed=0)
    result = training.train(dataset, input_size=96, epochs=15, augment_copies=1, seed=0)
    directory = classifier_store.save(result, settings.MODELS_DIR / "classifiers/shapes/test")
    return result, directory


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
