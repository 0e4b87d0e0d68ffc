import time
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from classifier import feedback, thumbnails
from classifier.models import Prediction


class Command(BaseCommand):
    help = (
        "Delete original uploads older than PREDICTIONS_RETENTION_DAYS; the predictions, "
        "their thumbnails and what the model said stay. Run it daily (cron). With "
        "--delete-rows-days N it also deletes whole predictions older than N days (rows, "
        "thumbnails and originals; their verdicts leave the feedback figures), in small "
        "batches, each its own short transaction, so the site keeps serving meanwhile."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.PREDICTIONS_RETENTION_DAYS)
        parser.add_argument(
            "--delete-rows-days",
            type=int,
            default=None,
            metavar="N",
            help="also delete whole predictions older than N days (off by default; N must be "
            "at least --days)",
        )
        parser.add_argument(
            "--batch", type=int, default=500, help="rows deleted per transaction (500)"
        )
        parser.add_argument(
            "--pause",
            type=float,
            default=0.05,
            help="seconds between batches, for other writers to get the lock (0.05)",
        )

    def handle(self, *args, **options):
        rows_days = options["delete_rows_days"]
        if rows_days is not None and rows_days < options["days"]:
            raise CommandError("--delete-rows-days must be at least --days.")
        if rows_days is not None:
            deleted = self.delete_rows(rows_days, options["batch"], options["pause"])
            self.stdout.write(f"Deleted {deleted} predictions older than {rows_days} days.")
        cutoff = timezone.now() - timedelta(days=options["days"])
        expired = Prediction.objects.filter(created__lt=cutoff).exclude(original="")
        count = 0
        for prediction in expired.iterator():
            thumbnails.ensure_thumbnail(prediction)  # the last chance to draw it
            # The row first: a crash in between leaves a stray file, never a row naming no file.
            Prediction.objects.filter(pk=prediction.pk).update(original="")
            prediction.original.delete(save=False)
            count += 1
        self.stdout.write(f"Deleted {count} original uploads older than {options['days']} days.")

    def delete_rows(self, days, batch, pause):
        """Oldest first, `batch` rows a transaction (found through the index on created), the
        files after each commit; returns how many rows went."""
        cutoff = timezone.now() - timedelta(days=days)
        old = Prediction.objects.filter(created__lt=cutoff).order_by("created", "id")
        deleted = 0
        while ids := list(old.values_list("id", flat=True)[:batch]):
            for name in feedback.delete_predictions(ids):
                default_storage.delete(name)
            deleted += len(ids)
            if pause:
                time.sleep(pause)
        return deleted
