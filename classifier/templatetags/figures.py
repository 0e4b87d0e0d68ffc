import itertools

from django import template

from classifier import figures

register = template.Library()
ids = itertools.count(1)  # one id per matrix drawn, for its caption


@register.inclusion_tag("includes/confusion.html")
def confusion_matrix(matrix, labels, caption):
    """The matrix as a shaded table: rows are the true classes, columns what the model said."""
    rows = figures.confusion(matrix, labels)
    return {"labels": labels, "rows": rows, "caption": caption, "id": f"confusion-{next(ids)}"}


@register.inclusion_tag("includes/curves.html")
def training_curves(history, saved=False):
    """Loss and accuracy per epoch as SVG charts; saved: history is a version's (per phase)."""
    return {"charts": figures.curves(figures.epochs(history) if saved else history)}
