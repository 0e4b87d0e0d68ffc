"""File storage whose files survive a crash whole, or not at all."""

import os
import posixpath
import uuid

from django.core.files.storage import FileSystemStorage

PARTIAL_PREFIX = ".partial-"  # a file being written; one a crash left behind is never named


def sync_file(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class DurableFileSystemStorage(FileSystemStorage):
    """FileSystemStorage that writes each file under a temporary name beside its own, flushes it
    to disk, links it under its name and flushes the folder.

    A killed process or a power cut at any instant leaves a name holding the whole file or no
    file; what a caller saved before committing a row that names it is there after a crash.
    """

    def _save(self, name, content):
        folder, base = posixpath.split(name)
        partial = posixpath.join(folder, f"{PARTIAL_PREFIX}{uuid.uuid4().hex}-{base}")
        try:
            super()._save(partial, content)
            sync_file(self.path(partial))
            while True:
                try:
                    os.link(self.path(partial), self.path(name))
                    break
                except FileExistsError:
                    name = self.get_available_name(name)
        finally:
            self.delete(partial)
        sync_file(os.path.dirname(self.path(name)))
        return name
