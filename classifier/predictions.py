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
# One thread per process writes the files of API predictions after the answer has gone; at a
# worker's exit Python waits for it to finish the queue.
file_writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="prediction-files")
OWN_PREDICTIONS = "own_predictions"  # session key: the predictions this visitor made
OWN_PREDICTIONS_KEPT = 100


def client_hash(request):
    """A keyed hash of the client address: lets an admin group uploads, never reveals the IP."""
    address = request.META.get("REMOTE_ADDR", "")
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]


def record(classifier, classification, data, latency_ms, client=""):
    """Save a prediction's row; returns it and a function that writes its files.

    The files (a thumbnail and, when kept, the original) are named in the row at once and written
    when the caller calls the function: before a page that shows the thumbnail, or after the
    response for the API, whose answer does not need them.
    """
    thumbnail = upload_name("thumbnails", "jpg")
    original = ""
    if settings.PREDICTIONS_KEEP_ORIGINALS:
        extension = EXTENSIONS.get(Image.open(io.BytesIO(data)).format, "bin")
        original = upload_name("originals", extension)
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

    def write_files():
        default_storage.save(thumbnail, ContentFile(images.thumbnail_jpeg(classification.image)))
        if original:
            default_storage.save(original, ContentFile(data))

    return prediction, write_files


def write_in_background(write_files):
    """Queue a prediction's files for the writer thread; a failure is logged, the row stays."""

    def log_failure(future):
        if future.exception() is not None:
            logger.error("Could not write a prediction's files", exc_info=future.exception())

    file_writer.submit(write_files).add_done_callback(log_failure)


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
