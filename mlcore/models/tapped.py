"""A chart classifier that reads features pooled at several depths of an EfficientNet-Lite.

Charts are strokes, edges and textures more than objects, so besides the last feature map the
head sees the output of each of the last five stages and the last block's expansion, each
averaged over the image ("taps"). The backbone stays frozen: features are computed once per
image (and cached by the caller), the head is a softmax layer on standardised features, and the
served model folds the standardisation and a fitted temperature into that layer. VIEWS are
other ways of turning a chart into features (taps pooled by their maximum, over the chart's
quadrants or its mirror, at another size, through the integer export), measured by
bench/chart_sources.py; the shipped head trains on the integer taps beside the float ones.
"""

import io
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np
from ai_edge_litert.interpreter import Interpreter
from keras import layers

from mlcore.models import backbones
from mlcore.models.efficientnet_lite import FEATURE_LAYER, stages
from mlcore.storage import files
from mlcore.vision import images

LAST = "last"  # the last feature map alone: the shipped recipe before taps
TAPS = "taps"  # the last map and six earlier points
TAPPED_STAGES = 5  # the outputs of this many last stages
HEAD_LEARNING_RATE = 1e-3
DROPOUT = 0.2
PATIENCE = 8
MAX_EPOCHS = 100
BATCH_SIZE = 64
VAL_FRACTION = 0.15
CACHE_BATCH = 256  # images decoded at once, and written to the cache after each
# A pooling's layer-name prefix and layer.
POOLINGS = {
    "mean": ("pool", layers.GlobalAveragePooling2D),
    "max": ("max", layers.GlobalMaxPooling2D),
}


@dataclass
class Head:
    """logits = features @ kernel + bias, on the raw (unstandardised) pooled features."""

    kernel: np.ndarray  # (features, classes)
    bias: np.ndarray  # (classes,)
    temperature: float = 1.0

    def logits(self, features: np.ndarray) -> np.ndarray:
        return features @ self.kernel + self.bias

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        return softmax(self.logits(features) / self.temperature)


@dataclass(frozen=True)
class HeadRecipe:
    """How the head is trained (the defaults are the shipped recipe; bench/chart_sources.py
    compares the others on sources left out)."""

    l2: float = 0.0  # weight decay on the dense kernels
    label_smoothing: float = 0.0
    hidden: int = 0  # units of one ReLU hidden layer; 0: the linear head that is served
    standardise: bool = True  # features scaled to mean 0 and deviation 1 before the head
    class_balanced: bool = True  # every class weighs the same in all


SHIPPED_HEAD = HeadRecipe(l2=1e-2)


@dataclass
class HiddenHead:
    """A head with one hidden layer (measured by the bench, not served)."""

    mean: np.ndarray
    scale: np.ndarray
    layers: list  # [(kernel, bias), (kernel, bias)]

    def logits(self, features: np.ndarray) -> np.ndarray:
        (k1, b1), (k2, b2) = self.layers
        return np.maximum(((features - self.mean) / self.scale) @ k1 + b1, 0.0) @ k2 + b2


def tap_names(backbone: keras.Model) -> list[str]:
    """The layers whose outputs are pooled, shallow to deep; the last is the last feature map."""
    variant = int(backbone.name.removeprefix("efficientnet_lite"))
    ends = np.cumsum([repeats for repeats, *_ in stages(variant)]) - 1
    names = []
    for block in ends[-TAPPED_STAGES:]:
        added = f"block{block}_add"
        has_add = any(layer.name == added for layer in backbone.layers)
        names.append(added if has_add else f"block{block}_project_bn")
    names.append(f"block{ends[-1]}_expand_activation")
    return [*names, FEATURE_LAYER]


def extractor(
    backbone_name: str, input_size: int | None = None, poolings: tuple[str, ...] = ("mean",)
) -> keras.Model:
    """raw 0..255 RGB -> [every tap pooled (by each of poolings in turn), concatenated; the last
    feature map]."""
    backbone = backbones.build(backbone_name, "imagenet", input_size)
    pooled = []
    for pooling in poolings:
        prefix, pool = POOLINGS[pooling]
        pooled += [
            pool(name=f"{prefix}_{name}")(backbone.get_layer(name).output)
            for name in tap_names(backbone)
        ]
    joined = layers.Concatenate(name="taps")(pooled)
    return keras.Model(backbone.input, [joined, backbone.output], name="tapped")


def whole(path, size: int, fit: str) -> np.ndarray:
    """The image as the backbone sees it: (1, size, size, 3)."""
    return images.load_array(path, size, fit)[None]


def mirrored(path, size: int, fit: str) -> np.ndarray:
    """The image mirrored left to right: a chart mirrored is still a chart of its class."""
    return whole(path, size, fit)[:, :, ::-1]


def quadrants(path, size: int, fit: str) -> np.ndarray:
    """The image's four quadrants, each size x size (the image at twice the size, cut in four):
    (4, size, size, 3)."""
    double = images.load_array(path, 2 * size, fit)
    return np.stack(
        [double[top : top + size, left : left + size] for top in (0, size) for left in (0, size)]
    )


@dataclass(frozen=True)
class View:
    """A way of turning an image into a feature vector: the images cut from it, each through the
    backbone, their taps pooled over each image and averaged over the images."""

    crops: Callable  # (path, size, fit) -> (k, size, size, 3)
    pooling: str = "mean"
    size: int | None = None  # the backbone's input size; None: the caller's
    integer: bool = False  # through the backbone's integer export (IntegerExtractor)


VIEWS = {
    TAPS: View(whole),
    "max taps": View(whole, "max"),
    "tile taps": View(quadrants),
    "mirrored taps": View(mirrored),
    "taps at 300 px": View(whole, size=300),
    "integer taps": View(whole, integer=True),
}


def last_map_width(model: keras.Model) -> int:
    return model.outputs[1].shape[-1]


def cache_name(backbone: str, size: int, fit: str, view: str = TAPS) -> str:
    return f"{view.replace(' ', '-')}-{backbone}-{size}-{fit}.npz"


def cached_features(
    model: keras.Model,
    paths: list,
    cache: Path,
    size: int,
    fit: str,
    report=None,
    crops: Callable = whole,
) -> np.ndarray:
    """Pooled taps of image files (averaged over the crops cut from each), read from and added
    to an npz cache keyed by each file's sha256 (named by cache_name for the backbone, size, fit
    and view)."""
    known = {}
    if cache.exists():
        with np.load(cache) as stored:
            known = dict(zip(stored["keys"].tolist(), stored["features"], strict=True))
    keys = [images.sha256(Path(path).read_bytes()) for path in paths]
    missing = sorted(
        {key: path for key, path in zip(keys, paths, strict=True) if key not in known}.items()
    )
    for begin in range(0, len(missing), CACHE_BATCH):
        chunk = missing[begin : begin + CACHE_BATCH]
        cut = [crops(path, size, fit) for _, path in chunk]
        rows = features(model, np.concatenate(cut))
        ends = np.cumsum([len(pieces) for pieces in cut])
        for (key, _), end, pieces in zip(chunk, ends, cut, strict=True):
            known[key] = rows[end - len(pieces) : end].mean(axis=0)
        out = io.BytesIO()
        np.savez(out, keys=np.array(list(known)), features=np.stack(list(known.values())))
        files.write_whole(cache, out.getvalue())
        if report:
            report(begin + len(chunk), len(missing))
    return np.stack([known[key] for key in keys])


def features(model: keras.Model, pixels: np.ndarray, batch_size: int = 32) -> np.ndarray:
    """Pooled taps of uint8 or float images (n, size, size, 3), batch by batch."""
    return np.concatenate(
        [
            model.predict_on_batch(pixels[begin : begin + batch_size].astype(np.float32))[0]
            for begin in range(0, len(pixels), batch_size)
        ]
    )


class IntegerExtractor:
    """An extractor's full-integer export (mlcore.models.export, its activation ranges calibrated
    on calibration pixels): the taps as the served integer model computes them, read by
    features() as the Keras model is. A head trained on these is the one the integer model
    serves well (README: the integer backbone agrees with the float one on 95% of real charts)."""

    def __init__(self, model: keras.Model, calibration: np.ndarray):
        from mlcore.models import export

        self.interpreter = Interpreter(
            model_content=export.convert(
                model, calibration.astype(np.float32), export.FLOAT_HEAD_OPS
            )
        )
        self.interpreter.allocate_tensors()
        self.input = self.interpreter.get_input_details()[0]
        outputs = {len(output["shape"]): output for output in self.interpreter.get_output_details()}
        self.taps = outputs[2]  # the other output is the last feature map

    def predict_on_batch(self, pixels: np.ndarray) -> list[np.ndarray]:
        """(n, size, size, 3) in 0..255 -> [taps (n, width)], one image at a time."""
        rows = []
        for image in pixels:
            self.interpreter.set_tensor(self.input["index"], image[None].astype(np.uint8))
            self.interpreter.invoke()
            rows.append(self.interpreter.get_tensor(self.taps["index"])[0].copy())
        return [np.stack(rows)]


def calibration_pixels(paths: list, size: int, fit: str, count: int = 300) -> np.ndarray:
    """count images spread over paths (they are grouped by class), as the backbone sees them:
    what an integer export's activation ranges are calibrated on."""
    chosen = paths[:: max(1, len(paths) // count)][:count]
    return np.stack([images.load_array(path, size, fit) for path in chosen])


def integer_digest(calibration: np.ndarray) -> str:
    """Names an integer export's features in a cache file: other calibration pixels or other
    ops kept in float, other features."""
    from mlcore.models import export

    data = np.ascontiguousarray(calibration, dtype=np.uint8).tobytes()
    return images.sha256(data + ",".join(export.FLOAT_HEAD_OPS).encode())[:12]


def integer_extractor(
    model: keras.Model, paths: list, size: int, fit: str
) -> tuple[IntegerExtractor, str]:
    """The extractor's integer export calibrated on images spread over paths, and the view its
    features are cached under (cache_name): "integer taps" and the calibration's digest."""
    calibration = calibration_pixels(paths, size, fit)
    return IntegerExtractor(model, calibration), f"integer taps {integer_digest(calibration)}"


def select(features: np.ndarray, recipe: str, last_width: int) -> np.ndarray:
    """The columns a recipe's head reads: all taps, or the last feature map's alone."""
    return features if recipe == TAPS else features[:, -last_width:]


def fit_head(
    x: np.ndarray,
    y: np.ndarray,
    classes: int,
    val_x: np.ndarray,
    val_y: np.ndarray,
    weights: np.ndarray | None = None,
    seed: int = 0,
    recipe: HeadRecipe = SHIPPED_HEAD,
) -> tuple[Head, dict]:
    """A softmax layer on standardised features with dropout, Adam and early stopping on the
    validation loss; returned as one layer on the raw features, with its training history
    (a HiddenHead instead when recipe.hidden)."""
    keras.utils.set_random_seed(seed)
    if recipe.standardise:
        mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
    else:
        mean, scale = np.zeros(x.shape[1], np.float32), np.ones(x.shape[1], np.float32)
    regulariser = keras.regularizers.L2(recipe.l2) if recipe.l2 else None
    hidden = []
    if recipe.hidden:
        hidden = [
            layers.Dense(recipe.hidden, "relu", kernel_regularizer=regulariser, name="hidden"),
            layers.Dropout(DROPOUT, seed=seed + 1),
        ]
    model = keras.Sequential(
        [
            keras.Input((x.shape[1],)),
            layers.Dropout(DROPOUT, seed=seed),
            *hidden,
            layers.Dense(classes, kernel_regularizer=regulariser, name="logits"),
        ]
    )
    if recipe.label_smoothing:
        y, val_y = np.eye(classes)[y], np.eye(classes)[val_y]
        loss = keras.losses.CategoricalCrossentropy(
            from_logits=True, label_smoothing=recipe.label_smoothing
        )
        accuracy = keras.metrics.CategoricalAccuracy(name="accuracy")
    else:
        loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        accuracy = keras.metrics.SparseCategoricalAccuracy(name="accuracy")
    model.compile(
        optimizer=keras.optimizers.Adam(HEAD_LEARNING_RATE), loss=loss, metrics=[accuracy]
    )
    stop = keras.callbacks.EarlyStopping(patience=PATIENCE, restore_best_weights=True)
    started = time.perf_counter()
    fitted = model.fit(
        ((x - mean) / scale).astype(np.float32),
        y,
        sample_weight=weights,
        validation_data=(((val_x - mean) / scale).astype(np.float32), val_y),
        batch_size=BATCH_SIZE,
        epochs=MAX_EPOCHS,
        callbacks=[stop],
        shuffle=True,
        verbose=0,
    )
    curves = {key: [float(value) for value in values] for key, values in fitted.history.items()}
    history = {
        "phase": "head",
        "epochs": len(curves["loss"]),
        "best_epoch": stop.best_epoch + 1,
        "seconds": round(time.perf_counter() - started, 3),
        **curves,
    }
    if recipe.hidden:
        parts = [model.get_layer(name).get_weights() for name in ("hidden", "logits")]
        return HiddenHead(mean, scale, parts), history
    kernel, bias = model.get_layer("logits").get_weights()
    kernel = kernel / scale[:, None]
    head = Head(kernel.astype(np.float32), (bias - mean @ kernel).astype(np.float32))
    return head, history


def split_validation(rows: np.ndarray, y: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """rows split into training and validation rows, stratified by class."""
    rng = np.random.default_rng(seed)
    val = []
    for label in np.unique(y[rows]):
        members = rng.permutation(rows[y[rows] == label])
        val += members[: round(len(members) * VAL_FRACTION)].tolist()
    val = np.array(sorted(val), dtype=np.int64)
    return np.setdiff1d(rows, val), val


BALANCED = -1.0  # a real_weight: the real charts weigh as much in all as the drawn ones


def train_head(
    features,
    y,
    real,
    rows,
    real_weight: float,
    classes: int,
    seed: int = 0,
    recipe: HeadRecipe = SHIPPED_HEAD,
    twins: np.ndarray | None = None,
    fit: Callable | None = None,
):
    """fit_head (or fit, with its contract: mlcore.models.tuned.fit) on the given rows (a
    validation share held back), a real chart weighing real_weight times a drawn one
    (BALANCED: real and drawn the same in all) and every class the same (unless not
    recipe.class_balanced). With twins (every chart's features seen another way: its mirror,
    or the taps of the backbone's integer export), each training and validation row is joined
    by its twin."""
    fit_rows, val_rows = split_validation(rows, y, seed)
    if real_weight == BALANCED:
        mine = real[fit_rows]
        real_weight = float((~mine).sum() / mine.sum()) if mine.any() and (~mine).any() else 1.0
    weights = balanced_weights(y[fit_rows], real[fit_rows], real_weight, recipe.class_balanced)
    x, val_x = features[fit_rows], features[val_rows]
    fit_y, val_y = y[fit_rows], y[val_rows]
    if twins is not None:
        x, val_x = (
            np.concatenate([x, twins[fit_rows]]),
            np.concatenate([val_x, twins[val_rows]]),
        )
        fit_y, val_y = np.tile(fit_y, 2), np.tile(val_y, 2)
        weights = np.tile(weights, 2)
    return (fit or fit_head)(x, fit_y, classes, val_x, val_y, weights, seed, recipe)


def leave_groups_out(
    features,
    y,
    real,
    groups: dict,
    allowed,
    real_weight,
    classes,
    report=None,
    recipe: HeadRecipe = SHIPPED_HEAD,
    twins: np.ndarray | None = None,
    tested: np.ndarray | None = None,
    fit: Callable | None = None,
    seed: int = 0,
):
    """Per group (name -> boolean mask of its rows): the logits of its rows from a head
    trained (by fit, see train_head, with seed) on the allowed rows outside it (each joined by
    its twin), tested on the rows of tested (default: features). Returns name -> {"rows",
    "logits", "head"}."""
    tested = features if tested is None else tested
    results = {}
    for name, members in groups.items():
        test = np.flatnonzero(members)
        rows = np.setdiff1d(allowed, test)
        head, _ = train_head(
            features, y, real, rows, real_weight, classes, seed, recipe, twins, fit
        )
        results[name] = {"rows": test, "logits": head.logits(tested[test]), "head": head}
        if report:
            report(name, results[name])
    return results


def balanced_weights(
    y: np.ndarray, real: np.ndarray, real_weight: float, by_class: bool = True
) -> np.ndarray:
    """Sample weights: a real chart counts real_weight times a drawn one, and every class
    weighs the same in all if by_class (the weights average 1)."""
    weights = np.where(real, real_weight, 1.0)
    if not by_class:
        return weights / weights.mean()
    totals = np.bincount(y, weights=weights)
    present = totals > 0
    weights = weights / totals[y] * totals[present].mean()
    return weights / weights.mean()


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def fit_temperature(logits: np.ndarray, y: np.ndarray) -> float:
    """The temperature that minimises the negative log-likelihood of held-out predictions
    (a golden-section search over log T in [-3, 3])."""

    def nll(log_t):
        probabilities = softmax(logits / np.exp(log_t))
        return -np.log(probabilities[np.arange(len(y)), y] + 1e-12).mean()

    low, high = -3.0, 3.0
    ratio = (np.sqrt(5) - 1) / 2
    for _ in range(60):
        a, b = high - ratio * (high - low), low + ratio * (high - low)
        if nll(a) < nll(b):
            high = b
        else:
            low = a
    return float(np.exp((low + high) / 2))


def reliability(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> list[dict]:
    """Per equal-width band of top probability: its range, count, mean confidence, accuracy."""
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1], right=True), 0, bins - 1)
    rows = []
    for index in range(bins):
        members = which == index
        if members.any():
            rows.append(
                {
                    "low": round(float(edges[index]), 2),
                    "high": round(float(edges[index + 1]), 2),
                    "count": int(members.sum()),
                    "confidence": round(float(confidence[members].mean()), 4),
                    "accuracy": round(float(correct[members].mean()), 4),
                }
            )
    return rows


def classifier(tapped: keras.Model, head: Head) -> keras.Model:
    """The served model: raw image -> [probabilities, last feature map], the head (on every
    tap) with its temperature folded into one softmax layer."""
    pooled, feature_map = tapped.outputs
    dense = layers.Dense(head.kernel.shape[1], activation="softmax", name="head")
    probabilities = dense(pooled)
    dense.set_weights([head.kernel / head.temperature, head.bias / head.temperature])
    return keras.Model(tapped.input, [probabilities, feature_map], name="chart_classifier")


def activation_kernel(head: Head, last_width: int) -> np.ndarray:
    """The head's weights on the last feature map's channels: its class activation map."""
    return head.kernel[-last_width:] / head.temperature
