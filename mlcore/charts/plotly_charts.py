"""The plotly engine: figures built with plotly's Python API, drawn by plotly.js in Chromium."""

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import plotly
import plotly.express as px
import plotly.graph_objects as go
import plotly.io as pio
from PIL import Image

from mlcore.charts import browser, data, text
from mlcore.charts.base import ROUND, drawers
from mlcore.charts.text import pick

SCRIPTS = [Path(plotly.__file__).parent / "package_data" / "plotly.min.js"]
CODE = "Plotly.newPlot(element, spec.data, spec.layout, {staticPlot: true}).then(() => done())"

LIGHT = ["plotly", "plotly_white", "ggplot2", "seaborn", "simple_white", "none"]
OVERLAYS = ["presentation", "xgridoff", "ygridoff", "gridon"]
QUALITATIVE = [
    "Plotly", "D3", "G10", "T10", "Alphabet", "Dark24", "Light24", "Set1", "Set2", "Set3",
    "Pastel", "Pastel1", "Pastel2", "Dark2", "Antique", "Bold", "Prism", "Safe", "Vivid",
]  # fmt: skip
SCALES = [
    "Viridis", "Plasma", "Inferno", "Magma", "Cividis", "Blues", "Greens", "Reds", "YlOrRd",
    "YlGnBu", "RdBu", "RdBu_r", "Spectral", "Picnic", "Portland", "Jet", "Hot", "Electric",
    "Bluered", "Turbo", "Sunset", "Tealgrn", "Aggrnyl", "Purples", "Oranges", "thermal", "ice",
]  # fmt: skip
FONTS = [
    "Open Sans, verdana, arial, sans-serif", "Arial", "Courier New", "Times New Roman",
    "Verdana", "Helvetica", "Georgia", "Roboto, sans-serif",
]  # fmt: skip
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "cross", "x", "star", "circle-open"]
SHAPES = ["linear", "linear", "linear", "spline", "hv", "vh", "hvh"]


@dataclass
class Look:
    template: str
    dark: bool
    palette: list
    scale: str | None  # a continuous colour scale, or None for the template's
    values: bool  # numbers written on the marks

    def colours(self, n: int) -> list:
        return [self.palette[i % len(self.palette)] for i in range(n)]


def random_look(rng: np.random.Generator) -> Look:
    dark = rng.random() < 0.15
    base = "plotly_dark" if dark else pick(rng, LIGHT)
    template = f"{base}+{pick(rng, OVERLAYS)}" if rng.random() < 0.25 else base
    colorway = pio.templates[base].layout.colorway or px.colors.qualitative.Plotly
    if rng.random() < 0.45:
        colorway = getattr(px.colors.qualitative, pick(rng, QUALITATIVE))
    return Look(
        template=template,
        dark=dark,
        palette=list(colorway),
        scale=pick(rng, SCALES) if rng.random() < 0.7 else None,
        values=rng.random() < 0.3,
    )


def x_values(x: np.ndarray) -> list:
    """Positions on a time axis as plotly takes them: numbers or ISO dates."""
    if np.issubdtype(x.dtype, np.datetime64):
        return list(np.datetime_as_string(x.astype("datetime64[D]")))
    return x.tolist()


def area(rng, look):
    n_series = pick(rng, [1, 1, 2, 3, 4, 5])
    x = x_values(data.time_axis(rng, data.count(rng, 8, 150)))
    ys = data.trends(rng, n_series, len(x))
    names = text.series_names(rng, n_series)
    stacked = n_series > 1 and rng.random() < 0.5
    shape = pick(rng, ["linear", "linear", "spline"])  # steps would read as a histogram
    width = pick(rng, [0, 1, 2, 2, 3])
    figure = go.Figure()
    for y, name, colour in zip(ys, names, look.colours(n_series), strict=True):
        style = {"x": x, "y": y, "name": name, "mode": "lines", "line_color": colour}
        if stacked:
            figure.add_scatter(**style, stackgroup="one", line_shape=shape, line_width=width)
        else:
            figure.add_scatter(**style, fill="tozeroy", line_shape=shape, line_width=width or 1)
    if stacked and rng.random() < 0.2:
        figure.update_traces(groupnorm="percent", selector={"stackgroup": "one"})
    return figure


def filled_between(rng, look):
    """Bands built by hand, each filled down to the one before ('tonexty'), as users stack."""
    n_series = pick(rng, [2, 3, 4])
    x = x_values(data.time_axis(rng, data.count(rng, 8, 120)))
    tops = np.cumsum(data.trends(rng, n_series, len(x)), axis=0)
    names = text.series_names(rng, n_series)
    figure = go.Figure()
    for i, (y, name, colour) in enumerate(zip(tops, names, look.colours(n_series), strict=True)):
        fill = "tozeroy" if i == 0 else "tonexty"
        figure.add_scatter(x=x, y=y, name=name, mode="lines", fill=fill, line_color=colour)
    return figure


def bars(rng, look, horizontal):
    values = data.bar_amounts(rng)
    n_series, n_groups = values.shape
    groups, names = text.categories(rng, n_groups), text.series_names(rng, n_series)
    colours = look.colours(n_series)
    per_bar = n_series == 1 and rng.random() < 0.25
    figure = go.Figure()
    for row, name, colour in zip(values, names, colours, strict=True):
        place = {"y": groups, "x": row} if horizontal else {"x": groups, "y": row}
        figure.add_bar(
            **place,
            name=name,
            orientation="h" if horizontal else "v",
            marker_color=look.colours(n_groups) if per_bar else colour,
        )
    if look.values and values.size <= 24:
        label_bars(figure, rng, values, horizontal)
    figure.update_layout(
        barmode="group", bargap=rng.uniform(0.1, 0.4), bargroupgap=pick(rng, [0, 0, 0.05, 0.1])
    )
    if horizontal and rng.random() < 0.6:
        figure.update_yaxes(autorange="reversed")
    return figure


def label_bars(figure, rng, values, horizontal, inside=False):
    axis = "x" if horizontal else "y"
    number = pick(rng, [":.0f", ":.1f", ":.2s", ":,.0f"]) if np.abs(values).max() >= 10 else ":.2f"
    figure.update_traces(
        texttemplate=f"%{{{axis}{number}}}",
        textposition="inside" if inside else pick(rng, ["outside", "inside", "auto"]),
        textfont_size=int(rng.integers(9, 14)),
    )


def stacked_column(rng, look):
    n_series, n_groups = pick(rng, [2, 2, 3, 3, 4, 5, 6]), int(rng.integers(2, 13))
    values = data.amounts(rng, n_series, n_groups)
    groups, names = text.categories(rng, n_groups), text.series_names(rng, n_series)
    figure = go.Figure()
    for row, name, colour in zip(values, names, look.colours(n_series), strict=True):
        figure.add_bar(x=groups, y=row, name=name, marker_color=colour)
    figure.update_layout(
        barmode=pick(rng, ["stack", "stack", "relative"]),
        barnorm="percent" if rng.random() < 0.25 else None,
        bargap=rng.uniform(0.1, 0.5),
    )
    if rng.random() < 0.3:
        figure.update_traces(marker_line_width=1, marker_line_color=edge(look))
    if look.values and n_groups <= 8:
        label_bars(figure, rng, values, False, inside=True)
    return figure


def edge(look) -> str:
    return "rgb(17,17,17)" if look.dark else "white"


def histogram(rng, look):
    n_series = pick(rng, [1, 1, 1, 2, 3])
    samples = data.samples(rng, n_series, 200, 3000)
    names = text.series_names(rng, n_series)
    frame = {
        "value": np.concatenate(samples),
        "group": np.repeat(names, [len(sample) for sample in samples]),
    }
    figure = px.histogram(
        frame,
        x="value",
        color="group" if n_series > 1 else None,
        nbins=data.count(rng, 8, 60),
        histnorm=pick(rng, [None, None, None, "probability density", "percent"]),
        barmode=pick(rng, ["overlay", "overlay", "stack"]),
        opacity=rng.uniform(0.55, 0.8) if n_series > 1 else None,
        color_discrete_sequence=look.palette,
    )
    figure.update_layout(bargap=0)
    if rng.random() < 0.3:
        figure.update_traces(marker_line_width=1, marker_line_color=edge(look))
    return figure


def boxplot(rng, look):
    n_groups = int(rng.integers(1, 9))
    samples, names = data.samples(rng, n_groups), text.categories(rng, n_groups)
    horizontal = rng.random() < 0.3
    one_colour = rng.random() < 0.4
    colours = look.colours(1 if one_colour else n_groups) * (n_groups if one_colour else 1)
    points = pick(rng, ["outliers", "outliers", "suspectedoutliers", "all", False])
    figure = go.Figure()
    for sample, name, colour in zip(samples, names, colours, strict=True):
        place = {"x": sample} if horizontal else {"y": sample}
        figure.add_box(**place, name=name, marker_color=colour, boxpoints=points)
    figure.update_traces(
        notched=rng.random() < 0.15,
        boxmean=pick(rng, [False, False, False, True, "sd"]),
        jitter=0.4,
        marker_size=3 if points == "all" else 5,
    )
    figure.update_layout(showlegend=rng.random() < 0.3)
    return figure


def violin_plot(rng, look):
    n_groups = int(rng.integers(1, 9))
    samples, names = data.samples(rng, n_groups), text.categories(rng, n_groups)
    frame = {"value": np.concatenate(samples), "group": np.repeat(names, list(map(len, samples)))}
    horizontal = rng.random() < 0.3
    place = {"x": "value", "y": "group"} if horizontal else {"x": "group", "y": "value"}
    figure = px.violin(
        frame,
        **place,
        color="group" if rng.random() < 0.6 else None,
        box=rng.random() < 0.4,
        points=pick(rng, [False, False, "outliers", "all"]),
        color_discrete_sequence=look.palette,
    )
    figure.update_traces(meanline_visible=rng.random() < 0.3, width=rng.uniform(0.6, 1.0))
    if rng.random() < 0.5:
        figure.update_layout(showlegend=False)
    return figure


def bubble(rng, look):
    n, n_groups = int(rng.integers(6, 45)), pick(rng, [1, 1, 2, 3, 4])
    x, y, group = data.points(rng, n, n_groups)
    size = np.clip(rng.lognormal(0, rng.uniform(0.5, 1.0), n), 0.1, None)
    names = np.array(text.series_names(rng, n_groups))[group]
    coloured = rng.random() < 0.3
    frame = {"x": x, "y": y, "size": size, "group": names, "score": rng.random(n)}
    labelled = look.values and n <= 15
    if labelled:
        frame["label"] = text.categories(rng, n)
    figure = px.scatter(
        frame,
        x="x",
        y="y",
        size="size",
        size_max=int(rng.integers(35, 80)),
        color="score" if coloured else ("group" if n_groups > 1 else None),
        color_continuous_scale=look.scale,
        color_discrete_sequence=look.palette,
        opacity=rng.uniform(0.6, 0.95),
        text="label" if labelled else None,
    )
    if rng.random() < 0.5:
        figure.update_traces(marker_line_width=1, marker_line_color=edge(look))
    return figure


def scatter_plot(rng, look):
    n, n_groups = int(rng.integers(25, 700)), pick(rng, [1, 1, 1, 2, 3, 4, 5])
    x, y, group = data.points(rng, n, n_groups)
    size = rng.uniform(6, 13) * (0.7 if n > 300 else 1.0)
    symbols = [pick(rng, SYMBOLS)] * n_groups if rng.random() < 0.7 else SYMBOLS[:n_groups]
    opacity = rng.uniform(0.5, 1.0)
    names = text.series_names(rng, n_groups)
    figure = go.Figure()
    for g, (name, colour) in enumerate(zip(names, look.colours(n_groups), strict=True)):
        mine = group == g
        figure.add_scatter(
            x=x[mine],
            y=y[mine],
            name=name,
            mode="markers",
            marker={"color": colour, "size": size, "symbol": symbols[g], "opacity": opacity},
        )
    if rng.random() < 0.25:
        slope, intercept = np.polyfit(x, y, 1)
        ends = np.array([x.min(), x.max()])
        figure.add_scatter(
            x=ends, y=slope * ends + intercept, mode="lines", name="Fit", line_dash="dash"
        )
    return figure


def line(rng, look):
    n_series = pick(rng, [1, 1, 1, 2, 2, 3, 4, 5, 6, 8])
    x = x_values(data.time_axis(rng, data.count(rng, 5, 200)))
    ys = data.trends(rng, n_series, len(x), positive=rng.random() < 0.8)
    markers = len(x) <= 40 and rng.random() < 0.4
    dashed = rng.random() < 0.2
    shape, width = pick(rng, SHAPES), rng.uniform(1.5, 4)
    names = text.series_names(rng, n_series)
    figure = go.Figure()
    for i, (y, name, colour) in enumerate(zip(ys, names, look.colours(n_series), strict=True)):
        figure.add_scatter(
            x=x,
            y=y,
            name=name,
            mode="lines+markers" if markers else "lines",
            line={
                "color": colour,
                "width": width,
                "shape": shape,
                "dash": ["solid", "dash", "dot", "dashdot"][i % 4] if dashed else "solid",
            },
        )
    if look.values and n_series == 1 and len(x) <= 12:
        figure.update_traces(mode="lines+markers+text", texttemplate="%{y:.3s}")
        figure.update_traces(textposition="top center")
    return figure


def wedges(rng, look, donut):
    """A pie, or with a hole in the middle a donut."""
    n = int(rng.integers(2, 9))
    parts, names = data.shares(rng, n), text.categories(rng, n)
    pull = np.zeros(n)
    if rng.random() < 0.2:
        pull[rng.integers(n)] = rng.uniform(0.05, 0.2)
    figure = go.Figure(
        go.Pie(
            labels=names,
            values=(parts * pick(rng, [100, 1000, data.magnitude(rng)])).round(1),
            hole=rng.uniform(0.3, 0.7) if donut else 0,
            pull=pull,
            sort=rng.random() < 0.5,
            direction=pick(rng, ["clockwise", "counterclockwise"]),
            rotation=rng.uniform(0, 360) if rng.random() < 0.4 else 0,
            textinfo=pick(rng, ["percent", "percent", "label+percent", "value", "label", "none"]),
            textposition=pick(rng, ["auto", "auto", "inside", "outside"]),
            automargin=True,
            marker={
                "colors": look.colours(n),
                "line": {"color": edge(look), "width": pick(rng, [0, 0, 1, 2])},
            },
        )
    )
    if donut and rng.random() < 0.4:
        figure.add_annotation(
            text=f"{rng.integers(10, 10000):,}",
            showarrow=False,
            font_size=int(rng.integers(14, 28)),
        )
    return figure


def heatmap(rng, look):
    rows, cols = data.count(rng, 2, 16), data.count(rng, 3, 20)
    if rng.random() < 0.2:
        return density_heatmap(rng, look)
    values = data.grid(rng, rows, cols)
    row_names, col_names = text.categories(rng, rows), text.categories(rng, cols)
    labelled = look.values and values.size <= 120
    if rng.random() < 0.5:
        figure = px.imshow(
            values,
            x=col_names,
            y=row_names,
            color_continuous_scale=look.scale,
            text_auto=".2f" if labelled else False,
            aspect=pick(rng, ["auto", "equal"]),
        )
    else:
        gap = pick(rng, [0, 0, 1, 2, 3])
        figure = go.Figure(
            go.Heatmap(
                z=values,
                x=col_names,
                y=row_names,
                colorscale=look.scale,
                xgap=gap,
                ygap=gap,
                texttemplate="%{z:.2f}" if labelled else None,
                showscale=rng.random() < 0.85,
            )
        )
    figure.update_xaxes(showgrid=False, side=pick(rng, ["bottom", "bottom", "top"]))
    figure.update_yaxes(showgrid=False)
    return figure


def density_heatmap(rng, look):
    """Counts of points in a grid of bins, coloured by count."""
    x, y, _ = data.points(rng, int(rng.integers(300, 3000)), pick(rng, [1, 2, 3]))
    return px.density_heatmap(
        {"x": x, "y": y},
        x="x",
        y="y",
        nbinsx=data.count(rng, 8, 40),
        nbinsy=data.count(rng, 8, 40),
        color_continuous_scale=look.scale,
        text_auto=look.values,
    )


DRAWERS = drawers(globals())
CHARTS = tuple(DRAWERS)


def legend(rng: np.random.Generator, pie: bool) -> dict:
    where = pick(rng, [0, 1, 2, 4, 5] if pie else [0, 1, 2, 3, 4, 5])
    if where == 0:
        return {"showlegend": False}
    if where == 1:
        side = pick(rng, [0, 1])
        spot = {"orientation": "h", "x": side, "xanchor": ("left", "right")[side]}
        return {"legend": {**spot, "y": 1.02, "yanchor": "bottom"}}
    if where == 2:
        spot = {"x": 0.5, "xanchor": "center", "y": 0, "yanchor": "bottom", "yref": "container"}
        return {"legend": {"orientation": "h", **spot}}
    if where == 3:
        side = pick(rng, [0.01, 0.99])
        anchor = "left" if side < 0.5 else "right"
        spot = {"x": side, "xanchor": anchor, "y": 0.99, "yanchor": "top"}
        return {"legend": {**spot, "bgcolor": "rgba(128,128,128,0.12)"}}
    return {}  # plotly's own place: right of the plot


def style(figure: go.Figure, rng: np.random.Generator, look: Look, width: int, height: int):
    """The template, fonts, title, axis titles, legend, margins and grid of a random look."""
    figure.update_layout(
        template=look.template,
        colorway=look.palette,
        width=width,
        height=height,
        font={"family": pick(rng, FONTS), "size": int(rng.integers(10, 17))},
        **legend(rng, pie=figure.data[0].type == "pie"),
    )
    if rng.random() < 0.7:
        centred = rng.random() < 0.4
        figure.update_layout(
            title={"text": text.title(rng), "x": 0.5 if centred else 0.05},
            title_font_size=int(rng.integers(14, 26)),
        )
    else:
        figure.update_layout(title=None)
    if rng.random() < 0.5:
        figure.update_layout(xaxis_title=text.x_label(rng), yaxis_title=text.y_label(rng))
    elif rng.random() < 0.5:
        figure.update_layout(xaxis_title=None, yaxis_title=None)
    top_legend = figure.layout.legend.yanchor == "bottom"
    if figure.layout.title.text and top_legend:
        figure.update_layout(margin_t=110)  # the title above the legend, not behind it
    elif rng.random() < 0.35:
        top = 60 if figure.layout.title.text or top_legend else 20
        figure.update_layout(margin={"l": 40, "r": 20, "t": top, "b": 40})
        figure.update_xaxes(automargin=True)
        figure.update_yaxes(automargin=True)
    if rng.random() < 0.15:
        figure.update_xaxes(showgrid=False)
        figure.update_yaxes(showgrid=False)


def missing() -> str | None:
    return browser.missing(SCRIPTS)


def draw(chart: str, rng: np.random.Generator, size: int) -> Image.Image:
    look = random_look(rng)
    width, height, scale = browser.canvas_size(rng, size, chart in ROUND, 240)
    drawer = DRAWERS[chart]
    if chart == "area" and rng.random() < 0.25:
        drawer = filled_between
    figure = drawer(rng, look)
    style(figure, rng, look, width, height)
    spec = json.loads(pio.to_json(figure))
    return browser.draw("plotly", SCRIPTS, CODE, spec, width, height, scale)
