"""The figures drawn on the server: the confusion matrix's cells and the curves' axes."""

import pytest

from classifier import figures


def test_confusion_cells_are_shaded_by_their_share_of_the_row():
    rows = figures.confusion([[8, 2, 0], [0, 0, 0], [1, 1, 2]], ["a", "b", "c"])
    label, cells, total = rows[0]
    assert (label, total) == ("a", 10)
    assert [cell["count"] for cell in cells] == [8, 2, 0]
    assert [cell["right"] for cell in cells] == [True, False, False]
    assert [cell["shade"] for cell in cells] == [4, 1, 0]
    assert [cell["shade"] for cell in rows[1][1]] == [0, 0, 0]  # a class without test images
    assert [cell["shade"] for cell in rows[2][1]] == [2, 2, 3]


def test_curves_have_round_ticks_that_cover_every_value():
    history = [
        {"epoch": i + 1, "loss": loss, "val_loss": loss + 0.1}
        for i, loss in enumerate([0.93, 0.5, 0.31, 0.2])
    ]
    charts = figures.curves(history)
    assert list(charts) == ["Loss"]  # no accuracy recorded, no accuracy chart
    chart = charts["Loss"]
    values = [float(text) for _y, text in chart["y_ticks"]]
    assert values[0] <= 0.2 and values[-1] >= 1.03
    assert all(round(value / 0.25, 6).is_integer() for value in values)
    assert [epoch for _x, epoch in chart["x_ticks"]] == [1, 2, 3, 4]
    names = [line["name"] for line in chart["lines"]]
    assert names == ["training loss", "validation loss"]
    assert chart["lines"][1]["last"] == pytest.approx(0.3)
    # every point lies inside the axes
    for line in chart["lines"]:
        for point in line["points"].split():
            x, y = map(float, point.split(","))
            assert chart["left"] <= x <= chart["right"] and chart["top"] <= y <= chart["bottom"]


def test_a_saved_history_becomes_one_entry_per_epoch():
    phases = [
        {"phase": "head", "epochs": 2, "loss": [1.0, 0.5], "val_loss": [1.1, 0.7]},
        {"phase": "fine_tune", "epochs": 1, "loss": [0.4], "val_loss": [0.6], "kept": True},
    ]
    epochs = figures.epochs(phases)
    assert [(e["phase"], e["epoch"], e["loss"]) for e in epochs] == [
        ("head", 1, 1.0),
        ("head", 2, 0.5),
        ("fine_tune", 1, 0.4),
    ]
    assert "kept" not in epochs[-1]


def test_the_curves_table_holds_every_epoch():
    history = [{"epoch": 1, "accuracy": 0.5, "val_accuracy": 0.4}, {"epoch": 2, "accuracy": 0.8}]
    table = figures.curves(history)["Accuracy"]["table"]
    assert table == [(1, [0.5, 0.4]), (2, [0.8, None])]
