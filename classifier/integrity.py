"""Do the predictions' rows and the files in storage agree? (`manage.py check_predictions`)

A row's thumbnail not drawn yet (an API prediction's is drawn when first shown) or lost is drawn
from its original; a row whose files cannot come back stops naming them and is marked
image_lost, so the admin says so instead of showing a broken image; a file that no row names (an
upload whose row never committed, or a temporary file a crash left) is deleted. Nothing changes
unless `repair` is set.
"""

import posixpath
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.storage import default_storage
from django.utils import timezone

from .models import Prediction
from .thumbnails import ensure_thumbnail

FOLDER = "predictions"
FILE_FIELDS = ("thumbnail", "original")


@dataclass
class Report:
    checked: int = 0
    redrawn: list = field(default_factory=list)  # ids whose thumbnail is drawn from the original
    lost: list = field(default_factory=list)  # ids with a file that cannot come back
    stray: list = field(default_factory=list)  # file names that no row names

    @property
    def clean(self):
        return not (self.redrawn or self.lost or self.stray)


def missing_files(prediction):
    files = {name: getattr(prediction, name) for name in FILE_FIELDS}
    return {name for name, file in files.items() if file and not default_storage.exists(file.name)}


def check_rows(report, repair, progress):
    rows = Prediction.objects.only(*FILE_FIELDS).order_by("pk")
    for prediction in progress(rows.iterator(chunk_size=2000), rows.count()):
        report.checked += 1
        missing = missing_files(prediction)
        if not missing:
            continue
        drawable = missing == {"thumbnail"} and prediction.original
        if drawable and (not repair or ensure_thumbnail(prediction)):
            report.redrawn.append(prediction.pk)
            continue
        report.lost.append(prediction.pk)
        if repair:
            Prediction.objects.filter(pk=prediction.pk).update(
                image_lost=True, **{name: "" for name in missing}
            )


def stored_files(folder):
    directories, files = default_storage.listdir(folder)
    for name in files:
        yield posixpath.join(folder, name)
    for directory in directories:
        yield from stored_files(posixpath.join(folder, directory))


def check_stray_files(report, repair, min_age):
    """Files younger than min_age are left alone: their row may be about to commit."""
    if not default_storage.exists(FOLDER):
        return
    named = set()
    for name in FILE_FIELDS:
        named.update(Prediction.objects.exclude(**{name: ""}).values_list(name, flat=True))
    settled = timezone.now() - min_age
    for name in stored_files(FOLDER):
        if name not in named and default_storage.get_modified_time(name) <= settled:
            report.stray.append(name)
            if repair:
                default_storage.delete(name)


def check(repair=False, min_age=timedelta(hours=1), progress=lambda rows, total: rows):
    """Compare rows and files; with repair, mend what can be mended. Returns a Report.

    progress(iterable, total) may wrap the rows, for a progress bar.
    """
    report = Report()
    check_rows(report, repair, progress)
    check_stray_files(report, repair, min_age)
    return report
