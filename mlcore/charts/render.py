"""Draw one chart as an image file: a pure function of (seed, chart class, engine, index, size)."""

import io
from functools import cache

import numpy as np
from PIL import Image

from mlcore.charts import CHART_CLASSES, engines
from mlcore.charts.surround import surround
from mlcore.charts.text import pick

RESAMPLERS = [
    Image.Resampling.LANCZOS,
    Image.Resampling.BICUBIC,
    Image.Resampling.BILINEAR,
    Image.Resampling.BOX,
    Image.Resampling.HAMMING,
]
PNG_SHARE = 0.25


def chart_rng(seed: int, chart: str, engine: str, index: int) -> np.random.Generator:
    return np.random.default_rng(
        [seed, CHART_CLASSES.index(chart), engines.ENGINES.index(engine), index]
    )


@cache
def engine_module(name: str):
    return engines.load(name)


def draw_chart(seed: int, chart: str, engine: str, index: int, size: int) -> tuple[bytes, str]:
    """The encoded image and its file extension ("jpg" or "png")."""
    rng = chart_rng(seed, chart, engine, index)
    return encode(render(chart, engine, rng, size), rng)


def render(chart: str, engine: str, rng: np.random.Generator, size: int) -> Image.Image:
    """An RGB image whose longest side is size pixels."""
    image = engine_module(engine).draw(chart, rng, size).convert("RGB")
    resample = pick(rng, RESAMPLERS)
    return fit(surround(fit(image, size, resample), rng), size, resample)


def fit(image: Image.Image, size: int, resample) -> Image.Image:
    """The image scaled to a longest side of size pixels (itself if it has that already)."""
    scale = size / max(image.size)
    new_size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(new_size, resample)


def encode(image: Image.Image, rng: np.random.Generator) -> tuple[bytes, str]:
    """PNG now and then, otherwise JPEG at a random quality."""
    out = io.BytesIO()
    if rng.random() < PNG_SHARE:
        image.save(out, "PNG")
        return out.getvalue(), "png"
    image.save(out, "JPEG", quality=int(rng.integers(35, 96)), subsampling=pick(rng, [0, 2]))
    return out.getvalue(), "jpg"
