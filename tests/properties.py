"""Hypothesis settings for the importers' property tests: a fixed number of examples, so that
all of them run in CI in about a minute; no deadline (they touch files, servers and the
database); nothing written under the checkout (a failure prints how to reproduce it)."""

import contextlib
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings


def bounded(examples):
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


@contextlib.contextmanager
def as_file(data, name):
    """The path of a file holding data, in a folder of its own, removed afterwards."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        yield path


def read_or_refusal(reader, data, name, refused):
    """What reader makes of a file holding data, or the message it was refused with (which must
    name the file)."""
    with as_file(data, name) as path:
        try:
            return reader(path)
        except refused as error:
            assert str(path) in str(error)
            return str(error)
