"""A classifier's dataset: the images in DATASETS_DIR/<slug>/<class>/. The one owner of those
folders: the studio, the admin's "add to dataset", the review queue, `scrape_images` and
`train_classifier` all go through this module, and nothing else writes into them.

Every image added passes the checks of an upload (size, type, decompression bombs) and of
`clean_dataset` (unreadable, too small, copies and near copies of any image of any class, those
already there and those added with it), and is written whole (mlcore.storage.files) under a name
made from its content, or `prediction-<id>` for a visitor's upload.
"""

import hashlib
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.validators import validate_slug
from django.db import transaction

from mlcore.scraping import hygiene
from mlcore.storage import archives
from mlcore.storage.files import write_whole
from mlcore.training import datasets
from mlcore.vision import images

from .models import FEW_TEST_IMAGES, ImageClassifier, Prediction

CLASS_NAME = re.compile(r"\w[\w .-]*")  # a folder name, as scrape_images --class takes
CLASS_NAME_LENGTH = 100
MIN_CLASSES = 2  # to train
CV_FOLDS = 5  # cross-validation offered by default for a small dataset
PREDICTION_PREFIX = "prediction-"  # the file names of visitors' uploads
THUMBNAIL = 256
SUFFIXES = {  # Pillow's format -> the extension of an image's file name
    "JPEG": ".jpg",
    "MPO": ".jpg",
    "PNG": ".png",
    "GIF": ".gif",
    "WEBP": ".webp",
    "BMP": ".bmp",
    "TIFF": ".tif",
}


# The fingerprints of the datasets' images in this process, by path: a file unchanged since it
# was last read (same size and time) is not decoded again when the next image is checked.
FINGERPRINTS = {}


class DatasetError(ValueError):
    """A request the dataset cannot take; field names the form field it is about, if any."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


@dataclass
class ClassImages:
    name: str
    images: list[str]  # file names, newest first

    @property
    def count(self):
        return len(self.images)


@dataclass
class AddReport:
    added: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    new_classes: list[str] = field(default_factory=list)

    def reject(self, name, reason):
        self.rejected.append((name, reason))

    def summary(self):
        """The report in one line, for messages: "Added 3 images; turned away 1: a.txt: ..."."""
        added = f"Added {self.added} image{'' if self.added == 1 else 's'}"
        if self.new_classes:
            added += f" and the new class{'es' if len(self.new_classes) > 1 else ''} "
            added += ", ".join(self.new_classes)
        if not self.rejected:
            return f"{added}."
        turned_away = "; ".join(f"{name}: {reason}" for name, reason in self.rejected)
        return f"{added}; turned away {len(self.rejected)}: {turned_away}."


def folder(classifier):
    return folder_of(classifier.slug)


def folder_of(slug):
    return settings.DATASETS_DIR / slug


def existing_folder(classifier):
    """The classifier's dataset folder; DatasetError when there is none."""
    root = folder(classifier)
    if not root.is_dir():
        raise DatasetError(
            f"{classifier.title} has no dataset folder ({root}): create its classes in the studio "
            "first."
        )
    return root


def content_name(fingerprint):
    """The file name of an image in a dataset, made from its content."""
    return f"{fingerprint.sha256[:16]}{SUFFIXES[fingerprint.format]}"


def prediction_name(prediction):
    extension = prediction.original.name.rsplit(".", 1)[-1]
    return f"{PREDICTION_PREFIX}{prediction.pk}.{extension}"


def write_image(root, label, name, data):
    """Write an image whole into root/label/ (a classifier's dataset, or `scrape_images`'
    folder); returns its name relative to root."""
    write_whole(Path(root) / label / name, data)
    return f"{label}/{name}"


def too_large_reason():
    return f"larger than {settings.CLASSIFIER_MAX_UPLOAD_BYTES / 2**20:g} MB"


def zip_limits():
    return archives.Limits(member_bytes=settings.CLASSIFIER_MAX_UPLOAD_BYTES)


def check_class_name(name, existing):
    """The name, stripped, if it can be a new class beside existing ones; else DatasetError."""
    name = name.strip()
    if len(name) > CLASS_NAME_LENGTH or not CLASS_NAME.fullmatch(name):
        raise DatasetError(
            f"'{name}' cannot be a class name: use letters, digits, spaces, _ - and . (starting "
            f"with a letter or digit), at most {CLASS_NAME_LENGTH} characters.",
            "classes",
        )
    if name.lower() in datasets.SPLIT_FOLDERS or datasets.hidden(name):
        raise DatasetError(
            f"'{name}' cannot be a class name: train_classifier would not read a folder of that "
            "name as a class (it is a split of the dataset, or skipped).",
            "classes",
        )
    if name.lower() in {other.lower() for other in existing}:
        raise DatasetError(f"There is a class '{name}' already.", "classes")
    return name


def create_classifier(title, slug, classes, description=""):
    """A new classifier with its class folders (one is enough to start; training needs two)."""
    try:
        validate_slug(slug)
    except ValidationError:
        message = f"'{slug}' cannot be a slug: use letters, digits, - and _."
        raise DatasetError(message, "slug") from None
    if ImageClassifier.objects.filter(slug=slug).exists():
        raise DatasetError(f"There is a classifier '{slug}' already.", "slug")
    names = []
    for name in classes:
        names.append(check_class_name(name, names))
    if not names:
        raise DatasetError("Name at least one class.", "classes")
    with transaction.atomic():
        classifier = ImageClassifier.objects.create(title=title, slug=slug, description=description)
        for name in names:
            (folder(classifier) / name).mkdir(parents=True, exist_ok=True)
    return classifier


def add_class(classifier, name):
    name = check_class_name(name, class_names(classifier))
    (folder(classifier) / name).mkdir(parents=True, exist_ok=True)
    return name


def class_names(classifier):
    root = folder(classifier)
    return [path.name for path in datasets.visible_folders(root)] if root.is_dir() else []


def classes(classifier):
    """Each class folder with its image files, newest first."""
    found = []
    for name in class_names(classifier):
        entries = [
            entry
            for entry in os.scandir(folder(classifier) / name)
            if is_image_name(entry.name) and entry.is_file()
        ]
        entries.sort(key=lambda entry: (-entry.stat().st_mtime_ns, entry.name))
        found.append(ClassImages(name, [entry.name for entry in entries]))
    return found


def suggested_folds(classifier):
    """CV_FOLDS when the default test split would hold too few images to trust alone, else 0."""
    count = sum(len(found.images) for found in classes(classifier))
    return CV_FOLDS if count * datasets.TEST_FRACTION < FEW_TEST_IMAGES else 0


def is_image_name(name):
    return not datasets.hidden(name) and os.path.splitext(name)[1].lower() in datasets.EXTENSIONS


def class_folder(classifier, label):
    """The folder of an existing class; DatasetError for anything else."""
    if label not in class_names(classifier):
        raise DatasetError(f"There is no class '{label}' in {classifier.title}.", "label")
    return folder(classifier) / label


def image_path(classifier, label, name):
    """The path of an image of the class; DatasetError unless name is a plain file name there."""
    directory = class_folder(classifier, label)
    path = directory / name
    if (
        os.path.basename(name) != name
        or "\x00" in name
        or not is_image_name(name)
        or not path.is_file()
        or path.resolve().parent != directory.resolve()
    ):
        raise DatasetError(f"There is no image '{name}' in the class '{label}'.")
    return path


def thumbnail(classifier, label, name):
    """A JPEG of an image of the class, THUMBNAIL px at most; DatasetError or ImageError."""
    path = image_path(classifier, label, name)
    try:
        data = path.read_bytes()
    except OSError:
        raise DatasetError(f"The image '{name}' cannot be read any more.") from None
    return images.thumbnail_jpeg(images.read_image(data, size=THUMBNAIL), longest=THUMBNAIL)


def remove_image(classifier, label, name):
    image_path(classifier, label, name).unlink()


class Intake:
    """Checks images for one dataset, each against its images and those accepted before it."""

    def __init__(self, classifier):
        self.root = existing_folder(classifier)
        self.index, _ = hygiene.clean_folder(self.root, remove=False, cache=FINGERPRINTS)
        self.report = AddReport()

    def check(self, shown, data):
        """The image's fingerprint, or None when it was turned away (and reported as shown)."""
        if len(data) > settings.CLASSIFIER_MAX_UPLOAD_BYTES:
            self.report.reject(shown, too_large_reason())
            return None
        try:
            fingerprint = hygiene.inspect(data)
        except hygiene.Rejected as rejected:
            self.report.reject(shown, reason(rejected))
            return None
        copy = copy_of(self.index, fingerprint)
        if copy:
            self.report.reject(shown, copy)
            return None
        return fingerprint

    def accept(self, fingerprint, label, name=None):
        """Count the image in as label/name (a new name from its content by default)."""
        name = name or content_name(fingerprint)
        self.index.add(fingerprint, f"{label}/{name}")
        return name


def reason(rejected):
    """A short reason for the report: "too small: 40 x 30 pixels, under 100", "this is a text
    file, not an image" (the first sentence of an unreadable image's message)."""
    if rejected.reason == "unreadable":
        first = re.split(r"(?<=[.:]) ", rejected.detail, maxsplit=1)[0].rstrip(".:")
        return first[:1].lower() + first[1:]
    return f"{rejected.reason}: {rejected.detail}"


def copy_of(index, fingerprint):
    """ "copy of cats/a.png" or "near copy of cats/a.png" when the index holds one; else None."""
    found = index.match(fingerprint)
    if found is None:
        return None
    kind = "copy" if found.reason == "duplicate" else "near copy"
    return f"{kind} of {found.other}"


def add_images(classifier, label, files):
    """Check and store uploaded files (objects with name and read()) in the class label."""
    class_folder(classifier, label)
    intake = Intake(classifier)
    for upload in files:
        data = upload.read()
        fingerprint = intake.check(upload.name, data)
        if fingerprint:
            write_image(intake.root, label, intake.accept(fingerprint, label), data)
            intake.report.added += 1
    return intake.report


def add_zip(classifier, upload, new_classes=False):
    """Check and store the images of a zip of class folders (mlcore.storage.archives).

    Folders the dataset has no class for become classes with new_classes, else are reported.
    Everything is read and checked before anything is written: a zip refused on the way (a
    lying header) leaves the dataset as it was.
    """
    known = class_names(classifier)
    if new_classes:  # a zip may start the dataset of a classifier trained from elsewhere
        folder(classifier).mkdir(parents=True, exist_ok=True)
    with archives.ClassFolders(upload, zip_limits()) as archive:
        labels = sorted({member.label for member in archive.members} - set(known))
        if new_classes:
            for i, label in enumerate(labels):
                check_class_name(label, known + labels[:i])
        intake = Intake(classifier)
        intake.report.new_classes = labels if new_classes else []
        accepted = []
        for member in archive.members:
            if member.label in labels and not new_classes:
                continue
            fingerprint = intake.check(f"{member.label}/{member.name}", archive.read(member))
            if fingerprint:
                accepted.append((member, intake.accept(fingerprint, member.label)))
        for label in intake.report.new_classes:
            (intake.root / label).mkdir(exist_ok=True)
        for member, name in accepted:
            write_image(intake.root, member.label, name, archive.read(member))
        intake.report.added = len(accepted)
    if not new_classes:
        for label in labels:
            files = sum(member.label == label for member in archive.members)
            intake.report.reject(
                f"{label}/",
                f"no class '{label}' ({files} file{'s' if files > 1 else ''}): tick "
                "“Add new classes” to add it",
            )
    return intake.report


def dataset_label(prediction):
    """The class an image belongs to, as people said: the true label staff set, else the
    visitor's verdict. "" when nobody said, or said something the model has no class for
    ("none of these" included)."""
    if prediction.true_label:
        label = prediction.true_label
    elif prediction.feedback == Prediction.Feedback.CORRECT:
        label = prediction.label
    else:
        label = prediction.feedback_label
    return label if label in prediction.version.labels else ""


def in_dataset(classifier):
    """The ids of the predictions whose upload is in the classifier's dataset."""
    return {
        int(name.removeprefix(PREDICTION_PREFIX).split(".")[0])
        for group in classes(classifier)
        for name in group.images
        if name.startswith(PREDICTION_PREFIX)
    }


def waiting_predictions(classifier):
    """Predictions people gave a label that is one of the model's classes, whose original is
    kept and not in the dataset yet."""
    copied = in_dataset(classifier)
    labelled = (
        classifier.predictions.exclude(true_label="")
        .exclude(original="")
        .filter(image_lost=False)
        .select_related("version")
        .order_by("pk")
    )
    return [p for p in labelled if p.pk not in copied and dataset_label(p)]


def add_labelled_predictions(classifier):
    """Add the waiting predictions' originals to their classes, those that pass the checks."""
    return add_predictions(classifier, waiting_predictions(classifier))


def add_predictions(classifier, predictions):
    """Add the originals of predictions of the classifier under their dataset_label, each
    checked like any image (a copy of one already there is turned away); those without a known
    label, or whose original is gone, are reported."""
    intake = Intake(classifier)
    copied = in_dataset(classifier)
    for prediction in predictions:
        shown = f"prediction #{prediction.pk}"
        label = dataset_label(prediction)
        if prediction.pk in copied:
            intake.report.reject(shown, "already in the dataset")
            continue
        if not label:
            intake.report.reject(shown, "no label that is one of the model's classes")
            continue
        if label not in class_names(classifier):
            intake.report.reject(shown, f"the dataset has no class '{label}'")
            continue
        data = original_bytes(prediction)
        if data is None:
            intake.report.reject(shown, "its original is no longer stored")
            continue
        fingerprint = intake.check(shown, data)
        if fingerprint:
            name = intake.accept(fingerprint, label, prediction_name(prediction))
            write_image(intake.root, label, name, data)
            intake.report.added += 1
    return intake.report


def original_bytes(prediction):
    """The upload as the visitor sent it, or None when it was not kept or is lost."""
    if not prediction.original or prediction.image_lost:
        return None
    try:
        with default_storage.open(prediction.original.name) as original:
            return original.read()
    except OSError:
        return None


def remove_prediction(classifier, prediction):
    """Take a prediction's upload out of the dataset, if it is there (undoing a review)."""
    for label in class_names(classifier):
        path = folder(classifier) / label / prediction_name(prediction)
        path.unlink(missing_ok=True)


def dataset_warnings(classifier, found=None):
    """What train_classifier would warn about, from the file names and sizes alone: too few
    classes, small classes, imbalance, and exact copies (files of one size are hashed)."""
    found = classes(classifier) if found is None else found
    counts = {group.name: group.count for group in found}
    warnings = []
    with_images = sum(count > 0 for count in counts.values())
    if with_images < MIN_CLASSES:
        warnings.append(
            f"Training needs at least {MIN_CLASSES} classes with images; this dataset has "
            f"{with_images}."
        )
    warnings.extend(datasets.small_class_warnings({"all": counts}))
    if counts and min(counts.values()) > 0:
        datasets.class_weights(counts, warnings)
    warnings.extend(copy_warnings(folder(classifier), found))
    return warnings


def copy_warnings(root, found):
    """Files with the same content: only files of the same size are read and hashed."""
    by_size = defaultdict(list)
    for group in found:
        for name in group.images:
            path = root / group.name / name
            try:
                by_size[path.stat().st_size].append(path)
            except OSError:
                continue
    by_hash = defaultdict(list)
    for paths in by_size.values():
        if len(paths) > 1:
            for path in paths:
                try:
                    by_hash[hashlib.sha256(path.read_bytes()).hexdigest()].append(path)
                except OSError:
                    continue
    warnings = []
    for paths in by_hash.values():
        if len(paths) < 2:
            continue
        names = ", ".join(path.relative_to(root).as_posix() for path in sorted(paths))
        if len({path.parent.name for path in paths}) > 1:
            warnings.append(
                f"The same image is in several classes ({names}): train_classifier leaves out "
                "every copy. Remove the wrong ones."
            )
        else:
            warnings.append(f"Copies of one image ({names}): train_classifier keeps one.")
    return warnings
