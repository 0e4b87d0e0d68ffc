"""What the chart engines share: their table of drawers, and helpers more than one engine needs."""

from functools import partial

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from PIL import Image

from mlcore.charts import CHART_CLASSES, data, text

ROUND = ("pie", "donut")


def drawers(namespace: dict) -> dict:
    """Chart class -> drawing function, in CHART_CLASSES' order, from an engine's globals(): the
    function named after the class, or for bar and column bars(..., horizontal), for pie and donut
    wedges(..., donut). The classes an engine has no function for are the ones it cannot draw."""
    found = {}
    for chart in CHART_CLASSES:
        if chart in namespace:
            found[chart] = namespace[chart]
        elif chart in ("bar", "column") and "bars" in namespace:
            found[chart] = partial(namespace["bars"], horizontal=chart == "bar")
        elif chart in ROUND and "wedges" in namespace:
            found[chart] = partial(namespace["wedges"], donut=chart == "donut")
    return found


def image(figure) -> Image.Image:
    """A matplotlib figure drawn on its own canvas, as RGBA."""
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    return Image.fromarray(np.asarray(canvas.buffer_rgba()))


def flatten(drawn: Image.Image, background: str = "white") -> Image.Image:
    """An image as RGB, laid on background where it is clear or see-through."""
    drawn = drawn.convert("RGBA")
    return Image.alpha_composite(Image.new("RGBA", drawn.size, background), drawn).convert("RGB")


def random_aspect(rng: np.random.Generator, low: float = 0.65, high: float = 2.2) -> float:
    """Width over height, from low to high, evenly on a log scale."""
    return float(np.exp(rng.uniform(np.log(low), np.log(high))))


def sides(longest: float, aspect: float) -> tuple[float, float]:
    """Width and height of a rectangle whose longest side is longest and width / height aspect."""
    return (longest, longest / aspect) if aspect >= 1 else (longest * aspect, longest)


def tidy(values) -> list[float]:
    """Numbers JSON takes, to four significant digits."""
    return [float(f"{float(v):.4g}") for v in np.ravel(values)]


def smooth_density(sample: np.ndarray, grid: np.ndarray, peak: float | None = None) -> np.ndarray:
    """A Gaussian kernel density estimate with Silverman's bandwidth; given a peak, its shape
    only, scaled to that height (a violin's half width)."""
    width = 1.06 * sample.std() * len(sample) ** -0.2
    z = (grid[:, None] - sample[None, :]) / width
    sums = np.exp(-0.5 * z**2).sum(axis=1)
    if peak is not None:
        return sums * (peak / sums.max())
    return sums / (len(sample) * width * np.sqrt(2 * np.pi))


def seed(rng: np.random.Generator) -> int:
    """For a library's own random numbers (jitter, bootstrapped bands), drawn from rng."""
    return int(rng.integers(2**31))


def samples_frame(rng, n_groups: int, n_series: int, ordered: bool = False) -> pd.DataFrame:
    """A sample (data.samples) for each group and series, one row per value; ordered: group and
    series as categories in the order drawn, which ggplot keeps on axes and in legends."""
    groups, names = text.categories(rng, n_groups), text.series_names(rng, n_series)
    samples = iter(data.samples(rng, n_groups * n_series))
    parts = [
        pd.DataFrame({"group": group, "series": name, "value": next(samples)})
        for group in groups
        for name in names
    ]
    frame = pd.concat(parts, ignore_index=True)
    if ordered:
        frame["group"] = pd.Categorical(frame["group"], categories=groups)
        frame["series"] = pd.Categorical(frame["series"], categories=names)
    return frame


def points_frame(rng, n: int, n_groups: int, ordered: bool = False) -> pd.DataFrame:
    """x, y and series of n points (data.points); ordered: series as categories in the order
    drawn."""
    x, y, group = data.points(rng, n, n_groups)
    names = text.series_names(rng, n_groups)
    series = np.array(names)[group]
    if ordered:
        series = pd.Categorical(series, categories=names)
    return pd.DataFrame({"x": x, "y": y, "series": series})
