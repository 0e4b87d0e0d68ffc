from django.core.management.base import BaseCommand

from classifier import feedback


class Command(BaseCommand):
    help = (
        "Rebuild every version's feedback counters (the 'visitors say right' figures) from the "
        "predictions' rows. The site keeps them in step itself; run this after changing rows "
        "by hand or restoring a partial backup. One pass over the history."
    )

    def handle(self, *args, **options):
        fixed = feedback.recount_feedback()
        for version, (count, right), (new_count, new_right) in fixed:
            self.stdout.write(
                f"{version}: {right} right of {count} -> {new_right} right of {new_count}"
            )
        self.stdout.write(f"Recounted feedback; {len(fixed)} versions had wrong counters.")
