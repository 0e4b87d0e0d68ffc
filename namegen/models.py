from django.conf import settings
from django.db import models, transaction
from django.db.models import Q


class NameModelVersion(models.Model):
    """One trained name generator; the active one is what the site samples from."""

    number = models.PositiveIntegerField(unique=True)
    directory = models.CharField(max_length=255, help_text="Relative to the models directory.")
    created = models.DateTimeField(auto_now_add=True)
    active = models.BooleanField(default=False)
    units = models.PositiveIntegerField()
    train_size = models.PositiveIntegerField()
    val_nll = models.FloatField("validation NLL (nats/char)")
    bigram_val_nll = models.FloatField("bigram baseline NLL (nats/char)")
    training_seconds = models.FloatField()
    metrics = models.JSONField(default=dict)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=Q(active=True), name="one_active_name_model"
            )
        ]

    def __str__(self):
        return f"Name generator v{self.number}"

    @property
    def path(self):
        return settings.MODELS_DIR / self.directory

    @classmethod
    def next_number(cls):
        last = cls.objects.aggregate(models.Max("number"))["number__max"]
        return (last or 0) + 1

    def activate(self):
        with transaction.atomic():
            NameModelVersion.objects.filter(active=True).exclude(pk=self.pk).update(active=False)
            NameModelVersion.objects.filter(pk=self.pk).update(active=True)
        self.active = True
