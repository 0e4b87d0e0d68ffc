"""The taps head trained together with the backbone's last blocks (measured by
bench/chart_sources.py; not served).

The backbone is cut before its last `blocks` blocks. What comes before the cut stays frozen: its
output (the tuned part's input, a small feature map) and the taps above it are computed once
per chart and cached. The part after the cut (those blocks and the top 1x1 convolution, from
the ImageNet checkpoint, batch normalisation frozen in inference mode) is trained with the
head: first the head alone on the frozen taps (tapped.fit_head, the shipped recipe), then both
together at a low learning rate, early-stopped on the same validation rows.
"""

import time
from dataclasses import dataclass

import keras
import numpy as np
from keras import layers

from mlcore.models import backbones, tapped

LEARNING_RATE = 1e-4
EPOCHS = 4
PATIENCE = 1


def cut_layer(backbone: keras.Model, blocks: int) -> str:
    """The name of the layer whose output feeds the last `blocks` blocks."""
    first = 1 + max(
        int(layer.name.removeprefix("block").split("_")[0])
        for layer in backbone.layers
        if layer.name.startswith("block")
    )
    first -= blocks
    names = [layer.name for layer in backbone.layers]  # in the order they are applied
    entry = next(
        index
        for index, name in enumerate(names)
        if name in (f"block{first}_expand_conv", f"block{first}_dwconv")
    )
    return names[entry - 1]  # the previous block's output (its add or its projection)


def split(backbone: keras.Model, blocks: int) -> tuple[keras.Model, keras.Model, int]:
    """(the frozen part: image -> the cut's feature map; the tuned part: that map -> the pooled
    taps above the cut, concatenated in tap order; how many of the taps' columns come before
    the cut). The tuned part's layers are the backbone's own (the same weights)."""
    cut = backbone.get_layer(cut_layer(backbone, blocks)).output
    names = tapped.tap_names(backbone)
    order = [layer.name for layer in backbone.layers]
    boundary = order.index(cut_layer(backbone, blocks))
    above = [name for name in names if order.index(name) > boundary]
    early = sum(backbone.get_layer(name).output.shape[-1] for name in names if name not in above)
    pooled = [
        layers.GlobalAveragePooling2D(name=f"pool_{name}")(backbone.get_layer(name).output)
        for name in above
    ]
    joined = layers.Concatenate(name="tuned_taps")(pooled) if len(pooled) > 1 else pooled[0]
    tuned = keras.Model(cut, joined, name="tuned_part")
    return keras.Model(backbone.input, cut, name="frozen_part"), tuned, early


class MapExtractor:
    """The frozen part, read by tapped.cached_features as an extractor is: images -> the cut's
    feature maps in float16 (a quarter of a float32 map's cache)."""

    def __init__(self, frozen: keras.Model):
        self.frozen = frozen

    def predict_on_batch(self, pixels: np.ndarray) -> list[np.ndarray]:
        return [np.asarray(self.frozen.predict_on_batch(pixels), np.float16)]


@dataclass
class Inputs:
    """Charts as the tuned model reads them: the cut's feature maps, the frozen taps before the
    cut, and every frozen tap (what the head is first fitted and standardised on). Indexed by
    rows as an array is, so tapped.train_head splits it as it splits features."""

    maps: np.ndarray  # (n, h, w, c), float16
    taps: np.ndarray  # (n, taps), the frozen taps (their first `early` columns stay fixed)
    early: int

    def __getitem__(self, rows) -> "Inputs":
        return Inputs(self.maps[rows], self.taps[rows], self.early)

    def __len__(self) -> int:
        return len(self.taps)

    def keras_inputs(self) -> list[np.ndarray]:
        return [self.maps.astype(np.float32), self.taps[:, : self.early].astype(np.float32)]


@dataclass
class TunedHead:
    """The fine-tuned part and head: logits of Inputs."""

    model: keras.Model

    def logits(self, inputs: Inputs) -> np.ndarray:
        return self.model.predict(inputs.keras_inputs(), batch_size=tapped.BATCH_SIZE, verbose=0)


def joint_model(
    tuned: keras.Model,
    early: int,
    head: tapped.Head,
    mean: np.ndarray,
    scale: np.ndarray,
    l2: float = tapped.SHIPPED_HEAD.l2,
) -> keras.Model:
    """[map, early taps] -> logits: the tuned part's taps after the early ones, standardised by
    mean and scale, dropout, and the head's layer (its weights on the standardised taps),
    weight decay l2 on its kernel as the head's recipe has."""
    maps = keras.Input(tuned.input.shape[1:], name="map")
    fixed = keras.Input((early,), name="early_taps")
    taps = layers.Concatenate(name="taps")([fixed, tuned(maps)])
    standard = layers.Normalization(mean=mean, variance=np.square(scale), name="standardise")
    dropped = layers.Dropout(tapped.DROPOUT, name="dropout")(standard(taps))
    dense = layers.Dense(
        head.kernel.shape[1],
        kernel_regularizer=keras.regularizers.L2(l2) if l2 else None,
        name="logits",
    )
    logits = dense(dropped)
    # The head's raw-feature layer back on the standardised taps.
    dense.set_weights([head.kernel * scale[:, None], head.bias + mean @ head.kernel])
    return keras.Model([maps, fixed], logits, name="tuned_taps")


def fit(
    x: Inputs,
    y: np.ndarray,
    classes: int,
    val_x: Inputs,
    val_y: np.ndarray,
    weights: np.ndarray | None = None,
    seed: int = 0,
    recipe: tapped.HeadRecipe = tapped.SHIPPED_HEAD,
    blocks: int = 1,
    backbone: str = "efficientnet_lite1",
    size: int = 240,
) -> tuple[TunedHead, dict]:
    """tapped.fit_head's contract for Inputs: the head fitted on the frozen taps, then the last
    `blocks` blocks and the head trained together (Adam at LEARNING_RATE, at most EPOCHS,
    stopped when the validation loss stops falling; the epoch of least validation loss kept,
    the head alone if no epoch beat it)."""
    head, head_history = tapped.fit_head(
        x.taps, y, classes, val_x.taps, val_y, weights, seed, recipe
    )
    keras.utils.set_random_seed(seed)
    _, tuned, early = split(backbones.build(backbone, "imagenet", size), blocks)
    for layer in tuned.layers:
        layer.trainable = not isinstance(layer, layers.BatchNormalization)
    mean, scale = x.taps.mean(axis=0), x.taps.std(axis=0) + 1e-6
    model = joint_model(tuned, early, head, mean, scale, recipe.l2)
    model.compile(
        optimizer=keras.optimizers.Adam(LEARNING_RATE),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    validation = (val_x.keras_inputs(), val_y)
    before = model.evaluate(*validation, batch_size=tapped.BATCH_SIZE, verbose=0)
    before = before[0] if isinstance(before, list) else before
    start = model.get_weights()
    stop = keras.callbacks.EarlyStopping(patience=PATIENCE, restore_best_weights=True)
    started = time.perf_counter()
    fitted = model.fit(
        x.keras_inputs(),
        y,
        sample_weight=weights,
        validation_data=validation,
        batch_size=tapped.BATCH_SIZE,
        epochs=EPOCHS,
        callbacks=[stop],
        shuffle=True,
        verbose=0,
    )
    curves = {key: [float(value) for value in values] for key, values in fitted.history.items()}
    if min(curves["val_loss"]) >= before:
        model.set_weights(start)
    history = {
        "phase": "tuned",
        "head": head_history,
        "val_loss_before": float(before),
        "epochs": len(curves["loss"]),
        "seconds": round(time.perf_counter() - started, 3),
        **curves,
    }
    return TunedHead(model), history
