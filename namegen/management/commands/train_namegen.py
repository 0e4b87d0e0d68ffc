from django.core.management.base import BaseCommand, CommandError

from mlcore.training.progress import ProgressBars
from namegen.namelist import BUNDLED_NAMES, NameListError, read_names
from namegen.training_service import train_version


class Command(BaseCommand):
    help = "Train the character-level GRU name generator, record the version and activate it."

    def add_arguments(self, parser):
        parser.add_argument("--names", default=BUNDLED_NAMES, help="UTF-8 file, one name a line")
        parser.add_argument("--epochs", type=int, help="most epochs (early stopping stops sooner)")
        parser.add_argument("--units", type=int, help="GRU hidden size")
        parser.add_argument("--seed", type=int)
        parser.add_argument("--val-fraction", type=float, help="share of names held out (0.1)")
        parser.add_argument("--no-activate", action="store_true", help="keep the current version")

    def handle(self, *args, **options):
        try:
            names = read_names(options["names"])
        except NameListError as error:
            raise CommandError(f"{error} Nothing was trained.") from None
        if len(names) < 20:
            raise CommandError(f"{options['names']} holds {len(names)} names; at least 20 needed.")
        if options["val_fraction"] is not None and not 0 < options["val_fraction"] < 0.5:
            raise CommandError("--val-fraction must be between 0 and 0.5.")
        chosen = {
            key: options[key]
            for key in ("epochs", "units", "seed", "val_fraction")
            if options[key] is not None
        }
        self.stdout.write(f"Training on {len(names)} names from {options['names']}")
        bars = ProgressBars()
        try:
            version = train_version(
                names, activate=not options["no_activate"], progress=bars, **chosen
            )
        finally:
            bars.close()
        self.stdout.write(
            f"Validation NLL {version.val_nll:.3f} nats/char; "
            f"bigram baseline {version.bigram_val_nll:.3f} on the same split; "
            f"{version.training_seconds:.0f} s."
        )
        state = "active" if version.active else "not activated"
        self.stdout.write(self.style.SUCCESS(f"Saved {version} ({state}) in {version.path}"))
