from django.core.management.base import BaseCommand, CommandError

from heroes import services
from mlcore.heroes.table import LAYOUTS


class Command(BaseCommand):
    help = (
        "Load a superhero powers table (and optionally the heroes' details) in place of the "
        "heroes on the site, and cluster them. Reads the layouts in circulation: transposed, "
        "TRUE/FALSE or 1/0, a byte-order mark, an index or count column. A bad file changes "
        "nothing; the heroes it replaces stay restorable with --restore-previous."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "powers", nargs="?", help="CSV: hero names and one True/False column per power"
        )
        parser.add_argument(
            "details", nargs="?", help="CSV: name, gender, race, publisher, alignment, ..."
        )
        parser.add_argument(
            "--layout",
            choices=LAYOUTS,
            default="auto",
            help="which way round the powers table is (auto: from its names, corner and shape)",
        )
        parser.add_argument("--seed", type=int, default=0, help="the clustering's seed")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="say what the import would read and change on the site, and change nothing",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="import even if it removes most of the site's heroes or power names",
        )
        parser.add_argument(
            "--restore-previous",
            action="store_true",
            help="put back the heroes the last import (or restore) replaced",
        )

    def handle(self, *args, **options):
        if options["restore_previous"] == bool(options["powers"]):
            raise CommandError("Give a powers CSV to import, or --restore-previous (not both).")
        self.stdout.write("Choosing the number of clusters by stability...")

        def progress(k, stability):
            if options["verbosity"] > 1:
                self.stdout.write(f"  k={k}: stability {stability:.3f}")

        try:
            if options["restore_previous"]:
                report = services.restore(progress=progress)
            else:
                report = services.import_tables(
                    options["powers"],
                    options["details"],
                    layout=options["layout"],
                    seed=options["seed"],
                    progress=progress,
                    replace=options["replace"],
                    dry_run=options["dry_run"],
                )
        except services.HeroImportError as error:
            raise CommandError(f"{error} Nothing was changed.") from None
        for line in report.lines:
            self.stdout.write(line)
        clustering = report.clustering
        if clustering is not None:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Loaded {clustering.hero_count} heroes, {clustering.power_count} powers and "
                    f"{clustering.clusters.count()} clusters."
                )
            )
