import json

import numpy as np
import pytest

from mlcore.training.evaluation import evaluate, expected_calibration_error

NAMES = ["a", "b", "c", "d"]
LABELS = [0, 0, 1, 2, 2, 3]
PROBABILITIES = [
    [0.70, 0.10, 0.12, 0.08],  # a: right, confidence 0.70
    [0.15, 0.62, 0.18, 0.05],  # a: wrong (b), but a is in the top 3
    [0.10, 0.78, 0.07, 0.05],  # b: right
    [0.50, 0.30, 0.05, 0.15],  # c: wrong (a), and c is not in the top 3
    [0.04, 0.06, 0.90, 0.00],  # c: right
    [0.20, 0.08, 0.30, 0.42],  # d: right
]


@pytest.fixture
def result():
    return evaluate(LABELS, np.array(PROBABILITIES), NAMES)


def test_accuracy_and_top3(result):
    assert result["count"] == 6
    assert result["accuracy"] == pytest.approx(4 / 6)
    assert result["top3_accuracy"] == pytest.approx(5 / 6)


def test_confusion_matrix_rows_are_true_classes(result):
    assert result["labels"] == NAMES
    assert result["confusion"] == [
        [1, 1, 0, 0],
        [0, 1, 0, 0],
        [1, 0, 1, 0],
        [0, 0, 0, 1],
    ]


def test_per_class_precision_recall_f1(result):
    classes = {row["label"]: row for row in result["classes"]}
    expected = {  # label: (precision, recall, f1, support)
        "a": (1 / 2, 1 / 2, 1 / 2, 2),
        "b": (1 / 2, 1, 2 / 3, 1),
        "c": (1, 1 / 2, 2 / 3, 2),
        "d": (1, 1, 1, 1),
    }
    for label, (precision, recall, f1, support) in expected.items():
        assert classes[label]["precision"] == pytest.approx(precision)
        assert classes[label]["recall"] == pytest.approx(recall)
        assert classes[label]["f1"] == pytest.approx(f1)
        assert classes[label]["support"] == support
    assert result["macro_f1"] == pytest.approx((1 / 2 + 2 / 3 + 2 / 3 + 1) / 4)


def test_expected_calibration_error(result):
    # Every example falls in its own bin: ECE is the mean of |correct - confidence|.
    gaps = [1 - 0.70, 0.62, 1 - 0.78, 0.50, 1 - 0.90, 1 - 0.42]
    assert result["ece"] == pytest.approx(sum(gaps) / 6)
    # Two examples in the bin (0.667, 0.733]: |accuracy 0.5 - mean confidence 0.715|.
    same_bin = expected_calibration_error(np.array([0.71, 0.72]), np.array([True, False]))
    assert same_bin == pytest.approx(0.215)


def test_a_class_never_predicted_scores_zero_without_warnings():
    with np.errstate(all="raise"):
        result = evaluate([0, 1], np.array([[0.9, 0.1, 0.0], [0.8, 0.2, 0.0]]), ["x", "y", "z"])
    assert [(row["label"], row["precision"], row["recall"]) for row in result["classes"]] == [
        ("x", 0.5, 1.0),
        ("y", 0.0, 0.0),
    ]


def test_classes_absent_from_the_truth_are_left_out_of_the_table_and_the_macro_averages():
    names = [f"class{i}" for i in range(13)]
    labels = [0, 0, 1, 1, 2, 2, 3, 3]
    probabilities = np.full((8, 13), 0.01)
    probabilities[np.arange(8), labels] = 0.9
    probabilities[7, 12] = 0.95  # one of class3 taken for an absent class
    result = evaluate(labels, probabilities, names)
    assert [row["label"] for row in result["classes"]] == names[:4]
    assert result["accuracy"] == 7 / 8
    assert result["macro_recall"] == pytest.approx((1 + 1 + 1 + 0.5) / 4)
    assert result["macro_precision"] == 1.0
    assert result["macro_f1"] == pytest.approx((1 + 1 + 1 + 2 / 3) / 4)
    assert result["predicted_absent"] == {"class12": 1}


def test_results_are_json(result):
    assert json.loads(json.dumps(result)) == result


@pytest.mark.parametrize(
    "labels, probabilities",
    [
        ([0, 1], np.ones((3, 4)) / 4),
        ([0, 4], np.ones((2, 4)) / 4),
        ([], np.zeros((0, 4))),
    ],
)
def test_mismatched_inputs_are_refused(labels, probabilities):
    with pytest.raises(ValueError):
        evaluate(labels, probabilities, NAMES)
