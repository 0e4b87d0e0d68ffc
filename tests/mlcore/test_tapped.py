"""Features pooled at several depths, their head, its temperature and the served model."""

import numpy as np
import pytest

from mlcore.charts import shipped
from mlcore.models import tapped


def test_the_fitted_temperature_is_the_one_that_made_the_labels():
    rng = np.random.default_rng(0)
    logits = rng.normal(0, 3, (4000, 5))
    probabilities = tapped.softmax(logits / 2.0)
    y = np.array([rng.choice(5, p=row) for row in probabilities])
    assert tapped.fit_temperature(logits, y) == pytest.approx(2.0, rel=0.1)


def test_weights_balance_the_classes_and_weigh_real_charts_more():
    y = np.array([0, 0, 0, 0, 1, 1])
    real = np.array([True, False, False, False, False, True])
    weights = tapped.balanced_weights(y, real, 3.0)
    assert weights[y == 0].sum() == pytest.approx(weights[y == 1].sum())
    assert weights[0] == pytest.approx(3 * weights[1]) and weights[5] == pytest.approx(
        3 * weights[4]
    )
    assert weights.mean() == pytest.approx(1.0)


def test_weights_without_class_balance_and_real_charts_weighing_as_much_as_drawn_ones():
    y = np.array([0, 0, 0, 0, 1, 1])
    real = np.array([True, False, False, False, False, True])
    weights = tapped.balanced_weights(y, real, 2.0, by_class=False)
    assert weights[0] == pytest.approx(2 * weights[1]) and weights.mean() == pytest.approx(1.0)
    rng = np.random.default_rng(0)
    features = rng.normal(0, 1, (40, 6)).astype(np.float32)
    y = np.arange(40) % 2
    features[:, 0] += 3 * y
    real = np.arange(40) < 8
    recipe = tapped.HeadRecipe(l2=1e-3, label_smoothing=0.1, hidden=8, standardise=False)
    head, _ = tapped.train_head(features, y, real, np.arange(40), tapped.BALANCED, 2, recipe=recipe)
    assert isinstance(head, tapped.HiddenHead)
    assert head.logits(features).shape == (40, 2)


def test_reliability_bands_and_the_threshold_where_answers_turn_mostly_right():
    confidence = np.array([0.35, 0.38, 0.45, 0.55, 0.58, 0.95, 0.97, 0.99])
    correct = np.array([False, False, True, True, True, True, True, False])
    bands = tapped.reliability(confidence, correct)
    assert [band["low"] for band in bands] == [0.3, 0.4, 0.5, 0.9]
    assert [band["count"] for band in bands] == [2, 1, 2, 3]
    assert bands[0]["accuracy"] == 0.0 and bands[-1]["accuracy"] == pytest.approx(2 / 3, abs=1e-4)
    assert shipped.unsure_threshold(bands) == 0.4


def test_the_served_model_folds_the_standardised_head_and_its_temperature_in():
    extractor = tapped.extractor("efficientnet_lite1", 64)
    width = tapped.last_map_width(extractor)
    assert extractor.outputs[0].shape[-1] == 40 + 80 + 112 + 192 + 320 + 1152 + 1280
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (12, 64, 64, 3)).astype(np.float32)
    features = tapped.features(extractor, pixels)
    y = np.arange(12) % 3
    head, history = tapped.fit_head(features, y, 3, features, y)
    head.temperature = 1.7
    assert history["epochs"] >= 1 and len(history["val_accuracy"]) == history["epochs"]
    model = tapped.classifier(extractor, head)
    probabilities, feature_map = model.predict_on_batch(pixels)
    np.testing.assert_allclose(probabilities, head.probabilities(features), atol=1e-4)
    kernel = tapped.activation_kernel(head, width)
    assert kernel.shape == (width, 3) and feature_map.shape[-1] == width


def test_the_int8_export_of_the_tapped_model_is_prepared_and_keeps_its_head_in_float():
    """XNNPACK cannot prepare an integer concatenation of the taps: the export keeps the head
    (concatenation, dense, softmax) in float behind the integer backbone."""
    from mlcore.models import export, runtime

    extractor = tapped.extractor("efficientnet_lite1", 64)
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (8, 64, 64, 3)).astype(np.float32)
    features = tapped.features(extractor, pixels)
    head, _ = tapped.fit_head(features, np.arange(8) % 2, 2, features, np.arange(8) % 2)
    model = tapped.classifier(extractor, head)
    assert export.concatenates(model)
    session = runtime.Session(export.convert(model, pixels, export.FLOAT_HEAD_OPS))
    assert session.input["dtype"] == np.uint8
    probabilities, feature_map = session.run(pixels[:1])
    _, expected_map = model.predict_on_batch(pixels[:1])
    assert feature_map.dtype == np.float32 and feature_map.shape == expected_map.shape
    np.testing.assert_allclose(probabilities.sum(), 1, atol=1e-5)
    # Float steps, not the 1/256 of an integer softmax.
    assert not np.allclose(probabilities * 256, np.round(probabilities * 256))
