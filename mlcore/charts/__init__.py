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

# How bootstrap trains the chart classifier: chosen by bench/chart_engines.py on charts of
# engines left out of training, where Lite1's head raised the worst engine most (README).
TRAINING_RECIPE = {
    "backbone": "efficientnet_lite1",
    "fine_tune": 0,
    "fit": "stretch",
    "augment_copies": 1,
}
# Below this top probability the chart classifier says it is not sure: on engines left out of
# training its answers there were right about half the time or less (bench/chart_engines.py).
UNSURE_THRESHOLD = 0.6
