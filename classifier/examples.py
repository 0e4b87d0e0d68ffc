"""Example images visitors classify with one click: copies of a version's test images, stored
with a thumbnail so that they stay when the dataset changes."""

import json
from itertools import zip_longest
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from mlcore.storage.model_files import MANIFEST
from mlcore.vision import images

from .models import ExampleImage

PER_CLASS = 1
MOST = 8


def test_images(version):
    """[(label, path)] of the version's test split, as its manifest recorded them, in order."""
    manifest = json.loads((version.path / MANIFEST).read_text(encoding="utf-8"))
    root = Path(manifest["root"])
    return [
        (entry["label"], root / entry["path"])
        for entry in manifest["files"]
        if entry["split"] == "test"
    ]


def candidates(version, per_class=PER_CLASS, most=MOST):
    """Up to `most` readable test images, `per_class` of each class taken in turn, so that a
    few examples cover as many classes as they can."""
    by_label = {}
    for label, path in test_images(version):
        if path.is_file() and len(by_label.setdefault(label, [])) < per_class:
            by_label[label].append(path)
    turns = zip_longest(*by_label.values())
    chosen = [path for turn in turns for path in turn if path is not None][:most]
    labels = {path: label for label, paths in by_label.items() for path in paths}
    return [(labels[path], path) for path in chosen]


def store(classifier, label, data, position):
    """One example from an image's bytes; raises images.ImageError for a file that is not one."""
    image = images.read_image(data)
    digest = images.sha256(data)
    folder = f"examples/{classifier.slug}"
    return ExampleImage(
        classifier=classifier,
        label=label,
        position=position,
        image=default_storage.save(f"{folder}/{digest}", ContentFile(data)),
        thumbnail=default_storage.save(
            f"{folder}/{digest}-thumbnail.jpg", ContentFile(images.thumbnail_jpeg(image, 160))
        ),
    )


def pick(classifier, per_class=PER_CLASS, most=MOST):
    """Replace the classifier's examples with test images of its active version; returns them."""
    version = classifier.versions.get(active=True)
    examples = [
        store(classifier, label, path.read_bytes(), position)
        for position, (label, path) in enumerate(candidates(version, per_class, most))
    ]
    with transaction.atomic():
        replace(classifier, examples)
    return examples


def replace(classifier, examples):
    old = list(classifier.examples.all())
    ExampleImage.objects.filter(pk__in=[example.pk for example in old]).delete()
    ExampleImage.objects.bulk_create(examples)
    transaction.on_commit(lambda: delete_files(old))


def delete_files(examples):
    for example in examples:
        for name in (example.image.name, example.thumbnail.name):
            default_storage.delete(name)


def example_bytes(example):
    with default_storage.open(example.image.name) as file:
        return file.read()
