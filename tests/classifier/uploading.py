"""Uploads for the classifier's tests: images good, awkward and bad, and posting them."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_bytes(mode="RGB", size=(120, 90), fmt="PNG", colour=None, **save):
    image = Image.new(mode, size, colour if colour is not None else 128)
    out = io.BytesIO()
    image.save(out, fmt, **save)
    return out.getvalue()


def upload(data, name="picture.png"):
    return SimpleUploadedFile(name, data)


def red_circle(shapes_dir):
    return (shapes_dir / "red_circle" / "000.png").read_bytes()


def bomb_png(width=30000, height=30000):
    """A tiny PNG whose header claims width x height pixels."""
    raw = zlib.compress(b"\x00" * 2)
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)

    def chunk(kind, body):
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def post(client, data, name="picture.png", slug="shapes", **headers):
    return client.post("/", {"classifier": slug, "image": upload(data, name)}, headers=headers)


def rotated_jpeg():
    image = Image.new("RGB", (80, 40), "red")
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def animated_gif():
    frames = [Image.new("P", (40, 40), i) for i in (10, 200)]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100)
    return out.getvalue()


GOOD_UPLOADS = {
    "exif-rotated.jpg": rotated_jpeg,
    "grey.png": lambda: image_bytes("L"),
    "palette.png": lambda: image_bytes("P"),
    "transparent.png": lambda: image_bytes("RGBA", colour=(255, 0, 0, 0)),
    "cmyk.jpg": lambda: image_bytes("CMYK", fmt="JPEG", colour=(0, 255, 255, 0)),
    "deep.png": lambda: image_bytes("I;16", colour=40000),
    "animated.gif": animated_gif,
    "photo.webp": lambda: image_bytes(fmt="WEBP"),
    "dot.png": lambda: image_bytes(size=(1, 1)),
    "panorama.jpg": lambda: image_bytes(size=(6000, 200), fmt="JPEG"),
}


BAD_UPLOADS = [
    (b"", "empty.jpg", "empty"),
    (b"just some words\n" * 20, "notes.txt", "text"),
    (b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n" * 5, "doc.pdf", "PDF"),
    (b"<!doctype html><html><body>hi</body></html>", "photo.jpg", "HTML"),
    (image_bytes(fmt="JPEG", size=(400, 300), quality=90)[:600], "cut.jpg", "truncated"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', "x.svg", "SVG"),
    (bomb_png(), "bomb.png", "pixels"),
]
