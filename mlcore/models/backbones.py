"""Feature extractors for image classifiers, by name.

Every backbone takes raw RGB pixels in 0..255, does its own preprocessing, and outputs its
last feature map (before pooling), so a class activation map can be computed from it.
"""

import os
import shutil
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import keras
from keras import layers

from mlcore.models.efficientnet_lite import VARIANTS, build_efficientnet_lite
from mlcore.training import recipe

DEFAULT = recipe.DEFAULT_BACKBONE
KERAS_WEIGHTS = "https://storage.googleapis.com/"
DOWNLOAD_TIMEOUT = 30  # seconds without a byte before a download is given up
SCRATCH_FILTERS = (32, 64, 128, 256)


class BackboneError(ValueError):
    """The backbone cannot be built: unknown name, missing weights, or a failed download."""


@dataclass(frozen=True)
class Backbone:
    name: str
    input_size: int
    pretrained: bool
    make: Callable[[tuple[int, int, int], str | None], keras.Model]  # (shape, "imagenet"|None)
    weights_url: str | None = None  # what keras.applications downloads for weights="imagenet"


def efficientnet_lite(variant):
    def make(shape, weights):
        return build_efficientnet_lite(variant, shape, include_top=False, weights=weights)

    return make


def resnet50v2(shape, weights):
    # ResNetV2 has no preprocessing inside; its preprocess_input maps 0..255 to -1..1.
    inputs = keras.Input(shape)
    scaled = layers.Rescaling(1 / 127.5, offset=-1, name="preprocessing")(inputs)
    resnet = keras.applications.ResNet50V2(include_top=False, weights=weights, input_tensor=scaled)
    return keras.Model(inputs, resnet.output, name="resnet50v2")  # one input, not a list


def mobilenet_v3_small(shape, weights):
    return keras.applications.MobileNetV3Small(
        input_shape=shape, include_top=False, weights=weights, include_preprocessing=True
    )


def efficientnet_b0(shape, weights):
    return keras.applications.EfficientNetB0(include_top=False, weights=weights, input_shape=shape)


def scratch(shape, weights):
    """Four conv blocks (32-64-128-256), each conv -> batch norm -> ReLU, pooling between."""
    inputs = keras.Input(shape)
    x = layers.Rescaling(1 / 255, name="rescaling")(inputs)
    for index, filters in enumerate(SCRATCH_FILTERS):
        if index:
            x = layers.MaxPooling2D(name=f"block{index}_pool")(x)
        x = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"block{index}_conv")(x)
        x = layers.BatchNormalization(momentum=0.9, name=f"block{index}_bn")(x)
        x = layers.ReLU(name=f"block{index}_activation")(x)
    return keras.Model(inputs, x, name="scratch")


BACKBONES = {
    backbone.name: backbone
    for backbone in (
        *(
            Backbone(f"efficientnet_lite{variant}", size, True, efficientnet_lite(variant))
            for variant, (_, _, size) in VARIANTS.items()
        ),
        Backbone(
            "resnet50v2",
            224,
            True,
            resnet50v2,
            KERAS_WEIGHTS + "tensorflow/keras-applications/resnet/"
            "resnet50v2_weights_tf_dim_ordering_tf_kernels_notop.h5",
        ),
        Backbone(
            "mobilenet_v3_small",
            224,
            True,
            mobilenet_v3_small,
            KERAS_WEIGHTS + "tensorflow/keras-applications/mobilenet_v3/"
            "weights_mobilenet_v3_small_224_1.0_float_no_top_v2.h5",
        ),
        Backbone(
            "efficientnet_b0",
            224,
            True,
            efficientnet_b0,
            KERAS_WEIGHTS + "keras-applications/efficientnetb0_notop.h5",
        ),
        Backbone("scratch", 128, False, scratch),
    )
}


def get(name: str) -> Backbone:
    try:
        return BACKBONES[name]
    except KeyError:
        raise BackboneError(
            f"Unknown backbone {name!r}; choose one of {', '.join(BACKBONES)}."
        ) from None


def build(
    name: str = DEFAULT,
    weights: str | os.PathLike | None = "imagenet",
    input_size: int | None = None,
) -> keras.Model:
    """Build a feature extractor: raw 0..255 RGB (size, size, 3) -> last feature map.

    weights: "imagenet" (ignored by backbones without pretrained weights), None for random
    weights, or the path of a Keras weights file of this backbone (.weights.h5, .keras, .h5).
    """
    backbone = get(name)
    if weights == "imagenet" and not backbone.pretrained:
        weights = None
    if weights == "imagenet" and backbone.weights_url:
        download(backbone)
    from_file = weights not in ("imagenet", None)
    if from_file and not os.path.isfile(weights):
        raise BackboneError(f"The weights file {weights} does not exist.")
    size = input_size or backbone.input_size
    try:
        model = backbone.make((size, size, 3), None if from_file else weights)
        if from_file:
            model.load_weights(weights)
    except (OSError, ValueError) as exc:
        raise BackboneError(
            f"Cannot build {name} at {size} px with weights {weights}: {exc}"
        ) from exc
    return model


def download(backbone: Backbone) -> Path:
    """Fetch the ImageNet weights into Keras' cache, where keras.applications finds them.

    keras.utils.get_file has no timeout and can wait minutes on a network that drops packets;
    this gives up after DOWNLOAD_TIMEOUT seconds of silence.
    """
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    target = Path(home, "models", backbone.weights_url.rsplit("/", 1)[1])
    if target.exists():
        return target
    part = target.with_name(f"{target.name}.{os.getpid()}.part")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with (
            urllib.request.urlopen(backbone.weights_url, timeout=DOWNLOAD_TIMEOUT) as response,
            open(part, "wb") as out,
        ):
            shutil.copyfileobj(response, out)
        os.replace(part, target)
    except OSError as exc:  # URLError, HTTPError and timeouts are all OSErrors
        part.unlink(missing_ok=True)
        raise BackboneError(
            f"The ImageNet weights of {backbone.name} must be downloaded from "
            f"{backbone.weights_url}, and the download failed "
            f"({getattr(exc, 'reason', exc)}): is this machine offline? Use an "
            f"efficientnet_lite backbone, whose weights come installed; or download the file "
            f"elsewhere and put it at "
            f"{target}; or train with weights=None."
        ) from exc
    return target
