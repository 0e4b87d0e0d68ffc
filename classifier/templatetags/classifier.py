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


RELIABILITY_SIZE = 300  # the diagram's plot area, in SVG units
RELIABILITY_MARGIN = 40


@register.inclusion_tag("classifier/_reliability.html")
def reliability_diagram(bands):
    """How often the model is right against how sure it is, band by band of its top
    probability (metrics["reliability"]), as the bars of an SVG diagram."""
    size, margin = RELIABILITY_SIZE, RELIABILITY_MARGIN
    bars = [
        {
            **band,
            "x": margin + band["low"] * size,
            "width": (band["high"] - band["low"]) * size - 2,
            "y": margin + (1 - band["accuracy"]) * size,
            "height": band["accuracy"] * size,
            "dot_x": margin + band["confidence"] * size,
            "dot_y": margin + (1 - band["confidence"]) * size,
        }
        for band in bands or []
    ]
    ticks = [{"value": v / 4, "flipped": 1 - v / 4, "at": margin + v / 4 * size} for v in range(5)]
    return {"bars": bars, "ticks": ticks, "size": size, "margin": margin, "end": margin + size}
