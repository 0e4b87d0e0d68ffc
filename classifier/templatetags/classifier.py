from django import template

from heroproject.formatting import percent

register = template.Library()
register.filter("percent", percent)


@register.filter
def cross_validated(summary):
    """A version's cross_validation -> "0.71 +/- 0.04 over 5 folds" (its accuracy); "" without."""
    if not summary:
        return ""
    accuracy = summary["accuracy"]
    return f"{accuracy['mean']:.2f} +/- {accuracy['sd']:.2f} over {summary['folds']} folds"


@register.filter
def bar_width(value):
    """A CSS width in percent, with two decimals and a dot whatever the locale."""
    return f"{max(0.0, min(1.0, float(value))) * 100:.2f}"


@register.filter
def total(counts):
    """The sum of a {label: count} mapping."""
    return sum(counts.values()) if counts else 0
