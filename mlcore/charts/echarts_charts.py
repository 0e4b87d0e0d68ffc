"""The ECharts engine: Apache ECharts charts drawn in headless Chromium (mlcore.charts.browser).

Each drawer returns an ECharts option as plain JSON; the look adds a theme (ECharts' default, a
theme file that ships with ECharts, or a palette of our own), a renderer, fonts and a legend.
"""

from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import numpy as np
from PIL import Image

from mlcore.charts import browser, data, text
from mlcore.charts.base import ROUND, drawers, tidy
from mlcore.charts.text import pick

PACKAGE = Path(__file__).parent / "js" / "node_modules" / "echarts"
LIGHT_THEMES = ["v5", "macarons", "shine", "vintage", "roma", "infographic", "london", "tech-blue"]
DARK_THEMES = ["dark", "dark", "dark-blue", "dark-bold", "dark-mushroom", "dark-digerati"]
SCRIPTS = [
    PACKAGE / "dist" / "echarts.min.js",
    *(
        PACKAGE / "theme" / f"{name}.js"
        for name in sorted({*LIGHT_THEMES, *DARK_THEMES} - {"dark"})
    ),
]
CODE = """
if (window.lastChart) window.lastChart.dispose();
const chart = echarts.init(element, spec.theme, {
  renderer: spec.renderer, devicePixelRatio: window.devicePixelRatio,
});
window.lastChart = chart;
chart.on("finished", () => done());
chart.setOption(spec.option);
"""

DEFAULT = ["#5070dd", "#b6d634", "#505372", "#ff994d", "#0ca8df", "#ffd10a", "#fb628b", "#785db0"]
V5 = ["#5470c6", "#91cc75", "#fac858", "#ee6666", "#73c0de", "#3ba272", "#fc8452", "#9a60b4"]
PALETTES = [  # for themes of our own: a palette on a light background
    ["#c23531", "#2f4554", "#61a0a8", "#d48265", "#91c7ae", "#749f83", "#ca8622", "#bda29a"],
    ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7"],
    ["#37a2da", "#32c5e9", "#67e0e3", "#9fe6b8", "#ffdb5c", "#ff9f7f", "#fb7293", "#e062ae"],
    ["#3fb1e3", "#6be6c1", "#626c91", "#a0a7e6", "#c4ebad", "#96dee8", "#5b8ff9", "#f6bd16"],
    ["#5b8ff9", "#5ad8a6", "#5d7092", "#f6bd16", "#e8684a", "#6dc8ec", "#9270ca", "#ff9d4d"],
]
FONTS = ["sans-serif", "sans-serif", "Microsoft YaHei, sans-serif", "Arial", "Verdana", "serif"]
HEAT_COLOURS = [
    None,  # the theme's own gradient
    ["#313695", "#4575b4", "#74add1", "#abd9e9", "#e0f3f8", "#fee090", "#fdae61", "#f46d43",
     "#d73027", "#a50026"],
    ["#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b"],
    ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"],
    ["#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"],
    ["#e0f3db", "#a8ddb5", "#43a2ca"],
]  # fmt: skip
SHORTEST = 320  # CSS pixels: no side shorter, as few real charts are
SYMBOLS = ["circle", "rect", "roundRect", "triangle", "diamond", "pin"]


@dataclass
class Look:
    theme: str | dict | None
    palette: list[str] | None  # the colours the theme draws with, where known here
    dark: bool
    title: str | None
    legend: str | None  # top, bottom, left, right, or None for no legend
    values: bool


def random_look(rng: np.random.Generator) -> Look:
    kind = rng.random()
    theme, palette, dark = None, DEFAULT, False
    if kind < 0.15:
        theme, palette, dark = pick(rng, DARK_THEMES), None, True
    elif kind < 0.3:
        theme, palette = "v5", V5
    elif kind < 0.5:
        theme, palette = pick(rng, LIGHT_THEMES), None
    elif kind < 0.6:
        palette = pick(rng, PALETTES)
        theme = {"color": palette}
    return Look(
        theme=theme,
        palette=palette,
        dark=dark,
        title=text.title(rng) if rng.random() < 0.6 else None,
        legend=pick(rng, ["top", "top", "top", "bottom", "right", "left", None, None]),
        values=rng.random() < 0.2,
    )


def value_axis(rng: np.random.Generator, name: str | None, **extra) -> dict:
    found = {"type": "value", **extra}
    if rng.random() < 0.15:
        found["splitLine"] = {"show": False}
    elif rng.random() < 0.15:
        found["splitLine"] = {"lineStyle": {"type": "dashed"}}
    return named(rng, found, name)


def category_axis(rng: np.random.Generator, names, name: str | None, **extra) -> dict:
    found = {"type": "category", "data": names, **extra}
    if rng.random() < 0.15:
        found["axisTick"] = {"alignWithLabel": True}
    return named(rng, found, name)


def named(rng: np.random.Generator, found: dict, name: str | None) -> dict:
    """An axis name at the axis end, as ECharts puts it, or along its middle."""
    if name:
        found["name"] = name
        if rng.random() < 0.5:
            found.update(nameLocation="middle", nameGap=pick(rng, [28, 32, 40]))
    return found


def axis_names(rng: np.random.Generator) -> tuple[str | None, str | None]:
    if rng.random() < 0.4:
        return text.x_label(rng), text.y_label(rng)
    return None, None


def labels(look: Look, position: str) -> dict:
    return {"label": {"show": True, "position": position}} if look.values else {}


def area(rng, look):
    n_series = pick(rng, [1, 1, 2, 3, 4])
    x = data.time_axis(rng, data.count(rng, 8, 120))
    ys = data.trends(rng, n_series, len(x))
    stacked = n_series > 1 and rng.random() < 0.5
    smooth = rng.random() < 0.4
    symbols = len(x) <= 30 and rng.random() < 0.5
    opacity = rng.uniform(0.5, 0.9) if stacked or n_series == 1 else rng.uniform(0.2, 0.5)
    gradient = look.palette is not None and rng.random() < 0.3
    series = []
    for i, (y, name) in enumerate(zip(ys, text.series_names(rng, n_series), strict=True)):
        fill = {"opacity": opacity}
        if gradient:
            colour = look.palette[i % len(look.palette)]
            stops = [
                {"offset": 0, "color": browser.rgba(colour, 0.8)},
                {"offset": 1, "color": browser.rgba(colour, 0.05)},
            ]
            fill = {
                "color": {"type": "linear", "x": 0, "y": 0, "x2": 0, "y2": 1, "colorStops": stops}
            }
        one = {"name": name, "type": "line", "data": tidy(y), "areaStyle": fill, "smooth": smooth}
        if stacked:
            one["stack"] = "total"
        if not symbols:
            one["showSymbol"] = False
        series.append(one)
    x_name, y_name = axis_names(rng)
    return {
        "xAxis": category_axis(rng, text.time_labels(rng, x), x_name, boundaryGap=False),
        "yAxis": value_axis(rng, y_name),
        "series": series,
    }


def bars(rng, look, horizontal):
    """Single or grouped bars, side by side; bar and column swap their axes."""
    values = data.bar_amounts(rng)
    n_series, n_groups = values.shape
    names = text.series_names(rng, n_series) if n_series > 1 else [pick(rng, text.MEASURES)]
    radius = pick(rng, [0, 0, 0, 4, 8])
    corners = [0, radius, radius, 0] if horizontal else [radius, radius, 0, 0]
    series = []
    for row, name in zip(values, names, strict=True):
        one = {
            "name": name,
            "type": "bar",
            "data": tidy(row),
            "itemStyle": {"borderRadius": corners},
        }
        if n_series == 1 and rng.random() < 0.2:
            one["colorBy"] = "data"
        if n_series == 1 and rng.random() < 0.15:
            one["showBackground"] = True
        if rng.random() < 0.2:
            one["barWidth"] = f"{rng.integers(30, 70)}%"
        series.append({**one, **labels(look, "right" if horizontal else "top")})
    x_name, y_name = axis_names(rng)
    groups = category_axis(rng, text.categories(rng, n_groups), x_name)
    amounts = value_axis(rng, y_name)
    if horizontal and rng.random() < 0.5:
        groups["inverse"] = True
    axes = (
        {"xAxis": amounts, "yAxis": groups} if horizontal else {"xAxis": groups, "yAxis": amounts}
    )
    return {**axes, "series": series}


def stacked_column(rng, look):
    n_series, n_groups = pick(rng, [2, 2, 3, 3, 4, 5, 6]), int(rng.integers(2, 13))
    values = data.amounts(rng, n_series, n_groups)
    if rng.random() < 0.3:
        values = values / values.sum(axis=0) * 100
    width = f"{rng.integers(30, 80)}%" if rng.random() < 0.4 else None
    series = []
    for row, name in zip(values, text.series_names(rng, n_series), strict=True):
        one = {"name": name, "type": "bar", "stack": "total", "data": tidy(row)}
        if width:
            one["barWidth"] = width
        series.append({**one, **(labels(look, "inside") if n_groups <= 8 else {})})
    x_name, y_name = axis_names(rng)
    return {
        "xAxis": category_axis(rng, text.categories(rng, n_groups), x_name),
        "yAxis": value_axis(rng, y_name),
        "series": series,
    }


def histogram(rng, look):
    n_series = pick(rng, [1, 1, 1, 2])
    samples = data.samples(rng, n_series, 200, 3000)
    edges = tidy(data.round_edges(np.concatenate(samples), data.count(rng, 6, 40)))
    if rng.random() < 0.5:
        bins = [f"{low:g}" for low in edges[:-1]]
    else:
        bins = [f"{low:g}-{high:g}" for low, high in pairwise(edges)]
    names = text.series_names(rng, n_series) if n_series > 1 else [text.y_label(rng)]
    border = 0 if look.dark else pick(rng, [0, 0, 1])
    series = []
    for sample, name in zip(samples, names, strict=True):
        counts = np.histogram(sample, edges)[0]
        style = {"borderColor": "#fff", "borderWidth": border}
        if n_series > 1:
            style["opacity"] = 0.6
        one = {"name": name, "type": "bar", "data": [int(c) for c in counts], "itemStyle": style}
        series.append({**one, "barCategoryGap": "0%", "barGap": "-100%"})
    x_name, y_name = axis_names(rng)
    return {
        "xAxis": category_axis(rng, bins, x_name),
        "yAxis": value_axis(rng, y_name),
        "series": series,
    }


def five_numbers(sample: np.ndarray) -> tuple[list[float], list[float]]:
    """Whisker ends, quartiles and median, and the points beyond 1.5 IQR."""
    q1, median, q3 = np.percentile(sample, [25, 50, 75])
    reach = 1.5 * (q3 - q1)
    inside = sample[(sample >= q1 - reach) & (sample <= q3 + reach)]
    outliers = sample[(sample < q1 - reach) | (sample > q3 + reach)]
    return tidy([inside.min(), q1, median, q3, inside.max()]), tidy(outliers)


def boxplot(rng, look):
    n_groups = int(rng.integers(1, 9))
    samples, groups = data.samples(rng, n_groups), text.categories(rng, n_groups)
    horizontal = rng.random() < 0.3
    boxes, outliers = [], []
    for i, sample in enumerate(samples):
        box, beyond = five_numbers(sample)
        boxes.append(box)
        outliers += [[value, i] if horizontal else [i, value] for value in beyond]
    series = [{"name": pick(rng, text.MEASURES), "type": "boxplot", "data": boxes}]
    if rng.random() < 0.3:
        series[0]["itemStyle"] = {"borderWidth": 1.5}
    if rng.random() < 0.2:
        series[0]["boxWidth"] = [7, 30]
    if outliers and rng.random() < 0.85:
        series.append({"name": "outlier", "type": "scatter", "data": outliers, "symbolSize": 6})
    x_name, y_name = axis_names(rng)
    categories = category_axis(rng, groups, x_name, boundaryGap=True)
    values = value_axis(rng, y_name, scale=rng.random() < 0.6)
    axes = (
        {"xAxis": values, "yAxis": categories}
        if horizontal
        else {"xAxis": categories, "yAxis": values}
    )
    return {**axes, "series": series}


def bubble(rng, look):
    n, n_groups = int(rng.integers(6, 40)), pick(rng, [1, 1, 2, 3, 4])
    x, y, group = data.points(rng, n, n_groups)
    relative = rng.lognormal(0, rng.uniform(0.5, 1.2), n)
    sizes = np.sqrt(np.clip(relative / relative.max(), 0.02, 1.0)) * rng.uniform(40, 90)
    shaded = look.palette is not None and rng.random() < 0.3
    opacity = rng.uniform(0.5, 0.9)
    series = []
    for g, name in enumerate(text.series_names(rng, n_groups)):
        mine = group == g
        points = [
            {"value": [a, b], "symbolSize": s}
            for a, b, s in zip(tidy(x[mine]), tidy(y[mine]), tidy(sizes[mine]), strict=True)
        ]
        style = {"opacity": opacity}
        if shaded:  # the radial gradient with a shadow of ECharts' own bubble examples
            colour = look.palette[g % len(look.palette)]
            stops = [
                {"offset": 0, "color": browser.rgba(colour, 0.3)},
                {"offset": 1, "color": colour},
            ]
            style = {
                "color": {"type": "radial", "x": 0.4, "y": 0.3, "r": 1, "colorStops": stops},
                "shadowBlur": 10,
                "shadowColor": "rgba(0,0,0,0.3)",
                "shadowOffsetY": 5,
            }
        series.append({"name": name, "type": "scatter", "data": points, "itemStyle": style})
    x_name, y_name = axis_names(rng)
    return {
        "xAxis": value_axis(rng, x_name, scale=True),
        "yAxis": value_axis(rng, y_name, scale=True),
        "series": series,
    }


def scatter_plot(rng, look):
    n, n_groups = int(rng.integers(25, 500)), pick(rng, [1, 1, 1, 2, 3, 4])
    x, y, group = data.points(rng, n, n_groups)
    size = rng.uniform(4, 12) * (0.6 if n > 250 else 1.0)
    symbol = pick(rng, ["circle", "circle", "circle", *SYMBOLS[1:5]])
    names = text.series_names(rng, n_groups) if n_groups > 1 else [pick(rng, text.MEASURES)]
    series = []
    for g, name in enumerate(names):
        mine = group == g
        points = [[a, b] for a, b in zip(tidy(x[mine]), tidy(y[mine]), strict=True)]
        series.append(
            {"name": name, "type": "scatter", "data": points, "symbolSize": size, "symbol": symbol}
        )
    x_name, y_name = axis_names(rng)
    return {
        "xAxis": value_axis(rng, x_name, scale=rng.random() < 0.7),
        "yAxis": value_axis(rng, y_name, scale=rng.random() < 0.7),
        "series": series,
    }


def line(rng, look):
    n_series = pick(rng, [1, 1, 1, 2, 2, 3, 4, 5, 6])
    x = data.time_axis(rng, data.count(rng, 5, 150))
    ys = data.trends(rng, n_series, len(x), positive=rng.random() < 0.8)
    smooth = rng.random() < 0.3
    step = pick(rng, ["start", "middle", "end"]) if rng.random() < 0.08 else False
    symbol = pick(rng, ["emptyCircle", "emptyCircle", "circle", "none", "triangle", "rect"])
    width = pick(rng, [1, 2, 2, 3])
    marks = rng.random() < 0.2
    names = text.series_names(rng, n_series) if n_series > 1 else [pick(rng, text.MEASURES)]
    series = []
    for y, name in zip(ys, names, strict=True):
        one = {
            "name": name,
            "type": "line",
            "data": tidy(y),
            "smooth": smooth,
            "step": step,
            "symbol": symbol,
            "lineStyle": {"width": width},
        }
        if marks:
            one["markPoint"] = {"data": [{"type": "max"}, {"type": "min"}]}
            one["markLine"] = {"data": [{"type": "average"}]}
        series.append({**one, **(labels(look, "top") if len(x) <= 12 and n_series == 1 else {})})
    x_name, y_name = axis_names(rng)
    categories = text.time_labels(rng, x)
    return {
        "xAxis": category_axis(rng, categories, x_name, boundaryGap=rng.random() < 0.3),
        "yAxis": value_axis(rng, y_name, scale=rng.random() < 0.5),
        "series": series,
    }


def wedges(rng, look, donut):
    """A pie, or with a hole in the middle a donut; never a rose (roseType)."""
    n = int(rng.integers(2, 9))
    parts = data.shares(rng, n) * pick(rng, [100, 1000, data.magnitude(rng)])
    points = [
        {"value": value, "name": name}
        for value, name in zip(tidy(parts), text.categories(rng, n), strict=True)
    ]
    outer = int(rng.integers(55, 76))
    inner = int(outer * rng.uniform(0.45, 0.75))
    one = {
        "name": pick(rng, text.MEASURES),
        "type": "pie",
        "radius": [f"{inner}%", f"{outer}%"] if donut else f"{outer}%",
        "center": ["50%", pick(rng, ["50%", "50%", "55%", "60%"])],
        "data": points,
        "startAngle": pick(rng, [90, 90, 90, 0, 180]),
    }
    if rng.random() < 0.3:
        one["itemStyle"] = {
            "borderRadius": pick(rng, [4, 8, 10]),
            "borderWidth": 2,
            "borderColor": "#fff",
        }
    placing = rng.random()
    if placing < 0.2:
        one["label"] = {"show": False}
    elif placing < 0.4 and not donut:
        one["label"] = {"position": "inside", "formatter": "{d}%"}
    elif placing < 0.7:
        one["label"] = {"formatter": pick(rng, ["{b}: {d}%", "{b}\n{c}", "{b} ({d}%)"])}
    return {"series": [one]}


def heatmap(rng, look):
    rows, cols = data.count(rng, 3, 16), data.count(rng, 3, 24)
    values = data.grid(rng, rows, cols)
    points = [[c, r, v] for (r, c), v in zip(np.ndindex(rows, cols), tidy(values), strict=True)]
    low, high = float(values.min()), float(values.max())
    step = 10 ** np.floor(np.log10(high - low)) / 10
    low, high = float(np.floor(low / step) * step), float(np.ceil(high / step) * step)
    if rng.random() < 0.2:
        edges = tidy(data.round_edges(values.ravel(), pick(rng, [4, 5, 6])))
        scale = {"type": "piecewise", "pieces": [{"min": a, "max": b} for a, b in pairwise(edges)]}
    else:
        scale = {"min": low, "max": high, "calculable": rng.random() < 0.7}
    if scale.get("type") != "piecewise" and rng.random() < 0.5:
        scale.update(orient="horizontal", left="center", bottom=pick(rng, [0, 10, "5%"]))
    else:
        scale.update(orient="vertical", right=10, top="center")
    colours = pick(rng, HEAT_COLOURS)
    if colours:
        scale["inRange"] = {"color": colours}
    scale["precision"] = max(0, int(-np.log10(step)))
    one = {"type": "heatmap", "data": points, "name": pick(rng, text.MEASURES)}
    if look.values and rows * cols <= 80 and cols <= 12:
        one["label"] = {"show": True, "fontSize": 10}
    if rng.random() < 0.3:
        one["itemStyle"] = {"borderColor": "#fff", "borderWidth": pick(rng, [1, 2])}
    shaded = rng.random() < 0.6
    return {
        "xAxis": category_axis(rng, text.categories(rng, cols), None, splitArea={"show": shaded}),
        "yAxis": category_axis(rng, text.categories(rng, rows), None, splitArea={"show": shaded}),
        "visualMap": scale,
        "series": [one],
    }


DRAWERS = drawers(globals())

CHARTS = tuple(DRAWERS)


def missing() -> str | None:
    return browser.missing(SCRIPTS)


def decorate(option: dict, rng: np.random.Generator, look: Look, chart: str) -> None:
    """Title, legend, toolbox, fonts and the grid's margins around them."""
    top, bottom, left, right = 40, 30, 30, 30
    heading = 0  # the title's height
    if look.title:
        title = {"text": look.title, "left": pick(rng, ["center", "left", "auto"])}
        if rng.random() < 0.25:
            title["subtext"] = text.source(rng)
        option["title"] = title
        heading = 55 if "subtext" in title else 35
    top += heading
    if look.legend and chart != "heatmap":
        option["legend"] = legend(rng, look, chart, heading)
        if look.legend == "top":
            top += 30
        elif look.legend == "bottom":
            bottom += 30
        elif chart in ROUND:
            option["series"][0]["center"][0] = "58%" if look.legend == "left" else "42%"
        else:
            right, left = (right + 110, left) if look.legend == "right" else (right, left + 110)
    x_axis, y_axis = option.get("xAxis", {}), option.get("yAxis", {})
    if "name" in x_axis:  # containLabel leaves the axis names out
        if "nameLocation" in x_axis:
            bottom += 25
        else:
            right += 7 * len(x_axis["name"])
    if "nameLocation" in y_axis:
        left += 25
    if chart == "heatmap":  # room for the visual map
        if option["visualMap"]["orient"] == "horizontal":
            bottom += 80
        else:
            right += 110 if option["visualMap"].get("type") == "piecewise" else 60
    if rng.random() < 0.15:
        option["toolbox"] = {
            "feature": {"saveAsImage": {}, "dataView": {}, "restore": {}},
            "right": 20,
        }
    if chart not in ROUND:
        option["grid"] = {"top": top, "bottom": bottom, "left": left, "right": right}
        option["grid"]["containLabel"] = True
    option["textStyle"] = {"fontFamily": pick(rng, FONTS)}
    if rng.random() < 0.3:
        option["textStyle"]["fontSize"] = pick(rng, [11, 13, 14])
    option["animation"] = False


def legend(rng: np.random.Generator, look: Look, chart: str, heading: int) -> dict:
    found = {"type": "plain"}
    if look.legend == "top":
        found["top"] = heading + 5
    elif look.legend == "bottom":
        found["bottom"] = 5
    else:
        found.update({"orient": "vertical", look.legend: 10, "top": "middle"})
    if rng.random() < 0.2:
        found["icon"] = pick(rng, ["circle", "rect", "pin"])
    if chart not in ROUND and rng.random() < 0.5 and look.legend in ("top", "bottom"):
        found["left"] = pick(rng, ["center", "right", "left"])
    return found


def draw(chart: str, rng: np.random.Generator, size: int) -> Image.Image:
    look = random_look(rng)
    option = DRAWERS[chart](rng, look)
    decorate(option, rng, look, chart)
    width, height, scale = browser.canvas_size(rng, size, chart in ROUND, SHORTEST)
    spec = {"theme": look.theme, "renderer": pick(rng, ["canvas", "svg"]), "option": option}
    background = "#100c2a" if look.dark else "white"
    return browser.draw("echarts", SCRIPTS, CODE, spec, width, height, scale, background)
