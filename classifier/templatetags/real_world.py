from django import template

from classifier import real_world

register = template.Library()


@register.simple_tag
def real_world_figures(versions):
    """[(version, its real-world figures or None)] from each version's own answers."""
    return real_world.with_own_answers(versions)
