from django import template

from ..pool import random_quote

register = template.Library()


@register.inclusion_tag("quotes/_quote.html", takes_context=True)
def quote_widget(context):
    """A random quote with a "New quote" button; `?quote_after=<id>` skips the one just shown."""
    request = context.get("request")
    after = request.GET.get("quote_after", "") if request else ""
    return {"quote": random_quote(int(after) if after.isdigit() else None)}
