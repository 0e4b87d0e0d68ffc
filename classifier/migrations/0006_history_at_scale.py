"""History at scale: feedback counters per version, and indexes for the admin's list.

The single-column indexes on classifier, version, created and label become the first columns of
composite indexes (column, created, id) that also give each filtered list its order; they are
dropped by name, not by altering the fields (SQLite would copy the whole table to do that).
"""

import django.db.models.deletion
from django.db import migrations, models

REPLACED = ["classifier_id", "version_id", "created", "label"]


def drop_single_column_indexes(apps, schema_editor):
    """Drop the indexes (and PostgreSQL's `_like` twins) on exactly one of REPLACED."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "classifier_prediction")
    for name, info in constraints.items():
        if (
            info["index"]
            and not info["unique"]
            and not info["primary_key"]
            and not info["foreign_key"]
            and len(info["columns"]) == 1
            and info["columns"][0] in REPLACED
        ):
            schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")


def count_feedback(apps, schema_editor):
    """The counters of every version, counted from its predictions once."""
    ModelVersion = apps.get_model("classifier", "ModelVersion")
    Prediction = apps.get_model("classifier", "Prediction")
    rows = (
        Prediction.objects.exclude(feedback="")
        .values("version")
        .annotate(
            count=models.Count("id"), right=models.Count("id", filter=models.Q(feedback="correct"))
        )
        .order_by()
    )
    for row in rows:
        ModelVersion.objects.filter(pk=row["version"]).update(
            feedback_count=row["count"], feedback_right=row["right"]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("classifier", "0005_version_lifecycle"),
    ]

    operations = [
        migrations.AddField(
            model_name="modelversion",
            name="feedback_count",
            field=models.PositiveIntegerField(
                db_default=0,
                default=0,
                help_text="Predictions of this version with a visitor's verdict.",
            ),
        ),
        migrations.AddField(
            model_name="modelversion",
            name="feedback_right",
            field=models.PositiveIntegerField(
                db_default=0, default=0, help_text="Of those, the ones visitors said were right."
            ),
        ),
        migrations.RunPython(count_feedback, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="prediction",
            index=models.Index(fields=["created", "id"], name="prediction_all_created"),
        ),
        migrations.AddIndex(
            model_name="prediction",
            index=models.Index(
                fields=["classifier", "created", "id"], name="prediction_classifier_created"
            ),
        ),
        migrations.AddIndex(
            model_name="prediction",
            index=models.Index(
                fields=["version", "created", "id"], name="prediction_version_created"
            ),
        ),
        migrations.AddIndex(
            model_name="prediction",
            index=models.Index(fields=["label", "created", "id"], name="prediction_label_created"),
        ),
        migrations.AddIndex(
            model_name="prediction",
            index=models.Index(
                fields=["unsure", "created", "id"], name="prediction_unsure_created"
            ),
        ),
        migrations.AddIndex(
            model_name="prediction",
            index=models.Index(
                fields=["feedback", "created", "id"], name="prediction_feedback_created"
            ),
        ),
        migrations.AddIndex(
            model_name="prediction",
            index=models.Index(
                fields=["reviewed", "created", "id"], name="prediction_reviewed_created"
            ),
        ),
        migrations.AddIndex(
            model_name="prediction",
            index=models.Index(
                fields=["image_lost", "created", "id"], name="prediction_lost_created"
            ),
        ),
        migrations.AddIndex(
            model_name="prediction",
            index=models.Index(fields=["feedback_label"], name="prediction_feedback_label"),
        ),
        migrations.AddIndex(
            model_name="prediction",
            index=models.Index(fields=["true_label"], name="prediction_true_label"),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="prediction",
                    name="classifier",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="predictions",
                        to="classifier.imageclassifier",
                    ),
                ),
                migrations.AlterField(
                    model_name="prediction",
                    name="created",
                    field=models.DateTimeField(auto_now_add=True),
                ),
                migrations.AlterField(
                    model_name="prediction",
                    name="label",
                    field=models.CharField(max_length=100),
                ),
                migrations.AlterField(
                    model_name="prediction",
                    name="version",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="predictions",
                        to="classifier.modelversion",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunPython(drop_single_column_indexes, migrations.RunPython.noop),
            ],
        ),
    ]
