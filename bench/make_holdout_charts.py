"""Draw a held-out chart set, OUT/<class>/, the way mlcore.charts never draws its training set.

Charts come from Vega-Lite (altair, rendered offline by vl-convert, with Vega's own themes and
colour schemes) or are drawn by hand with Pillow (its Aileron font, flat UI palettes, no
anti-aliasing now and then). The data comes from Python's random module, not numpy, and a third
of the charts are shown as a screenshot of a page or as a photo of a screen.

    python bench/make_holdout_charts.py OUT [--per-class N] [--seed S]

File names say where a chart came from: <class>-<vega|pillow>[-screen|-photo]-<index>.<ext>.
"""

import argparse
import colorsys
import io
import math
import random
import statistics
import sys
from functools import partial
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd
import vl_convert
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from mlcore.charts import CHART_CLASSES

VEGA_THEMES = [None, *sorted(vl_convert.get_themes())]
VEGA_SCHEMES = [
    "category10", "tableau10", "tableau20", "set1", "set2", "set3", "dark2", "accent", "paired",
    "pastel1", "observable10", "blues", "greens", "oranges", "purples", "teals", "goldred",
    "lightmulti", "darkmulti", "bluepurple", "redyellowblue", "turbo", "viridis", "plasma",
]  # fmt: skip
HEAT_SCHEMES = [
    "blues", "greenblue", "orangered", "viridis", "inferno", "redblue", "yelloworangered",
    "purplebluegreen", "cividis", "browns", "warmgreys", "spectral",
]  # fmt: skip
FLAT_PALETTES = [
    ["#e74c3c", "#3498db", "#2ecc71", "#f1c40f", "#9b59b6", "#1abc9c", "#e67e22", "#34495e"],
    ["#4285f4", "#db4437", "#f4b400", "#0f9d58", "#ab47bc", "#00acc1", "#ff7043", "#9e9d24"],
    ["#264653", "#2a9d8f", "#e9c46a", "#f4a261", "#e76f51", "#8ab17d", "#b5838d", "#6d6875"],
    ["#003f5c", "#2f4b7c", "#665191", "#a05195", "#d45087", "#f95d6a", "#ff7c43", "#ffa600"],
    ["#5b8ff9", "#5ad8a6", "#5d7092", "#f6bd16", "#e8684a", "#6dc8ec", "#9270ca", "#ff9d4d"],
    ["#1f77b4", "#aec7e8", "#ff7f0e", "#ffbb78", "#2ca02c", "#98df8a", "#d62728", "#ff9896"],
]
WORDS = ["Alpha", "Bravo", "Delta", "Echo", "Nova", "Orion", "Pixel", "Quasar", "Rivet", "Sigma"]
TITLES = [
    "Weekly numbers", "Fig. 3", "Results", "KPI", "Store 9", "Cohort B", "Overview 2022",
    "Readings", "Plant output", "Members", "Team scores", "Usage", "",
]  # fmt: skip


def names(r: random.Random, n: int) -> list[str]:
    pool = r.choice(
        [
            WORDS,
            [f"Cat {i}" for i in range(1, 13)],
            ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
            [f"{y}" for y in range(2011, 2024)],
            ["Red", "Blue", "Green", "Amber", "Teal", "Pink", "Grey", "Gold", "Navy", "Lime"],
        ]
    )
    return pool[:n] if len(pool) >= n else [f"C{i}" for i in range(1, n + 1)]


def walk(r: random.Random, n: int) -> list[float]:
    value, out = r.uniform(20, 80), []
    for _ in range(n):
        value = max(1.0, value + r.gauss(0, 5) + r.uniform(-0.5, 1))
        out.append(round(value, 2))
    return out


def draws(r: random.Random, n: int, centre: float = 50, spread: float = 10) -> list[float]:
    if r.random() < 0.5:
        return [r.gauss(centre, spread) for _ in range(n)]
    return [centre - spread + r.expovariate(1 / spread) for _ in range(n)]


def grouped_draws(r: random.Random, n_groups: int, n: int) -> list[list[float]]:
    """Samples in the same units: centres a few spreads apart."""
    spread = r.uniform(3, 15)
    return [draws(r, n, r.gauss(50, 1.5 * spread), spread) for _ in range(n_groups)]


# Vega-Lite through altair ------------------------------------------------------------------


def monthly_table(r, n_series, n_points):
    """Random walks, one value a month from January 2010."""
    return pd.DataFrame(
        [
            {"t": f"{2010 + i // 12}-{i % 12 + 1:02d}-01", "s": s, "v": v}
            for s in names(r, n_series)
            for i, v in enumerate(walk(r, n_points))
        ]
    )


def colour(r):
    return alt.Scale(scheme=r.choice(VEGA_SCHEMES))


def vega_area(r):
    n = r.choice([1, 1, 2, 3, 4])
    frame = monthly_table(r, n, r.randint(10, 60))
    stacked = n > 1 and r.random() < 0.6
    mark = alt.Chart(frame).mark_area(
        opacity=1 if stacked or n == 1 else 0.45,
        interpolate=r.choice(["linear", "monotone", "step-after", "basis"]),
        line=r.random() < 0.5,
    )
    return mark.encode(
        x=alt.X("t:T", title=None),
        y=alt.Y("v:Q", stack="zero" if stacked else None, title=r.choice(["", "Value", "Units"])),
        color=alt.Color("s:N", scale=colour(r), legend=alt.Legend() if n > 1 else None),
    )


def vega_bars(r, horizontal):
    n = r.choice([1, 1, 2, 3])
    groups, series = names(r, r.randint(3, 9 if n == 1 else 6)), names(r, n)
    frame = pd.DataFrame([{"g": g, "s": s, "v": r.uniform(5, 100)} for g in groups for s in series])
    value = alt.X("v:Q", title=None) if horizontal else alt.Y("v:Q", title=None)
    category = alt.Y("g:N", title=None) if horizontal else alt.X("g:N", title=None)
    offset = {"yOffset" if horizontal else "xOffset": "s:N"} if n > 1 else {}
    if n > 1:
        fill = alt.Color("s:N", scale=colour(r))
    elif r.random() < 0.5:
        fill = alt.Color("g:N", scale=colour(r), legend=None)
    else:
        fill = alt.value(r.choice(FLAT_PALETTES)[0])
    bars = alt.Chart(frame).mark_bar(cornerRadiusEnd=r.choice([0, 0, 3, 6]))
    chart = bars.encode(value, category, color=fill, **offset)
    if n == 1 and r.random() < 0.4:
        labels = alt.Chart(frame).mark_text(
            align="left" if horizontal else "center",
            baseline="middle" if horizontal else "bottom",
            dx=3 if horizontal else 0,
            dy=0 if horizontal else -3,
        )
        chart += labels.encode(value, category, text=alt.Text("v:Q", format=".0f"))
    return chart


def vega_stacked_column(r):
    groups, series = names(r, r.randint(3, 9)), names(r, r.randint(2, 5))
    frame = pd.DataFrame([{"g": g, "s": s, "v": r.uniform(5, 60)} for g in groups for s in series])
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("g:N", title=None),
            y=alt.Y("sum(v):Q", stack=r.choice(["zero", "zero", "normalize"]), title=None),
            color=alt.Color("s:N", scale=colour(r)),
        )
    )


def vega_histogram(r):
    frame = pd.DataFrame({"v": draws(r, r.randint(150, 1500))})
    return (
        alt.Chart(frame)
        .mark_bar(binSpacing=r.choice([0, 0, 1]), color=r.choice(FLAT_PALETTES)[r.randint(0, 7)])
        .encode(x=alt.X("v:Q", bin=alt.Bin(maxbins=r.randint(10, 50)), title=None), y="count()")
    )


def group_table(r, n_groups):
    samples = grouped_draws(r, n_groups, r.randint(20, 200))
    return pd.DataFrame(
        [
            {"g": g, "v": v}
            for g, sample in zip(names(r, n_groups), samples, strict=True)
            for v in sample
        ]
    )


def vega_boxplot(r):
    frame = group_table(r, r.randint(2, 7))
    horizontal = r.random() < 0.3
    box = alt.Chart(frame).mark_boxplot(extent=r.choice([1.5, "min-max"]), size=r.randint(10, 40))
    category, value = alt.X("g:N", title=None), alt.Y("v:Q", title=None)
    if horizontal:
        category, value = alt.Y("g:N", title=None), alt.X("v:Q", title=None)
    return box.encode(category, value, color=alt.Color("g:N", scale=colour(r), legend=None))


def vega_violin_plot(r):
    frame = group_table(r, r.randint(2, 5))
    return (
        alt.Chart(frame)
        .transform_density("v", as_=["v", "density"], groupby=["g"])
        .mark_area(orient="horizontal")
        .encode(
            y=alt.Y("v:Q", title=None),
            x=alt.X(
                "density:Q",
                stack="center",
                impute=None,
                title=None,
                axis=alt.Axis(labels=False, values=[0], grid=False, ticks=True),
            ),
            color=alt.Color("g:N", scale=colour(r), legend=None),
            column=alt.Column(
                "g:N", header=alt.Header(titleOrient="bottom", labelOrient="bottom"), title=None
            ),
        )
        .properties(width=r.randint(50, 110), height=r.randint(200, 320))
    )


def points_table(r, n):
    slope = r.uniform(-2, 2)
    rows = []
    for _ in range(n):
        x = r.uniform(0, 100)
        rows.append(
            {
                "x": x,
                "y": slope * x + r.gauss(0, 30),
                "z": r.paretovariate(1.5),
                "g": r.choice("ABC"),
            }
        )
    return pd.DataFrame(rows)


def vega_bubble(r):
    frame = points_table(r, r.randint(8, 40))
    return (
        alt.Chart(frame)
        .mark_circle(opacity=r.uniform(0.4, 0.8), stroke=r.choice([None, "white", "black"]))
        .encode(
            x=alt.X("x:Q", title=None),
            y=alt.Y("y:Q", title=None),
            size=alt.Size("z:Q", scale=alt.Scale(range=[30, r.randint(1200, 4000)]), legend=None),
            color=alt.Color("g:N", scale=colour(r)) if r.random() < 0.5 else alt.value("#4c78a8"),
        )
    )


def vega_scatter_plot(r):
    frame = points_table(r, r.randint(40, 500))
    mark = r.choice(
        [
            alt.Chart(frame).mark_point(filled=r.random() < 0.5, size=r.randint(10, 60)),
            alt.Chart(frame).mark_circle(size=r.randint(10, 60)),
            alt.Chart(frame).mark_square(size=r.randint(10, 40)),
        ]
    )
    return mark.encode(
        x=alt.X("x:Q", title=None),
        y=alt.Y("y:Q", title=None),
        color=alt.Color("g:N", scale=colour(r)) if r.random() < 0.5 else alt.value("#e45756"),
    )


def vega_line(r):
    n = r.choice([1, 1, 2, 3, 5, 7])
    frame = monthly_table(r, n, r.randint(8, 80))
    return (
        alt.Chart(frame)
        .mark_line(
            point=r.random() < 0.3,
            interpolate=r.choice(["linear", "linear", "monotone", "step"]),
            strokeWidth=r.uniform(1, 4),
        )
        .encode(
            x=alt.X("t:T", title=None),
            y=alt.Y("v:Q", title=None),
            color=alt.Color("s:N", scale=colour(r), legend=alt.Legend() if n > 1 else None),
        )
    )


def vega_wedges(r, donut):
    frame = pd.DataFrame({"c": names(r, r.randint(2, 7)), "v": None})
    frame["v"] = [r.uniform(1, 10) for _ in range(len(frame))]
    radius = r.randint(80, 140)
    arc = alt.Chart(frame).mark_arc(
        outerRadius=radius,
        innerRadius=radius * r.uniform(0.4, 0.7) if donut else 0,
        padAngle=r.choice([0, 0, 0.02]),
        cornerRadius=r.choice([0, 0, 4]),
        stroke=r.choice([None, "white"]),
    )
    chart = arc.encode(theta=alt.Theta("v:Q", stack=True), color=alt.Color("c:N", scale=colour(r)))
    if r.random() < 0.5:
        labels = alt.Chart(frame).mark_text(radius=radius + 18)
        chart += labels.encode(theta=alt.Theta("v:Q", stack=True), text="c:N")
    return chart


def vega_heatmap(r):
    rows, cols = names(r, r.randint(3, 8)), [f"{h:02d}h" for h in range(r.randint(4, 16))]
    frame = pd.DataFrame([{"r": a, "c": b, "v": r.uniform(0, 100)} for a in rows for b in cols])
    chart = (
        alt.Chart(frame)
        .mark_rect(stroke=r.choice([None, "white"]))
        .encode(
            x=alt.X("c:O", title=None),
            y=alt.Y("r:O", title=None),
            color=alt.Color("v:Q", scale=alt.Scale(scheme=r.choice(HEAT_SCHEMES))),
        )
    )
    if r.random() < 0.4:
        chart += (
            alt.Chart(frame)
            .mark_text(fontSize=8)
            .encode(x="c:O", y="r:O", text=alt.Text("v:Q", format=".0f"))
        )
    return chart


VEGA = {
    "area": vega_area,
    "bar": partial(vega_bars, horizontal=True),
    "column": partial(vega_bars, horizontal=False),
    "stacked_column": vega_stacked_column,
    "histogram": vega_histogram,
    "boxplot": vega_boxplot,
    "violin_plot": vega_violin_plot,
    "bubble": vega_bubble,
    "scatter_plot": vega_scatter_plot,
    "line": vega_line,
    "pie": partial(vega_wedges, donut=False),
    "donut": partial(vega_wedges, donut=True),
    "heatmap": vega_heatmap,
}


def vega_image(chart: str, r: random.Random) -> Image.Image:
    spec = VEGA[chart](r)
    if chart != "violin_plot":
        spec = spec.properties(width=r.randint(180, 480), height=r.randint(150, 360))
    title = r.choice(TITLES)
    if title:
        spec = spec.properties(title=title)
    png = vl_convert.vegalite_to_png(
        spec.to_json(), scale=r.uniform(0.8, 1.6), theme=r.choice(VEGA_THEMES)
    )
    return flatten(Image.open(io.BytesIO(png)))


def flatten(image: Image.Image) -> Image.Image:
    """Vega leaves the background transparent when a theme sets none; put it on white."""
    image = image.convert("RGBA")
    page = Image.new("RGBA", image.size, "white")
    return Image.alpha_composite(page, image).convert("RGB")


# Pillow by hand ----------------------------------------------------------------------------


class Canvas:
    """A Pillow image with a plot box, data-to-pixel mapping, axes and flat colours."""

    def __init__(self, r: random.Random):
        self.r = r
        self.scale = 1 if r.random() < 0.3 else 3  # 1: jagged edges, no anti-aliasing
        width, height = r.randint(260, 640), r.randint(200, 480)
        dark = r.random() < 0.25
        self.bg = r.choice(
            ["#1b1f24", "#202124", "#0f172a"] if dark else ["#ffffff", "#f7f7f7", "#fffdf5"]
        )
        self.fg = "#e6e6e6" if dark else r.choice(["#222222", "#444444"])
        self.grid = "#3a3f47" if dark else "#dddddd"
        self.palette = r.choice(FLAT_PALETTES)[:]
        r.shuffle(self.palette)
        self.image = Image.new("RGB", (width * self.scale, height * self.scale), self.bg)
        self.draw = ImageDraw.Draw(self.image)
        self.font = ImageFont.load_default(size=r.randint(10, 15) * self.scale)
        s = self.scale
        self.box = (
            r.randint(40, 60) * s,
            r.randint(28, 44) * s,
            (width - r.randint(14, 30)) * s,
            (height - r.randint(28, 40)) * s,
        )
        title = r.choice(TITLES)
        if title:
            self.draw.text((self.box[0], 6 * s), title, fill=self.fg, font=self.font)

    def px(self, x, y, xr, yr):
        left, top, right, bottom = self.box
        return (
            left + (x - xr[0]) / (xr[1] - xr[0]) * (right - left),
            bottom - (y - yr[0]) / (yr[1] - yr[0]) * (bottom - top),
        )

    def axes(self, xr, yr, x_names=None, y_names=None):
        """Axis lines, a light grid and tick labels: numbers, or names at integer positions."""
        left, top, right, bottom = self.box
        s, grid = self.scale, self.r.random() < 0.6
        y_ticks = range(len(y_names)) if y_names else nice_ticks(*yr)
        x_ticks = range(len(x_names)) if x_names else nice_ticks(*xr)
        for i, value in enumerate(y_ticks):
            _, y = self.px(xr[0], value, xr, yr)
            if grid and not y_names:
                self.draw.line((left, y, right, y), fill=self.grid, width=s)
            label = y_names[i] if y_names else f"{value:g}"
            self.draw.text((left - 4 * s, y), label, fill=self.fg, font=self.font, anchor="rm")
        for i, value in enumerate(x_ticks):
            x, _ = self.px(value, yr[0], xr, yr)
            label = x_names[i] if x_names else f"{value:g}"
            self.draw.text((x, bottom + 4 * s), label, fill=self.fg, font=self.font, anchor="ma")
        self.draw.line((left, top, left, bottom, right, bottom), fill=self.fg, width=s)

    def rect(self, x0, y0, x1, y1, xr, yr, colour):
        a, b = self.px(x0, y0, xr, yr), self.px(x1, y1, xr, yr)
        box = (min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1]))
        self.draw.rectangle(box, fill=colour)

    def done(self) -> Image.Image:
        if self.scale == 1:
            return self.image
        size = (self.image.width // self.scale, self.image.height // self.scale)
        return self.image.resize(size, Image.Resampling.LANCZOS)


def nice_ticks(low, high, count=5):
    step = 10 ** math.floor(math.log10((high - low) / count))
    step *= min((m for m in (1, 2, 5, 10) if (high - low) / (step * m) <= count + 1), default=10)
    first = math.ceil(low / step) * step
    return [round(first + i * step, 10) for i in range(int((high - first) / step) + 1)]


def pillow_area(c: Canvas, r):
    n = r.choice([1, 2, 3])
    series = [walk(r, r.randint(8, 40)) for _ in range(n)]
    points = min(map(len, series))
    stacked = [[sum(s[i] for s in series[: k + 1]) for i in range(points)] for k in range(n)]
    xr, yr = (0, points - 1), (0, max(stacked[-1]) * 1.1)
    c.axes(xr, yr)
    for k in reversed(range(n)):
        top = [c.px(i, stacked[k][i], xr, yr) for i in range(points)]
        c.draw.polygon([c.px(0, 0, xr, yr), *top, c.px(points - 1, 0, xr, yr)], fill=c.palette[k])


def pillow_bars(c: Canvas, r, horizontal):
    groups = names(r, r.randint(3, 8))
    values = [r.uniform(5, 100) for _ in groups]
    vr, cr = (0, max(values) * 1.1), (-0.6, len(groups) - 0.4)
    half = r.uniform(0.25, 0.42)
    if horizontal:
        c.axes(vr, cr, y_names=groups)
    else:
        c.axes(cr, vr, x_names=groups)
    one = r.random() < 0.5
    for i, value in enumerate(values):
        colour = c.palette[0] if one else c.palette[i % len(c.palette)]
        if horizontal:
            c.rect(0, i - half, value, i + half, vr, cr, colour)
        else:
            c.rect(i - half, 0, i + half, value, cr, vr, colour)


def pillow_stacked_column(c: Canvas, r):
    groups = names(r, r.randint(3, 8))
    parts = [[r.uniform(5, 40) for _ in groups] for _ in range(r.randint(2, 4))]
    totals = [sum(p[i] for p in parts) for i in range(len(groups))]
    xr, yr = (-0.6, len(groups) - 0.4), (0, max(totals) * 1.1)
    c.axes(xr, yr, x_names=groups)
    half = r.uniform(0.25, 0.4)
    for i in range(len(groups)):
        bottom = 0
        for k, part in enumerate(parts):
            c.rect(i - half, bottom, i + half, bottom + part[i], xr, yr, c.palette[k])
            bottom += part[i]


def pillow_histogram(c: Canvas, r):
    values = draws(r, r.randint(200, 2000))
    low, high, n_bins = min(values), max(values), r.randint(10, 35)
    width = (high - low) / n_bins
    counts = [0] * n_bins
    for v in values:
        counts[min(n_bins - 1, int((v - low) / width))] += 1
    xr, yr = (low, high), (0, max(counts) * 1.1)
    c.axes(xr, yr)
    outline = r.choice([None, c.bg, c.fg])
    for i, count in enumerate(counts):
        a, b = c.px(low + i * width, 0, xr, yr), c.px(low + (i + 1) * width, count, xr, yr)
        c.draw.rectangle((a[0], b[1], b[0], a[1]), fill=c.palette[0], outline=outline)


def quartiles(values):
    """The 2nd, 25th, 50th, 75th and 98th percentiles."""
    values = sorted(values)
    return [
        values[min(len(values) - 1, int(q * len(values)))] for q in (0.02, 0.25, 0.5, 0.75, 0.98)
    ]


def pillow_boxplot(c: Canvas, r):
    groups = names(r, r.randint(2, 6))
    samples = grouped_draws(r, len(groups), 100)
    xr = (-0.6, len(groups) - 0.4)
    yr = (min(map(min, samples)) - 5, max(map(max, samples)) + 5)
    c.axes(xr, yr, x_names=groups)
    half, s = r.uniform(0.15, 0.35), c.scale
    filled = r.random() < 0.6
    for i, sample in enumerate(samples):
        low, q1, median, q3, high = quartiles(sample)
        fill = c.palette[i % len(c.palette)] if filled else None
        a, b = c.px(i - half, q1, xr, yr), c.px(i + half, q3, xr, yr)
        c.draw.line((c.px(i, low, xr, yr), c.px(i, high, xr, yr)), fill=c.fg, width=s)
        for end in (low, high):
            c.draw.line(
                (c.px(i - half / 2, end, xr, yr), c.px(i + half / 2, end, xr, yr)),
                fill=c.fg,
                width=s,
            )
        c.draw.rectangle((a[0], b[1], b[0], a[1]), fill=fill or c.bg, outline=c.fg, width=s)
        c.draw.line(
            (c.px(i - half, median, xr, yr), c.px(i + half, median, xr, yr)), fill=c.fg, width=2 * s
        )


def pillow_violin_plot(c: Canvas, r):
    groups = names(r, r.randint(2, 5))
    samples = grouped_draws(r, len(groups), 200)
    xr = (-0.6, len(groups) - 0.4)
    yr = (min(map(min, samples)) - 5, max(map(max, samples)) + 5)
    c.axes(xr, yr, x_names=groups)
    for i, sample in enumerate(samples):
        low, high = min(sample), max(sample)
        width = 1.06 * statistics.stdev(sample) * len(sample) ** -0.2
        ys = [low + (high - low) * k / 60 for k in range(61)]
        density = [sum(math.exp(-(((y - v) / width) ** 2) / 2) for v in sample) for y in ys]
        top = max(density)
        right = [c.px(i + 0.4 * d / top, y, xr, yr) for y, d in zip(ys, density, strict=True)]
        left = [c.px(i - 0.4 * d / top, y, xr, yr) for y, d in zip(ys, density, strict=True)]
        c.draw.polygon(right + left[::-1], fill=c.palette[i % len(c.palette)], outline=c.fg)
        _, q1, median, q3, _ = quartiles(sample)
        c.draw.line((c.px(i, q1, xr, yr), c.px(i, q3, xr, yr)), fill=c.fg, width=3 * c.scale)
        x, y = c.px(i, median, xr, yr)
        c.draw.ellipse(
            (x - 3 * c.scale, y - 3 * c.scale, x + 3 * c.scale, y + 3 * c.scale), fill="white"
        )


def pillow_points(c: Canvas, r, bubbles):
    n = r.randint(8, 30) if bubbles else r.randint(40, 400)
    slope = r.uniform(-1, 1)
    xs = [r.uniform(0, 100) for _ in range(n)]
    ys = [50 + slope * (x - 50) + r.gauss(0, 15) for x in xs]
    xr, yr = (-5, 105), (min(ys) - 10, max(ys) + 10)
    c.axes(xr, yr)
    s = c.scale
    base = r.uniform(2, 5)
    for k, (x, y) in enumerate(zip(xs, ys, strict=True)):
        radius = (base * r.uniform(1.5, 8) if bubbles else base) * s
        cx, cy = c.px(x, y, xr, yr)
        colour = c.palette[k % 3] if r.random() < 0.5 or bubbles else c.palette[0]
        c.draw.ellipse(
            (cx - radius, cy - radius, cx + radius, cy + radius),
            fill=colour,
            outline=c.bg if bubbles else None,
        )


def pillow_line(c: Canvas, r):
    series = [walk(r, r.randint(8, 50)) for _ in range(r.choice([1, 1, 2, 3, 4]))]
    points = min(map(len, series))
    xr = (0, points - 1)
    yr = (0, max(max(s) for s in series) * 1.15)
    c.axes(xr, yr)
    dots = r.random() < 0.4
    for k, s in enumerate(series):
        xy = [c.px(i, s[i], xr, yr) for i in range(points)]
        c.draw.line(xy, fill=c.palette[k], width=r.randint(1, 3) * c.scale, joint="curve")
        for x, y in xy if dots else []:
            d = 3 * c.scale
            c.draw.ellipse((x - d, y - d, x + d, y + d), fill=c.palette[k])


def pillow_wedges(c: Canvas, r, donut):
    values = [r.uniform(1, 10) for _ in range(r.randint(2, 7))]
    left, top, right, bottom = c.box
    radius = min(right - left, bottom - top) / 2
    cx, cy = (left + right) / 2, (top + bottom) / 2
    start = r.uniform(0, 360)
    for k, v in enumerate(values):
        sweep = 360 * v / sum(values)
        c.draw.pieslice(
            (cx - radius, cy - radius, cx + radius, cy + radius),
            start,
            start + sweep,
            fill=c.palette[k % len(c.palette)],
            outline=c.bg,
            width=c.scale,
        )
        start += sweep
    if donut:
        hole = radius * r.uniform(0.45, 0.7)
        c.draw.ellipse((cx - hole, cy - hole, cx + hole, cy + hole), fill=c.bg)


def pillow_heatmap(c: Canvas, r):
    rows, cols = names(r, r.randint(3, 8)), [str(i) for i in range(1, r.randint(4, 14))]
    low, high = colour_pair(r)
    xr, yr = (-0.5, len(cols) - 0.5), (-0.5, len(rows) - 0.5)
    c.axes(xr, yr, x_names=cols, y_names=rows)
    gap = r.choice([0, 1, 2]) * c.scale
    for i in range(len(rows)):
        for j in range(len(cols)):
            t = r.random()
            fill = tuple(round(a + (b - a) * t) for a, b in zip(low, high, strict=True))
            a, b = c.px(j - 0.5, i - 0.5, xr, yr), c.px(j + 0.5, i + 0.5, xr, yr)
            c.draw.rectangle((a[0] + gap, b[1] + gap, b[0] - gap, a[1] - gap), fill=fill)


def colour_pair(r):
    hue = r.random()
    low = colorsys.hls_to_rgb(hue, 0.95, 0.6)
    high = colorsys.hls_to_rgb((hue + r.uniform(0, 0.3)) % 1, 0.3, 0.8)
    return tuple(round(v * 255) for v in low), tuple(round(v * 255) for v in high)


PILLOW = {
    "area": pillow_area,
    "bar": partial(pillow_bars, horizontal=True),
    "column": partial(pillow_bars, horizontal=False),
    "stacked_column": pillow_stacked_column,
    "histogram": pillow_histogram,
    "boxplot": pillow_boxplot,
    "violin_plot": pillow_violin_plot,
    "bubble": partial(pillow_points, bubbles=True),
    "scatter_plot": partial(pillow_points, bubbles=False),
    "line": pillow_line,
    "pie": partial(pillow_wedges, donut=False),
    "donut": partial(pillow_wedges, donut=True),
    "heatmap": pillow_heatmap,
}


def pillow_image(chart: str, r: random.Random) -> Image.Image:
    canvas = Canvas(r)
    PILLOW[chart](canvas, r)
    return canvas.done()


# Screens and photos ------------------------------------------------------------------------


def on_screen(chart: Image.Image, r: random.Random) -> Image.Image:
    """The chart as part of a page screenshot: a header bar, text lines and a card border."""
    margin = r.randint(20, 60)
    page = Image.new(
        "RGB",
        (chart.width + 2 * margin, chart.height + 2 * margin + 60),
        r.choice(["#f1f3f4", "#ffffff", "#e9ecef"]),
    )
    draw = ImageDraw.Draw(page)
    draw.rectangle(
        (0, 0, page.width, 28), fill=r.choice(["#3c4043", "#1a73e8", "#6200ee", "#343a40"])
    )
    for k in range(r.randint(1, 3)):
        y = 38 + k * 10
        draw.rectangle((margin, y, margin + r.randint(60, chart.width), y + 5), fill="#c8c8c8")
    draw.rectangle(
        (margin - 3, 70 + margin - 3, margin + chart.width + 2, 70 + margin + chart.height + 2),
        outline="#cccccc",
        width=2,
    )
    page.paste(chart, (margin, 70 + margin))
    return page


def as_photo(chart: Image.Image, r: random.Random) -> Image.Image:
    """The chart photographed off a screen or paper: tilted, unevenly lit, soft and noisy."""
    pad = int(0.08 * max(chart.size))
    surround = r.choice(["#5a5a5a", "#8a7f70", "#2d2d2d", "#c0c0c0"])
    canvas = Image.new("RGB", (chart.width + 2 * pad, chart.height + 2 * pad), surround)
    canvas.paste(chart, (pad, pad))
    width, height = canvas.size
    corners = (0, 0, 0, height, width, height, width, 0)  # upper left, lower left, ...
    quad = [corner + r.uniform(-0.05, 0.05) * max(width, height) for corner in corners]
    photo = canvas.transform(canvas.size, Image.Transform.QUAD, quad, Image.Resampling.BILINEAR)
    photo = photo.rotate(
        r.uniform(-4, 4), Image.Resampling.BILINEAR, fillcolor=canvas.getpixel((0, 0))
    )
    light = Image.linear_gradient("L").resize(photo.size).rotate(r.uniform(0, 360))
    dim = Image.new("RGB", photo.size, "black")
    photo = Image.composite(photo, Image.blend(photo, dim, r.uniform(0.2, 0.45)), light)
    photo = photo.filter(ImageFilter.GaussianBlur(r.uniform(0.3, 1.2)))
    photo = ImageEnhance.Color(photo).enhance(r.uniform(0.7, 1.2))
    shape = (photo.height, photo.width, 1)  # the same grain in every channel
    grain = np.random.default_rng(r.getrandbits(32)).normal(0, r.uniform(3, 10), shape)
    return Image.fromarray(np.clip(np.asarray(photo) + grain, 0, 255).astype(np.uint8))


def make_holdout(out: Path, per_class: int, seed: int) -> None:
    for chart in CHART_CLASSES:
        (out / chart).mkdir(parents=True, exist_ok=True)
        for index in range(per_class):
            r = random.Random(f"{seed}-{chart}-{index}")
            source = "vega" if r.random() < 0.6 else "pillow"
            image = vega_image(chart, r) if source == "vega" else pillow_image(chart, r)
            view = r.choices(["", "screen", "photo"], weights=[4, 1, 1])[0]
            if view == "screen":
                image = on_screen(image, r)
            elif view == "photo":
                image = as_photo(image, r)
            name = "-".join(filter(None, [chart, source, view, f"{index:04d}"]))
            if r.random() < 0.3:
                image.save(out / chart / f"{name}.png")
            else:
                image.save(out / chart / f"{name}.jpg", quality=r.randint(40, 92))
        print(f"{chart}: {per_class}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--per-class", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    make_holdout(args.out, args.per_class, args.seed)


if __name__ == "__main__":
    main()
