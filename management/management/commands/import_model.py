from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from classifier import bundles as classifier_bundles
from mlcore.storage import bundles
from mlcore.storage.model_dirs import ModelLoadError
from namegen import bundles as names_bundles

IMPORTERS = {classifier_bundles.KIND: classifier_bundles, names_bundles.KIND: names_bundles}


class Command(BaseCommand):
    help = (
        "Check a bundle written by export_model (format, every file's size and sha256, no path "
        "or size tricks) and record it as a new version, as if trained here."
    )

    def add_arguments(self, parser):
        parser.add_argument("bundle", type=Path, metavar="FILE")
        parser.add_argument("--activate", action="store_true", help="serve it at once")

    def handle(self, *args, **options):
        path = options["bundle"]
        try:
            with path.open("rb") as file:
                bundle = bundles.read(file, kinds=tuple(IMPORTERS))
            version = IMPORTERS[bundle.meta["kind"]].import_bundle(bundle, options["activate"])
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror or error}.") from None
        except (bundles.BundleError, ModelLoadError) as error:
            raise CommandError(f"{path} is refused, nothing was recorded: {error}") from None
        made_with = ", ".join(f"{k} {v}" for k, v in bundle.meta.get("libraries", {}).items())
        state = "active" if version.active else "not active: activate it in the admin or studio"
        self.stdout.write(f"Made with {made_with}." if made_with else "")
        self.stdout.write(self.style.SUCCESS(f"Imported {version} ({state}) into {version.path}."))
