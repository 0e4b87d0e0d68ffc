"""A training job's figures per epoch as SVG polylines, drawn on the server (no JavaScript)."""

WIDTH, HEIGHT, PAD = 300, 120, 6
CHARTS = {
    "loss": ("loss", "val_loss"),
    "accuracy": ("accuracy", "val_accuracy"),
}


def points(values, low, high, count):
    """The SVG points of values over count epochs, scaled between low and high."""
    span = (high - low) or 1.0
    step = (WIDTH - 2 * PAD) / max(1, count - 1)
    return " ".join(
        f"{PAD + i * step:.1f},{HEIGHT - PAD - (value - low) / span * (HEIGHT - 2 * PAD):.1f}"
        for i, value in enumerate(values)
    )


def curves(history):
    """{chart: {"lines": {figure: points}, "low", "high", "last": {figure: value}}} for the
    figures history (a job's epochs, in order) has; charts without any figure are left out."""
    charts = {}
    for chart, figures in CHARTS.items():
        series = {
            figure: [epoch[figure] for epoch in history if figure in epoch] for figure in figures
        }
        series = {figure: values for figure, values in series.items() if values}
        if not series:
            continue
        every = [value for values in series.values() for value in values]
        low, high = min(every), max(every)
        count = max(len(values) for values in series.values())
        charts[chart] = {
            "lines": {
                figure: points(values, low, high, count) for figure, values in series.items()
            },
            "low": low,
            "high": high,
            "last": {figure: values[-1] for figure, values in series.items()},
        }
    return charts
