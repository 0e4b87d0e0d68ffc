"""Fixtures for fault tests against the real site under gunicorn."""

import pytest


@pytest.fixture(scope="session")
def shape_picture(shapes_dir):
    """One picture of the shapes dataset, as bytes."""
    return sorted(shapes_dir.rglob("*.png"))[0].read_bytes()
