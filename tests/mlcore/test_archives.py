import io
import stat
import struct
import zipfile

import pytest

from mlcore.storage.archives import ArchiveError, ClassFolders, Limits

SMALL = Limits(files=10, total_bytes=10_000, member_bytes=4_000, ratio=20, ratio_floor=1_000)


def make_zip(members, compression=zipfile.ZIP_DEFLATED):
    """A zip of {name: bytes}; a ZipInfo key is written as it is (links, modes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    out.seek(0)
    return out


def entry(name, mode):
    info = zipfile.ZipInfo(name)
    info.external_attr = mode << 16
    return info


def read_all(source, limits=SMALL):
    with ClassFolders(source, limits) as archive:
        return list(archive)


def test_reads_class_folders():
    source = make_zip({"cats/a.jpg": b"A", "cats/b.jpg": b"B", "dogs/c.png": b"C"})
    assert read_all(source) == [
        ("cats", "a.jpg", b"A"),
        ("cats", "b.jpg", b"B"),
        ("dogs", "c.png", b"C"),
    ]


def test_one_wrapping_folder_is_unwrapped_and_junk_ignored():
    source = make_zip(
        {
            "pets/": b"",
            "pets/cats/a.jpg": b"A",
            "pets/dogs/b.jpg": b"B",
            "__MACOSX/pets/cats/._a.jpg": b"junk",
            "pets/.DS_Store": b"junk",
            "pets/cats/.hidden.jpg": b"junk",
            "pets/dogs/Thumbs.db": b"junk",
        }
    )
    assert read_all(source) == [("cats", "a.jpg", b"A"), ("dogs", "b.jpg", b"B")]


def test_a_single_class_folder_is_a_class_not_a_wrapper():
    assert read_all(make_zip({"cats/a.jpg": b"A"})) == [("cats", "a.jpg", b"A")]


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"a.jpg": b"A", "cats/b.jpg": b"B"}, "'a.jpg' is not in a class folder"),
        ({"cats/more/a.jpg": b"A", "dogs/b.jpg": b"B"}, "'cats/more/a.jpg' is not in a class"),
        ({"cats/../../etc/passwd": b"x"}, "points outside the folder"),
        ({"cats\\..\\..\\evil.jpg": b"x"}, "points outside the folder"),
        ({"/etc/cats/a.jpg": b"x"}, "is an absolute path"),
        ({"C:/cats/a.jpg": b"x"}, "is an absolute path"),
        ({}, "holds no images"),
        ({"__MACOSX/cats/a.jpg": b"x"}, "holds no images"),
    ],
)
def test_bad_layouts_and_paths_are_refused(members, message):
    with pytest.raises(ArchiveError, match=message):
        read_all(make_zip(members))


def test_links_and_special_files_are_refused():
    for mode, message in ((stat.S_IFLNK | 0o777, "symbolic link"), (stat.S_IFIFO, "not a reg")):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("cats/a.jpg", b"A")
            archive.writestr(entry("cats/link.jpg", mode), b"/etc/passwd")
        with pytest.raises(ArchiveError, match=message):
            read_all(out)


def test_too_many_files():
    members = {f"cats/{i}.jpg": b"x" for i in range(11)}
    with pytest.raises(ArchiveError, match="holds 11 entries; at most 10"):
        read_all(make_zip(members))


def test_a_member_too_large_or_too_much_in_all():
    with pytest.raises(ArchiveError, match=r"'cats/a.jpg' is .* over the .* limit for one image"):
        read_all(make_zip({"cats/a.jpg": bytes(range(256)) * 20}, zipfile.ZIP_STORED))
    members = {f"cats/{i}.jpg": bytes(range(256)) * 12 for i in range(4)}
    with pytest.raises(ArchiveError, match="expands to more than"):
        read_all(make_zip(members, zipfile.ZIP_STORED))


def test_a_bomb_is_refused_by_its_ratio():
    with pytest.raises(ArchiveError, match=r"expands .* times, more than 20 times: .* zip bomb"):
        read_all(make_zip({"cats/a.bmp": bytes(3_000)}))
    many = {f"cats/{i}.bmp": bytes(900) for i in range(5)}  # each under the floor, not in all
    with pytest.raises(ArchiveError, match=r"The zip expands .* zip bomb"):
        read_all(make_zip(many))


# Where a zip header keeps the length of its file name, the name and the uncompressed size.
HEADERS = [
    (b"PK\x03\x04", 26, 30, 22),  # local file header
    (b"PK\x01\x02", 28, 46, 24),  # central directory entry
]


def lie_about_sizes(data, name, size):
    """The zip with name's uncompressed size in both its headers set to size."""
    data = bytearray(data)
    encoded = name.encode()
    for signature, name_length_at, name_at, size_at in HEADERS:
        header = data.find(signature)
        while header != -1:
            length = struct.unpack_from("<H", data, header + name_length_at)[0]
            if data[header + name_at : header + name_at + length] == encoded:
                struct.pack_into("<I", data, header + size_at, size)
            header = data.find(signature, header + 4)
    return io.BytesIO(bytes(data))


def test_a_lying_header_is_caught_while_reading():
    honest = make_zip({"cats/a.jpg": b"A", "cats/b.jpg": bytes(range(256)) * 200}).getvalue()
    source = lie_about_sizes(honest, "cats/b.jpg", 100)
    limits = Limits(files=10, total_bytes=1000, member_bytes=1000)
    with ClassFolders(source, limits) as archive:
        assert [member.name for member in archive.members] == ["a.jpg", "b.jpg"]
        assert archive.read(archive.members[0]) == b"A"
        with pytest.raises(ArchiveError, match=r"'cats/b.jpg' .* the zip is (forged or )?damaged"):
            archive.read(archive.members[1])


@pytest.mark.parametrize("data", [b"", b"not a zip at all", b"PK\x03\x04broken"])
def test_not_a_zip(data):
    with pytest.raises(ArchiveError, match="not a zip file"):
        read_all(io.BytesIO(data))


def test_encrypted_members_are_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        info = zipfile.ZipInfo("cats/a.jpg")
        archive.writestr(info, b"A")
    data = bytearray(out.getvalue())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        struct.pack_into("<H", data, at + offset, 1)  # the "encrypted" flag bit
    with pytest.raises(ArchiveError, match="encrypted"):
        read_all(io.BytesIO(bytes(data)))
