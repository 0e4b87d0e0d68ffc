from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from classifier import bundles as classifier_bundles
from classifier.models import ModelVersion
from namegen import bundles as names_bundles
from namegen.models import NameModelVersion

NAMES = "names"


class Command(BaseCommand):
    help = (
        "Write a model version to one bundle file (served files, labels, preprocessing, metrics, "
        "plots, and a manifest with hashes and library versions) for import_model elsewhere. "
        f"SLUG is a classifier's, or '{NAMES}' for the name generator."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        # --version is a model's here, not Django's.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("slug", metavar="SLUG")
        parser.add_argument("out", type=Path, metavar="OUT", help="the bundle file to write")
        parser.add_argument(
            "--version", type=int, metavar="N", help="the version number (default: the active one)"
        )

    def handle(self, *args, **options):
        slug, number = options["slug"], options["version"]
        if slug == NAMES:
            found, bundles = NameModelVersion.objects.all(), names_bundles
        else:
            found = ModelVersion.objects.filter(classifier__slug=slug).select_related("classifier")
            bundles = classifier_bundles
        version = (found.filter(number=number) if number else found.filter(active=True)).first()
        if version is None:
            which = f"version {number}" if number else "active version"
            raise CommandError(f"'{slug}' has no {which}.")
        out = bundles.export(version, options["out"])
        size = out.stat().st_size / 2**20
        self.stdout.write(self.style.SUCCESS(f"Wrote {version} to {out} ({size:.1f} MB)."))
