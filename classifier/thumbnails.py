"""An upload's thumbnail: stored beside its prediction, drawn before the page's answer, and for
an API prediction (whose answer does not show it) drawn from the original when first shown."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from mlcore.vision import images

LONGEST = 256  # pixels, the thumbnail's longest side (images.thumbnail_jpeg)


def save_thumbnail(name, image):
    """Store a thumbnail of the image under name, unless another thread stored it first."""
    saved = default_storage.save(name, ContentFile(images.thumbnail_jpeg(image, LONGEST)))
    if saved != name:
        default_storage.delete(saved)


def ensure_thumbnail(prediction):
    """Whether the prediction's thumbnail is stored, drawing it from the original if it is not
    (an API prediction not shown yet, or a thumbnail lost); False when there is no readable
    original either. A large JPEG is decoded at the smallest scale that keeps the thumbnail's
    size."""
    if not prediction.thumbnail:
        return False
    if default_storage.exists(prediction.thumbnail.name):
        return True
    if not (prediction.original and default_storage.exists(prediction.original.name)):
        return False
    try:
        with prediction.original.open() as original:
            image = images.read_image(original.read(), size=LONGEST)
    except images.ImageError:
        return False
    save_thumbnail(prediction.thumbnail.name, image)
    return True
