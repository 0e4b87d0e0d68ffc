"""Draw one chart as an image file: a pure function of (seed, chart class, index, size)."""

import io
import warnings

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from mlcore.charts import CHART_CLASSES, matplotlib_charts, seaborn_charts
from mlcore.charts.decorate import decorate
from mlcore.charts.style import random_look
from mlcore.charts.surround import surround
from mlcore.charts.text import pick

SEABORN_SHARE = 0.4  # of charts drawn with seaborn where it draws the class
RESAMPLERS = [
    Image.Resampling.LANCZOS,
    Image.Resampling.BICUBIC,
    Image.Resampling.BILINEAR,
    Image.Resampling.BOX,
    Image.Resampling.HAMMING,
]
PNG_SHARE = 0.25


def chart_rng(seed: int, chart: str, index: int) -> np.random.Generator:
    return np.random.default_rng([seed, CHART_CLASSES.index(chart), index])


def draw_chart(seed: int, chart: str, index: int, size: int) -> tuple[bytes, str]:
    """The encoded image and its file extension ("jpg" or "png")."""
    rng = chart_rng(seed, chart, index)
    return encode(render(chart, rng, size), rng)


def render(chart: str, rng: np.random.Generator, size: int) -> Image.Image:
    """An RGB image whose longest side is size pixels."""
    look = random_look(rng, size)
    drawers = seaborn_charts.DRAWERS if rng.random() < SEABORN_SHARE else matplotlib_charts.DRAWERS
    draw = drawers.get(chart, matplotlib_charts.DRAWERS[chart])
    # after_reset: every chart starts from matplotlib's defaults, whatever ran before it.
    with mpl.style.context(look.styles, after_reset=True), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # layout and library deprecation notices
        figure = Figure(figsize=look.figsize, dpi=look.dpi, layout=look.layout)
        if not look.layout:
            figure.subplots_adjust(**look.margins)
        ax = figure.add_subplot()
        draw(ax, rng, look)
        decorate(figure, ax, rng, look, chart)
        canvas = FigureCanvasAgg(figure)
        canvas.draw()
        image = Image.fromarray(np.asarray(canvas.buffer_rgba())).convert("RGB")
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
