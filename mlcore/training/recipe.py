"""The choices of a training recipe and their defaults, without TensorFlow.

What a web form offers (the studio's training form runs in web workers, which never import
TensorFlow); mlcore.models.backbones and mlcore.training.trainer take their defaults from here.
"""

BACKBONE_NAMES = (
    "efficientnet_lite0",
    "efficientnet_lite1",
    "efficientnet_lite2",
    "resnet50v2",
    "mobilenet_v3_small",
    "efficientnet_b0",
    "scratch",
)
# Chosen by cross-validation on two small photo datasets (README, bench/recipes.py).
DEFAULT_BACKBONE = "efficientnet_lite1"
DEFAULT_FINE_TUNE = 40  # layers, chosen with DEFAULT_BACKBONE
AUTO = "auto"
DEFAULT_AUGMENT_COPIES = 3
DEFAULT_EPOCHS = 50
