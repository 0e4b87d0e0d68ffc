import numpy as np

from mlcore.models import backbones, tapped, tuned


def pixels(count=3, size=64):
    return np.random.default_rng(0).integers(0, 256, (count, size, size, 3)).astype(np.float32)


def test_the_cut_backbone_gives_the_frozen_taps_before_any_training():
    images = pixels()
    taps = tapped.features(tapped.extractor("efficientnet_lite1", 64), images)
    for blocks, cut, early in ((1, "block19_add", 424), (2, "block18_add", 232)):
        backbone = backbones.build("efficientnet_lite1", "imagenet", 64)
        assert tuned.cut_layer(backbone, blocks) == cut
        frozen, part, columns = tuned.split(backbone, blocks)
        assert columns == early
        maps = tuned.MapExtractor(frozen).predict_on_batch(images)[0]
        assert maps.dtype == np.float16 and maps.shape == (3, 2, 2, 192)
        exact = part.predict_on_batch(frozen.predict_on_batch(images))
        np.testing.assert_allclose(exact, taps[:, early:], rtol=1e-5, atol=1e-5)
        # from the float16 cache: within float16's rounding of the map
        np.testing.assert_allclose(
            part.predict_on_batch(maps.astype(np.float32)), taps[:, early:], atol=0.05
        )


def test_the_joint_model_starts_as_the_head_on_the_frozen_taps():
    images = pixels()
    backbone = backbones.build("efficientnet_lite1", "imagenet", 64)
    frozen, part, early = tuned.split(backbone, 1)
    maps = frozen.predict_on_batch(images)
    taps = np.hstack([np.random.default_rng(1).random((3, early)), part.predict_on_batch(maps)])
    rng = np.random.default_rng(2)
    head = tapped.Head(rng.normal(size=(3176, 4)) * 0.01, rng.normal(size=4))
    mean, scale = taps.mean(axis=0), taps.std(axis=0) + 1e-6
    model = tuned.joint_model(part, early, head, mean, scale)
    inputs = tuned.Inputs(maps, taps, early)
    np.testing.assert_allclose(
        tuned.TunedHead(model).logits(inputs), head.logits(taps), rtol=1e-4, atol=1e-4
    )


def test_fine_tuning_splits_inputs_as_features_and_keeps_the_head_alone_when_it_does_worse(
    monkeypatch,
):
    monkeypatch.setattr(tuned, "EPOCHS", 1)
    monkeypatch.setattr(tuned, "LEARNING_RATE", 10.0)  # certain to raise the validation loss
    images = pixels(24)
    frozen, part, early = tuned.split(backbones.build("efficientnet_lite1", "imagenet", 64), 1)
    maps = tuned.MapExtractor(frozen).predict_on_batch(images)[0]
    taps = np.hstack([np.zeros((24, early)), part.predict_on_batch(maps.astype(np.float32))])
    inputs = tuned.Inputs(maps, taps, early)
    assert len(inputs[np.arange(5)]) == 5 and inputs[np.arange(5)].maps.shape == (5, 2, 2, 192)
    y = np.arange(24) % 2
    args = (y, np.zeros(24, bool), np.arange(24), 1.0, 2)
    fitted, history = tapped.train_head(
        inputs, *args, fit=lambda *fit_args: tuned.fit(*fit_args, size=64)
    )
    assert history["phase"] == "tuned" and history["epochs"] == 1
    assert history["val_loss"][0] > history["val_loss_before"]
    head, _ = tapped.train_head(taps, *args)  # the same rows and seed: the head alone
    np.testing.assert_allclose(fitted.logits(inputs), head.logits(taps), rtol=1e-3, atol=1e-3)
