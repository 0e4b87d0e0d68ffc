"""The seaborn engine: one drawing function per chart class (pie and donut it does not draw)."""

import matplotlib as mpl
import numpy as np
import pandas as pd
import seaborn as sns
import seaborn.objects as so
from PIL import Image

from mlcore.charts import data, figures, text
from mlcore.charts.base import drawers, points_frame, samples_frame, seed
from mlcore.charts.decorate import category_ticks, label_bars, steps, time_ticks, value_range
from mlcore.charts.text import pick


def long_form(rng: np.random.Generator, means: np.ndarray) -> pd.DataFrame:
    """Noisy observations around (n_series, n_groups) means, one row each."""
    series, groups = text.series_names(rng, means.shape[0]), text.categories(rng, means.shape[1])
    rows = []
    spread = rng.uniform(0.05, 0.4)
    for (s, g), mean in np.ndenumerate(means):
        for value in rng.normal(mean, spread * abs(mean), int(rng.integers(3, 20))):
            rows.append((groups[g], series[s], value))
    return pd.DataFrame(rows, columns=["group", "series", "value"])


def along(horizontal: bool) -> dict:
    """Groups along the y axis and values along x, or the other way round."""
    if horizontal:
        return {"y": "group", "x": "value", "orient": "h"}
    return {"x": "group", "y": "value", "orient": "v"}


def hue_style(rng, look, frame: pd.DataFrame) -> dict:
    """Colour by series when there are several, else by group or in one colour."""
    n_series = frame["series"].nunique()
    if n_series > 1:
        return {"hue": "series", "palette": look.colours(n_series)}
    if rng.random() < 0.4:
        n_groups = frame["group"].nunique()
        return {"hue": "group", "palette": look.colours(n_groups), "legend": False}
    return {"color": look.colours(1)[0]}


def area(ax, rng, look):
    n_series = pick(rng, [1, 1, 2, 3, 4])
    x = data.time_axis(rng, data.count(rng, 8, 120))
    ys = data.trends(rng, n_series, len(x))
    names = text.series_names(rng, n_series)
    frame = pd.DataFrame(
        {"x": np.tile(x, n_series), "y": ys.ravel(), "series": np.repeat(names, len(x))}
    )
    mark = so.Area(alpha=rng.uniform(0.3, 0.9), edgewidth=rng.uniform(0, 2))
    moves = [so.Stack()] if n_series > 1 and rng.random() < 0.6 else []
    so.Plot(frame, x="x", y="y", color="series").add(mark, *moves).scale(
        color=look.colours(n_series)
    ).on(ax).plot()
    ax.set_xlim(x[0], x[-1])
    time_ticks(ax, rng, x)


def bars(ax, rng, look, horizontal):
    """Means with error bars, single or grouped; bar and column differ only in direction."""
    n_series = pick(rng, [1, 1, 1, 2, 3])
    means = data.amounts(rng, n_series, int(rng.integers(2, 11 if n_series == 1 else 7)))
    frame = long_form(rng, means)
    sns.barplot(
        frame,
        **along(horizontal),
        **hue_style(rng, look, frame),
        errorbar=pick(rng, [None, None, None, "sd", "se", ("pi", 50)]),
        capsize=pick(rng, [0, 0, 0.1, 0.2]),
        width=rng.uniform(0.5, 0.9),
        saturation=rng.uniform(0.6, 1.0),
        ax=ax,
    )
    if look.values and means.size <= 24:
        label_bars(ax, ax.containers, means)


def stacked_column(ax, rng, look):
    n_series, n_groups = pick(rng, [2, 2, 3, 3, 4, 5, 6]), int(rng.integers(2, 11))
    groups, names = text.categories(rng, n_groups), text.series_names(rng, n_series)
    values = data.amounts(rng, n_series, n_groups).ravel()
    frame = pd.DataFrame(
        {"group": np.tile(groups, n_series), "series": np.repeat(names, n_groups), "value": values}
    )
    mark = so.Bar(
        width=rng.uniform(0.5, 0.9), alpha=rng.uniform(0.7, 1.0), edgewidth=rng.uniform(0, 1.5)
    )
    so.Plot(frame, x="group", y="value", color="series").add(mark, so.Stack()).scale(
        color=look.colours(n_series)
    ).on(ax).plot()
    category_ticks(ax, rng, "x", groups)


def histogram(ax, rng, look):
    n_series = pick(rng, [1, 1, 1, 2, 3])
    names, samples = text.series_names(rng, n_series), data.samples(rng, n_series, 200, 3000)
    frame = pd.DataFrame(
        {"value": np.concatenate(samples), "series": np.repeat(names, [len(s) for s in samples])}
    )
    colour = (
        {"hue": "series", "palette": look.colours(n_series)}
        if n_series > 1
        else {"color": look.colours(1)[0]}
    )
    sns.histplot(
        frame,
        x="value",
        **colour,
        bins=data.count(rng, 5, 60),
        kde=rng.random() < 0.4,
        element=pick(rng, ["bars", "bars", "step"]),
        multiple=pick(rng, ["layer", "stack", "dodge"]) if n_series > 1 else "layer",
        stat=pick(rng, ["count", "count", "density", "frequency", "percent", "probability"]),
        alpha=rng.uniform(0.7, 1.0) if n_series == 1 else rng.uniform(0.4, 0.7),
        ax=ax,
    )


def boxplot(ax, rng, look):
    frame = samples_frame(rng, int(rng.integers(1, 9)), pick(rng, [1, 1, 1, 2, 3]))
    sns.boxplot(
        frame,
        **along(rng.random() < 0.3),
        **hue_style(rng, look, frame),
        width=rng.uniform(0.2, 0.9),
        fill=rng.random() < 0.8,
        notch=rng.random() < 0.1,
        showfliers=rng.random() < 0.8,
        whis=pick(rng, [1.5, 1.5, (5, 95)]),
        fliersize=rng.uniform(1, 5),
        saturation=rng.uniform(0.6, 1.0),
        ax=ax,
    )


def violin_plot(ax, rng, look):
    n_series = pick(rng, [1, 1, 1, 2])
    frame = samples_frame(rng, int(rng.integers(1, 8)), n_series)
    sns.violinplot(
        frame,
        **along(rng.random() < 0.3),
        **hue_style(rng, look, frame),
        split=n_series == 2 and rng.random() < 0.5,
        inner=pick(rng, ["box", "box", "quart", "stick", "point", None]),
        bw_adjust=rng.uniform(0.5, 1.5),
        cut=pick(rng, [0, 2]),
        density_norm=pick(rng, ["area", "width", "width"]),
        fill=rng.random() < 0.85,
        saturation=rng.uniform(0.6, 1.0),
        ax=ax,
    )


def bubble(ax, rng, look):
    n_groups = pick(rng, [1, 1, 2, 3, 4])
    frame = points_frame(rng, int(rng.integers(6, 45)), n_groups)
    frame["size"] = rng.lognormal(0, rng.uniform(0.5, 1.2), len(frame)).round(1)
    largest = (rng.uniform(0.08, 0.2) * min(look.figsize) * 72) ** 2
    colour = (
        {"hue": "size", "palette": look.cmap}
        if n_groups == 1
        else {"hue": "series", "palette": look.colours(n_groups)}
    )
    sns.scatterplot(
        frame,
        x="x",
        y="y",
        size="size",
        sizes=(largest * 0.03, largest),
        **colour,
        alpha=rng.uniform(0.4, 0.85),
        edgecolor=pick(rng, ["white", "black", "none"]),
        legend=pick(rng, ["auto", "brief", False]),
        ax=ax,
    )
    ax.margins(rng.uniform(0.08, 0.18))


def scatter_plot(ax, rng, look):
    n_groups = pick(rng, [1, 1, 1, 2, 3, 4])
    frame = points_frame(rng, int(rng.integers(25, 600)), n_groups)
    if n_groups == 1 and rng.random() < 0.3:
        sns.regplot(
            frame,
            x="x",
            y="y",
            order=pick(rng, [1, 1, 2]),
            ci=pick(rng, [None, 95]),
            n_boot=100,
            seed=seed(rng),
            color=look.colours(1)[0],
            scatter_kws={"s": rng.uniform(6, 40), "alpha": rng.uniform(0.4, 1.0)},
            line_kws={"color": mpl.rcParams["text.color"]},
            ax=ax,
        )
        return
    sns.scatterplot(
        frame,
        x="x",
        y="y",
        hue="series" if n_groups > 1 else None,
        style="series" if n_groups > 1 and rng.random() < 0.4 else None,
        palette=look.colours(n_groups) if n_groups > 1 else None,
        color=look.colours(1)[0],
        s=rng.uniform(10, 60),
        alpha=rng.uniform(0.5, 1.0),
        edgecolor=pick(rng, ["none", "none", "white", "black"]),
        ax=ax,
    )


def line(ax, rng, look):
    n_series = pick(rng, [1, 1, 2, 3, 4, 6, 8])
    x = data.time_axis(rng, data.count(rng, 5, 120))
    ys = data.trends(rng, n_series, len(x), positive=rng.random() < 0.8)
    repeats = 1 if rng.random() < 0.8 else 5  # repeated measurements give an error band
    noise = rng.normal(0, 0.05 * np.abs(ys).mean(), (repeats, *ys.shape))
    names = text.series_names(rng, n_series)
    frame = pd.DataFrame(
        {
            "x": np.tile(x, n_series * repeats),
            "y": (ys + noise).ravel(),
            "series": np.tile(np.repeat(names, len(x)), repeats),
        }
    )
    several = n_series > 1
    sns.lineplot(
        frame,
        x="x",
        y="y",
        hue="series" if several else None,
        style="series" if several and rng.random() < 0.3 else None,
        palette=look.colours(n_series) if several else None,
        color=look.colours(1)[0],
        marker=pick(rng, ["o", "s", "^", "."]) if len(x) <= 40 and rng.random() < 0.4 else None,
        errorbar=pick(rng, ["sd", "se", ("pi", 80)]) if repeats > 1 else None,
        linewidth=rng.uniform(0.6, 3.5),
        drawstyle=steps(rng, len(x)),
        ax=ax,
    )
    value_range(ax, rng, ys)
    time_ticks(ax, rng, x)


def heatmap(ax, rng, look):
    rows, cols = data.count(rng, 2, 16), data.count(rng, 3, 20)
    values = data.grid(rng, rows, cols)
    frame = pd.DataFrame(
        values, index=text.categories(rng, rows), columns=text.categories(rng, cols)
    )
    sns.heatmap(
        frame,
        cmap=look.cmap,
        annot=look.values and values.size <= 120,
        fmt=".0f" if np.abs(values).max() >= 10 else ".2f",
        annot_kws={"fontsize": "xx-small"},
        linewidths=pick(rng, [0, 0, 0.5, 1, 2, 4]),
        linecolor=mpl.rcParams["axes.facecolor"],
        cbar=rng.random() < 0.6,
        square=rng.random() < 0.3,
        center=0 if values.min() < 0 < values.max() and rng.random() < 0.5 else None,
        ax=ax,
    )


DRAWERS = drawers(globals())

CHARTS = tuple(DRAWERS)


def draw(chart: str, rng: np.random.Generator, size: int) -> Image.Image:
    return figures.draw(DRAWERS[chart], chart, rng, size)
