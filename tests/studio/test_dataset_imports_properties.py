"""Property: the studio's zips and uploads, and `clean_dataset`, put every image they accept in
its class byte for byte and nothing else: a zip in a layout the studio reads (CLASS/IMAGE, all in
one folder, stored or deflated, with __MACOSX junk) adds exactly its images; a mutated one
(bytes flipped, truncated, a member repeated, renamed to no class, moved a folder deeper) adds
only images it holds, each in the class it was under, or is refused with a 4xx that names the
problem and writes nothing. Uploads likewise, damaged or renamed files turned away by name."""

import hashlib
import io
import shutil
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from classifier import datasets
from tests.pictures import encode, picture
from tests.properties import bounded

pytestmark = pytest.mark.django_db
CLASSES = ("circles", "squares")
PROPERTY = bounded(20)


@pytest.fixture
def root(settings, tmp_path):
    settings.DATASETS_DIR = tmp_path / "datasets"
    settings.MEDIA_ROOT = tmp_path / "media"
    datasets.create_classifier("Shapes", "shapes", list(CLASSES))
    return settings.DATASETS_DIR / "shapes"


def empty(root):
    for label in CLASSES:
        shutil.rmtree(root / label, ignore_errors=True)
        (root / label).mkdir()


def digest(data):
    return hashlib.sha256(data).hexdigest()


def stored(root):
    """{class: sorted sha256 of its files}."""
    return {
        label: sorted(digest(path.read_bytes()) for path in (root / label).iterdir())
        for label in CLASSES
    }


@st.composite
def images(draw):
    """{class: [image bytes]}: pictures unlike each other, JPEG or PNG, at least 100 px."""
    seeds = draw(st.lists(st.integers(0, 10**6), min_size=2, max_size=6, unique=True))
    return {
        label: [
            encode(picture(seed, size=(128, 104)), draw(st.sampled_from(["JPEG", "PNG"])))
            for seed in seeds[i :: len(CLASSES)]
        ]
        for i, label in enumerate(CLASSES)
    }


def extension(image):
    return "png" if image.startswith(b"\x89PNG") else "jpg"


def zipped(entries, compression):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return out.getvalue()


def within(result, sent):
    """Every stored file is one sent in its class."""
    return all(set(result[label]) <= {digest(d) for d in sent[label]} for label in CLASSES)


@PROPERTY
@given(images(), st.data())
def test_a_zip_adds_exactly_its_images_or_is_refused_whole(admin_client, root, sent, data):
    empty(root)
    top = data.draw(st.sampled_from(["", "shapes/"]))
    entries = [
        (f"{top}{label}/{i}.{extension(image)}", image)
        for label, batch in sent.items()
        for i, image in enumerate(batch)
    ]
    entries = data.draw(st.permutations(entries))
    if data.draw(st.booleans()):
        entries.append((f"__MACOSX/{top}circles/._0.jpg", b"\x00\x05\x16\x07junk"))
    compression = data.draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]))
    raw = zipped(entries, compression)
    mutation = data.draw(
        st.sampled_from(["none", "flip", "truncate", "repeat", "no class", "deeper"])
    )
    if mutation == "flip":
        at = data.draw(st.integers(0, len(raw) - 1))
        raw = raw[:at] + bytes([raw[at] ^ 0xFF]) + raw[at + 1 :]
    elif mutation == "truncate":
        raw = raw[: data.draw(st.integers(0, len(raw) - 1))]
    elif mutation == "repeat":
        raw = zipped([*entries, entries[0]], compression)
    elif mutation == "no class":
        name, image = entries.pop(0)
        raw = zipped([*entries, (f"{top}dogs/x.jpg", image)], compression)
    elif mutation == "deeper":
        name, image = entries.pop(0)
        folder, _, file = name.rpartition("/")
        raw = zipped([*entries, (f"{folder}/deeper/{file}", image)], compression)
    response = admin_client.post(
        "/studio/shapes/zip/", {"archive": SimpleUploadedFile("s.zip", raw)}
    )
    result = stored(root)
    if response.status_code >= 400:
        assert 400 <= response.status_code < 500
        assert "zip" in response.content.decode().lower()
        assert result == {label: [] for label in CLASSES}
        return
    assert response.status_code == 302
    assert within(result, sent)
    if mutation == "none":
        assert result == {label: sorted(map(digest, sent[label])) for label in CLASSES}
    elif mutation == "deeper":
        pytest.fail("a folder below a class folder must refuse the zip")


@PROPERTY
@given(images(), st.data())
def test_uploads_store_exactly_the_good_images_and_name_the_rest(admin_client, root, sent, data):
    empty(root)
    batch = list(sent["circles"])
    bad = data.draw(st.lists(st.sampled_from(["truncated", "text", "tiny", "repeat"]), max_size=3))
    uploads = [SimpleUploadedFile(f"good{i}.jpg", image) for i, image in enumerate(batch)]
    for i, kind in enumerate(bad):
        content = {
            "truncated": batch[0][: len(batch[0]) // 3],
            "text": b"name,label\nx,circles\n",
            "tiny": encode(picture(i, size=(40, 30))),
            "repeat": batch[0],
        }[kind]
        uploads.append(SimpleUploadedFile(f"bad{i}.jpg", content))
    response = admin_client.post(
        "/studio/shapes/images/", {"label": "circles", "images": uploads}, follow=True
    )
    assert response.status_code == 200
    result = stored(root)
    assert result == {"circles": sorted(map(digest, batch)), "squares": []}
    page = response.content.decode()
    for i, _ in enumerate(bad):
        assert f"bad{i}.jpg" in page


@PROPERTY
@given(sent=images(), data=st.data())
def test_clean_dataset_removes_exactly_what_is_bad(tmp_path_factory, sent, data):
    folder = tmp_path_factory.mktemp("clean")
    good = {}
    for label, batch in sent.items():
        (folder / label).mkdir()
        for i, image in enumerate(batch):
            (folder / label / f"{i}.{extension(image)}").write_bytes(image)
            good[f"{label}/{i}.{extension(image)}"] = image
    bad = data.draw(st.lists(st.sampled_from(["truncated", "text", "tiny", "copy"]), max_size=3))
    first = next(iter(good.values()))
    for i, kind in enumerate(bad):
        content = {
            "truncated": first[: len(first) // 3],
            "text": b"not an image",
            "tiny": encode(picture(i, size=(40, 30))),
            "copy": first,
        }[kind]
        (folder / "squares" / f"z{i}.jpg").write_bytes(content)

    def files():
        return {
            path.relative_to(folder).as_posix(): path.read_bytes()
            for path in folder.rglob("*")
            if path.is_file()
        }

    before = files()
    out = io.StringIO()
    call_command("clean_dataset", str(folder), dry_run=True, stdout=out, verbosity=0)
    assert files() == before
    assert f"Would remove {len(bad)} of {len(before)} images" in out.getvalue()
    call_command("clean_dataset", str(folder), stdout=io.StringIO(), verbosity=0)
    assert files() == good
