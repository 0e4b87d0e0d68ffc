"""Upload limits, settings.CLASSIFIER_MAX_UPLOAD_BYTES by default: one module owns them.

`LimitedUploadHandler` (first in FILE_UPLOAD_HANDLERS) stops reading a request as soon as a file
passes the limit, so a large upload is refused while it arrives, not after. Views ask
`too_large(request)` and answer with `too_large_message()`; `discard_body(request)` reads what a
client sent when the answer does not need it (an unknown classifier, a rate limit).

A view taking many files at once can instead skip each file over the limit and go on
(`SkipLargeFiles`, then `skipped(request)`), and a view taking larger files sets its own limit
(`limited_to`); `with_handlers` puts such handlers in place before anything reads the body.
"""

from functools import wraps

from django.conf import settings
from django.core.files.uploadhandler import (
    FileUploadHandler,
    MemoryFileUploadHandler,
    SkipFile,
    StopUpload,
    TemporaryFileUploadHandler,
)
from django.views.decorators.csrf import csrf_exempt, csrf_protect

TOO_LARGE = "_upload_too_large"  # the request attribute the handlers set
SKIPPED = "_upload_skipped"  # the request attribute SkipLargeFiles fills


class LimitedUploadHandler(FileUploadHandler):
    """Stops reading the request once a file passes the limit and marks the request.

    Fields before the file (the CSRF token among them) are already parsed, so the view can
    answer 413 with a message instead of a CSRF failure.
    """

    limit = "CLASSIFIER_MAX_UPLOAD_BYTES"  # the setting that holds the limit

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > getattr(settings, self.limit):
            setattr(self.request, TOO_LARGE, True)
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


def limited_to(setting):
    """A LimitedUploadHandler whose limit is another setting."""
    return type(f"LimitedTo{setting.title()}", (LimitedUploadHandler,), {"limit": setting})


class SkipLargeFiles(FileUploadHandler):
    """Drops each file over the limit and reads on to the next, naming it in the request."""

    def __init__(self, request=None):
        super().__init__(request)
        setattr(request, SKIPPED, [])

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > settings.CLASSIFIER_MAX_UPLOAD_BYTES:
            getattr(self.request, SKIPPED).append(self.file_name)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


def skipped(request):
    """The names of the files SkipLargeFiles dropped."""
    return getattr(request, SKIPPED, [])


def with_handlers(limit):
    """Read the view's uploads with the handler `limit`, then Django's own. Handlers must be set
    before anything reads the body, the CSRF check included, so the check runs here, after."""

    def decorator(view):
        protected = csrf_protect(view)

        @wraps(view)
        def with_limit(request, *args, **kwargs):
            request.upload_handlers = [
                handler(request)
                for handler in (limit, MemoryFileUploadHandler, TemporaryFileUploadHandler)
            ]
            return protected(request, *args, **kwargs)

        return csrf_exempt(with_limit)

    return decorator


def too_large(request):
    """Whether the request's file passed the limit (and was not read on)."""
    request.FILES  # noqa: B018 - parsing the body, if nothing has yet, is what finds out
    return getattr(request, TOO_LARGE, False)


def too_large_message():
    megabytes = settings.CLASSIFIER_MAX_UPLOAD_BYTES / 1024 / 1024
    return f"The file is larger than {megabytes:g} MB."


def discard_body(request):
    """Read and drop what the client sent, up to the upload limit, before answering without it.

    gunicorn drains at most 64 KB of an unread body and then closes the keep-alive connection
    without saying so: the client's next request on it would fail. A larger body than the
    limit is not read: that connection may close.
    """
    left = settings.CLASSIFIER_MAX_UPLOAD_BYTES
    while left > 0 and (chunk := request.read(min(64 * 1024, left))):
        left -= len(chunk)
