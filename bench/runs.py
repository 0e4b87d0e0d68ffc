"""What the benchmarks that compare training recipes share: their --recipe, --json and --show
options, and reading the results of earlier runs back (bench.recipes, bench.chart_engines)."""

import json
from pathlib import Path


def add_run_options(parser, recipes, recipe_help, show_help):
    """--recipe NAME (repeatable, one of recipes), --json FILE and --show FILE [FILE ...]."""
    parser.add_argument("--recipe", action="append", choices=list(recipes), help=recipe_help)
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--show", type=Path, nargs="+", metavar="JSON", help=show_help)


def earlier_runs(paths):
    """The results saved by --json in paths, merged recipe by recipe (a later file wins)."""
    results = {}
    for path in paths:
        results.update(json.loads(path.read_text(encoding="utf-8")))
    return results
