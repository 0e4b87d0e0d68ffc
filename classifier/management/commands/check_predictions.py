from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from classifier import integrity

SHOWN = 20  # ids or file names listed per finding


class Command(BaseCommand):
    help = (
        "Find predictions whose files are missing and files that no prediction names; with "
        "--repair, draw the thumbnails not drawn yet (an API prediction's is drawn when first "
        "shown) or lost from the originals, mark the rest 'image lost' and delete the stray "
        "files."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="mend what was found")
        parser.add_argument(
            "--min-age",
            type=int,
            default=3600,
            metavar="SECONDS",
            help="leave files younger than this alone: an upload's row may be about to commit "
            "(default: an hour)",
        )

    def handle(self, *args, **options):
        if options["min_age"] < 0:
            raise CommandError("--min-age is a number of seconds, 0 or more.")
        repair = options["repair"]

        def progress(rows, total):
            return tqdm(rows, total=total, desc="Checking", unit="row", disable=None)

        report = integrity.check(repair, timedelta(seconds=options["min_age"]), progress)
        self.stdout.write(f"Checked {report.checked} predictions.")
        findings = [
            (report.redrawn, "thumbnails not drawn yet or lost", "drawn from the original", "ids"),
            (report.lost, "predictions whose files cannot come back", "marked image lost", "ids"),
            (report.stray, "files that no prediction names", "deleted", "files"),
        ]
        for found, what, done, kind in findings:
            if found:
                shown = ", ".join(map(str, found[:SHOWN])) + (", ..." if len(found) > SHOWN else "")
                action = done if repair else f"to be {done} with --repair"
                self.stdout.write(f"{len(found)} {what} ({action}); {kind}: {shown}")
        if report.clean:
            self.stdout.write("Every prediction has its files, and every file its prediction.")
