"""The ways of drawing a chart, one module each: mlcore.charts.<name>_charts.

An engine module has CHARTS, the chart classes it draws; draw(chart, rng, size), an RGB image
about size pixels on its longest side, a pure function of rng; and, where it needs a program or
file that may be absent, missing(): why it cannot draw on this machine, or None. An engine's
CHARTS are the classes it has a drawing function for (mlcore.charts.base.drawers). Modules are
imported only when asked for, since some take seconds to import.
"""

import importlib
from types import ModuleType

TRAINING = (
    "matplotlib",
    "seaborn",
    "plotnine",
    "office",
    "vega",
    "pygal",
    "chartjs",
    "echarts",
    "plotly",
)
# Never trained on, by bootstrap or by any recipe measured: the final holdout (README).
HOLDOUT = ("pillow", "bokeh")
ENGINES = TRAINING + HOLDOUT


class EngineMissing(Exception):
    """The engine cannot draw here; the message says why."""


def load(name: str) -> ModuleType:
    if name not in ENGINES:
        raise EngineMissing(f"{name}: no such engine (engines: {', '.join(ENGINES)})")
    try:
        module = importlib.import_module(f"mlcore.charts.{name}_charts")
    except ImportError as error:
        raise EngineMissing(f"{name}: {error}") from error
    reason = module.missing() if hasattr(module, "missing") else None
    if reason:
        raise EngineMissing(f"{name}: {reason}")
    return module


def usable(names) -> tuple[dict[str, ModuleType], list[str]]:
    """The engines among names that can draw here, and a line for each that cannot."""
    modules, skipped = {}, []
    for name in names:
        try:
            modules[name] = load(name)
        except EngineMissing as error:
            skipped.append(str(error))
    return modules, skipped
