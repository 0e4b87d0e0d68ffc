"""A saved model is a directory that appears whole or not at all.

Its files are written into a hidden directory beside the final one and flushed to disk; only
then is it renamed to its name, which must be new (a saved version is never overwritten). A
process killed or a power cut at any instant leaves the directory complete or absent. The
classifier store and the name model store both save through here, and the web apps' version
records (heroproject.versions) stage a directory first and name it in the transaction that
records the version.
"""

import os
import shutil
import socket
import tempfile
from collections.abc import Callable
from pathlib import Path

STAGING_PREFIX = ".staging-"  # a directory being written; one a crash left behind is never named


class ModelLoadError(Exception):
    """A saved model cannot be loaded; the message says what is wrong."""


def stage(parent: str | os.PathLike, write: Callable[[Path], None]) -> Path:
    """A new hidden directory in parent holding what write(folder) put there, flushed to disk."""
    parent = Path(parent)
    parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=staging_prefix(), dir=parent))
    try:
        write(staged)
        flush_tree(staged)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    return staged


def publish(staged: Path, directory: str | os.PathLike) -> Path:
    """Give a staged directory its name; refuses a name that exists."""
    directory = Path(directory)
    if directory.exists():
        raise FileExistsError(f"{directory} already exists: a saved model is never replaced.")
    staged.rename(directory)
    flush(directory.parent)
    return directory


def save(directory: str | os.PathLike, write: Callable[[Path], None]) -> Path:
    """Write a model directory with write(folder); it appears complete or not at all."""
    directory = Path(directory)
    if directory.exists():
        raise FileExistsError(f"{directory} already exists: a saved model is never replaced.")
    staged = stage(directory.parent, write)
    try:
        return publish(staged, directory)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise


def staging_prefix(host: str | None = None, pid: int | None = None) -> str:
    """The name start of the directories a process stages: its host and process id say whose
    they are, so those of a killed process can be found and removed (abandoned)."""
    return f"{STAGING_PREFIX}{host or socket.gethostname()}-{pid or os.getpid()}-"


def remove_abandoned(parent: str | os.PathLike, host: str, pid: int) -> list[Path]:
    """Delete the staged directories in parent of a process that died; returns them."""
    parent = Path(parent)
    found = sorted(parent.glob(staging_prefix(host, pid) + "*")) if parent.is_dir() else []
    for staged in found:
        shutil.rmtree(staged, ignore_errors=True)
    return found


def flush(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def flush_tree(folder: Path) -> None:
    for root, _, files in os.walk(folder):
        for name in files:
            flush(Path(root) / name)
        flush(Path(root))
