"""A matplotlib or seaborn chart's look: style sheet or theme, colours, font, size, what to show."""

from dataclasses import dataclass

import matplotlib as mpl
import numpy as np
import seaborn as sns
from matplotlib import colors as mcolors
from matplotlib import font_manager

from mlcore.charts import text
from mlcore.charts.base import random_aspect, sides
from mlcore.charts.text import pick

SHEETS = sorted(name for name in mpl.style.library if not name.startswith("_"))
SEABORN_STYLES = ["darkgrid", "whitegrid", "dark", "white", "ticks"]
SEABORN_CONTEXTS = ["paper", "notebook", "talk"]
FONTS = [
    "DejaVu Sans", "DejaVu Serif", "DejaVu Sans Mono", "STIXGeneral", "Liberation Sans",
    "Liberation Serif", "Liberation Sans Narrow", "Liberation Mono", "Noto Sans", "Noto Serif",
    "Noto Sans Mono", "Open Sans", "Lato", "Roboto", "Ubuntu", "Cantarell", "FreeSans",
    "FreeSerif", "Source Sans Pro", "Carlito", "Caladea",
]  # fmt: skip
INSTALLED_FONTS = [
    name for name in FONTS if name in {f.name for f in font_manager.fontManager.ttflist}
]
QUALITATIVE = [
    "tab10", "tab20", "tab20b", "tab20c", "Set1", "Set2", "Set3", "Dark2", "Paired", "Accent",
    "Pastel1", "Pastel2",
]  # fmt: skip
RAMPS = [
    "viridis", "plasma", "magma", "cividis", "Blues", "Greens", "Oranges", "Purples", "Reds",
    "coolwarm", "Spectral", "RdYlBu", "cubehelix", "YlGnBu", "PuBuGn", "BrBG", "winter", "cool",
    "rocket", "mako", "flare", "crest",
]  # fmt: skip
HEATMAP_CMAPS = [*RAMPS, "inferno", "RdBu", "YlOrRd", "hot", "Greys", "turbo", "vlag", "icefire"]
DARK_BACKGROUNDS = ["#000000", "#111111", "#1e1e1e", "#22272e", "#0d1117", "#1a1a2e", "#2b2b2b"]
LIGHT_BACKGROUNDS = ["#ffffff", "#fafafa", "#f5f5f0", "#eef2f7", "#fdf6e3", "#f0f0f0", "#e8e8e8"]
LUMA = np.array([0.299, 0.587, 0.114])  # lightness of an RGB colour
LAYOUTS = ["constrained", "tight", None, None, None]  # None: random fixed margins (fastest)


@dataclass(frozen=True)
class Look:
    styles: list  # for matplotlib.style.context: a style sheet or seaborn theme, then overrides
    palette: tuple[str, ...]  # series colours; empty: the style's own colour cycle
    ramp: bool  # the palette is a colour ramp: spread few series over all of it
    cmap: str  # for colour scales
    figsize: tuple[float, float]  # inches
    dpi: float
    layout: str | None
    margins: dict  # subplot margins when there is no layout engine
    title: str | None
    axis_labels: bool
    legend: bool
    values: bool  # numbers on bars, wedges and cells
    notes: bool  # a note with an arrow, a reference line, a source line

    def colours(self, n: int) -> list[str]:
        """n series colours that stand out from the background; call it in the style context."""
        palette = self.palette or mpl.rcParams["axes.prop_cycle"].by_key()["color"]
        if self.ramp:
            chosen = np.linspace(0, len(palette) - 1, n).round().astype(int)
        else:
            chosen = np.arange(n) % len(palette)
        background = mpl.rcParams["axes.facecolor"]
        return [visible(palette[i], background) for i in chosen]


def random_look(rng: np.random.Generator, size: int) -> Look:
    longest = rng.uniform(3.0, 7.5)
    figsize = sides(longest, random_aspect(rng))
    palette, ramp = random_palette(rng)
    return Look(
        styles=[base_style(rng), overrides(rng), font_sizes(rng, longest)],
        palette=palette,
        ramp=ramp,
        cmap=pick(rng, HEATMAP_CMAPS) + ("_r" if rng.random() < 0.2 else ""),
        figsize=figsize,
        dpi=size * rng.uniform(1.0, 1.5) / longest,
        layout=pick(rng, LAYOUTS),
        margins={
            "left": rng.uniform(0.1, 0.2),
            "right": rng.uniform(0.88, 0.97),
            "bottom": rng.uniform(0.12, 0.22),
            "top": rng.uniform(0.84, 0.93),
        },
        title=text.title(rng) if rng.random() < 0.6 else None,
        axis_labels=rng.random() < 0.6,
        legend=rng.random() < 0.65,
        values=rng.random() < 0.35,
        notes=rng.random() < 0.25,
    )


def base_style(rng: np.random.Generator):
    """A matplotlib style sheet by name, or a seaborn theme as a dict of rc settings."""
    if rng.random() < 0.6:
        return pick(rng, SHEETS)
    context = sns.plotting_context(pick(rng, SEABORN_CONTEXTS))
    return {**sns.axes_style(pick(rng, SEABORN_STYLES)), **context}


def font_sizes(rng: np.random.Generator, longest: float) -> dict:
    """Text sizes in proportion to the figure, from small print to poster lettering."""
    base = longest * rng.uniform(1.3, 2.8)
    title = base * rng.uniform(1.0, 1.6)
    ticks = base * rng.uniform(0.75, 1.0)
    legend = base * rng.uniform(0.7, 1.0)
    return {
        "font.size": base,
        "axes.titlesize": title,
        "figure.titlesize": title,
        "axes.labelsize": base * rng.uniform(0.9, 1.2),
        "xtick.labelsize": ticks,
        "ytick.labelsize": ticks,
        "legend.fontsize": legend,
        "legend.title_fontsize": legend,
    }


def overrides(rng: np.random.Generator) -> dict:
    """Font, lines, grid, spines and sometimes a dark or tinted theme, over the base style."""
    rc = {
        "font.family": pick(rng, INSTALLED_FONTS or ["DejaVu Sans"]),
        "axes.titleweight": pick(rng, ["normal", "bold"]),
        "axes.titlelocation": pick(rng, ["center", "center", "left"]),
        "xtick.direction": pick(rng, ["out", "in"]),
        "ytick.direction": pick(rng, ["out", "in"]),
        "legend.frameon": rng.random() < 0.6,
        "lines.linewidth": rng.uniform(1, 3),
        "axes.unicode_minus": rng.random() < 0.5,
    }
    if rng.random() < 0.5:
        rc["axes.grid"] = rng.random() < 0.5
        rc["axes.grid.axis"] = pick(rng, ["both", "x", "y"])
        rc["grid.linestyle"] = pick(rng, ["-", "--", ":"])
    spines = rng.random()
    if spines < 0.5:
        rc["axes.spines.top"] = rc["axes.spines.right"] = False
    if spines < 0.15:
        rc["axes.spines.left"] = False
    if spines < 0.05:
        rc["axes.spines.bottom"] = False
    if rng.random() < 0.04:
        rc["path.sketch"] = (rng.uniform(0.5, 2), rng.uniform(50, 150), rng.uniform(1, 3))
    theme = rng.random()
    if theme < 0.25:
        rc |= colour_theme(
            pick(rng, DARK_BACKGROUNDS), pick(rng, ["#ffffff", "#dddddd", "#bbbbbb"])
        )
    elif theme < 0.45:
        rc |= colour_theme(
            pick(rng, LIGHT_BACKGROUNDS), pick(rng, ["#000000", "#333333", "#555555"])
        )
    return rc


def colour_theme(background: str, foreground: str) -> dict:
    rc = {key: background for key in ("figure.facecolor", "axes.facecolor", "savefig.facecolor")}
    rc |= {
        key: foreground
        for key in (
            "text.color", "axes.labelcolor", "xtick.color", "ytick.color", "axes.edgecolor",
            "lines.color", "boxplot.boxprops.color", "boxplot.whiskerprops.color",
            "boxplot.capprops.color", "boxplot.medianprops.color", "boxplot.flierprops.color",
            "boxplot.flierprops.markeredgecolor", "legend.edgecolor",
        )
    }  # fmt: skip
    rc["legend.facecolor"] = background
    mix = 0.75 * np.array(mcolors.to_rgb(background)) + 0.25 * np.array(mcolors.to_rgb(foreground))
    rc["grid.color"] = mcolors.to_hex(mix)
    return rc


def random_palette(rng: np.random.Generator) -> tuple[tuple[str, ...], bool]:
    kind = rng.random()
    if kind < 0.3:
        return (), False
    if kind < 0.6:
        colours = mpl.colormaps[pick(rng, QUALITATIVE)].colors
        start = int(rng.integers(len(colours)))
        return tuple(mcolors.to_hex(c) for c in colours[start:] + colours[:start]), False
    if kind < 0.8:
        low, high = rng.uniform(0.25, 0.4), rng.uniform(0.75, 0.95)  # the ends can be near white
        cmap = mpl.colormaps[pick(rng, RAMPS)]
        points = np.linspace(low, high, 12)[:: pick(rng, [1, -1])]
        return tuple(mcolors.to_hex(cmap(p)) for p in points), True
    hue, step = rng.random(), pick(rng, [0.618, 0.15, 0.08])
    saturation, value = rng.uniform(0.35, 0.9), rng.uniform(0.55, 0.95)
    hsv = [((hue + i * step) % 1, saturation, value) for i in range(12)]
    return tuple(mcolors.to_hex(c) for c in mcolors.hsv_to_rgb(hsv)), False


def visible(colour, background, contrast: float = 0.15) -> str:
    """colour, moved towards black or white until its lightness differs enough from background's."""
    rgb = np.array(mcolors.to_rgb(colour))
    now, back = rgb @ LUMA, np.array(mcolors.to_rgb(background)) @ LUMA
    if abs(now - back) >= contrast:
        return mcolors.to_hex(rgb)
    towards = 0.0 if back > 0.5 else 1.0  # black on light backgrounds, white on dark ones
    wanted = back - contrast if towards == 0.0 else back + contrast
    share = (wanted - now) / (towards - now)  # of the way from colour to black or white
    return mcolors.to_hex(rgb + share * (towards - rgb))
