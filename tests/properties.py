"""Hypothesis settings for the importers' property tests: a fixed number of examples, so that
all of them run in CI in about a minute; no deadline (they touch files, servers and the
database); nothing written under the checkout (a failure prints how to reproduce it)."""

from hypothesis import HealthCheck, settings


def bounded(examples):
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
