from django.db import migrations, models


def date_activations(apps, schema_editor):
    NameModelVersion = apps.get_model("namegen", "NameModelVersion")
    for version in NameModelVersion.objects.filter(active=True):
        version.activated = version.created
        version.save(update_fields=["activated"])


class Migration(migrations.Migration):
    """The one lifecycle of heroproject.versions: activations are dated (for rolling back)."""

    dependencies = [
        ("namegen", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="namemodelversion",
            name="activated",
            field=models.DateTimeField(
                blank=True, help_text="When it last became the active version.", null=True
            ),
        ),
        migrations.RunPython(date_activations, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="namemodelversion",
            name="number",
            field=models.PositiveIntegerField(),
        ),
        migrations.AddConstraint(
            model_name="namemodelversion",
            constraint=models.UniqueConstraint(fields=("number",), name="unique_name_model_number"),
        ),
    ]
