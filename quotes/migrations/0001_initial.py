from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Quote",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("text", models.TextField()),
                ("author", models.CharField(max_length=200)),
                ("provider", models.CharField(db_index=True, max_length=40)),
                ("fetched_at", models.DateTimeField(db_index=True)),
            ],
            options={
                "ordering": ["-fetched_at"],
                "constraints": [models.UniqueConstraint(fields=("text", "author"), name="unique_quote_text_author")],
            },
        ),
    ]
