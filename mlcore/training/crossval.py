"""Stratified K-fold cross-validation of a training recipe, for error bars on small datasets.

Every image of the dataset (its train, val and test splits pooled: scanning has already dropped
duplicates, so no image is in two folds) is dealt into K folds per class, seeded. Fold i is the
test split of run i; the other folds are split again into train and validation, stratified, and
the recipe is trained on them as it would be on any dataset.
"""

import random
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace

import keras

from mlcore.training import trainer
from mlcore.training.datasets import SPLITS, Dataset, Sample, count_labels, stratify

FIGURES = ("accuracy", "top3_accuracy", "macro_f1")


class CrossValidationError(ValueError):
    """The dataset is too small for the folds asked for."""


def deal(samples: list[Sample], k: int, seed: int) -> list[list[Sample]]:
    """k folds, each class dealt round-robin after a seeded shuffle: sizes differ by at most one."""
    by_label = defaultdict(list)
    for sample in sorted(samples, key=lambda sample: sample.path):
        by_label[sample.label].append(sample)
    folds = [[] for _ in range(k)]
    for label, members in sorted(by_label.items()):
        random.Random(f"cv:{seed}:{label}").shuffle(members)
        for index, sample in enumerate(members):
            folds[index % k].append(sample)
    return folds


def fold_datasets(dataset: Dataset, k: int, seed: int, val_fraction: float) -> list[Dataset]:
    """The K datasets of a K-fold cross-validation of dataset."""
    if k < 2:
        raise CrossValidationError(f"Cross-validation needs at least 2 folds, not {k}.")
    samples = [sample for split in SPLITS for sample in dataset.splits[split]]
    smallest = min(count_labels(samples, dataset.labels).values())
    if smallest < k + 1:
        raise CrossValidationError(
            f"The smallest class has {smallest} images: {k} folds need at least {k + 1}."
        )
    folds = deal(samples, k, seed)
    return [
        held_out(
            dataset,
            fold,
            [s for other in folds if other is not fold for s in other],
            seed,
            val_fraction,
        )
        for fold in folds
    ]


def group_datasets(
    dataset: Dataset, group_of: Callable[[Sample], str], seed: int, val_fraction: float
) -> dict[str, Dataset]:
    """Leave one group out: per group (a source, such as the tool that drew a chart or the site
    a photo came from), a dataset tested on that group's images and trained on the others'."""
    samples = [sample for split in SPLITS for sample in dataset.splits[split]]
    groups = sorted({group_of(sample) for sample in samples})
    if len(groups) < 2:
        raise CrossValidationError(f"Leaving a group out needs two groups, not {groups}.")
    return {
        group: held_out(
            dataset,
            [sample for sample in samples if group_of(sample) == group],
            [sample for sample in samples if group_of(sample) != group],
            seed,
            val_fraction,
        )
        for group in groups
    }


def held_out(dataset: Dataset, test: list[Sample], rest: list[Sample], seed, val_fraction):
    """dataset with test as its test split and rest split into train and validation."""
    split = stratify(rest, val_fraction, 0, seed)
    splits = {"train": split["train"], "val": split["val"], "test": test}
    counts = {name: count_labels(members, dataset.labels) for name, members in splits.items()}
    return Dataset(dataset.root, dataset.labels, splits, replace(dataset.report, counts=counts))


def summarise(runs: list[dict]) -> dict:
    """Mean and standard deviation of each figure over the folds' test metrics."""
    summary = {"folds": len(runs)}
    for figure in FIGURES:
        values = [run[figure] for run in runs]
        summary[figure] = {
            "mean": statistics.fmean(values),
            "sd": statistics.stdev(values) if len(values) > 1 else 0.0,
            "folds": values,
        }
    return summary


def cross_validate(
    dataset: Dataset,
    k: int = 5,
    val_fraction: float = 0.15,
    progress: Callable[..., None] | None = None,
    **options,
) -> dict:
    """Train with options (mlcore.training.trainer.train's) on each fold; the summary of the test
    figures, with the seconds each fold took to train. The folds follow options' seed."""
    report = progress or (lambda *event: None)
    runs, seconds = [], []
    folds = fold_datasets(dataset, k, options.get("seed", 0), val_fraction)
    for index, fold in enumerate(folds, 1):
        report("fold", index, k)
        started = time.perf_counter()
        result = trainer.train(fold, progress=progress, **options)
        seconds.append(time.perf_counter() - started)
        runs.append(result.metrics)
        del result
        keras.backend.clear_session()  # every fold builds a model of its own
    return {**summarise(runs), "seconds": [round(s, 1) for s in seconds]}
