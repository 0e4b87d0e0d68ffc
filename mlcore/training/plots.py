"""Training charts as PNG bytes, drawn with matplotlib's Agg renderer (no pyplot, no display)."""

import io

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

PHASE_NAMES = {"head": "head", "fine_tune": "fine-tuning", "end_to_end": "end to end"}
LABEL_CHARS = 24  # longer class names are shortened on the confusion matrix axes


def curves_png(history: list[dict]) -> bytes:
    """Loss and accuracy per epoch, train and validation, with every phase one after another."""
    figure = Figure(figsize=(10, 4), layout="constrained")
    loss_axes, accuracy_axes = figure.subplots(1, 2)
    for axes, metric, title in (
        (loss_axes, "loss", "Loss"),
        (accuracy_axes, "accuracy", "Accuracy"),
    ):
        offset = 0
        for index, phase in enumerate(history):
            epochs = np.arange(offset + 1, offset + phase["epochs"] + 1)
            first = index == 0
            axes.plot(epochs, phase[metric], color="tab:blue", label="train" if first else None)
            axes.plot(
                epochs,
                phase["val_" + metric],
                color="tab:orange",
                linestyle="--",
                label="validation" if first else None,
            )
            if offset:
                axes.axvline(offset + 0.5, color="grey", linestyle=":")
            name = PHASE_NAMES.get(phase["phase"], phase["phase"])
            axes.text(offset + 1, 1.01, name, transform=axes.get_xaxis_transform(), fontsize=8)
            offset += phase["epochs"]
        axes.set_title(title, pad=14)
        axes.set_xlabel("epoch")
        axes.grid(alpha=0.3)
        axes.legend()
    return to_png(figure)


def confusion_png(confusion: list[list[int]], labels: list[str]) -> bytes:
    """Counts of true (rows) against predicted (columns) classes."""
    counts = np.asarray(confusion)
    side = max(4.0, 0.55 * len(labels) + 2.5)
    figure = Figure(figsize=(side + 1, side), layout="constrained")
    axes = figure.subplots()
    image = axes.imshow(counts, cmap="Blues")
    figure.colorbar(image, ax=axes, shrink=0.8)
    names = [shorten(label) for label in labels]
    ticks = np.arange(len(labels))
    axes.set_xticks(ticks, names, rotation=45, ha="right", rotation_mode="anchor")
    axes.set_yticks(ticks, names)
    axes.set_xlabel("predicted")
    axes.set_ylabel("true")
    fontsize = 10 if len(labels) <= 10 else 8
    threshold = counts.max() / 2
    for (row, column), count in np.ndenumerate(counts):
        colour = "white" if count > threshold else "black"
        axes.text(column, row, count, ha="center", va="center", color=colour, fontsize=fontsize)
    return to_png(figure)


def shorten(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def to_png(figure: Figure) -> bytes:
    out = io.BytesIO()
    FigureCanvasAgg(figure).print_png(out)
    return out.getvalue()
