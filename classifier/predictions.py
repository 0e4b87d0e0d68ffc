"""Storing what the classifier said about an upload, what people say about it afterwards, and
taking predictions out again (a CSV export; images for a dataset go through
classifier.datasets)."""

import csv
import hashlib
import hmac
import io
import logging
import time
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Greatest
from PIL import Image

from heroproject import ratelimits
from mlcore.vision import images

from .models import ModelVersion, Prediction, margin, upload_name
from .serving import classify

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


def classify_and_record(classifier, data, client="", thumbnail_later=False):
    """Classify an upload's bytes with the classifier's active version and store the prediction
    (see record); raises serving.ClassifierUnavailable or images.ImageError."""
    started = time.perf_counter()
    classification = classify(classifier, data)
    latency_ms = (time.perf_counter() - started) * 1000
    return record(classifier, classification, data, latency_ms, client, thumbnail_later)


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
        margin=margin(dict(classification.ranked)),
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
    """Record a visitor's verdict (a first one or a changed one) and keep the version's
    feedback counters in step, in one transaction.

    The verdict it replaces is read under a row lock (SQLite's transactions here take the write
    lock up front), so two verdicts sent at once on one prediction count once.
    """
    verdict = Prediction.Feedback.CORRECT if correct else Prediction.Feedback.WRONG
    feedback_label = "" if correct else label
    with transaction.atomic():
        before = (
            Prediction.objects.select_for_update()
            .filter(pk=prediction.pk)
            .values_list("feedback", flat=True)
            .get()
        )
        Prediction.objects.filter(pk=prediction.pk).update(
            feedback=verdict, feedback_label=feedback_label
        )
        added = int(before == Prediction.Feedback.NONE)
        right = int(verdict == Prediction.Feedback.CORRECT) - int(
            before == Prediction.Feedback.CORRECT
        )
        if added or right:
            ModelVersion.objects.filter(pk=prediction.version_id).update(
                feedback_count=F("feedback_count") + added,
                feedback_right=F("feedback_right") + right,
            )
    prediction.feedback, prediction.feedback_label = verdict, feedback_label


def feedback_counts(predictions):
    """{version id: (verdicts, right)} counted over the rows of predictions."""
    rows = (
        predictions.exclude(feedback=Prediction.Feedback.NONE)
        .values("version")
        .annotate(
            count=Count("id"), right=Count("id", filter=Q(feedback=Prediction.Feedback.CORRECT))
        )
        .order_by()
    )
    return {row["version"]: (row["count"], row["right"]) for row in rows}


def recount_feedback():
    """Set every version's feedback counters to a count of its predictions' rows (one pass over
    the history); returns the versions whose counters were wrong, as (version, before, after)."""
    fixed = []
    with transaction.atomic():
        counts = feedback_counts(Prediction.objects.all())
        for version in ModelVersion.objects.select_for_update().order_by("pk"):
            counted = counts.get(version.pk, (0, 0))
            kept = (version.feedback_count, version.feedback_right)
            if kept != counted:
                ModelVersion.objects.filter(pk=version.pk).update(
                    feedback_count=counted[0], feedback_right=counted[1]
                )
                fixed.append((version, kept, counted))
    return fixed


def delete_predictions(ids):
    """Delete the predictions with these ids and take their verdicts off their versions'
    counters, in one transaction; returns the file names they named (the caller deletes the
    files after the commit: a crash in between leaves stray files, never a row without them)."""
    with transaction.atomic():
        rows = Prediction.objects.filter(pk__in=ids)
        files = [name for pair in rows.values_list("thumbnail", "original") for name in pair]
        for version, (count, right) in feedback_counts(rows).items():
            ModelVersion.objects.filter(pk=version).update(
                feedback_count=Greatest(F("feedback_count") - count, 0),
                feedback_right=Greatest(F("feedback_right") - right, 0),
            )
        rows.delete()
    return [name for name in files if name]


CSV_COLUMNS = [
    ("id", lambda p: p.pk),
    ("created", lambda p: p.created.isoformat()),
    ("classifier", lambda p: p.classifier.slug),
    ("version", lambda p: p.version.number),
    ("label", lambda p: p.label),
    ("probability", lambda p: f"{p.probability:.4f}"),
    ("unsure", lambda p: p.unsure),
    ("latency_ms", lambda p: p.latency_ms),
    ("sha256", lambda p: p.sha256),
    ("size_bytes", lambda p: p.size_bytes),
    ("feedback", lambda p: p.feedback),
    ("feedback_label", lambda p: p.feedback_label),
    ("true_label", lambda p: p.true_label),
    ("reviewed", lambda p: p.reviewed),
]


def write_csv(predictions, out):
    """One row per prediction with CSV_COLUMNS, after a header row, to the text file out."""
    writer = csv.writer(out)
    writer.writerow([header for header, _ in CSV_COLUMNS])
    for prediction in predictions.select_related("classifier", "version"):
        writer.writerow([value(prediction) for _, value in CSV_COLUMNS])
