"""The office engine's themes: the defaults of Excel 97-2003, 2007/2010 and 2013 to 365,
LibreOffice Calc and Google Sheets as data, and what users change in them."""

from dataclasses import dataclass, fields, replace

import numpy as np
from matplotlib import colors as mcolors
from matplotlib import font_manager

from mlcore.charts.text import pick

OFFICE_2013 = ("#4472C4", "#ED7D31", "#A5A5A5", "#FFC000", "#5B9BD5", "#70AD47")
OFFICE_2023 = ("#156082", "#E97132", "#196B24", "#0F9ED5", "#A02B93", "#4EA72E")
OFFICE_2007 = ("#4F81BD", "#C0504D", "#9BBB59", "#8064A2", "#4BACC6", "#F79646")
EXCEL_2003 = ("#9999FF", "#993366", "#FFFFCC", "#CCFFFF", "#660066", "#FF8080", "#0066CC")
EXCEL_2003_LINES = ("#000080", "#FF00FF", "#FFFF00", "#00FFFF", "#800080", "#800000", "#008080")
LIBREOFFICE = ("#004586", "#FF420E", "#FFD320", "#579D1C", "#7E0021", "#83CAFF", "#314004")
SHEETS = ("#4285F4", "#DB4437", "#F4B400", "#0F9D58", "#AB47BC", "#00ACC1", "#FF7043")
SHEETS_NEW = ("#4285F4", "#EA4335", "#FBBC04", "#34A853", "#FF6D01", "#46BDC6", "#7BAAF7")
DARK_BACKGROUNDS = ("#404040", "#262626", "#000000", "#1F3864", "#3B3838", "#203864")
INSTALLED = {font.name for font in font_manager.fontManager.ttflist}
LUMA = np.array([0.299, 0.587, 0.114])


def font(*names: str) -> str:
    """The first of names installed here (Liberation stands in for Arial, Calibri and Times)."""
    return next((name for name in names if name in INSTALLED), "DejaVu Sans")


@dataclass(frozen=True)
class Theme:
    palette: tuple[str, ...]  # fills of bars, slices and areas
    lines: tuple[str, ...]  # colours of lines and markers
    font: str
    size: float  # axis text, points
    title_size: float
    title_bold: bool
    title_left: bool
    text: str
    title_colour: str
    background: str  # the chart area
    plot: str  # the plot area
    plot_edge: str | None
    grid: str
    axis: str
    value_line: bool  # a line along the value axis as well as the category axis
    ticks: float  # tick mark length, points
    border: str | None  # around the chart area
    legend: str  # right, bottom, top or left
    legend_edge: str | None
    markers: tuple[str, ...]
    line_width: float
    edge: str | None  # outline of bars and slices
    gap: float  # between clusters of bars, in bar widths
    overlap: float  # space between the bars of a cluster, in bar widths
    hole: float  # of a donut, a fraction of its radius
    clockwise: bool
    gradient: float  # the chance of gradient fills
    sheet: str  # the row and column headers of a spreadsheet

    def colours(self, n: int, lines: bool = False) -> list[str]:
        """n series colours; past the palette, darker shades of it, as Excel does."""
        palette = self.lines if lines else self.palette
        return [darker(palette[i % len(palette)], 0.25 * (i // len(palette))) for i in range(n)]


@dataclass(frozen=True)
class Either:
    """A setting drawn for each chart: first with the given chance, else second."""

    chance: float
    first: object
    second: object

    def draw(self, rng: np.random.Generator):
        return self.first if rng.random() < self.chance else self.second


@dataclass(frozen=True)
class Between:
    """A setting drawn for each chart, evenly from low to high."""

    low: float
    high: float

    def draw(self, rng: np.random.Generator):
        return rng.uniform(self.low, self.high)


@dataclass(frozen=True)
class OneOf:
    """A setting drawn for each chart, one of the options."""

    options: tuple

    def draw(self, rng: np.random.Generator):
        return pick(rng, self.options)


CALIBRI, ARIAL = font("Carlito", "Liberation Sans"), font("Liberation Sans")
MARKERS_2003 = ("D", "s", "^", "x", "*", "o")
# Each product's defaults, a column each; a setting that varies is drawn in Theme's field order.
PRODUCTS = ("excel_2013", "excel_2007", "excel_2003", "libreoffice", "google_sheets")
DEFAULTS = {
    "palette": (
        Either(0.25, OFFICE_2023, OFFICE_2013), OFFICE_2007, EXCEL_2003, LIBREOFFICE,
        Either(0.5, SHEETS_NEW, SHEETS),
    ),
    "lines": (
        OFFICE_2013, OFFICE_2007, EXCEL_2003_LINES, LIBREOFFICE, Either(0.5, SHEETS_NEW, SHEETS),
    ),
    "font": (
        CALIBRI, CALIBRI, ARIAL, Either(0.5, font("DejaVu Sans", "Liberation Sans"), ARIAL),
        font("Roboto", "Liberation Sans"),
    ),
    "size":         (9,          10,         10,         10,         9),
    "title_size":   (14,         18,         12,         13,         12),
    "title_bold":   (False,      True,       True,       False,      Either(0.3, True, False)),
    "title_left":   (False,      False,      False,      False,      Either(0.7, True, False)),
    "text":         ("#595959",  "#000000",  "#000000",  "#000000",  "#444444"),
    "title_colour": ("#595959",  "#000000",  "#000000",  "#000000",  OneOf(("#000000", "#757575"))),
    "background":   ("#FFFFFF",  "#FFFFFF",  "#FFFFFF",  "#FFFFFF",  "#FFFFFF"),
    "plot": (
        "#FFFFFF", "#FFFFFF", Either(0.8, "#C0C0C0", "#FFFFFF"), Either(0.8, "#FFFFFF", "#E6E6E6"),
        "#FFFFFF",
    ),
    "plot_edge":    (None,       None,       "#808080",  "#B3B3B3",  None),
    "grid":         ("#D9D9D9",  "#868686",  "#000000",  "#B3B3B3",  "#CCCCCC"),
    "axis":         ("#D9D9D9",  "#868686",  "#000000",  "#B3B3B3",  "#333333"),
    "value_line":   (False,      True,       True,       True,       False),
    "ticks":        (0,          4,          4,          3,          0),
    "border":       ("#D9D9D9",  "#868686",  "#000000",  None,       None),
    "legend": (
        "bottom", "right", "right", "right", OneOf(("right", "top", "bottom")),
    ),
    "legend_edge":  (None,       None,       "#000000",  None,       None),
    "markers": (
        ("o",), (*MARKERS_2003, "+"), MARKERS_2003, ("s", "D", "v", "^", ">", "<"), ("o",),
    ),
    "line_width":   (2.25,       2.25,       Between(1.0, 2.0),  Between(0.8, 2.0),  1.5),
    "edge":         ("#FFFFFF",  None,       "#000000",  None,       "#FFFFFF"),
    "gap":          (2.19,       1.5,        1.5,        1.0,        0.6),
    "overlap":      (0.27,       0.0,        0.0,        0.0,        0.0),
    "hole":         (0.75,       0.5,        0.5,        0.5,        0.5),
    "clockwise":    (True,       True,       True,       Either(0.5, True, False),  True),
    "gradient":     (0.08,       0.3,        0.15,       0.1,        0.0),
    "sheet":        ("#E6E6E6",  "#DCE6F1",  "#D4D0C8",  "#EBEBEB",  "#F8F9FA"),
}  # fmt: skip
# How often each product is drawn: Excel 2013 and later three times in nine, and so on.
SHARES = ["excel_2013"] * 3 + ["excel_2007"] * 2 + ["excel_2003", "libreoffice"]
SHARES += ["google_sheets"] * 2


def product_theme(rng: np.random.Generator, product: str) -> Theme:
    """A product's defaults, with the settings that vary drawn from rng."""
    column = PRODUCTS.index(product)
    settings = {}
    for setting in fields(Theme):
        value = DEFAULTS[setting.name][column]
        settings[setting.name] = value.draw(rng) if hasattr(value, "draw") else value
    return Theme(**settings)


def random_theme(rng: np.random.Generator) -> Theme:
    """A product's defaults, then what users change: fonts, sizes, colours, legend, frame."""
    theme = product_theme(rng, pick(rng, SHARES))
    scale = rng.uniform(0.85, 1.35)
    theme = replace(theme, size=theme.size * scale, title_size=theme.title_size * scale)
    if rng.random() < 0.12:
        theme = replace(theme, font=font(pick(rng, ["Liberation Serif", "Liberation Sans Narrow"])))
    if rng.random() < 0.1:
        accent = pick(rng, theme.palette[:2])
        theme = replace(theme, palette=monochrome(accent), lines=monochrome(accent))
    if rng.random() < 0.3:
        theme = replace(theme, legend=pick(rng, ["right", "left", "bottom", "top"]))
    if rng.random() < 0.3:
        theme = replace(theme, border=None if theme.border else "#D9D9D9")
    if rng.random() < 0.15:
        theme = dark(rng, theme)
    return theme


def monochrome(accent: str) -> tuple[str, ...]:
    """Excel's monochromatic palettes: shades of one accent colour."""
    return (
        darker(accent, 0.45),
        lighter(accent, 0.3),
        darker(accent, 0.2),
        lighter(accent, 0.55),
        accent,
        lighter(accent, 0.75),
    )


def dark(rng: np.random.Generator, theme: Theme) -> Theme:
    """The dark chart styles: light text and lines on a black, grey or navy chart area."""
    background = pick(rng, DARK_BACKGROUNDS)
    foreground = pick(rng, ["#FFFFFF", "#D9D9D9", "#F2F2F2"])
    return replace(
        theme,
        text=foreground,
        title_colour=foreground,
        background=background,
        plot=background,
        plot_edge=None,
        grid=mix(background, foreground, 0.3),
        axis=mix(background, foreground, 0.5),
        border=None,
        legend_edge=None,
        edge=background if theme.edge else None,
        palette=tuple(seen_on(colour, background) for colour in theme.palette),
        lines=tuple(seen_on(colour, background) for colour in theme.lines),
    )


def seen_on(colour: str, background: str) -> str:
    """colour, lightened where it would sink into a dark background."""
    gap = (np.array(mcolors.to_rgb(colour)) - np.array(mcolors.to_rgb(background))) @ LUMA
    return lighter(colour, 0.5) if gap < 0.2 else colour


def darker(colour: str, amount: float) -> str:
    return mcolors.to_hex(np.array(mcolors.to_rgb(colour)) * (1 - amount))


def lighter(colour: str, amount: float) -> str:
    rgb = np.array(mcolors.to_rgb(colour))
    return mcolors.to_hex(rgb + (1 - rgb) * amount)


def mix(colour: str, other: str, share: float) -> str:
    rgb, other_rgb = np.array(mcolors.to_rgb(colour)), np.array(mcolors.to_rgb(other))
    return mcolors.to_hex(rgb * (1 - share) + other_rgb * share)


def ink_on(colour) -> str:
    """Black or white text, whichever reads on colour."""
    return "#000000" if np.array(mcolors.to_rgb(colour)) @ LUMA > 0.55 else "#FFFFFF"
