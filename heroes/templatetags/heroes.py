from django import template

from heroproject.formatting import percent

register = template.Library()
register.filter("share", percent)


@register.filter
def times(value):
    """A lift: 4.23 -> "4.2x"."""
    return f"{float(value):.1f}x"


@register.filter
def width(part, whole):
    """A CSS width in percent of part in whole, with a dot whatever the locale."""
    whole = float(whole)
    return f"{max(0.0, min(1.0, float(part) / whole)) * 100 if whole else 0:.2f}"
