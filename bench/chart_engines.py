"""Leave one engine out: train the chart classifier on every training engine but one, test it on
the charts of the one left out, for every engine. This predicts how the classifier does on
charts from a tool it never saw; raise the worst engine, not the mean.

    .venv/bin/python -m bench.chart_engines [--per-class 20] [--data DIR] [--recipe NAME ...]
                                            [--json FILE]
    .venv/bin/python -m bench.chart_engines --show FILE [FILE ...]

Each engine draws --per-class charts of every class it draws (mlcore.charts.dataset, seed 0)
into DIR; charts already there are reused, and only the first --per-class of each are used. The
holdout engines (mlcore.charts.engines.HOLDOUT) are never drawn here. Recipes are
mlcore.training.trainer.train's options; "bootstrap", the default, is the one bootstrap trains with.
For each recipe: a row per left-out engine (accuracy, macro F1 over the classes it draws, the
three classes it recalls worst), the mean and the worst engine, and how often it is right in
each band of its top probability (where to put "not sure").
"""

import argparse
import itertools
import json
import statistics
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from bench.runs import add_run_options, earlier_runs
from mlcore.charts import TRAINING_RECIPE
from mlcore.charts.dataset import draw_each_engine, engine_of
from mlcore.training import datasets

LITE0_HEAD = {
    "backbone": "efficientnet_lite0",
    "fine_tune": 0,
    "fit": "stretch",
    "augment_copies": 1,
}
RECIPES = {
    "bootstrap": TRAINING_RECIPE,
    "lite0 head": LITE0_HEAD,
    "lite0 head, letterbox": {**LITE0_HEAD, "fit": "letterbox"},
    "lite0 head, 3 copies": {**LITE0_HEAD, "augment_copies": 3},
    "lite0 head at 320 px": {**LITE0_HEAD, "input_size": 320},
    "lite0 fine-tune auto": {**LITE0_HEAD, "fine_tune": "auto"},
    "lite1 head": {**LITE0_HEAD, "backbone": "efficientnet_lite1"},
    "lite2 head": {**LITE0_HEAD, "backbone": "efficientnet_lite2"},
}
BANDS = (0.3, 0.4, 0.5, 0.55, 0.6, 0.7, 0.8, 0.9)  # lower edges of the top-probability bands
VAL_FRACTION = 0.15


def first_charts(dataset, per_class: int):
    """The dataset with only the first per_class charts of each engine and class: fewer than
    were drawn, to measure what more charts bring."""
    kept = [
        sample
        for split in datasets.SPLITS
        for sample in dataset.splits[split]
        if int(sample.path.stem.rsplit("-", 1)[1]) < per_class
    ]
    return replace(dataset, splits={"train": kept, "val": [], "test": []})


def leave_one_engine_out(dataset, recipe: dict) -> dict:
    """Per left-out engine: its test metrics, seconds to train, and its (confidence, correct)."""
    # Here, not at the top: the processes drawing charts import this script, and need no TensorFlow.
    import keras

    from mlcore.training import crossval, trainer

    rows = {}
    held_out = crossval.group_datasets(
        dataset, lambda sample: engine_of(sample.path), seed=0, val_fraction=VAL_FRACTION
    )
    for engine, fold in held_out.items():
        started = time.perf_counter()
        result = trainer.train(fold, **recipe)
        truth = np.array([dataset.labels.index(s.label) for s in fold.splits["test"]])
        probabilities = result.test_probabilities
        rows[engine] = {
            "metrics": result.metrics,
            "seconds": round(time.perf_counter() - started, 1),
            "confidence": probabilities.max(axis=1).round(4).tolist(),
            "correct": (probabilities.argmax(axis=1) == truth).tolist(),
        }
        print(f"  left out {engine}: accuracy {result.metrics['accuracy']:.3f}", flush=True)
        del result
        keras.backend.clear_session()
    return rows


def worst_classes(metrics: dict, count: int = 3) -> str:
    rows = sorted(metrics["classes"], key=lambda row: row["recall"])[:count]
    return ", ".join(f"{row['label']} {row['recall']:.2f}" for row in rows)


def print_tables(results: dict) -> None:
    for name, rows in results.items():
        accuracies = {engine: row["metrics"]["accuracy"] for engine, row in rows.items()}
        worst = min(accuracies, key=accuracies.get)
        minutes = sum(row["seconds"] for row in rows.values()) / 60
        print(f"\n### {name} ({minutes:.0f} min for {len(rows)} engines)\n")
        print("| left-out engine | charts | accuracy | macro F1 | worst recalled classes |")
        print("|---|---|---|---|---|")
        for engine, row in rows.items():
            metrics = row["metrics"]
            print(
                f"| {engine} | {metrics['count']} | {metrics['accuracy']:.3f} | "
                f"{metrics['macro_f1']:.3f} | {worst_classes(metrics)} |"
            )
        values = list(accuracies.values())
        print(
            f"| **mean** | | **{statistics.fmean(values):.3f}** +/- {statistics.stdev(values):.3f}"
            f" | | |\n| **worst** | | **{accuracies[worst]:.3f}** ({worst}) | | |"
        )
        print_thresholds(rows)
    print_summary(results)


def print_summary(results: dict) -> None:
    """One line per recipe: the mean, the worst engine and every left-out engine's accuracy."""
    engine_names = list(next(iter(results.values())))
    print("\n| recipe | mean +/- sd | worst | " + " | ".join(engine_names) + " |")
    print("|---|---|---|" + "---|" * len(engine_names))
    for name, rows in results.items():
        values = [rows[engine]["metrics"]["accuracy"] for engine in engine_names]
        mean, sd = statistics.fmean(values), statistics.stdev(values)
        cells = " | ".join(f"{value:.3f}" for value in values)
        print(f"| {name} | {mean:.3f} +/- {sd:.3f} | {min(values):.3f} | {cells} |")


def print_thresholds(rows: dict) -> None:
    """How often the classifier is right in each band of its top probability on left-out
    engines; "not sure" should cover the bands where it is right at most half the time."""
    confidence = np.concatenate([row["confidence"] for row in rows.values()])
    correct = np.concatenate([row["correct"] for row in rows.values()])
    edges = [0.0, *BANDS, 1.01]
    print("\n| top probability | share of charts | right | share at or above |")
    print("|---|---|---|---|")
    reliable_from = None
    for low, high in itertools.pairwise(edges):
        band = (confidence >= low) & (confidence < high)
        right = correct[band].mean() if band.any() else float("nan")
        above = (confidence >= low).mean()
        print(f"| {low:.2f}-{min(high, 1):.2f} | {band.mean():.3f} | {right:.3f} | {above:.3f} |")
        if band.any() and right <= 0.5:
            reliable_from = None
        elif reliable_from is None:
            reliable_from = low
    print(f"\nRight more often than not in every band from {reliable_from:.2f} up.")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-class", type=int, default=20, help="charts per class and engine")
    parser.add_argument("--data", type=Path, default=Path("data/bench/chart_engines"))
    add_run_options(parser, RECIPES, "default: bootstrap", "tables of earlier runs")
    options = parser.parse_args()
    if options.show:
        print_tables(earlier_runs(options.show))
        return
    draw_each_engine(options.data, options.per_class)
    dataset = first_charts(datasets.scan(options.data), options.per_class)
    images = sum(len(samples) for samples in dataset.splits.values())
    print(f"{options.data}: {images} charts, {len(dataset.labels)} classes", flush=True)
    results = {}
    for name in options.recipe or ["bootstrap"]:
        print(f"{name}:", flush=True)
        results[name] = leave_one_engine_out(dataset, RECIPES[name])
        if options.json:
            options.json.write_text(json.dumps(results) + "\n", encoding="utf-8")
    print_tables(results)


if __name__ == "__main__":
    main()
