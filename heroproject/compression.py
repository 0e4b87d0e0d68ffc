"""Compressed HTML, where it is safe.

BREACH recovers a secret that a page repeats from the compressed sizes of many responses. The
public pages' only secret, the CSRF token, is masked anew in every response (Django), so they
are compressed; pages for a signed-in user (the studio, the admin, whatever they may show) are
sent as they are, and so is everything that is not HTML (images are compressed already).
"""

from django.middleware.gzip import GZipMiddleware


class PublicHTMLGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        user = getattr(request, "user", None)
        html = response.get("Content-Type", "").startswith("text/html")
        if not html or (user is not None and user.is_authenticated):
            return response
        return super().process_response(request, response)
