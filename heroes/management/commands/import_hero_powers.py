from django.core.management.base import BaseCommand, CommandError

from heroes import services
from mlcore.heroes.table import LAYOUTS


class Command(BaseCommand):
    help = (
        "Load a superhero powers table (and optionally the heroes' details) in place of the "
        "heroes on the site, and cluster them. Reads the layouts in circulation: transposed, "
        "TRUE/FALSE or 1/0, a byte-order mark, an index or count column. A bad file changes "
        "nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("powers", help="CSV: hero names and one True/False column per power")
        parser.add_argument(
            "details", nargs="?", help="CSV: name, gender, race, publisher, alignment, ..."
        )
        parser.add_argument(
            "--layout",
            choices=LAYOUTS,
            default="auto",
            help="which way round the powers table is (auto: from its headers and shape)",
        )
        parser.add_argument("--seed", type=int, default=0, help="the clustering's seed")

    def handle(self, *args, **options):
        self.stdout.write("Choosing the number of clusters by stability...")

        def progress(k, stability):
            if options["verbosity"] > 1:
                self.stdout.write(f"  k={k}: stability {stability:.3f}")

        try:
            report = services.import_tables(
                options["powers"],
                options["details"],
                layout=options["layout"],
                seed=options["seed"],
                progress=progress,
            )
        except services.HeroImportError as error:
            raise CommandError(f"{error} Nothing was changed.") from None
        for line in report.lines:
            self.stdout.write(line)
        clustering = report.clustering
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {clustering.hero_count} heroes, {clustering.power_count} powers and "
                f"{clustering.clusters.count()} clusters."
            )
        )
