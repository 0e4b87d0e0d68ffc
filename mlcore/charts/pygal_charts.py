"""The pygal engine: pygal's SVG charts in its own styles, rasterised with cairosvg.

pygal has no violin plot or heatmap, so those classes are left out. Bubbles are XY points whose
node radius is set per value, which pygal supports as value configuration.
"""

import io

import cairosvg
import numpy as np
import pygal
from PIL import Image
from pygal import formatters
from pygal import style as styles

from mlcore.charts import data, text
from mlcore.charts.base import drawers, flatten, random_aspect, sides
from mlcore.charts.text import pick

LIGHT_STYLES = (
    styles.DefaultStyle,
    styles.DefaultStyle,
    styles.LightSolarizedStyle,
    styles.LightStyle,
    styles.CleanStyle,
    styles.RedBlueStyle,
    styles.LightColorizedStyle,
    styles.LightGreenStyle,
    styles.BlueStyle,
)
DARK_STYLES = (
    styles.DarkStyle,
    styles.NeonStyle,
    styles.DarkSolarizedStyle,
    styles.DarkColorizedStyle,
    styles.TurquoiseStyle,
    styles.DarkGreenStyle,
    styles.DarkGreenBlueStyle,
)
PARAMETRIC_STYLES = (
    styles.RotateStyle,
    styles.LightenStyle,
    styles.DarkenStyle,
    styles.SaturateStyle,
    styles.DesaturateStyle,
)
# pygal asks for Consolas first; cairosvg takes only the first family named, so name one here.
MONOSPACE = ("Liberation Mono", "DejaVu Sans Mono")
OTHER_FONTS = ("DejaVu Sans", "Liberation Sans", "Liberation Serif", "Liberation Sans Narrow")
BASE_COLOURS = ("#3366cc", "#e4572e", "#2a9d8f", "#8e44ad", "#f4a261", "#1b998b", "#c0392b")
PALETTES = (
    ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7"),
    ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"),
    ("#003f5c", "#2f4b7c", "#665191", "#a05195", "#d45087", "#f95d6a", "#ff7c43", "#ffa600"),
    ("#8dd3c7", "#bebada", "#fb8072", "#80b1d3", "#fdb462", "#b3de69", "#fccde5", "#bc80bd"),
    ("#264653", "#2a9d8f", "#e9c46a", "#f4a261", "#e76f51", "#6d597a", "#b56576", "#355070"),
)
CUSTOM_GROUNDS = (  # background, plot background, foreground
    ("white", "white", "#333333"),
    ("#ffffff", "#f4f4f4", "#444444"),
    ("#fafafa", "#ffffff", "rgba(0, 0, 0, .8)"),
    ("#f5f1e8", "#fffdf8", "#3b3b3b"),
    ("#1e1e1e", "#252526", "#cccccc"),
)
INTERPOLATIONS = ("cubic", "hermite", "quadratic")
MONTH_FORMATS = ("%b %Y", "%Y-%m", "%m/%Y", "%b '%y")
DAY_FORMATS = ("%Y-%m-%d", "%d %b", "%b %d", "%d/%m/%y", "%m/%d")


def font_sizes(rng: np.random.Generator, longest: float) -> dict:
    """pygal's default sizes in pixels suit an 800 pixel chart; scale them with the chart."""
    scale = longest / 800 * rng.uniform(0.9, 2.0)
    return {
        "label_font_size": 10 * scale,
        "major_label_font_size": 10 * scale,
        "title_font_size": 16 * scale * rng.uniform(0.9, 1.4),
        "legend_font_size": 14 * scale * rng.uniform(0.7, 1.0),
        "value_font_size": 16 * scale * rng.uniform(0.5, 0.9),
        "value_label_font_size": 10 * scale,
    }


def custom_style(rng: np.random.Generator, settings: dict) -> styles.Style:
    background, plot, foreground = pick(rng, CUSTOM_GROUNDS)
    dark = background == "#1e1e1e"
    return styles.Style(
        background=background,
        plot_background=plot,
        foreground=foreground,
        foreground_strong=foreground,
        foreground_subtle=foreground,
        colors=pick(rng, PALETTES),
        guide_stroke_color=pick(rng, ["#555555", "#999999"] if dark else ["#dddddd", "#bbbbbb"]),
        major_guide_stroke_color=pick(rng, ["#777777"] if dark else ["#cccccc", "#999999"]),
        guide_stroke_dasharray=pick(rng, ["4,4", "2,2", "1,0"]),
        major_guide_stroke_dasharray=pick(rng, ["6,6", "1,0"]),
        **settings,
    )


def random_style(rng: np.random.Generator, longest: float) -> styles.Style:
    """A built-in style mostly, dark about one time in seven; else parametric or custom."""
    font = pick(rng, MONOSPACE) if rng.random() < 0.7 else pick(rng, OTHER_FONTS)
    settings = {"font_family": font, **font_sizes(rng, longest)}
    if rng.random() < 0.4:
        settings["opacity"] = f"{rng.uniform(0.45, 1.0):.2f}"
    chance = rng.random()
    if chance < 0.15:
        return pick(rng, DARK_STYLES)(**settings)
    if chance < 0.25:
        return custom_style(rng, settings)
    if chance < 0.35:
        return pick(rng, PARAMETRIC_STYLES)(
            pick(rng, BASE_COLOURS),
            step=int(rng.integers(4, 9)),
            base_style=pick(rng, LIGHT_STYLES),
            **settings,
        )
    return pick(rng, LIGHT_STYLES)(**settings)


def value_formatter(rng: np.random.Generator, values) -> callable:
    largest = float(np.abs(values).max())
    options = [formatters.default, formatters.human_readable]
    if largest >= 100:
        options += [lambda v: f"{v:,.0f}", lambda v: f"${v:,.0f}", formatters.integer]
    else:
        decimals = int(np.clip(1 - np.floor(np.log10(largest or 1)), 1, 4))
        options += [lambda v: f"{v:.{decimals}f}"]
    return pick(rng, options)


def random_look(rng: np.random.Generator) -> dict:
    """Settings every chart shares: size, style, titles, legend, guides and margins."""
    longest = rng.uniform(420, 1000)
    width, height = sides(longest, random_aspect(rng))
    config = {
        "width": round(width),
        "height": round(height),
        "style": random_style(rng, longest),
        "js": [],  # the tooltip script comes from the web and only adds interactivity
        "title": text.title(rng) if rng.random() < 0.6 else None,
        "show_legend": rng.random() < 0.75,
        "legend_at_bottom": rng.random() < 0.35,
        "legend_box_size": int(rng.integers(8, 18)),
        "show_y_guides": rng.random() < 0.8,
        "show_x_guides": rng.random() < 0.2,
        "x_label_rotation": pick(rng, [0, 0, 0, 0, 20, 30, 45, 90]),
        "margin": int(rng.integers(5, 40)),
        "spacing": int(rng.integers(5, 20)),
        "truncate_legend": pick(rng, [None, None, -1]),
    }
    if config["legend_at_bottom"] and rng.random() < 0.5:
        config["legend_at_bottom_columns"] = int(rng.integers(1, 5))
    if rng.random() < 0.5:
        config["x_title"], config["y_title"] = text.x_label(rng), text.y_label(rng)
    return config


def time_labels(rng: np.random.Generator, x: np.ndarray) -> dict:
    """x as label strings, with only some shown when there are many."""
    if np.issubdtype(x.dtype, np.datetime64):
        formats = MONTH_FORMATS if x.dtype == np.dtype("datetime64[M]") else DAY_FORMATS
        fmt = pick(rng, formats)
        labels = [value.astype("datetime64[D]").item().strftime(fmt) for value in x]
    else:
        labels = [str(value) for value in x]
    shown = int(rng.integers(5, 13))
    if len(labels) <= shown:
        return {"x_labels": labels}
    return {
        "x_labels": labels,
        "x_labels_major_every": int(np.ceil(len(labels) / shown)),
        "show_minor_x_labels": False,
        "truncate_label": -1,  # pygal would shorten labels to fit the hidden ones' room too
    }


def rounded(values: np.ndarray) -> list:
    """Plain floats at four significant digits, as a user's data would be."""
    return [float(f"{value:.4g}") for value in np.ravel(values)]


def scale(config: dict) -> float:
    """Chart pixels per pixel of pygal's default 800 pixel chart."""
    return max(config["width"], config["height"]) / 800


def line_settings(rng: np.random.Generator, config: dict, n_points: int, dots: float) -> dict:
    # pygal's own stroke_style width loses to the style's stroke width, set on each line.
    config["style"].stroke_width = f"{rng.uniform(1, 3.5) * scale(config):.2f}"
    settings = {
        "show_dots": n_points <= 40 and rng.random() < dots,
        "dots_size": rng.uniform(1.5, 5) * scale(config),
    }
    if rng.random() < 0.25:
        settings["interpolate"] = pick(rng, INTERPOLATIONS)
    return settings


def area(rng, config):
    n_series = pick(rng, [1, 1, 2, 3, 4])
    x = data.time_axis(rng, data.count(rng, 6, 80))
    ys = data.trends(rng, n_series, len(x))
    kind = pygal.StackedLine if n_series > 1 and rng.random() < 0.5 else pygal.Line
    chart = kind(
        fill=True,
        include_x_axis=True,
        value_formatter=value_formatter(rng, ys),
        **line_settings(rng, config, len(x), dots=0.4),
        **time_labels(rng, x),
        **config,
    )
    for name, y in zip(text.series_names(rng, n_series), ys, strict=True):
        chart.add(name, rounded(y))
    return chart


def line(rng, config):
    n_series = pick(rng, [1, 1, 1, 2, 2, 3, 4, 5, 6])
    x = data.time_axis(rng, data.count(rng, 5, 120))
    ys = data.trends(rng, n_series, len(x), positive=rng.random() < 0.8)
    settings = line_settings(rng, config, len(x), dots=0.7)
    if rng.random() < 0.15:
        settings["stroke_style"] = {"dasharray": pick(rng, ["6, 3", "3, 3", "10, 4, 2, 4"])}
    chart = pygal.Line(
        include_x_axis=rng.random() < 0.3,
        print_values=n_series == 1 and len(x) <= 12 and rng.random() < 0.3,
        value_formatter=value_formatter(rng, ys),
        **settings,
        **time_labels(rng, x),
        **config,
    )
    for name, y in zip(text.series_names(rng, n_series), ys, strict=True):
        chart.add(name, rounded(y))
    return chart


def bar_settings(rng: np.random.Generator, values: np.ndarray, labels: int) -> dict:
    """Rounded corners and printed values now and then."""
    settings = {"value_formatter": value_formatter(rng, values)}
    if rng.random() < 0.2:
        settings["rounded_bars"] = int(rng.integers(2, 10))
    if values.size <= labels and rng.random() < 0.35:
        settings["print_values"] = True
        settings["print_values_position"] = pick(rng, ["top", "center", "bottom"])
    return settings


def bars(rng, config, horizontal):
    """Single or grouped bars; bar and column differ only in direction."""
    values = data.bar_amounts(rng)
    n_series, n_groups = values.shape
    if horizontal and "x_title" in config:
        config["x_title"], config["y_title"] = config["y_title"], config["x_title"]
    kind = pygal.HorizontalBar if horizontal else pygal.Bar
    chart = kind(x_labels=text.categories(rng, n_groups), **bar_settings(rng, values, 24), **config)
    for name, row in zip(text.series_names(rng, n_series), values, strict=True):
        chart.add(name, rounded(row))
    return chart


def stacked_column(rng, config):
    n_series, n_groups = pick(rng, [2, 2, 3, 3, 4, 5, 6]), int(rng.integers(2, 13))
    values = data.amounts(rng, n_series, n_groups)
    settings = bar_settings(rng, values, 40)
    if rng.random() < 0.3:
        values = values / values.sum(axis=0) * 100
        settings["value_formatter"] = lambda v: f"{v:.0f}%"
    chart = pygal.StackedBar(
        x_labels=text.categories(rng, n_groups),
        stack_from_top=rng.random() < 0.3,
        **settings,
        **config,
    )
    for name, row in zip(text.series_names(rng, n_series), values, strict=True):
        chart.add(name, rounded(row))
    return chart


def histogram(rng, config):
    n_series = pick(rng, [1, 1, 1, 2])
    samples = data.samples(rng, n_series, 200, 3000)
    edges = np.histogram_bin_edges(np.concatenate(samples), data.count(rng, 6, 40))
    edges = rounded(edges)
    density = rng.random() < 0.2
    heights = [np.histogram(sample, edges, density=density)[0] for sample in samples]
    chart = pygal.Histogram(value_formatter=value_formatter(rng, np.array(heights)), **config)
    for name, counts in zip(text.series_names(rng, n_series), heights, strict=True):
        chart.add(name, list(zip(rounded(counts), edges[:-1], edges[1:], strict=True)))
    return chart


def boxplot(rng, config):
    n_groups = int(rng.integers(1, 9))
    samples, names = data.samples(rng, n_groups), text.categories(rng, n_groups)
    if rng.random() < 0.5:
        config["x_labels"] = names
    everything = np.concatenate(samples)
    if rng.random() < 0.85:
        # pygal's box axis reaches zero; move zero to the data so the boxes are not squashed.
        config["zero"] = float(np.clip(0, everything.min(), everything.max()))
    chart = pygal.Box(
        box_mode=pick(rng, ["extremes", "1.5IQR", "1.5IQR", "tukey", "stdev", "pstdev"]),
        value_formatter=value_formatter(rng, everything),
        **config,
    )
    for name, sample in zip(names, samples, strict=True):
        chart.add(name, rounded(sample))
    return chart


def points(rng, config, n, sizes):
    """XY points without lines, one series per group; bubbles when sizes are given."""
    n_groups = pick(rng, [1, 1, 1, 2, 3, 4])
    x, y, group = data.points(rng, n, n_groups)
    chart = pygal.XY(
        stroke=False,
        dots_size=rng.uniform(2, 5) * scale(config) * (0.6 if n > 300 else 1.0),
        value_formatter=value_formatter(rng, y),
        x_value_formatter=value_formatter(rng, x),
        **config,
    )
    radii = sizes(rng, n, config) if sizes else None
    for g, name in enumerate(text.series_names(rng, n_groups)):
        mine = np.flatnonzero(group == g)
        values = list(zip(rounded(x[mine]), rounded(y[mine]), strict=True))
        if radii is not None:
            values = [
                {"value": xy, "node": {"r": float(radii[i])}}
                for xy, i in zip(values, mine, strict=True)
            ]
        chart.add(name, values)
    return chart


def bubble_radii(rng, n, config):
    """Radii in chart pixels, so that areas follow a third variable."""
    largest = rng.uniform(0.05, 0.11) * min(config["width"], config["height"])
    weight = rng.lognormal(0, rng.uniform(0.8, 1.5), n)
    return np.sqrt(np.clip(weight / weight.max(), 0.03, 1.0)) * largest


def scatter_plot(rng, config):
    return points(rng, config, int(rng.integers(25, 600)), None)


def bubble(rng, config):
    config["style"].dot_opacity = f"{rng.uniform(0.45, 0.85):.2f}"
    return points(rng, config, int(rng.integers(6, 45)), bubble_radii)


def wedges(rng, config, donut):
    """A pie, or with a hole in the middle a donut."""
    n = int(rng.integers(2, 9))
    parts = data.shares(rng, n) * 100
    for key in ("x_title", "y_title", "x_label_rotation"):
        config.pop(key, None)
    chart = pygal.Pie(
        inner_radius=rng.uniform(0.3, 0.75) if donut else 0.0,
        print_values=rng.random() < 0.35,
        value_formatter=pick(rng, [lambda v: f"{v:.0f}%", lambda v: f"{v:.1f}%"]),
        **config,
    )
    for name, part in zip(text.categories(rng, n), parts, strict=True):
        chart.add(name, round(float(part), 1))
    return chart


DRAWERS = drawers(globals())

CHARTS = tuple(DRAWERS)


def rasterise(svg: bytes, width: int, height: int, longest: float) -> Image.Image:
    """The SVG as an RGB image, transparent parts (CleanStyle's background) on white."""
    scale = longest / max(width, height)
    png = cairosvg.svg2png(
        bytestring=svg, output_width=round(width * scale), output_height=round(height * scale)
    )
    return flatten(Image.open(io.BytesIO(png)))


def draw(chart: str, rng: np.random.Generator, size: int) -> Image.Image:
    config = random_look(rng)
    svg = DRAWERS[chart](rng, config).render()
    return rasterise(svg, config["width"], config["height"], size * rng.uniform(1.0, 1.5))
