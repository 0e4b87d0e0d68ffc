"""Storing what the classifier said about an upload: its original, its thumbnail and the
prediction's row."""

import io
import time
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from mlcore.vision import images

from .models import Prediction, margin, upload_name
from .serving import classify
from .thumbnails import save_thumbnail

EXTENSIONS = {
    "JPEG": "jpg",
    "PNG": "png",
    "GIF": "gif",
    "WEBP": "webp",
    "BMP": "bmp",
    "TIFF": "tif",
}


# Originals are written and flushed to disk (heroproject.storage) on these threads while the
# request's own thread decodes and classifies the upload: the wait for the disk overlaps the
# CPU work instead of following it. record() waits for the write before the row commits.
original_writers = ThreadPoolExecutor(max_workers=8, thread_name_prefix="originals")


def save_original(data, extension):
    return default_storage.save(upload_name("originals", extension), ContentFile(data))


def delete_unnamed(future):
    """The original of an upload that got no row: deleted once written."""
    if future.exception() is None:
        default_storage.delete(future.result())


def start_original(data):
    """The original's durable write, started on a writer thread; None when originals are not
    kept or the bytes are no image Pillow recognises (the classification will refuse them)."""
    if not settings.PREDICTIONS_KEEP_ORIGINALS:
        return None
    try:
        extension = EXTENSIONS.get(Image.open(io.BytesIO(data)).format, "bin")
    except Exception:  # Pillow's many errors on bytes that are no image
        return None
    return original_writers.submit(save_original, data, extension)


def classify_and_record(classifier, data, client="", thumbnail_later=False, version=None):
    """Classify an upload's bytes with the classifier's active version (version, when the caller
    has read it with the classifier) and store the prediction (see record); raises
    serving.ClassifierUnavailable or images.ImageError."""
    original = start_original(data)
    started = time.perf_counter()
    try:
        classification = classify(classifier, data, version)
    except BaseException:
        if original is not None:
            original.add_done_callback(delete_unnamed)
        raise
    latency_ms = (time.perf_counter() - started) * 1000
    return record(classifier, classification, data, latency_ms, client, thumbnail_later, original)


def record(
    classifier, classification, data, latency_ms, client="", thumbnail_later=False, original=None
):
    """Store an upload's original, then the prediction's row that names it; returns the row.

    client is the keyed hash of the visitor's address (ownership.client_hash), or "".

    The original is durable before the row commits (heroproject.storage): a crash at any instant
    leaves no row, or a row whose original exists (at worst an original that no row names, which
    `check_predictions --repair` deletes). The thumbnail is derived from it: with
    thumbnail_later (the API, whose answer does not show it) the row names it and
    `thumbnails.ensure_thumbnail` draws it from the original when it is first shown, so an
    answer costs no drawing at all. Without a kept original the thumbnail is the only copy, so
    it is stored before the row in every case.

    original: the original's write already started (start_original), a future of its name.
    """
    thumbnail = upload_name("thumbnails", "jpg")
    if settings.PREDICTIONS_KEEP_ORIGINALS:
        if original is None:
            extension = EXTENSIONS.get(Image.open(io.BytesIO(data)).format, "bin")
            original = save_original(data, extension)
        else:
            original = original.result()  # durable before the row commits
    else:
        original = ""
        thumbnail_later = False
    if not thumbnail_later:
        save_thumbnail(thumbnail, classification.image)
    return Prediction.objects.create(
        classifier=classifier,
        version=classification.version,
        thumbnail=thumbnail,
        activation=classification.activation(),
        original=original,
        sha256=images.sha256(data),
        size_bytes=len(data),
        probabilities=dict(classification.ranked),
        margin=margin(dict(classification.ranked)),
        label=classification.label,
        probability=classification.probability,
        unsure=classification.unsure,
        latency_ms=round(latency_ms, 2),
        client=client,
    )
