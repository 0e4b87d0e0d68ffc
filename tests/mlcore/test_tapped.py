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


def test_the_integer_extractor_gives_the_taps_of_the_served_integer_model():
    """A head trained on IntegerExtractor's taps reads what the served int8 model pools: the
    same export, calibrated on the same pixels, computes the same features."""
    from mlcore.models import export, runtime

    extractor = tapped.extractor("efficientnet_lite1", 64)
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (8, 64, 64, 3)).astype(np.float32)
    integer = tapped.IntegerExtractor(extractor, pixels)
    taps = tapped.features(integer, pixels)
    float_taps = tapped.features(extractor, pixels)
    assert taps.shape == float_taps.shape and not np.array_equal(taps, float_taps)
    assert np.corrcoef(taps.ravel(), float_taps.ravel())[0, 1] > 0.9
    y = np.arange(8) % 2
    head, _ = tapped.fit_head(taps, y, 2, taps, y)
    served = runtime.Session(
        export.convert(tapped.classifier(extractor, head), pixels, export.FLOAT_HEAD_OPS)
    )
    probabilities = np.concatenate([served.run(image[None])[0] for image in pixels])
    np.testing.assert_allclose(probabilities, head.probabilities(taps), atol=2e-3)
    assert tapped.integer_digest(pixels) != tapped.integer_digest(pixels[:4])


def quadrant_chart(path):
    """An 8 x 8 PNG whose quadrants are red, green, blue and white, with a black column at the
    left edge."""
    from PIL import Image

    pixels = np.zeros((8, 8, 3), np.uint8)
    pixels[:4, :4], pixels[:4, 4:] = (255, 0, 0), (0, 255, 0)
    pixels[4:, :4], pixels[4:, 4:] = (0, 0, 255), (255, 255, 255)
    pixels[:, 0] = 0
    Image.fromarray(pixels).save(path)
    return pixels


def test_the_four_tiles_cover_the_image_and_the_mirror_reverses_it(tmp_path):
    pixels = quadrant_chart(tmp_path / "chart.png")
    tiles = tapped.quadrants(tmp_path / "chart.png", 4, "stretch")
    assert tiles.shape == (4, 4, 4, 3)
    rejoined = np.concatenate(
        [np.concatenate(tiles[:2], axis=1), np.concatenate(tiles[2:], axis=1)], axis=0
    )
    np.testing.assert_array_equal(rejoined, pixels)
    mirror = tapped.mirrored(tmp_path / "chart.png", 8, "stretch")
    np.testing.assert_array_equal(mirror[0], pixels[:, ::-1])
    assert (mirror[0, :, -1] == 0).all()


def test_mean_and_max_pooling_of_the_taps():
    import keras

    from mlcore.models import backbones

    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (2, 64, 64, 3)).astype(np.float32)
    both = tapped.extractor("efficientnet_lite1", 64, ("mean", "max"))
    names = tapped.tap_names(backbones.build("efficientnet_lite1", None, 64))
    maps = keras.Model(both.input, [both.get_layer(name).output for name in names])
    maps = maps.predict_on_batch(pixels)
    expected = np.concatenate(
        [m.mean(axis=(1, 2)) for m in maps] + [m.max(axis=(1, 2)) for m in maps], axis=1
    )
    assert expected.shape == (2, 2 * 3176)
    np.testing.assert_allclose(tapped.features(both, pixels), expected, rtol=1e-4, atol=1e-4)


def test_a_view_averages_its_tiles_and_is_cached_by_content(tmp_path):
    import keras

    quadrant_chart(tmp_path / "chart.png")
    image = keras.Input((4, 4, 3))
    colour = keras.layers.GlobalAveragePooling2D()(image)
    model = keras.Model(image, [colour, image])
    cache = tmp_path / tapped.cache_name("lite", 4, "stretch", "tile taps")
    assert cache.name == "tile-taps-lite-4-stretch.npz"
    paths = [tmp_path / "chart.png"] * 2
    tiled = tapped.cached_features(model, paths, cache, 4, "stretch", crops=tapped.quadrants)
    whole = tapped.cached_features(model, paths[:1], tmp_path / "whole.npz", 8, "stretch")
    np.testing.assert_allclose(tiled, np.repeat(whole, 2, axis=0), rtol=1e-5)
    calls = []
    again = tapped.cached_features(
        model, paths, cache, 4, "stretch", crops=lambda *a: calls.append(a)
    )
    assert calls == [] and np.array_equal(again, tiled)


def test_training_with_twins_joins_each_row_by_its_twin_on_its_side_of_the_split(monkeypatch):
    seen = {}

    def fit_head(x, y, classes, val_x, val_y, weights, seed, recipe):
        seen.update(x=x, y=y, val_x=val_x, val_y=val_y, weights=weights)

    monkeypatch.setattr(tapped, "fit_head", fit_head)
    charts = np.arange(40, dtype=np.float32)[:, None]
    mirrors = -charts  # chart i's mirror is -i
    y = np.arange(40) % 2
    tapped.train_head(charts, y, np.zeros(40, bool), np.arange(40), 1.0, 2, twins=mirrors)
    half = len(seen["x"]) // 2
    np.testing.assert_array_equal(seen["x"][half:], -seen["x"][:half])
    np.testing.assert_array_equal(seen["y"][half:], seen["y"][:half])
    np.testing.assert_array_equal(seen["weights"][half:], seen["weights"][:half])
    val_half = len(seen["val_x"]) // 2
    np.testing.assert_array_equal(seen["val_x"][val_half:], -seen["val_x"][:val_half])
    trained = set(np.abs(seen["x"][:, 0]))
    assert len(trained) == half and not trained & set(np.abs(seen["val_x"][:, 0]))
    assert half + val_half == 40


def test_calibration_images_are_spread_over_the_classes(tmp_path):
    from PIL import Image

    paths = []
    for shade in range(10):  # grouped as a class-ordered list is: one shade per image
        path = tmp_path / f"{shade}.png"
        Image.new("RGB", (8, 8), (shade * 20,) * 3).save(path)
        paths.append(path)
    pixels = tapped.calibration_pixels(paths, 4, "stretch", count=4)
    assert pixels.shape == (4, 4, 4, 3)
    assert [int(image[0, 0, 0]) for image in pixels] == [0, 40, 80, 120]


def test_each_group_left_out_is_tested_on_the_tested_features_by_a_head_trained_without_it(
    monkeypatch,
):
    trained = []

    def train_head(features, y, real, rows, real_weight, classes, seed, recipe, twins, fit):
        trained.append((rows.tolist(), twins, seed))
        return tapped.Head(np.eye(2, dtype=np.float32), np.zeros(2, np.float32)), {}

    monkeypatch.setattr(tapped, "train_head", train_head)
    features = np.arange(12, dtype=np.float32).reshape(6, 2)
    integer = features + 100  # the same charts through another backbone
    groups = {"a": np.array([1, 1, 0, 0, 0, 0], bool), "b": np.array([0, 0, 1, 0, 0, 0], bool)}
    results = tapped.leave_groups_out(
        features,
        np.zeros(6, int),
        np.ones(6, bool),
        groups,
        np.arange(6),
        1.0,
        2,
        twins=integer,
        tested=integer,
        seed=7,
    )
    assert [rows for rows, _, _ in trained] == [[2, 3, 4, 5], [0, 1, 3, 4, 5]]
    assert all(twins is integer and seed == 7 for _, twins, seed in trained)
    np.testing.assert_array_equal(results["a"]["logits"], integer[:2])
    np.testing.assert_array_equal(results["b"]["logits"], integer[2:3])
    plain = tapped.leave_groups_out(
        features, np.zeros(6, int), np.ones(6, bool), groups, np.arange(6), 1.0, 2
    )
    np.testing.assert_array_equal(plain["b"]["logits"], features[2:3])
