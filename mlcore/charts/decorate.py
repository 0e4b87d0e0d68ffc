"""What matplotlib and seaborn charts share: titles, labels, legend, ticks, value labels, notes."""

import matplotlib as mpl
import numpy as np
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

from mlcore.charts import text
from mlcore.charts.base import ROUND
from mlcore.charts.text import pick

INSIDE = [{"loc": "best"}, {"loc": "upper right"}, {"loc": "upper left"}, {"loc": "lower right"}]
OUTSIDE = [  # room for these is made by a layout engine
    {"loc": "center left", "bbox_to_anchor": (1.01, 0.5)},
    {"loc": "upper center", "bbox_to_anchor": (0.5, -0.12), "ncols": 3},
    {"loc": "lower center", "bbox_to_anchor": (0.5, 1.01), "ncols": 4},
]


def decorate(fig, ax, rng: np.random.Generator, look, chart: str) -> None:
    if look.title:
        if rng.random() < 0.2:
            fig.suptitle(look.title, fontweight=mpl.rcParams["axes.titleweight"])
        else:
            ax.set_title(look.title)
    if chart not in ROUND:
        ax.set_xlabel(text.x_label(rng) if look.axis_labels else "")
        ax.set_ylabel(text.y_label(rng) if look.axis_labels else "")
    legend(fig, ax, rng, look)
    if look.notes:
        notes(fig, ax, rng, chart)


def legend(fig, ax, rng: np.random.Generator, look) -> None:
    """Gather the entries whoever made them (seaborn makes its own) and place one legend."""
    if ax.get_legend():
        handles, labels = entries(ax.get_legend())
        ax.get_legend().remove()
    elif fig.legends:  # seaborn.objects puts its legend on the figure
        handles, labels = entries(fig.legends[0])
        fig.legends.clear()
    else:
        handles, labels = ax.get_legend_handles_labels()
    if look.legend and len(handles) > 1:
        title = text.x_label(rng) if rng.random() < 0.3 else None
        places = INSIDE + OUTSIDE if look.layout else INSIDE
        ax.legend(handles, labels, title=title, **pick(rng, places))


def entries(made) -> tuple[list, list]:
    return made.legend_handles, [label.get_text() for label in made.texts]


def notes(fig, ax, rng: np.random.Generator, chart: str) -> None:
    """A source line, and on charts with axes a reference line or an arrow with a note."""
    if rng.random() < 0.5:
        fig.text(0.01, 0.005, text.source(rng), fontsize="x-small", alpha=0.8, va="bottom")
    if chart in (*ROUND, "heatmap"):
        return
    foreground = mpl.rcParams["text.color"]
    if rng.random() < 0.5:
        where = rng.uniform(0.3, 0.8)
        if chart in ("bar", "histogram"):
            low, high = ax.get_xlim()
            ax.axvline(low + where * (high - low), color=foreground, linestyle="--", linewidth=1)
        else:
            low, high = ax.get_ylim()
            ax.axhline(low + where * (high - low), color=foreground, linestyle="--", linewidth=1)
    else:
        ax.annotate(
            text.note(rng),
            xy=rng.uniform(0.2, 0.8, 2),
            xytext=rng.uniform(0.1, 0.9, 2),
            xycoords="axes fraction",
            arrowprops={"arrowstyle": "->", "color": foreground},
        )


def category_ticks(ax, rng: np.random.Generator, axis: str, names, positions=None) -> None:
    """Name the categories along an axis, turning crowded x labels by a random angle."""
    positions = np.arange(len(names)) if positions is None else positions
    if axis == "y":
        ax.set_yticks(positions, names)
        return
    crowded = sum(len(name) + 1 for name in names) > 40
    angle = pick(rng, [30, 45, 90]) if crowded or rng.random() < 0.25 else 0
    align = "right" if angle in (30, 45) else "center"
    ax.set_xticks(positions, names, rotation=angle, ha=align, rotation_mode="anchor")


def time_ticks(ax, rng: np.random.Generator, x: np.ndarray) -> None:
    """Readable dates on the x axis: concise labels or turned ones."""
    if not np.issubdtype(x.dtype, np.datetime64):
        return
    if rng.random() < 0.5:
        locator = AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    else:
        ax.tick_params(axis="x", labelrotation=pick(rng, [30, 45, 90]))


def steps(rng: np.random.Generator, points: int) -> str:
    """How a line joins its points: straight, or now and then in steps if there are many."""
    stepped = points >= 12 and rng.random() < 0.25
    return pick(rng, ["steps-post", "steps-mid"]) if stepped else "default"


def value_range(ax, rng: np.random.Generator, values) -> None:
    """Now and then start the y axis at zero (values above it), or leave room around the data."""
    chance = rng.random()
    if chance < 0.3 and values.min() > 0:
        ax.set_ylim(bottom=0)
    elif chance < 0.5:
        low, high = ax.get_ylim()
        below, above = rng.uniform(0, 0.5, 2) * (high - low)
        ax.set_ylim(low - below, high + above)


def value_format(values) -> str:
    return "{:,.0f}" if np.abs(values).max() >= 100 else "{:.1f}"


def label_bars(ax, containers, values, center: bool = False) -> None:
    """Write each bar's value on it (center) or at its end."""
    for container in containers:
        ax.bar_label(
            container,
            fmt=value_format(values),
            label_type="center" if center else "edge",
            padding=0 if center else 2,
            fontsize="x-small",
        )
