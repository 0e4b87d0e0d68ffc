"""Random image augmentation for training, as seeded Keras preprocessing layers.

The layers take float images in 0..255, shape (batch, height, width, 3), and keep that range.
Training applies them to numpy batches outside the model: aug(batch, training=True).
"""

import keras


def augmentation(seed: int = 0) -> keras.Sequential:
    """Random resized crop, horizontal flip, small rotation and colour jitter."""
    layers = keras.layers
    return keras.Sequential(
        [
            # Zooming in by up to 25% and shifting by up to 10% is a random resized crop.
            layers.RandomZoom((-0.25, 0.0), seed=seed),
            layers.RandomTranslation(0.1, 0.1, seed=seed + 1),
            layers.RandomFlip("horizontal", seed=seed + 2),
            layers.RandomRotation(0.03, seed=seed + 3),  # a fraction of a full turn: +-11 degrees
            layers.RandomBrightness(0.2, value_range=(0, 255), seed=seed + 4),
            layers.RandomContrast(0.2, value_range=(0, 255), seed=seed + 5),
        ],
        name="augmentation",
    )
