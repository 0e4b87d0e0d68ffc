"""Refuse uploads over CLASSIFIER_MAX_UPLOAD_BYTES while they arrive, not after."""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload


class LimitedUploadHandler(FileUploadHandler):
    """Stops reading the request once a file passes the limit and marks the request.

    Fields before the file (the CSRF token among them) are already parsed, so the view can
    answer 413 with a message instead of a CSRF failure.
    """

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > settings.CLASSIFIER_MAX_UPLOAD_BYTES:
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None
