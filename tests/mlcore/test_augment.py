import numpy as np

from mlcore.vision.augment import augmentation


def batch():
    rng = np.random.default_rng(0)
    images = np.zeros((4, 32, 32, 3), dtype=np.float32)
    images[:, :, :16] = 255  # a left-half-white edge that every transform moves
    return images + rng.uniform(0, 40, images.shape).astype(np.float32) * (images == 0)


def test_shape_dtype_and_range_on_a_numpy_batch():
    out = np.asarray(augmentation(seed=1)(batch(), training=True))
    assert out.shape == (4, 32, 32, 3)
    assert out.dtype == np.float32
    assert out.min() >= 0 and out.max() <= 255


def test_same_seed_same_output():
    images = batch()
    first = np.asarray(augmentation(seed=7)(images, training=True))
    second = np.asarray(augmentation(seed=7)(images, training=True))
    np.testing.assert_allclose(first, second, atol=1e-4)


def test_changes_the_images_and_differs_per_call():
    images = batch()
    aug = augmentation(seed=7)
    first = np.asarray(aug(images, training=True))
    second = np.asarray(aug(images, training=True))
    assert np.abs(first - images).mean() > 1
    assert np.abs(first - second).mean() > 1


def test_inference_is_the_identity():
    images = batch()
    np.testing.assert_allclose(np.asarray(augmentation(seed=7)(images, training=False)), images)
