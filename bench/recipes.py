"""Compare training recipes on a folder of labelled images by stratified K-fold cross-validation.

    .venv/bin/python -m bench.recipes FOLDER [--folds 5] [--recipe NAME ...] [--json FILE]
    .venv/bin/python -m bench.recipes --show FILE [FILE ...]

Each recipe is mlcore.training.trainer.train's options; each is cross-validated on the same folds
(mlcore.training.crossval, seed 0) in one run. The table: accuracy mean +/- sd over the folds, the
difference to the first recipe (fold by fold, on the same test images), macro F1, minutes to train
one fold (2 cores here), and milliseconds to serve one image the way the site does (the model's
TFLite export in LiteRT, one thread; two passes with test-time augmentation).
"""

import argparse
import functools
import json
import statistics
import time
from pathlib import Path

import keras
import numpy as np

from bench.runs import add_run_options, earlier_runs
from mlcore.models import backbones, export, runtime
from mlcore.training import crossval, datasets, trainer

RECIPES = {
    "lite0 head": {"backbone": "efficientnet_lite0"},
    "lite0 head, crop": {"backbone": "efficientnet_lite0", "fit": "crop"},
    "lite1 head": {"backbone": "efficientnet_lite1"},
    "lite2 head": {"backbone": "efficientnet_lite2"},
    "lite2 head, crop": {"backbone": "efficientnet_lite2", "fit": "crop"},
    "lite2 head, smoothing, AdamW": {
        "backbone": "efficientnet_lite2",
        "label_smoothing": 0.1,
        "weight_decay": 1e-4,
    },
    "lite2 head, mirror TTA": {"backbone": "efficientnet_lite2", "tta": True},
    "lite2 head, 6 copies": {"backbone": "efficientnet_lite2", "augment_copies": 6},
    "lite0 fine-tune 40": {"backbone": "efficientnet_lite0", "fine_tune": 40},
    "lite0 fine-tune auto": {"backbone": "efficientnet_lite0", "fine_tune": "auto"},
    "lite1 fine-tune 40": {"backbone": "efficientnet_lite1", "fine_tune": 40},
}
SERVING_RUNS = 30


@functools.cache
def forward_ms(name, size, classes):
    """Median milliseconds of one image through a TFLite export of the backbone and a head."""
    model = trainer.build_classifier(backbones.build(name, None, size), classes, 0)
    session = runtime.Session(export.convert(model))
    pixels = np.random.default_rng(0).uniform(0, 255, (1, size, size, 3)).astype(np.float32)
    session.run(pixels)
    times = []
    for _ in range(SERVING_RUNS):
        started = time.perf_counter()
        session.run(pixels)
        times.append(time.perf_counter() - started)
    keras.backend.clear_session()
    return statistics.median(times) * 1000


def serving_ms(options, classes):
    """What serving one image costs with the recipe: two forward passes with TTA."""
    name = options.get("backbone", backbones.DEFAULT)
    size = options.get("input_size") or backbones.get(name).input_size
    return forward_ms(name, size, classes) * (2 if options.get("tta") else 1)


def print_table(rows):
    """The Markdown table; differences are paired with the first recipe's, fold by fold."""
    base = next(iter(rows.values()))["accuracy"]["folds"]
    print("| recipe | accuracy | difference, paired | macro F1 | minutes per fold | serving ms |")
    print("|---|---|---|---|---|---|")
    for name, summary in rows.items():
        accuracy, f1 = summary["accuracy"], summary["macro_f1"]
        differences = [a - b for a, b in zip(accuracy["folds"], base, strict=True)]
        minutes = statistics.fmean(summary["seconds"]) / 60
        print(
            f"| {name} | {accuracy['mean']:.3f} +/- {accuracy['sd']:.3f} | "
            f"{statistics.fmean(differences):+.3f} +/- {statistics.stdev(differences):.3f} | "
            f"{f1['mean']:.3f} | {minutes:.1f} | {summary['serving_ms']:.1f} |"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, nargs="?")
    parser.add_argument("--folds", type=int, default=5)
    add_run_options(parser, RECIPES, "default: every recipe", "print the table of earlier runs")
    options = parser.parse_args()
    if options.show:
        print_table(earlier_runs(options.show))
        return
    if options.folder is None:
        parser.error("name the FOLDER of images (or --show earlier results)")
    dataset = datasets.scan(options.folder)
    images = sum(len(samples) for samples in dataset.splits.values())
    print(
        f"{options.folder}: {images} images, {len(dataset.labels)} classes, {options.folds} folds"
    )
    rows = {}
    for name in options.recipe or RECIPES:
        recipe = RECIPES[name]
        summary = crossval.cross_validate(dataset, options.folds, **recipe)
        summary["serving_ms"] = serving_ms(recipe, len(dataset.labels))
        rows[name] = summary
        print(f"{name}: {summary['accuracy']['mean']:.3f} +/- {summary['accuracy']['sd']:.3f}")
        if options.json:
            options.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    print()
    print_table(rows)


if __name__ == "__main__":
    main()
