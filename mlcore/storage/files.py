"""Writing a file whole: under a hidden temporary name beside it, flushed to disk, then renamed.

A reader sees the old file or the new one, never half of one, whatever happens while it is
written (a kill, a full disk, a power cut).
"""

import os
import tempfile
from pathlib import Path


def write_whole(path, data):
    """Write bytes to path, replacing what is there."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, staging = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(staging, 0o644)
        os.replace(staging, path)
    except BaseException:
        os.unlink(staging)
        raise
