from django.db import models
from django.db.models import Q

from heroproject import versions


class NameModelVersion(versions.ModelVersion):
    """One trained name generator; the active one is what the site samples from."""

    units = models.PositiveIntegerField()
    train_size = models.PositiveIntegerField()
    val_nll = models.FloatField("validation NLL (nats/char)")
    bigram_val_nll = models.FloatField("bigram baseline NLL (nats/char)")

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="unique_name_model_number"),
            models.UniqueConstraint(
                fields=["active"], condition=Q(active=True), name="one_active_name_model"
            ),
        ]

    def __str__(self):
        return f"Name generator v{self.number}"
