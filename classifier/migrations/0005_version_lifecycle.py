from django.db import migrations, models


def mark_active_versions(apps, schema_editor):
    ImageClassifier = apps.get_model("classifier", "ImageClassifier")
    ModelVersion = apps.get_model("classifier", "ModelVersion")
    for classifier in ImageClassifier.objects.exclude(active_version=None):
        ModelVersion.objects.filter(pk=classifier.active_version_id).update(
            active=True, activated=classifier.created
        )


def restore_active_versions(apps, schema_editor):
    ImageClassifier = apps.get_model("classifier", "ImageClassifier")
    ModelVersion = apps.get_model("classifier", "ModelVersion")
    for version in ModelVersion.objects.filter(active=True):
        ImageClassifier.objects.filter(pk=version.classifier_id).update(active_version=version)


class Migration(migrations.Migration):
    """Versions keep the one lifecycle of heroproject.versions: an `active` flag (at most one
    per classifier) instead of the classifier's foreign key, `directory` like the name models."""

    dependencies = [
        ("classifier", "0004_modelversion_cross_validation"),
    ]

    operations = [
        migrations.AddField(
            model_name="modelversion",
            name="active",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="modelversion",
            name="activated",
            field=models.DateTimeField(
                blank=True, help_text="When it last became the active version.", null=True
            ),
        ),
        migrations.RunPython(mark_active_versions, restore_active_versions),
        migrations.RemoveField(model_name="imageclassifier", name="active_version"),
        migrations.RenameField(
            model_name="modelversion", old_name="artifact_path", new_name="directory"
        ),
        migrations.AddConstraint(
            model_name="modelversion",
            constraint=models.UniqueConstraint(
                condition=models.Q(("active", True)),
                fields=("classifier",),
                name="one_active_version",
            ),
        ),
    ]
