"""The matplotlib engine: one drawing function per chart class, drawer(ax, rng, look)."""

import matplotlib as mpl
import numpy as np
from PIL import Image

from mlcore.charts import data, figures, text
from mlcore.charts.base import drawers, smooth_density
from mlcore.charts.decorate import (
    category_ticks,
    label_bars,
    steps,
    time_ticks,
    value_format,
    value_range,
)
from mlcore.charts.text import pick

MARKERS = ["o", "s", "^", "D", "v", "x", "+", "*", "p", "."]


def edge_colour(rng: np.random.Generator):
    """No edge, or edges in the background or text colour."""
    return pick(rng, ["none", "none", mpl.rcParams["axes.facecolor"], mpl.rcParams["text.color"]])


def area(ax, rng, look):
    n_series = pick(rng, [1, 1, 2, 3, 4, 5])
    x = data.time_axis(rng, data.count(rng, 8, 150))
    ys = data.trends(rng, n_series, len(x))
    colours, names = look.colours(n_series), text.series_names(rng, n_series)
    if n_series > 1 and rng.random() < 0.5:
        ax.stackplot(x, ys, colors=colours, labels=names, alpha=rng.uniform(0.7, 1.0))
    else:
        alpha = rng.uniform(0.25, 0.6) if n_series > 1 else rng.uniform(0.3, 1.0)
        outline = rng.random() < 0.6
        step = pick(rng, ["mid", "post"]) if rng.random() < 0.1 else None
        for y, colour, name in zip(ys, colours, names, strict=True):
            ax.fill_between(x, y, color=colour, alpha=alpha, label=name, step=step, linewidth=0)
            if outline:
                ax.plot(x, y, color=colour, drawstyle=f"steps-{step}" if step else "default")
    ax.set_xlim(x[0], x[-1])
    ax.set_ylim(bottom=0)
    time_ticks(ax, rng, x)


def bars(ax, rng, look, horizontal):
    """Single or grouped bars, side by side; bar and column differ only in direction."""
    values = data.bar_amounts(rng)
    n_series, n_groups = values.shape
    groups, names = text.categories(rng, n_groups), text.series_names(rng, n_series)
    colours = look.colours(n_series)
    if n_series == 1 and rng.random() < 0.25:
        colours = [look.colours(n_groups)]  # a colour per bar
    slot = rng.uniform(0.5, 0.95) / n_series
    width = slot * rng.uniform(0.8, 1.0)
    edge = edge_colour(rng)
    draw = ax.barh if horizontal else ax.bar
    containers = []
    for i, (row, colour, name) in enumerate(zip(values, colours, names, strict=True)):
        positions = np.arange(n_groups) + (i - (n_series - 1) / 2) * slot
        containers.append(draw(positions, row, width, color=colour, edgecolor=edge, label=name))
    if look.values and values.size <= 24:
        label_bars(ax, containers, values)
    category_ticks(ax, rng, "y" if horizontal else "x", groups)
    if horizontal and rng.random() < 0.6:
        ax.invert_yaxis()


def stacked_column(ax, rng, look):
    n_series, n_groups = pick(rng, [2, 2, 3, 3, 4, 5, 6]), int(rng.integers(2, 13))
    values = data.amounts(rng, n_series, n_groups)
    if rng.random() < 0.3:
        values = values / values.sum(axis=0) * 100
    groups, names = text.categories(rng, n_groups), text.series_names(rng, n_series)
    width, edge = rng.uniform(0.4, 0.9), edge_colour(rng)
    bottom = np.zeros(n_groups)
    containers = []
    for row, colour, name in zip(values, look.colours(n_series), names, strict=True):
        bar = ax.bar(
            np.arange(n_groups), row, width, bottom, color=colour, edgecolor=edge, label=name
        )
        containers.append(bar)
        bottom += row
    if look.values and n_groups <= 8:
        label_bars(ax, containers, values, center=True)
    category_ticks(ax, rng, "x", groups)


def histogram(ax, rng, look):
    n_series = pick(rng, [1, 1, 1, 2, 3])
    samples = data.samples(rng, n_series, 200, 3000)
    edges = np.histogram_bin_edges(np.concatenate(samples), data.count(rng, 5, 60))
    kind = pick(rng, ["bar", "bar", "bar", "stepfilled", "step"])
    density = rng.random() < 0.3
    shared = {
        "bins": edges,
        "histtype": kind,
        "density": density,
        "alpha": 1.0 if n_series == 1 else rng.uniform(0.4, 0.7),
        "rwidth": pick(rng, [None, None, 0.9, 0.8]) if kind == "bar" else None,
    }
    if kind != "step":  # a step histogram is drawn by its edges, in the series colour
        shared["edgecolor"] = edge_colour(rng)
    names = text.series_names(rng, n_series)
    for sample, colour, name in zip(samples, look.colours(n_series), names, strict=True):
        ax.hist(sample, color=colour, label=name, **shared)
    if n_series == 1 and rng.random() < 0.25:
        grid = np.linspace(edges[0], edges[-1], 200)
        curve = smooth_density(samples[0], grid)
        if not density:
            curve *= len(samples[0]) * (edges[1] - edges[0])
        ax.plot(grid, curve, color=pick(rng, [mpl.rcParams["text.color"], "tab:red", "orange"]))


def boxplot(ax, rng, look):
    n_groups = int(rng.integers(1, 9))
    samples, names = data.samples(rng, n_groups), text.categories(rng, n_groups)
    orientation = "horizontal" if rng.random() < 0.3 else "vertical"
    axis = "y" if orientation == "horizontal" else "x"  # the one that names the groups
    filled = rng.random() < 0.6
    parts = ax.boxplot(
        samples,
        orientation=orientation,
        notch=rng.random() < 0.15,
        patch_artist=filled,
        showmeans=rng.random() < 0.2,
        showfliers=rng.random() < 0.8,
        widths=rng.uniform(0.15, 0.8),
        whis=pick(rng, [1.5, 1.5, (5, 95), (0, 100)]),
    )
    if filled:
        colours = look.colours(n_groups if rng.random() < 0.6 else 1)
        for i, box in enumerate(parts["boxes"]):
            box.set_facecolor(colours[i % len(colours)])
    if rng.random() < 0.15:
        for position, sample in enumerate(samples, start=1):
            jitter = position + rng.uniform(-0.12, 0.12, len(sample))
            xy = (sample, jitter) if orientation == "horizontal" else (jitter, sample)
            ax.scatter(*xy, s=4, alpha=0.4, color=mpl.rcParams["text.color"], zorder=3)
    category_ticks(ax, rng, axis, names, range(1, n_groups + 1))


def violin_plot(ax, rng, look):
    n_groups = int(rng.integers(1, 9))
    samples, names = data.samples(rng, n_groups), text.categories(rng, n_groups)
    orientation = "horizontal" if rng.random() < 0.3 else "vertical"
    axis = "y" if orientation == "horizontal" else "x"  # the one that names the groups
    parts = ax.violinplot(
        samples,
        orientation=orientation,
        widths=rng.uniform(0.5, 0.95),
        showmeans=rng.random() < 0.2,
        showmedians=rng.random() < 0.5,
        showextrema=rng.random() < 0.6,
        quantiles=[[0.25, 0.75]] * n_groups if rng.random() < 0.25 else None,
        bw_method=pick(rng, [None, 0.2, 0.4]),
    )
    colours = look.colours(n_groups if rng.random() < 0.6 else 1)
    alpha, edge = rng.uniform(0.6, 1.0), edge_colour(rng)
    for i, body in enumerate(parts["bodies"]):
        body.set_facecolor(colours[i % len(colours)])
        body.set_edgecolor(edge)
        body.set_alpha(alpha)
    line_colour = pick(rng, [colours[0], mpl.rcParams["text.color"]])
    line_width = rng.uniform(0.7, 1.5)
    for name, lines in parts.items():
        if name != "bodies":
            lines.set(color=line_colour, linewidth=line_width)
    if rng.random() < 0.3:
        ax.boxplot(
            samples,
            orientation=orientation,
            widths=0.06,
            showfliers=False,
            showcaps=False,
            patch_artist=True,
            boxprops={"facecolor": mpl.rcParams["text.color"]},
            medianprops={"color": mpl.rcParams["axes.facecolor"]},
        )
    category_ticks(ax, rng, axis, names, range(1, n_groups + 1))


def bubble(ax, rng, look):
    n, n_groups = int(rng.integers(6, 45)), pick(rng, [1, 1, 2, 3, 4])
    x, y, group = data.points(rng, n, n_groups)
    largest = (rng.uniform(0.08, 0.2) * min(look.figsize) * 72) ** 2  # marker area in points²
    relative = rng.lognormal(0, rng.uniform(0.5, 1.2), n)
    sizes = np.clip(relative / relative.max(), 0.03, 1.0) * largest
    style = {"alpha": rng.uniform(0.35, 0.85), "edgecolors": edge_colour(rng), "linewidths": 1}
    if rng.random() < 0.3:
        points = ax.scatter(x, y, s=sizes, c=rng.random(n), cmap=look.cmap, **style)
        if rng.random() < 0.5:
            ax.figure.colorbar(points, ax=ax)
    else:
        names = text.series_names(rng, n_groups)
        for g, (colour, name) in enumerate(zip(look.colours(n_groups), names, strict=True)):
            mine = group == g
            ax.scatter(x[mine], y[mine], s=sizes[mine], color=colour, label=name, **style)
    if look.values and n <= 15:
        for label, xi, yi in zip(text.categories(rng, n), x, y, strict=True):
            ax.annotate(label, (xi, yi), ha="center", va="center", fontsize="x-small")
    ax.margins(rng.uniform(0.08, 0.18))


def scatter_plot(ax, rng, look):
    n, n_groups = int(rng.integers(25, 700)), pick(rng, [1, 1, 1, 2, 3, 4, 5])
    x, y, group = data.points(rng, n, n_groups)
    size = rng.uniform(6, 50) * (0.4 if n > 300 else 1.0)
    markers = [pick(rng, MARKERS)] * n_groups if rng.random() < 0.7 else MARKERS[:n_groups]
    alpha = rng.uniform(0.5, 1.0)
    edge = pick(rng, ["face", "face", "white", "black"]) if size > 20 else "face"
    names = text.series_names(rng, n_groups)
    for g, (colour, name) in enumerate(zip(look.colours(n_groups), names, strict=True)):
        mine = group == g
        ax.scatter(
            x[mine],
            y[mine],
            s=size,
            marker=markers[g],
            color=colour,
            label=name,
            alpha=alpha,
            edgecolors=edge if markers[g] not in ("x", "+") else None,
        )
    if rng.random() < 0.25:
        slope, intercept = np.polyfit(x, y, 1)
        ends = np.array([x.min(), x.max()])
        ax.plot(ends, slope * ends + intercept, linestyle="--", color=mpl.rcParams["text.color"])


def line(ax, rng, look):
    n_series = pick(rng, [1, 1, 1, 2, 2, 3, 4, 5, 6, 8])
    x = data.time_axis(rng, data.count(rng, 5, 200))
    ys = data.trends(rng, n_series, len(x), positive=rng.random() < 0.8)
    marker = pick(rng, MARKERS[:5]) if len(x) <= 40 and rng.random() < 0.4 else None
    dashed = rng.random() < 0.2
    drawstyle = steps(rng, len(x))
    width = rng.uniform(0.6, 3.5)
    names = text.series_names(rng, n_series)
    for i, (y, colour, name) in enumerate(zip(ys, look.colours(n_series), names, strict=True)):
        linestyle = ["-", "--", ":", "-."][i % 4] if dashed else "-"
        ax.plot(
            x,
            y,
            color=colour,
            label=name,
            marker=marker,
            linestyle=linestyle,
            drawstyle=drawstyle,
            linewidth=width,
            markersize=rng.uniform(3, 7),
        )
    if look.values and n_series == 1 and len(x) <= 12:
        for xi, yi in zip(x, ys[0], strict=True):
            ax.annotate(
                value_format(ys).format(yi),
                (xi, yi),
                xytext=(0, 5),
                textcoords="offset points",
                ha="center",
                fontsize="x-small",
            )
    value_range(ax, rng, ys)
    time_ticks(ax, rng, x)


def wedges(ax, rng, look, donut):
    """A pie, or with a hole in the middle a donut."""
    hole = rng.uniform(0.35, 0.75) if donut else 0.0  # a fraction of the radius
    n = int(rng.integers(2, 9))
    parts, names = data.shares(rng, n), text.categories(rng, n)
    on_wedges = rng.random() < 0.5
    explode = np.zeros(n)
    if rng.random() < 0.2:
        explode[rng.integers(n)] = rng.uniform(0.05, 0.2)
    wedge_style = {
        "linewidth": pick(rng, [0, 1, 2]),
        "edgecolor": pick(rng, [mpl.rcParams["axes.facecolor"], "white"]),
    }
    if donut:
        wedge_style["width"] = 1 - hole
    patches, *_ = ax.pie(
        parts,
        labels=names if on_wedges else None,
        colors=look.colours(n),
        autopct=pick(rng, ["%1.0f%%", "%1.1f%%"]) if look.values else None,
        pctdistance=(1 + hole) / 2 if donut else rng.uniform(0.5, 0.8),
        labeldistance=rng.uniform(1.05, 1.25),
        explode=explode,
        startangle=rng.uniform(0, 360),
        counterclock=rng.random() < 0.5,
        shadow=rng.random() < 0.08,
        wedgeprops=wedge_style,
        textprops={"fontsize": pick(rng, ["x-small", "small", "medium"])},
    )
    if not on_wedges:
        for patch, name in zip(patches, names, strict=True):
            patch.set_label(name)
    if donut and rng.random() < 0.4:
        ax.text(
            0,
            0,
            f"{rng.integers(10, 10000):,}",
            ha="center",
            va="center",
            fontsize="large",
            fontweight="bold",
        )
    ax.set_aspect("equal")


def heatmap(ax, rng, look):
    rows, cols = data.count(rng, 2, 16), data.count(rng, 3, 20)
    values = data.grid(rng, rows, cols)
    if rng.random() < 0.5:
        mesh = ax.imshow(values, cmap=look.cmap, aspect=pick(rng, ["auto", "equal"]))
        centres = np.arange(rows), np.arange(cols)
    else:
        mesh = ax.pcolormesh(
            values,
            cmap=look.cmap,
            edgecolors=pick(rng, ["face", mpl.rcParams["axes.facecolor"]]),
            linewidth=rng.uniform(0.5, 4),
        )
        ax.invert_yaxis()
        centres = np.arange(rows) + 0.5, np.arange(cols) + 0.5
    ax.grid(False)
    category_ticks(ax, rng, "y", text.categories(rng, rows), centres[0])
    category_ticks(ax, rng, "x", text.categories(rng, cols), centres[1])
    if rng.random() < 0.2:
        ax.xaxis.tick_top()
    if rng.random() < 0.6:
        ax.figure.colorbar(mesh, ax=ax, shrink=rng.uniform(0.6, 1.0))
    if look.values and values.size <= 120:
        fmt = value_format(values) if np.abs(values).max() >= 10 else "{:.2f}"
        for (r, c), value in np.ndenumerate(values):
            shade = np.mean(mesh.cmap(mesh.norm(value))[:3])
            ax.text(
                centres[1][c],
                centres[0][r],
                fmt.format(value),
                ha="center",
                va="center",
                fontsize="xx-small",
                color="black" if shade > 0.5 else "white",
            )


DRAWERS = drawers(globals())

CHARTS = tuple(DRAWERS)


def draw(chart: str, rng: np.random.Generator, size: int) -> Image.Image:
    return figures.draw(DRAWERS[chart], chart, rng, size)
