from django.core.management.base import BaseCommand, CommandError

from classifier.models import ImageClassifier
from classifier.serving import ClassifierUnavailable, classify
from mlcore.vision.images import ImageError

SHOWN = 5


class Command(BaseCommand):
    help = "Print the most likely classes of each image."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("images", nargs="+")

    def handle(self, *args, **options):
        classifier = ImageClassifier.objects.filter(slug=options["slug"]).first()
        if classifier is None:
            raise CommandError(f"Unknown classifier '{options['slug']}'.")
        failed = 0
        for path in options["images"]:
            try:
                result = classify(classifier, path)
            except ClassifierUnavailable as error:
                raise CommandError(str(error)) from None
            except ImageError as error:
                self.stderr.write(f"{path}: {error}")
                failed += 1
                continue
            shown = ", ".join(
                f"{label} {probability:.1%}" for label, probability in result.ranked[:SHOWN]
            )
            flag = " (not sure)" if result.unsure else ""
            self.stdout.write(f"{path}: {shown}{flag}")
        if failed:
            raise CommandError(f"{failed} of {len(options['images'])} images could not be read.")
