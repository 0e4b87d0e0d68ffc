"""Training of the character-level GRU; the only module of the package that needs TensorFlow."""

import time

import keras
import numpy as np

from mlcore.names.bigram import Bigram
from mlcore.names.sampler import Sampler
from mlcore.names.store import Model
from mlcore.names.vocabulary import Vocabulary
from mlcore.training.progress import ignore


def split(names, val_fraction, seed):
    """Training and validation names, the same for the same seed."""
    if not 0 < val_fraction < 1:
        raise ValueError("val_fraction must be between 0 and 1")
    order = np.random.default_rng(seed).permutation(len(names))
    n_val = max(1, round(len(names) * val_fraction))
    if n_val >= len(names):
        raise ValueError("too few names to keep some for validation")
    return [names[i] for i in order[n_val:]], [names[i] for i in order[:n_val]]


def build(vocab_size, units, dropout, recurrent_dropout, input_dropout=0.0):
    # input_dropout drops characters from the one-hot input: a character dropped from a
    # name is dropped at every step of it. Like the other dropouts it acts only in training.
    return keras.Sequential(
        [
            keras.Input((None, vocab_size)),
            keras.layers.GRU(
                units,
                dropout=input_dropout,
                recurrent_dropout=recurrent_dropout,
                return_sequences=True,
                name="gru",
            ),
            keras.layers.Dropout(dropout),
            keras.layers.Dense(vocab_size, name="dense"),  # logits
        ]
    )


def weights_of(network):
    kernel, recurrent_kernel, bias = network.get_layer("gru").get_weights()
    dense_kernel, dense_bias = network.get_layer("dense").get_weights()
    return {
        "gru_kernel": kernel,
        "gru_recurrent_kernel": recurrent_kernel,
        "gru_bias": bias,
        "dense_kernel": dense_kernel,
        "dense_bias": dense_bias,
    }


def arrays(vocabulary, names):
    """One-hot inputs, target ids and a weight that is 0 on the padding."""
    inputs, targets = vocabulary.padded(names)
    return vocabulary.one_hot(inputs), np.maximum(targets, 0), (targets >= 0).astype(np.float32)


def train(
    names,
    units=64,
    dropout=0.5,
    recurrent_dropout=0.3,
    input_dropout=0.1,
    learning_rate=0.004,
    epochs=80,
    batch_size=16,
    patience=8,
    val_fraction=0.1,
    refit=False,
    seed=0,
    progress=ignore,
):
    """Fit on names, stop when the validation loss stops improving, keep the best epoch.

    With refit, early stopping only chooses the number of epochs: a new network is then
    trained for that many on every name, validation names included. The metrics' val_nll is
    the first network's, on names it never saw. progress gets mlcore.training.progress's events: a
    "phase" for each network and an "epoch" after each of its epochs (logs "loss" and
    "val_loss", both in nats per character).
    """
    names = list(dict.fromkeys(names))
    hyperparameters = {
        "units": units,
        "dropout": dropout,
        "recurrent_dropout": recurrent_dropout,
        "input_dropout": input_dropout,
        "learning_rate": learning_rate,
        "epochs": epochs,
        "batch_size": batch_size,
        "patience": patience,
        "val_fraction": val_fraction,
        "refit": refit,
        "seed": seed,
    }
    vocabulary = Vocabulary.from_names(names)
    train_names, val_names = split(names, val_fraction, seed)

    def new_network():
        keras.utils.set_random_seed(seed)
        network = build(len(vocabulary), units, dropout, recurrent_dropout, input_dropout)
        network.compile(
            optimizer=keras.optimizers.Adam(learning_rate),
            loss=keras.losses.SparseCategoricalCrossentropy(
                from_logits=True, reduction="mean_with_sample_weight"
            ),
        )
        return network

    network = new_network()
    x, y, weight = arrays(vocabulary, train_names)

    def reporter(phase, epochs):
        progress("phase", phase, epochs)
        return keras.callbacks.LambdaCallback(
            on_epoch_end=lambda epoch, logs: progress("epoch", epoch + 1, epochs, logs)
        )

    callbacks = [
        keras.callbacks.EarlyStopping(patience=patience, restore_best_weights=True),
        reporter("names", epochs),
    ]
    started = time.monotonic()
    history = network.fit(
        x,
        y,
        sample_weight=weight,
        batch_size=batch_size,
        epochs=epochs,
        # One validation batch, so val_loss is the exact mean over its characters.
        validation_data=arrays(vocabulary, val_names),
        validation_batch_size=len(val_names),
        callbacks=callbacks,
        verbose=0,
    ).history
    best_epoch = int(np.argmin(history["val_loss"])) + 1

    def model_of(network):
        return Model(weights_of(network), vocabulary, names, hyperparameters, metrics={})

    val_nll = float(Sampler(model_of(network)).nll_per_char(val_names).nll_per_char)
    if refit:
        network = new_network()
        x, y, weight = arrays(vocabulary, train_names + val_names)
        network.fit(
            x,
            y,
            sample_weight=weight,
            batch_size=batch_size,
            epochs=best_epoch,
            callbacks=[reporter("refit on every name", best_epoch)],
            verbose=0,
        )
    seconds = time.monotonic() - started

    model = model_of(network)
    model.metrics = {
        "val_nll": val_nll,
        "bigram_val_nll": float(Bigram(vocabulary, train_names).nll_per_char(val_names)),
        "best_epoch": best_epoch,
        "epochs_run": len(history["val_loss"]),
        "seconds": seconds,
        "train_size": len(train_names) + (len(val_names) if refit else 0),
        "val_size": len(val_names),
        "history": {key: [float(v) for v in values] for key, values in history.items()},
    }
    return model
