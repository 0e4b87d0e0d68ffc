"""Storing what the classifier said about an upload, and what people say about it afterwards."""

import hashlib
import hmac
import io
import logging
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from heroproject import ratelimits
from mlcore import images

from .models import Prediction, upload_name

EXTENSIONS = {
    "JPEG": "jpg",
    "PNG": "png",
    "GIF": "gif",
    "WEBP": "webp",
    "BMP": "bmp",
    "TIFF": "tif",
}
logger = logging.getLogger(__name__)
# One thread per process draws the thumbnails of API predictions after the answer has gone.
thumbnail_writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="thumbnails")
OWN_PREDICTIONS = "own_predictions"  # session key: the predictions this visitor made
OWN_PREDICTIONS_KEPT = 100


def client_hash(request):
    """A keyed hash of the client's address (the one rate limits count, so behind a proxy the
    visitor's, not the proxy's): lets an admin group uploads, never reveals the IP."""
    address = ratelimits.client_ip(request)
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]


def save_thumbnail(name, image):
    """Store a thumbnail of the image under name, unless another thread stored it first."""
    saved = default_storage.save(name, ContentFile(images.thumbnail_jpeg(image)))
    if saved != name:
        default_storage.delete(saved)


def log_failure(future):
    if future.exception() is not None:
        logger.error("Could not draw a thumbnail", exc_info=future.exception())


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


def record(classifier, classification, data, latency_ms, client="", thumbnail_later=False):
    """Store an upload's original, then the prediction's row that names it; returns the row.

    The original is durable before the row commits (heroproject.storage): a crash at any instant
    leaves no row, or a row whose original exists (at worst an original that no row names, which
    `check_predictions --repair` deletes). The thumbnail is derived from it: with
    thumbnail_later (the API, whose answer does not show it) a writer thread draws it after the
    answer, and `ensure_thumbnail` draws one that a crash lost. Without a kept original the
    thumbnail is the only copy, so it is stored before the row in every case.
    """
    thumbnail = upload_name("thumbnails", "jpg")
    original = ""
    if settings.PREDICTIONS_KEEP_ORIGINALS:
        extension = EXTENSIONS.get(Image.open(io.BytesIO(data)).format, "bin")
        original = default_storage.save(upload_name("originals", extension), ContentFile(data))
    else:
        thumbnail_later = False
    if not thumbnail_later:
        save_thumbnail(thumbnail, classification.image)
    prediction = Prediction.objects.create(
        classifier=classifier,
        version=classification.version,
        thumbnail=thumbnail,
        activation=classification.activation(),
        original=original,
        sha256=images.sha256(data),
        size_bytes=len(data),
        probabilities=dict(classification.ranked),
        label=classification.label,
        probability=classification.probability,
        unsure=classification.unsure,
        latency_ms=round(latency_ms, 2),
        client=client,
    )
    if thumbnail_later:
        thumbnail_writer.submit(save_thumbnail, thumbnail, classification.image).add_done_callback(
            log_failure
        )
    return prediction


def remember(session, prediction):
    own = session.get(OWN_PREDICTIONS, [])
    session[OWN_PREDICTIONS] = [*own, prediction.pk][-OWN_PREDICTIONS_KEPT:]


def visible_to(request, prediction):
    """Visitors see their own predictions; staff see all."""
    return request.user.is_staff or prediction.pk in request.session.get(OWN_PREDICTIONS, [])


def give_feedback(prediction, correct, label=""):
    prediction.feedback = Prediction.Feedback.CORRECT if correct else Prediction.Feedback.WRONG
    prediction.feedback_label = "" if correct else label
    prediction.save(update_fields=["feedback", "feedback_label"])


def feedback_accuracy(predictions):
    """Share of visitor verdicts that said "right", and how many verdicts there were."""
    verdicts = list(predictions.exclude(feedback="").values_list("feedback", flat=True))
    if not verdicts:
        return None, 0
    return verdicts.count(Prediction.Feedback.CORRECT) / len(verdicts), len(verdicts)
