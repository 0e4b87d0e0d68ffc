"""The bokeh engine: figures built with bokeh.plotting, drawn by BokehJS in Chromium."""

import json
from dataclasses import dataclass
from pathlib import Path

import bokeh
import bokeh.palettes as palettes
import numpy as np
from bokeh.embed import json_item
from bokeh.models import ColumnDataSource, FactorRange, Whisker
from bokeh.plotting import figure
from bokeh.themes import built_in_themes
from bokeh.transform import dodge, linear_cmap
from PIL import Image

from mlcore.charts import browser, data, text
from mlcore.charts.base import ROUND, drawers, smooth_density
from mlcore.charts.text import pick

SCRIPTS = [Path(bokeh.__file__).parent / "server" / "static" / "js" / "bokeh.min.js"]
# json_item's references must come after their definitions: the spec goes as a string, since
# chromedriver reorders the keys of an object argument. A frame more lets the canvas paint.
CODE = """
Bokeh.embed.embed_item(JSON.parse(spec), element).then(() => requestAnimationFrame(() => done()));
"""

LIGHT = [None, None, None, "caliber", "light_minimal"]
DARK = ["dark_minimal", "night_sky", "carbon", "contrast"]
PALETTES = [
    "Category10_10", "Category10_10", "Category10_10", "Bokeh8", "Colorblind8", "Dark2_8",
    "Set1_9", "Set2_8", "Set3_12", "Pastel1_9", "Accent8", "Paired12", "Category20_20",
    "Category20b_20", "Bright7", "Vibrant7", "Muted9", "MediumContrast6", "TolRainbow12",
]  # fmt: skip
RAMPS = [
    "Viridis256", "Viridis256", "Magma256", "Inferno256", "Plasma256", "Cividis256", "Turbo256",
    "RdBu11", "Spectral11", "YlOrRd9", "Blues9", "Greys256", "Iridescent23", "BuRd9", "Sunset10",
]  # fmt: skip
FONTS = ["helvetica", "helvetica", "times", "courier", "Arial", "Georgia", "Verdana"]
MARKERS = ["circle", "circle", "square", "triangle", "diamond", "inverted_triangle", "hex", "star"]
LEGEND_INSIDE = ["top_left", "top_right", "bottom_left", "bottom_right", "top_center"]


@dataclass
class Look:
    theme: str | None
    palette: list
    ramp: list  # a continuous colour map, low to high
    values: bool  # numbers written on the marks
    width: int
    height: int

    @property
    def dark(self) -> bool:
        return self.theme in DARK

    @property
    def ink(self) -> str:
        return "#E0E0E0" if self.dark else "#333333"

    @property
    def edge(self) -> str:
        return "#15191C" if self.dark else "white"

    def colours(self, n: int) -> list:
        return [self.palette[i % len(self.palette)] for i in range(n)]


def random_look(rng: np.random.Generator, width: int, height: int) -> Look:
    ramp = list(getattr(palettes, pick(rng, RAMPS)))
    return Look(
        theme=pick(rng, DARK) if rng.random() < 0.15 else pick(rng, LIGHT),
        palette=list(getattr(palettes, pick(rng, PALETTES))),
        ramp=ramp[::-1] if rng.random() < 0.5 else ramp,
        values=rng.random() < 0.3,
        width=width,
        height=height,
    )


def new_figure(rng, look, **options):
    return figure(
        width=look.width,
        height=look.height,
        toolbar_location=pick(rng, [None, None, "above", "right", "right", "below", "left"]),
        **options,
    )


def time_figure(rng, look, n: int):
    """A figure and x positions for a series over time: numbers, years or datetimes."""
    x = data.time_axis(rng, n)
    if np.issubdtype(x.dtype, np.datetime64):
        return new_figure(rng, look, x_axis_type="datetime"), x.astype("datetime64[ms]")
    return new_figure(rng, look), x


def area(rng, look):
    n_series = pick(rng, [1, 1, 2, 3, 4, 5])
    p, x = time_figure(rng, look, data.count(rng, 8, 150))
    ys = data.trends(rng, n_series, len(x))
    names, colours = text.series_names(rng, n_series), look.colours(n_series)
    if n_series > 1 and rng.random() < 0.5:
        source = ColumnDataSource({"x": x, **dict(zip(names, ys, strict=True))})
        p.varea_stack(
            stackers=names, x="x", color=colours, legend_label=names, source=source, alpha=0.9
        )
    else:
        alpha = rng.uniform(0.25, 0.6) if n_series > 1 else rng.uniform(0.3, 1.0)
        outline = rng.random() < 0.6
        for y, name, colour in zip(ys, names, colours, strict=True):
            p.varea(x=x, y1=0, y2=y, color=colour, alpha=alpha, legend_label=name)
            if outline:
                p.line(x, y, color=colour, line_width=2, legend_label=name)
    p.y_range.start = 0
    return p


def bars(rng, look, horizontal):
    n_series = pick(rng, [1, 1, 1, 1, 2, 2, 3, 4])
    n_groups = int(rng.integers(2, 13 if n_series == 1 else 8))
    values = data.amounts(rng, n_series, n_groups)
    if n_series == 1 and rng.random() < 0.4:
        values = np.sort(values)[:, :: pick(rng, [1, -1])]
    groups, names = text.categories(rng, n_groups), text.series_names(rng, n_series)
    if horizontal and rng.random() < 0.6:
        groups, values = groups[::-1], values[:, ::-1]  # the first category on top
    if n_series > 1 and rng.random() < 0.5:
        return nested_bars(rng, look, horizontal, values, groups, names)
    factors = {"y_range" if horizontal else "x_range": groups}
    p = new_figure(rng, look, **factors)
    per_bar = n_series == 1 and rng.random() < 0.3
    slot = rng.uniform(0.6, 0.9) / n_series
    source = ColumnDataSource({"group": groups, **dict(zip(names, values, strict=True))})
    span = p.y_range if horizontal else p.x_range
    for i, (name, colour) in enumerate(zip(names, look.colours(n_series), strict=True)):
        place = dodge("group", (i - (n_series - 1) / 2) * slot, range=span)
        colour = look.colours(n_groups) if per_bar else colour
        source.data[f"colour{i}"] = colour if per_bar else [colour] * n_groups
        style = {"source": source, "fill_color": f"colour{i}", "line_color": look.edge}
        if n_series > 1:
            style["legend_label"] = name
        if horizontal:
            p.hbar(y=place, right=name, height=slot * 0.9, **style)
        else:
            p.vbar(x=place, top=name, width=slot * 0.9, **style)
    value_axis(p, horizontal)
    if not horizontal and n_groups > 6:
        p.xaxis.major_label_orientation = pick(rng, [0, 0.8, np.pi / 2])
    if look.values and values.size <= 24:
        for i, name in enumerate(names):
            place = dodge("group", (i - (n_series - 1) / 2) * slot, range=span)
            label_bars(p, look, source, place, name, horizontal)
    return p


def nested_bars(rng, look, horizontal, values, groups, names):
    """Grouped bars on two-level factors (category, series): bokeh's own way of grouping."""
    factors = [(group, name) for group in groups for name in names]
    heights = values.T.ravel()
    colours = look.colours(len(names)) * len(groups)
    source = ColumnDataSource({"factor": factors, "value": heights, "colour": colours})
    span = FactorRange(*factors, range_padding=0.1)
    p = new_figure(rng, look, **{"y_range" if horizontal else "x_range": span})
    style = {"source": source, "fill_color": "colour", "line_color": look.edge}
    if horizontal:
        p.hbar(y="factor", right="value", height=0.85, **style)
        p.yaxis.group_label_orientation = "horizontal"
    else:
        p.vbar(x="factor", top="value", width=0.85, **style)
        p.xaxis.major_label_orientation = pick(rng, [0, 1.0, np.pi / 2])
    value_axis(p, horizontal)
    if look.values and values.size <= 24:
        label_bars(p, look, source, "factor", "value", horizontal)
    return p


def value_axis(p, horizontal):
    """Bars start at zero and the category axis has no grid."""
    if horizontal:
        p.x_range.start = 0
        p.ygrid.grid_line_color = None
    else:
        p.y_range.start = 0
        p.xgrid.grid_line_color = None


def label_bars(p, look, source, place, column, horizontal):
    numbers = source.data[column]
    source.data["label"] = [
        f"{value:,.0f}" if value >= 10 or value % 1 == 0 else f"{value:.2f}" for value in numbers
    ]
    style = {"text": "label", "source": source, "text_font_size": "9pt", "text_color": look.ink}
    if horizontal:
        p.text(x=column, y=place, x_offset=4, text_baseline="middle", **style)
    else:
        p.text(x=place, y=column, y_offset=-3, text_align="center", **style)


def centred_text(p, x, y, labels, size: str, colour: str, **options) -> None:
    """Labels centred on the points x, y (columns of options["source"] where named)."""
    p.text(
        x,
        y,
        text=labels,
        text_align="center",
        text_baseline="middle",
        text_font_size=size,
        text_color=colour,
        **options,
    )


def stacked_column(rng, look):
    n_series, n_groups = pick(rng, [2, 2, 3, 3, 4, 5, 6]), int(rng.integers(2, 13))
    values = data.amounts(rng, n_series, n_groups)
    if rng.random() < 0.3:
        values = values / values.sum(axis=0) * 100
    groups, names = text.categories(rng, n_groups), text.series_names(rng, n_series)
    p = new_figure(rng, look, x_range=groups)
    source = ColumnDataSource({"group": groups, **dict(zip(names, values, strict=True))})
    p.vbar_stack(
        names,
        x="group",
        width=rng.uniform(0.4, 0.9),
        color=look.colours(n_series),
        line_color=pick(rng, [None, look.edge]),
        legend_label=names,
        source=source,
    )
    value_axis(p, horizontal=False)
    return p


def histogram(rng, look):
    n_series = pick(rng, [1, 1, 1, 2, 3])
    samples = data.samples(rng, n_series, 200, 3000)
    edges = np.histogram_bin_edges(np.concatenate(samples), data.count(rng, 8, 60))
    density = rng.random() < 0.3
    alpha = 1.0 if n_series == 1 else rng.uniform(0.4, 0.7)
    line = pick(rng, [look.edge, look.edge, None, look.ink])
    p = new_figure(rng, look)
    names = text.series_names(rng, n_series)
    for sample, name, colour in zip(samples, names, look.colours(n_series), strict=True):
        counts, _ = np.histogram(sample, edges, density=density)
        p.quad(
            top=counts,
            bottom=0,
            left=edges[:-1],
            right=edges[1:],
            fill_color=colour,
            fill_alpha=alpha,
            line_color=line,
            legend_label=name,
        )
    p.y_range.start = 0
    return p


def boxplot(rng, look):
    n_groups = int(rng.integers(1, 9))
    samples, names = data.samples(rng, n_groups), text.categories(rng, n_groups)
    horizontal = rng.random() < 0.3
    q1, q2, q3 = np.array([np.percentile(sample, [25, 50, 75]) for sample in samples]).T
    reach = 1.5 * (q3 - q1)
    low = [s[s >= lo].min() for s, lo in zip(samples, q1 - reach, strict=True)]
    high = [s[s <= hi].max() for s, hi in zip(samples, q3 + reach, strict=True)]
    colours = look.colours(n_groups) if rng.random() < 0.6 else look.colours(1) * n_groups
    source = ColumnDataSource(
        {"group": names, "q1": q1, "q2": q2, "q3": q3, "low": low, "high": high, "c": colours}
    )
    p = new_figure(rng, look, **{"y_range" if horizontal else "x_range": names})
    width = rng.uniform(0.3, 0.8)
    style = {"source": source, "fill_color": "c", "line_color": look.ink}
    whisker = Whisker(base="group", upper="high", lower="low", source=source)
    whisker.line_color = whisker.upper_head.line_color = whisker.lower_head.line_color = look.ink
    if horizontal:
        p.hbar("group", height=width, left="q1", right="q2", **style)
        p.hbar("group", height=width, left="q2", right="q3", **style)
        whisker.dimension = "width"
        p.ygrid.grid_line_color = None
    else:
        p.vbar("group", width=width, bottom="q1", top="q2", **style)
        p.vbar("group", width=width, bottom="q2", top="q3", **style)
        p.xgrid.grid_line_color = None
    p.add_layout(whisker)
    if rng.random() < 0.8:
        outliers(p, rng, look, samples, names, low, high, horizontal)
    return p


def outliers(p, rng, look, samples, names, low, high, horizontal):
    group, value = [], []
    for sample, name, lo, hi in zip(samples, names, low, high, strict=True):
        out = sample[(sample < lo) | (sample > hi)]
        group += [name] * len(out)
        value += out.tolist()
    xy = (value, group) if horizontal else (group, value)
    colour = pick(rng, [look.ink, look.palette[0], "red"])
    p.scatter(*xy, size=rng.uniform(3, 7), color=colour, alpha=0.6)


def violin_plot(rng, look):
    n_groups = int(rng.integers(1, 9))
    samples, names = data.samples(rng, n_groups), text.categories(rng, n_groups)
    horizontal = rng.random() < 0.3
    colours = look.colours(n_groups) if rng.random() < 0.6 else look.colours(1) * n_groups
    alpha, line = rng.uniform(0.5, 1.0), pick(rng, [None, look.ink])
    half = rng.uniform(0.3, 0.48)
    inner = rng.random() < 0.6
    p = new_figure(rng, look)
    for i, (sample, colour) in enumerate(zip(samples, colours, strict=True)):
        grid = np.linspace(sample.min(), sample.max(), 120)
        width = smooth_density(sample, grid, peak=half)
        style = {"fill_color": colour, "fill_alpha": alpha}
        outline = np.concatenate([i - width, i + width[::-1]]), np.concatenate([grid, grid[::-1]])
        if horizontal:
            p.varea(x=grid, y1=i - width, y2=i + width, **style)
            if line:
                p.line(outline[1], outline[0], line_color=line)
        else:
            p.harea(y=grid, x1=i - width, x2=i + width, **style)
            if line:
                p.line(*outline, line_color=line)
        if inner:
            quartiles = np.percentile(sample, [25, 50, 75])
            box = ([i, i], quartiles[[0, 2]])
            p.line(*(box[::-1] if horizontal else box), line_width=5, color=look.ink)
            median = (quartiles[1], i) if horizontal else (i, quartiles[1])
            p.scatter(*median, size=6, color=look.edge)
    axis, grid = (p.yaxis, p.ygrid) if horizontal else (p.xaxis, p.xgrid)
    axis.ticker = list(range(n_groups))
    axis.major_label_overrides = dict(enumerate(names))
    grid.grid_line_color = None
    return p


def bubble(rng, look):
    n, n_groups = int(rng.integers(6, 45)), pick(rng, [1, 1, 2, 3, 4])
    x, y, group = data.points(rng, n, n_groups)
    relative = rng.lognormal(0, rng.uniform(0.7, 1.3), n)
    largest = rng.uniform(0.1, 0.22) * min(look.width, look.height)
    sizes = np.clip(np.sqrt(relative / relative.max()), 0.15, 1.0) * largest
    style = {
        "fill_alpha": rng.uniform(0.35, 0.85),
        "line_color": pick(rng, [None, look.edge, look.ink]),
    }
    p = new_figure(rng, look)
    if rng.random() < 0.3:
        source = ColumnDataSource({"x": x, "y": y, "size": sizes, "score": rng.random(n)})
        colour = linear_cmap("score", look.ramp, 0, 1)
        points = p.scatter("x", "y", size="size", fill_color=colour, source=source, **style)
        if rng.random() < 0.5:
            p.add_layout(points.construct_color_bar(width=10), "right")
    else:
        names = text.series_names(rng, n_groups)
        for g, (name, colour) in enumerate(zip(names, look.colours(n_groups), strict=True)):
            mine = group == g
            p.scatter(
                x[mine], y[mine], size=sizes[mine], fill_color=colour, legend_label=name, **style
            )
    if look.values and n <= 15:
        centred_text(p, x, y, text.categories(rng, n), "8pt", look.ink)
    return p


def scatter_plot(rng, look):
    n, n_groups = int(rng.integers(25, 700)), pick(rng, [1, 1, 1, 2, 3, 4, 5])
    x, y, group = data.points(rng, n, n_groups)
    size = rng.uniform(4, 11) * (0.6 if n > 300 else 1.0)
    markers = [pick(rng, MARKERS)] * n_groups if rng.random() < 0.7 else MARKERS[1 : n_groups + 1]
    alpha = rng.uniform(0.5, 1.0)
    names = text.series_names(rng, n_groups)
    p = new_figure(rng, look)
    for g, (name, colour) in enumerate(zip(names, look.colours(n_groups), strict=True)):
        mine = group == g
        p.scatter(
            x[mine],
            y[mine],
            size=size,
            marker=markers[g],
            color=colour,
            alpha=alpha,
            legend_label=name,
        )
    if rng.random() < 0.25:
        p.line(*data.fitted_line(x, y), line_dash="dashed", color=look.ink)
    return p


def line(rng, look):
    n_series = pick(rng, [1, 1, 1, 2, 2, 3, 4, 5, 6, 8])
    p, x = time_figure(rng, look, data.count(rng, 5, 200))
    ys = data.trends(rng, n_series, len(x), positive=rng.random() < 0.8)
    markers = len(x) <= 40 and rng.random() < 0.4
    dashed, stepped = rng.random() < 0.2, len(x) <= 60 and rng.random() < 0.1
    width = rng.uniform(1, 3.5)
    names = text.series_names(rng, n_series)
    for i, (y, name, colour) in enumerate(zip(ys, names, look.colours(n_series), strict=True)):
        style = {"color": colour, "line_width": width, "legend_label": name}
        dash = ["solid", "dashed", "dotted", "dashdot"][i % 4] if dashed else "solid"
        if stepped:
            p.step(x, y, mode="center", line_dash=dash, **style)
        else:
            p.line(x, y, line_dash=dash, **style)
        if markers:
            p.scatter(x, y, size=rng.uniform(5, 9), marker=pick(rng, MARKERS[:6]), **style)
    return p


def wedges(rng, look, donut):
    """A pie, or with a hole in the middle a donut, drawn on hidden axes."""
    n = int(rng.integers(2, 9))
    parts, names = data.shares(rng, n), text.categories(rng, n)
    turn = rng.uniform(0, 2 * np.pi) if rng.random() < 0.4 else np.pi / 2
    ends = turn + np.cumsum(parts) * 2 * np.pi * pick(rng, [1, -1])
    starts = np.concatenate([[turn], ends[:-1]])
    source = ColumnDataSource(
        {"start": starts, "end": ends, "name": names, "colour": look.colours(n), "share": parts}
    )
    p = new_figure(rng, look, match_aspect=True)
    p.rect(0, 0, 2.1, 2.1, fill_alpha=0, line_alpha=0)  # the auto ranges then hold the circle
    direction = "anticlock" if ends[-1] > starts[0] else "clock"
    style = {
        "start_angle": "start",
        "end_angle": "end",
        "fill_color": "colour",
        "line_color": pick(rng, [look.edge, look.edge, None]),
        "line_width": pick(rng, [1, 2, 3]),
        "legend_field": "name",
        "direction": direction,
        "source": source,
    }
    hole = rng.uniform(0.35, 0.7) if donut else 0.0
    if donut:
        p.annular_wedge(0, 0, inner_radius=hole * 0.9, outer_radius=0.9, **style)
    else:
        p.wedge(0, 0, radius=0.9, **style)
    if look.values:
        middle = (starts + ends) / 2
        spot = (0.9 + hole * 0.9) / 2 if donut else 0.6
        labels = [f"{share:.0%}" for share in parts]
        centred_text(p, spot * np.cos(middle), spot * np.sin(middle), labels, "9pt", "white")
    if donut and rng.random() < 0.4:
        centred_text(p, [0], [0], [f"{rng.integers(10, 10000):,}"], "16pt", look.ink)
    p.axis.visible = False
    p.grid.grid_line_color = None
    if rng.random() < 0.5:
        p.outline_line_color = None
    return p


def heatmap(rng, look):
    rows, cols = data.count(rng, 2, 16), data.count(rng, 3, 20)
    values = data.grid(rng, rows, cols)
    row_names, col_names = text.categories(rng, rows), text.categories(rng, cols)
    flat_rows, flat_cols = np.meshgrid(row_names, col_names, indexing="ij")
    source = ColumnDataSource(
        {"row": flat_rows.ravel(), "col": flat_cols.ravel(), "value": values.ravel()}
    )
    p = new_figure(
        rng,
        look,
        x_range=col_names,
        y_range=row_names[::-1],
        x_axis_location=pick(rng, ["below", "below", "above"]),
    )
    colour = linear_cmap("value", look.ramp, values.min(), values.max())
    gap = pick(rng, [0, 0, 0.05, 0.1])
    cells = p.rect(
        "col", "row", 1 - gap, 1 - gap, source=source, fill_color=colour, line_color=None
    )
    if rng.random() < 0.85:
        p.add_layout(cells.construct_color_bar(width=int(rng.integers(8, 20))), "right")
    if look.values and values.size <= 120:
        number = "{:.2f}" if np.abs(values).max() < 10 else "{:,.0f}"
        source.data["label"] = [number.format(value) for value in values.ravel()]
        centred_text(p, "col", "row", "label", "8pt", look.ink, source=source)
    p.grid.grid_line_color = None
    p.axis.axis_line_color = None
    p.axis.major_tick_line_color = None
    if cols > 6:
        p.xaxis.major_label_orientation = pick(rng, [np.pi / 4, np.pi / 2, 0])
    return p


DRAWERS = drawers(globals())
CHARTS = tuple(DRAWERS)


def place_legend(p, rng):
    """Inside in a corner, outside to one side, or hidden; across or down."""
    if not p.legend:
        return
    pie = not p.axis[0].visible
    where = pick(rng, [0, 1, 1, 2] if pie else [0, 1, 2, 2, 2])
    if where == 0:
        p.legend.visible = False
        return
    p.legend.orientation = "horizontal" if rng.random() < 0.3 else "vertical"
    p.legend.label_text_font_size = pick(rng, ["8pt", "9pt", "10pt", "11pt"])
    if where == 1:
        legend = p.legend[0]
        p.center = [item for item in p.center if item is not legend]
        side = "below" if legend.orientation == "horizontal" else pick(rng, ["right", "left"])
        p.add_layout(legend, side)
    else:
        p.legend.location = pick(rng, LEGEND_INSIDE)
        p.legend.background_fill_alpha = pick(rng, [0.0, 0.5, 0.8])


def style(p, rng, look):
    """Title, axis labels, fonts, grid and toolbar of a random look."""
    if rng.random() < 0.7:
        p.title.text = text.title(rng)
        p.title.text_font_size = pick(rng, ["10pt", "12pt", "13px", "14pt", "16pt"])
        p.title.align = pick(rng, ["left", "left", "center"])
    pie = not p.axis[0].visible
    if not pie and rng.random() < 0.5:
        p.xaxis.axis_label = text.x_label(rng)
        p.yaxis.axis_label = text.y_label(rng)
    if rng.random() < 0.3:
        font = pick(rng, FONTS)
        p.title.text_font = font
        p.axis.major_label_text_font = font
        p.axis.axis_label_text_font = font
    if rng.random() < 0.15:
        p.grid.grid_line_color = None
    if p.toolbar_location and rng.random() < 0.3:
        p.toolbar.logo = None
    place_legend(p, rng)


def missing() -> str | None:
    return browser.missing(SCRIPTS)


def draw(chart: str, rng: np.random.Generator, size: int) -> Image.Image:
    width, height, scale = browser.canvas_size(rng, size, chart in ROUND, 240)
    look = random_look(rng, width, height)
    p = DRAWERS[chart](rng, look)
    style(p, rng, look)
    theme = built_in_themes[look.theme] if look.theme else None
    spec = json.dumps(json_item(p, theme=theme))
    return browser.draw("bokeh", SCRIPTS, CODE, spec, width, height, scale)
