from django.core.management.base import BaseCommand, CommandError

from namegen.namelist import NameListError, read_names
from namegen.serving import NoNameModel, active_sampler


class Command(BaseCommand):
    help = "Mean NLL (nats per character, end token included) of the active model on some names."

    def add_arguments(self, parser):
        parser.add_argument("--names", required=True, help="UTF-8 file, one name a line")

    def handle(self, *args, **options):
        try:
            names = read_names(options["names"])
            sampler = active_sampler()
        except (NameListError, NoNameModel) as error:
            raise CommandError(str(error)) from None
        evaluation = sampler.nll_per_char(names)
        scored = len(names) - len(evaluation.skipped)
        self.stdout.write(f"Scored {scored} of {len(names)} names.")
        if evaluation.skipped:
            shown = ", ".join(evaluation.skipped[:10])
            self.stdout.write(
                f"Skipped {len(evaluation.skipped)} with characters outside the vocabulary: {shown}"
            )
        if not scored:
            raise CommandError("No name could be scored.")
        self.stdout.write(f"nll_per_char={evaluation.nll_per_char:.4f}")
