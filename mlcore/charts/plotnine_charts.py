"""The plotnine engine: ggplot2's grammar of graphics, in its themes, scales and facets.

Each drawer builds a ggplot of the chart's data in a random look; draw() adds the theme, the
changes users make to it, the labels and the size. Pie and donut are polygons on fixed axes,
since plotnine has no polar coordinates; with theme_void and the hue palette they look like
ggplot2's polar pies.
"""

import warnings
from dataclasses import dataclass, field

import matplotlib as mpl
import numpy as np
import pandas as pd
import plotnine as p9
from PIL import Image

from mlcore.charts import data, text
from mlcore.charts.base import (
    ROUND,
    drawers,
    flatten,
    image,
    points_frame,
    random_aspect,
    samples_frame,
    seed,
    sides,
)
from mlcore.charts.text import pick

FONTS = ["DejaVu Sans", "Liberation Sans", "Liberation Serif", "DejaVu Serif", "Liberation Mono"]
THEMES = [
    "grey", "grey", "grey", "grey", "bw", "bw", "minimal", "minimal", "minimal", "classic",
    "classic", "light", "light", "linedraw", "dark", "seaborn", "seaborn", "538", "tufte",
    "matplotlib",
]  # fmt: skip
DARK_BASES = ["grey", "minimal", "bw", "classic"]
DARK_COLOURS = [  # background, panel, grid, text
    ("#222222", "#2b2b2b", "#444444", "#eeeeee"),
    ("#000000", "#111111", "#333333", "#dddddd"),
    ("#1e1e2e", "#1e1e2e", "#3a3a50", "#e0e0f0"),
    ("#2d3436", "#3b4446", "#556064", "#f5f5f5"),
    ("#0d1b2a", "#1b263b", "#33415c", "#e0e1dd"),
]
QUALITATIVE = ["Set1", "Set2", "Set3", "Dark2", "Paired", "Pastel1", "Pastel2", "Accent"]
SEQUENTIAL = ["Blues", "Greens", "Oranges", "Purples", "Reds", "YlGnBu", "PuBuGn", "GnBu"]
VIRIDIS = ["viridis", "plasma", "magma", "inferno", "cividis"]
MANUAL = [
    ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999"],
    ["#1B9E77", "#D95F02", "#7570B3", "#E7298A", "#66A61E", "#E6AB02", "#A6761D", "#666666"],
    ["#00AFBB", "#E7B800", "#FC4E07", "#52854C", "#4E84C4", "#293352", "#C4961A", "#D16103"],
    ["steelblue", "darkorange", "forestgreen", "firebrick", "purple", "sienna", "hotpink", "grey"],
]
ONE_LIGHT = [
    "#595959", "#595959", "steelblue", "#69b3a2", "darkorange", "#F8766D", "#00BFC4", "tomato",
    "firebrick", "darkgreen", "navy", "skyblue", "#7F7F7F", "#E69F00", "purple", "#404080",
]  # fmt: skip
ONE_DARK = ["#56B4E9", "#F8766D", "#00BFC4", "gold", "tomato", "skyblue", "#69b3a2", "orange"]
DIVERGING = ["RdBu", "RdYlBu", "Spectral", "PuOr", "BrBG", "PiYG"]
GRADIENT_HIGHS = ["steelblue", "red", "darkgreen", "#132B43", "darkorange", "purple", "navy"]
LEGENDS = ["right"] * 10 + ["bottom"] * 4 + ["top", "left", "none", "none", "inside"]


@dataclass
class Look:
    palette: tuple[str, dict]  # a discrete scale's name and arguments, as scale_fill_<name>
    gradient: tuple[str, dict]  # the same for a continuous scale
    one: str  # the colour of a single series
    ink: str  # the colour of text and of ggplot's black-by-default marks
    dark: bool
    base_size: float
    values: bool  # data labels
    facets: bool  # small multiples when there are several series
    settings: dict = field(default_factory=dict)  # the chart's own theme settings, applied last

    def discrete(self, aesthetic: str, n: int):
        name, options = self.palette
        if (name == "brewer" and n > 8) or (name == "manual" and n > len(options["values"])):
            name, options = "hue", {}
        return getattr(p9, f"scale_{aesthetic}_{name}")(**options)

    def continuous(self, aesthetic: str):
        name, options = self.gradient
        return getattr(p9, f"scale_{aesthetic}_{name}")(**options)

    def text_size(self) -> float:
        return self.base_size * 0.7


def random_palette(rng: np.random.Generator) -> tuple[str, dict]:
    kind = pick(rng, ["hue"] * 6 + ["qual"] * 3 + ["seq", "viridis", "viridis", "grey", "manual"])
    if kind == "hue":
        if rng.random() < 0.8:
            return "hue", {}
        return "hue", {"l": rng.uniform(45, 75), "c": rng.uniform(60, 100), "h": rng.uniform(0, 90)}
    if kind == "qual":
        return "brewer", {"type": "qual", "palette": pick(rng, QUALITATIVE)}
    if kind == "seq":
        return "brewer", {"type": "seq", "palette": pick(rng, SEQUENTIAL), "direction": -1}
    if kind == "viridis":
        return "cmap_d", {"cmap_name": pick(rng, VIRIDIS)}
    if kind == "grey":
        return "grey", {"start": rng.uniform(0.1, 0.3), "end": rng.uniform(0.7, 0.9)}
    return "manual", {"values": pick(rng, MANUAL)}


def random_gradient(rng: np.random.Generator) -> tuple[str, dict]:
    kind = pick(rng, ["default", "default", "distiller", "distiller", "viridis", "viridis", "low"])
    if kind == "default":
        return "continuous", {}
    if kind == "distiller":
        palette = pick(rng, SEQUENTIAL + DIVERGING + ["YlOrRd", "Greys"])
        return "distiller", {"palette": palette, "direction": pick(rng, [1, -1])}
    if kind == "viridis":
        return "cmap", {"cmap_name": pick(rng, VIRIDIS)}
    return "gradient", {
        "low": pick(rng, ["white", "#f7fbff", "lightyellow"]),
        "high": pick(rng, GRADIENT_HIGHS),
    }


def random_look(rng: np.random.Generator, longest: float, dark: bool) -> Look:
    return Look(
        palette=random_palette(rng),
        gradient=random_gradient(rng),
        one=pick(rng, ONE_DARK if dark else ONE_LIGHT),
        ink="#dddddd" if dark else pick(rng, ["black", "black", "#333333"]),
        dark=dark,
        base_size=longest * rng.uniform(1.4, 2.6),
        values=rng.random() < 0.3,
        facets=rng.random() < 0.25,
    )


def ordered(names) -> pd.Categorical:
    """Categories in the order given, which ggplot keeps on axes and in legends."""
    return pd.Categorical(names, categories=list(dict.fromkeys(names)))


def as_column(x: np.ndarray) -> np.ndarray:
    """Datetimes in a unit pandas keeps (days, weeks and months it does not)."""
    return x.astype("datetime64[ns]") if np.issubdtype(x.dtype, np.datetime64) else x


def label_format(values) -> str:
    largest = float(np.nanmax(np.abs(values)))
    return "{:,.0f}" if largest >= 100 else "{:.1f}" if largest >= 1 else "{:.2f}"


def series_frame(x: np.ndarray, ys: np.ndarray, names) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "x": np.tile(as_column(x), len(ys)),
            "y": ys.ravel(),
            "series": ordered(np.repeat(names, len(x))),
        }
    )


def amounts_frame(rng, values: np.ndarray) -> pd.DataFrame:
    """(n_series, n_groups) values, one row each, with a printed label."""
    n_series, n_groups = values.shape
    groups, names = text.categories(rng, n_groups), text.series_names(rng, n_series)
    fmt = label_format(values)
    return pd.DataFrame(
        {
            "group": ordered(np.tile(groups, n_series)),
            "series": ordered(np.repeat(names, n_groups)),
            "value": values.ravel(),
            "label": [fmt.format(v) for v in values.ravel()],
        }
    )


def facet(rng, n_panels: int, free: bool = True):
    return p9.facet_wrap(
        "series",
        ncol=pick(rng, [None, None, 1, 2, n_panels]),
        scales=pick(rng, ["fixed", "fixed", "free_y"]) if free else "fixed",
    )


def time_scale(rng, x: np.ndarray) -> list:
    """Dates written as short as R users write them; mizani's full dates crowd the axis."""
    if not np.issubdtype(x.dtype, np.datetime64):
        return []
    days = (x[-1] - x[0]) / np.timedelta64(1, "D")
    if days < 120:
        formats = ["%b %d", "%d %b", "%m/%d"]
    elif days < 1100:
        formats = ["%b %Y", "%Y-%m", "%b %y"]
    else:
        formats = ["%Y"]
    return [p9.scale_x_datetime(date_labels=pick(rng, formats))]


def area(rng, look):
    n_series = pick(rng, [1, 1, 2, 3, 4, 5])
    x = data.time_axis(rng, data.count(rng, 8, 150))
    frame = series_frame(x, data.trends(rng, n_series, len(x)), text.series_names(rng, n_series))
    plot = p9.ggplot(frame, p9.aes("x", "y")) + time_scale(rng, x)
    outline = {"colour": pick(rng, [look.ink, "white"]), "size": rng.uniform(0.2, 0.8)}
    if rng.random() < 0.5:
        outline = {}
    if n_series > 1 and look.facets:
        return (
            plot
            + p9.geom_area(
                p9.aes(fill="series"), alpha=rng.uniform(0.6, 1.0), show_legend=False, **outline
            )
            + look.discrete("fill", n_series)
            + facet(rng, n_series)
        )
    if n_series == 1:
        return plot + p9.geom_area(fill=look.one, alpha=rng.uniform(0.4, 1.0), **outline)
    stacked = rng.random() < 0.6
    return (
        plot
        + p9.geom_area(
            p9.aes(fill="series"),
            position="stack" if stacked else "identity",
            alpha=rng.uniform(0.7, 1.0) if stacked else rng.uniform(0.3, 0.6),
            **outline,
        )
        + look.discrete("fill", n_series)
    )


def bars(rng, look, horizontal: bool):
    """Single or dodged bars; bar and column differ only in direction."""
    n_series = pick(rng, [1, 1, 1, 1, 2, 2, 3, 4])
    n_groups = int(rng.integers(2, 13 if n_series == 1 else 8))
    values = data.amounts(rng, n_series, n_groups)
    if rng.random() < 0.1:
        values -= values.mean() * rng.uniform(0.3, 0.9)
    frame = amounts_frame(rng, values)
    if n_series == 1 and rng.random() < 0.4:
        order = np.argsort(values[0])[:: pick(rng, [1, -1])]
        frame["group"] = frame["group"].cat.reorder_categories(frame["group"].iloc[order])
    if horizontal and rng.random() < 0.5:  # coord_flip puts the first category at the bottom
        frame["group"] = frame["group"].cat.reorder_categories(frame["group"].cat.categories[::-1])
    width = rng.uniform(0.5, 0.95)
    edge = pick(rng, [None, None, None, look.ink, "white"])
    plot = p9.ggplot(frame, p9.aes("group", "value"))
    if n_series == 1:
        by_group = rng.random() < 0.3
        fill = {"mapping": p9.aes(fill="group")} if by_group else {"fill": look.one}
        plot += p9.geom_col(width=width, colour=edge, **fill)
        if by_group:
            plot += look.discrete("fill", n_groups)
            redundant_legend(rng, look)
        dodge = "identity"
    elif look.facets and not horizontal:
        plot += p9.geom_col(p9.aes(fill="series"), width=width, colour=edge, show_legend=False)
        plot += [look.discrete("fill", n_series), facet(rng, n_series, free=False)]
        look.settings["axis_text_x"] = p9.element_text(rotation=90)
        dodge = "identity"
    else:
        dodge = p9.position_dodge(width=width)
        plot += p9.geom_col(
            p9.aes(fill="series"), width=width * rng.uniform(0.8, 1.0), position=dodge, colour=edge
        )
        plot += look.discrete("fill", n_series)
    if look.values and values.size <= 24:
        plot += bar_labels(rng, look, frame, dodge, horizontal)
    if horizontal:
        plot += p9.coord_flip()
    elif n_groups > 6 and rng.random() < 0.5:
        look.settings["axis_text_x"] = p9.element_text(rotation=45, ha="right")
    return plot


def bar_labels(rng, look, frame: pd.DataFrame, position, horizontal: bool):
    """Values just beyond the bar ends, in plain text or ggplot's boxed labels."""
    nudge = frame["value"].abs().max() * 0.03 * np.sign(frame["value"])
    frame = frame.assign(at=frame["value"] + nudge)
    geom = p9.geom_label if rng.random() < 0.2 else p9.geom_text
    align = {"ha": "left" if horizontal else "center", "va": "center" if horizontal else "bottom"}
    return geom(
        p9.aes("group", "at", label="label", group="series"),
        data=frame,
        position=position,
        size=look.text_size(),
        color=look.ink if geom is p9.geom_text else "black",
        **align,
    )


def stacked_column(rng, look):
    n_series, n_groups = pick(rng, [2, 2, 3, 3, 4, 5, 6]), int(rng.integers(2, 13))
    frame = amounts_frame(rng, data.amounts(rng, n_series, n_groups))
    to_one = rng.random() < 0.25
    position = p9.position_fill() if to_one else p9.position_stack()
    plot = (
        p9.ggplot(frame, p9.aes("group", "value", fill="series"))
        + p9.geom_col(
            position=position,
            width=rng.uniform(0.4, 0.95),
            colour=pick(rng, [None, None, "white", look.ink]),
            alpha=pick(rng, [1.0, 1.0, rng.uniform(0.7, 1.0)]),
        )
        + look.discrete("fill", n_series)
    )
    if look.values and n_groups <= 8:
        vjust = p9.position_fill(vjust=0.5) if to_one else p9.position_stack(vjust=0.5)
        plot += p9.geom_text(
            p9.aes(label="label"), position=vjust, size=look.text_size(), color=look.ink
        )
    if to_one and rng.random() < 0.7:
        plot += p9.scale_y_continuous(labels=lambda breaks: [f"{b:.0%}" for b in breaks])
    if n_groups > 6 and rng.random() < 0.5:
        look.settings["axis_text_x"] = p9.element_text(rotation=45, ha="right")
    return plot


def histogram(rng, look):
    n_series = pick(rng, [1, 1, 1, 2, 3])
    names, samples = text.series_names(rng, n_series), data.samples(rng, n_series, 200, 3000)
    frame = pd.DataFrame(
        {
            "value": np.concatenate(samples),
            "series": ordered(np.repeat(names, [len(s) for s in samples])),
        }
    )
    density = rng.random() < 0.25
    plot = p9.ggplot(
        frame, p9.aes("value", y=p9.after_stat("density")) if density else p9.aes("value")
    )
    style = {
        "bins": data.count(rng, 5, 60),
        "colour": pick(rng, [None, None, "white", "black", look.ink]),
        "size": rng.uniform(0.2, 0.6),
    }
    if n_series == 1:
        plot += p9.geom_histogram(fill=look.one, alpha=rng.uniform(0.7, 1.0), **style)
        if density and rng.random() < 0.6:
            plot += p9.geom_density(colour=pick(rng, [look.ink, "red", "darkorange"]), size=1)
        return plot
    if look.facets:
        return (
            plot
            + p9.geom_histogram(p9.aes(fill="series"), show_legend=False, **style)
            + look.discrete("fill", n_series)
            + p9.facet_wrap("series", ncol=pick(rng, [1, n_series]))
        )
    position = pick(rng, ["stack", "stack", "identity", "identity", "dodge"])
    alpha = rng.uniform(0.4, 0.6) if position == "identity" else rng.uniform(0.8, 1.0)
    return (
        plot
        + p9.geom_histogram(p9.aes(fill="series"), position=position, alpha=alpha, **style)
        + look.discrete("fill", n_series)
    )


def redundant_legend(rng, look) -> None:
    """A legend of what the axis names already: ggplot draws it, many users remove it."""
    if rng.random() < 0.5:
        look.settings["legend_position"] = "none"


def box_colours(rng, look, frame: pd.DataFrame) -> tuple[dict, list]:
    """The fill of boxes or violins: plain, one colour, by group or by dodged series."""
    n_series, n_groups = frame["series"].nunique(), frame["group"].nunique()
    if n_series > 1:
        return {"mapping": p9.aes(fill="series")}, [look.discrete("fill", n_series)]
    choice = rng.random()
    if choice < 0.35:
        redundant_legend(rng, look)
        return {"mapping": p9.aes(fill="group")}, [look.discrete("fill", n_groups)]
    if choice < 0.7:
        return {"fill": look.one}, []
    return {"fill": "#444444" if look.dark else pick(rng, ["white", "white", "lightgrey"])}, []


def jitter(rng, look, frame: pd.DataFrame):
    return p9.geom_jitter(
        position=p9.position_jitter(
            width=rng.uniform(0.05, 0.25), height=0, random_state=seed(rng)
        ),
        data=frame.sample(min(len(frame), 400), random_state=seed(rng)),
        colour=look.ink,
        alpha=rng.uniform(0.2, 0.6),
        size=rng.uniform(0.3, 1.2),
    )


def boxplot(rng, look):
    n_series = pick(rng, [1, 1, 1, 2, 3])
    n_groups = int(rng.integers(1, 9 if n_series == 1 else 6 - n_series))
    frame = samples_frame(rng, n_groups, n_series, ordered=True)
    fill, scales = box_colours(rng, look, frame)
    plot = p9.ggplot(frame, p9.aes("group", "value"))
    if rng.random() < 0.25:
        plot += p9.stat_boxplot(geom="errorbar", width=0.3, colour=look.ink)
    plot += p9.geom_boxplot(
        width=rng.uniform(0.3, 0.9),
        notch=rng.random() < 0.1,
        varwidth=rng.random() < 0.1,
        colour=look.ink if look.dark else pick(rng, ["#333333", "black"]),
        outlier_shape="o" if rng.random() < 0.8 else "",
        outlier_alpha=rng.uniform(0.4, 1.0),
        alpha=pick(rng, [1.0, 1.0, rng.uniform(0.5, 0.9)]),
        **fill,
    )
    if frame["series"].nunique() == 1 and rng.random() < 0.2:
        plot += jitter(rng, look, frame)
    plot += scales
    return plot + p9.coord_flip() if rng.random() < 0.3 else plot


def violin_plot(rng, look):
    n_series = pick(rng, [1, 1, 1, 2])
    n_groups = int(rng.integers(1, 8 if n_series == 1 else 5))
    frame = samples_frame(rng, n_groups, n_series, ordered=True)
    fill, scales = box_colours(rng, look, frame)
    shape = {"draw_quantiles": [0.25, 0.5, 0.75]} if rng.random() < 0.3 else {}
    if n_series == 2 and rng.random() < 0.5:
        shape["style"] = "left-right"  # halves side by side, split by series
    plot = p9.ggplot(frame, p9.aes("group", "value")) + p9.geom_violin(
        **shape,
        scale=pick(rng, ["area", "width", "width", "width", "count"]),
        trim=rng.random() < 0.6,
        adjust=rng.uniform(0.5, 1.5),
        width=rng.uniform(0.6, 0.95),
        colour=look.ink if look.dark else pick(rng, ["#333333", "black"]),
        alpha=pick(rng, [1.0, 1.0, rng.uniform(0.5, 0.9)]),
        **fill,
    )
    inner = pick(rng, [None, None, "box", "box", "jitter"]) if n_series == 1 else None
    if inner == "box":
        plot += p9.geom_boxplot(
            width=rng.uniform(0.06, 0.15),
            fill=pick(rng, ["white", "black"]),
            colour=pick(rng, ["black", "#666666"]),
            outlier_shape="",
        )
    elif inner == "jitter":
        plot += jitter(rng, look, frame)
    plot += scales
    return plot + p9.coord_flip() if rng.random() < 0.3 else plot


def bubble(rng, look):
    n_groups = pick(rng, [1, 1, 2, 3, 4])
    frame = points_frame(rng, int(rng.integers(6, 45)), n_groups, ordered=True)
    frame["size"] = rng.lognormal(0, rng.uniform(0.4, 0.9), len(frame)).round(1) * data.magnitude(
        rng
    )
    largest = rng.uniform(7, 16)
    sizes = (
        p9.scale_size_area(max_size=largest)
        if rng.random() < 0.3
        else p9.scale_size(range=(largest * rng.uniform(0.12, 0.3), largest))
    )
    alpha = rng.uniform(0.4, 0.85)
    colour_by = "series" if n_groups > 1 else pick(rng, [None, "size"])
    if colour_by is None:
        plot = p9.ggplot(frame, p9.aes("x", "y", size="size")) + p9.geom_point(
            colour=look.one, alpha=alpha
        )
    elif rng.random() < 0.6:  # filled dots, ggplot's default shape
        plot = p9.ggplot(frame, p9.aes("x", "y", size="size", colour=colour_by))
        plot += p9.geom_point(alpha=alpha)
        plot += (
            look.continuous("colour") if colour_by == "size" else look.discrete("colour", n_groups)
        )
    else:  # circles with an outline, shape 21 in R
        plot = p9.ggplot(frame, p9.aes("x", "y", size="size", fill=colour_by))
        plot += p9.geom_point(shape="o", colour=look.ink, alpha=alpha, stroke=0.4)
        plot += look.continuous("fill") if colour_by == "size" else look.discrete("fill", n_groups)
    if look.values and len(frame) <= 15:
        frame["name"] = text.categories(rng, len(frame))
        plot += p9.geom_text(
            p9.aes("x", "y", label="name"),
            data=frame,
            size=look.text_size(),
            color=look.ink,
            inherit_aes=False,
            va="bottom",
            nudge_y=np.ptp(frame["y"]) * 0.04,  # above the dot, which it would hide
        )
    if n_groups > 1 and look.facets:
        plot += facet(rng, n_groups, free=False)
    return plot + sizes


def scatter_plot(rng, look):
    n_groups = pick(rng, [1, 1, 1, 2, 3, 4, 5])
    n = int(rng.integers(25, 700))
    frame = points_frame(rng, n, n_groups, ordered=True)
    size = rng.uniform(0.8, 3.5) * (0.5 if n > 300 else 1.0)
    alpha = pick(rng, [1.0, rng.uniform(0.3, 0.9)])
    smooth = rng.random() < 0.25
    if n_groups == 1:
        colour = pick(rng, [look.ink, look.one])
        plot = p9.ggplot(frame, p9.aes("x", "y")) + p9.geom_point(
            colour=colour, size=size, alpha=alpha
        )
        if smooth:
            plot += p9.geom_smooth(
                method="lm", se=rng.random() < 0.6, colour=pick(rng, ["#3366FF", "red", look.ink])
            )
        return plot
    shapes = rng.random() < 0.3
    mapping = (
        p9.aes("x", "y", colour="series", shape="series")
        if shapes
        else p9.aes("x", "y", colour="series")
    )
    plot = p9.ggplot(frame, mapping) + p9.geom_point(size=size, alpha=alpha)
    if smooth:
        plot += p9.geom_smooth(method="lm", se=rng.random() < 0.4)
    if look.facets:
        plot += facet(rng, n_groups, free=False)
        look.settings["legend_position"] = "none"
    return plot + look.discrete("colour", n_groups)


def line(rng, look):
    n_series = pick(rng, [1, 1, 1, 2, 2, 3, 4, 5, 6, 8])
    x = data.time_axis(rng, data.count(rng, 5, 200))
    ys = data.trends(rng, n_series, len(x), positive=rng.random() < 0.8)
    frame = series_frame(x, ys, text.series_names(rng, n_series))
    geom = p9.geom_step if len(x) > 8 and rng.random() < 0.1 else p9.geom_line
    width = rng.uniform(0.4, 1.8)
    markers = len(x) <= 40 and rng.random() < 0.4
    if n_series == 1:
        colour = pick(rng, [look.ink, look.one])
        plot = (
            p9.ggplot(frame, p9.aes("x", "y"))
            + time_scale(rng, x)
            + geom(colour=colour, size=width)
        )
        if markers:
            plot += p9.geom_point(colour=colour, size=width * rng.uniform(1.5, 3))
        if look.values and len(x) <= 12:
            fmt = label_format(ys)
            frame["label"] = [fmt.format(v) for v in ys[0]]
            plot += p9.geom_text(
                p9.aes(label="label"),
                data=frame,
                va="bottom",
                nudge_y=np.ptp(ys) * 0.03,
                size=look.text_size(),
                color=look.ink,
            )
        return plot
    dashed = rng.random() < 0.2 and n_series <= 4  # plotnine has four line types
    mapping = (
        p9.aes("x", "y", colour="series", linetype="series")
        if dashed
        else p9.aes("x", "y", colour="series")
    )
    plot = p9.ggplot(frame, mapping) + time_scale(rng, x) + geom(size=width)
    plot += look.discrete("colour", n_series)
    if markers:
        plot += p9.geom_point(size=width * rng.uniform(1.5, 3))
    if look.facets:
        plot += facet(rng, n_series)
        look.settings["legend_position"] = "none"
    return plot


def wedges(rng, look, donut: bool):
    """Polygons for the parts of a whole, clockwise from twelve o'clock as in coord_polar."""
    n = int(rng.integers(2, 9))
    parts, names = data.shares(rng, n), text.categories(rng, n)
    hole = rng.uniform(0.35, 0.7) if donut else 0.0
    bounds = (0.0 if rng.random() < 0.7 else rng.random()) + np.concatenate([[0], np.cumsum(parts)])
    rings = []
    for name, start, end in zip(names, bounds[:-1], bounds[1:], strict=True):
        turn = np.linspace(start, end, max(2, int(np.ceil((end - start) * 240))))
        outer = np.column_stack([np.sin(2 * np.pi * turn), np.cos(2 * np.pi * turn)])
        inner = outer[::-1] * hole if donut else np.zeros((1, 2))
        ring = np.vstack([outer, inner])
        rings.append(pd.DataFrame({"x": ring[:, 0], "y": ring[:, 1], "part": name}))
    frame = pd.concat(rings, ignore_index=True)
    frame["part"] = ordered(frame["part"])
    plot = (
        p9.ggplot(frame, p9.aes("x", "y", fill="part", group="part"))
        + p9.geom_polygon(
            colour=pick(rng, [None, "white", "white", look.ink]), size=rng.uniform(0.3, 1.5)
        )
        + look.discrete("fill", n)
        + p9.coord_fixed()
    )
    if look.values or rng.random() < 0.2:
        plot += wedge_labels(rng, look, parts, names, bounds, hole)
    if donut and rng.random() < 0.3:
        plot += p9.annotate(
            "text",
            x=0,
            y=0,
            label=f"{rng.integers(10, 10000):,}",
            size=look.base_size * 1.4,
            color=look.ink,
            fontweight="bold",
        )
    return plot


def wedge_labels(rng, look, parts, names, bounds, hole: float):
    """Percentages on the wedges, or names just outside them."""
    middle = 2 * np.pi * (bounds[:-1] + bounds[1:]) / 2
    outside = rng.random() < 0.3
    radius = 1.15 if outside else ((1 + hole) / 2 if hole else rng.uniform(0.55, 0.75))
    labels = names if outside else [f"{p:.0%}" for p in parts]
    frame = pd.DataFrame(
        {"x": radius * np.sin(middle), "y": radius * np.cos(middle), "label": labels}
    )
    return p9.geom_text(
        p9.aes("x", "y", label="label"),
        data=frame,
        inherit_aes=False,
        size=look.text_size(),
        color=look.ink if outside else pick(rng, ["white", "black"]),
    )


def heatmap(rng, look):
    rows, cols = data.count(rng, 2, 16), data.count(rng, 3, 20)
    values = data.grid(rng, rows, cols)
    row_names, col_names = text.categories(rng, rows), text.categories(rng, cols)
    fmt = label_format(values)
    frame = pd.DataFrame(
        {
            "column": ordered(np.tile(col_names, rows)),
            "row": ordered(np.repeat(row_names, cols)),
            "value": values.ravel(),
            "label": [fmt.format(v) for v in values.ravel()],
        }
    )
    if rng.random() < 0.5:  # ggplot puts the first row at the bottom; many users reverse it
        frame["row"] = frame["row"].cat.reorder_categories(row_names[::-1])
    plot = p9.ggplot(frame, p9.aes("column", "row", fill="value")) + p9.geom_tile(
        colour=pick(rng, [None, None, "white", "grey", look.ink]), size=rng.uniform(0.2, 1.2)
    )
    if values.min() < 0 < values.max() and rng.random() < 0.5:
        plot += p9.scale_fill_gradient2(
            low=pick(rng, ["blue", "#2166AC", "darkblue"]),
            mid="white",
            high=pick(rng, ["red", "#B2182B", "darkred"]),
        )
    else:
        plot += look.continuous("fill")
    if look.values and values.size <= 120 and cols <= 12:
        plot += p9.geom_text(
            p9.aes(label="label", group=1),
            size=look.text_size() * 0.8,
            color=pick(rng, ["black", "white"]),
        )
    if rng.random() < 0.5:
        plot += [p9.scale_x_discrete(expand=(0, 0)), p9.scale_y_discrete(expand=(0, 0))]
    if max(rows, cols) <= 2 * min(rows, cols) and rng.random() < 0.3:
        plot += p9.coord_equal()
    if cols > 5:
        rotation = pick(rng, [45, 90])
        look.settings["axis_text_x"] = p9.element_text(rotation=rotation, ha="right")
    return plot


def base_theme(rng, look, chart: str, family: str | None):
    name = "void" if chart in ROUND and rng.random() < 0.7 else pick(rng, THEMES)
    if name == "seaborn":
        return p9.theme_seaborn(
            style=pick(rng, ["darkgrid", "whitegrid", "dark", "white", "ticks"]),
            context=pick(rng, ["paper", "notebook", "notebook", "talk"]),
            font_scale=look.base_size / 12,
        )
    if name == "matplotlib":
        return p9.theme_matplotlib() + p9.theme(text=p9.element_text(size=look.base_size))
    return getattr(p9, f"theme_{name}")(base_size=look.base_size, base_family=family)


def dark_theme(rng, look, family: str | None):
    background, panel, grid, ink = pick(rng, DARK_COLOURS)
    base = getattr(p9, f"theme_{pick(rng, DARK_BASES)}")(
        base_size=look.base_size, base_family=family
    )
    return base + p9.theme(
        plot_background=p9.element_rect(fill=background, colour=background),
        panel_background=p9.element_rect(fill=panel, colour=None),
        panel_border=p9.element_blank(),
        panel_grid_major=p9.element_line(colour=grid),
        panel_grid_minor=p9.element_line(colour=grid, size=0.3),
        text=p9.element_text(colour=ink),
        axis_text=p9.element_text(colour=ink),
        axis_line=p9.element_line(colour=grid),
        axis_ticks=p9.element_line(colour=grid),
        legend_background=p9.element_rect(fill=background, colour=None),
        legend_key=p9.element_rect(fill=panel, colour=None),
        strip_background=p9.element_rect(fill=grid, colour=None),
        strip_text=p9.element_text(colour=ink),
    )


def tweaks(rng, chart: str):
    """What users change on top of a theme: grid lines, title placement, legend."""
    settings = {
        "legend_position": pick(rng, LEGENDS),
        "plot_title": p9.element_text(
            ha=pick(rng, ["left", "left", "center"]), weight=pick(rng, ["normal", "bold"])
        ),
    }
    if settings["legend_position"] == "inside":  # over a heatmap's cells it would hide them
        inside = (rng.uniform(0.8, 0.98), rng.uniform(0.75, 0.98))
        settings["legend_position"] = "right" if chart == "heatmap" else inside
    if settings["legend_position"] in ("top", "bottom"):
        settings["legend_box"] = "vertical"  # side by side, a colour and a size legend overflow
    if rng.random() < 0.3:
        settings["panel_grid_minor"] = p9.element_blank()
    if chart == "column" and rng.random() < 0.2:
        settings["panel_grid_major_x"] = p9.element_blank()
    if chart in ROUND:
        blank = ("axis_text", "axis_title", "axis_ticks", "axis_line", "panel_grid", "panel_border")
        for part in blank:
            settings[part] = p9.element_blank()
    return p9.theme(**settings)


def labels(rng, look, chart: str):
    legend = pick(rng, [None, text.pick(rng, text.DIMENSIONS).capitalize()])
    names = {aesthetic: legend or "" for aesthetic in ("fill", "colour", "shape", "linetype")}
    names["size"] = text.pick(rng, text.MEASURES)
    if chart not in ROUND:
        names["x"] = text.x_label(rng) if rng.random() < 0.65 else ""
        names["y"] = text.y_label(rng) if rng.random() < 0.65 else ""
    if rng.random() < 0.6:
        names["title"] = text.title(rng)
        if rng.random() < 0.25:
            names["subtitle"] = text.title(rng)
    if rng.random() < 0.2:
        names["caption"] = text.source(rng)
    if not legend:
        look.settings["legend_title"] = p9.element_blank()
    return p9.labs(**names)


def draw(chart: str, rng: np.random.Generator, size: int) -> Image.Image:
    longest = rng.uniform(3.5, 8.0)
    aspect = random_aspect(rng)
    if chart in ROUND:
        aspect = random_aspect(rng, 0.9, 1.8)
    figure_size = sides(longest, aspect)
    dark = rng.random() < 0.13
    look = random_look(rng, longest, dark)
    family = pick(rng, FONTS) if rng.random() < 0.4 else None
    theme = dark_theme(rng, look, family) if dark else base_theme(rng, look, chart, family)
    plot = DRAWERS[chart](rng, look)
    plot += theme
    plot += tweaks(rng, chart)
    plot += labels(rng, look, chart)
    plot += p9.theme(
        figure_size=figure_size, dpi=size * rng.uniform(1.0, 1.5) / longest, **look.settings
    )
    return render(plot)


def render(plot: p9.ggplot) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # plotnine's notes on dropped rows and chosen bins
        figure = plot.draw()  # closed in pyplot already; drawn here on its own canvas
        with mpl.rc_context(plot.theme.rcParams):
            return flatten(image(figure))  # theme_void leaves the figure clear


DRAWERS = drawers(globals())

CHARTS = tuple(DRAWERS)
