"""Helpers for the heroes tests."""

from heroes.models import Clustering, HeroSnapshot, Power


def remove_heroes():
    """No heroes, powers, clusters or earlier heroes: the site before any import."""
    Clustering.objects.all().delete()
    Power.objects.all().delete()
    HeroSnapshot.objects.all().delete()
