"""Model versions: one lifecycle for every app that trains models.

A version is a row and a directory under MODELS_DIR. `record` numbers a new version one above
its owner's last, names its fully written directory (mlcore.storage.model_dirs) and saves its row in
one transaction: a version is on disk and in the database together, or not at all. Of one owner's
versions at most one is active (a constraint in each concrete model); `activate` switches in
one transaction, and `roll_back` returns to the version that was active before.

The owner is what the versions belong to: a classifier's versions are numbered, activated and
rolled back apart from another classifier's; the name generator's versions have no owner.
"""

import shutil
import uuid

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from heroproject import stamps
from mlcore.storage import model_dirs


class ModelVersion(models.Model):
    number = models.PositiveIntegerField()
    directory = models.CharField(max_length=255, help_text="Relative to the models directory.")
    active = models.BooleanField(default=False)
    activated = models.DateTimeField(
        null=True, blank=True, help_text="When it last became the active version."
    )
    metrics = models.JSONField(default=dict)
    training_seconds = models.FloatField()
    created = models.DateTimeField(auto_now_add=True)

    owner_field = None  # the foreign key to the versions' owner; None: the versions have none

    class Meta:
        abstract = True

    @property
    def path(self):
        return settings.MODELS_DIR / self.directory

    @classmethod
    def of(cls, owner=None):
        """The versions of one owner."""
        versions = cls.objects.all()
        return versions.filter(**{cls.owner_field: owner}) if cls.owner_field else versions

    def siblings(self):
        """This version and the other versions of its owner."""
        if self.owner_field is None:
            return type(self).objects.all()
        field = f"{self.owner_field}_id"
        return type(self).objects.filter(**{field: getattr(self, field)})


def next_number(version_class, owner=None):
    last = version_class.of(owner).aggregate(models.Max("number"))["number__max"]
    return (last or 0) + 1


def record(version_class, folder, write, owner=None, activate=True, **fields):
    """Write a version's files with write(directory) and record it; returns the version.

    folder is where the owner's versions live, relative to MODELS_DIR; the version's directory
    is folder/v<number>, or v<number>-<random> when files no row names already hold that name
    (left by a crash, or by another database): those are never touched. The files are written
    before the transaction (it can take a while) and named inside it, so numbering and naming
    cannot race another recording.
    """
    parent = settings.MODELS_DIR / folder
    staged = model_dirs.stage(parent, write)
    published = None
    try:
        with transaction.atomic():
            number = next_number(version_class, owner)
            owned = {version_class.owner_field: owner} if version_class.owner_field else {}
            name = f"v{number}"
            if (parent / name).exists():
                name = f"{name}-{uuid.uuid4().hex[:8]}"
            version = version_class.objects.create(
                number=number, directory=f"{folder}/{name}", **owned, **fields
            )
            published = model_dirs.publish(staged, version.path)
            if activate:
                make_active(version)
    except BaseException:
        shutil.rmtree(published or staged, ignore_errors=True)
        raise
    return version


def make_active(version):
    """Make version the one its owner serves; the one active before stops being active. Once
    committed, the stamp tells every web worker to read the active version again."""
    with transaction.atomic():
        version.siblings().filter(active=True).exclude(pk=version.pk).update(active=False)
        now = timezone.now()
        type(version).objects.filter(pk=version.pk).update(active=True, activated=now)
        stamps.touch_after_commit()
    version.active, version.activated = True, now


def roll_back(version):
    """Make active again the version of version's owner that was active before it; returns
    that version, or None when none was (version stays as it is)."""
    previous = (
        version.siblings()
        .exclude(pk=version.pk)
        .filter(activated__isnull=False)
        .order_by("-activated")
        .first()
    )
    if previous is not None:
        make_active(previous)
    return previous
