"""Real charts from a folder, to train beside the drawn ones: a labels.csv (columns file and
label, and source when known) or one sub-folder per class.

An unreadable image, a missing file or a folder that is no class gets a line and is skipped; a
labels.csv naming a class the classifier does not have is refused, with the classes it has.
"""

import csv
from dataclasses import dataclass, field, replace
from pathlib import Path

from mlcore.storage import files
from mlcore.training import datasets
from mlcore.vision import images

LABELS = "labels.csv"


class RealChartsError(ValueError):
    """The folder cannot be read as real charts at all."""


@dataclass
class RealCharts:
    charts: list[tuple[Path, str, str]] = field(default_factory=list)  # (path, label, source)
    skipped: list[str] = field(default_factory=list)  # a line for each, saying why


def read(folder, classes) -> RealCharts:
    """The readable charts of folder whose class is one of classes."""
    folder = Path(folder)
    if not folder.is_dir():
        raise RealChartsError(f"{folder} is not a folder.")
    found = RealCharts()
    listed = from_labels(folder, classes) if (folder / LABELS).exists() else None
    for path, label, source in listed or from_class_folders(folder, classes, found.skipped):
        if not inside(path, folder):
            found.skipped.append(f"{path}: outside {folder}")
        elif not path.is_file():
            found.skipped.append(f"{path}: no such file")
        elif reason := datasets.verify_one(path)[1]:
            found.skipped.append(f"{path}: {reason}")
        else:
            found.charts.append((path, label, source))
    if not found.charts:
        raise RealChartsError(f"{folder} holds no readable chart of a known class.")
    return found


def from_labels(folder: Path, classes) -> list[tuple[Path, str, str]]:
    try:
        with open(folder / LABELS, newline="", encoding="utf-8") as file:
            rows = list(csv.DictReader(file))
    except (UnicodeDecodeError, csv.Error) as error:
        raise RealChartsError(f"{folder / LABELS} cannot be read: {error}") from None
    if not rows or not {"file", "label"} <= set(rows[0]):
        raise RealChartsError(f"{folder / LABELS} needs the columns file and label.")
    unknown = sorted({row["label"] for row in rows} - set(classes))
    if unknown:
        raise RealChartsError(
            f"{folder / LABELS} names classes the classifier does not have: "
            f"{', '.join(unknown)}. Its classes are {', '.join(classes)}."
        )
    return [(folder / row["file"], row["label"], row.get("source") or folder.name) for row in rows]


def inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def from_class_folders(folder: Path, classes, skipped: list[str]):
    for child in datasets.visible_folders(folder):
        if child.name not in classes:
            skipped.append(f"{child}: not a class of the classifier ({', '.join(classes)})")
            continue
        for path in sorted(child.iterdir()):
            if path.is_file() and not datasets.hidden(path.name):
                yield path, child.name, folder.name


def add_to_training(dataset: datasets.Dataset, found: RealCharts) -> datasets.Dataset:
    """dataset with the real charts added to its train split, except copies of its images."""
    known = {sample.sha256 for samples in dataset.splits.values() for sample in samples}
    added = []
    for path, label, _ in found.charts:
        digest = images.sha256(path.read_bytes())
        if digest not in known:
            known.add(digest)
            added.append(datasets.Sample(path, label, digest))
    splits = {**dataset.splits, "train": dataset.splits["train"] + added}
    counts = {
        split: datasets.count_labels(samples, dataset.labels) for split, samples in splits.items()
    }
    return replace(dataset, splits=splits, report=replace(dataset.report, counts=counts))


def copy_into(found: RealCharts, out) -> dict[str, int]:
    """Write each chart to out/<label>/real-<source>-<name>; returns the count per class."""
    counts: dict[str, int] = {}
    for path, label, source in found.charts:
        files.write_whole(Path(out, label, f"real-{source}-{path.name}"), path.read_bytes())
        counts[label] = counts.get(label, 0) + 1
    return counts
