"""Charts drawn on a matplotlib Figure in a random look, for the matplotlib and seaborn engines."""

import warnings

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure
from PIL import Image

from mlcore.charts.base import image
from mlcore.charts.decorate import decorate
from mlcore.charts.style import random_look


def draw(drawer, chart: str, rng: np.random.Generator, size: int) -> Image.Image:
    """drawer(ax, rng, look) draws the chart's data; titles, legend and notes are added here."""
    look = random_look(rng, size)
    # after_reset: every chart starts from matplotlib's defaults, whatever ran before it.
    with mpl.style.context(look.styles, after_reset=True), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # layout and library deprecation notices
        figure = Figure(figsize=look.figsize, dpi=look.dpi, layout=look.layout)
        if not look.layout:
            figure.subplots_adjust(**look.margins)
        ax = figure.add_subplot()
        drawer(ax, rng, look)
        decorate(figure, ax, rng, look, chart)
        return image(figure).convert("RGB")
