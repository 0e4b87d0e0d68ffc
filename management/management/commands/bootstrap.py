import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

from namegen.models import NameModelVersion
from quotes.models import Quote
from quotes.pool import refill
from quotes.providers import Bundled


class Command(BaseCommand):
    help = (
        "Make the site usable from nothing: database, cache table, quote pool and name generator. "
        "Idempotent: what is already there is left alone unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="retrain the models")

    def handle(self, *args, **options):
        started = time.monotonic()
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        self.stdout.write("Database and cache table ready.")
        did = [self.quotes(), self.name_generator(options["force"])]
        elapsed = time.monotonic() - started
        if any(did):
            self.stdout.write(self.style.SUCCESS(f"Bootstrap done in {elapsed:.0f} s."))
        else:
            self.stdout.write(self.style.SUCCESS("Nothing to do: the site is already set up."))

    def quotes(self):
        if Quote.objects.exists():
            self.stdout.write(f"Quote pool: {Quote.objects.count()} quotes already.")
            return False
        refill([Bundled()])
        self.stdout.write(f"Quote pool: loaded {Quote.objects.count()} bundled quotes.")
        return True

    def name_generator(self, force):
        if not force and NameModelVersion.objects.filter(active=True).exists():
            self.stdout.write("Name generator: already trained.")
            return False
        self.stdout.write("Name generator: training on the bundled Pokémon names...")
        call_command("train_namegen", stdout=self.stdout)
        return True
