"""The review queue: who labelled a prediction and when, each prediction's margin (its order in
the queue, filled in for the rows already there), and whether a classifier's reviews grow its
dataset."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

BATCH = 2000


def fill_margins(apps, schema_editor):
    Prediction = apps.get_model("classifier", "Prediction")
    last = 0
    while True:
        rows = list(
            Prediction.objects.filter(pk__gt=last, margin=None)
            .order_by("pk")
            .only("pk", "probabilities")[:BATCH]
        )
        if not rows:
            return
        for row in rows:
            top = sorted(row.probabilities.values(), reverse=True)[:2]
            row.margin = round(top[0] - (top[1] if len(top) > 1 else 0.0), 6) if top else 0.0
        Prediction.objects.bulk_update(rows, ["margin"])
        last = rows[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("classifier", "0007_example_images"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="imageclassifier",
            name="review_adds_to_dataset",
            field=models.BooleanField(
                db_default=True,
                default=True,
                help_text="A label given in the review queue also adds the upload to the dataset.",
                verbose_name="add reviewed uploads to the dataset",
            ),
        ),
        migrations.AddField(
            model_name="prediction",
            name="margin",
            field=models.FloatField(
                editable=False, help_text="The top probability minus the second one.", null=True
            ),
        ),
        migrations.AddField(
            model_name="prediction",
            name="reviewed_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="prediction",
            name="reviewed_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="prediction",
            name="true_label",
            field=models.CharField(
                blank=True, help_text="A class of the model, or “(none of these)”.", max_length=100
            ),
        ),
        migrations.AddIndex(
            model_name="prediction",
            index=models.Index(
                fields=["classifier", "reviewed", "margin"], name="prediction_review"
            ),
        ),
        migrations.RunPython(fill_margins, migrations.RunPython.noop),
    ]
