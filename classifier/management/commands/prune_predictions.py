from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from classifier import predictions
from classifier.models import Prediction


class Command(BaseCommand):
    help = (
        "Delete original uploads older than PREDICTIONS_RETENTION_DAYS; the predictions, "
        "their thumbnails and what the model said stay. Run it daily (cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.PREDICTIONS_RETENTION_DAYS)

    def handle(self, *args, **options):
        cutoff = timezone.now() - timedelta(days=options["days"])
        expired = Prediction.objects.filter(created__lt=cutoff).exclude(original="")
        count = 0
        for prediction in expired.iterator():
            predictions.ensure_thumbnail(prediction)  # the last chance to draw it
            # The row first: a crash in between leaves a stray file, never a row naming no file.
            Prediction.objects.filter(pk=prediction.pk).update(original="")
            prediction.original.delete(save=False)
            count += 1
        self.stdout.write(f"Deleted {count} original uploads older than {options['days']} days.")
