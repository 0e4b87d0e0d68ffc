from django.db import models
from django.urls import reverse


class Clustering(models.Model):
    """The fitted clustering the pages show: one row, replaced whole by each import."""

    method = models.CharField(max_length=40)
    k = models.PositiveIntegerField("clusters (without the group of heroes with no powers)")
    criterion = models.CharField(max_length=40)
    criterion_value = models.FloatField()
    stability_by_k = models.JSONField(default=dict)
    silhouette = models.FloatField("silhouette (Jaccard distance)")
    baseline_silhouette = models.FloatField("silhouette on shuffled powers")
    seed = models.IntegerField(default=0)
    placement = models.JSONField(help_text="the embedding and centres that place a new hero")
    source = models.CharField(max_length=500)
    hero_count = models.PositiveIntegerField()
    power_count = models.PositiveIntegerField()
    notes = models.JSONField(default=list, blank=True)
    fit_seconds = models.FloatField(default=0)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = "clustering"

    def __str__(self):
        return f"{self.method}, k={self.k}, {self.hero_count} heroes ({self.source})"


class Power(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    column = models.PositiveIntegerField(help_text="its place in the clustering's power order")
    hero_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Cluster(models.Model):
    clustering = models.ForeignKey(Clustering, on_delete=models.CASCADE, related_name="clusters")
    number = models.PositiveIntegerField()
    name = models.CharField(max_length=300)
    size = models.PositiveIntegerField()
    no_powers = models.BooleanField(default=False)
    # [{"power", "count", "share", "base", "lift"}], most distinctive first
    top_powers = models.JSONField(default=list)
    publishers = models.JSONField(default=list)  # [[publisher, heroes]], most first
    alignments = models.JSONField(default=list)  # [[alignment, heroes]], most first
    colour = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["clustering", "number"], name="unique_cluster_number")
        ]

    def __str__(self):
        return f"{self.number}. {self.name}"

    def get_absolute_url(self):
        return reverse("heroes:cluster", args=[self.number])


class Hero(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    search_key = models.CharField(max_length=200, db_index=True)
    powers = models.ManyToManyField(Power, related_name="heroes", blank=True)
    power_count = models.PositiveIntegerField(default=0)
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="heroes")
    x = models.FloatField()
    y = models.FloatField()
    has_details = models.BooleanField(default=False)
    publisher = models.CharField(max_length=200, blank=True)
    alignment = models.CharField(max_length=40, blank=True)
    gender = models.CharField(max_length=40, blank=True)
    race = models.CharField(max_length=200, blank=True)
    eye_color = models.CharField(max_length=100, blank=True)
    hair_color = models.CharField(max_length=100, blank=True)
    skin_color = models.CharField(max_length=100, blank=True)
    height_cm = models.FloatField(null=True, blank=True)
    weight_kg = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "heroes"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("heroes:hero", args=[self.slug])


class Neighbour(models.Model):
    """One of a hero's nearest heroes by power (Jaccard similarity), rank 1 the nearest."""

    hero = models.ForeignKey(Hero, on_delete=models.CASCADE, related_name="neighbours")
    other = models.ForeignKey(Hero, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()
    similarity = models.FloatField()

    class Meta:
        ordering = ["hero", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["hero", "rank"], name="unique_neighbour_rank")
        ]

    def __str__(self):
        return f"{self.hero} -> {self.other} ({self.similarity:.2f})"


class HeroSnapshot(models.Model):
    """The site's heroes as they were before an import replaced them, to restore them.

    data: {"powers": [name, ...] in column order, "heroes": [{"name", "powers": [column, ...],
    "details": {field: value} or null}, ...] in the stored order}; refitting them with the seed
    gives the same clusters back."""

    created = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=500)
    seed = models.IntegerField(default=0)
    hero_count = models.PositiveIntegerField()
    power_count = models.PositiveIntegerField()
    data = models.JSONField()

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = "earlier heroes"
        verbose_name_plural = "earlier heroes"

    def __str__(self):
        return f"{self.hero_count} heroes of {self.created:%Y-%m-%d %H:%M} ({self.source})"
