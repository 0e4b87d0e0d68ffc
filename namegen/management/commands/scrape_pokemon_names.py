from django.core.management.base import BaseCommand, CommandError

from mlcore.scraping.http import FetchError, fetch_text, make_session
from mlcore.scraping.pokemon import (
    MIN_SPECIES,
    SPECIES_URL,
    LayoutError,
    parse_species,
    write_names,
)
from namegen.namelist import BUNDLED_NAMES


class Command(BaseCommand):
    help = "Rebuild the bundled list of Pokémon species names from Bulbapedia's National Pokédex."

    def add_arguments(self, parser):
        parser.add_argument("--url", default=SPECIES_URL, help="the list page")
        parser.add_argument("--out", default=BUNDLED_NAMES, help="the file to write")
        parser.add_argument(
            "--timeout", type=float, default=20, help="seconds to wait to connect and for the page"
        )
        parser.add_argument("--retries", type=int, default=3, help="retries on 429, 5xx, timeouts")
        parser.add_argument(
            "--backoff", type=float, default=0.5, help="retries wait 0, 2, 4... times this (s)"
        )
        parser.add_argument(
            "--min-names",
            type=int,
            default=MIN_SPECIES,
            help="refuse a page listing fewer species",
        )

    def handle(self, *args, **options):
        out = options["out"]
        try:
            with make_session(retries=options["retries"], backoff=options["backoff"]) as session:
                html = fetch_text(session, options["url"], timeout=options["timeout"])
            names = parse_species(html, min_count=options["min_names"])
            write_names(names, out)
        except (FetchError, LayoutError, OSError) as error:
            raise CommandError(f"{error}; {out} is left as it was.") from None
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {len(names)} names, {names[0]} to {names[-1]}, to {out}.")
        )
