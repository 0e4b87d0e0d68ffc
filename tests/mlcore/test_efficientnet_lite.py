import numpy as np
import pytest
from PIL import Image
from skimage import data

from mlcore.models.efficientnet_lite import (
    BLOCKS,
    FEATURE_LAYER,
    VARIANTS,
    build_efficientnet_lite,
    stages,
)

# top-3 (ImageNet index, probability) of each variant: Lite0 from shared/reference; Lite1 and
# Lite2 from the same checkpoints run by the efficientnet-lite-pytorch package (0.1.0, torch
# 2.13 CPU), images resized whole to the variant's size, bilinear, scaled (x - 127) / 128.
REFERENCE = {
    0: {
        "chelsea": [(285, 0.791), (282, 0.088), (281, 0.071)],
        "coffee": [(967, 0.899), (968, 0.031), (504, 0.013)],
        "astronaut": [(450, 0.289), (560, 0.098), (573, 0.048)],
    },
    1: {
        "chelsea": [(285, 0.795), (281, 0.057), (282, 0.052)],
        "coffee": [(967, 0.695), (968, 0.065), (504, 0.028)],
        "astronaut": [(450, 0.154), (560, 0.120), (518, 0.056)],
    },
    2: {
        "chelsea": [(285, 0.750), (282, 0.061), (281, 0.039)],
        "coffee": [(967, 0.872), (968, 0.021), (925, 0.009)],
        "astronaut": [(795, 0.098), (450, 0.087), (560, 0.059)],
    },
}


def sample_image(name, size=224):
    image = Image.fromarray(getattr(data, name)()).resize((size, size), Image.BILINEAR)
    return np.asarray(image, np.float32)[None]


@pytest.fixture(scope="module")
def model():
    return build_efficientnet_lite(0)


@pytest.mark.parametrize("variant", REFERENCE)
def test_matches_reference_predictions(variant):
    model = build_efficientnet_lite(variant)
    size = VARIANTS[variant][2]
    assert model.input.shape == (None, size, size, 3)
    for name, expected_top3 in REFERENCE[variant].items():
        probabilities = model(sample_image(name, size), training=False).numpy()[0]
        top3 = np.argsort(probabilities)[::-1][:3]
        assert [int(i) for i in top3] == [index for index, _ in expected_top3], name
        for index, expected in expected_top3:
            assert probabilities[index] == pytest.approx(expected, abs=0.01), name
        assert probabilities.sum() == pytest.approx(1, abs=1e-4)


def test_stages_scale_like_the_checkpoints():
    assert [filters for *_, filters in stages(2)] == [16, 24, 48, 88, 120, 208, 352]
    assert [repeats for repeats, *_ in stages(1)] == [1, 3, 3, 4, 4, 5, 1]
    assert stages(0) == BLOCKS


def test_unknown_variant():
    with pytest.raises(ValueError, match="no EfficientNet-Lite3"):
        build_efficientnet_lite(3)


def test_headless_model_outputs_the_feature_map(model):
    features = build_efficientnet_lite(0, include_top=False)

    assert features.output.shape == (None, 7, 7, 1280)
    assert features.output is features.get_layer(FEATURE_LAYER).output
    feature_map = features(sample_image("chelsea"), training=False).numpy()
    pooled = feature_map.mean(axis=(1, 2))
    probabilities = model.get_layer("predictions")(pooled).numpy()[0]
    assert int(probabilities.argmax()) == 285


def test_without_weights_builds_any_input_size():
    features = build_efficientnet_lite(0, (160, 160, 3), include_top=False, weights=None)
    assert features.output.shape == (None, 5, 5, 1280)
