"""The studio's tables as migrations 0001 and 0002 left them, in one step (databases that applied
those are recognised through `replaces`)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("studio", "0001_initial"),
        ("studio", "0002_trainingjob_overall"),
    ]

    dependencies = [
        ("classifier", "0001_squashed_0008_review"),
    ]

    operations = [
        migrations.CreateModel(
            name="CollectionJob",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("label", models.CharField(max_length=100)),
                ("queries", models.JSONField(help_text="The searches, one per entry.")),
                ("count", models.PositiveIntegerField(help_text="Images the class should have.")),
                ("status", models.CharField(choices=[("queued", "Waiting for a worker"), ("running", "Collecting"), ("succeeded", "Done"), ("failed", "Failed")], default="queued", max_length=10)),
                ("task_id", models.CharField(blank=True, max_length=64)),
                ("log", models.TextField(blank=True, help_text="What the collection said, or why it failed.")),
                ("created", models.DateTimeField(auto_now_add=True)),
                ("finished", models.DateTimeField(blank=True, null=True)),
                ("classifier", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="collections", to="classifier.imageclassifier")),
            ],
            options={"ordering": ["-created"]},
        ),
        migrations.CreateModel(
            name="TrainingJob",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("options", models.JSONField(help_text="The training options, as train_classifier takes them.")),
                ("status", models.CharField(choices=[("queued", "Waiting for a worker"), ("running", "Training"), ("succeeded", "Trained"), ("failed", "Failed"), ("cancelled", "Cancelled")], default="queued", max_length=10)),
                ("task_id", models.CharField(blank=True, help_text="The task queue's id.", max_length=64)),
                ("worker", models.CharField(blank=True, help_text="host:pid of the process running the job.", max_length=255)),
                ("stage", models.CharField(blank=True, max_length=100)),
                ("done", models.PositiveIntegerField(default=0)),
                ("total", models.PositiveIntegerField(default=0)),
                ("history", models.JSONField(default=list, help_text="One entry per epoch: its phase and figures (loss, accuracy, ...).")),
                ("log", models.TextField(blank=True)),
                ("cancel_requested", models.BooleanField(default=False)),
                ("comparison", models.JSONField(blank=True, default=dict, help_text="The new version against the active one.")),
                ("created", models.DateTimeField(auto_now_add=True)),
                ("started", models.DateTimeField(blank=True, null=True)),
                ("heartbeat", models.DateTimeField(blank=True, null=True)),
                ("finished", models.DateTimeField(blank=True, null=True)),
                ("requested_by", models.CharField(blank=True, max_length=150)),
                ("classifier", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="jobs", to="classifier.imageclassifier")),
                ("version", models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="job", to="classifier.modelversion")),
                ("overall", models.FloatField(default=0, help_text="Estimated share of the whole training done.")),
            ],
            options={
                "ordering": ["-created"],
                "indexes": [models.Index(fields=["status", "created"], name="studio_trai_status_6c7720_idx")],
            },
        ),
    ]
