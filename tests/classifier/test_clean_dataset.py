from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.pictures import encode, picture

FILES = {
    "cats/1.jpg": encode(picture(1)),
    "cats/2.png": encode(picture(2), "PNG"),
    "cats/3.png": encode(picture(2), "PNG"),  # the same file as 2.png
    "cats/small.jpg": encode(picture(3, (90, 200))),
    "dogs/1.jpg": encode(picture(1, (240, 180)), quality=50),  # cats/1.jpg, larger
    "dogs/2.jpg": encode(picture(4)),
    "dogs/broken.jpg": encode(picture(5))[:2000],
    "dogs/page.jpg": b"<!doctype html><title>Not found</title>",
    "dogs/readme.txt": b"left alone",
}
REMOVED = [
    "cats/3.png: duplicate: the same file as cats/2.png",
    "cats/small.jpg: too small: 90 x 200 pixels, under 100",
    "dogs/1.jpg: near duplicate: ",
    "dogs/broken.jpg: unreadable: The image file is truncated",
    "dogs/page.jpg: unreadable: This is a web page (HTML), not an image.",
]


@pytest.fixture
def dataset(tmp_path):
    for name, data in FILES.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_bytes(data)
    return tmp_path


def clean(folder, *args):
    out = StringIO()
    call_command("clean_dataset", folder, *args, stdout=out, stderr=StringIO())
    return out.getvalue().splitlines()


def test_dry_run_reports_and_removes_nothing(dataset):
    lines = clean(dataset, "--dry-run")
    assert [line[: len(start)] for line, start in zip(lines, REMOVED, strict=False)] == REMOVED
    assert lines[-1] == (
        "Would remove 5 of 8 images (1 duplicate, 1 near duplicate, 1 too small, 2 unreadable)."
    )
    assert all((dataset / name).exists() for name in FILES)


def test_removes_what_fails_the_checks(dataset):
    assert clean(dataset)[-1].startswith("Removed 5 of 8 images")
    left = sorted(path.relative_to(dataset).as_posix() for path in dataset.rglob("*.*"))
    assert left == ["cats/1.jpg", "cats/2.png", "dogs/2.jpg", "dogs/readme.txt"]
    assert clean(dataset) == ["Removed 0 of 3 images."]


def test_min_size(dataset):
    assert "cats/small.jpg" not in "".join(clean(dataset, "--dry-run", "--min-size=90"))
    assert "Would remove 5 of 8" in clean(dataset, "--dry-run", "--min-size=91")[-1]


def test_not_a_folder(tmp_path):
    with pytest.raises(CommandError, match="is not a folder"):
        clean(tmp_path / "nope")
