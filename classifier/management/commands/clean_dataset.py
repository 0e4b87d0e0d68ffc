from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from mlcore.scraping.hygiene import MIN_SIZE, clean_folder, summarise


class Command(BaseCommand):
    help = (
        "Remove unreadable and too small images, and copies and near copies of an earlier image "
        "in any class, from a folder with one sub-folder per class."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "folder", metavar="DIR", help="class folders, or train/val/test folders of them"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="say what would be removed, remove nothing"
        )
        parser.add_argument(
            "--min-size", type=int, default=MIN_SIZE, metavar="PX", help="shortest side allowed"
        )

    def handle(self, *args, **options):
        folder, dry_run = Path(options["folder"]), options["dry_run"]
        if not folder.is_dir():
            raise CommandError(f"{folder} is not a folder.")
        if options["min_size"] < 0:
            raise CommandError("--min-size cannot be negative.")
        with tqdm(unit="image", disable=options["verbosity"] == 0) as bar:

            def progress(done, total):
                bar.total = total
                bar.update()

            index, rejected = clean_folder(
                folder, options["min_size"], remove=not dry_run, progress=progress
            )
        for name, error in rejected:
            self.stdout.write(f"{name}: {error}")
        checked = len(index.names) + len(rejected)
        reasons = Counter(error.reason for _, error in rejected)
        removed = "Would remove" if dry_run else "Removed"
        details = f" ({summarise(reasons)})" if reasons else ""
        self.stdout.write(
            self.style.SUCCESS(f"{removed} {len(rejected)} of {checked} images{details}.")
        )
