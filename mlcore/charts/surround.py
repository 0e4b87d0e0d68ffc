"""Charts as people meet them now and then: on a page in a screenshot, or photographed."""

from functools import cache

import numpy as np
from matplotlib import colors as mcolors
from matplotlib import font_manager
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from mlcore.charts import text
from mlcore.charts.style import DARK_BACKGROUNDS, LIGHT_BACKGROUNDS
from mlcore.charts.text import pick

PAGE_SHARE = 0.15
PHOTO_SHARE = 0.15


def surround(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """The chart as it is, on a page, or in a photo (of a page half of the time)."""
    chance = rng.random()
    if chance < PAGE_SHARE:
        return on_page(image, rng)
    if chance < PAGE_SHARE + PHOTO_SHARE:
        return photographed(on_page(image, rng) if rng.random() < 0.5 else image, rng)
    return image


@cache
def font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(font_manager.findfont("DejaVu Sans"), size)


def on_page(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """The chart in a larger page: margins, a shadow or frame, a coloured band, lines of text."""
    dark = rng.random() < 0.3
    paper = pick(rng, DARK_BACKGROUNDS if dark else LIGHT_BACKGROUNDS)
    ink = pick(rng, ["#bbbbbb", "#e0e0e0"] if dark else ["#333333", "#666666"])
    width, height = image.size
    left, top, right, bottom = (rng.uniform(0.02, 0.3, 4) * max(image.size)).astype(int)
    page = Image.new("RGB", (width + left + right, height + top + bottom), paper)
    draw = ImageDraw.Draw(page)
    if rng.random() < 0.4:
        band = int(rng.uniform(0.03, 0.1) * page.height)
        draw.rectangle((0, 0, page.width, band), fill=random_colour(rng))
    font_size = int(rng.uniform(0.025, 0.05) * page.height) + 6
    lines = range(top - 2 * font_size, 0, -int(1.6 * font_size))  # upwards from the chart
    for y in lines[: int(rng.integers(4))]:
        draw.text((left, y), text.title(rng), fill=ink, font=font(font_size))
    if rng.random() < 0.4:
        offset = int(rng.integers(2, 8))
        shadow = (left + offset, top + offset, left + width + offset, top + height + offset)
        draw.rectangle(shadow, fill=pick(rng, ["#999999", "#cccccc", "#000000"]))
    page.paste(image, (left, top))
    if rng.random() < 0.5:
        draw.rectangle(
            (left - 1, top - 1, left + width, top + height),
            outline=pick(rng, ["#cccccc", "#999999", ink]),
            width=int(rng.integers(1, 4)),
        )
    return page


def random_colour(rng: np.random.Generator) -> str:
    hsv = [rng.random(), rng.uniform(0.3, 1), rng.uniform(0.3, 0.9)]
    return mcolors.to_hex(mcolors.hsv_to_rgb(hsv))


def photographed(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """Shot off a screen or paper: a surround, a slanted view, uneven light, blur and grain."""
    surround_colour = tuple(int(v) for v in rng.uniform(30, 200) * rng.uniform(0.85, 1.15, 3))
    pad = int(rng.uniform(0.03, 0.12) * max(image.size))
    canvas = Image.new("RGB", (image.width + 2 * pad, image.height + 2 * pad), surround_colour)
    canvas.paste(image, (pad, pad))
    width, height = canvas.size
    corners = np.array([(0, 0), (0, height), (width, height), (width, 0)], dtype=float)
    corners += rng.uniform(-0.06, 0.06, (4, 2)) * canvas.size
    canvas = canvas.transform(
        canvas.size,
        Image.Transform.QUAD,
        tuple(corners.ravel()),
        Image.Resampling.BILINEAR,
        fillcolor=surround_colour,
    ).rotate(rng.uniform(-5, 5), Image.Resampling.BILINEAR, fillcolor=surround_colour)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32) / max(width, height)
    light = 1 - rng.uniform(0.1, 0.5) * towards(x, y, rng.uniform(0, 2 * np.pi))
    for _ in range(pick(rng, [0, 0, 1, 2])):  # shadows cast across part of the picture
        edge = towards(x, y, rng.uniform(0, 2 * np.pi)) - rng.uniform(0.3, 0.9)
        shade = 0.5 - 0.5 * np.tanh(edge * rng.uniform(10, 150))  # 1 on the shadow side
        light *= 1 - rng.uniform(0.15, 0.45) * shade
    glare = rng.uniform(0, 0.2) * np.exp(
        -((x - rng.random()) ** 2 + (y - rng.random()) ** 2) / rng.uniform(0.02, 0.2)
    )
    tint = rng.uniform(0.93, 1.07, 3)
    grain = rng.normal(0, rng.uniform(2, 10), (height, width, 1)).astype(np.float32)
    pixels = np.asarray(canvas) * light[..., None] * tint + 255 * glare[..., None] + grain
    photo = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    return photo.filter(ImageFilter.GaussianBlur(rng.uniform(0.2, 1.4)))


def towards(x: np.ndarray, y: np.ndarray, angle: float) -> np.ndarray:
    """0 to 1 across the picture in the direction of angle."""
    ramp = x * np.cos(angle) + y * np.sin(angle)
    return (ramp - ramp.min()) / np.ptp(ramp)
