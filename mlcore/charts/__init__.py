"""Labelled charts drawn from random data, to train a chart-type classifier without downloads.

This package's own import is light (class names only); drawing needs matplotlib and seaborn.
"""

CHART_CLASSES = [
    "area",
    "bar",  # horizontal bars
    "column",  # vertical bars
    "stacked_column",
    "histogram",
    "boxplot",
    "violin_plot",
    "bubble",
    "scatter_plot",
    "line",
    "pie",
    "donut",
    "heatmap",
]

# How bootstrap trained the chart classifier before the shipped head (mlcore.charts.shipped):
# chosen by bench/chart_engines.py on charts of engines left out of training (README).
TRAINING_RECIPE = {
    "backbone": "efficientnet_lite1",
    "fine_tune": 0,
    "fit": "stretch",
    "augment_copies": 1,
}
