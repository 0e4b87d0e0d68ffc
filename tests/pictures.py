"""Pictures made in memory for tests."""

import io

import numpy as np
from PIL import Image, ImageDraw


def picture(seed, size=(160, 120)):
    """A smooth random picture: different seeds look nothing alike."""
    cells = np.random.default_rng(seed).integers(0, 256, (8, 8, 3), dtype=np.uint8)
    return Image.fromarray(cells).resize(size, Image.Resampling.BICUBIC)


def encode(image, format="JPEG", **params):
    out = io.BytesIO()
    image.save(out, format, **params)
    return out.getvalue()


SHAPE_COLOURS = {
    "red_circle": (220, 30, 30),
    "green_square": (30, 170, 60),
    "blue_triangle": (40, 60, 220),
}


def draw_shapes(root, per_class=10, size=72, seed=0):
    """Folders of simple coloured shapes on varied backgrounds: an easy, tiny dataset."""
    rng = np.random.default_rng(seed)
    for label, colour in SHAPE_COLOURS.items():
        (root / label).mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            background = tuple(int(v) for v in rng.integers(200, 256, 3))
            image = Image.new("RGB", (size, size), background)
            draw = ImageDraw.Draw(image)
            x, y = rng.integers(4, size // 3, 2)
            extent = int(rng.integers(size // 2, size - 8))
            box = [int(x), int(y), int(min(size - 2, x + extent)), int(min(size - 2, y + extent))]
            if label == "red_circle":
                draw.ellipse(box, fill=colour)
            elif label == "green_square":
                draw.rectangle(box, fill=colour)
            else:
                draw.polygon(
                    [(box[0], box[3]), (box[2], box[3]), ((box[0] + box[2]) // 2, box[1])],
                    fill=colour,
                )
            image.save(root / label / f"{i:03d}.png")
    return root


def draw_noise(root, size, per_class=10):
    """Folders "dark" and "light" of grey noise images: the quickest dataset to learn."""
    rng = np.random.default_rng(0)
    for label, mean in (("dark", 60), ("light", 190)):
        (root / label).mkdir()
        for i in range(per_class):
            pixels = np.clip(rng.normal(mean, 30, (size, size, 3)), 0, 255).astype(np.uint8)
            Image.fromarray(pixels).save(root / label / f"{i}.png")
    return root
