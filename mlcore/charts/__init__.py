"""Labelled charts drawn from random data, to train a chart-type classifier without downloads.

Here: the chart classes, how bootstrap trains the chart classifier and when it is unsure. The
modules, each imported only when needed (some take seconds):
- engines.py: the eleven ways of drawing a chart, <name>_charts.py, behind one interface;
  base.py: what the engines share (their table of drawers, frames, densities, images)
- office_themes.py: the office engine's themes, the defaults of each product as data
- data.py, text.py: the random data and words every engine draws
- style.py, decorate.py, figures.py: the random look of a matplotlib or seaborn chart
- browser.py: charts drawn by JavaScript libraries in headless Chromium
- render.py, surround.py: one chart as an image file, now and then on a page or photographed
- dataset.py: a labelled dataset, drawn in parallel
- real.py, shipped.py: real charts read from a folder; the shipped chart head and its manifest
Imports no Django and no app; drawing loads matplotlib and the other engines' libraries (and
Chromium), so web workers never import this package's modules beyond this one.
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
