"""Drawing a prediction's class activation map over its thumbnail."""

import numpy as np
from PIL import Image

from mlcore.vision import cam


def heatmap_png(prediction):
    """The activation map as a transparent PNG the size of the prediction's thumbnail."""
    with prediction.thumbnail.open() as thumbnail:
        width, height = Image.open(thumbnail).size
    activation = prediction.activation
    return cam.overlay_png(
        np.array(activation["map"]), width, height, activation["input_size"], activation["fit"]
    )
