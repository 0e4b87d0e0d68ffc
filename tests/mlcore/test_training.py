import dataclasses

import numpy as np
import pytest
from PIL import Image, ImageDraw

from mlcore.training import datasets, evaluation, trainer
from mlcore.training.trainer import TrainingError
from mlcore.vision import images
from tests.conftest import LITE0

SHAPES = {"circle": (220, 40, 40), "square": (40, 180, 60), "triangle": (50, 70, 220)}
SIZE = 96  # EfficientNet-Lite0 input for the tests: small, so training takes seconds


def draw(shape, colour, rng, size=64):
    background = tuple(int(v) for v in rng.integers(200, 256, 3))
    image = Image.new("RGB", (size, size), background)
    radius = int(rng.integers(12, 22))
    x, y = (int(v) for v in rng.integers(radius, size - radius, 2))
    pen = ImageDraw.Draw(image)
    if shape == "circle":
        pen.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour)
    elif shape == "square":
        pen.rectangle((x - radius, y - radius, x + radius, y + radius), fill=colour)
    else:
        pen.polygon([(x, y - radius), (x - radius, y + radius), (x + radius, y + radius)], colour)
    noise = rng.integers(-12, 13, (size, size, 3))
    return Image.fromarray(np.clip(np.asarray(image) + noise, 0, 255).astype(np.uint8))


@pytest.fixture(scope="module")
def shapes(tmp_path_factory):
    """3 classes of coloured shapes, 12 images each: 8 train, 2 val and 2 test per class."""
    root = tmp_path_factory.mktemp("shapes")
    rng = np.random.default_rng(0)
    for shape, colour in SHAPES.items():
        (root / shape).mkdir()
        for i in range(12):
            draw(shape, colour, rng).save(root / shape / f"{i:02d}.png")
    return datasets.scan(root)


def train_head(dataset, **options):
    return trainer.train(
        dataset, LITE0, input_size=SIZE, epochs=10, fine_tune=0, augment_copies=1, **options
    )


@pytest.fixture(scope="module")
def events():
    return []


@pytest.fixture(scope="module")
def result(shapes, events):
    return train_head(shapes, progress=lambda *event: events.append(event))


def test_frozen_head_learns_an_easy_task(result):
    assert result.labels == ["circle", "square", "triangle"]
    assert result.metrics["count"] == 6
    assert result.metrics["accuracy"] > 0.6  # chance is 1/3
    [phase] = result.history
    assert phase["phase"] == "head"
    assert 1 <= phase["best_epoch"] <= phase["epochs"] <= 10
    assert set(phase) >= {"loss", "accuracy", "val_loss", "val_accuracy"}


def test_model_outputs_probabilities_and_the_feature_map_for_the_cam(result, shapes):
    batch = np.random.default_rng(1).uniform(0, 255, (2, SIZE, SIZE, 3)).astype(np.float32)
    probabilities, feature_maps = result.model.predict_on_batch(batch)
    assert probabilities.shape == (2, 3)
    assert feature_maps.shape == (2, 3, 3, 1280)
    assert result.head_kernel.shape == (1280, 3) and result.head_bias.shape == (3,)
    # The CAM averaged over positions is the logit, so its softmax is the prediction.
    cams = feature_maps @ result.head_kernel + result.head_bias
    logits = cams.mean(axis=(1, 2))
    softmax = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(softmax, probabilities, atol=1e-5)


def test_progress_events(result, events):
    kinds = [event[0] for event in events]
    assert kinds.index("images") < kinds.index("features") < kinds.index("phase")
    assert ("images", 36, 36) in events
    assert ("features", 24 * 2 + 6, 24 * 2 + 6) in events  # train, one copy, val
    assert ("phase", "head", 10) in events
    epochs = [event for event in events if event[0] == "epoch"]
    assert len(epochs) == result.history[0]["epochs"]
    assert epochs[0][1:3] == (1, 10) and "val_loss" in epochs[0][3]


def test_same_seed_same_result(result, shapes):
    again = train_head(shapes)
    assert again.metrics == result.metrics
    np.testing.assert_array_equal(again.head_kernel, result.head_kernel)


def test_settings_record_the_run(result):
    settings = result.settings
    assert settings["backbone"] == "efficientnet_lite0" and settings["weights"] == "imagenet"
    assert settings["input_size"] == SIZE and settings["fit"] == "letterbox"
    assert settings["augment_copies"] == 1 and settings["seed"] == 0
    assert result.fit == "letterbox" and result.input_size == SIZE


def test_fine_tuning_trains_only_the_top_layers_and_keeps_batch_norm_frozen(shapes):
    result = trainer.train(
        shapes, LITE0, input_size=64, epochs=1, augment=False, fine_tune=3, fine_tune_epochs=1
    )
    assert [phase["phase"] for phase in result.history] == ["head", "fine_tune"]
    trainable = [layer for layer in result.model.layers if layer.trainable and layer.weights]
    names = [layer.name for layer in trainable]
    assert names == ["block15_dwconv", "block15_project_conv", "top_conv", "head"]
    assert not any("_bn" in name for name in names)


def test_auto_fine_tuning_keeps_the_tuned_weights_only_if_validation_loss_falls(shapes):
    result = trainer.train(
        shapes, LITE0, input_size=64, epochs=3, augment=False, fine_tune="auto", fine_tune_epochs=2
    )
    head, tuned = result.history
    assert tuned["kept"] == (min(tuned["val_loss"]) < min(head["val_loss"]))
    assert result.settings["fine_tune"] == "auto"
    pixels = np.stack(
        [images.load_array(sample.path, 64, "letterbox") for sample in shapes.splits["val"]]
    )
    truth = [shapes.labels.index(sample.label) for sample in shapes.splits["val"]]
    probabilities = trainer.predict(result.model, pixels, 8)
    loss = -np.log(probabilities[np.arange(len(truth)), truth]).mean()
    kept_phase = tuned if tuned["kept"] else head
    assert loss == pytest.approx(min(kept_phase["val_loss"]), rel=1e-3)


def test_fine_tune_must_be_a_count_or_auto(shapes):
    with pytest.raises(TrainingError, match="number of layers or 'auto'"):
        trainer.train(shapes, fine_tune="some")


def test_scratch_trains_end_to_end(shapes):
    result = trainer.train(shapes, backbone="scratch", input_size=32, epochs=2)
    assert [phase["phase"] for phase in result.history] == ["end_to_end"]
    assert result.settings["weights"] == "imagenet" and result.settings["augment_copies"] == 0
    probabilities, feature_maps = result.model.predict_on_batch(np.zeros((1, 32, 32, 3)))
    assert probabilities.shape == (1, 3) and feature_maps.shape == (1, 4, 4, 256)


def test_label_smoothing_weight_decay_and_mirror_tta(shapes):
    result = train_head(shapes, label_smoothing=0.1, weight_decay=1e-4, tta=True)
    settings = result.settings
    assert (settings["label_smoothing"], settings["weight_decay"], settings["tta"]) == (
        0.1,
        1e-4,
        True,
    )
    # Test images are scored by the mean of their and their mirror image's probabilities.
    pixels = np.stack(
        [images.load_array(sample.path, SIZE, "letterbox") for sample in shapes.splits["test"]]
    )
    plain = trainer.predict(result.model, pixels, 8)
    mirrored = trainer.predict(result.model, pixels[:, :, ::-1], 8)
    assert not np.allclose(plain, mirrored)
    truth = [shapes.labels.index(sample.label) for sample in shapes.splits["test"]]
    expected = evaluation.evaluate(truth, (plain + mirrored) / 2, shapes.labels)
    assert result.metrics["confusion"] == expected["confusion"]


def test_refuses_an_empty_split_or_an_unknown_fit(shapes):
    no_test = dataclasses.replace(shapes, splits={**shapes.splits, "test": []})
    with pytest.raises(TrainingError, match="test"):
        trainer.train(no_test)
    with pytest.raises(TrainingError, match="fit"):
        trainer.train(shapes, fit="zoom")
