"""The Pillow engine: charts drawn by hand on a Pillow image, the way small scripts and services do.

Flat UI palettes, Pillow's own Aileron font or the DejaVu fonts that ship with matplotlib, and now
and then no anti-aliasing at all. One drawing function per chart class, drawer(canvas, rng).
"""

import colorsys
import math
from functools import cache, partial
from pathlib import Path

import matplotlib
import numpy as np
from PIL import Image, ImageDraw, ImageFont, features

from mlcore.charts import text
from mlcore.charts.base import drawers, smooth_density
from mlcore.charts.text import pick

FLAT_PALETTES = [
    ["#e74c3c", "#3498db", "#2ecc71", "#f1c40f", "#9b59b6", "#1abc9c", "#e67e22", "#34495e"],
    ["#4285f4", "#db4437", "#f4b400", "#0f9d58", "#ab47bc", "#00acc1", "#ff7043", "#9e9d24"],
    ["#264653", "#2a9d8f", "#e9c46a", "#f4a261", "#e76f51", "#8ab17d", "#b5838d", "#6d6875"],
    ["#003f5c", "#2f4b7c", "#665191", "#a05195", "#d45087", "#f95d6a", "#ff7c43", "#ffa600"],
    ["#5b8ff9", "#5ad8a6", "#5d7092", "#f6bd16", "#e8684a", "#6dc8ec", "#9270ca", "#ff9d4d"],
    ["#1f77b4", "#aec7e8", "#ff7f0e", "#ffbb78", "#2ca02c", "#98df8a", "#d62728", "#ff9896"],
]
FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONTS = [
    None,
    None,
    None,
    "DejaVuSans.ttf",
    "DejaVuSerif.ttf",
    "DejaVuSansMono.ttf",
]  # None: Aileron
LIGHT = ["#ffffff", "#ffffff", "#f7f7f7", "#fffdf5", "#f4f6f8"]
DARK = ["#1b1f24", "#202124", "#0f172a", "#2d3436"]


class Canvas:
    """A Pillow image with a plot box, data-to-pixel mapping, axes and flat colours.

    Lengths are given in design pixels and multiplied by s, the image pixels per design pixel:
    the image is drawn ss times too large and shrunk at the end, for smooth edges, unless ss is 1.
    """

    def __init__(self, rng: np.random.Generator, size: int):
        self.rng = rng
        width, height = int(rng.integers(260, 641)), int(rng.integers(200, 481))
        self.ss = 1 if rng.random() < 0.3 else 3
        self.s = size * rng.uniform(1.0, 1.3) / max(width, height) * self.ss
        dark = rng.random() < 0.15
        self.bg = pick(rng, DARK if dark else LIGHT)
        self.fg = "#e6e6e6" if dark else pick(rng, ["#222222", "#444444", "#333333"])
        self.grid = "#3a3f47" if dark else pick(rng, ["#dddddd", "#e8e8e8", "#cccccc"])
        self.palette = [str(c) for c in rng.permutation(pick(rng, FLAT_PALETTES))]
        self.image = Image.new("RGB", (round(width * self.s), round(height * self.s)), self.bg)
        self.draw = ImageDraw.Draw(self.image)
        if self.ss == 1 and rng.random() < 0.5:
            self.draw.fontmode = "1"  # jagged text too
        face = self.face = pick(rng, FONTS)
        self.font = load_font(face, round(int(rng.integers(10, 16)) * self.s))
        self.gridlines = rng.random() < 0.6
        self.values = rng.random() < 0.3
        self.legend_place = pick(rng, ["right", "right", "top", "bottom", None])
        self.box = [
            self.u(int(rng.integers(14, 30))),
            self.u(int(rng.integers(14, 26))),
            self.image.width - self.u(int(rng.integers(14, 30))),
            self.image.height - self.u(int(rng.integers(10, 20))),
        ]
        if rng.random() < 0.7:
            title_font = load_font(face, round(self.font.size * rng.uniform(1.1, 1.6)))
            self.title(text.title(rng), title_font, centred=rng.random() < 0.4)

    def u(self, n: float) -> float:
        """Design pixels in image pixels."""
        return n * self.s

    def w(self, n: float) -> int:
        """A line width in image pixels."""
        return max(1, round(n * self.s))

    def width_of(self, label: str, font=None) -> float:
        return (font or self.font).getlength(label)

    def line_height(self, font=None) -> float:
        return (font or self.font).size * 1.25

    def title(self, label: str, font, centred: bool):
        x = (self.box[0] + self.box[2]) / 2 if centred else self.box[0]
        self.draw.text(
            (x, self.box[1]), label, fill=self.fg, font=font, anchor="ma" if centred else "la"
        )
        self.box[1] += self.line_height(font) + self.u(6)

    def px(self, x, y, xr, yr) -> tuple[float, float]:
        left, top, right, bottom = self.box
        return (
            left + (x - xr[0]) / (xr[1] - xr[0]) * (right - left),
            bottom - (y - yr[0]) / (yr[1] - yr[0]) * (bottom - top),
        )

    def legend(self, names: list[str], colours: list[str], swatch: str = "square"):
        """Names with their colours at the side, above or below the plot; call it before axes."""
        if not self.legend_place or len(names) < 2:
            return
        mark, gap = self.font.size * 0.8, self.u(6)
        entries = [mark + gap + self.width_of(name) for name in names]
        if self.legend_place == "right":
            x = self.box[2] - max(entries)
            self.box[2] = x - self.u(12)
            y = self.box[1] + self.u(4)
            for name, colour in zip(names, colours, strict=True):
                self.swatch(x, y, mark, colour, swatch, name)
                y += self.line_height()
            return
        rows = in_rows(entries, self.box[2] - self.box[0] - self.u(30), 2 * gap)
        height = len(rows) * self.line_height()
        if self.legend_place == "top":
            y = self.box[1]
            self.box[1] += height + self.u(8)
        else:
            y = self.box[3] - height
            self.box[3] = y - self.u(8)
        for row in rows:
            x = self.box[0] + self.u(30)
            for i in row:
                self.swatch(x, y, mark, colours[i], swatch, names[i])
                x += entries[i] + 2 * gap
            y += self.line_height()

    def swatch(self, x, y, mark, colour, swatch, name):
        middle = y + self.font.size * 0.55
        if swatch == "line":
            self.draw.line((x, middle, x + mark, middle), fill=colour, width=self.w(2))
        elif swatch == "circle":
            self.draw.ellipse((x, middle - mark / 2, x + mark, middle + mark / 2), fill=colour)
        else:
            self.draw.rectangle((x, middle - mark / 2, x + mark, middle + mark / 2), fill=colour)
        self.draw.text(
            (x + mark + self.u(6), middle), name, fill=self.fg, font=self.font, anchor="lm"
        )

    def axes(self, xr, yr, x_names=None, y_names=None):
        """Axis lines, a grid now and then and tick labels: numbers, or names at whole numbers."""
        y_ticks = range(len(y_names)) if y_names else nice_ticks(*yr)
        x_ticks = range(len(x_names)) if x_names else nice_ticks(*xr)
        y_labels = y_names or [number(v) for v in y_ticks]
        x_labels = x_names or [number(v) for v in x_ticks]
        self.box[0] += max(self.width_of(label) for label in y_labels) + self.u(8)
        if self.rng.random() < 0.4:
            self.axis_title_above(text.y_label(self.rng))
        if self.rng.random() < 0.3:
            self.box[3] -= self.line_height()
            self.draw.text(
                ((self.box[0] + self.box[2]) / 2, self.box[3] + self.u(2)),
                text.x_label(self.rng),
                fill=self.fg,
                font=self.font,
                anchor="ma",
            )
        angle = self.x_label_angle(x_labels)
        self.box[3] -= self.x_labels_height(x_labels, angle)
        left, top, right, bottom = self.box
        for value, label in zip(y_ticks, y_labels, strict=True):
            _, y = self.px(xr[0], value, xr, yr)
            if self.gridlines and not y_names:
                self.draw.line((left, y, right, y), fill=self.grid, width=self.w(1))
            self.draw.text((left - self.u(4), y), label, fill=self.fg, font=self.font, anchor="rm")
        for value, label in zip(x_ticks, x_labels, strict=True):
            x, _ = self.px(value, yr[0], xr, yr)
            if angle:
                self.slanted_text((x, bottom + self.u(4)), label, angle)
            else:
                self.draw.text(
                    (x, bottom + self.u(4)), label, fill=self.fg, font=self.font, anchor="ma"
                )
        self.draw.line((left, top, left, bottom, right, bottom), fill=self.fg, width=self.w(1))

    def axis_title_above(self, label: str):
        """The value axis's name above its top end, as web charts often put it."""
        if self.face is None:
            label = label.replace("€", "EUR")  # a glyph Aileron lacks
        self.draw.text((self.box[0], self.box[1]), label, fill=self.fg, font=self.font, anchor="la")
        self.box[1] += self.line_height() + self.u(4)

    def x_label_angle(self, labels: list[str]) -> int:
        """0 when the labels fit side by side, else slanted or upright."""
        room = (self.box[2] - self.box[0]) / max(1, len(labels))
        if max(self.width_of(label) for label in labels) < 0.9 * room:
            return 0
        return pick(self.rng, [45, 90])

    def x_labels_height(self, labels: list[str], angle: int) -> float:
        widest = max(self.width_of(label) for label in labels)
        extent = widest * math.sin(math.radians(angle)) + self.font.size
        return extent + self.u(8)

    def slanted_text(self, xy, label: str, angle: int):
        """label turned by angle degrees, its end under the tick at xy."""
        _, _, right, bottom = self.font.getbbox(label)
        mask = Image.new("L", (max(1, right), max(1, bottom)))
        draw = ImageDraw.Draw(mask)
        draw.fontmode = self.draw.fontmode
        draw.text((0, 0), label, fill=255, font=self.font)
        mask = mask.rotate(angle, expand=True, resample=Image.Resampling.BICUBIC)
        x, y = xy
        offset = mask.width / 2 if angle == 90 else mask.width - self.font.size / 2
        self.image.paste(self.fg, (round(x - offset), round(y)), mask)

    def rect(self, x0, y0, x1, y1, xr, yr, colour, outline=None):
        a, b = self.px(x0, y0, xr, yr), self.px(x1, y1, xr, yr)
        box = (min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1]))
        self.draw.rectangle(box, fill=colour, outline=outline)

    def done(self) -> Image.Image:
        if self.ss == 1:
            return self.image
        size = (self.image.width // self.ss, self.image.height // self.ss)
        return self.image.resize(size, Image.Resampling.LANCZOS)


def in_rows(widths: list[float], room: float, gap: float) -> list[list[int]]:
    """The indices of widths in rows no wider than room, in order (at least one a row)."""
    rows, used = [[]], 0.0
    for i, width in enumerate(widths):
        if rows[-1] and used + width > room:
            rows.append([])
            used = 0.0
        rows[-1].append(i)
        used += width + gap
    return rows


@cache
def load_font(face: str | None, size: int) -> ImageFont.FreeTypeFont:
    if face is None:
        return ImageFont.load_default(size=size)
    return ImageFont.truetype(str(FONT_DIR / face), size)


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    step = 10 ** math.floor(math.log10((high - low) / count))
    step *= min((m for m in (1, 2, 5, 10) if (high - low) / (step * m) <= count + 1), default=10)
    first = math.ceil(low / step) * step
    return [round(first + i * step, 10) for i in range(int((high - first) / step) + 1)]


def number(value: float) -> str:
    return f"{value:g}"


def walk(rng: np.random.Generator, n: int) -> np.ndarray:
    """A random walk that stays above 1."""
    value, out = rng.uniform(20, 80), []
    for step in rng.normal(0, 5, n) + rng.uniform(-0.5, 1, n):
        value = max(1.0, value + step)
        out.append(value)
    return np.array(out)


def draws(rng: np.random.Generator, n: int, centre: float = 50, spread: float = 10) -> np.ndarray:
    if rng.random() < 0.5:
        return rng.normal(centre, spread, n)
    return centre - spread + rng.exponential(spread, n)


def grouped_draws(rng: np.random.Generator, n_groups: int, n: int) -> list[np.ndarray]:
    """Samples in the same units: centres a few spreads apart."""
    spread = rng.uniform(3, 15)
    return [draws(rng, n, rng.normal(50, 1.5 * spread), spread) for _ in range(n_groups)]


def area(c: Canvas, rng):
    n = pick(rng, [1, 1, 2, 3])
    points = int(rng.integers(8, 41))
    stacked = np.cumsum([walk(rng, points) for _ in range(n)], axis=0)
    xr, yr = (0, points - 1), (0, stacked[-1].max() * 1.1)
    c.legend(text.series_names(rng, n), c.palette[:n])
    c.axes(xr, yr)
    outline = rng.random() < 0.4
    for k in reversed(range(n)):
        top = [c.px(i, stacked[k][i], xr, yr) for i in range(points)]
        c.draw.polygon([c.px(0, 0, xr, yr), *top, c.px(points - 1, 0, xr, yr)], fill=c.palette[k])
        if outline:
            c.draw.line(top, fill=c.fg, width=c.w(1))


def bars(c: Canvas, rng, horizontal):
    """Single or grouped bars side by side; bar and column differ only in direction."""
    n = pick(rng, [1, 1, 1, 2, 3])
    groups = text.categories(rng, int(rng.integers(3, 9 if n == 1 else 6)))
    values = rng.uniform(5, 100, (n, len(groups)))
    vr, cr = (0, values.max() * 1.15), (-0.6, len(groups) - 0.4)
    half = rng.uniform(0.25, 0.42)
    one_colour = n > 1 or rng.random() < 0.5
    if n > 1:
        c.legend(text.series_names(rng, n), c.palette[:n])
    if horizontal:
        c.axes(vr, cr, y_names=groups)
    else:
        c.axes(cr, vr, x_names=groups)
    slot = 2 * half / n
    for k, row in enumerate(values):
        for i, value in enumerate(row):
            colour = c.palette[k] if one_colour else c.palette[i % len(c.palette)]
            low = i - half + k * slot
            if horizontal:
                c.rect(0, low, value, low + slot, vr, cr, colour)
            else:
                c.rect(low, 0, low + slot, value, cr, vr, colour)
            if c.values and n == 1:
                value_label(c, (value, i) if horizontal else (i, value), vr, cr, horizontal)


def value_label(c: Canvas, xy, vr, cr, horizontal):
    """The bar's value just past its end."""
    if horizontal:
        x, y = c.px(*xy, vr, cr)
        c.draw.text((x + c.u(3), y), f"{xy[0]:.0f}", fill=c.fg, font=c.font, anchor="lm")
    else:
        x, y = c.px(*xy, cr, vr)
        c.draw.text((x, y - c.u(2)), f"{xy[1]:.0f}", fill=c.fg, font=c.font, anchor="md")


def stacked_column(c: Canvas, rng):
    groups = text.categories(rng, int(rng.integers(3, 9)))
    parts = rng.uniform(5, 40, (int(rng.integers(2, 5)), len(groups)))
    tops = np.cumsum(parts, axis=0)
    xr, yr = (-0.6, len(groups) - 0.4), (0, tops[-1].max() * 1.1)
    c.legend(text.series_names(rng, len(parts)), c.palette[: len(parts)])
    c.axes(xr, yr, x_names=groups)
    half = rng.uniform(0.25, 0.4)
    outline = pick(rng, [None, None, c.bg])
    for i in range(len(groups)):
        for k in range(len(parts)):
            bottom = tops[k - 1][i] if k else 0
            c.rect(i - half, bottom, i + half, tops[k][i], xr, yr, c.palette[k], outline)


def histogram(c: Canvas, rng):
    values = draws(rng, int(rng.integers(200, 2001)))
    counts, edges = np.histogram(values, int(rng.integers(10, 36)))
    xr, yr = (edges[0], edges[-1]), (0, counts.max() * 1.1)
    c.axes(xr, yr)
    outline = pick(rng, [None, c.bg, c.fg])
    for count, low, high in zip(counts, edges, edges[1:], strict=False):
        c.rect(low, 0, high, count, xr, yr, c.palette[0], outline)


def quartiles(values: np.ndarray) -> np.ndarray:
    return np.percentile(values, [2, 25, 50, 75, 98])


def sample_axes(c: Canvas, rng, most_groups: int, n: int):
    """Samples of n for two groups or more, below most_groups, on axes that name the groups."""
    groups = text.categories(rng, int(rng.integers(2, most_groups)))
    samples = grouped_draws(rng, len(groups), n)
    xr = (-0.6, len(groups) - 0.4)
    yr = (min(map(min, samples)) - 5, max(map(max, samples)) + 5)
    c.axes(xr, yr, x_names=groups)
    return samples, xr, yr


def boxplot(c: Canvas, rng):
    samples, xr, yr = sample_axes(c, rng, 7, 100)
    half = rng.uniform(0.15, 0.35)
    filled, fliers = rng.random() < 0.6, rng.random() < 0.6
    for i, sample in enumerate(samples):
        low, q1, median, q3, high = quartiles(sample)
        c.draw.line((c.px(i, low, xr, yr), c.px(i, high, xr, yr)), fill=c.fg, width=c.w(1))
        for end in (low, high):
            ends = (c.px(i - half / 2, end, xr, yr), c.px(i + half / 2, end, xr, yr))
            c.draw.line(ends, fill=c.fg, width=c.w(1))
        fill = c.palette[i % len(c.palette)] if filled else c.bg
        c.rect(i - half, q1, i + half, q3, xr, yr, fill, outline=c.fg)
        middle = (c.px(i - half, median, xr, yr), c.px(i + half, median, xr, yr))
        c.draw.line(middle, fill=c.fg, width=c.w(2))
        for value in sample[(sample < low) | (sample > high)] if fliers else []:
            x, y = c.px(i, value, xr, yr)
            d = c.u(2.5)
            c.draw.ellipse((x - d, y - d, x + d, y + d), outline=c.fg, width=c.w(1))


def violin_plot(c: Canvas, rng):
    samples, xr, yr = sample_axes(c, rng, 6, 200)
    for i, sample in enumerate(samples):
        ys = np.linspace(sample.min(), sample.max(), 61)
        density = smooth_density(sample, ys, peak=0.4)
        right = [c.px(i + d, y, xr, yr) for y, d in zip(ys, density, strict=True)]
        left = [c.px(i - d, y, xr, yr) for y, d in zip(ys, density, strict=True)]
        c.draw.polygon(right + left[::-1], fill=c.palette[i % len(c.palette)], outline=c.fg)
        _, q1, median, q3, _ = quartiles(sample)
        c.draw.line((c.px(i, q1, xr, yr), c.px(i, q3, xr, yr)), fill=c.fg, width=c.w(3))
        x, y = c.px(i, median, xr, yr)
        d = c.u(3)
        c.draw.ellipse((x - d, y - d, x + d, y + d), fill="white")


def points(c: Canvas, rng, bubbles):
    n = int(rng.integers(8, 31)) if bubbles else int(rng.integers(40, 401))
    n_groups = pick(rng, [1, 1, 2, 3])
    xs = rng.uniform(0, 100, n)
    ys = 50 + rng.uniform(-1, 1) * (xs - 50) + rng.normal(0, 15, n)
    group = rng.integers(n_groups, size=n)
    xr, yr = (-5, 105), (ys.min() - 10, ys.max() + 10)
    c.legend(text.series_names(rng, n_groups), c.palette[:n_groups], swatch="circle")
    c.axes(xr, yr)
    base = rng.uniform(2, 4) if bubbles else rng.uniform(2, 5)
    radii = base * rng.uniform(1.5, 8, n) if bubbles else np.full(n, base)
    outline = c.bg if bubbles else None
    for x, y, g, radius in zip(xs, ys, group, radii, strict=True):
        cx, cy = c.px(x, y, xr, yr)
        r = c.u(radius)
        c.draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=c.palette[g], outline=outline)


bubble = partial(points, bubbles=True)
scatter_plot = partial(points, bubbles=False)


def line(c: Canvas, rng):
    n = pick(rng, [1, 1, 2, 3, 4])
    n_points = int(rng.integers(8, 51))
    series = [walk(rng, n_points) for _ in range(n)]
    xr, yr = (0, n_points - 1), (0, max(s.max() for s in series) * 1.15)
    c.legend(text.series_names(rng, n), c.palette[:n], swatch="line")
    c.axes(xr, yr)
    dots = rng.random() < 0.4
    width = int(rng.integers(1, 4))
    for k, s in enumerate(series):
        xy = [c.px(i, v, xr, yr) for i, v in enumerate(s)]
        c.draw.line(xy, fill=c.palette[k], width=c.w(width), joint="curve")
        for x, y in xy if dots else []:
            d = c.u(3)
            c.draw.ellipse((x - d, y - d, x + d, y + d), fill=c.palette[k])


def wedges(c: Canvas, rng, donut):
    n = int(rng.integers(2, 8))
    values = rng.uniform(1, 10, n)
    names = text.categories(rng, n)
    colours = [c.palette[k % len(c.palette)] for k in range(n)]
    named = not c.legend_place or rng.random() < 0.4
    room = c.u(8) + max(c.width_of(name) for name in names)
    left, top, right, bottom = c.box
    if (right - left) / 2 - room < 0.3 * min(right - left, bottom - top) / 2:
        named = False  # names beside the pie would leave it too small
    if not named:
        c.legend(names, colours)
    left, top, right, bottom = c.box
    if named:
        radius = min((right - left) / 2 - room, (bottom - top) / 2 - c.u(8) - c.font.size)
    else:
        radius = min(right - left, bottom - top) / 2
    cx, cy = (left + right) / 2, (top + bottom) / 2
    start = rng.uniform(0, 360)
    hole = radius * rng.uniform(0.45, 0.7) if donut else 0
    for name, colour, share in zip(names, colours, values / values.sum(), strict=True):
        sweep = 360 * share
        box = (cx - radius, cy - radius, cx + radius, cy + radius)
        c.draw.pieslice(box, start, start + sweep, fill=colour, outline=c.bg, width=c.w(1))
        middle = math.radians(start + sweep / 2)
        if named:
            at = radius + c.u(6)
            anchor = "lm" if math.cos(middle) >= 0 else "rm"
            xy = (cx + at * math.cos(middle), cy + at * math.sin(middle))
            c.draw.text(xy, name, fill=c.fg, font=c.font, anchor=anchor)
        if c.values and sweep > 20:
            at = (radius + hole) / 2 if donut else radius * 0.62
            xy = (cx + at * math.cos(middle), cy + at * math.sin(middle))
            c.draw.text(xy, f"{share:.0%}", fill="white", font=c.font, anchor="mm")
        start += sweep
    if donut:
        c.draw.ellipse((cx - hole, cy - hole, cx + hole, cy + hole), fill=c.bg)


def heatmap(c: Canvas, rng):
    rows = text.categories(rng, int(rng.integers(3, 9)))
    cols = [str(i) for i in range(1, int(rng.integers(5, 15)))]
    values = rng.random((len(rows), len(cols)))
    low, high = colour_pair(rng)
    if rng.random() < 0.75:
        colour_bar(c, low, high)
    xr, yr = (-0.5, len(cols) - 0.5), (-0.5, len(rows) - 0.5)
    c.axes(xr, yr, x_names=cols, y_names=rows)
    gap = pick(rng, [0, 1, 2]) * c.s
    cell = c.px(1, 0, xr, yr)[0] - c.px(0, 0, xr, yr)[0]
    annotate = c.values and c.width_of("100") < 0.8 * cell
    for (i, j), t in np.ndenumerate(values):
        a, b = c.px(j - 0.5, i - 0.5, xr, yr), c.px(j + 0.5, i + 0.5, xr, yr)
        box = (a[0] + gap, b[1] + gap, b[0] - gap, a[1] - gap)
        c.draw.rectangle(box, fill=mix(low, high, t))
        if annotate:
            ink = "white" if t > 0.55 else "#222222"
            middle = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
            c.draw.text(middle, f"{100 * t:.0f}", fill=ink, font=c.font, anchor="mm")


def colour_pair(rng: np.random.Generator) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """A pale and a dark colour of nearby hues."""
    hue = rng.random()
    low = colorsys.hls_to_rgb(hue, 0.95, 0.6)
    high = colorsys.hls_to_rgb((hue + rng.uniform(0, 0.3)) % 1, 0.3, 0.8)
    return tuple(round(v * 255) for v in low), tuple(round(v * 255) for v in high)


def mix(low, high, t: float) -> tuple[int, ...]:
    return tuple(round(a + (b - a) * t) for a, b in zip(low, high, strict=True))


def colour_bar(c: Canvas, low, high):
    """A vertical colour scale from 0 to 100 at the right of the plot; call it before axes."""
    labels = ["0", "50", "100"]
    width = c.u(12)
    x = c.box[2] - max(c.width_of(label) for label in labels) - c.u(4) - width
    c.box[2] = x - c.u(14)
    top, bottom = c.box[1] + c.u(4), c.box[3] - c.u(30)
    for y in range(round(top), round(bottom)):
        c.draw.line((x, y, x + width, y), fill=mix(low, high, (bottom - y) / (bottom - top)))
    for label, t in zip(labels, (0, 0.5, 1), strict=True):
        y = bottom - t * (bottom - top)
        c.draw.text((x + width + c.u(4), y), label, fill=c.fg, font=c.font, anchor="lm")


DRAWERS = drawers(globals())

CHARTS = tuple(DRAWERS)


def missing() -> str | None:
    return None if features.check("freetype2") else "Pillow was built without FreeType"


def draw(chart: str, rng: np.random.Generator, size: int) -> Image.Image:
    canvas = Canvas(rng, size)
    DRAWERS[chart](canvas, rng)
    return canvas.done()
