"""A trained name model saved as one directory: weights.npz and model.json."""

import json
import os
import zipfile
from dataclasses import dataclass
from functools import partial

import numpy as np

from mlcore.names.vocabulary import Vocabulary
from mlcore.storage import bundles, model_dirs
from mlcore.storage.model_dirs import ModelLoadError

FORMAT = 1
WEIGHTS = "weights.npz"
META = "model.json"


@dataclass
class Model:
    # gru_kernel (V, 3H), gru_recurrent_kernel (H, 3H), gru_bias (2, 3H),
    # dense_kernel (H, V), dense_bias (V,): Keras 3 GRU layout, gates z, r, h.
    weights: dict
    vocabulary: Vocabulary
    names: list  # every name given to training, validation split included
    hyperparameters: dict
    metrics: dict


def save(model, path):
    """Write model to a new directory path; it appears complete or not at all."""
    return model_dirs.save(path, partial(write, model))


def write(model, folder):
    """Write the model's files into an empty folder (see mlcore.storage.model_dirs)."""
    np.savez(os.path.join(folder, WEIGHTS), **model.weights)
    meta = {
        "format": FORMAT,
        "characters": model.vocabulary.chars,
        "names": list(model.names),
        "hyperparameters": model.hyperparameters,
        "metrics": model.metrics,
        "libraries": bundles.library_versions(),
    }
    with open(os.path.join(folder, META), "w", encoding="utf-8") as f:
        json.dump(meta, f, ensure_ascii=False, indent=1)


def load(path):
    if not os.path.isdir(path):
        raise ModelLoadError(f"no name model at {path}: train one first")
    try:
        with open(os.path.join(path, META), encoding="utf-8") as f:
            meta = json.load(f)
        if meta["format"] != FORMAT:
            raise ValueError(f"format {meta['format']}, expected {FORMAT}")
        with np.load(os.path.join(path, WEIGHTS)) as npz:
            weights = {key: npz[key] for key in npz.files}
        model = Model(
            weights=weights,
            vocabulary=Vocabulary(meta["characters"]),
            names=meta["names"],
            hyperparameters=meta["hyperparameters"],
            metrics=meta["metrics"],
        )
        check_shapes(model)
    except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile) as e:
        raise ModelLoadError(f"the name model at {path} is unreadable: {e}") from e
    return model


def weight_shapes(size, units):
    """The shape of each weight of a model of size tokens and units GRU units."""
    return {
        "gru_kernel": (size, 3 * units),
        "gru_recurrent_kernel": (units, 3 * units),
        "gru_bias": (2, 3 * units),
        "dense_kernel": (units, size),
        "dense_bias": (size,),
    }


def check_shapes(model):
    size = len(model.vocabulary)
    units = model.weights["gru_recurrent_kernel"].shape[0]
    expected = weight_shapes(size, units)
    shapes = {key: model.weights[key].shape for key in expected}
    if shapes != expected:
        raise ValueError(f"weight shapes {shapes} do not fit {size} tokens and {units} units")
