"""The Vega-Lite engine: altair specs rendered offline by vl-convert, in Vega's themes and schemes.

One drawing function per chart class, drawer(rng, look) -> altair chart; the size, title, theme
and configuration are added in draw.
"""

import io
from dataclasses import dataclass
from functools import cache, partial

import altair as alt
import numpy as np
import pandas as pd
import vl_convert
from PIL import Image

from mlcore.charts import data, text
from mlcore.charts.base import drawers, flatten, random_aspect, sides
from mlcore.charts.text import pick

THEMES = sorted(vl_convert.get_themes())
GENERIC_FONTS = ("sans-serif", "serif", "monospace")
DARK_THEMES = {"dark", "carbong90", "carbong100"}
SCHEMES = [
    "category10", "tableau10", "tableau20", "set1", "set2", "set3", "dark2", "accent", "paired",
    "pastel1", "observable10", "blues", "greens", "oranges", "purples", "teals", "goldred",
    "lightmulti", "darkmulti", "bluepurple", "redyellowblue", "turbo", "viridis", "plasma",
]  # fmt: skip
# Where each colour ramp is dark, for the colour of numbers written on its cells.
HEAT_SCHEMES = {
    "blues": "high", "greenblue": "high", "orangered": "high", "viridis": "low",
    "inferno": "low", "redblue": "ends", "yelloworangered": "high", "purplebluegreen": "high",
    "cividis": "low", "browns": "high", "warmgreys": "high", "spectral": "ends", "magma": "low",
    "greys": "high", "plasma": "low", "redyellowblue": "ends", "purplered": "high",
}  # fmt: skip
FLAT_COLOURS = [
    "#4c78a8", "#e45756", "#54a24b", "#f58518", "#3498db", "#e74c3c", "#2ecc71", "#9b59b6",
    "#264653", "#2a9d8f", "#5b8ff9", "#1f77b4", "#d45087", "#f4b400", "#34495e", "#ff7043",
]  # fmt: skip
FONTS = [
    "Liberation Sans", "DejaVu Sans", "Liberation Serif", "DejaVu Serif", "Liberation Sans Narrow",
    "DejaVu Sans Mono",
]  # fmt: skip
OUTER_PLACES = ["right", "right", "right", "top", "bottom", "left"]
LEGEND_PLACES = [*OUTER_PLACES, "top-right", "bottom-right"]  # the last two over the plot
LIGHT_PAGES = ["white", "white", "white", "#fafafa", "#f5f5f0", "#eef2f7"]


@dataclass(frozen=True)
class Look:
    scheme: str | None  # None: the theme's own colours
    legend: str | None  # where the legend goes, None for none
    legend_title: str | None
    x_title: str | None
    y_title: str | None
    values: bool  # numbers on bars, wedges and cells
    dark: bool

    def colour(self) -> alt.Scale:
        return alt.Scale(scheme=self.scheme) if self.scheme else alt.Scale()

    @property
    def ink(self):
        """The colour of numbers and names on the chart: the default one only suits light themes."""
        return "#dddddd" if self.dark else alt.Undefined

    def legend_for(self, n: int, outside: bool = False):
        if not self.legend or n < 2:
            return None
        orient = self.legend if self.legend in OUTER_PLACES or not outside else "right"
        return alt.Legend(orient=orient, title=self.legend_title)


def random_look(rng: np.random.Generator, theme: str | None) -> Look:
    return Look(
        scheme=pick(rng, SCHEMES) if rng.random() < 0.6 else None,
        legend=pick(rng, LEGEND_PLACES) if rng.random() < 0.85 else None,
        legend_title=pick(rng, text.DIMENSIONS).capitalize() if rng.random() < 0.4 else None,
        x_title=text.x_label(rng) if rng.random() < 0.4 else None,
        y_title=text.y_label(rng) if rng.random() < 0.5 else None,
        values=rng.random() < 0.35,
        dark=theme in DARK_THEMES,
    )


def time_field(rng: np.random.Generator, n: int) -> tuple[list, alt.X]:
    """x positions over time and how to encode them: dates, years or a plain index."""
    x = data.time_axis(rng, n)
    if np.issubdtype(x.dtype, np.datetime64):
        return list(pd.to_datetime(x.astype("datetime64[D]"))), "t:T"
    return [int(v) for v in x], alt.X("t:Q", axis=alt.Axis(format="d"), scale=alt.Scale(nice=False))


def series_table(rng, n_series, n_points, positive=True):
    """Long form trends: one row per series and time."""
    t, encoding = time_field(rng, n_points)
    values = data.trends(rng, n_series, n_points, positive)
    names = text.series_names(rng, n_series)
    frame = pd.DataFrame(
        [
            {"t": when, "s": name, "v": v}
            for name, row in zip(names, values, strict=True)
            for when, v in zip(t, row, strict=True)
        ]
    )
    return frame, encoding, names


def x_channel(encoding, title):
    channel = alt.X(encoding) if isinstance(encoding, str) else encoding.copy(deep=True)
    channel["title"] = title
    return channel


def area(rng, look):
    n = pick(rng, [1, 1, 2, 3, 4])
    frame, t, names = series_table(rng, n, data.count(rng, 10, 120))
    stacked = n > 1 and rng.random() < 0.6
    mark = alt.Chart(frame).mark_area(
        opacity=1 if stacked or n == 1 else rng.uniform(0.3, 0.6),
        interpolate=pick(rng, ["linear", "linear", "monotone", "step-after", "basis"]),
        line=rng.random() < 0.5,
    )
    return mark.encode(
        x=x_channel(t, look.x_title),
        y=alt.Y("v:Q", stack="zero" if stacked else None, title=look.y_title),
        color=alt.Color("s:N", scale=look.colour(), sort=names, legend=look.legend_for(n)),
    )


def amounts_frame(values: np.ndarray, groups, series) -> pd.DataFrame:
    """(series, groups) values, one row each: group g, series s, value v."""
    return pd.DataFrame(
        [
            {"g": g, "s": s, "v": values[i, j]}
            for i, s in enumerate(series)
            for j, g in enumerate(groups)
        ]
    )


def bars(rng, look, horizontal):
    n = pick(rng, [1, 1, 1, 2, 2, 3])
    n_groups = int(rng.integers(2, 13 if n == 1 else 7))
    groups, series = text.categories(rng, n_groups), text.series_names(rng, n)
    values = data.amounts(rng, n, n_groups)
    frame = amounts_frame(values, groups, series)
    order = groups if n > 1 or rng.random() < 0.6 else ("-x" if horizontal else "-y")
    value = (alt.X if horizontal else alt.Y)("v:Q", title=look.y_title)
    category = (alt.Y if horizontal else alt.X)("g:N", title=look.x_title, sort=order)
    if not horizontal:
        category = alt.X("g:N", title=look.x_title, sort=order, axis=category_axis(rng, groups))
    offset = {}
    if n > 1 and horizontal:
        offset = {"yOffset": alt.YOffset("s:N", sort=series)}
    elif n > 1:
        offset = {"xOffset": alt.XOffset("s:N", sort=series)}
    if n > 1:
        fill = alt.Color("s:N", scale=look.colour(), sort=series, legend=look.legend_for(n))
    elif rng.random() < 0.4:
        fill = alt.Color("g:N", scale=look.colour(), legend=None)
    else:
        fill = alt.value(pick(rng, FLAT_COLOURS)) if rng.random() < 0.5 else alt.Undefined
    corner = pick(rng, [0, 0, 0, 2, 4])
    chart = (
        alt.Chart(frame)
        .mark_bar(cornerRadiusEnd=corner)
        .encode(value, category, color=fill, **offset)
    )
    if look.values and n == 1:
        labels = alt.Chart(frame).mark_text(
            align="left" if horizontal else "center",
            baseline="middle" if horizontal else "bottom",
            dx=3 if horizontal else 0,
            dy=0 if horizontal else -3,
            color=look.ink,
        )
        chart += labels.encode(value, category, text=alt.Text("v:Q", format=number_format(values)))
    return chart


def category_axis(rng: np.random.Generator, groups: list[str]) -> alt.Axis:
    """Level labels where they fit, else the theme's (mostly slanted or upright ones)."""
    if sum(len(g) for g in groups) > 40:
        return alt.Axis(labelAngle=pick(rng, [-45, -90]))
    return alt.Axis(labelAngle=0) if rng.random() < 0.6 else alt.Axis()


def number_format(values: np.ndarray) -> str:
    return ",.0f" if np.abs(values).max() >= 10 else ".1f"


def stacked_column(rng, look):
    n_groups, n = int(rng.integers(2, 11)), pick(rng, [2, 2, 3, 3, 4, 5])
    groups, series = text.categories(rng, n_groups), text.series_names(rng, n)
    values = data.amounts(rng, n, n_groups)
    frame = amounts_frame(values, groups, series)
    return (
        alt.Chart(frame)
        .mark_bar(stroke=pick(rng, [None, None, "white"]))
        .encode(
            x=alt.X("g:N", title=look.x_title, sort=groups, axis=category_axis(rng, groups)),
            y=alt.Y("sum(v):Q", stack=pick(rng, ["zero", "zero", "normalize"]), title=look.y_title),
            color=alt.Color("s:N", scale=look.colour(), sort=series, legend=look.legend_for(n)),
            order=alt.Order("s_order:Q"),
        )
        .transform_calculate(s_order=f"indexof({series!r}, datum.s)")
    )


def histogram(rng, look):
    n = pick(rng, [1, 1, 1, 1, 2, 3])
    samples, names = data.samples(rng, n, 200, 4000 // n), text.series_names(rng, n)
    frame = pd.DataFrame(
        {"v": np.concatenate(samples), "s": np.repeat(names, [len(s) for s in samples])}
    )
    y_title = look.y_title or pick(rng, [alt.Undefined, alt.Undefined, None])
    bar = alt.Chart(frame).mark_bar(
        binSpacing=pick(rng, [0, 0, 1]), opacity=1 if n == 1 else rng.uniform(0.45, 0.7)
    )
    if n == 1:
        fill = alt.value(pick(rng, FLAT_COLOURS)) if rng.random() < 0.5 else alt.Undefined
    else:
        fill = alt.Color("s:N", scale=look.colour(), sort=names, legend=look.legend_for(n))
    return bar.encode(
        x=alt.X("v:Q", bin=alt.Bin(maxbins=data.count(rng, 8, 60)), title=look.x_title),
        y=alt.Y("count():Q", stack=None if rng.random() < 0.5 else "zero", title=y_title),
        color=fill,
    )


def group_table(rng, n_groups):
    names = text.categories(rng, n_groups)
    samples = data.samples(rng, n_groups)
    frame = pd.DataFrame(
        {"g": np.repeat(names, [len(s) for s in samples]), "v": np.concatenate(samples)}
    )
    return frame, names


def boxplot(rng, look):
    frame, names = group_table(rng, int(rng.integers(1, 9)))
    box = alt.Chart(frame).mark_boxplot(
        extent=pick(rng, [1.5, 1.5, "min-max"]), size=int(rng.integers(10, 45))
    )
    category = alt.X("g:N", title=look.x_title, sort=names)
    value = alt.Y("v:Q", title=look.y_title, scale=alt.Scale(zero=False))
    if rng.random() < 0.3:
        category = alt.Y("g:N", title=look.x_title, sort=names)
        value = alt.X("v:Q", title=look.y_title, scale=alt.Scale(zero=False))
    if rng.random() < 0.6:
        fill = alt.Color("g:N", scale=look.colour(), sort=names, legend=None)
    else:
        fill = alt.value(pick(rng, FLAT_COLOURS)) if rng.random() < 0.5 else alt.Undefined
    return box.encode(category, value, color=fill)


def violin_plot(rng, look):
    frame, names = group_table(rng, int(rng.integers(2, 6)))
    return (
        alt.Chart(frame)
        .transform_density(
            "v", as_=["v", "density"], groupby=["g"], bandwidth=float(frame.v.std() * 0.25)
        )
        .mark_area(orient="horizontal", line=rng.random() < 0.3)
        .encode(
            y=alt.Y("v:Q", title=look.y_title),
            x=alt.X(
                "density:Q",
                stack="center",
                impute=None,
                title=None,
                axis=alt.Axis(labels=False, values=[0], grid=False, ticks=True),
            ),
            color=alt.Color("g:N", scale=look.colour(), sort=names, legend=None),
            column=alt.Column(
                "g:N",
                sort=names,
                header=alt.Header(titleOrient="bottom", labelOrient="bottom", labelPadding=0),
                spacing=0,
                title=look.x_title,
            ),
        )
        .properties(width=int(rng.integers(50, 110)), height=int(rng.integers(180, 340)))
    )


def bubble(rng, look):
    n, n_groups = int(rng.integers(8, 45)), pick(rng, [1, 1, 2, 3, 4])
    x, y, group = data.points(rng, n, n_groups)
    names = text.series_names(rng, n_groups)
    frame = pd.DataFrame(
        {
            "x": x,
            "y": y,
            "z": rng.lognormal(0, rng.uniform(0.5, 1.2), n),
            "g": np.take(names, group),
        }
    )
    if n_groups > 1:
        fill = alt.Color("g:N", scale=look.colour(), sort=names, legend=look.legend_for(n_groups))
    else:
        fill = alt.value(pick(rng, FLAT_COLOURS)) if rng.random() < 0.5 else alt.Undefined
    size_legend = None
    if look.legend and rng.random() < 0.4:
        size_legend = alt.Legend(orient=pick(rng, OUTER_PLACES), title=None)
    return (
        alt.Chart(frame)
        .mark_circle(
            opacity=rng.uniform(0.4, 0.8), stroke=pick(rng, [None, "white", "black"]), strokeWidth=1
        )
        .encode(
            x=alt.X("x:Q", title=look.x_title, scale=alt.Scale(zero=False)),
            y=alt.Y("y:Q", title=look.y_title, scale=alt.Scale(zero=False)),
            size=alt.Size(
                "z:Q", scale=alt.Scale(range=[20, int(rng.integers(900, 4000))]), legend=size_legend
            ),
            color=fill,
        )
    )


def scatter_plot(rng, look):
    n, n_groups = data.count(rng, 25, 700), pick(rng, [1, 1, 1, 2, 3, 4])
    x, y, group = data.points(rng, n, n_groups)
    names = text.series_names(rng, n_groups)
    frame = pd.DataFrame({"x": x, "y": y, "g": np.take(names, group)})
    size = int(rng.integers(10, 60 if n < 300 else 30))
    chart = alt.Chart(frame)
    mark = pick(
        rng,
        [
            partial(chart.mark_point, filled=rng.random() < 0.5),
            chart.mark_circle,
            chart.mark_square,
        ],
    )(size=size, opacity=rng.uniform(0.5, 1.0))
    if n_groups > 1:
        fill = alt.Color("g:N", scale=look.colour(), sort=names, legend=look.legend_for(n_groups))
    else:
        fill = alt.value(pick(rng, FLAT_COLOURS)) if rng.random() < 0.5 else alt.Undefined
    encoded = mark.encode(
        x=alt.X("x:Q", title=look.x_title, scale=alt.Scale(zero=False)),
        y=alt.Y("y:Q", title=look.y_title, scale=alt.Scale(zero=False)),
        color=fill,
    )
    if n_groups > 1 and rng.random() < 0.5:
        encoded = encoded.encode(shape=alt.Shape("g:N", sort=names, legend=None))
    return encoded


def line(rng, look):
    n = pick(rng, [1, 1, 2, 3, 4, 5, 7])
    n_points = data.count(rng, 6, 150)
    frame, t, names = series_table(rng, n, n_points, positive=rng.random() < 0.8)
    chart = (
        alt.Chart(frame)
        .mark_line(
            point=n_points <= 40 and rng.random() < 0.4,
            interpolate=pick(rng, ["linear", "linear", "linear", "monotone", "step"]),
            strokeWidth=rng.uniform(1, 4),
        )
        .encode(
            x=x_channel(t, look.x_title),
            y=alt.Y("v:Q", title=look.y_title, scale=alt.Scale(zero=rng.random() < 0.5)),
            color=alt.Color("s:N", scale=look.colour(), sort=names, legend=look.legend_for(n)),
        )
    )
    if n > 1 and rng.random() < 0.3:
        chart = chart.encode(strokeDash=alt.StrokeDash("s:N", sort=names, legend=None))
    return chart


def wedges(rng, look, donut):
    n = int(rng.integers(2, 9))
    names = text.categories(rng, n)
    parts = data.shares(rng, n) * 100
    frame = pd.DataFrame({"c": names, "v": parts, "i": range(n), "p": [f"{p:.0f}%" for p in parts]})
    radius = int(rng.integers(80, 150))
    arc = alt.Chart(frame).mark_arc(
        outerRadius=radius,
        innerRadius=radius * rng.uniform(0.4, 0.7) if donut else 0,
        padAngle=pick(rng, [0, 0, 0.02]),
        cornerRadius=pick(rng, [0, 0, 4]),
        stroke=pick(rng, [None, "white"]),
    )
    theta = alt.Theta("v:Q", stack=True, sort=None)
    colour = alt.Color(
        "c:N", scale=look.colour(), sort=names, legend=look.legend_for(n, outside=True)
    )
    order = alt.Order("i:Q")
    chart = arc.encode(theta=theta, color=colour, order=order)
    if rng.random() < 0.5 or not look.legend:
        names_out = alt.Chart(frame).mark_text(
            radius=radius + int(rng.integers(12, 24)), color=look.ink
        )
        chart += names_out.encode(theta=theta, text="c:N", order=order)
    if look.values:
        inside = radius * (0.82 if donut else rng.uniform(0.55, 0.75))
        numbers = alt.Chart(frame).mark_text(radius=inside, color="white", fontWeight="bold")
        chart += numbers.encode(theta=theta, text="p:N", order=order)
    return chart


def heatmap(rng, look):
    n_rows, n_cols = data.count(rng, 3, 14), data.count(rng, 3, 20)
    values = data.grid(rng, n_rows, n_cols)
    rows = text.categories(rng, n_rows)
    if rng.random() < 0.4:
        cols = [f"{h:02d}h" for h in range(n_cols)]
    else:
        cols = text.categories(rng, n_cols)
    scheme = pick(rng, list(HEAT_SCHEMES))
    reverse = rng.random() < 0.2
    frame = pd.DataFrame(
        [
            {
                "r": rows[i],
                "c": cols[j],
                "v": values[i, j],
                "ink": ink(scheme, reverse, values, (i, j)),
            }
            for i in range(n_rows)
            for j in range(n_cols)
        ]
    )
    legend = look.legend_for(values.size, outside=True)
    chart = (
        alt.Chart(frame)
        .mark_rect(stroke=pick(rng, [None, None, "white"]), strokeWidth=rng.uniform(0.5, 2))
        .encode(
            x=alt.X("c:O", title=look.x_title, sort=cols, axis=alt.Axis(grid=False)),
            y=alt.Y("r:O", title=look.y_title, sort=rows, axis=alt.Axis(grid=False)),
            color=alt.Color("v:Q", scale=alt.Scale(scheme=scheme, reverse=reverse), legend=legend),
        )
    )
    if look.values and values.size <= 100 and n_cols <= 10:
        fmt = ".2f" if np.abs(values).max() < 10 else ",.0f"
        chart += (
            alt.Chart(frame)
            .mark_text(fontSize=int(rng.integers(7, 11)))
            .encode(
                x=alt.X("c:O", sort=cols, axis=alt.Axis(grid=False)),
                y=alt.Y("r:O", sort=rows, axis=alt.Axis(grid=False)),
                text=alt.Text("v:Q", format=fmt),
                color=alt.Color("ink:N", scale=None, legend=None),
            )
        )
        chart = chart.resolve_scale(color="independent")
    return chart


def ink(scheme: str, reverse: bool, values: np.ndarray, cell) -> str:
    """White on the dark end of the colour ramp, black elsewhere."""
    t = (values[cell] - values.min()) / (np.ptp(values) or 1)
    t = 1 - t if reverse else t
    dark = {"high": t > 0.6, "low": t < 0.45, "ends": abs(t - 0.5) > 0.35}[HEAT_SCHEMES[scheme]]
    return "white" if dark else "black"


DRAWERS = drawers(globals())

CHARTS = tuple(DRAWERS)


def draw(chart: str, rng: np.random.Generator, size: int) -> Image.Image:
    theme = pick(rng, THEMES) if rng.random() < 0.75 else None
    look = random_look(rng, theme)
    spec = DRAWERS[chart](rng, look)
    width, height = chart_size(rng)
    if chart != "violin_plot":
        spec = spec.properties(width=width, height=height)
    if rng.random() < 0.7:
        spec = spec.properties(
            title=alt.TitleParams(text.title(rng), anchor=pick(rng, ["start", "middle", None]))
        )
    spec = configure(spec, rng).to_dict()
    spec["config"] = merged(theme_config(theme), spec.get("config", {}))
    scale = size * rng.uniform(1.0, 1.4) / (max(width, height) + 80)
    png = vl_convert.vegalite_to_png(spec, scale=scale)
    page = pick(rng, ["#333333", "#161616"] if look.dark else LIGHT_PAGES)
    return flatten(Image.open(io.BytesIO(png)), page)  # clear where a theme sets no background


def chart_size(rng: np.random.Generator) -> tuple[int, int]:
    """Plot width and height in CSS pixels: wide, square or tall."""
    longest = rng.uniform(220, 520)
    width, height = sides(longest, random_aspect(rng, 0.7, 2.4))
    return round(width), round(height)


def configure(spec, rng: np.random.Generator):
    """Now and then a font, font sizes or gridlines other than the theme's."""
    if rng.random() < 0.3:
        spec = spec.configure(font=pick(rng, FONTS))
    axis = {}
    if rng.random() < 0.3:
        axis.update(labelFontSize=int(rng.integers(8, 15)), titleFontSize=int(rng.integers(9, 16)))
    if rng.random() < 0.25:
        axis["grid"] = rng.random() < 0.5
    if axis:
        spec = spec.configure_axis(**axis)
    if rng.random() < 0.2:
        spec = spec.configure_view(stroke=None)
    return spec


@cache
def theme_config(theme: str | None) -> dict:
    """The theme's configuration, with a fallback for fonts this machine lacks: without one
    Vega draws no text at all."""
    return with_fallback_fonts(vl_convert.get_themes()[theme]) if theme else {}


def with_fallback_fonts(config):
    if isinstance(config, dict):
        return {
            key: font_with_fallback(value)
            if key.lower().endswith("font") and isinstance(value, str)
            else with_fallback_fonts(value)
            for key, value in config.items()
        }
    return config


def font_with_fallback(font: str) -> str:
    return font if font.rstrip().endswith(GENERIC_FONTS) else f"{font}, sans-serif"


def merged(base: dict, override: dict) -> dict:
    """base updated by override, dictionaries within merged too."""
    out = dict(base)
    for key, value in override.items():
        both = isinstance(value, dict) and isinstance(out.get(key), dict)
        out[key] = merged(out[key], value) if both else value
    return out
