"""Helpers for the heroes tests."""

from heroes.models import Clustering, Power


def remove_heroes():
    """No heroes, powers or clusters: the site before any import."""
    Clustering.objects.all().delete()
    Power.objects.all().delete()
