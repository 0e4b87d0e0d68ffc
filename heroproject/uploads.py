"""The upload limit, settings.CLASSIFIER_MAX_UPLOAD_BYTES: one module owns it.

`LimitedUploadHandler` (first in FILE_UPLOAD_HANDLERS) stops reading a request as soon as a file
passes the limit, so a large upload is refused while it arrives, not after. Views ask
`too_large(request)` and answer with `too_large_message()`; `discard_body(request)` reads what a
client sent when the answer does not need it (an unknown classifier, a rate limit).
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

TOO_LARGE = "_upload_too_large"  # the request attribute the handler sets


class LimitedUploadHandler(FileUploadHandler):
    """Stops reading the request once a file passes the limit and marks the request.

    Fields before the file (the CSRF token among them) are already parsed, so the view can
    answer 413 with a message instead of a CSRF failure.
    """

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > settings.CLASSIFIER_MAX_UPLOAD_BYTES:
            setattr(self.request, TOO_LARGE, True)
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


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
