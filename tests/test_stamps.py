"""What a worker keeps from the database between requests (heroproject.stamps): kept while the
stamp keeps its value, read again after a touch, after max_age, and never kept from inside a
transaction or while the stamp cannot be read."""

import logging
import time

import pytest
from django.db import transaction

from classifier.models import ImageClassifier
from heroproject import stamps
from heroproject.stamps import StampedCache


@pytest.fixture(autouse=True)
def models_dir(settings, tmp_path):
    settings.MODELS_DIR = tmp_path / "models"
    return settings.MODELS_DIR


class Titles:
    """Reads a classifier's title from the database, counting the reads."""

    def __init__(self):
        self.reads = 0

    def __call__(self, slug):
        self.reads += 1
        return ImageClassifier.objects.filter(slug=slug).values_list("title", flat=True).first()


@pytest.fixture
def titles(transactional_db):
    ImageClassifier.objects.create(slug="shapes", title="Shapes")
    return Titles()


def test_kept_until_the_stamp_is_touched(titles):
    cache = StampedCache(titles)
    assert cache.get("shapes") == "Shapes" and titles.reads == 1
    ImageClassifier.objects.filter(slug="shapes").update(title="Forms")  # no touch
    assert cache.get("shapes") == "Shapes" and titles.reads == 1
    stamps.touch()
    assert cache.get("shapes") == "Forms" and titles.reads == 2
    assert cache.get("shapes") == "Forms" and titles.reads == 2


def test_a_save_touches_the_stamp_once_committed_and_a_rollback_never(titles):
    cache = StampedCache(titles)
    cache.get("shapes")
    classifier = ImageClassifier.objects.get(slug="shapes")
    before = stamps.read()
    with transaction.atomic():
        classifier.title = "Forms"
        classifier.save()
        assert stamps.read() == before
    assert stamps.read() != before
    assert cache.get("shapes") == "Forms"

    touched = stamps.read()
    with pytest.raises(RuntimeError), transaction.atomic():
        classifier.title = "Rolled back"
        classifier.save()
        raise RuntimeError
    assert stamps.read() == touched


def test_read_again_after_max_age_whatever_the_stamp_says(titles):
    cache = StampedCache(titles, max_age=0.2)
    cache.get("shapes")
    ImageClassifier.objects.filter(slug="shapes").update(title="Forms")  # no touch
    assert cache.get("shapes") == "Shapes"
    time.sleep(0.25)
    assert cache.get("shapes") == "Forms" and titles.reads == 2


def test_nothing_found_and_reads_inside_a_transaction_are_not_kept(titles):
    cache = StampedCache(titles)
    assert cache.get("heroes") is None and cache.get("heroes") is None
    assert titles.reads == 2
    with transaction.atomic():
        cache.get("shapes")
    cache.get("shapes")
    assert titles.reads == 4


def test_an_unreadable_stamp_keeps_nothing(titles, models_dir):
    stamps.path().unlink()  # touched when the classifier was created
    stamps.path().mkdir()  # a folder where the file should be
    cache = StampedCache(titles)
    cache.get("shapes")
    cache.get("shapes")
    assert titles.reads == 2


def test_a_failed_touch_is_logged_not_raised(models_dir, caplog):
    models_dir.parent.mkdir(parents=True, exist_ok=True)
    models_dir.write_text("a file where the folder should be")
    with caplog.at_level(logging.ERROR, logger="heroproject.stamps"):
        stamps.touch()
    assert "Could not touch" in caplog.text
    assert list(models_dir.parent.iterdir()) == [models_dir]  # no temporary file left
