from django.core.management.base import BaseCommand, CommandError

from quotes.models import Quote
from quotes.pool import refill


class Command(BaseCommand):
    help = "Refill the quote pool now from the configured providers, in order."

    def handle(self, *args, **options):
        results = refill()
        for result in results:
            if result.error:
                self.stdout.write(f"{result.provider}: failed: {result.error}")
            else:
                self.stdout.write(
                    f"{result.provider}: received {result.received}, added {result.added} new"
                )
        if not any(result.received for result in results):
            raise CommandError("No provider gave any quote; the pool keeps what it had.")
        self.stdout.write(self.style.SUCCESS(f"The pool holds {Quote.objects.count()} quotes."))
