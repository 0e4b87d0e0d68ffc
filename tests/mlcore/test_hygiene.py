import io
import os

import pytest
from PIL import Image, ImageEnhance

from mlcore.scraping.hygiene import (
    Index,
    Rejected,
    clean_folder,
    dhash,
    inspect,
    summarise,
)
from mlcore.vision import images
from tests.pictures import encode, picture


def distance(a, b):
    return (dhash(a) ^ dhash(b)).bit_count()


def test_dhash_is_64_bits_and_stable():
    image = picture(1)
    assert dhash(image) == dhash(picture(1))
    assert 0 < dhash(image) < 2**64
    assert dhash(Image.new("RGB", (50, 50), "white")) == 0


def test_near_copies_are_near_and_different_pictures_far():
    original = picture(1)
    recoded = Image.open(io.BytesIO(encode(original, quality=40)))
    resized = original.resize((96, 72))
    brighter = ImageEnhance.Brightness(original).enhance(1.15)
    for copy in (recoded, resized, brighter):
        assert distance(original, copy) <= 6
    pairs = [(a, b) for a in range(20) for b in range(a + 1, 20)]
    assert min(distance(picture(a), picture(b)) for a, b in pairs) > 12


def test_inspect_reads_size_format_and_hashes():
    data = encode(picture(3, (300, 200)), "PNG")
    fingerprint = inspect(data)
    assert (fingerprint.width, fingerprint.height, fingerprint.format) == (300, 200, "PNG")
    assert fingerprint.sha256 == images.sha256(data)
    assert fingerprint.dhash == dhash(picture(3, (300, 200)))


def test_large_jpegs_are_hashed_at_reduced_scale_to_the_same_bits():
    data = encode(picture(4, (1600, 1200)), quality=95)
    fingerprint = inspect(data, min_size=100)
    assert (fingerprint.width, fingerprint.height) == (1600, 1200)
    assert (fingerprint.dhash ^ dhash(images.read_image(data))).bit_count() <= 2


@pytest.mark.parametrize(
    ("data", "reason", "detail"),
    [
        (encode(picture(5, (120, 99))), "too small", "120 x 99 pixels, under 100"),
        (b"<!doctype html><html>nope</html>", "unreadable", r"web page \(HTML\)"),
        (encode(picture(5))[:2000], "unreadable", "truncated"),
    ],
)
def test_inspect_rejects(data, reason, detail):
    with pytest.raises(Rejected, match=detail) as caught:
        inspect(data)
    assert caught.value.reason == reason


def test_min_size_zero_takes_any_size():
    assert inspect(encode(picture(5, (3, 2)), "PNG"), min_size=0).width == 3


def test_index_matches_copies_and_near_copies():
    index = Index()
    original = inspect(encode(picture(1)))
    index.add(original, "hero/a.jpg")
    assert index.match(inspect(encode(picture(2)))) is None
    duplicate = index.match(original)
    assert (duplicate.reason, duplicate.detail) == ("duplicate", "the same file as hero/a.jpg")
    near = index.match(inspect(encode(picture(1).resize((140, 105)), quality=60)))
    assert near.reason == "near duplicate" and near.detail.endswith("bits from hero/a.jpg")
    assert Index(near=-1).match(original) is None
    assert index.count("hero") == 1 and index.count("her") == 0


def test_clean_folder_keeps_the_first_copy_across_classes(tmp_path):
    for name, data in {
        "hulk/a.jpg": encode(picture(1)),
        "hulk/b.png": encode(picture(2), "PNG"),
        "hulk/b-copy.png": encode(picture(2), "PNG"),
        "iron man/a-small.jpg": encode(picture(1, (120, 100)), quality=50),
        "iron man/c.jpg": encode(picture(3)),
        "iron man/tiny.png": encode(picture(4, (40, 40)), "PNG"),
        "iron man/notes.txt": b"not an image, and not an image file name either",
        "iron man/.hidden.jpg": b"left alone",
    }.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_bytes(data)

    calls = []
    index, rejected = clean_folder(tmp_path, remove=False, progress=lambda *a: calls.append(a))
    found = {name: error.reason for name, error in rejected}
    assert found == {
        "hulk/b.png": "duplicate",  # b-copy.png comes first in name order
        "iron man/a-small.jpg": "near duplicate",
        "iron man/tiny.png": "too small",
    }
    assert sorted(index.names.values()) == ["hulk/a.jpg", "hulk/b-copy.png", "iron man/c.jpg"]
    assert calls[-1] == (6, 6)
    assert all((tmp_path / name).exists() for name in found)

    clean_folder(tmp_path)
    assert not any((tmp_path / name).exists() for name in found)
    assert (tmp_path / "iron man/notes.txt").exists()
    assert (tmp_path / "iron man/.hidden.jpg").exists()
    assert clean_folder(tmp_path)[1] == []


def test_a_cache_reads_only_the_files_that_changed(tmp_path):
    (tmp_path / "a").mkdir()
    kept, changed = tmp_path / "a" / "kept.png", tmp_path / "a" / "changed.png"
    kept.write_bytes(encode(picture(1), "PNG"))
    changed.write_bytes(encode(picture(2), "PNG"))
    cache = {}
    first, _ = clean_folder(tmp_path, remove=False, cache=cache)
    # the same size and time: the cache answers without reading the file again
    stat = kept.stat()
    kept.write_bytes(b"x" * stat.st_size)
    os.utime(kept, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    changed.write_bytes(encode(picture(3), "PNG"))
    index, rejected = clean_folder(tmp_path, remove=False, cache=cache)
    assert rejected == [] and sorted(index.names.values()) == ["a/changed.png", "a/kept.png"]
    assert index.dhashes != first.dhashes  # changed.png was read again
    assert clean_folder(tmp_path, remove=False)[1][0][0] == "a/kept.png"  # no cache: read


def test_summarise():
    assert summarise({"too small": 1, "duplicate": 2}) == "2 duplicate, 1 too small"
