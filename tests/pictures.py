"""Pictures made in memory for tests."""

import io

import numpy as np
from PIL import Image


def picture(seed, size=(160, 120)):
    """A smooth random picture: different seeds look nothing alike."""
    cells = np.random.default_rng(seed).integers(0, 256, (8, 8, 3), dtype=np.uint8)
    return Image.fromarray(cells).resize(size, Image.Resampling.BICUBIC)


def encode(image, format="JPEG", **params):
    out = io.BytesIO()
    image.save(out, format, **params)
    return out.getvalue()
