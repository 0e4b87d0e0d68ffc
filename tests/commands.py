"""Running a management command in a test and reading what it printed."""

import io

from django.core.management import call_command


def output(name, *args, **options):
    """What call_command(name, *args, **options) wrote to its standard output."""
    stdout = io.StringIO()
    call_command(name, *args, stdout=stdout, **options)
    return stdout.getvalue()
