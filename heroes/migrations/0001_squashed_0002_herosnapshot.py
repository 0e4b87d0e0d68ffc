"""The heroes app's tables as migrations 0001 and 0002 left them, in one step (databases that
applied those are recognised through `replaces`)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("heroes", "0001_initial"),
        ("heroes", "0002_herosnapshot"),
    ]

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Clustering",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("method", models.CharField(max_length=40)),
                ("k", models.PositiveIntegerField(verbose_name="clusters (without the group of heroes with no powers)")),
                ("criterion", models.CharField(max_length=40)),
                ("criterion_value", models.FloatField()),
                ("stability_by_k", models.JSONField(default=dict)),
                ("silhouette", models.FloatField(verbose_name="silhouette (Jaccard distance)")),
                ("baseline_silhouette", models.FloatField(verbose_name="silhouette on shuffled powers")),
                ("seed", models.IntegerField(default=0)),
                ("placement", models.JSONField(help_text="the embedding and centres that place a new hero")),
                ("source", models.CharField(max_length=500)),
                ("hero_count", models.PositiveIntegerField()),
                ("power_count", models.PositiveIntegerField()),
                ("notes", models.JSONField(blank=True, default=list)),
                ("fit_seconds", models.FloatField(default=0)),
                ("created", models.DateTimeField(auto_now_add=True)),
            ],
            options={"verbose_name": "clustering", "ordering": ["-created"]},
        ),
        migrations.CreateModel(
            name="Power",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=200, unique=True)),
                ("slug", models.SlugField(max_length=200, unique=True)),
                ("column", models.PositiveIntegerField(help_text="its place in the clustering's power order")),
                ("hero_count", models.PositiveIntegerField(default=0)),
            ],
            options={"ordering": ["name"]},
        ),
        migrations.CreateModel(
            name="Cluster",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveIntegerField()),
                ("name", models.CharField(max_length=300)),
                ("size", models.PositiveIntegerField()),
                ("no_powers", models.BooleanField(default=False)),
                ("top_powers", models.JSONField(default=list)),
                ("publishers", models.JSONField(default=list)),
                ("alignments", models.JSONField(default=list)),
                ("colour", models.PositiveIntegerField(default=0)),
                ("clustering", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="clusters", to="heroes.clustering")),
            ],
            options={
                "ordering": ["number"],
                "constraints": [models.UniqueConstraint(fields=("clustering", "number"), name="unique_cluster_number")],
            },
        ),
        migrations.CreateModel(
            name="Hero",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=200)),
                ("slug", models.SlugField(max_length=220, unique=True)),
                ("search_key", models.CharField(db_index=True, max_length=200)),
                ("power_count", models.PositiveIntegerField(default=0)),
                ("x", models.FloatField()),
                ("y", models.FloatField()),
                ("has_details", models.BooleanField(default=False)),
                ("publisher", models.CharField(blank=True, max_length=200)),
                ("alignment", models.CharField(blank=True, max_length=40)),
                ("gender", models.CharField(blank=True, max_length=40)),
                ("race", models.CharField(blank=True, max_length=200)),
                ("eye_color", models.CharField(blank=True, max_length=100)),
                ("hair_color", models.CharField(blank=True, max_length=100)),
                ("skin_color", models.CharField(blank=True, max_length=100)),
                ("height_cm", models.FloatField(blank=True, null=True)),
                ("weight_kg", models.FloatField(blank=True, null=True)),
                ("cluster", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="heroes", to="heroes.cluster")),
                ("powers", models.ManyToManyField(blank=True, related_name="heroes", to="heroes.power")),
            ],
            options={"verbose_name_plural": "heroes", "ordering": ["name"]},
        ),
        migrations.CreateModel(
            name="Neighbour",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("rank", models.PositiveSmallIntegerField()),
                ("similarity", models.FloatField()),
                ("hero", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="neighbours", to="heroes.hero")),
                ("other", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="heroes.hero")),
            ],
            options={
                "ordering": ["hero", "rank"],
                "constraints": [models.UniqueConstraint(fields=("hero", "rank"), name="unique_neighbour_rank")],
            },
        ),
        migrations.CreateModel(
            name="HeroSnapshot",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created", models.DateTimeField(auto_now_add=True)),
                ("source", models.CharField(max_length=500)),
                ("seed", models.IntegerField(default=0)),
                ("hero_count", models.PositiveIntegerField()),
                ("power_count", models.PositiveIntegerField()),
                ("data", models.JSONField()),
            ],
            options={
                "verbose_name": "earlier heroes",
                "verbose_name_plural": "earlier heroes",
                "ordering": ["-created", "-pk"],
            },
        ),
    ]
