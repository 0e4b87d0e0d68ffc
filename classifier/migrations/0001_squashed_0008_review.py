"""The classifier app's tables as migrations 0001 to 0008 left them, in one step.

Databases that applied the old migrations are recognised through `replaces`. The old chain's data
steps (active versions, feedback counters, review margins) and its dropping of the single-column
indexes on classifier, version, created and label have nothing to do on a new database: the
foreign keys are created without an index and the composite indexes of Prediction's Meta take
their place. Columns stand in the order the old chain left them on SQLite.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("classifier", "0001_initial"),
        ("classifier", "0002_prediction"),
        ("classifier", "0003_prediction_image_lost"),
        ("classifier", "0004_modelversion_cross_validation"),
        ("classifier", "0005_version_lifecycle"),
        ("classifier", "0006_history_at_scale"),
        ("classifier", "0007_example_images"),
        ("classifier", "0008_review"),
    ]

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ImageClassifier",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("slug", models.SlugField(unique=True)),
                ("title", models.CharField(max_length=120)),
                ("description", models.TextField(blank=True)),
                ("unsure_threshold", models.FloatField(default=0.5, help_text="Below this top probability the site says it is not sure.")),
                ("created", models.DateTimeField(auto_now_add=True)),
                ("review_adds_to_dataset", models.BooleanField(db_default=True, default=True, help_text="A label given in the review queue also adds the upload to the dataset.", verbose_name="add reviewed uploads to the dataset")),
            ],
            options={"ordering": ["title"]},
        ),
        migrations.CreateModel(
            name="ModelVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveIntegerField()),
                ("backbone", models.CharField(max_length=40)),
                ("input_size", models.PositiveIntegerField()),
                ("labels", models.JSONField()),
                ("metrics", models.JSONField(default=dict)),
                ("dataset_summary", models.JSONField(default=dict)),
                ("training_seconds", models.FloatField()),
                ("created", models.DateTimeField(auto_now_add=True)),
                ("classifier", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="versions", to="classifier.imageclassifier")),
                ("cross_validation", models.JSONField(blank=True, default=dict, help_text="Mean and standard deviation of the test figures over K folds (train --cv K).")),
                ("active", models.BooleanField(default=False)),
                ("activated", models.DateTimeField(blank=True, help_text="When it last became the active version.", null=True)),
                ("directory", models.CharField(help_text="Relative to the models directory.", max_length=255)),
                ("feedback_count", models.PositiveIntegerField(db_default=0, default=0, help_text="Predictions of this version with a visitor's verdict.")),
                ("feedback_right", models.PositiveIntegerField(db_default=0, default=0, help_text="Of those, the ones visitors said were right.")),
            ],
            options={
                "ordering": ["classifier", "-number"],
                "constraints": [
                    models.UniqueConstraint(fields=("classifier", "number"), name="unique_version_number"),
                    models.UniqueConstraint(condition=models.Q(("active", True)), fields=("classifier",), name="one_active_version"),
                ],
            },
        ),
        migrations.CreateModel(
            name="Prediction",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created", models.DateTimeField(auto_now_add=True)),
                ("thumbnail", models.FileField(max_length=200, upload_to="")),
                ("activation", models.JSONField(default=dict, help_text="The class activation map of the top class, and how to lay it out.")),
                ("original", models.FileField(blank=True, max_length=200, upload_to="")),
                ("sha256", models.CharField(db_index=True, max_length=64, verbose_name="content hash")),
                ("size_bytes", models.PositiveIntegerField()),
                ("probabilities", models.JSONField(help_text="Every class and its probability.")),
                ("label", models.CharField(max_length=100)),
                ("probability", models.FloatField()),
                ("unsure", models.BooleanField()),
                ("latency_ms", models.FloatField()),
                ("client", models.CharField(blank=True, help_text="A keyed hash of the client address.", max_length=64)),
                ("feedback", models.CharField(blank=True, choices=[("", "No feedback"), ("correct", "Right"), ("wrong", "Wrong")], default="", max_length=10)),
                ("feedback_label", models.CharField(blank=True, max_length=100, verbose_name="visitor's label")),
                ("true_label", models.CharField(blank=True, help_text="A class of the model, or “(none of these)”.", max_length=100)),
                ("reviewed", models.BooleanField(default=False)),
                ("classifier", models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="predictions", to="classifier.imageclassifier")),
                ("version", models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="predictions", to="classifier.modelversion")),
                ("image_lost", models.BooleanField(db_default=False, default=False, help_text="A file of this upload went missing from storage (found by check_predictions).")),
                ("margin", models.FloatField(editable=False, help_text="The top probability minus the second one.", null=True)),
                ("reviewed_at", models.DateTimeField(blank=True, editable=False, null=True)),
                ("reviewed_by", models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "ordering": ["-created"],
                "indexes": [
                    models.Index(fields=["created", "id"], name="prediction_all_created"),
                    models.Index(fields=["classifier", "created", "id"], name="prediction_classifier_created"),
                    models.Index(fields=["version", "created", "id"], name="prediction_version_created"),
                    models.Index(fields=["label", "created", "id"], name="prediction_label_created"),
                    models.Index(fields=["unsure", "created", "id"], name="prediction_unsure_created"),
                    models.Index(fields=["feedback", "created", "id"], name="prediction_feedback_created"),
                    models.Index(fields=["reviewed", "created", "id"], name="prediction_reviewed_created"),
                    models.Index(fields=["image_lost", "created", "id"], name="prediction_lost_created"),
                    models.Index(fields=["classifier", "reviewed", "margin"], name="prediction_review"),
                    models.Index(fields=["feedback_label"], name="prediction_feedback_label"),
                    models.Index(fields=["true_label"], name="prediction_true_label"),
                ],
            },
        ),
        migrations.CreateModel(
            name="ExampleImage",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("image", models.FileField(max_length=200, upload_to="")),
                ("thumbnail", models.FileField(max_length=200, upload_to="")),
                ("label", models.CharField(max_length=100, verbose_name="true class")),
                ("position", models.PositiveIntegerField(default=0)),
                ("classifier", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="examples", to="classifier.imageclassifier")),
            ],
            options={"ordering": ["classifier", "position", "pk"]},
        ),
    ]
