from django import template

register = template.Library()


@register.filter
def share(value):
    """0.4137 -> "41%"; under 10% with a decimal, so small shares do not all read 0%."""
    value = float(value) * 100
    return f"{value:.0f}%" if value >= 9.5 or value == 0 else f"{value:.1f}%"


@register.filter
def times(value):
    """A lift: 4.23 -> "4.2x"."""
    return f"{float(value):.1f}x"


@register.filter
def width(part, whole):
    """A CSS width in percent of part in whole, with a dot whatever the locale."""
    whole = float(whole)
    return f"{max(0.0, min(1.0, float(part) / whole)) * 100 if whole else 0:.2f}"
