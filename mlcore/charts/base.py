"""What the chart engines share: their table of drawers, and helpers more than one engine needs."""

from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from PIL import Image

from mlcore.charts import CHART_CLASSES, data, text
from mlcore.charts.text import pick

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


@dataclass(frozen=True)
class Stacks:
    """Stacked columns' numbers and shape, as the web publishes them (see stacks)."""

    values: np.ndarray  # (n_series, n_groups); each column sums to 100 when percent
    groups: list[str]  # category names, or dates and years for a time series
    names: list[str]  # series names
    percent: bool  # 100% stacks
    gap: float  # the share of a category's slot left empty: 0, columns touch
    labelled: bool  # a value on every segment

    @property
    def tops(self) -> np.ndarray:
        return self.values.sum(axis=0)


def stacks(rng: np.random.Generator, values_shown: bool = False) -> Stacks:
    """Stacked columns in one of three shapes published charts have: a dense time series of
    thin, nearly touching stacks (16 to 60 of them: statistics offices, dashboards); a few wide
    stacks with a value on each segment (news charts); or, as the engines drew before, two to a
    dozen columns with a gap, numbered when values_shown. About a third are 100% stacks."""
    shape = rng.random()
    if shape < 0.3:
        n_series = pick(rng, [2, 3, 3, 4, 5, 6])
        x = data.time_axis(rng, data.count(rng, 16, 60))
        values = data.trends(rng, n_series, len(x))
        values *= rng.lognormal(0, rng.uniform(0.02, 0.3), values.shape)  # bumpy, as counts are
        groups, gap, labelled = text.time_labels(rng, x), rng.uniform(0.0, 0.2), False
    elif shape < 0.45:
        n_series, n_groups = pick(rng, [2, 2, 3, 3, 4]), int(rng.integers(2, 6))
        values = data.amounts(rng, n_series, n_groups)
        groups, gap, labelled = text.categories(rng, n_groups), rng.uniform(0.15, 0.5), True
    else:
        n_series, n_groups = pick(rng, [2, 2, 3, 3, 4, 5, 6]), int(rng.integers(2, 13))
        values = data.amounts(rng, n_series, n_groups)
        groups, gap = text.categories(rng, n_groups), rng.uniform(0.1, 0.6)
        labelled = values_shown and n_groups <= 8
    percent = rng.random() < 0.35
    if percent:
        values = values / values.sum(axis=0) * 100
    return Stacks(values, groups, text.series_names(rng, n_series), percent, gap, labelled)


@dataclass(frozen=True)
class Bubbles:
    """Bubbles' positions and sizes (see bubbles)."""

    x: np.ndarray
    y: np.ndarray
    area: np.ndarray  # a bubble's area over the largest one's, 0.02 to 1
    group: np.ndarray  # series index of each bubble
    n_groups: int
    scale: float  # the largest bubble's diameter over the engine's usual: 1, or 1.5-3 when few

    @property
    def radius(self) -> np.ndarray:
        """A bubble's radius over the largest one's."""
        return np.sqrt(self.area)

    @property
    def n(self) -> int:
        return len(self.x)


def bubbles(rng: np.random.Generator, fewest: int = 6, most: int = 45) -> Bubbles:
    """As many bubbles as the engine drew before (fewest to most), or now and then a few large
    circles (3 to 9, the largest up to three times the usual: the web's bubble charts of
    countries or companies), areas following a third value."""
    few = rng.random() < 0.4
    n = int(rng.integers(3, 10)) if few else int(rng.integers(fewest, most))
    n_groups = pick(rng, [1, 1, 1, 2]) if few else pick(rng, [1, 1, 2, 3, 4])
    x, y, group = data.points(rng, n, n_groups)
    relative = rng.lognormal(0, rng.uniform(0.5, 1.2), n)
    area = np.clip(relative / relative.max(), 0.02, 1.0)
    scale = rng.uniform(1.5, 3.0) if few else 1.0
    return Bubbles(x, y, area, group, n_groups, scale)


def numbered_columns(rng: np.random.Generator, horizontal: bool):
    """Columns that are not a histogram though their categories are numbers: now and then (for
    columns only) a series or two over years, months or numbered categories, 8 to 40 of them,
    as statistics sites and papers publish them; as (values (n_series, n_groups), category
    names). None, drawing nothing from rng for bars: the engine's own amounts and categories."""
    if horizontal or rng.random() >= 0.35:
        return None
    n_series = pick(rng, [1, 1, 1, 2])
    n = data.count(rng, 8, 40 if n_series == 1 else 14)
    values = data.amounts(rng, n_series, n)
    if rng.random() < 0.6:
        return values, text.time_labels(rng, data.time_axis(rng, n))
    start, step = int(rng.integers(0, 20)), pick(rng, [1, 1, 2, 5, 10])
    return values, [str(start + step * i) for i in range(n)]


def scatter_dots(rng: np.random.Generator, fewest: int, most: int) -> tuple[int, float]:
    """How many dots a scatter plot has and how large they are (a diameter over the engine's
    usual one): fewest to most as drawn before, or a third of the time 8 to 60 dots, 1.8 to 3
    times larger, all of one size (papers' and galleries' scatter plots), so that large dots
    alone do not make a bubble chart."""
    if rng.random() < 0.33:
        return data.count(rng, 8, 60), rng.uniform(1.8, 3.0)
    return int(rng.integers(fewest, most)), 1.0
