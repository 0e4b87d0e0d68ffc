"""The name generator's table as migrations 0001 and 0002 left it, in one step (databases that
applied those are recognised through `replaces`; 0002's dating of activations has nothing to do
on a new database)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("namegen", "0001_initial"),
        ("namegen", "0002_version_lifecycle"),
    ]

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="NameModelVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveIntegerField()),
                ("directory", models.CharField(help_text="Relative to the models directory.", max_length=255)),
                ("created", models.DateTimeField(auto_now_add=True)),
                ("active", models.BooleanField(default=False)),
                ("units", models.PositiveIntegerField()),
                ("train_size", models.PositiveIntegerField()),
                ("val_nll", models.FloatField(verbose_name="validation NLL (nats/char)")),
                ("bigram_val_nll", models.FloatField(verbose_name="bigram baseline NLL (nats/char)")),
                ("training_seconds", models.FloatField()),
                ("metrics", models.JSONField(default=dict)),
                ("activated", models.DateTimeField(blank=True, help_text="When it last became the active version.", null=True)),
            ],
            options={
                "ordering": ["-number"],
                "constraints": [
                    models.UniqueConstraint(condition=models.Q(("active", True)), fields=("active",), name="one_active_name_model"),
                    models.UniqueConstraint(fields=("number",), name="unique_name_model_number"),
                ],
            },
        ),
    ]
