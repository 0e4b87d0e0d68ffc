"""Turn away images a dataset should not hold: unreadable, too small, copies and near copies.

A near copy is the same picture re-encoded, resized or lightly edited. Its difference hash (64
bits: is each pixel of a 9 x 8 greyscale thumbnail brighter than its right neighbour?) differs
from the original's in a few bits at most, while two different pictures differ in about half.
"""

import io
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
from PIL import Image

from mlcore.training import datasets
from mlcore.vision import images

MIN_SIZE = 100  # pixels on the shorter side
NEAR = 6  # differing bits of 64 that still make a near copy
HASH_SIZE = 8


class Rejected(Exception):
    """An image turned away: reason is a short category to count, detail says more."""

    def __init__(self, reason, detail="", other=""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
        self.other = other  # the image of the index a copy matched


@dataclass(frozen=True)
class Fingerprint:
    sha256: str
    dhash: int
    width: int
    height: int
    format: str  # Pillow's name: JPEG, PNG...


def dhash(image):
    grey = image.convert("L").resize((HASH_SIZE + 1, HASH_SIZE), Image.Resampling.LANCZOS)
    pixels = np.asarray(grey, dtype=np.int16)
    bits = pixels[:, 1:] > pixels[:, :-1]
    return int.from_bytes(np.packbits(bits).tobytes(), "big")


def inspect(data, min_size=MIN_SIZE):
    """The fingerprint of an image file's bytes, or Rejected if it is unreadable or too small."""
    try:
        # A JPEG decodes at a reduced scale that still has min_size pixels on each side it had.
        image = images.read_image(data, size=min_size or None)
    except images.ImageError as error:
        raise Rejected("unreadable", str(error)) from None
    with Image.open(io.BytesIO(data)) as header:
        width, height = header.size
        kind = header.format
    if min(width, height) < min_size:
        raise Rejected("too small", f"{width} x {height} pixels, under {min_size}")
    return Fingerprint(images.sha256(data), dhash(image), width, height, kind)


class Index:
    """The images a dataset holds, by content hash and by difference hash."""

    def __init__(self, near=NEAR):
        self.near = near
        self.names = {}  # sha256 -> name
        self.dhashes = []  # (dhash, name)
        self.bits = np.empty(64, dtype=np.uint64)  # the dhashes in order, compared all at once

    def match(self, fingerprint):
        """Rejected if the image is a copy or a near copy of one in the index (the first one
        added, if several), else None."""
        name = self.names.get(fingerprint.sha256)
        if name:
            return Rejected("duplicate", f"the same file as {name}", name)
        added = len(self.dhashes)
        distances = np.bitwise_count(self.bits[:added] ^ np.uint64(fingerprint.dhash))
        close = np.flatnonzero(distances <= self.near)
        if close.size:
            first = close[0]
            other = self.dhashes[first][1]
            return Rejected("near duplicate", f"{int(distances[first])} bits from {other}", other)
        return None

    def add(self, fingerprint, name):
        self.names[fingerprint.sha256] = name
        if len(self.dhashes) == len(self.bits):
            self.bits = np.concatenate([self.bits, np.empty_like(self.bits)])
        self.bits[len(self.dhashes)] = fingerprint.dhash
        self.dhashes.append((fingerprint.dhash, name))

    def count(self, label):
        return sum(name.startswith(f"{label}/") for name in self.names.values())


def clean_folder(
    root, min_size=MIN_SIZE, near=NEAR, remove=True, progress=None, workers=None, cache=None
):
    """Check the images in root's class folders in name order, each against those before it.

    Returns the index of the images that pass and (path under root, Rejected) for the others,
    which are deleted if remove. progress(done, total) is called after each image. cache, a
    dict kept between calls, holds each file's outcome by its size and time: a file unchanged
    since is not read again.
    """
    root = Path(root)
    _, found = datasets.find_images(root, [])
    paths = [path for _, _, path in found]
    index, rejected = Index(near), []
    with ThreadPoolExecutor(workers or min(4, os.cpu_count() or 1)) as pool:
        outcomes = remembered(paths, min_size, cache)
        unknown = [path for path, outcome in zip(paths, outcomes, strict=True) if not outcome]
        fresh = pool.map(partial(inspect_file, min_size=min_size, cache=cache), unknown)
        outcomes = (outcome or next(fresh) for outcome in outcomes)
        for done, (path, (fingerprint, error)) in enumerate(zip(paths, outcomes, strict=True), 1):
            name = path.relative_to(root).as_posix()
            error = error or index.match(fingerprint)
            if error:
                rejected.append((name, error))
                if remove:
                    path.unlink()
            else:
                index.add(fingerprint, name)
            if progress:
                progress(done, len(paths))
    return index, rejected


def cache_key(path, min_size):
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns, min_size


def remembered(paths, min_size, cache):
    """The cached outcome of each path whose file has not changed since, else None."""
    found = []
    for path in paths:
        hit = cache.get(path) if cache is not None else None
        try:
            found.append(hit[1] if hit and hit[0] == cache_key(path, min_size) else None)
        except OSError:
            found.append(None)
    return found


def inspect_file(path, min_size, cache=None):
    """(fingerprint, None) or (None, Rejected); kept in cache, if given."""
    try:
        key = cache_key(path, min_size)
        outcome = inspect(path.read_bytes(), min_size), None
    except OSError as error:
        return None, Rejected("unreadable", str(error))
    except Rejected as error:
        outcome = None, error
    if cache is not None:
        cache[path] = (key, outcome)
    return outcome


def summarise(reasons):
    """'2 duplicate, 1 too small' for Counter({"duplicate": 2, "too small": 1})."""
    return ", ".join(f"{count} {reason}" for reason, count in sorted(reasons.items()))
