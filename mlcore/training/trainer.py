"""Train an image classifier on a scanned dataset.

A pretrained backbone is frozen and a softmax head is trained on its pooled features, computed
once per image and per augmented copy; fine_tune=N then trains the top N layers end to end on
augmented images. The scratch backbone, or any backbone with weights=None, trains end to end.
"""

import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial

import keras
import numpy as np
from keras import layers

from mlcore.models import backbones
from mlcore.training import evaluation, recipe
from mlcore.training.datasets import SPLITS, Dataset, Sample
from mlcore.vision import images
from mlcore.vision.augment import augmentation

HEAD_LEARNING_RATE = 3e-3
FINE_TUNE_LEARNING_RATE = 1e-4
END_TO_END_LEARNING_RATE = 1e-3
DROPOUT = 0.2
PATIENCE = 8  # epochs without a lower validation loss before stopping
DEFAULT_FINE_TUNE = recipe.DEFAULT_FINE_TUNE
AUTO = recipe.AUTO
AUTO_FINE_TUNE_LAYERS = 7  # fine_tune="auto": an EfficientNet-Lite's top conv and last two blocks


class TrainingError(ValueError):
    """The dataset or the settings cannot be trained on."""


@dataclass
class TrainingResult:
    model: keras.Model  # raw 0..255 RGB batch -> [probabilities, last feature maps]
    labels: list[str]
    backbone: str
    input_size: int
    fit: str
    # The class activation map of class k is feature_map @ head_kernel[:, k] + head_bias[k].
    head_kernel: np.ndarray  # (channels, classes)
    head_bias: np.ndarray  # (classes,)
    history: list[dict]  # per phase: phase, epochs, best_epoch, seconds, loss, val_loss, ...
    metrics: dict  # evaluation.evaluate on the test split
    test_probabilities: np.ndarray  # (test images, classes), in the test split's order
    settings: dict  # everything needed to run it again
    dataset: Dataset
    seconds: float


def train(
    dataset: Dataset,
    backbone: str = backbones.DEFAULT,
    weights: str | os.PathLike | None = "imagenet",
    epochs: int = 50,
    fine_tune: int | str = DEFAULT_FINE_TUNE,
    fine_tune_epochs: int = 10,
    augment: bool = True,
    augment_copies: int = 3,
    seed: int = 0,
    fit: str = "letterbox",
    batch_size: int = 32,
    input_size: int | None = None,
    label_smoothing: float = 0.0,
    weight_decay: float = 0.0,
    tta: bool = False,
    progress: Callable[..., None] | None = None,
) -> TrainingResult:
    """Train, then evaluate on the test split.

    epochs caps the head phase (or the end-to-end one), fine_tune_epochs the fine-tuning;
    both stop early when the validation loss stops falling, keeping the best weights.
    fine_tune (pretrained backbones only) counts layers with weights from the top of the
    backbone; its batch norm layers stay frozen, in inference mode. fine_tune="auto" tunes
    AUTO_FINE_TUNE_LAYERS and keeps the result only if its validation loss is below the head's.
    label_smoothing softens the targets; weight_decay > 0 trains with AdamW instead of Adam; tta
    evaluates each test image as the mean of its and its mirror image's probabilities.
    progress(*event) receives ("images", done, total) while decoding, ("features", done,
    total) while caching backbone features, ("phase", name, epochs) as a phase starts, and
    ("epoch", epoch, epochs, logs) after each epoch.
    """
    start = time.perf_counter()
    report = progress or (lambda *event: None)
    empty = [split for split in SPLITS if not dataset.splits[split]]
    if empty:
        raise TrainingError(f"The {' and '.join(empty)} split(s) have no images.")
    if fine_tune != AUTO and not (isinstance(fine_tune, int) and fine_tune >= 0):
        raise TrainingError(f"fine_tune must be a number of layers or {AUTO!r}, not {fine_tune!r}.")
    if fit not in images.FITS:
        raise TrainingError(f"fit must be one of {', '.join(images.FITS)}, not {fit!r}.")
    spec = backbones.get(backbone)
    size = input_size or spec.input_size
    frozen = spec.pretrained and weights is not None
    class_weights = dataset.report.class_weights
    settings = {
        "backbone": backbone,
        "weights": None if weights is None else str(weights),
        "input_size": size,
        "fit": fit,
        "epochs": epochs,
        "fine_tune": fine_tune if frozen else 0,
        "fine_tune_epochs": fine_tune_epochs,
        "augment": augment,
        "augment_copies": augment_copies if augment and frozen else 0,
        "seed": seed,
        "batch_size": batch_size,
        "label_smoothing": label_smoothing,
        "weight_decay": weight_decay,
        "tta": tta,
        "dropout": DROPOUT,
        "patience": PATIENCE,
        "learning_rates": {
            "head": HEAD_LEARNING_RATE,
            "fine_tune": FINE_TUNE_LEARNING_RATE,
            "end_to_end": END_TO_END_LEARNING_RATE,
        },
        "class_weights": class_weights,
        "keras": keras.__version__,
        "backend": keras.backend.backend(),
    }

    keras.utils.set_random_seed(seed)
    extractor = backbones.build(backbone, weights, size)
    model = build_classifier(extractor, len(dataset.labels), seed)
    data = load_splits(dataset, size, fit, report)
    by_index = class_weights and {dataset.labels.index(k): w for k, w in class_weights.items()}
    fit_phase = partial(
        run_phase,
        classes=len(dataset.labels),
        batch_size=batch_size,
        class_weights=by_index,
        label_smoothing=label_smoothing,
        weight_decay=weight_decay,
        report=report,
    )

    if frozen:
        extractor.trainable = False
        copies = settings["augment_copies"]
        head, features = head_with_features(model, data, copies, seed, batch_size, report)
        history = [fit_phase("head", head, features, HEAD_LEARNING_RATE, epochs)]
        if fine_tune:
            head_weights = model.get_weights()
            unfreeze_top(extractor, AUTO_FINE_TUNE_LAYERS if fine_tune == AUTO else fine_tune)
            trainer = end_to_end(model, augment, seed)
            history.append(
                fit_phase("fine_tune", trainer, data, FINE_TUNE_LEARNING_RATE, fine_tune_epochs)
            )
            if fine_tune == AUTO:
                kept = min(history[1]["val_loss"]) < min(history[0]["val_loss"])
                history[1]["kept"] = kept
                if not kept:
                    model.set_weights(head_weights)
    else:
        trainer = end_to_end(model, augment, seed)
        history = [fit_phase("end_to_end", trainer, data, END_TO_END_LEARNING_RATE, epochs)]

    test_images, test_labels = data["test"]
    probabilities = predict(model, test_images, batch_size)
    if tta:
        mirrored = predict(model, test_images[:, :, ::-1], batch_size)
        probabilities = (probabilities + mirrored) / 2
    kernel, bias = model.get_layer("head").get_weights()
    return TrainingResult(
        model=model,
        labels=list(dataset.labels),
        backbone=backbone,
        input_size=size,
        fit=fit,
        head_kernel=kernel,
        head_bias=bias,
        history=history,
        metrics=evaluation.evaluate(test_labels, probabilities, dataset.labels),
        test_probabilities=probabilities,
        settings=settings,
        dataset=dataset,
        seconds=time.perf_counter() - start,
    )


def build_classifier(extractor: keras.Model, classes: int, seed: int) -> keras.Model:
    """raw image -> backbone -> feature map -> pool -> dropout -> softmax, and the feature map."""
    feature_map = extractor.output
    pooled = layers.GlobalAveragePooling2D(name="pool")(feature_map)
    dropped = layers.Dropout(DROPOUT, seed=seed, name="head_dropout")(pooled)
    probabilities = layers.Dense(classes, activation="softmax", name="head")(dropped)
    return keras.Model(extractor.input, [probabilities, feature_map], name="classifier")


def load_splits(dataset: Dataset, size: int, fit: str, report) -> dict:
    """split -> (uint8 images (n, size, size, 3), class indices (n,))."""
    samples = [sample for split in SPLITS for sample in dataset.splits[split]]
    pixels = load_images(samples, size, fit, report)
    data, start = {}, 0
    for split in SPLITS:
        end = start + len(dataset.splits[split])
        labels = [dataset.labels.index(sample.label) for sample in dataset.splits[split]]
        data[split] = pixels[start:end], np.array(labels, dtype=np.int64)
        start = end
    return data


def load_images(samples: list[Sample], size: int, fit: str, report) -> np.ndarray:
    pixels = np.empty((len(samples), size, size, 3), dtype=np.uint8)
    load = partial(images.load_array, size=size, fit=fit)
    with ThreadPoolExecutor(min(4, os.cpu_count() or 1)) as pool:
        for done, array in enumerate(pool.map(load, [s.path for s in samples]), 1):
            pixels[done - 1] = array  # decoded pixels are whole numbers in 0..255
            report("images", done, len(samples))
    return pixels


def head_with_features(model, data, copies, seed, batch_size, report):
    """The head as its own model, and its training data: the backbone's pooled features of
    each training image, of `copies` augmented versions of it, and of each validation image."""
    pooled = keras.Model(model.input, model.get_layer("pool").output)
    train_images, train_labels = data["train"]
    val_images, val_labels = data["val"]
    transform = augmentation(seed)
    jobs = [(train_images, None)] + [(train_images, transform)] * copies + [(val_images, None)]
    *train_features, val_features = pool_features(pooled, jobs, batch_size, report)
    head = keras.Sequential(
        [
            keras.Input(pooled.output.shape[1:]),
            model.get_layer("head_dropout"),
            model.get_layer("head"),
        ]
    )
    features = {
        "train": (np.concatenate(train_features), np.tile(train_labels, 1 + copies)),
        "val": (val_features, val_labels),
    }
    return head, features


def pool_features(pooled: keras.Model, jobs, batch_size: int, report) -> list[np.ndarray]:
    """Features of each (images, transform or None) job, in order."""
    total = sum(len(job_images) for job_images, _ in jobs)
    done, results = 0, []
    for job_images, transform in jobs:
        parts = []
        for begin in range(0, len(job_images), batch_size):
            batch = job_images[begin : begin + batch_size].astype(np.float32)
            if transform is not None:
                batch = transform(batch, training=True)
            parts.append(pooled.predict_on_batch(batch))
            done += len(parts[-1])
            report("features", done, total)
        results.append(np.concatenate(parts))
    return results


def unfreeze_top(extractor: keras.Model, count: int) -> None:
    weighted = [
        layer
        for layer in extractor.layers
        if layer.weights and not isinstance(layer, layers.BatchNormalization)
    ]
    top = weighted[-count:]
    for layer in extractor.layers:
        layer.trainable = any(layer is chosen for chosen in top)


def end_to_end(model: keras.Model, augment: bool, seed: int) -> keras.Model:
    """The probabilities output of model, with random augmentation in front while training."""
    inputs = keras.Input(model.input.shape[1:])
    x = augmentation(seed)(inputs) if augment else inputs
    return keras.Model(inputs, model(x)[0])


def run_phase(
    name,
    model,
    data,
    learning_rate,
    epochs,
    classes,
    batch_size,
    class_weights,
    label_smoothing,
    weight_decay,
    report,
):
    """Fit model on data["train"] with early stopping on data["val"]; return its history."""
    optimizer = (
        keras.optimizers.AdamW(learning_rate, weight_decay=weight_decay)
        if weight_decay
        else keras.optimizers.Adam(learning_rate)
    )
    model.compile(
        optimizer=optimizer,
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=label_smoothing),
        metrics=[keras.metrics.CategoricalAccuracy(name="accuracy")],
    )
    stop = keras.callbacks.EarlyStopping(patience=PATIENCE, restore_best_weights=True)
    tell = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: report(
            "epoch", epoch + 1, epochs, {key: float(value) for key, value in logs.items()}
        )
    )
    report("phase", name, epochs)
    start = time.perf_counter()
    (x, y), (val_x, val_y) = data["train"], data["val"]
    one_hot = np.eye(classes, dtype=np.float32)
    fitted = model.fit(
        np.asarray(x, dtype=np.float32),
        one_hot[y],
        batch_size=batch_size,
        epochs=epochs,
        validation_data=(np.asarray(val_x, dtype=np.float32), one_hot[val_y]),
        class_weight=class_weights,
        callbacks=[stop, tell],
        shuffle=True,
        verbose=0,
    )
    curves = {key: [float(value) for value in values] for key, values in fitted.history.items()}
    return {
        "phase": name,
        "epochs": len(curves["loss"]),
        "best_epoch": stop.best_epoch + 1,
        "seconds": round(time.perf_counter() - start, 3),
        **curves,
    }


def predict(model: keras.Model, pixels: np.ndarray, batch_size: int) -> np.ndarray:
    """Probabilities for a uint8 image array, batch by batch."""
    return np.concatenate(
        [
            model.predict_on_batch(pixels[begin : begin + batch_size].astype(np.float32))[0]
            for begin in range(0, len(pixels), batch_size)
        ]
    )
