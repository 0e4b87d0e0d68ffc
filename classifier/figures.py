"""A classifier's figures drawn on the server as HTML and SVG, legible at any width: the
confusion matrix as a shaded table, and the loss and accuracy curves with axes, ticks and plain
names. The model page, the studio and the admin draw them with the tags of
classifier/templatetags/figures.py."""

import math

WIDTH, HEIGHT = 280, 170
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 10, 30  # room for the tick labels
CHARTS = {
    "Loss": ("loss", "val_loss"),
    "Accuracy": ("accuracy", "val_accuracy"),
}
NAMES = {
    "loss": "training loss",
    "val_loss": "validation loss",
    "accuracy": "training accuracy",
    "val_accuracy": "validation accuracy",
}


def confusion(matrix, labels):
    """Rows of (label, cells, total) for a confusion matrix (rows: truth, columns: guesses);
    each cell has its count, whether it is right, and a shade 0-4 by its share of the row."""
    rows = []
    for row, (label, counts) in enumerate(zip(labels, matrix, strict=True)):
        total = sum(counts)
        cells = [
            {"count": count, "right": column == row, "shade": shade(count / total if total else 0)}
            for column, count in enumerate(counts)
        ]
        rows.append((label, cells, total))
    return rows


def shade(share):
    """A share 0..1 as one of five steps, so the table stays readable in any colour scheme."""
    return 0 if share == 0 else min(4, 1 + int(share * 4))


def epochs(phases):
    """A saved version's history (one entry per training phase, a list per figure) as one entry
    per epoch, the form a running job records."""
    return [
        {
            "phase": phase["phase"],
            "epoch": index + 1,
            **{figure: phase[figure][index] for figure in NAMES if figure in phase},
        }
        for phase in phases
        for index in range(phase["epochs"])
    ]


def nice_ticks(low, high, count=4):
    """About count round values covering low..high."""
    if high <= low:
        high = low + 1
    step = 10 ** math.floor(math.log10((high - low) / count))
    for factor in (1, 2, 2.5, 5, 10):
        if (high - low) / (step * factor) <= count:
            step *= factor
            break
    ticks = [round(math.floor(low / step) * step, 10)]
    while ticks[-1] < high - step * 1e-6:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def curves(history):
    """{title: chart} for the figures history (epochs in order) has, each chart with its lines
    (name, points, last value), x and y ticks placed in SVG units, and its size."""
    charts = {}
    for title, figures in CHARTS.items():
        series = {
            figure: [epoch[figure] for epoch in history if figure in epoch] for figure in figures
        }
        series = {figure: values for figure, values in series.items() if values}
        if not series:
            continue
        every = [value for values in series.values() for value in values]
        y_ticks = nice_ticks(min(every), max(every))
        count = max(len(values) for values in series.values())
        x = scale(1, max(2, count), LEFT, WIDTH - RIGHT)
        y = scale(y_ticks[0], y_ticks[-1], HEIGHT - BOTTOM, TOP)
        charts[title] = {
            "lines": [
                {
                    "figure": figure,
                    "name": NAMES[figure],
                    "points": " ".join(f"{x(i + 1):.1f},{y(v):.1f}" for i, v in enumerate(values)),
                    "last": values[-1],
                }
                for figure, values in series.items()
            ],
            "table": [
                (
                    epoch,
                    [
                        values[epoch - 1] if epoch <= len(values) else None
                        for values in series.values()
                    ],
                )
                for epoch in range(1, count + 1)
            ],
            "x_ticks": [(f"{x(epoch):.1f}", epoch) for epoch in epoch_ticks(count)],
            "y_ticks": [(f"{y(value):.1f}", f"{value:g}") for value in y_ticks],
            "width": WIDTH,
            "height": HEIGHT,
            "left": LEFT,
            "right": WIDTH - RIGHT,
            "top": TOP,
            "bottom": HEIGHT - BOTTOM,
            "y_labels_x": LEFT - 4,
            "x_labels_y": HEIGHT - BOTTOM + 15,
        }
    return charts


def epoch_ticks(count):
    step = max(1, math.ceil(count / 6))
    return [1, *range(1 + step, count + 1, step)] if count > 1 else [1]


def scale(low, high, start, end):
    span = (high - low) or 1.0
    return lambda value: start + (value - low) / span * (end - start)
