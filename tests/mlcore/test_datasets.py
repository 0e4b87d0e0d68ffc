import json

import pytest
from PIL import Image

from mlcore.training import datasets
from mlcore.training.datasets import DatasetError

counter = iter(range(1_000_000))


def add_image(path, colour=None, format="PNG"):
    """Write a small image whose pixels, and so whose hash, differ from every other one."""
    if colour is None:
        n = next(counter)
        colour = (n % 256, n // 256 % 256, 7)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (8, 8), colour).save(path, format)
    return path


def add_class(folder, count, suffix=".png"):
    for i in range(count):
        add_image(folder / f"{i:03d}{suffix}")


def split_paths(dataset):
    return {split: [s.path.name for s in samples] for split, samples in dataset.splits.items()}


def test_flat_layout_is_split_stratified(tmp_path):
    for label in ("dog", "cat", "bird"):
        add_class(tmp_path / label, 20)
    dataset = datasets.scan(tmp_path, seed=1)
    assert dataset.labels == ["bird", "cat", "dog"]
    assert dataset.report.layout == "flat"
    for label in dataset.labels:
        assert dataset.report.counts["train"][label] == 14
        assert dataset.report.counts["val"][label] == 3
        assert dataset.report.counts["test"][label] == 3
    paths = [s.path for samples in dataset.splits.values() for s in samples]
    assert len(paths) == len(set(paths)) == 60
    assert dataset.report.class_weights is None
    assert dataset.report.warnings == []


def test_split_is_reproducible_and_depends_on_the_seed(tmp_path):
    for label in ("a", "b"):
        add_class(tmp_path / label, 30)
    first = split_paths(datasets.scan(tmp_path, seed=3))
    assert split_paths(datasets.scan(tmp_path, seed=3)) == first
    assert split_paths(datasets.scan(tmp_path, seed=4)) != first


def test_split_layout_is_used_and_a_missing_test_split_is_carved_from_train(tmp_path):
    for label in ("a", "b"):
        add_class(tmp_path / "Train" / label, 20)
        add_class(tmp_path / "valid" / label, 4)
    add_image(tmp_path / "notes" / "x.png")
    dataset = datasets.scan(tmp_path)
    counts = dataset.report.counts
    assert dataset.report.layout == "split"
    assert counts["val"] == {"a": 4, "b": 4}
    assert counts["test"] == {"a": 3, "b": 3}
    assert counts["train"] == {"a": 17, "b": 17}
    assert all("valid" in s.path.parts for s in dataset.splits["val"])
    assert any("Ignored folder 'notes'" in w for w in dataset.report.warnings)


def scan_with_copies(folder, colour, *paths):
    """Classes a and b of 10 images each, and one more image of colour at each of paths."""
    add_class(folder / "a", 10)
    add_class(folder / "b", 10)
    for path in paths:
        add_image(folder / path, colour)
    return datasets.scan(folder)


def test_exact_duplicates_within_a_class_are_dropped(tmp_path):
    dataset = scan_with_copies(tmp_path, (1, 2, 3), "a/copy1.png", "a/copy2.png")
    assert dataset.report.duplicates == [{"kept": "a/copy1.png", "dropped": ["a/copy2.png"]}]
    assert sum(dataset.report.counts[split]["a"] for split in datasets.SPLITS) == 11


def test_duplicates_across_classes_are_reported_and_every_copy_dropped(tmp_path):
    dataset = scan_with_copies(tmp_path, (9, 9, 9), "a/same.png", "b/same.png")
    assert dataset.report.cross_class_duplicates == [
        {"paths": ["a/same.png", "b/same.png"], "labels": ["a", "b"]}
    ]
    names = [row["path"] for row in dataset.manifest()]
    assert "a/same.png" not in names and "b/same.png" not in names


def test_leak_across_splits_keeps_the_train_copy(tmp_path):
    for split in ("train", "val", "test"):
        add_class(tmp_path / split / "a", 5)
        add_class(tmp_path / split / "b", 5)
    add_image(tmp_path / "test" / "a" / "leak.png", (5, 5, 5))
    add_image(tmp_path / "train" / "a" / "leak.png", (5, 5, 5))
    dataset = datasets.scan(tmp_path)
    assert dataset.report.leaks == [{"kept": "train/a/leak.png", "dropped": ["test/a/leak.png"]}]
    assert "leak.png" in [s.path.name for s in dataset.splits["train"]]
    assert "leak.png" not in [s.path.name for s in dataset.splits["test"]]


def test_unreadable_hidden_and_other_files(tmp_path):
    add_class(tmp_path / "a", 10, suffix=".JPG")
    add_class(tmp_path / "b", 10)
    (tmp_path / "a" / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really")
    (tmp_path / "b" / "page.jpeg").write_text("<html><body>404</body></html>")
    add_image(tmp_path / "b" / ".hidden.png")
    add_image(tmp_path / ".cache" / "x.png")
    (tmp_path / "b" / "labels.txt").write_text("b")
    dataset = datasets.scan(tmp_path)
    unreadable = {row["path"]: row["reason"] for row in dataset.report.unreadable}
    assert set(unreadable) == {"a/broken.jpg", "b/page.jpeg"}
    assert "HTML" in unreadable["b/page.jpeg"]
    assert dataset.labels == ["a", "b"]
    assert len(dataset.manifest()) == 20
    assert any("non-image" in w and ".txt" in w for w in dataset.report.warnings)


def test_small_classes_and_class_weights(tmp_path):
    add_class(tmp_path / "many", 40)
    add_class(tmp_path / "few", 6)
    dataset = datasets.scan(tmp_path)
    train = dataset.report.counts["train"]
    assert train == {"few": 4, "many": 28}
    assert dataset.report.class_weights == {"few": 4.0, "many": round(32 / 56, 4)}
    assert "Class 'few' has only 6 image(s)" in " ".join(dataset.report.warnings)
    assert "Class 'many'" not in " ".join(dataset.report.warnings)


def test_summary_is_json_and_manifest_lists_every_sample(tmp_path):
    add_class(tmp_path / "a", 10)
    add_class(tmp_path / "b", 10)
    dataset = datasets.scan(tmp_path)
    summary = json.loads(json.dumps(dataset.summary()))
    assert summary["labels"] == ["a", "b"]
    assert set(summary) >= {"counts", "unreadable", "duplicates", "leaks", "warnings"}
    row = dataset.manifest()[0]
    assert set(row) == {"split", "path", "label", "sha256"}
    assert len(row["sha256"]) == 64


def test_progress_is_called_for_every_file(tmp_path):
    add_class(tmp_path / "a", 3)
    add_class(tmp_path / "b", 4)
    calls = []
    datasets.scan(tmp_path, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(n, 7) for n in range(1, 8)]


def test_unusable_folders(tmp_path):
    with pytest.raises(DatasetError, match="not a folder"):
        datasets.scan(tmp_path / "missing")
    add_class(tmp_path / "only", 5)
    with pytest.raises(DatasetError, match="at least two"):
        datasets.scan(tmp_path)
