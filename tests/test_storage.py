"""The default storage saves a file whole under its name, or leaves nothing under it."""

import os

import pytest
from django.core.files.base import ContentFile, File

from heroproject.storage import PARTIAL_PREFIX, DurableFileSystemStorage


class Broken(File):
    """A file whose reading fails half-way, as an upload cut off by a dying client."""

    def __init__(self):
        super().__init__(None, name="broken")

    def chunks(self, chunk_size=None):
        yield b"x" * 1000
        raise OSError("the client went away")


@pytest.fixture
def storage(tmp_path):
    return DurableFileSystemStorage(location=tmp_path)


def test_saves_the_whole_file_under_its_name_and_nothing_else(storage, tmp_path):
    data = os.urandom(300_000)
    name = storage.save("predictions/originals/a.jpg", ContentFile(data))
    assert name == "predictions/originals/a.jpg"
    assert (tmp_path / name).read_bytes() == data
    assert os.listdir(tmp_path / "predictions/originals") == ["a.jpg"]


def test_a_taken_name_gets_another_and_both_files_stay(storage, tmp_path):
    first = storage.save("a.jpg", ContentFile(b"first"))
    second = storage.save("a.jpg", ContentFile(b"second"))
    assert first != second
    assert storage.open(first).read() == b"first" and storage.open(second).read() == b"second"
    assert not any(name.startswith(PARTIAL_PREFIX) for name in os.listdir(tmp_path))


def test_a_failed_write_leaves_no_file(storage, tmp_path):
    with pytest.raises(OSError, match="went away"):
        storage.save("folder/b.jpg", Broken())
    assert os.listdir(tmp_path / "folder") == []


def test_is_the_default_storage():
    from django.core.files.storage import default_storage

    assert isinstance(default_storage, DurableFileSystemStorage)
