import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

from quotes.models import Quote
from quotes.pool import refill
from quotes.providers import Bundled


class Command(BaseCommand):
    help = "Make the site usable from nothing: database, cache table and the quote pool."

    def handle(self, *args, **options):
        started = time.monotonic()
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        self.stdout.write("Database and cache table ready.")
        if Quote.objects.exists():
            self.stdout.write(f"Quote pool: already {Quote.objects.count()} quotes.")
        else:
            refill([Bundled()])
            self.stdout.write(f"Quote pool: loaded {Quote.objects.count()} bundled quotes.")
        self.stdout.write(
            self.style.SUCCESS(f"Bootstrap done in {time.monotonic() - started:.1f} s.")
        )
