"""One lifecycle for the versions of every app (heroproject.versions): numbered per owner,
files and row recorded together or not at all, one active version per owner, rolled back."""

import pytest
from django.db import IntegrityError, transaction

from classifier.models import ImageClassifier, ModelVersion
from heroproject import versions
from namegen.models import NameModelVersion

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def models_dir(settings, tmp_path):
    settings.MODELS_DIR = tmp_path / "models"
    return settings.MODELS_DIR


NAME_FIELDS = {"units": 8, "train_size": 10, "val_nll": 2.5, "bigram_val_nll": 2.7}
CLASSIFIER_FIELDS = {"backbone": "scratch", "input_size": 32, "labels": ["a", "b"]}


def write_weights(folder):
    (folder / "weights.txt").write_text("weights")


def record_names(**options):
    return versions.record(
        NameModelVersion, "namegen", write_weights, training_seconds=1, **NAME_FIELDS, **options
    )


def record_classifier(classifier, **options):
    return versions.record(
        ModelVersion,
        f"classifiers/{classifier.slug}",
        write_weights,
        owner=classifier,
        training_seconds=1,
        **CLASSIFIER_FIELDS,
        **options,
    )


def test_versions_are_numbered_per_owner_and_saved_with_their_files(settings):
    cats = ImageClassifier.objects.create(slug="cats", title="Cats")
    dogs = ImageClassifier.objects.create(slug="dogs", title="Dogs")
    numbers = [record_classifier(c).number for c in (cats, cats, dogs, cats)]
    assert numbers == [1, 2, 1, 3]
    third = ModelVersion.objects.get(classifier=cats, number=3)
    assert third.directory == "classifiers/cats/v3"
    assert (settings.MODELS_DIR / "classifiers/cats/v3/weights.txt").read_text() == "weights"
    assert [record_names().number for _ in range(2)] == [1, 2]
    assert sorted(p.name for p in (settings.MODELS_DIR / "namegen").iterdir()) == ["v1", "v2"]


def test_the_newest_version_is_active_unless_asked_not_to_be():
    first = record_names()
    second = record_names(activate=False)
    assert (first.active, second.active) == (True, False)
    third = record_names()
    assert list(NameModelVersion.objects.filter(active=True)) == [third]
    assert third.activated is not None


def test_each_owner_has_its_own_active_version():
    cats = ImageClassifier.objects.create(slug="cats", title="Cats")
    dogs = ImageClassifier.objects.create(slug="dogs", title="Dogs")
    cat, dog = record_classifier(cats), record_classifier(dogs)
    record_classifier(cats)
    assert ModelVersion.objects.get(pk=dog.pk).active
    assert not ModelVersion.objects.get(pk=cat.pk).active


def test_the_database_refuses_two_active_versions_of_one_owner():
    cats = ImageClassifier.objects.create(slug="cats", title="Cats")
    first, second = record_classifier(cats), record_classifier(cats, activate=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        ModelVersion.objects.filter(pk=second.pk).update(active=True)
    assert ModelVersion.objects.get(active=True) == first


def test_files_no_row_names_are_never_replaced(models_dir):
    (models_dir / "namegen" / "v1").mkdir(parents=True)
    (models_dir / "namegen" / "v1" / "left.txt").write_text("left by a crash")
    version = record_names()
    assert version.number == 1 and version.directory.startswith("namegen/v1-")
    assert (version.path / "weights.txt").exists()
    assert (models_dir / "namegen" / "v1" / "left.txt").read_text() == "left by a crash"


def test_a_failure_while_writing_files_records_nothing(settings):
    def fail(folder):
        (folder / "half.txt").write_text("half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        versions.record(NameModelVersion, "namegen", fail, training_seconds=1, **NAME_FIELDS)
    assert not NameModelVersion.objects.exists()
    assert list((settings.MODELS_DIR / "namegen").iterdir()) == []


def test_a_failure_while_recording_leaves_no_files(settings):
    record_names()
    with pytest.raises(IntegrityError):
        # units is required: the row cannot be saved after the files are named.
        versions.record(NameModelVersion, "namegen", write_weights, units=None, training_seconds=1)
    assert NameModelVersion.objects.count() == 1
    assert sorted(p.name for p in (settings.MODELS_DIR / "namegen").iterdir()) == ["v1"]


def test_roll_back_returns_to_the_version_active_before():
    first, second, third = record_names(), record_names(), record_names()
    assert versions.roll_back(third) == second
    assert NameModelVersion.objects.get(active=True) == second
    versions.make_active(first)
    assert versions.roll_back(first) == second


def test_roll_back_without_an_earlier_activation_changes_nothing():
    only = record_names()
    assert versions.roll_back(only) is None
    assert NameModelVersion.objects.get(active=True) == only
