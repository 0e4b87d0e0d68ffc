"""Random data with the shapes charts need: series over time, amounts, samples, points, grids."""

import numpy as np

from mlcore.charts.text import pick


def magnitude(rng: np.random.Generator) -> float:
    """A typical value anywhere from about 1 to 100,000."""
    return float(10 ** rng.uniform(0, 5))


def time_axis(rng: np.random.Generator, n: int) -> np.ndarray:
    """n x positions: a plain index, years, or days, weeks or months as datetime64."""
    kind = rng.integers(4)
    if kind == 0:
        return np.arange(n)
    if kind == 1:
        return np.arange(n) + int(rng.integers(1985 - n, 2026 - n))
    unit = ("D", "W", "M")[kind - 2] if n < 60 else "D"
    start = np.datetime64("2015-01-01") + np.timedelta64(int(rng.integers(3000)), "D")
    return start.astype(f"datetime64[{unit}]") + np.arange(n).astype(f"timedelta64[{unit}]")


def trends(
    rng: np.random.Generator, n_series: int, n_points: int, positive: bool = True
) -> np.ndarray:
    """(n_series, n_points): trend, seasonality, a random walk and noise, each by chance."""
    t = np.linspace(0, 1, n_points)
    base = magnitude(rng)
    rows = []
    for _ in range(n_series):
        level = base * rng.uniform(0.3, 1.0)
        y = np.full(n_points, level)
        y += level * rng.normal(0, 0.6) * t
        y += (
            level
            * rng.uniform(0, 0.4)
            * np.sin(2 * np.pi * (rng.uniform(0.5, 4) * t + rng.random()))
        )
        y += level * np.cumsum(rng.normal(0, rng.uniform(0, 0.1), n_points))
        y += level * rng.normal(0, rng.uniform(0, 0.08), n_points)
        rows.append(y)
    values = np.array(rows)
    if positive and values.min() < 0:
        values -= values.min() - base * rng.uniform(0.02, 0.3)
    return values


def amounts(rng: np.random.Generator, n_series: int, n_groups: int) -> np.ndarray:
    """(n_series, n_groups) positive amounts, whole numbers half the time."""
    values = magnitude(rng) * rng.lognormal(0, rng.uniform(0.1, 0.8), (n_series, n_groups))
    return values.round() + 1 if rng.random() < 0.5 else values


def bar_amounts(rng: np.random.Generator) -> np.ndarray:
    """(n_series, n_groups) amounts for bars: one series or a few, negative now and then, and a
    single series sorted now and then."""
    n_series = pick(rng, [1, 1, 1, 1, 2, 2, 3, 4])
    n_groups = int(rng.integers(2, 13 if n_series == 1 else 8))
    values = amounts(rng, n_series, n_groups)
    if rng.random() < 0.1:
        values -= values.mean() * rng.uniform(0.3, 0.9)
    if n_series == 1 and rng.random() < 0.4:
        values = np.sort(values)[:, :: pick(rng, [1, -1])]
    return values


def round_edges(values: np.ndarray, bins: int) -> np.ndarray:
    """Histogram bin edges, about bins of them, on multiples of 1, 2 or 5 times a power of ten."""
    rough = (values.max() - values.min()) / bins
    power = 10 ** np.floor(np.log10(rough))
    width = power * min((m for m in (1, 2, 5, 10) if m * power >= rough), default=10)
    low = np.floor(values.min() / width) * width
    return low + width * np.arange(int(np.ceil((values.max() - low) / width)) + 1)


def sample(rng: np.random.Generator, n: int, centre: float, spread: float) -> np.ndarray:
    """n draws from a random mixture of one to three normal, skewed, decaying or flat components."""
    parts = []
    for weight in rng.dirichlet(np.ones(int(rng.integers(1, 4))) * 3):
        m = max(1, round(n * weight))
        family = rng.integers(5)
        loc = centre + rng.normal(0, spread)
        scale = spread * rng.uniform(0.5, 1.5)
        if family == 0:
            parts.append(rng.normal(loc, scale, m))
        elif family == 1:
            parts.append(loc + rng.lognormal(0, rng.uniform(0.2, 1.0), m) * scale)
        elif family == 2:
            parts.append(loc + rng.gamma(rng.uniform(1, 6), scale / 2, m))
        elif family == 3:
            parts.append(loc + rng.exponential(scale, m) * (1 if rng.random() < 0.8 else -1))
        else:
            parts.append(rng.uniform(loc - 2 * scale, loc + 2 * scale, m))
    return np.concatenate(parts)


def samples(
    rng: np.random.Generator, n_groups: int, smallest: int = 20, largest: int = 300
) -> list[np.ndarray]:
    """One sample per group, of varying sizes and centres, in the same units."""
    unit, offset, spread = rng.choice([1, 10, 100]), rng.choice([0, 50, 200]), rng.uniform(0.5, 2)
    return [
        sample(rng, int(rng.integers(smallest, largest)), rng.normal(0, 2), spread) * unit + offset
        for _ in range(n_groups)
    ]


def count(rng: np.random.Generator, low: int, high: int) -> int:
    """low <= n < high, even on a log scale: as many from 5 to 10 as from 30 to 60."""
    return int(low * (high / low) ** rng.random())


def points(rng: np.random.Generator, n: int, n_groups: int) -> tuple[np.ndarray, ...]:
    """x, y and a group index for n points: a relation with noise, or clusters."""
    group = rng.integers(n_groups, size=n)
    if rng.random() < 0.3:
        centres = rng.normal(0, 3, (n_groups, 2))
        x = centres[group, 0] + rng.normal(0, rng.uniform(0.4, 1.5), n)
        y = centres[group, 1] + rng.normal(0, rng.uniform(0.4, 1.5), n)
    else:
        x = rng.uniform(0, 10, n) if rng.random() < 0.5 else rng.normal(5, 2, n)
        slope = rng.normal(0, 1.5) + rng.normal(0, 0.5, n_groups)[group]
        curve = rng.normal(0, 0.15) * (x - 5) ** 2
        y = slope * x + curve + rng.normal(0, rng.uniform(0.2, 4), n) + 3 * group
    return x * magnitude(rng) / 10, y * magnitude(rng) / 10, group


def fitted_line(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The least-squares line through the points (x, y), from the least x to the greatest."""
    slope, intercept = np.polyfit(x, y, 1)
    ends = np.array([x.min(), x.max()])
    return ends, slope * ends + intercept


def shares(rng: np.random.Generator, n: int) -> np.ndarray:
    """n positive parts of a whole, sometimes sorted largest first."""
    parts = rng.dirichlet(np.ones(n) * rng.uniform(0.5, 4)) + 0.01
    parts /= parts.sum()
    return np.sort(parts)[::-1] if rng.random() < 0.4 else parts


def grid(rng: np.random.Generator, rows: int, cols: int) -> np.ndarray:
    """(rows, cols) values: a smooth field with noise, a correlation matrix or plain noise."""
    kind = rng.integers(3)
    if kind == 0:
        r = np.linspace(0, 1, rows)[:, None]
        c = np.linspace(0, 1, cols)[None, :]
        field = np.sin(rng.uniform(1, 6) * r + rng.random() * 6) * np.cos(rng.uniform(1, 6) * c)
        field += rng.normal(0, rng.uniform(0.05, 0.5), (rows, cols))
    elif kind == 1:
        k = max(rows, cols)
        hidden = rng.normal(size=(k, max(2, k // 2)))
        data = rng.normal(size=(50, max(2, k // 2))) @ hidden.T + rng.normal(size=(50, k))
        field = np.corrcoef(data, rowvar=False)[:rows, :cols]
    else:
        field = rng.random((rows, cols)) ** rng.uniform(0.5, 3)
    return field * magnitude(rng) if kind != 1 and rng.random() < 0.5 else field
