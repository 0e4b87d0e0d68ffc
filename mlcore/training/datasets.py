"""Scan an image folder into verified, de-duplicated, labelled train/val/test splits.

A dataset is a folder with one sub-folder per class, or with train/, val/ and test/ folders
(valid/ and validation/ also mean val) that each hold one sub-folder per class.
"""

import os
import random
from collections import Counter, defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from mlcore.vision import images

EXTENSIONS = frozenset(
    {".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".gif", ".webp", ".bmp", ".tif", ".tiff"}
)
SPLITS = ("train", "val", "test")
SPLIT_FOLDERS = {
    "train": "train",
    "val": "val",
    "valid": "val",
    "validation": "val",
    "test": "test",
}
VAL_FRACTION = 0.15
TEST_FRACTION = 0.15
MIN_CLASS_SIZE = 10
IMBALANCE = 1.5  # largest / smallest class above which class weights are reported
VERIFY_SIZE = 64  # JPEGs are verified at reduced scale; every byte is still decoded


class DatasetError(ValueError):
    """The folder cannot be used as a dataset at all."""


@dataclass(frozen=True)
class Sample:
    path: Path
    label: str
    sha256: str


@dataclass
class DatasetReport:
    layout: str  # "flat" (class folders) or "split" (train/val/test folders)
    seed: int
    counts: dict[str, dict[str, int]]  # split -> label -> images
    class_weights: dict[str, float] | None  # balanced weights, only when classes are imbalanced
    unreadable: list[dict]  # {"path", "reason"}
    duplicates: list[dict]  # {"kept", "dropped"}: same content and label within a split
    cross_class_duplicates: list[dict]  # {"paths", "labels"}: label noise, every copy dropped
    leaks: list[dict]  # {"kept", "dropped"}: same content in several splits, kept in the first
    warnings: list[str]


@dataclass
class Dataset:
    root: Path
    labels: list[str]  # sorted; a label's index is its class id
    splits: dict[str, list[Sample]]
    report: DatasetReport

    def summary(self) -> dict:
        """Everything but the samples, JSON-serialisable."""
        return {"labels": self.labels, **asdict(self.report)}

    def manifest(self) -> list[dict]:
        return [
            {
                "split": split,
                "path": relative(sample.path, self.root),
                "label": sample.label,
                "sha256": sample.sha256,
            }
            for split, samples in self.splits.items()
            for sample in samples
        ]


def scan(
    root: str | os.PathLike,
    seed: int = 0,
    val_fraction: float = VAL_FRACTION,
    test_fraction: float = TEST_FRACTION,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> Dataset:
    """Find, verify, de-duplicate and split the images under root.

    progress(done, total) is called after each file is verified.
    """
    root = Path(root)
    if not root.is_dir():
        raise DatasetError(f"{root} is not a folder.")
    warnings: list[str] = []
    layout, found = find_images(root, warnings)
    results = verify([path for _, _, path in found], progress, workers)

    unreadable, checked = [], []
    for (split, label, path), (digest, reason) in zip(found, results, strict=True):
        if reason is None:
            checked.append((split, Sample(path, label, digest)))
        else:
            unreadable.append({"path": relative(path, root), "reason": reason})

    kept, duplicates, cross_class, leaks = deduplicate(checked, root)
    splits: dict[str, list[Sample]] = {split: [] for split in SPLITS}
    for split, sample in kept:
        splits[split or "train"].append(sample)
    if layout == "flat":
        splits = stratify(splits["train"], val_fraction, test_fraction, seed)
    elif not splits["val"] or not splits["test"]:
        carved = stratify(
            splits["train"],
            0 if splits["val"] else val_fraction,
            0 if splits["test"] else test_fraction,
            seed,
        )
        splits["train"] = carved["train"]
        splits["val"] = splits["val"] or carved["val"]
        splits["test"] = splits["test"] or carved["test"]

    labels = sorted({sample.label for samples in splits.values() for sample in samples})
    for label in sorted({label for _, label, _ in found} - set(labels)):
        warnings.append(f"Class '{label}' has no usable images and was left out.")
    if len(labels) < 2:
        raise DatasetError(
            f"Found {len(labels)} class(es) with usable images; a classifier needs at least two "
            "class folders with images."
        )
    counts = {split: count_labels(samples, labels) for split, samples in splits.items()}
    weights = class_weights(counts["train"], warnings)
    warnings.extend(small_class_warnings(counts))
    report = DatasetReport(
        layout=layout,
        seed=seed,
        counts=counts,
        class_weights=weights,
        unreadable=unreadable,
        duplicates=duplicates,
        cross_class_duplicates=cross_class,
        leaks=leaks,
        warnings=warnings,
    )
    return Dataset(root=root, labels=labels, splits=splits, report=report)


def find_images(root: Path, warnings: list[str]) -> tuple[str, list[tuple[str | None, str, Path]]]:
    """Return the layout and (split, label, path) for every image file, split None if flat."""
    folders = visible_folders(root)
    if not any(folder.name.lower() in SPLIT_FOLDERS for folder in folders):
        return "flat", find_in_class_folders(root, None, warnings)
    found = []
    for folder in folders:
        split = SPLIT_FOLDERS.get(folder.name.lower())
        if split is None:
            warnings.append(f"Ignored folder '{folder.name}': not one of train, val or test.")
        else:
            found.extend(find_in_class_folders(folder, split, warnings))
    return "split", found


def find_in_class_folders(
    parent: Path, split: str | None, warnings: list[str]
) -> list[tuple[str | None, str, Path]]:
    found, skipped = [], Counter()
    for folder in visible_folders(parent):
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or any(map(hidden, path.relative_to(folder).parts)):
                continue
            if path.suffix.lower() in EXTENSIONS:
                found.append((split, folder.name, path))
            else:
                skipped[path.suffix.lower() or "(none)"] += 1
    loose = [p for p in parent.iterdir() if p.is_file() and p.suffix.lower() in EXTENSIONS]
    if loose:
        warnings.append(f"Ignored {len(loose)} image(s) outside class folders in '{parent.name}'.")
    if skipped:
        kinds = ", ".join(sorted(skipped))
        warnings.append(f"Skipped {sum(skipped.values())} non-image file(s) ({kinds}).")
    return found


def visible_folders(parent: Path) -> list[Path]:
    return sorted(path for path in parent.iterdir() if path.is_dir() and not hidden(path.name))


def hidden(name: str) -> bool:
    return name.startswith(".") or name == "__MACOSX"


def verify(
    paths: list[Path], progress: Callable[[int, int], None] | None, workers: int | None
) -> list[tuple[str | None, str | None]]:
    """Return (sha256, None) for each readable image and (None, reason) for the rest."""
    results = []
    with ThreadPoolExecutor(workers or min(4, os.cpu_count() or 1)) as pool:
        for done, result in enumerate(pool.map(verify_one, paths), 1):
            results.append(result)
            if progress:
                progress(done, len(paths))
    return results


def verify_one(path: Path) -> tuple[str | None, str | None]:
    try:
        data = path.read_bytes()
        images.read_image(data, size=VERIFY_SIZE)
    except (OSError, images.ImageError) as exc:
        return None, str(exc)
    return images.sha256(data), None


def deduplicate(checked: list[tuple[str | None, Sample]], root: Path):
    """Keep one copy of each image content; report what was dropped and why."""
    by_hash = defaultdict(list)
    for split, sample in checked:
        by_hash[sample.sha256].append((split, sample))
    kept, duplicates, cross_class, leaks = [], [], [], []
    for copies in by_hash.values():
        if len(copies) == 1:
            kept.append(copies[0])
            continue
        copies.sort(key=lambda copy: (SPLITS.index(copy[0] or "train"), copy[1].path))
        paths = [relative(sample.path, root) for _, sample in copies]
        labels = [sample.label for _, sample in copies]
        if len(set(labels)) > 1:
            cross_class.append({"paths": paths, "labels": labels})
            continue
        kept.append(copies[0])
        record = {"kept": paths[0], "dropped": paths[1:]}
        if len({split for split, _ in copies}) > 1:
            leaks.append(record)
        else:
            duplicates.append(record)
    return kept, duplicates, cross_class, leaks


def stratify(
    samples: list[Sample], val_fraction: float, test_fraction: float, seed: int
) -> dict[str, list[Sample]]:
    """Split each class separately so every split has the same class proportions."""
    by_label = defaultdict(list)
    for sample in sorted(samples, key=lambda sample: sample.path):
        by_label[sample.label].append(sample)
    splits = {split: [] for split in SPLITS}
    for label, members in sorted(by_label.items()):
        random.Random(f"{seed}:{label}").shuffle(members)
        n = len(members)
        # Round the cumulative share, so the three parts always add up to n.
        n_test = int(n * test_fraction + 0.5)
        n_held_out = min(int(n * (val_fraction + test_fraction) + 0.5), n - 1)
        n_test = min(n_test, n_held_out)
        splits["test"] += members[:n_test]
        splits["val"] += members[n_test:n_held_out]
        splits["train"] += members[n_held_out:]
    return splits


def count_labels(samples: list[Sample], labels: list[str]) -> dict[str, int]:
    counts = Counter(sample.label for sample in samples)
    return {label: counts[label] for label in labels}


def class_weights(train_counts: dict[str, int], warnings: list[str]) -> dict[str, float] | None:
    """Balanced weights n / (k * count) when the largest class outnumbers the smallest."""
    missing = [label for label, count in train_counts.items() if count == 0]
    for label in missing:
        warnings.append(f"Class '{label}' has no training images.")
    if missing:
        return None
    largest, smallest = max(train_counts.values()), min(train_counts.values())
    if largest / smallest <= IMBALANCE:
        return None
    warnings.append(
        f"Classes are imbalanced: the largest has {largest / smallest:.1f}x as many training "
        "images as the smallest; class weights are suggested."
    )
    n, k = sum(train_counts.values()), len(train_counts)
    return {label: round(n / (k * count), 4) for label, count in train_counts.items()}


def small_class_warnings(counts: dict[str, dict[str, int]]) -> list[str]:
    totals = Counter()
    for split_counts in counts.values():
        totals.update(split_counts)
    return [
        f"Class '{label}' has only {total} image(s); at least {MIN_CLASS_SIZE} are recommended."
        for label, total in sorted(totals.items())
        if total < MIN_CLASS_SIZE
    ]


def relative(path: Path, root: Path) -> str:
    """path from root; whole when it lies elsewhere (real charts added to a dataset)."""
    return (path.relative_to(root) if path.is_relative_to(root) else path).as_posix()
