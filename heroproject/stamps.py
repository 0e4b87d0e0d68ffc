"""What a web worker keeps from the database between requests, and the stamp that says when to
read it again.

The stamp is a small file under MODELS_DIR (beside the models the versions name, so every process
that serves them sees it) holding a random value. Whatever changes which version is active, or a
field of a version or classifier that serving reads, gives it a new value once its transaction
commits (`touch_after_commit`: heroproject.versions.make_active, and the classifier app's save and
delete signals). A `StampedCache` reads the stamp at each lookup (a few microseconds, against a
query's half millisecond) and reads the database again when the value changed, so a change is
seen by the next request of every worker. A change that bypasses all of that (SQL typed by hand,
a process killed between its commit and its touch) is seen within MAX_AGE seconds: nothing is
kept longer.
"""

import contextlib
import logging
import os
import time
import uuid

from django.conf import settings
from django.db import connection, transaction

logger = logging.getLogger(__name__)

NAME = ".versions-stamp"
MAX_AGE = 10.0  # seconds


def path():
    return settings.MODELS_DIR / NAME


def read():
    """The stamp's value: b"" while no change has touched it, None when it cannot be read."""
    try:
        return path().read_bytes()
    except FileNotFoundError:
        return b""
    except OSError:
        return None


def touch():
    """Give the stamp a new value, replacing the file at once (a reader never sees half of it).

    Random rather than a time: two touches within one tick of the file system's clock differ too.
    A failure is logged, not raised: the change it follows has committed, and workers see it
    within MAX_AGE seconds anyway."""
    target = path()
    temporary = target.with_name(f"{NAME}.{uuid.uuid4().hex}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(uuid.uuid4().hex.encode())
        os.replace(temporary, target)
    except OSError:
        logger.exception("Could not touch %s: workers see the change within %s s", target, MAX_AGE)
        with contextlib.suppress(OSError):  # written but not renamed
            temporary.unlink()


def touch_after_commit(**_signal):
    """Touch the stamp once the current transaction commits (at once outside one; never if it
    rolls back). Usable as a signal receiver."""
    transaction.on_commit(touch)


class StampedCache:
    """read(key)'s values kept in this process while the stamp keeps its value, and for at most
    max_age seconds; None (nothing found) is not kept.

    The stamp is read before the database: a change that commits after that read touches the
    stamp after it, so the next lookup reads again. Nothing read inside a transaction is kept,
    since it may see the transaction's own changes, which a rollback undoes without a touch.
    """

    def __init__(self, read_value, max_age=MAX_AGE):
        self.read_value = read_value
        self.max_age = max_age
        self.kept = {}  # key -> (stamp, when read, value)

    def get(self, key):
        stamp = (path(), read())
        now = time.monotonic()
        kept = self.kept.get(key)
        if kept is not None and kept[0] == stamp and now - kept[1] < self.max_age:
            return kept[2]
        value = self.read_value(key)
        if value is not None and stamp[1] is not None and not connection.in_atomic_block:
            self.kept[key] = (stamp, now, value)
        return value
