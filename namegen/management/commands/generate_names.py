from django.core.management.base import BaseCommand, CommandError

from mlcore.names.vocabulary import UnknownCharacters
from namegen.serving import NoNameModel, active_sampler


class Command(BaseCommand):
    help = "Print new names from the active name generator."

    def add_arguments(self, parser):
        parser.add_argument("-n", "--count", type=int, default=15)
        parser.add_argument("--temperature", type=float, default=1.0)
        parser.add_argument("--prefix", default="")
        parser.add_argument("--top-k", type=int, default=None)
        parser.add_argument("--only-new", action="store_true")
        parser.add_argument("--seed", type=int, default=None)

    def handle(self, *args, **options):
        try:
            generated = active_sampler().generate(
                count=options["count"],
                temperature=options["temperature"],
                top_k=options["top_k"],
                prefix=options["prefix"],
                only_new=options["only_new"],
                seed=options["seed"],
            )
        except (NoNameModel, UnknownCharacters, ValueError) as error:
            raise CommandError(str(error)) from None
        for name in generated:
            self.stdout.write(name.name if name.new else f"{name.name}  (real Pokémon)")
