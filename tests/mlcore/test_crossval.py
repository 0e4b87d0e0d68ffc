from collections import Counter

import pytest

from mlcore.training import crossval, datasets
from tests.pictures import draw_noise, draw_shapes


@pytest.fixture(scope="module")
def shapes(tmp_path_factory):
    return datasets.scan(draw_shapes(tmp_path_factory.mktemp("shapes"), per_class=11))


def paths(samples):
    return {sample.path for sample in samples}


def test_every_image_is_tested_once_and_never_trained_on_in_its_fold(shapes):
    everything = paths(s for split in shapes.splits.values() for s in split)
    folds = crossval.fold_datasets(shapes, 5, seed=0, val_fraction=0.15)
    tested = [paths(fold.splits["test"]) for fold in folds]
    assert set().union(*tested) == everything and sum(map(len, tested)) == len(everything)
    for fold in folds:
        train, val, test = (paths(fold.splits[split]) for split in datasets.SPLITS)
        assert train | val | test == everything
        assert not (train & val or train & test or val & test)
        assert fold.splits["val"] and fold.report.counts["test"] == dict(
            Counter(s.label for s in fold.splits["test"])
        )


def test_folds_are_stratified_and_follow_the_seed(shapes):
    folds = crossval.fold_datasets(shapes, 5, seed=0, val_fraction=0.15)
    for label in shapes.labels:  # 11 images per class: folds of 3, 2, 2, 2, 2
        sizes = sorted(fold.report.counts["test"][label] for fold in folds)
        assert sizes == [2, 2, 2, 2, 3]
    again = crossval.fold_datasets(shapes, 5, seed=0, val_fraction=0.15)
    other = crossval.fold_datasets(shapes, 5, seed=1, val_fraction=0.15)
    test_sets = [paths(fold.splits["test"]) for fold in folds]
    assert test_sets == [paths(fold.splits["test"]) for fold in again]
    assert test_sets != [paths(fold.splits["test"]) for fold in other]


@pytest.mark.parametrize(("k", "message"), [(1, "at least 2 folds"), (11, "at least 12")])
def test_too_few_folds_or_images_are_refused(shapes, k, message):
    with pytest.raises(crossval.CrossValidationError, match=message):
        crossval.fold_datasets(shapes, k, seed=0, val_fraction=0.15)


def test_leaving_a_group_out_tests_on_all_of_it_and_trains_on_none_of_it(shapes):
    everything = paths(s for split in shapes.splits.values() for s in split)

    def group(sample):  # draw_shapes numbers files 000..010: three "sources"
        return "abc"[int(sample.path.stem) % 3]

    held_out = crossval.group_datasets(shapes, group, seed=0, val_fraction=0.15)
    assert sorted(held_out) == ["a", "b", "c"]
    for name, dataset in held_out.items():
        train, val, test = (dataset.splits[split] for split in datasets.SPLITS)
        assert {group(s) for s in test} == {name}
        assert name not in {group(s) for s in train + val}
        assert paths(train) | paths(val) | paths(test) == everything
    with pytest.raises(crossval.CrossValidationError, match="two groups"):
        crossval.group_datasets(shapes, lambda sample: "all", seed=0, val_fraction=0.15)


def test_cross_validate_summarises_each_fold(tmp_path):
    noise = datasets.scan(draw_noise(tmp_path, size=32))  # dark against light: easy
    events = []
    summary = crossval.cross_validate(
        noise,
        3,
        progress=lambda *event: events.append(event),
        backbone="scratch",
        input_size=32,
        epochs=3,
        augment=False,
    )
    assert summary["folds"] == 3 and len(summary["seconds"]) == 3
    assert [event for event in events if event[0] == "fold"] == [
        ("fold", 1, 3),
        ("fold", 2, 3),
        ("fold", 3, 3),
    ]
    for figure in crossval.FIGURES:
        values = summary[figure]["folds"]
        assert len(values) == 3 and all(0 <= value <= 1 for value in values)
        assert summary[figure]["mean"] == pytest.approx(sum(values) / 3)
    assert summary["accuracy"]["sd"] >= 0
