"""The office engine: charts in the look of spreadsheet software, drawn with matplotlib.

Excel 97-2003, 2007/2010, 2013 to 365, LibreOffice Calc and Google Sheets, each with its own
palette, fonts, frame, gridlines, legend place and defaults (gap widths, markers, hole sizes);
3-D pies, columns and bars, gradient fills now and then, data labels, and for heatmaps a
conditionally formatted cell grid, since that is what spreadsheet users share.
"""

import warnings
from functools import partial
from itertools import pairwise

import matplotlib.style
import numpy as np
from matplotlib import colors as mcolors
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch, Patch, Polygon, Wedge
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, NullFormatter
from PIL import Image

from mlcore.charts import data, text
from mlcore.charts.base import ROUND, drawers, image
from mlcore.charts.office_themes import (
    EXCEL_2003_LINES,
    SHEETS,
    SHEETS_NEW,
    Theme,
    darker,
    ink_on,
    lighter,
    random_theme,
)
from mlcore.charts.text import pick

# Excel's and Google Sheets' colour scales for conditional formatting: low, (middle,) high.
COLOUR_SCALES = [
    ("#F8696B", "#FFEB84", "#63BE7B"),
    ("#63BE7B", "#FFEB84", "#F8696B"),
    ("#F8696B", "#FCFCFF", "#63BE7B"),
    ("#5A8AC6", "#FCFCFF", "#F8696B"),
    ("#F8696B", "#FCFCFF", "#5A8AC6"),
    ("#FCFCFF", "#63BE7B"),
    ("#FCFCFF", "#F8696B"),
    ("#FFEF9C", "#63BE7B"),
    ("#FFFFFF", "#57BB8A"),
    ("#E67C73", "#FFFFFF", "#57BB8A"),
    ("#FCFCFF", "#5A8AC6"),
]
LEGEND_PLACES = {
    "right": "outside right center",
    "left": "outside left center",
    "bottom": "outside lower center",
}


def series_names(rng: np.random.Generator, n: int) -> list[str]:
    """Names from the data's header, or the ones Excel gives when there is none."""
    if rng.random() < 0.12:
        return [f"Series{i}" for i in range(1, n + 1)]
    return text.series_names(rng, n)


def category_names(rng: np.random.Generator, n: int) -> list[str]:
    """Category names, or dates and years as a spreadsheet writes them."""
    if n <= 12 and rng.random() < 0.6:
        return text.categories(rng, n)
    x = data.time_axis(rng, n)
    if not np.issubdtype(x.dtype, np.datetime64):
        return [str(value + (x[0] == 0)) for value in x]
    if np.datetime_data(x.dtype)[0] == "M":
        style = pick(rng, ["%b-%y", "%b %Y", "%B", "%m/%Y"] if n <= 12 else ["%b-%y", "%b %Y"])
    else:
        style = pick(rng, ["%m/%d/%Y", "%d.%m.%Y", "%Y-%m-%d", "%d-%b", "%d/%m/%Y"])
    return [day.strftime(style) for day in x.astype("datetime64[D]").astype(object)]


def number_format(rng: np.random.Generator, values, percent: bool = False):
    """A cell number format for axis and data labels: General, #,##0, currency or 0.00."""
    if percent:
        return lambda v: f"{v:.0f}%"
    big = float(np.abs(values).max())
    decimals = 0 if big >= 100 else 1 if big >= 10 else 2
    kind = pick(rng, ["general", "general", "thousands", "currency", "fixed"])
    sign = pick(rng, ["$", "$", "£", "€"])

    def fmt(v: float) -> str:
        v = 0.0 if abs(v) < 1e-9 else v
        if kind == "general":
            written = f"{v:.{decimals}f}"
            return written.rstrip("0").rstrip(".") if "." in written else written
        if kind == "thousands":
            return f"{v:,.{decimals if big < 1000 else 0}f}"
        if kind == "currency":
            return f"{'-' if v < 0 else ''}{sign}{abs(v):,.{decimals if big < 100 else 0}f}"
        return f"{v:.{decimals}f}"

    return fmt


def plot_axes(fig, theme: Theme, horizontal: bool = False):
    """The plot area: a category axis line, a value axis line in older styles, no other frame."""
    ax = fig.add_subplot(facecolor=theme.plot)
    category, value = ("left", "bottom") if horizontal else ("bottom", "left")
    for spine in ax.spines.values():
        spine.set_visible(theme.plot_edge is not None)
        spine.set_color(theme.plot_edge or theme.axis)
        spine.set_linewidth(0.75)
    ax.spines[category].set_visible(True)
    ax.spines[category].set_color(theme.axis)
    if theme.value_line:
        ax.spines[value].set_visible(True)
        ax.spines[value].set_color(theme.axis)
    ax.tick_params(
        which="both",
        length=theme.ticks,
        width=0.75,
        color=theme.axis,
        labelsize=theme.size,
        labelcolor=theme.text,
    )
    return ax


def value_axis(ax, rng, theme, values, fmt, axis="y", from_zero=True, grid=True, pad=0.0):
    """Excel's automatic scale: it ends on gridlines, and starts at zero unless the values sit
    far above it."""
    low, high = float(np.min(values)), float(np.max(values))
    low, high = low - pad * (high - low), high + pad * (high - low)
    if from_zero or 0 < low < high * 5 / 6:
        low = min(low, 0.0)
    high = max(high, 0.0) if from_zero else high
    if high <= low:
        high = low + 1
    bins = int(rng.integers(4, 9))
    ticks = nice_ticks(low, high, bins)
    while bins > 2 and crowded(ax, ticks, fmt, theme, axis):
        bins -= 1
        ticks = nice_ticks(low, high, bins)
    getattr(ax, f"set_{axis}lim")(ticks[0], ticks[-1])
    chosen = getattr(ax, f"{axis}axis")
    chosen.set_major_locator(FixedLocator(ticks))
    chosen.set_major_formatter(FuncFormatter(lambda v, _: fmt(v)))
    if grid:
        ax.grid(True, axis=axis, color=theme.grid, linewidth=0.75)
        ax.set_axisbelow(True)


def nice_ticks(low: float, high: float, bins: int) -> np.ndarray:
    return MaxNLocator(nbins=bins, steps=[1, 2, 2.5, 5, 10]).tick_values(low, high)


def crowded(ax, ticks, fmt, theme, axis) -> bool:
    """Whether the tick labels would overlap along an axis of the figure's size, roughly."""
    width, height = ax.figure.get_size_inches() * 72  # points
    if axis == "x":
        return sum(len(fmt(tick)) + 2 for tick in ticks) * theme.size * 0.6 > width * 0.7
    return len(ticks) * theme.size * 1.8 > height * 0.55


def category_axis(ax, rng, theme, names, axis="x", between=True) -> None:
    """Names under the categories, tick marks between them; crowded names are wrapped, turned
    or thinned out as Excel does."""
    n = len(names)
    chosen = getattr(ax, f"{axis}axis")
    chosen.set_major_locator(FixedLocator(np.arange(n)))
    if between:
        chosen.set_minor_locator(FixedLocator(np.arange(n + 1) - 0.5))
        chosen.set_minor_formatter(NullFormatter())
        ax.tick_params(axis=axis, which="major", length=0)
    if axis == "y":
        chosen.set_ticklabels(names)
        return
    room = ax.figure.get_figwidth() * 72 * 0.75 / n  # points per category
    widest = max(len(name) for name in names) * theme.size * 0.55
    longest_word = (
        max((len(w) for name in names for w in name.split()), default=0) * theme.size * 0.55
    )
    if widest <= room:
        chosen.set_ticklabels(names)
    elif any(" " in name for name in names) and longest_word <= room:
        chosen.set_ticklabels([name.replace(" ", "\n", 1) for name in names])
    elif n > 14 and rng.random() < 0.5:
        every = int(np.ceil(widest / room))
        chosen.set_ticklabels([name if i % every == 0 else "" for i, name in enumerate(names)])
    else:
        angle = pick(rng, [45, 45, 90])
        every = int(np.ceil(theme.size * 1.4 / room))  # turned labels still need a line each
        shown = [name if i % every == 0 else "" for i, name in enumerate(names)]
        chosen.set_ticklabels(shown, rotation=angle, ha="right" if angle == 45 else "center")
        if angle == 45:
            for label in chosen.get_ticklabels():
                label.set_rotation_mode("anchor")


def bar_width(theme: Theme, n_series: int, stacked: bool = False) -> float:
    """Excel's gap width and series overlap, turned into a bar width in category units."""
    if stacked:
        return 1 / (1 + min(theme.gap, 1.5))
    return 1 / (n_series + theme.gap + (n_series - 1) * theme.overlap)


def gradient_fill(ax, rng, containers, colours, horizontal) -> None:
    """Replace flat fills with gradients: light to dark along the bar, or a sheen across it."""
    sheen = rng.random() < 0.5
    steps = np.linspace(0, 1, 64)
    strength = rng.uniform(0.4, 0.8)
    for container, colour in zip(containers, colours, strict=True):
        if sheen:
            tints = [lighter(colour, strength * (1 - abs(t - 0.35) / 0.65)) for t in steps]
        else:
            tints = [lighter(colour, strength * t) for t in steps]
        ramp = np.array([mcolors.to_rgb(tint) for tint in tints])
        across = sheen != horizontal  # the colour changes along x
        image = ramp[None, :, :] if across else ramp[:, None, :]
        for patch in container.patches:
            x, y = patch.get_xy()
            w, h = patch.get_width(), patch.get_height()
            shown = ax.imshow(
                image,
                extent=(x, x + w, y, y + h),
                origin="lower",
                aspect="auto",
                interpolation="bilinear",
                zorder=patch.get_zorder(),
            )
            shown.set_clip_path(patch)
            patch.set_facecolor("none")


def bar_labels(ax, containers, values, fmt, theme, colours=None) -> None:
    """Values at the bars' ends, or inside them (centred) when colours of the fills are given."""
    for i, (container, row) in enumerate(zip(containers, values, strict=True)):
        ax.bar_label(
            container,
            labels=[fmt(v) for v in row],
            label_type="edge" if colours is None else "center",
            padding=2 if colours is None else 0,
            fontsize=theme.size * 0.95,
            color=theme.text if colours is None else ink_on(colours[i]),
        )


def bars(fig, rng, theme, horizontal):
    """Clustered columns or bars, flat or in 3-D."""
    n_series = pick(rng, [1, 1, 1, 2, 2, 3, 4])
    n_groups = int(rng.integers(2, 13 if n_series == 1 else 8))
    values = data.amounts(rng, n_series, n_groups)
    groups, names = text.categories(rng, n_groups), series_names(rng, n_series)
    colours = theme.colours(n_series)
    if n_groups <= 8 and rng.random() < 0.25:
        return bars_3d(fig, rng, theme, values, groups, names, horizontal, stacked=False)
    if rng.random() < 0.08:
        values -= values.mean() * rng.uniform(0.3, 0.9)
    ax = plot_axes(fig, theme, horizontal)
    width = bar_width(theme, n_series)
    vary = n_series == 1 and rng.random() < 0.15  # Excel's "vary colours by point"
    edge = edge_style(rng, theme)
    draw = ax.barh if horizontal else ax.bar
    containers, handles = [], []
    for i, (row, colour, name) in enumerate(zip(values, colours, names, strict=True)):
        positions = np.arange(n_groups) + (i - (n_series - 1) / 2) * width * (1 + theme.overlap)
        fill = theme.colours(n_groups) if vary else colour
        containers.append(draw(positions, row, width, color=fill, **edge))
        handles.append(Patch(facecolor=colour, label=name, **edge))
    fmt = number_format(rng, values)
    value_axis(ax, rng, theme, values, fmt, axis="x" if horizontal else "y")
    getattr(ax, "set_ylim" if horizontal else "set_xlim")(-0.5, n_groups - 0.5)
    if horizontal and rng.random() < 0.3:
        ax.invert_yaxis()  # "categories in reverse order"
    if rng.random() < theme.gradient and not vary:
        gradient_fill(ax, rng, containers, colours, horizontal)
    if rng.random() < 0.3:
        bar_labels(ax, containers, values, fmt, theme)
    category_axis(ax, rng, theme, groups, "y" if horizontal else "x")
    return ax, [] if vary else handles


def edge_style(rng, theme) -> dict:
    if theme.edge is None or (theme.edge != "#000000" and rng.random() < 0.6):
        return {"edgecolor": "none", "linewidth": 0}
    return {"edgecolor": theme.edge, "linewidth": 0.75}


def stacked_column(fig, rng, theme):
    """Stacked or 100% stacked columns, flat or in 3-D, now and then with series lines."""
    n_series, n_groups = pick(rng, [2, 2, 3, 3, 4, 5]), int(rng.integers(2, 13))
    values = data.amounts(rng, n_series, n_groups)
    percent = rng.random() < 0.25
    if percent:
        values = values / values.sum(axis=0) * 100
    groups, names = text.categories(rng, n_groups), series_names(rng, n_series)
    if n_groups <= 8 and rng.random() < 0.2:
        return bars_3d(fig, rng, theme, values, groups, names, horizontal=False, stacked=True)
    ax = plot_axes(fig, theme)
    width, edge = bar_width(theme, n_series, stacked=True), edge_style(rng, theme)
    colours = theme.colours(n_series)
    tops = np.cumsum(values, axis=0)
    containers, handles = [], []
    for row, bottom, colour, name in zip(values, tops - values, colours, names, strict=True):
        bar = ax.bar(np.arange(n_groups), row, width, bottom, color=colour, **edge)
        containers.append(bar)
        handles.append(Patch(facecolor=colour, label=name, **edge))
    if rng.random() < 0.12:
        series_lines(ax, tops, width, theme)
    fmt = number_format(rng, values, percent)
    value_axis(ax, rng, theme, tops[-1], fmt)
    if percent:
        ax.set_ylim(0, 100)
    ax.set_xlim(-0.5, n_groups - 0.5)
    if rng.random() < theme.gradient:
        gradient_fill(ax, rng, containers, colours, horizontal=False)
    if rng.random() < 0.3:
        inner = number_format(rng, values)
        bar_labels(ax, containers, values, inner if not percent else fmt, theme, colours)
    category_axis(ax, rng, theme, groups)
    return ax, handles


def series_lines(ax, tops, width, theme) -> None:
    """Lines joining the tops of each series from column to column."""
    for level in tops:
        for i in range(len(level) - 1):
            ax.plot(
                [i + width / 2, i + 1 - width / 2],
                level[i : i + 2],
                color=theme.axis,
                linewidth=0.75,
            )


def bars_3d(fig, rng, theme, values, groups, names, horizontal, stacked):
    """Excel's 3-D clustered, stacked or deep columns and bars on walls with gridlines."""
    ax = fig.add_subplot(projection="3d", facecolor=theme.background)
    n_series, n_groups = values.shape
    # Excel's "3-D Column": the series one behind another
    deep = not (stacked or horizontal) and n_series > 1 and rng.random() < 0.4
    width = bar_width(theme, 1 if deep else n_series, stacked or deep)
    depth = rng.uniform(0.4, 0.8)
    colours = theme.colours(n_series)
    bottoms = np.cumsum(values, axis=0) - values if stacked else np.zeros_like(values)
    edge = {"edgecolor": theme.edge, "linewidth": 0.5} if theme.edge == "#000000" else {}
    for i, (row, bottom, colour) in enumerate(zip(values, bottoms, colours, strict=True)):
        along = np.arange(n_groups) - width / 2
        if not (stacked or deep):
            along = along + (i - (n_series - 1) / 2) * width
        behind = np.full(n_groups, float(i) if deep else 0.0)
        across, back = np.full(n_groups, width), np.full(n_groups, depth)
        if horizontal:
            ax.bar3d(bottom, behind, along, row, back, across, color=colour, **edge)
        else:
            ax.bar3d(along, behind, bottom, across, back, row, color=colour, **edge)
    category, value = ("z", "x") if horizontal else ("x", "z")
    getattr(ax, f"set_{category}lim")(-0.5, n_groups - 0.5)
    getattr(ax, f"set_{category}ticks")(np.arange(n_groups), groups)
    crowded = sum(len(name) + 2 for name in groups) * theme.size * 0.5 > fig.get_figwidth() * 50
    if crowded and not horizontal:
        ax.tick_params(axis="x", labelsize=theme.size * 0.7)
    if deep:
        ax.set_ylim(-0.2, n_series - 0.2)
        ax.set_yticks(np.arange(n_series) + depth / 2, names)
    else:
        ax.set_ylim(-0.2, 1.0)
        ax.set_yticks([])
    walls(ax, rng, theme, (bottoms + values).max(), number_format(rng, values), value)
    span = 0.35 * n_series if deep else 0.45
    ax.set_box_aspect((1.6, span, 1.8) if horizontal else (2.4, span, 1.3), zoom=1.15)
    handles = [Patch(facecolor=c, label=name) for c, name in zip(colours, names, strict=True)]
    return ax, [] if deep and rng.random() < 0.5 else handles


def walls(ax, rng, theme, top, fmt, value) -> None:
    """The 3-D view, walls and floor in the theme's plot colour, gridlines across the back wall
    and the side wall (or floor) at each value tick."""
    ax.view_init(elev=rng.uniform(10, 25), azim=rng.uniform(-75, -55))
    if rng.random() < 0.5:
        ax.set_proj_type("persp", focal_length=rng.uniform(1.5, 4))
    else:
        ax.set_proj_type("ortho")
    ax.grid(False)
    pane = (1, 1, 1, 0) if theme.plot == theme.background else mcolors.to_rgba(theme.plot)
    for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
        axis.set_pane_color(pane)
        axis.pane.set_edgecolor(theme.grid)
        axis.line.set_color(theme.axis)
    for axis in "xyz":
        ax.tick_params(axis=axis, labelsize=theme.size * 0.85, labelcolor=theme.text, pad=0)
    ticks = nice_ticks(0, top, int(rng.integers(4, 8)))
    getattr(ax, f"set_{value}lim")(0, ticks[-1])
    getattr(ax, f"set_{value}ticks")(ticks, [fmt(t) for t in ticks])
    (x0, x1), (y0, y1), (z0, z1) = ax.get_xlim(), ax.get_ylim(), ax.get_zlim()
    for tick in ticks:
        if value == "x":
            path = ([tick] * 3, [y0, y1, y1], [z0, z0, z1])
        else:
            path = ([x0, x0, x1], [y0, y1, y1], [tick] * 3)
        ax.plot(*path, color=theme.grid, linewidth=0.75)


def area(fig, rng, theme):
    """Overlapping or stacked areas over categories or dates; opaque as in Excel, or pale with
    a line on top as in Google Sheets."""
    n_series, n = pick(rng, [1, 1, 2, 2, 3, 4]), data.count(rng, 5, 40)
    ys = data.trends(rng, n_series, n)
    names, groups = series_names(rng, n_series), category_names(rng, n)
    stacked = n_series > 1 and rng.random() < 0.5
    pale = theme.palette in (SHEETS, SHEETS_NEW) or rng.random() < 0.2
    alpha = rng.uniform(0.25, 0.45) if pale else (1.0 if rng.random() < 0.75 else 0.7)
    ax = plot_axes(fig, theme)
    x = np.arange(n)
    colours = theme.colours(n_series)
    levels = np.cumsum(ys, axis=0) if stacked else ys
    floors = levels - ys if stacked else np.zeros_like(ys)
    for top, floor, colour in zip(levels, floors, colours, strict=True):
        ax.fill_between(x, floor, top, color=colour, alpha=alpha, linewidth=0)
        if pale:
            ax.plot(x, top, color=colour, linewidth=theme.line_width * 0.8)
    ax.set_xlim(0, n - 1)
    value_axis(ax, rng, theme, levels, number_format(rng, levels))
    category_axis(ax, rng, theme, groups, between=False)
    handles = [
        Patch(facecolor=colour, alpha=alpha, label=name)
        for colour, name in zip(colours, names, strict=True)
    ]
    return ax, handles


def smooth(y: np.ndarray, steps: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """x and y of a Catmull-Rom curve through the points, like Excel's smoothed line."""
    padded = np.concatenate([[2 * y[0] - y[1]], y, [2 * y[-1] - y[-2]]])
    p0, p1, p2, p3 = padded[:-3], padded[1:-2], padded[2:-1], padded[3:]
    t = np.linspace(0, 1, steps, endpoint=False)[:, None]
    curve = 0.5 * (
        2 * p1
        + (p2 - p0) * t
        + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t**2
        + (3 * p1 - p0 - 3 * p2 + p3) * t**3
    )
    x = np.arange(len(y) - 1)[None, :] + t
    return np.append(x.T.ravel(), len(y) - 1), np.append(curve.T.ravel(), y[-1])


def line(fig, rng, theme):
    """Lines over categories or dates, with markers as Excel likes them, sometimes smoothed."""
    n_series, n = pick(rng, [1, 1, 2, 2, 3, 4, 5]), data.count(rng, 4, 40)
    ys = data.trends(rng, n_series, n, positive=rng.random() < 0.85)
    names, groups = series_names(rng, n_series), category_names(rng, n)
    chance = 0.85 if theme.lines == EXCEL_2003_LINES else 0.55
    marked = n <= 30 and rng.random() < chance
    rounded = rng.random() < 0.12
    marker_size = rng.uniform(4, 7)
    ax = plot_axes(fig, theme)
    handles = []
    colours = theme.colours(n_series, lines=True)
    for i, (y, colour, name) in enumerate(zip(ys, colours, names, strict=True)):
        path = smooth(y) if rounded else (np.arange(n), y)
        ax.plot(*path, color=colour, linewidth=theme.line_width, solid_capstyle="round")
        marker = theme.markers[i % len(theme.markers)] if marked else None
        if marked:
            dots = {"marker": marker, "markersize": marker_size, "markeredgewidth": 1.2}
            ax.plot(np.arange(n), y, linestyle="none", color=colour, **dots)
        handles.append(
            Line2D([], [], color=colour, linewidth=theme.line_width, marker=marker, label=name)
        )
    fmt = number_format(rng, ys)
    value_axis(ax, rng, theme, ys, fmt, from_zero=rng.random() < 0.3)
    between = rng.random() < 0.6
    ax.set_xlim(-0.5 if between else 0, n - (0.5 if between else 1))
    if n_series == 1 and n <= 15 and rng.random() < 0.25:
        for i, value in enumerate(ys[0]):
            ax.annotate(
                fmt(value),
                (i, value),
                xytext=(0, 6),
                textcoords="offset points",
                ha="center",
                fontsize=theme.size * 0.9,
                color=theme.text,
            )
    category_axis(ax, rng, theme, groups, between=between)
    return ax, handles


def scatter_plot(fig, rng, theme):
    """Markers of one size, Excel's marker shapes, now and then a trendline with its equation."""
    n_series, n = pick(rng, [1, 1, 1, 2, 3]), data.count(rng, 10, 250)
    x, y, group = data.points(rng, n, n_series)
    names, colours = series_names(rng, n_series), theme.colours(n_series, lines=True)
    ax = plot_axes(fig, theme)
    size = rng.uniform(3.5, 7) * (0.7 if n > 120 else 1.0)
    hollow = rng.random() < 0.1
    handles = []
    for g, (colour, name) in enumerate(zip(colours, names, strict=True)):
        marker = theme.markers[g % len(theme.markers)]
        style = {"marker": marker, "markersize": size, "color": colour, "linestyle": "none"}
        if hollow:
            style["markerfacecolor"] = "none"
        ax.plot(x[group == g], y[group == g], **style)
        handles.append(Line2D([], [], label=name, **style))
    value_axis(ax, rng, theme, x, number_format(rng, x), "x", False, rng.random() < 0.4)
    value_axis(ax, rng, theme, y, number_format(rng, y), "y", False)
    if rng.random() < 0.25:
        trendline(ax, rng, theme, x, y, colours[0])
    return ax, handles


def trendline(ax, rng, theme, x, y, colour) -> None:
    """Excel's dotted linear trendline, with its equation and R² written by it."""
    slope, intercept = np.polyfit(x, y, 1)
    low, high = ax.get_xlim()
    ends = np.array([max(low, x.min()), min(high, x.max())])
    ax.plot(ends, slope * ends + intercept, linestyle=":", color=colour, linewidth=1.5)
    if rng.random() < 0.6:
        r2 = np.corrcoef(x, y)[0, 1] ** 2
        sign = "-" if intercept < 0 else "+"
        words = f"y = {slope:.4g}x {sign} {abs(intercept):.4g}\nR² = {r2:.4f}"
        corner = {"transform": ax.transAxes, "ha": "right", "va": "top"}
        ax.text(0.97, 0.95, words, fontsize=theme.size, color=theme.text, **corner)


def bubble(fig, rng, theme):
    """Bubbles whose area follows a third value, the largest a quarter of the plot's height."""
    n_series, n = pick(rng, [1, 1, 2, 3]), int(rng.integers(4, 25))
    x, y, group = data.points(rng, n, n_series)
    sizes = data.magnitude(rng) * rng.lognormal(0, rng.uniform(0.3, 0.8), n)
    names, colours = series_names(rng, n_series), theme.colours(n_series)
    ax = plot_axes(fig, theme)
    largest = 0.25 * 0.7 * min(fig.get_size_inches()) * 72 * rng.uniform(0.6, 1.2)
    areas = sizes / sizes.max() * largest**2
    alpha = pick(rng, [1.0, 1.0, 0.75, 0.6])
    edge = pick(rng, [theme.background, darker(colours[0], 0.3), "none"])
    handles = []
    for g, (colour, name) in enumerate(zip(colours, names, strict=True)):
        mine = group == g
        ax.scatter(x[mine], y[mine], s=areas[mine], color=colour, alpha=alpha, edgecolors=edge)
        handles.append(Patch(facecolor=colour, alpha=alpha, label=name))
    value_axis(ax, rng, theme, x, number_format(rng, x), "x", False, False, pad=0.12)
    value_axis(ax, rng, theme, y, number_format(rng, y), "y", False, pad=0.15)
    if rng.random() < 0.3:
        fmt = number_format(rng, sizes)
        for xi, yi, size, colour in zip(x, y, sizes, np.array(colours)[group], strict=True):
            ink = ink_on(colour) if alpha == 1.0 else theme.text
            ax.text(xi, yi, fmt(size), ha="center", va="center", fontsize=theme.size, color=ink)
    return ax, handles


def histogram(fig, rng, theme):
    """Excel's histogram chart: touching bins named by their ranges, "[10, 20]", "(20, 30]",
    stray values in overflow and underflow bins; or Google Sheets' with a numeric axis."""
    sample = data.samples(rng, 1, 40, 1500)[0]
    low, high = np.percentile(sample, [0.5, 99.5])
    edges = bin_edges(rng, sample[(sample >= low) & (sample <= high)])
    counts = np.histogram(np.clip(sample, edges[0], edges[-1]), edges)[0]
    write = edge_format(rng, edges)
    colour = theme.colours(1)[0]
    line = pick(rng, [theme.background, theme.background, darker(colour, 0.3), "none"])
    ax = plot_axes(fig, theme)
    if rng.random() < 0.25:
        widths = np.diff(edges)
        bars = ax.bar(edges[:-1], counts, widths, align="edge", color=colour, edgecolor=line)
        ax.set_xlim(edges[0], edges[-1])
        shown = edges[:: int(np.ceil(len(edges) / 9))]
        ax.set_xticks(shown, [write(edge) for edge in shown])
    else:
        bars = ax.bar(np.arange(len(counts)), counts, 1.0, color=colour, edgecolor=line)
        ax.set_xlim(-0.5, len(counts) - 0.5)
        stray = sample.min() < edges[0] or sample.max() > edges[-1] or rng.random() < 0.1
        category_axis(ax, rng, theme, range_names(edges, write, stray and len(counts) > 4))
    fmt = number_format(rng, counts)
    value_axis(ax, rng, theme, counts, fmt)
    if rng.random() < 0.25:
        bar_labels(ax, [bars], [counts], fmt, theme)
    return ax, [Patch(facecolor=colour, label=text.y_label(rng))]


def bin_edges(rng, sample) -> np.ndarray:
    """Round bins a user chose, or Excel's automatic ones (Scott's rule), 4 to 30 of them."""
    low, high = sample.min(), sample.max()
    if rng.random() < 0.6:
        edges = MaxNLocator(nbins=data.count(rng, 5, 25)).tick_values(low, high)
        return edges if len(edges) > 2 else np.linspace(low, high, 6)
    edges = np.histogram_bin_edges(sample, "scott")
    return edges if 5 <= len(edges) <= 31 else np.linspace(low, high, data.count(rng, 5, 30))


def edge_format(rng, edges):
    """Bin edges written plainly, with decimals only where the edges have them."""
    decimals = 0 if np.allclose(edges, edges.round()) else pick(rng, [1, 2])
    return lambda v: f"{v:,.{decimals}f}" if abs(v) >= 1000 else f"{v:.{decimals}f}"


def range_names(edges, write, stray: bool) -> list[str]:
    """Excel's bin names: the first closed, the others open on the left; with overflow and
    underflow bins the ends say "≤" and ">"."""
    names = [f"({write(a)}, {write(b)}]" for a, b in pairwise(edges)]
    names[0] = "[" + names[0][1:]
    if stray:
        names[0], names[-1] = f"≤{write(edges[1])}", f">{write(edges[-2])}"
    return names


def box_stats(sample: np.ndarray) -> dict:
    """Excel's box and whisker figures: exclusive quartiles, whiskers to 1.5 IQR."""
    q1, median, q3 = np.percentile(sample, [25, 50, 75], method="weibull")
    reach = 1.5 * (q3 - q1)
    inside = sample[(sample >= q1 - reach) & (sample <= q3 + reach)]
    return {
        "med": median,
        "q1": q1,
        "q3": q3,
        "whislo": inside.min(),
        "whishi": inside.max(),
        "mean": sample.mean(),
        "fliers": sample[(sample < q1 - reach) | (sample > q3 + reach)],
    }


def boxplot(fig, rng, theme):
    """Excel 2016's box and whisker: filled boxes per series and category, mean marked 'x',
    outliers as rings."""
    n_series = pick(rng, [1, 1, 2, 3])
    n_groups = int(rng.integers(1, 5 if n_series > 1 else 7))
    samples = data.samples(rng, n_series * n_groups, 8, 80)
    groups, names = text.categories(rng, n_groups), series_names(rng, n_series)
    colours = theme.colours(n_series)
    width = 1 / (n_series + 1.0)  # Excel's gap width of 100%
    median_colour = pick(rng, [theme.background, theme.text, "#404040"])
    whisker_colour = pick(rng, ["#7F7F7F", theme.text, None])
    ax = plot_axes(fig, theme)
    handles = []
    for s, (colour, name) in enumerate(zip(colours, names, strict=True)):
        mine = samples[s * n_groups : (s + 1) * n_groups]
        positions = np.arange(n_groups) + (s - (n_series - 1) / 2) * width
        lines = {"color": whisker_colour or colour, "linewidth": 1}
        ax.bxp(
            [box_stats(sample) for sample in mine],
            positions=positions,
            widths=width * 0.9,
            patch_artist=True,
            showmeans=rng.random() < 0.9,
            boxprops={"facecolor": colour, "edgecolor": darker(colour, 0.25)},
            medianprops={"color": median_colour, "linewidth": 1.2},
            meanprops={"marker": "x", "markeredgecolor": median_colour, "markersize": 6},
            whiskerprops=lines,
            capprops=lines,
            flierprops={"marker": "o", "markerfacecolor": "none", "markeredgecolor": colour},
            manage_ticks=False,
        )
        handles.append(Patch(facecolor=colour, label=name))
    values = np.concatenate(samples)
    value_axis(ax, rng, theme, values, number_format(rng, values), from_zero=False)
    ax.set_xlim(-0.5, n_groups - 0.5)
    category_axis(ax, rng, theme, groups if n_groups > 1 or rng.random() < 0.5 else [""])
    return ax, handles


def slice_angles(shares, clockwise: bool) -> np.ndarray:
    """(n, 2) start and end angles in degrees, counter-clockwise, from twelve o'clock."""
    bounds = 360 * np.concatenate([[0], np.cumsum(shares)])
    bounds = 90 - bounds if clockwise else 90 + bounds
    pairs = np.column_stack([bounds[:-1], bounds[1:]])
    return np.sort(pairs, axis=1)


def pie(fig, rng, theme):
    """A pie in 2-D or tilted 3-D, labelled by a legend or by data labels."""
    n = int(rng.integers(2, 9))
    shares, names = data.shares(rng, n), text.categories(rng, n)
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.set_aspect("equal")
    colours = theme.colours(n)
    angles = slice_angles(shares, theme.clockwise)
    explode = np.zeros(n)
    if rng.random() < 0.15:
        explode[int(rng.integers(n))] = rng.uniform(0.08, 0.2)
    elif rng.random() < 0.08:
        explode[:] = rng.uniform(0.04, 0.1)
    if rng.random() < 0.35:
        tilt = rng.uniform(0.35, 0.65)
        tops = pie_3d(ax, rng, theme, angles, colours, explode, tilt)
    else:
        tilt = 1.0
        tops = flat_pie(ax, rng, theme, angles, colours, explode)
    labels = slice_labels(ax, rng, theme, shares, names, angles, explode, tilt, colours, 0.0)
    for top, name in zip(tops, names, strict=True):
        top.set_label(name)
    return ax, [] if "name" in labels else tops


def flat_pie(ax, rng, theme, angles, colours, explode, hole=0.0, radius=1.0):
    """Slices of a flat pie, or of a ring from hole to radius."""
    edge = edge_style(rng, theme)
    wedges = []
    for (a, b), colour, out in zip(angles, colours, explode, strict=True):
        middle = np.radians((a + b) / 2)
        centre = (out * np.cos(middle), out * np.sin(middle))
        width = radius - hole if hole else None
        wedges.append(
            ax.add_patch(Wedge(centre, radius, a, b, width=width, facecolor=colour, **edge))
        )
    ax.set_xlim(-1.3, 1.3)
    ax.set_ylim(-1.3, 1.3)
    return wedges


def pie_3d(ax, rng, theme, angles, colours, explode, tilt):
    """A pie seen from above at a slant: a squashed disc with a darker side wall at the front."""
    thickness = rng.uniform(0.1, 0.25)
    edge = theme.edge if theme.edge and rng.random() < 0.5 else "none"
    sides, tops = [], []
    for (a, b), colour, out in zip(angles, colours, explode, strict=True):
        middle = np.radians((a + b) / 2)
        shift = np.array([out * np.cos(middle), out * tilt * np.sin(middle)])
        turns = np.radians(np.linspace(a, b, max(3, int(b - a))))
        rim = np.column_stack([np.cos(turns), tilt * np.sin(turns)]) + shift
        down = np.array([0, thickness])
        side = darker(colour, 0.3)
        for cut in (rim[0], rim[-1]):
            face = np.array([shift, cut, cut - down, shift - down])
            sides.append((face[:, 1].mean(), Polygon(face, color=darker(colour, 0.4))))
        front = np.sin(turns) < 0
        for run in np.split(np.arange(len(turns)), np.flatnonzero(np.diff(front)) + 1):
            if front[run[0]] and len(run) > 1:
                wall = np.vstack([rim[run], rim[run][::-1] - down])
                sides.append((wall[:, 1].mean(), Polygon(wall, color=side)))
        top = Polygon(np.vstack([shift, rim]), facecolor=colour, edgecolor=edge, linewidth=0.75)
        tops.append(top)
    for _, patch in sorted(sides, key=lambda item: -item[0]):
        ax.add_patch(patch)
    for top in tops:
        ax.add_patch(top)
    ax.set_xlim(-1.3, 1.3)
    ax.set_ylim(-tilt - thickness - 0.3, tilt + 0.3)
    return tops


def slice_labels(ax, rng, theme, shares, names, angles, explode, tilt, colours, hole) -> str:
    """Data labels on the slices or just outside them: percentages, values or names."""
    kinds = ["none", "none", "percent", "percent", "value", "name percent", "name"]
    kind = pick(rng, kinds[:5] if hole else kinds)
    if kind == "none":
        return kind
    values = shares * data.magnitude(rng)
    fmt = number_format(rng, values)
    outside = "name" in kind or rng.random() < 0.3
    size = theme.size * rng.uniform(0.9, 1.2)
    digits = pick(rng, [0, 0, 1])
    for i, ((a, b), share) in enumerate(zip(angles, shares, strict=True)):
        middle = np.radians((a + b) / 2)
        percent = f"{100 * share:.{digits}f}%"
        words = {
            "percent": percent,
            "value": fmt(values[i]),
            "name percent": f"{names[i]}\n{percent}"
            if rng.random() < 0.7
            else f"{names[i]}; {percent}",
            "name": names[i],
        }[kind]
        away = (outside or share < 0.04) and not hole
        reach = (1.18 if away else (0.62 if not hole else (1 + hole) / 2)) + explode[i]
        x, y = reach * np.cos(middle), reach * tilt * np.sin(middle)
        if away and tilt < 1 and np.sin(middle) < 0:
            y -= 0.15  # below the side wall
        ink = theme.text if away else ink_on(colours[i])
        align = ("left" if x > 0.05 else "right" if x < -0.05 else "center") if away else "center"
        ax.text(x, y, words, ha=align, va="center", fontsize=size, color=ink, clip_on=False)
    return kind


def donut(fig, rng, theme):
    """A doughnut, one ring or two (Excel draws a ring per series), with its hole size."""
    n = int(rng.integers(2, 9))
    rings = 2 if rng.random() < 0.2 else 1
    names, colours = text.categories(rng, n), theme.colours(n)
    hole = float(np.clip(theme.hole + rng.normal(0, 0.08), 0.3, 0.8))
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.set_aspect("equal")
    step = (1 - hole) / rings
    for ring in range(rings):
        shares = data.shares(rng, n)
        angles = slice_angles(shares, theme.clockwise)
        inner, outer = hole + ring * step, hole + (ring + 1) * step
        wedges = flat_pie(ax, rng, theme, angles, colours, np.zeros(n), inner, outer)
        slice_labels(ax, rng, theme, shares, names, angles, np.zeros(n), 1.0, colours, inner)
    if rng.random() < 0.2:
        total = f"{int(rng.integers(10, 100000)):,}"
        ax.text(0, 0, total, ha="center", va="center", fontsize=theme.title_size, color=theme.text)
    for wedge, name in zip(wedges, names, strict=True):
        wedge.set_label(name)
    return ax, wedges


def heatmap(fig, rng, theme):
    """A block of spreadsheet cells coloured by a conditional-formatting colour scale, with the
    numbers in them, row and column names, and sometimes the sheet's own headers and a title."""
    rows, cols = data.count(rng, 3, 14), data.count(rng, 3, 11)
    values = data.grid(rng, rows, cols)
    fmt = number_format(rng, values)
    numbers = [fmt(value) for value in values.ravel()]
    row_names, col_names = text.categories(rng, rows), category_names(rng, cols)
    height = pick(rng, [20, 20, 21, 17])  # of a row, in pixels at 96 to the inch
    size = height * 0.75 * rng.uniform(0.5, 0.62)  # points
    char = size / 0.75 * 0.6  # pixels a character takes
    first = max(64, char * max(map(len, row_names)) + 12)
    other = max(pick(rng, [64, 64, 48]), char * max(map(len, numbers + col_names)) + 10)
    chrome = rng.random() < 0.4  # the sheet's column letters and row numbers
    titled = rng.random() < 0.35
    left, top = (32, height) if chrome else (4, 4)
    xs = left + np.concatenate([[0], np.cumsum([first] + [other] * cols)])
    ys = top + height * (np.arange(rows + 2) + (pick(rng, [1, 2]) if titled else 0))
    width, depth = xs[-1] + (other if chrome else 4), ys[-1] + (height if chrome else 4)
    fig.set_layout_engine("none")
    fig.set_size_inches(width / 96, depth / 96)
    fig.set_facecolor("#FFFFFF")  # a sheet is white whatever the charts' style
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set_xlim(0, width)
    ax.set_ylim(depth, 0)
    header = header_style(rng, theme)
    fills = colour_scale(values, pick(rng, COLOUR_SCALES))
    cells(ax, rng, xs, ys, np.pad(fills, ((1, 0), (1, 0), (0, 0)), constant_values=0), header[0])
    write = partial(ax.text, va="center", fontsize=size, color="#000000", clip_on=True)
    middles = (xs[1:] + xs[:-1]) / 2
    for x, name in zip(middles[1:], col_names, strict=True):
        write(x, ys[0] + height / 2, name, ha="center", color=header[1], fontweight="bold")
    for y, name in zip(ys[1:-1], row_names, strict=True):
        write(xs[0] + 4, y + height / 2, name, ha="left", fontweight=header[2])
    if rng.random() < 0.92:
        for (r, c), number in zip(np.ndindex(rows, cols), numbers, strict=True):
            write(xs[c + 2] - 4, ys[r + 1] + height / 2, number, ha="right")
    if titled:
        write(xs[0] + 4, top + height / 2, text.title(rng), fontsize=size * 1.3, fontweight="bold")
    if chrome:
        sheet_headers(ax, theme, xs, int(rng.integers(0, 4)), top, height, size)
    return ax, []


def cells(ax, rng, xs, ys, fills, header) -> None:
    """The table's cells with gridlines or borders; the first row and column are headers."""
    boxes, colours = [], []
    for (r, c), fill in zip(np.ndindex(fills.shape[:2]), fills.reshape(-1, 4), strict=True):
        boxes.append(
            [(xs[c], ys[r]), (xs[c + 1], ys[r]), (xs[c + 1], ys[r + 1]), (xs[c], ys[r + 1])]
        )
        colours.append(header if r == 0 or c == 0 else fill)
    grid = pick(rng, ["#D4D4D4", "#E1E1E1", "#000000", "#FFFFFF"])
    ax.add_collection(PolyCollection(boxes, facecolors=colours, edgecolors=grid, linewidths=0.6))


def header_style(rng, theme) -> tuple[str, str, str]:
    """The fill and text colour of the header row, and the weight of the row names."""
    if rng.random() < 0.35:
        fill = pick(rng, theme.palette[:2])
        return fill, ink_on(fill), "normal"
    return "#FFFFFF", "#000000", pick(rng, ["normal", "bold"])


def colour_scale(values: np.ndarray, stops) -> np.ndarray:
    """Colours of cells by Excel's rule: lowest, 50th percentile (three colours), highest."""
    low, middle, high = values.min(), np.percentile(values, 50), values.max()
    if len(stops) == 2:
        share = (values - low) / max(high - low, 1e-12)
    else:
        below = 0.5 * (values - low) / max(middle - low, 1e-12)
        above = 0.5 + 0.5 * (values - middle) / max(high - middle, 1e-12)
        share = np.where(values < middle, below, above)
    ramp = mcolors.LinearSegmentedColormap.from_list("scale", stops)
    return ramp(np.clip(share, 0, 1))


def sheet_headers(ax, theme, xs, first, top, height, size) -> None:
    """The spreadsheet's own column letters and row numbers, as in a screenshot."""
    width, depth = ax.get_xlim()[1], ax.get_ylim()[0]
    left = xs[0]
    columns = list(zip(xs, [*xs[1:], width], strict=True))
    rows = [(y, y + height) for y in np.arange(top, depth, height)]
    boxes = [[(x0, 0), (x1, 0), (x1, top), (x0, top)] for x0, x1 in columns]
    boxes += [[(0, y0), (left, y0), (left, y1), (0, y1)] for y0, y1 in rows]
    boxes.append([(0, 0), (left, 0), (left, top), (0, top)])
    ax.add_collection(
        PolyCollection(boxes, facecolors=theme.sheet, edgecolors="#B7B7B7", linewidths=0.6)
    )
    label = {"ha": "center", "va": "center", "fontsize": size * 0.9, "color": "#444444"}
    for i, (x0, x1) in enumerate(columns):
        ax.text((x0 + x1) / 2, top / 2, chr(65 + first + i), **label)
    for i, (y0, y1) in enumerate(rows):
        ax.text(left / 2, (y0 + y1) / 2, str(first + i + 1), **label)


def chart_title(fig, rng, theme) -> None:
    if rng.random() < 0.25:
        return
    words = "Chart Title" if rng.random() < 0.08 else text.title(rng)
    fig.suptitle(
        words,
        x=0.03 if theme.title_left else 0.5,
        ha="left" if theme.title_left else "center",
        fontsize=theme.title_size,
        fontweight="bold" if theme.title_bold else "normal",
        color=theme.title_colour,
    )


def axis_titles(ax, rng, theme, horizontal) -> None:
    placeholder = rng.random() < 0.1
    across = "Axis Title" if placeholder else text.x_label(rng)
    up = "Axis Title" if placeholder else text.y_label(rng)
    if horizontal:
        across, up = up, across
    style = {"fontsize": theme.size * 1.1, "color": theme.text}
    style["fontweight"] = "bold" if theme.title_bold else "normal"
    ax.set_xlabel(across, **style)
    ax.set_ylabel(up, **style)


def legend(fig, ax, theme, handles) -> None:
    across = theme.legend in ("top", "bottom")
    squares = all(isinstance(handle, Patch) for handle in handles)
    entry = (max(len(handle.get_label()) for handle in handles) * 0.6 + 3) * theme.size
    fits = int(fig.get_figwidth() * 72 * 0.9 // entry)
    style = {
        "handles": handles,
        "ncols": max(1, min(len(handles), 5, fits)) if across else 1,
        "frameon": theme.legend_edge is not None,
        "edgecolor": theme.legend_edge,
        "facecolor": theme.background,
        "fancybox": False,
        "handlelength": 0.8 if squares else 2.2,
        "handleheight": 0.8 if squares else 0.7,
        "fontsize": theme.size,
        "labelcolor": theme.text,
        "columnspacing": 1.2,
    }
    if theme.legend == "top":  # between the title and the plot
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.02), **style)
    else:
        fig.legend(loc=LEGEND_PLACES[theme.legend], **style)


def frame(fig, rng, theme) -> None:
    """The chart area's border, square or with rounded corners."""
    w, h = fig.get_size_inches()
    inset = 0.02
    rounded = rng.random() < 0.15
    style = f"round,pad=0,rounding_size={rng.uniform(0.08, 0.2):.2f}" if rounded else "square,pad=0"
    fig.patches.append(
        FancyBboxPatch(
            (inset, inset),
            w - 2 * inset,
            h - 2 * inset,
            boxstyle=style,
            transform=fig.dpi_scale_trans,
            facecolor="none",
            edgecolor=theme.border,
            linewidth=rng.uniform(0.75, 1.5),
        )
    )


def finish(fig, ax, rng, theme, handles, chart) -> None:
    """Title, axis titles, legend and border: what every office chart has or may have."""
    if chart == "heatmap":
        return
    chart_title(fig, rng, theme)
    if ax.name == "rectilinear" and chart not in ROUND and rng.random() < 0.35:
        axis_titles(ax, rng, theme, chart == "bar")
    if handles and rng.random() < (0.9 if len(handles) > 1 else 0.2):
        legend(fig, ax, theme, handles)
    if theme.border:
        frame(fig, rng, theme)


def figure_size(rng, chart) -> tuple[float, float]:
    """Excel's 5 x 3 inches, resized by users: wide mostly, squarer for pies, tall now and then."""
    width = rng.uniform(3.5, 7.5)
    if chart in ROUND:
        aspect = rng.uniform(0.9, 1.7)
    else:
        aspect = rng.uniform(0.75, 1.0) if rng.random() < 0.12 else rng.uniform(1.2, 2.2)
    return width, max(width / aspect, 2.8)


DRAWERS = drawers(globals())

CHARTS = tuple(DRAWERS)


def draw(chart: str, rng: np.random.Generator, size: int) -> Image.Image:
    theme = random_theme(rng)
    rc = {
        "font.family": theme.font,
        "font.size": theme.size,
        "text.color": theme.text,
        "axes.unicode_minus": False,
        "figure.facecolor": theme.background,
    }
    with matplotlib.style.context([rc], after_reset=True), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # layout notices
        fig = Figure(figsize=figure_size(rng, chart), layout="constrained")
        fig.get_layout_engine().set(w_pad=0.08, h_pad=0.08)
        ax, handles = DRAWERS[chart](fig, rng, theme)
        finish(fig, ax, rng, theme, handles, chart)
        fig.set_dpi(size * rng.uniform(1.0, 1.5) / max(fig.get_size_inches()))
        return image(fig).convert("RGB")
