from django import template

register = template.Library()


@register.filter
def share(done, total):
    """done of total as a CSS width in percent, with a dot whatever the locale."""
    return f"{min(1.0, done / total) * 100:.1f}" if total else "0"
