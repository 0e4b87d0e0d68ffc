import numpy as np
import pytest
from PIL import Image
from skimage import data

from mlcore.efficientnet_lite import FEATURE_LAYER, build_efficientnet_lite0, imagenet_label

# top-3 (ImageNet index, probability) from the reference run of the PyTorch checkpoint
REFERENCE = {
    "chelsea": [(285, 0.791), (282, 0.088), (281, 0.071)],
    "coffee": [(967, 0.899), (968, 0.031), (504, 0.013)],
    "astronaut": [(450, 0.289), (560, 0.098), (573, 0.048)],
}


def sample_image(name):
    image = Image.fromarray(getattr(data, name)()).resize((224, 224), Image.BILINEAR)
    return np.asarray(image, np.float32)[None]


@pytest.fixture(scope="module")
def model():
    return build_efficientnet_lite0()


@pytest.mark.parametrize("name", REFERENCE)
def test_matches_reference_predictions(model, name):
    probabilities = model(sample_image(name), training=False).numpy()[0]

    top3 = np.argsort(probabilities)[::-1][:3]
    assert [int(i) for i in top3] == [index for index, _ in REFERENCE[name]]
    for index, expected in REFERENCE[name]:
        assert probabilities[index] == pytest.approx(expected, abs=0.01)
    assert probabilities.sum() == pytest.approx(1, abs=1e-4)


def test_labels():
    assert imagenet_label(285) == "Egyptian cat"
    assert "cat" in imagenet_label(281)
    assert imagenet_label(np.int64(967)) == "espresso"


def test_headless_model_outputs_the_feature_map(model):
    features = build_efficientnet_lite0(include_top=False)

    assert features.output.shape == (None, 7, 7, 1280)
    assert features.output is features.get_layer(FEATURE_LAYER).output
    feature_map = features(sample_image("chelsea"), training=False).numpy()
    pooled = feature_map.mean(axis=(1, 2))
    probabilities = model.get_layer("predictions")(pooled).numpy()[0]
    assert int(probabilities.argmax()) == 285


def test_without_weights_builds_any_input_size():
    features = build_efficientnet_lite0((160, 160, 3), include_top=False, weights=None)
    assert features.output.shape == (None, 5, 5, 1280)
