"""Leave one source out: the chart classifier measured on real charts from publishers and tools
it never trained on.

    .venv/bin/python -m bench.chart_sources [--real ../shared/data/charts_real]
                                            [--per-class 40] [--recipe NAME ...] [--json FILE]
    .venv/bin/python -m bench.chart_sources --show FILE

For every `source` of the real charts' labels.csv, a head is trained on the drawn charts
(--per-class per class and engine, drawn once into data/bench/chart_engines and reused) and the
real charts of every other source, and tested on the one left out; the four ChartQA publishers
are also held out together (they share a collection). Then the model as shipped: trained on the
drawn charts and the redistributable real ones, tested on the rest. Backbone features (the
pooled taps of mlcore.models.tapped, EfficientNet-Lite1 at 240 px, stretched) are computed once per
image and cached in data/features/, so every recipe is compared on the same features in
one run. Printed per recipe: a row per source (n, accuracy, worst classes), the image-weighted
mean, the worst source, per-class recall and precision, macro F1, the calibration error before
and after a temperature fitted on the left-out predictions, the shipped model's figures, and
the commonest mistakes (true class -> answer) per left-out source.

Feature views (tapped.VIEWS, each cached in its own file): "mean+max" joins the taps pooled by
their maximum to the averaged ones, "2x2 tiles" the taps of the image's four quadrants (each
seen at the full input size, averaged), and "flip" trains on every chart and its left-right
mirror and tests on the average of a chart's features and its mirror's; "taps at 300 px" feeds
the backbone 300 px instead of 240; "integer taps" are computed by the backbone's integer
export (calibrated on 300 of the redistributable real charts, as the shipped model's export is
on the bundled ones), as the served integer model computes them.
The two "taps and integer taps" recipes train one
head on both (each chart's float taps and its integer ones as two rows) and test it on each:
what the float and the integer export of one served model answer.
"taps, last block fine-tuned" trains the backbone's last block and top convolution together
with the head (mlcore.models.tuned: the head first fitted on the frozen taps, then both at a
low learning rate, early-stopped on the head's validation rows); the feature map that feeds
that block is cached per chart like the taps.

"published styles" recipes train on data/bench/chart_styles, the charts drawn by the engines
of commit a10acfb (stacked columns, bubbles, numbered columns and scatter plots as the web
publishes them; backed out since, see STYLED), the others on data/bench/chart_engines. The rows
"without ENGINE" leave that engine's drawn charts out: an engine worth drawing with lowers the
left-out figures when it is gone.
"""

import argparse
import collections
import csv
import functools
import gzip
import json
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np

from mlcore.charts import CHART_CLASSES, engines
from mlcore.charts.dataset import draw_each_engine, engine_of
from mlcore.training import evaluation

BACKBONE, SIZE, FIT = "efficientnet_lite1", 240, "stretch"
SYNTHETIC = Path("data/bench/chart_engines")
# The same plan drawn by the engines with the published styles of issue 25 (commit a10acfb:
# stacked columns, bubbles, numbered columns and scatter plots as the web publishes them),
# backed out after they measured worse (README). Missing files are drawn by today's engines, so
# the "published styles" rows mean what they say only with STYLED drawn at a10acfb.
STYLED = Path("data/bench/chart_styles")
CACHE = Path("data/features")  # shared with manage.py build_chart_head
CHARTQA = "chartqa"  # the prefix of the four ChartQA publishers' sources
MIN_SOURCE = 30  # sources of at least this many charts are held to the goal
MIRRORED = "mirrored taps"  # the view a "flip" recipe adds as training rows and test average
LAST_WIDTH = 1280  # the last feature map's channels in the taps (EfficientNet-Lite1)
TAP_WIDTHS = (40, 80, 112, 192, 320, 1152, LAST_WIDTH)  # the seven taps, shallow to deep


def signed_sqrt(features: np.ndarray) -> np.ndarray:
    return (np.sign(features) * np.sqrt(np.abs(features))).astype(np.float32)


def unit_per_depth(features: np.ndarray) -> np.ndarray:
    """Each tap's columns scaled to length one, row by row."""
    parts = np.split(features, np.cumsum(TAP_WIDTHS)[:-1], axis=1)
    return np.hstack(
        [part / (np.linalg.norm(part, axis=1, keepdims=True) + 1e-6) for part in parts]
    )


# Power normalisation of pooled features (a transform before the head, measured, not served).
NORMALISATIONS = {
    "signed sqrt": signed_sqrt,
    "signed sqrt, unit length per depth": lambda features: unit_per_depth(signed_sqrt(features)),
}


class Recipe(NamedTuple):
    features: str  # tapped.TAPS or "last"
    drawn: int | None  # drawn charts per class and engine; None: --per-class
    real_weight: float  # of a real chart against a drawn one; 0: no real charts
    styled: bool = False  # drawn charts from STYLED instead of SYNTHETIC
    without: str | None = None  # an engine whose drawn charts are left out (the ablation rows)
    head: object = None  # a tapped.HeadRecipe (given as its fields); None: as shipped
    views: tuple[str, ...] = ("taps",)  # of tapped.VIEWS, their features joined
    flip: bool = False  # trained on every chart and its mirror, tested on both averaged
    twin: str | None = None  # a view whose features join every training row (tapped.train_head)
    tested_on: str | None = None  # the view the left-out charts are tested on; None: views
    normalised: str | None = None  # of NORMALISATIONS: applied to every feature row first
    tuned_blocks: int = 0  # the backbone's last blocks trained with the head (tuned.fit)
    seed: int = 0  # of the validation split, the dropout and the initial weights


RECIPES = {
    "synthetic only, last layer": ("last", None, 0.0),
    "last layer": ("last", None, 1.0),
    "taps": ("taps", None, 1.0),
    "taps, real x3": ("taps", None, 3.0),
    "taps, real only": ("taps", 0, 1.0),
    "taps, 20 drawn per class and engine": ("taps", 20, 1.0),
    "taps, 10 drawn per class and engine": ("taps", 10, 1.0),
    "taps, 5 drawn per class and engine": ("taps", 5, 1.0),
    "taps, published styles": ("taps", None, 1.0, True),
    **{
        f"taps, published styles, without {engine}": ("taps", None, 1.0, True, engine)
        for engine in engines.TRAINING
    },
    # How the head is trained and real and drawn charts mixed (issue 25, on the same features).
    "taps, real x10": ("taps", None, 10.0),
    "taps, real as much as drawn in all": ("taps", None, -1.0),
    "taps, L2 1e-3": ("taps", None, 1.0, False, None, dict(l2=1e-3)),
    "taps, L2 1e-2": ("taps", None, 1.0, False, None, dict(l2=1e-2)),
    "taps, label smoothing 0.1": ("taps", None, 1.0, False, None, dict(label_smoothing=0.1)),
    "taps, one hidden layer of 256": ("taps", None, 1.0, False, None, dict(hidden=256)),
    "taps, not standardised": ("taps", None, 1.0, False, None, dict(standardise=False)),
    "taps, classes not balanced": ("taps", None, 1.0, False, None, dict(class_balanced=False)),
    "taps, L2 1e-2, classes not balanced": (
        "taps",
        None,
        1.0,
        False,
        None,
        dict(l2=1e-2, class_balanced=False),
    ),
    "taps, L2 3e-2": ("taps", None, 1.0, False, None, dict(l2=3e-2)),
    # Feature views (issue 25: fine structure, sparse marks), each with the L2 1e-2 head.
    "taps, mean+max, L2 1e-2": dict(views=("taps", "max taps")),
    "taps, 2x2 tiles, L2 1e-2": dict(views=("taps", "tile taps")),
    "taps, flip, L2 1e-2": dict(flip=True),
    "taps at 300 px, L2 1e-2": dict(views=("taps at 300 px",)),
    # The head trained and tested on the taps of the backbone's integer export (as served).
    "integer taps, L2 1e-2": dict(views=("integer taps",)),
    # One head trained on both (every chart's float taps and its integer ones), tested on each:
    # what the float and the integer export of one served model would answer.
    "taps and integer taps, L2 1e-2, tested on taps": dict(twin="integer taps"),
    "taps and integer taps, L2 1e-2, tested on integer taps": dict(
        twin="integer taps", tested_on="integer taps"
    ),
    # Power normalisation of the taps (signed square root), then each depth to unit length.
    "taps, signed sqrt, L2 1e-2": dict(normalised="signed sqrt"),
    "taps, signed sqrt, unit length per depth, L2 1e-2": dict(
        normalised="signed sqrt, unit length per depth"
    ),
    "taps and integer taps, signed sqrt, L2 1e-2, tested on integer taps": dict(
        twin="integer taps", tested_on="integer taps", normalised="signed sqrt"
    ),
    "taps and integer taps, signed sqrt, L2 1e-2, tested on taps": dict(
        twin="integer taps", tested_on="taps", normalised="signed sqrt"
    ),
    # More drawn charts than the shipped 40 (run with --per-class 80 against these two).
    "taps, L2 1e-2, 40 drawn per class and engine": dict(drawn=40),
    "taps and integer taps, L2 1e-2, tested on integer taps, 40 drawn": dict(
        twin="integer taps", tested_on="integer taps", drawn=40
    ),
    # The backbone's last block and top convolution fine-tuned together with the head (issue
    # 25, item 3: "both together"), on the taps.
    "taps, last block fine-tuned, L2 1e-2": dict(tuned_blocks=1),
    "taps, last two blocks fine-tuned, L2 1e-2": dict(tuned_blocks=2),
    # A second seed of the two (the validation split, dropout and initial weights).
    "taps, L2 1e-2, seed 1": dict(seed=1),
    "taps, last two blocks fine-tuned, L2 1e-2, seed 1": dict(tuned_blocks=2, seed=1),
}


# A recipe given as a dict (the feature views) has these fields unless it says otherwise.
VIEWED = {"features": "taps", "drawn": None, "real_weight": 1.0, "head": dict(l2=1e-2)}


def _recipe(fields) -> Recipe:
    recipe = Recipe(**VIEWED | fields) if isinstance(fields, dict) else Recipe(*fields)
    if isinstance(recipe.head, dict):
        from mlcore.models import tapped

        recipe = recipe._replace(head=tapped.HeadRecipe(**recipe.head))
    return recipe


RECIPES = {name: _recipe(fields) for name, fields in RECIPES.items()}


@dataclass
class Charts:
    paths: list[Path]
    y: np.ndarray  # class index
    source: np.ndarray  # "synthetic" or the real chart's source
    redistributable: np.ndarray  # bool; drawn charts count as redistributable
    index: np.ndarray  # a drawn chart's number within its class and engine; -1 for real ones
    engine: np.ndarray  # the engine that drew a chart; "" for real ones
    styled: np.ndarray  # bool: drawn with the published styles (STYLED)


def read_real(folder: Path) -> list[tuple[Path, str, str, bool]]:
    with open(folder / "labels.csv", newline="", encoding="utf-8") as file:
        return [
            (folder / row["file"], row["label"], row["source"], row["redistributable"] == "yes")
            for row in csv.DictReader(file)
        ]


def collect(real_folder: Path, per_class: int, styled: bool = False) -> Charts:
    """The drawn charts (SYNTHETIC, and STYLED if styled) and the real ones."""
    rows = []
    for folder in (SYNTHETIC, STYLED) if styled else (SYNTHETIC,):
        for path in sorted(folder.glob("*/*")):
            if path.parent.name in CHART_CLASSES and path.suffix in (".png", ".jpg"):
                index = int(path.stem.rsplit("-", 1)[1])
                if index < per_class:
                    label, engine = path.parent.name, engine_of(path)
                    rows.append((path, label, "synthetic", True, index, engine, folder == STYLED))
    rows += [
        (path, label, source, free, -1, "", False)
        for path, label, source, free in read_real(real_folder)
    ]
    paths, labels, sources, free, index, engine, styled_rows = zip(*rows, strict=True)
    return Charts(
        list(paths),
        np.array([CHART_CLASSES.index(label) for label in labels]),
        np.array(sources),
        np.array(free),
        np.array(index),
        np.array(engine),
        np.array(styled_rows),
    )


def recipe_rows(charts: Charts, per_class: int, recipe: Recipe) -> np.ndarray:
    """The rows a recipe may train on: its drawn charts and every real one."""
    drawn = per_class if recipe.drawn is None else recipe.drawn
    synthetic = charts.source == "synthetic"
    mine = (charts.index < drawn) & (charts.styled == recipe.styled)
    if recipe.without:
        mine &= charts.engine != recipe.without
    keep = ~synthetic | mine
    if recipe.real_weight == 0.0:
        keep &= synthetic
    return np.flatnonzero(keep)


def leave_sources_out(
    features, charts: Charts, per_class: int, recipe, twins=None, tested=None, fit=None
) -> dict:
    from mlcore.models import tapped

    allowed = recipe_rows(charts, per_class, recipe)
    real = charts.source != "synthetic"
    sources = sorted(set(charts.source) - {"synthetic"})
    groups = {source: charts.source == source for source in sources}
    groups[f"{CHARTQA} (all four)"] = np.char.startswith(charts.source.astype(str), CHARTQA)

    def report(name, fold):
        accuracy = (fold["logits"].argmax(axis=1) == charts.y[fold["rows"]]).mean()
        print(f"  left out {name}: {accuracy:.3f} ({len(fold['rows'])})", flush=True)

    head_recipe = recipe.head or tapped.SHIPPED_HEAD
    results = tapped.leave_groups_out(
        features,
        charts.y,
        real,
        groups,
        allowed,
        recipe.real_weight,
        len(CHART_CLASSES),
        report,
        head_recipe,
        twins,
        tested,
        fit,
        recipe.seed,
    )
    shipped_train = np.intersect1d(allowed, np.flatnonzero(charts.redistributable))
    shipped_test = np.flatnonzero(~charts.redistributable)
    head, _ = tapped.train_head(
        features,
        charts.y,
        real,
        shipped_train,
        recipe.real_weight,
        len(CHART_CLASSES),
        recipe.seed,
        head_recipe,
        twins,
        fit,
    )
    tested = features if tested is None else tested
    results["shipped"] = {"rows": shipped_test, "logits": head.logits(tested[shipped_test])}
    return {
        name: {"rows": fold["rows"].tolist(), "logits": fold["logits"].round(2).tolist()}
        for name, fold in results.items()
    }


def summarise(charts: Charts, results: dict) -> dict:
    """Every printed figure of one recipe, from its stored logits."""
    from mlcore.models import tapped

    single = [name for name in results if name != "shipped" and "(" not in name]
    rows = np.concatenate([results[name]["rows"] for name in single])
    logits = np.concatenate([results[name]["logits"] for name in single])
    y = charts.y[rows]
    pooled = evaluation.evaluate(y, tapped.softmax(logits), CHART_CLASSES)
    temperature = tapped.fit_temperature(logits, y)
    calibrated = tapped.softmax(logits / temperature)
    shipped = results["shipped"]
    per_source = {}
    for name, fold in results.items():
        if name != "shipped":
            probabilities = tapped.softmax(np.array(fold["logits"]))
            per_source[name] = evaluation.evaluate(
                charts.y[fold["rows"]], probabilities, CHART_CLASSES
            )
    return {
        "sources": per_source,
        "pooled": pooled,
        "temperature": temperature,
        "ece_calibrated": evaluation.expected_calibration_error(
            calibrated.max(axis=1), calibrated.argmax(axis=1) == y
        ),
        "reliability": tapped.reliability(calibrated.max(axis=1), calibrated.argmax(axis=1) == y),
        "shipped": evaluation.evaluate(
            charts.y[shipped["rows"]],
            tapped.softmax(np.array(shipped["logits"]) / temperature),
            CHART_CLASSES,
        ),
    }


def worst_classes(metrics: dict, count: int = 3) -> str:
    rows = sorted(metrics["classes"], key=lambda row: (row["recall"], -row["support"]))[:count]
    return ", ".join(f"{row['label']} {row['recall']:.2f} ({row['support']})" for row in rows)


def print_recipe(name: str, summary: dict) -> None:
    sources = summary["sources"]
    single = {key: value for key, value in sources.items() if "(" not in key}
    print(f"\n### {name}\n")
    print("| left-out source | charts | accuracy | worst recalled classes (charts) |")
    print("|---|---|---|---|")
    for source, metrics in sorted(sources.items(), key=lambda item: -item[1]["count"]):
        print(
            f"| {source} | {metrics['count']} | {metrics['accuracy']:.3f} | "
            f"{worst_classes(metrics)} |"
        )
    pooled = summary["pooled"]
    large = {key: value for key, value in single.items() if value["count"] >= MIN_SOURCE}
    worst = min(single, key=lambda key: single[key]["accuracy"])
    worst_large = min(large, key=lambda key: large[key]["accuracy"])
    print(
        f"\nImage-weighted mean {pooled['accuracy']:.3f} over {pooled['count']} charts; "
        f"mean over sources {statistics.fmean(m['accuracy'] for m in single.values()):.3f}; "
        f"worst source {worst} {single[worst]['accuracy']:.3f}; worst of {MIN_SOURCE} or more "
        f"{worst_large} {large[worst_large]['accuracy']:.3f}; top-3 {pooled['top3_accuracy']:.3f}; "
        f"macro F1 {pooled['macro_f1']:.3f}; calibration error {pooled['ece']:.3f}, "
        f"{summary['ece_calibrated']:.3f} at temperature {summary['temperature']:.2f}."
    )
    print("\n| class | charts | recall | precision |\n|---|---|---|---|")
    for row in pooled["classes"]:
        print(
            f"| {row['label']} | {row['support']} | {row['recall']:.2f} | {row['precision']:.2f} |"
        )
    shipped = summary["shipped"]
    print(
        f"\nShipped (drawn + redistributable real), on the {shipped['count']} others: "
        f"{shipped['accuracy']:.3f}, macro F1 {shipped['macro_f1']:.3f}, "
        f"calibration error {shipped['ece']:.3f}; worst {worst_classes(shipped)}"
    )


def print_summary(summaries: dict) -> None:
    names = sorted(next(iter(summaries.values()))["sources"], key=str)
    print(
        "\n| recipe | image-weighted | worst source | shipped on the others | "
        + " | ".join(names)
        + " |"
    )
    print("|---|---|---|---|" + "---|" * len(names))
    for recipe, summary in summaries.items():
        single = {k: v["accuracy"] for k, v in summary["sources"].items() if "(" not in k}
        worst = min(single, key=single.get)
        cells = " | ".join(f"{summary['sources'][name]['accuracy']:.3f}" for name in names)
        print(
            f"| {recipe} | {summary['pooled']['accuracy']:.3f} | {single[worst]:.3f} ({worst}) | "
            f"{summary['shipped']['accuracy']:.3f} | {cells} |"
        )


WEAK = ("bubble", "scatter_plot", "violin_plot", "histogram")  # recall under 0.85 as shipped


def print_goals(summaries: dict) -> None:
    """A row per recipe with the figures the goals name."""
    print(
        f"\n| recipe | image-weighted | worst of {MIN_SOURCE} or more | ChartQA held out whole | "
        "shipped on the others | recall " + " / ".join(WEAK) + " | histogram precision | "
        "calibration error after the temperature |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for recipe, summary in summaries.items():
        sources = summary["sources"]
        large = {
            k: v["accuracy"]
            for k, v in sources.items()
            if "(" not in k and v["count"] >= MIN_SOURCE
        }
        worst = min(large, key=large.get)
        chartqa = next(v["accuracy"] for k, v in sources.items() if k.startswith(CHARTQA + " ("))
        classes = {row["label"]: row for row in summary["pooled"]["classes"]}
        recalls = " / ".join(f"{classes[name]['recall']:.2f}" for name in WEAK)
        print(
            f"| {recipe} | {summary['pooled']['accuracy']:.3f} | {large[worst]:.3f} ({worst}) | "
            f"{chartqa:.3f} | {summary['shipped']['accuracy']:.3f} | {recalls} | "
            f"{classes['histogram']['precision']:.2f} | {summary['ece_calibrated']:.3f} |"
        )


def print_paired(charts: Charts, results: dict, base: str) -> None:
    """Each recipe against base on the same left-out charts: fixed, broken, and a 95% interval
    of the accuracy difference (paired bootstrap over charts)."""
    rng = np.random.default_rng(0)

    def correct(recipe):
        names = [n for n in results[recipe] if n != "shipped" and "(" not in n]
        rows = np.concatenate([results[recipe][n]["rows"] for n in names])
        logits = np.concatenate([results[recipe][n]["logits"] for n in names])
        order = np.argsort(rows)
        return (logits.argmax(axis=1) == charts.y[rows])[order]

    reference = correct(base)
    print(f"\n| recipe against {base} | fixed | broken | difference (95% interval) |")
    print("|---|---|---|---|")
    for recipe in results:
        if recipe != base:
            other = correct(recipe)
            draws = rng.integers(0, len(other), (2000, len(other)))
            differences = (other[draws].astype(float) - reference[draws]).mean(axis=1)
            low, high = np.percentile(differences, [2.5, 97.5])
            print(
                f"| {recipe} | {int((other & ~reference).sum())} | "
                f"{int((~other & reference).sum())} | {(other.mean() - reference.mean()):+.3f} "
                f"({low:+.3f} to {high:+.3f}) |"
            )


def print_confusions(charts: Charts, results: dict, most: int = 4) -> None:
    """Per left-out source, the commonest mistakes: true class -> answer (charts)."""
    print("\n| left-out source | commonest mistakes: true -> answered (charts) |\n|---|---|")
    for name, fold in results.items():
        if name == "shipped":
            continue
        truth = charts.y[fold["rows"]]
        answer = np.array(fold["logits"]).argmax(axis=1)
        pairs = collections.Counter(
            (CHART_CLASSES[t], CHART_CLASSES[a])
            for t, a in zip(truth, answer, strict=True)
            if t != a
        )
        cells = ", ".join(f"{t} -> {a} ({n})" for (t, a), n in pairs.most_common(most))
        print(f"| {name} | {cells} |")


def show(charts: Charts, results: dict) -> None:
    summaries = {name: summarise(charts, rows) for name, rows in results.items()}
    for name, summary in summaries.items():
        print_recipe(name, summary)
        print_confusions(charts, results[name])
    print_summary(summaries)
    print_goals(summaries)
    print_paired(charts, results, next(iter(results)))


def view_features(charts: Charts, view: str) -> np.ndarray:
    """Every chart's features in a view of tapped.VIEWS, cached by content in CACHE."""
    from mlcore.models import tapped

    started = time.perf_counter()
    how = tapped.VIEWS[view]
    size = how.size or SIZE
    extractor, name = tapped.extractor(BACKBONE, size, (how.pooling,)), view
    if how.integer:  # calibrated on real charts, as the shipped model's export is
        free = charts.redistributable & (charts.source != "synthetic")
        paths = [charts.paths[i] for i in np.flatnonzero(free)]
        extractor, name = tapped.integer_extractor(extractor, paths, size, FIT)
    features = tapped.cached_features(
        extractor,
        charts.paths,
        CACHE / tapped.cache_name(BACKBONE, size, FIT, name),
        size,
        FIT,
        lambda done, total: print(f"  {view} {done}/{total}", flush=True),
        how.crops,
    )
    print(f"{view} in {time.perf_counter() - started:.0f} s", flush=True)
    return features


def tuned_inputs(charts: Charts, taps: np.ndarray, blocks: int):
    """Every chart as tuned.fit reads it: the feature map that feeds the backbone's last
    `blocks` blocks (cached by content in CACHE, in float16) and the frozen taps."""
    from mlcore.models import backbones, tapped, tuned

    started = time.perf_counter()
    backbone = backbones.build(BACKBONE, "imagenet", SIZE)
    frozen, _, early = tuned.split(backbone, blocks)
    view = f"input of {tuned.cut_layer(backbone, blocks)}"
    maps = tapped.cached_features(
        tuned.MapExtractor(frozen),
        charts.paths,
        CACHE / tapped.cache_name(BACKBONE, SIZE, FIT, view),
        SIZE,
        FIT,
        lambda done, total: print(f"  {view} {done}/{total}", flush=True),
    )
    print(f"{view} in {time.perf_counter() - started:.0f} s", flush=True)
    return tuned.Inputs(maps, taps, early)


def read_results(path: Path) -> dict:
    raw = path.read_bytes()
    return json.loads(gzip.decompress(raw) if path.suffix == ".gz" else raw)


def write_results(path: Path, saved: dict) -> None:
    data = (json.dumps(saved) + "\n").encode()
    path.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", type=Path, default=Path("../shared/data/charts_real"))
    parser.add_argument("--per-class", type=int, default=40, help="drawn per class and engine")
    parser.add_argument("--recipe", action="append", choices=list(RECIPES))
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--show", type=Path, metavar="JSON", help="the tables of an earlier run")
    parser.add_argument(
        "--resume", action="store_true", help="keep the recipes already in --json, run the rest"
    )
    options = parser.parse_args()
    if not (options.real / "labels.csv").exists():
        parser.error(f"No labels.csv in {options.real}: the real charts are needed.")
    if options.show:
        saved = read_results(options.show)
        charts = collect(options.real, saved["per_class"], saved.get("styled", False))
        show(charts, saved["results"])
        return
    chosen_recipes = options.recipe or list(RECIPES)
    styled = any(RECIPES[name].styled for name in chosen_recipes)
    draw_each_engine(SYNTHETIC, options.per_class)
    if styled:
        draw_each_engine(STYLED, options.per_class)
    charts = collect(options.real, options.per_class, styled)
    print(f"{len(charts.paths)} charts, {int((charts.source != 'synthetic').sum())} real")

    from mlcore.models import tapped, tuned

    needed = {tapped.TAPS}
    for name in chosen_recipes:
        recipe = RECIPES[name]
        needed |= {*recipe.views, recipe.twin, recipe.tested_on, MIRRORED if recipe.flip else None}
    needed.discard(None)
    features = {view: view_features(charts, view) for view in sorted(needed)}
    last = tapped.select(features[tapped.TAPS], tapped.LAST, LAST_WIDTH)
    results = {}
    if options.resume and options.json and options.json.exists():
        results = read_results(options.json)["results"]
    for name in chosen_recipes:
        if name in results:
            continue
        print(f"{name}:", flush=True)
        recipe = RECIPES[name]
        if recipe.features == tapped.TAPS:
            chosen = np.hstack([features[view] for view in recipe.views])
        else:
            chosen = last
        twins = features[MIRRORED] if recipe.flip else features.get(recipe.twin)
        tested = features.get(recipe.tested_on)
        if recipe.flip:
            tested = (chosen + twins) / 2
        if recipe.normalised:
            normalise = NORMALISATIONS[recipe.normalised]
            chosen, twins, tested = (
                None if f is None else normalise(f) for f in (chosen, twins, tested)
            )
        fit = None
        if recipe.tuned_blocks:
            chosen = tuned_inputs(charts, chosen, recipe.tuned_blocks)
            fit = functools.partial(
                tuned.fit, blocks=recipe.tuned_blocks, backbone=BACKBONE, size=SIZE
            )
        started = time.perf_counter()
        results[name] = leave_sources_out(
            chosen, charts, options.per_class, recipe, twins, tested, fit
        )
        print(f"{name} in {time.perf_counter() - started:.0f} s", flush=True)
        if options.json:
            saved = {"per_class": options.per_class, "styled": styled, "results": results}
            write_results(options.json, saved)
    show(charts, results)


if __name__ == "__main__":
    main()
