"""An upload's thumbnail: stored beside its prediction, drawn by one writer thread after an API
answer has gone, and drawn again from the original when a crash lost it."""

import logging
from concurrent.futures import ThreadPoolExecutor

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from mlcore.vision import images

logger = logging.getLogger(__name__)
# One thread per process draws the thumbnails of API predictions after the answer has gone.
thumbnail_writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="thumbnails")


def save_thumbnail(name, image):
    """Store a thumbnail of the image under name, unless another thread stored it first."""
    saved = default_storage.save(name, ContentFile(images.thumbnail_jpeg(image)))
    if saved != name:
        default_storage.delete(saved)


def log_failure(future):
    if future.exception() is not None:
        logger.error("Could not draw a thumbnail", exc_info=future.exception())


def save_thumbnail_later(name, image):
    """Store the thumbnail on the writer thread; a failure is logged, not raised."""
    thumbnail_writer.submit(save_thumbnail, name, image).add_done_callback(log_failure)


def ensure_thumbnail(prediction):
    """Whether the prediction's thumbnail is stored, drawing it from the original if it is not
    (its worker died before drawing it); False when there is no readable original either."""
    if not prediction.thumbnail:
        return False
    if default_storage.exists(prediction.thumbnail.name):
        return True
    if not (prediction.original and default_storage.exists(prediction.original.name)):
        return False
    try:
        with prediction.original.open() as original:
            image = images.read_image(original.read())
    except images.ImageError:
        return False
    save_thumbnail(prediction.thumbnail.name, image)
    return True
