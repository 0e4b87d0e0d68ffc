"""Storing what the classifier said about an upload, and what people say about it afterwards."""

import hashlib
import hmac
import io

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
OWN_PREDICTIONS = "own_predictions"  # session key: the predictions this visitor made
OWN_PREDICTIONS_KEPT = 100


def client_hash(request):
    """A keyed hash of the client's address (the one rate limits count, so behind a proxy the
    visitor's, not the proxy's): lets an admin group uploads, never reveals the IP."""
    address = ratelimits.client_ip(request)
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]


def save_thumbnail(image):
    """Store a thumbnail of the image; returns its name."""
    return default_storage.save(
        upload_name("thumbnails", "jpg"), ContentFile(images.thumbnail_jpeg(image))
    )


def redraw_thumbnail(prediction):
    """Draw a prediction's thumbnail again from its original; raises images.ImageError."""
    with prediction.original.open() as original:
        return save_thumbnail(images.read_image(original.read()))


def record(classifier, classification, data, latency_ms, client=""):
    """Store an upload's files, then the prediction's row that names them; returns the row.

    The files are durable before the row commits (heroproject.storage), so a crash at any
    instant leaves no row, or a row whose files exist; at worst files that no row names, which
    `check_predictions --repair` deletes.
    """
    thumbnail = save_thumbnail(classification.image)
    original = ""
    if settings.PREDICTIONS_KEEP_ORIGINALS:
        extension = EXTENSIONS.get(Image.open(io.BytesIO(data)).format, "bin")
        original = default_storage.save(upload_name("originals", extension), ContentFile(data))
    return Prediction.objects.create(
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
