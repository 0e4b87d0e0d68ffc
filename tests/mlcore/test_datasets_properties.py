"""Property: `mlcore.training.datasets.scan`, what `train_classifier --data` reads, labels every
image by the class folder it is in and puts it in the split of its split folder, in every layout it
claims to read (class folders, or train/val/test folders in any case, valid/ and validation/ for
val, images in sub-folders of a class, PNG or JPEG under any extension case); a mutated folder
(images truncated, renamed to another extension, copied within or across classes, stray files
and folders) loses no good image silently: every image file is a sample or is named in the
report, and nothing is a sample under a class it was not in."""

import tempfile
from collections import Counter
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from mlcore.training import datasets
from tests.pictures import encode, picture
from tests.properties import bounded

PROPERTY = bounded(30)
CLASSES = ("cats", "dogs", "owls")


@st.composite
def folders(draw):
    """{relative path: bytes} of a dataset, and {relative path: (split or None, class)}."""
    split_layout = draw(st.booleans())
    split_names = {
        "train": draw(st.sampled_from(["train", "Train", "TRAIN"])),
        "val": draw(st.sampled_from(["val", "valid", "validation", "Val"])),
        "test": draw(st.sampled_from(["test", "Test"])),
    }
    files, truth = {}, {}
    seed = draw(st.integers(0, 10**6))
    for label in CLASSES:
        for split in ("train", "val", "test") if split_layout else (None,):
            for i in range(draw(st.integers(1, 3))):
                seed += 1
                image_format = draw(st.sampled_from(["JPEG", "PNG"]))
                extension = {"JPEG": ".jpg", "PNG": ".png"}[image_format]
                extension = draw(st.sampled_from([extension, extension.upper()]))
                sub = draw(st.sampled_from(["", "more/"]))
                top = f"{split_names[split]}/" if split else ""
                path = f"{top}{label}/{sub}{i}{extension}"
                files[path] = encode(picture(seed, size=(48, 40)), image_format)
                truth[path] = (split, label)
    return files, truth


def scan(files):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for path, data in files.items():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_bytes(data)
        dataset = datasets.scan(root, seed=0)
        samples = {
            sample.path.relative_to(root).as_posix(): (split, sample.label)
            for split, members in dataset.splits.items()
            for sample in members
        }
    return samples, dataset.report


@PROPERTY
@given(folders())
def test_every_layout_is_read_exactly(dataset):
    files, truth = dataset
    samples, report = scan(files)
    assert set(samples) == set(truth)
    for path, (split, label) in truth.items():
        assert samples[path][1] == label
        assert split is None or samples[path][0] == split
    assert not report.unreadable and not report.duplicates and not report.cross_class_duplicates


@PROPERTY
@given(folders(), st.data())
def test_a_mutated_dataset_loses_no_image_silently(dataset, data):
    files, truth = dataset
    paths = sorted(truth)
    chosen = data.draw(st.lists(st.sampled_from(paths), min_size=1, max_size=3, unique=True))
    kinds = {}
    for path in chosen:
        kind = data.draw(st.sampled_from(["truncated", "extension", "copy", "cross copy"]))
        kinds[path] = kind
        if kind == "truncated":
            files[path] = files[path][: len(files[path]) // 3]
        elif kind == "extension":
            files[path.rsplit(".", 1)[0] + ".txt"] = files.pop(path)
        else:
            split, label = truth[path]
            other = label if kind == "copy" else next(c for c in CLASSES if c != label)
            copy = path.replace(f"{label}/", f"{other}/", 1).rsplit(".", 1)[0] + "-copy.png"
            files[copy] = files[path]
            truth[copy] = (split, other)
    files["notes.csv"] = b"path,label\n"
    try:
        samples, report = scan(files)
    except datasets.DatasetError as error:  # too little left to train on: refused, saying so
        assert "at least two class folders with images" in str(error)
        return
    named = Counter()
    for entry in report.unreadable:
        named[entry["path"]] += 1
    for entry in report.duplicates + report.leaks:
        named.update(entry["dropped"])
    for entry in report.cross_class_duplicates:
        named.update(entry["paths"])
    for path, (_split, label) in truth.items():
        if path not in files:
            assert any("non-image" in warning for warning in report.warnings)
            continue
        assert path in samples or named[path], f"{path} vanished without a word"
        if path in samples:
            assert samples[path][1] == label
            assert kinds.get(path) != "truncated"
    assert set(samples) <= set(truth)
