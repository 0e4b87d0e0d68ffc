import dataclasses
import time

import numpy as np
import pytest

from mlcore.models import backbones
from mlcore.models.backbones import BackboneError
from mlcore.training import recipe

CHANNELS = {
    "efficientnet_lite0": 1280,
    "efficientnet_lite1": 1280,
    "efficientnet_lite2": 1280,
    "resnet50v2": 2048,
    "mobilenet_v3_small": 576,
    "efficientnet_b0": 1280,
    "scratch": 256,
}


def test_registry():
    assert backbones.DEFAULT == "efficientnet_lite1"
    assert set(backbones.BACKBONES) == set(CHANNELS)
    assert tuple(backbones.BACKBONES) == recipe.BACKBONE_NAMES  # what forms offer, without TF
    assert not backbones.get("scratch").pretrained
    assert backbones.get("scratch").input_size in (128, 160)
    with pytest.raises(BackboneError, match="efficientnet_lite0"):
        backbones.get("vgg16")


@pytest.mark.parametrize("name", CHANNELS)
def test_takes_raw_pixels_and_outputs_the_last_feature_map(name):
    model = backbones.build(name, weights=None, input_size=64)
    assert model.input.shape == (None, 64, 64, 3)
    assert model.output.shape[-1] == CHANNELS[name]
    assert len(model.output.shape) == 4
    # Preprocessing is inside: the first layer after the input rescales 0..255.
    assert type(model.layers[1]).__name__ == "Rescaling"


@pytest.mark.filterwarnings("ignore:Skipping nested container")
def test_weights_from_a_file(tmp_path):
    model = backbones.build("scratch", weights=None, input_size=32)
    path = tmp_path / "scratch.weights.h5"
    model.save_weights(path)
    loaded = backbones.build("scratch", weights=path, input_size=32)
    pixels = np.full((1, 32, 32, 3), 100, dtype=np.float32)
    np.testing.assert_allclose(loaded.predict_on_batch(pixels), model.predict_on_batch(pixels))
    with pytest.raises(BackboneError, match="does not exist"):
        backbones.build("scratch", weights=tmp_path / "missing.weights.h5")
    with pytest.raises(BackboneError, match="Cannot build mobilenet_v3_small"):
        backbones.build("mobilenet_v3_small", weights=path, input_size=32)


@pytest.fixture
def empty_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    return tmp_path


def with_url(monkeypatch, name, url):
    backbone = dataclasses.replace(backbones.BACKBONES[name], weights_url=url)
    monkeypatch.setitem(backbones.BACKBONES, name, backbone)


def test_offline_imagenet_download_fails_fast_with_a_clear_message(empty_cache, monkeypatch):
    # Port 9 on 127.0.0.1 refuses connections, as an offline machine's network does.
    with_url(monkeypatch, "resnet50v2", "http://127.0.0.1:9/resnet50v2_notop.h5")
    start = time.monotonic()
    with pytest.raises(BackboneError) as raised:
        backbones.build("resnet50v2", weights="imagenet")
    assert time.monotonic() - start < 5
    message = str(raised.value)
    assert "resnet50v2" in message and "download failed" in message and "offline" in message
    assert "efficientnet_lite backbone" in message and "weights=None" in message
    assert list(empty_cache.rglob("*.h5*")) == []


def test_a_stalled_download_times_out(empty_cache, monkeypatch, local_server):
    local_server.route("/slow.h5", b"x", delay=3)
    with_url(monkeypatch, "efficientnet_b0", local_server.url + "/slow.h5")
    monkeypatch.setattr(backbones, "DOWNLOAD_TIMEOUT", 0.5)
    start = time.monotonic()
    with pytest.raises(BackboneError, match="timed out"):
        backbones.build("efficientnet_b0")
    assert time.monotonic() - start < 2.5
