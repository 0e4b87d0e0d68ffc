"""Property: `mlcore.storage.bundles.read`, the reader behind `import_model`, reads every bundle
`export_model` writes exactly, also re-zipped by another tool (members reordered, stored
uncompressed, folder entries added); a mutated one (bytes flipped, truncated, members renamed,
added, left out or repeated, its bundle.json edited) is read exactly as exported or refused with
BundleError, never misread and never another exception; `import_model` records nothing then."""

import io
import json
import tempfile
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import strategies as st

from classifier.models import ModelVersion
from mlcore.storage import bundles
from tests.properties import as_file, bounded

pytestmark = pytest.mark.filterwarnings("ignore:Duplicate name:UserWarning")
PROPERTY = bounded(80)
KINDS = ("classifier", "names")
FILE_NAME = st.text(st.sampled_from("abcdefghij_.0123456789"), min_size=1, max_size=12).filter(
    lambda name: name not in (".", "..")
)


@st.composite
def exported(draw):
    """(bundle bytes, the files it holds, its record) as export_model writes them."""
    files = draw(st.dictionaries(FILE_NAME, st.binary(max_size=300), min_size=1, max_size=5))
    record = {"number": draw(st.integers(1, 99)), "labels": draw(st.lists(FILE_NAME, max_size=4))}
    with tempfile.TemporaryDirectory() as folder:
        for name, data in files.items():
            (Path(folder) / name).write_bytes(data)
        out = Path(folder) / "bundle.zip"
        bundles.write(out, draw(st.sampled_from(KINDS)), record, folder, list(files))
        return out.read_bytes(), files, record


def members(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def zipped(entries, compression=zipfile.ZIP_DEFLATED):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return out.getvalue()


def read(data):
    """The bundle read from these bytes, or the refusal's message."""
    try:
        return bundles.read(io.BytesIO(data), KINDS)
    except bundles.BundleError as error:
        assert str(error)
        return str(error)


@PROPERTY
@given(exported(), st.data())
def test_a_bundle_as_exported_or_re_zipped_is_read_exactly(bundle, data):
    raw, files, record = bundle
    how = data.draw(st.sampled_from(["as written", "reordered", "stored", "with folders"]))
    entries = members(raw)
    if how == "reordered":
        raw = zipped(data.draw(st.permutations(entries)))
    elif how == "stored":
        raw = zipped(entries, zipfile.ZIP_STORED)
    elif how == "with folders":  # what `zip -r bundle.zip bundle.json files` writes
        raw = zipped([entries[0], (bundles.FOLDER, b""), *entries[1:]])
    read_back = read(raw)
    assert not isinstance(read_back, str), read_back
    assert read_back.files == files and read_back.meta["record"] == record


def mutate(raw, draw):
    entries = members(raw)
    kind = draw(
        st.sampled_from(["flip", "truncate", "rename", "add", "drop", "repeat", "manifest"])
    )
    if kind == "flip":
        at = draw(st.integers(0, len(raw) - 1))
        return raw[:at] + bytes([raw[at] ^ draw(st.integers(1, 255))]) + raw[at + 1 :], kind
    if kind == "truncate":
        return raw[: draw(st.integers(0, len(raw) - 1))], kind
    if kind == "rename":
        at = draw(st.integers(0, len(entries) - 1))
        name, data = entries[at]
        entries[at] = (name + draw(st.sampled_from(["x", ".bak", "/"])), data)
    elif kind == "add":
        entries.append((draw(st.sampled_from(["files/extra", "extra", "files/../x"])), b"x"))
    elif kind == "drop":
        entries.pop(draw(st.integers(0, len(entries) - 1)))
    elif kind == "repeat":  # a second member of the same name, different bytes: refused
        name, data = draw(st.sampled_from(entries))
        entries.insert(draw(st.integers(0, len(entries))), (name, data + b"!"))
    else:
        meta = json.loads(entries[0][1])
        key = draw(st.sampled_from(["format", "kind", "files", "size", "sha256"]))
        some = next(iter(meta["files"]))
        if key in ("size", "sha256"):
            meta["files"][some][key] = draw(st.sampled_from([0, 10**9, "0" * 64, None]))
        else:
            meta[key] = draw(st.sampled_from([2, "model", None, [], {"../x": {}}]))
        entries[0] = (bundles.MANIFEST, json.dumps(meta).encode())
    return zipped(entries), kind


@pytest.mark.django_db
@PROPERTY
@given(exported(), st.data())
def test_a_mutated_bundle_is_read_exactly_or_refused_and_records_nothing(bundle, data):
    raw, files, record = bundle
    mutated, kind = mutate(raw, data.draw)
    read_back = read(mutated)
    if kind == "repeat":
        assert "more than one" in read_back
    if not isinstance(read_back, str):
        assert read_back.files == files and read_back.meta["record"] == record
        return
    with (
        as_file(mutated, "bundle.zip") as path,
        pytest.raises(CommandError, match="is refused, nothing was recorded"),
    ):
        call_command("import_model", str(path), stdout=io.StringIO())
    assert not ModelVersion.objects.exists()
