"""Decode untrusted image files into RGB pixels for the classifier.

Pillow and numpy only: the web workers import this module and must not load TensorFlow.
"""

import hashlib
import io
import os
from typing import BinaryIO

import numpy as np
from PIL import Image, ImageOps

FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF")
SUPPORTED = "JPEG, PNG, GIF, WebP, BMP or TIFF"
FITS = ("letterbox", "crop", "stretch")
SIGNATURES = (  # (offset, magic bytes, format) to recognise a damaged file
    (0, b"\xff\xd8\xff", "JPEG"),
    (0, b"\x89PNG", "PNG"),
    (0, b"GIF8", "GIF"),
    (0, b"BM", "BMP"),
    (0, b"II*\x00", "TIFF"),
    (0, b"MM\x00*", "TIFF"),
    (8, b"WEBP", "WebP"),
)
WHITE = (255, 255, 255)

# Every resize in this module uses the same filter so training and serving see the same pixels.
# reducing_gap first shrinks by an integer factor with a box filter, which makes large
# downscales fast at no visible cost.
RESAMPLE = Image.Resampling.BILINEAR
REDUCING_GAP = 3.0

Source = bytes | bytearray | memoryview | str | os.PathLike | BinaryIO


class ImageError(ValueError):
    """The file cannot be used as an image; the message is written for the person who sent it."""


def read_bytes(source: Source) -> bytes:
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source)
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as f:
            return f.read()
    return source.read()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_image(
    source: Source, size: int | None = None, max_pixels: int | None = None
) -> Image.Image:
    """Decode bytes, a path or a file object into an upright RGB image.

    If size is given, large JPEGs are decoded at a reduced scale that is still at least
    size x size. max_pixels defaults to Pillow's Image.MAX_IMAGE_PIXELS.
    """
    data = read_bytes(source)
    if not data:
        raise ImageError("The file is empty (0 bytes).")
    try:
        image = Image.open(io.BytesIO(data), formats=FORMATS)
    except Image.DecompressionBombError as exc:
        raise ImageError(f"The image is too large to process safely: {exc}") from exc
    except Image.UnidentifiedImageError as exc:
        raise ImageError(describe_non_image(data)) from exc
    except Exception as exc:
        raise ImageError(f"The image header is damaged and cannot be read ({exc}).") from exc

    limit = Image.MAX_IMAGE_PIXELS if max_pixels is None else max_pixels
    width, height = image.size
    if limit and width * height > limit:
        raise ImageError(
            f"The image is too large to process safely: {width} x {height} pixels is more than "
            f"the limit of {limit:,} pixels (possible decompression bomb)."
        )
    try:
        if size and image.format in ("JPEG", "MPO"):
            image.draft("RGB", (size, size))
        image.load()
        ImageOps.exif_transpose(image, in_place=True)
        return to_rgb(image)
    # Pillow's decoders raise many exception types on malformed data; all mean the same here.
    except Exception as exc:
        if "truncated" in str(exc).lower():
            raise ImageError("The image file is truncated: it was cut off before the end.") from exc
        raise ImageError(f"The image data is damaged and cannot be decoded ({exc}).") from exc


def describe_non_image(data: bytes) -> str:
    """Say what a file that Pillow could not identify is, for the error message."""
    head = data[:1024]
    text = head.lstrip().lower()
    please = f"Please use a {SUPPORTED} image."
    if text.startswith(b"%pdf"):
        return f"This is a PDF document, not an image. {please}"
    if b"<svg" in text:
        return f"SVG images are not supported. {please}"
    if text.startswith(b"<!doctype html") or b"<html" in text:
        return f"This is a web page (HTML), not an image. {please}"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"avif"):
        return f"HEIC and AVIF images are not supported. {please}"
    decoded = head.decode("utf-8", errors="replace")
    # A multi-byte character cut at the 1024-byte boundary decodes to one replacement char.
    if "\ufffd" not in decoded[:-1] and "\x00" not in decoded:
        return f"This is a text file, not an image. {please}"
    for offset, magic, name in SIGNATURES:
        if head.startswith(magic, offset):
            return f"The {name} image is damaged and cannot be read."
    return f"This file is not an image in a supported format. {please}"


def to_rgb(image: Image.Image) -> Image.Image:
    """Convert any Pillow mode to RGB; transparent areas become white."""
    if image.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
        pixels = np.asarray(image).astype(np.float64) / 257.0
        image = Image.fromarray(np.clip(pixels, 0, 255).round().astype(np.uint8))
    elif image.mode == "F":
        pixels = np.nan_to_num(np.asarray(image, dtype=np.float64))
        if pixels.size and pixels.min() >= 0 and pixels.max() <= 1:
            pixels = pixels * 255
        image = Image.fromarray(np.clip(pixels, 0, 255).round().astype(np.uint8))

    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info:
        rgba = image if image.mode == "RGBA" else image.convert("RGBA")
        alpha = rgba.getchannel("A")
        if alpha.getextrema()[0] == 255:  # most PNG charts: an alpha band with nothing to blend
            return rgba.convert("RGB")
        background = Image.new("RGB", rgba.size, WHITE)
        background.paste(rgba, mask=alpha)
        return background
    return image if image.mode == "RGB" else image.convert("RGB")


def to_array(image: Image.Image, size: int = 224, fit: str = "letterbox") -> np.ndarray:
    """Resize to size x size and return float32 pixels, shape (size, size, 3), in 0..255.

    fit: "letterbox" keeps the whole image and pads with white, "crop" takes the centre
    square, "stretch" resizes the whole image to a square.
    """
    if fit not in FITS:
        raise ValueError(f"fit must be one of {FITS}, not {fit!r}")
    image = to_rgb(image)
    width, height = image.size
    if fit == "stretch":
        square = image.resize((size, size), RESAMPLE, reducing_gap=REDUCING_GAP)
    elif fit == "crop":
        side = min(width, height)
        left, top = (width - side) / 2, (height - side) / 2
        box = (left, top, left + side, top + side)
        square = image.resize((size, size), RESAMPLE, box=box, reducing_gap=REDUCING_GAP)
    else:
        scale = size / max(width, height)
        new_size = (max(1, round(width * scale)), max(1, round(height * scale)))
        resized = image.resize(new_size, RESAMPLE, reducing_gap=REDUCING_GAP)
        square = Image.new("RGB", (size, size), WHITE)
        square.paste(resized, ((size - new_size[0]) // 2, (size - new_size[1]) // 2))
    return np.asarray(square, dtype=np.float32)


def load_array(
    source: Source, size: int = 224, fit: str = "letterbox", max_pixels: int | None = None
) -> np.ndarray:
    """Decode a file and return the model input: float32 (size, size, 3) in 0..255."""
    return to_array(read_image(source, size=size, max_pixels=max_pixels), size=size, fit=fit)


def thumbnail_jpeg(image: Image.Image, longest: int = 256, quality: int = 85) -> bytes:
    thumb = to_rgb(image) if image.mode != "RGB" else image.copy()
    thumb.thumbnail((longest, longest), RESAMPLE, reducing_gap=REDUCING_GAP)
    out = io.BytesIO()
    thumb.save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()
