from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def random_quote(request):
    """Another quote: the widget alone for the "New quote" button, else a page holding it."""
    template = "quotes/widget.html" if request.htmx else "quotes/quote_page.html"
    return render(request, template)
