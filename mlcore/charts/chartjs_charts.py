"""The Chart.js engine: Chart.js 4 charts drawn in headless Chromium (mlcore.charts.browser).

Each drawer returns a Chart.js config as plain JSON; the snippet adds what needs JavaScript: the
canvas, the page's device pixel ratio and, when asked for, a small plugin that writes values.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from mlcore.charts import browser, data, text
from mlcore.charts.base import ROUND, drawers, tidy
from mlcore.charts.text import pick

SCRIPT = Path(__file__).parent / "js" / "node_modules" / "chart.js" / "dist" / "chart.umd.min.js"
CODE = """
Object.values(Chart.instances).forEach((old) => old.destroy());
Chart.defaults.color = spec.text;
Chart.defaults.font.family = spec.family;
Chart.defaults.font.size = spec.fontSize;
const canvas = document.createElement("canvas");
canvas.width = spec.width;
canvas.height = spec.height;
element.appendChild(canvas);
const config = spec.config;
Object.assign(config.options, {
  animation: false, responsive: false, devicePixelRatio: window.devicePixelRatio,
});
if (spec.values) config.plugins = [valueLabels(spec.values)];
new Chart(canvas, config);
done();

function valueLabels(values) {
  return {id: "values", afterDatasetsDraw(chart) {
    const ctx = chart.ctx;
    ctx.save();
    ctx.font = `${values.size}px ${spec.family}`;
    ctx.fillStyle = values.color;
    chart.getSortedVisibleDatasetMetas().forEach((meta) => meta.data.forEach((shape, i) => {
      const label = values.texts[meta.index][i];
      if (values.place === "center") {
        const {x, y} = meta.type === "bar" ? shape.getCenterPoint() : shape.tooltipPosition();
        ctx.textAlign = "center"; ctx.textBaseline = "middle"; ctx.fillText(label, x, y);
      } else if (values.place === "right") {
        ctx.textAlign = "left"; ctx.textBaseline = "middle";
        ctx.fillText(label, shape.x + 4, shape.y);
      } else {
        ctx.textAlign = "center"; ctx.textBaseline = "bottom";
        ctx.fillText(label, shape.x, shape.y - 5);
      }
    }));
    ctx.restore();
  }};
}
"""

# Custom palettes as users pass them; None is Chart.js's own Colors plugin.
PALETTES = [
    ["#ff6384", "#36a2eb", "#ffcd56", "#4bc0c0", "#9966ff", "#ff9f40", "#c9cbcf"],
    ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7"],
    ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"],
    ["#0d6efd", "#198754", "#ffc107", "#dc3545", "#6f42c1", "#0dcaf0", "#fd7e14", "#d63384"],
    ["#3498db", "#e74c3c", "#2ecc71", "#f1c40f", "#9b59b6", "#1abc9c", "#e67e22", "#34495e"],
    ["#6366f1", "#22c55e", "#f59e0b", "#ef4444", "#06b6d4", "#a855f7", "#ec4899", "#14b8a6"],
    ["#f44336", "#2196f3", "#4caf50", "#ff9800", "#9c27b0", "#00bcd4", "#795548", "#607d8b"],
    ["#003f5c", "#2f4b7c", "#665191", "#a05195", "#d45087", "#f95d6a", "#ff7c43", "#ffa600"],
    ["#08519c", "#3182bd", "#6baed6", "#9ecae1", "#c6dbef", "#2171b5", "#4292c6", "#deebf7"],
]
FONTS = [
    "'Helvetica Neue', 'Helvetica', 'Arial', sans-serif",
    "'Helvetica Neue', 'Helvetica', 'Arial', sans-serif",
    "'Helvetica Neue', 'Helvetica', 'Arial', sans-serif",
    "'Segoe UI', Roboto, 'DejaVu Sans', sans-serif",
    "Verdana, 'DejaVu Sans', sans-serif",
    "Georgia, 'Liberation Serif', serif",
    "'Arial Narrow', 'Liberation Sans Narrow', sans-serif",
]
DARK = [  # background, text, gridlines
    ("#1e1e2f", "#c8c8d0", "rgba(255,255,255,0.1)"),
    ("#121212", "#e0e0e0", "rgba(255,255,255,0.12)"),
    ("#1f2937", "#d1d5db", "#374151"),
    ("#2b3035", "#adb5bd", "rgba(255,255,255,0.08)"),
]
SHORTEST = 260  # CSS pixels: no side shorter, as few real charts are
POINT_STYLES = ["circle", "rect", "triangle", "rectRot", "crossRot", "star", "rectRounded"]


@dataclass
class Look:
    palette: list[str] | None
    alpha: float  # fill opacity; under 1, outlines in the full colour
    background: str
    text: str
    grid: str
    family: str
    font_size: int
    title: str | None
    legend: str | None  # a position, or None for no legend
    values: bool


def random_look(rng: np.random.Generator) -> Look:
    dark = rng.random() < 0.15
    background, ink, grid = pick(rng, DARK) if dark else ("white", "#666", "rgba(0,0,0,0.1)")
    if not dark and rng.random() < 0.3:
        ink = pick(rng, ["#333", "#222", "#555", "#444"])
    palette = None if rng.random() < 0.45 else pick(rng, PALETTES)
    return Look(
        palette=palette,
        alpha=1.0 if rng.random() < 0.5 else pick(rng, [0.2, 0.5, 0.5, 0.7, 0.8]),
        background=background,
        text=ink,
        grid=grid,
        family=pick(rng, FONTS),
        font_size=pick(rng, [11, 12, 12, 12, 13, 14]),
        title=text.title(rng) if rng.random() < 0.6 else None,
        legend=pick(rng, ["top", "top", "top", "bottom", "right", "left", None, None]),
        values=rng.random() < 0.2,
    )


def paint(look: Look, i: int, alpha: float | None = None) -> dict:
    """Colours for the i-th dataset, or nothing where Chart.js picks its own."""
    if look.palette is None:
        return {}
    colour = look.palette[i % len(look.palette)]
    return {"borderColor": colour, "backgroundColor": browser.rgba(colour, alpha or look.alpha)}


def paint_each(look: Look, n: int) -> dict:
    """A colour per data element, as pies are coloured."""
    if look.palette is None:
        return {}
    colours = [look.palette[i % len(look.palette)] for i in range(n)]
    alpha = max(look.alpha, 0.5)  # paler wedges and bars run together
    return {"backgroundColor": [browser.rgba(colour, alpha) for colour in colours]}


def number(value: float, largest: float) -> str:
    if largest >= 100:
        return f"{value:,.0f}"
    return f"{value:,.1f}" if largest >= 1 else f"{value:.2f}"


def value_texts(values: np.ndarray, place: str) -> dict:
    largest = float(np.abs(values).max())
    return {"texts": [[number(v, largest) for v in row] for row in values], "place": place}


def axis(rng: np.random.Generator, look: Look, title: str | None, grid: bool, extra) -> dict:
    scale = {"grid": {"display": grid, "color": look.grid}, **extra}
    if title:
        scale["title"] = {"display": True, "text": title}
    if rng.random() < 0.2:
        scale["border"] = {"display": False}
    return scale


def cartesian(rng: np.random.Generator, look: Look, x=None, y=None) -> dict:
    """Scales for x and y, each with its gridlines on or off and sometimes a title."""
    titled = rng.random() < 0.4
    x_title = text.x_label(rng) if titled else None
    y_title = text.y_label(rng) if titled else None
    return {
        "x": axis(rng, look, x_title, rng.random() < 0.6, x or {}),
        "y": axis(rng, look, y_title, rng.random() < 0.9, y or {}),
    }


def area(rng, look):
    n_series = pick(rng, [1, 1, 2, 3, 4])
    x = data.time_axis(rng, data.count(rng, 8, 120))
    ys = data.trends(rng, n_series, len(x))
    stacked = n_series > 1 and rng.random() < 0.5
    radius = pick(rng, [0, 0, 2, 3]) if len(x) <= 40 else 0
    tension = pick(rng, [0, 0, 0.3, 0.4])
    alpha = rng.uniform(0.5, 0.9) if stacked or n_series == 1 else rng.uniform(0.2, 0.5)
    width = pick(rng, [1, 2, 3])
    datasets = []
    for i, (y, name) in enumerate(zip(ys, text.series_names(rng, n_series), strict=True)):
        fill = ("origin" if i == 0 else "-1") if stacked else "origin"
        datasets.append(
            {
                "label": name,
                "data": tidy(y),
                "fill": fill,
                "pointRadius": radius,
                "tension": tension,
                "borderWidth": width,
                **paint(look, i, alpha),
            }
        )
    scales = cartesian(rng, look, y={"stacked": stacked, "beginAtZero": rng.random() < 0.6})
    return {
        "type": "line",
        "data": {"labels": text.time_labels(rng, x), "datasets": datasets},
        "options": {"scales": scales},
    }


def bar_datasets(look, values, names, radius: int, border: int, each: bool = False) -> list:
    """A dataset of bars for each row of values: a colour each, or with each a colour per bar."""
    return [
        {
            "label": name,
            "data": tidy(row),
            "borderRadius": radius,
            "borderWidth": border,
            **(paint_each(look, values.shape[1]) if each else paint(look, i)),
        }
        for i, (row, name) in enumerate(zip(values, names, strict=True))
    ]


def bars(rng, look, horizontal):
    """Single or grouped bars, side by side; bar and column differ only in indexAxis."""
    values = data.bar_amounts(rng)
    n_series, n_groups = values.shape
    names = text.series_names(rng, n_series) if n_series > 1 else [pick(rng, text.MEASURES)]
    radius = pick(rng, [0, 0, 0, 4, 6, 10])
    border = pick(rng, [0, 1, 2]) if look.alpha < 1 else 0
    each = n_series == 1 and rng.random() < 0.3
    datasets = bar_datasets(look, values, names, radius, border, each)
    chart = {
        "type": "bar",
        "data": {"labels": text.categories(rng, n_groups), "datasets": datasets},
        "options": {
            "indexAxis": "y" if horizontal else "x",
            "scales": cartesian(rng, look),
            "datasets": {"bar": {"barPercentage": rng.uniform(0.6, 0.95)}},
        },
    }
    if look.values and values.size <= 24:
        chart["values"] = value_texts(values, "right" if horizontal else "top")
        chart["options"]["layout"] = {"padding": {"right": 40 if horizontal else 0, "top": 12}}
    return chart


def stacked_column(rng, look):
    n_series, n_groups = pick(rng, [2, 2, 3, 3, 4, 5, 6]), int(rng.integers(2, 13))
    values = data.amounts(rng, n_series, n_groups)
    if rng.random() < 0.3:
        values = values / values.sum(axis=0) * 100
    radius = pick(rng, [0, 0, 0, 3])
    border = pick(rng, [0, 1]) if look.alpha < 1 else 0
    names = text.series_names(rng, n_series)
    datasets = bar_datasets(look, values, names, radius, border)
    scales = cartesian(rng, look, x={"stacked": True}, y={"stacked": True})
    chart = {
        "type": "bar",
        "data": {"labels": text.categories(rng, n_groups), "datasets": datasets},
        "options": {
            "scales": scales,
            "datasets": {"bar": {"barPercentage": rng.uniform(0.5, 0.95)}},
        },
    }
    if look.values and n_groups <= 8:
        chart["values"] = value_texts(values, "center")
    return chart


def histogram(rng, look):
    n_series = pick(rng, [1, 1, 1, 2])
    samples = data.samples(rng, n_series, 200, 3000)
    edges = data.round_edges(np.concatenate(samples), data.count(rng, 6, 50))
    centres = (edges[:-1] + edges[1:]) / 2
    names = text.series_names(rng, n_series) if n_series > 1 else [text.y_label(rng)]
    border = pick(rng, [0, 0, 1, 1, 2])
    datasets = []
    for i, (sample, name) in enumerate(zip(samples, names, strict=True)):
        counts = np.histogram(sample, edges)[0]
        points = [{"x": x, "y": int(c)} for x, c in zip(tidy(centres), counts, strict=True)]
        style = paint(look, i, 0.6 if n_series > 1 else None)
        if border and look.palette is not None and rng.random() < 0.5:
            style["borderColor"] = look.background
        datasets.append({"label": name, "data": points, "borderWidth": border, **style})
    x = {"type": "linear", "offset": False, "min": float(edges[0]), "max": float(edges[-1])}
    scales = cartesian(rng, look, x=x)
    scales["x"]["grid"] = {**scales["x"]["grid"], "offset": False}
    bar = {"barPercentage": 1.0, "categoryPercentage": 1.0, "grouped": False}
    return {
        "type": "bar",
        "data": {"datasets": datasets},
        "options": {"scales": scales, "datasets": {"bar": bar}},
    }


def bubble(rng, look):
    n, n_groups = int(rng.integers(6, 40)), pick(rng, [1, 1, 2, 3, 4])
    x, y, group = data.points(rng, n, n_groups)
    relative = rng.lognormal(0, rng.uniform(0.5, 1.2), n)
    largest = rng.uniform(15, 35)
    radii = np.sqrt(np.clip(relative / relative.max(), 0.02, 1.0)) * largest
    names = text.series_names(rng, n_groups)
    alpha = rng.uniform(0.4, 0.8)
    datasets = []
    for g, name in enumerate(names):
        mine = group == g
        points = [
            {"x": a, "y": b, "r": c}
            for a, b, c in zip(tidy(x[mine]), tidy(y[mine]), tidy(radii[mine]), strict=True)
        ]
        datasets.append({"label": name, "data": points, **paint(look, g, alpha)})
    return {
        "type": "bubble",
        "data": {"datasets": datasets},
        "options": {"scales": cartesian(rng, look)},
    }


def scatter_plot(rng, look):
    n, n_groups = int(rng.integers(25, 500)), pick(rng, [1, 1, 1, 2, 3, 4])
    x, y, group = data.points(rng, n, n_groups)
    radius = rng.uniform(2, 5) * (0.6 if n > 250 else 1.0)
    style = pick(rng, ["circle", "circle", "circle", *POINT_STYLES])
    names = text.series_names(rng, n_groups) if n_groups > 1 else [pick(rng, text.MEASURES)]
    datasets = []
    for g, name in enumerate(names):
        mine = group == g
        points = [{"x": a, "y": b} for a, b in zip(tidy(x[mine]), tidy(y[mine]), strict=True)]
        datasets.append(
            {
                "label": name,
                "data": points,
                "pointRadius": radius,
                "pointStyle": style,
                **paint(look, g),
            }
        )
    return {
        "type": "scatter",
        "data": {"datasets": datasets},
        "options": {"scales": cartesian(rng, look)},
    }


def line(rng, look):
    n_series = pick(rng, [1, 1, 1, 2, 2, 3, 4, 5, 6])
    x = data.time_axis(rng, data.count(rng, 5, 150))
    ys = data.trends(rng, n_series, len(x), positive=rng.random() < 0.8)
    radius = pick(rng, [3, 3, 0, 2, 4]) if len(x) <= 50 else pick(rng, [0, 0, 1])
    tension = pick(rng, [0, 0, 0, 0.3, 0.4])
    stepped = rng.random() < 0.08
    width = pick(rng, [1, 2, 3, 3])
    dashed = rng.random() < 0.15
    style = pick(rng, ["circle", "circle", *POINT_STYLES])
    names = text.series_names(rng, n_series) if n_series > 1 else [pick(rng, text.MEASURES)]
    datasets = []
    for i, (y, name) in enumerate(zip(ys, names, strict=True)):
        dataset = {
            "label": name,
            "data": tidy(y),
            "fill": False,
            "pointRadius": radius,
            "pointStyle": style,
            "tension": tension,
            "stepped": stepped,
            "borderWidth": width,
            **paint(look, i, 1.0),
        }
        if dashed and i % 2:
            dataset["borderDash"] = [6, 4]
        datasets.append(dataset)
    chart = {
        "type": "line",
        "data": {"labels": text.time_labels(rng, x), "datasets": datasets},
        "options": {"scales": cartesian(rng, look)},
    }
    if look.values and n_series == 1 and len(x) <= 12:
        chart["values"] = value_texts(ys, "top")
        chart["options"]["layout"] = {"padding": {"top": 16}}
    return chart


def wedges(rng, look, donut):
    """A pie, or with a hole in the middle a doughnut."""
    n = int(rng.integers(2, 9))
    parts = data.shares(rng, n) * pick(rng, [100, 1000, data.magnitude(rng)])
    dataset = {
        "label": pick(rng, text.MEASURES),
        "data": tidy(parts),
        "borderWidth": pick(rng, [2, 2, 1, 0, 4]),
        "borderColor": look.background,
        "hoverOffset": 4,
        **paint_each(look, n),
    }
    if rng.random() < 0.2:
        dataset["offset"] = [int(i == 0) * 20 for i in range(n)]
    options = {"rotation": pick(rng, [0, 0, 0, -90, 45]), "layout": {"padding": 10}}
    if donut:
        options["cutout"] = pick(rng, ["50%", "50%", "40%", "60%", "70%", "75%"])
    if rng.random() < 0.1:
        options["circumference"] = 180
        options["rotation"] = -90
    chart = {
        "type": "doughnut" if donut else "pie",
        "data": {"labels": text.categories(rng, n), "datasets": [dataset]},
        "options": options,
    }
    if look.values:
        shares = parts / parts.sum() * 100
        chart["values"] = {"texts": [[f"{s:.0f}%" for s in shares]], "place": "center"}
    return chart


DRAWERS = drawers(globals())

CHARTS = tuple(DRAWERS)


def missing() -> str | None:
    return browser.missing([SCRIPT])


def plugins(rng: np.random.Generator, look: Look) -> dict:
    """Title, subtitle and legend as the Chart.js plugins draw them."""
    legend = {"display": look.legend is not None, "position": look.legend or "top"}
    if rng.random() < 0.3:
        legend["labels"] = {"usePointStyle": True}
    if rng.random() < 0.2:
        legend["align"] = pick(rng, ["start", "end"])
    found = {"legend": legend, "colors": {"forceOverride": look.palette is None}}
    if look.title:
        found["title"] = {
            "display": True,
            "text": look.title,
            "font": {"size": pick(rng, [12, 14, 16, 18, 20]), "weight": "bold"},
            "align": pick(rng, ["center", "center", "start"]),
            "padding": {"top": 4, "bottom": pick(rng, [6, 10, 16])},
        }
        if rng.random() < 0.2:
            found["subtitle"] = {"display": True, "text": text.source(rng)}
    return found


def draw(chart: str, rng: np.random.Generator, size: int) -> Image.Image:
    look = random_look(rng)
    config = DRAWERS[chart](rng, look)
    values = config.pop("values", None)
    if values:
        values["size"] = look.font_size - 1
        solid = look.palette is not None and look.alpha >= 0.7
        values["color"] = "white" if values["place"] == "center" and solid else look.text
    width, height, scale = browser.canvas_size(rng, size, chart in ROUND, SHORTEST)
    if look.legend in ("left", "right") and width < 560:  # Chart.js would cut the labels short
        look.legend = "top"
    config["options"]["plugins"] = plugins(rng, look)
    spec = {
        "config": config,
        "values": values,
        "width": width,
        "height": height,
        "text": look.text,
        "family": look.family,
        "fontSize": look.font_size,
    }
    return browser.draw("chartjs", [SCRIPT], CODE, spec, width, height, scale, look.background)
