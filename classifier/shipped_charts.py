"""Service: the chart classifier as shipped, its head in classifier/data/chart_head/ (see
mlcore.charts.shipped), recorded as a version without training; and rebuilding that head.

Imports TensorFlow: for commands only.
"""

import time
from pathlib import Path

import numpy as np
from django.conf import settings

from mlcore.charts import shipped
from mlcore.models import tapped
from mlcore.training import datasets
from mlcore.training.trainer import TrainingResult

from .training_service import record

DATA = Path(__file__).resolve().parent / "data"
HEAD_DIR = DATA / "chart_head"
REAL_CHARTS = DATA / "real_charts"


def install(slug, title, dataset_dir, int8_checks=(), activate=True):
    """Record the shipped chart classifier as slug's next version; dataset_dir (the charts it
    is listed with, e.g. the bundled real ones) gives the images its export is checked on, and
    int8_checks more labelled folders (as training_service.train_version's), of which only the
    charts the head never trained on count (the bundled real charts are its training data)."""
    started = time.perf_counter()
    model, head, manifest = shipped.build(HEAD_DIR)
    recipe = manifest["recipe"]
    left_out = manifest["left_out_sources"]
    result = TrainingResult(
        model=model,
        labels=manifest["labels"],
        backbone=recipe["backbone"],
        input_size=recipe["input_size"],
        fit=recipe["fit"],
        head_kernel=tapped.activation_kernel(head, tapped.last_map_width(model)),
        head_bias=head.bias / head.temperature,
        history=[manifest["history"]],
        metrics={
            **left_out["metrics"],
            "held_out": "sources",
            "sources": left_out["sources"],
            "temperature": manifest["temperature"],
            "reliability": left_out["reliability"],
        },
        test_probabilities=np.empty((0, len(manifest["labels"]))),
        settings={**recipe, "shipped_head_sha256": manifest["head_sha256"]},
        dataset=datasets.scan(dataset_dir),
        seconds=time.perf_counter() - started,
    )
    # The bundled charts were made smaller for the repository: another copy of one (as in
    # ../shared/data/charts_real) has other bytes, but the same <class>/<name>.
    trained_on = {chart["sha256"] for chart in manifest["data"]["real"]}
    trained_on |= {chart["file"] for chart in manifest["data"]["real"]}
    checks = {}
    for folder in int8_checks:
        dataset = datasets.scan(folder)
        dataset.splits = {
            split: [
                sample
                for sample in samples
                if not {sample.sha256, datasets.relative(sample.path, dataset.root)} & trained_on
            ]
            for split, samples in dataset.splits.items()
        }
        checks[Path(folder).name] = dataset
    return record(slug, title, result, activate, checks=checks), manifest


def rebuild(real_dir=REAL_CHARTS, out_dir=HEAD_DIR, say=print):
    """Train the head again from the bundled data (mlcore.charts.shipped.rebuild)."""
    return shipped.rebuild(
        real_dir,
        settings.DATA_DIR / "drawn_charts",
        out_dir,
        settings.DATA_DIR / "features",
        say=say,
    )
