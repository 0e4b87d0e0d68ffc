"""Model bundles: export_model writes one file, import_model checks every byte of it and
records a new version that serves as the original did; damaged or forged bundles are refused
and leave nothing behind."""

import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command

from classifier.models import ModelVersion
from mlcore.storage import bundles
from namegen.models import NameModelVersion

pytestmark = pytest.mark.django_db


def classify(client, shapes_dir):
    image = (shapes_dir / "red_circle" / "000.png").open("rb")
    response = client.post("/api/classify/shapes", {"image": image})
    assert response.status_code == 200, response.content
    return response.json()


def rewrite(source, out, change):
    """A copy of the bundle source with change(name, data) -> data or None (left out)."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(out, "w") as copy:
        for info in original.infolist():
            data = change(info.filename, original.read(info))
            if data is not None:
                copy.writestr(info.filename, data)
    return out


@pytest.fixture
def classifier_bundle(shapes_classifier, tmp_path):
    out = tmp_path / "shapes.zip"
    call_command("export_model", "shapes", str(out), stdout=io.StringIO())
    return out


def test_a_classifier_travels_in_a_bundle_and_serves_the_same(
    client, classifier_bundle, shapes_dir
):
    before = classify(client, shapes_dir)
    with zipfile.ZipFile(classifier_bundle) as bundle:
        meta = json.loads(bundle.read("bundle.json"))
        assert {"files/model.tflite", "files/labels.json", "files/curves.png"} <= set(
            bundle.namelist()
        )
    assert meta["kind"] == "classifier" and meta["owner"]["slug"] == "shapes"
    assert "numpy" in meta["libraries"] and "model.keras" not in meta["files"]
    out = io.StringIO()
    call_command("import_model", str(classifier_bundle), activate=True, stdout=out)
    imported = ModelVersion.objects.get(active=True)
    assert imported.number == 2 and "Imported shapes v2 (active)" in out.getvalue()
    assert imported.labels == ModelVersion.objects.get(number=1).labels
    after = classify(client, shapes_dir)
    assert after["model_version"] == 2
    assert after["probabilities"] == pytest.approx(before["probabilities"], abs=1e-6)
    assert client.get("/classifiers/shapes/v2/confusion.png").status_code == 200


def test_the_name_generator_travels_in_a_bundle(client, name_model, tmp_path):
    out = tmp_path / "names.zip"
    call_command("export_model", "names", str(out), stdout=io.StringIO())
    call_command("import_model", str(out), activate=True, stdout=io.StringIO())
    assert NameModelVersion.objects.get(active=True).number == 2
    assert client.get("/api/names?count=3").json()["names"]


def forged(name, data):
    return data[:-1] + bytes([data[-1] ^ 1]) if name == "files/model.tflite" else data


def listed_elsewhere(name, data):
    if name != "bundle.json":
        return data
    meta = json.loads(data)
    meta["files"]["../../escape.py"] = meta["files"].pop("labels.json")
    return json.dumps(meta).encode()


def newer_format(name, data):
    return (
        json.dumps({**json.loads(data), "format": 99}).encode() if name == "bundle.json" else data
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (forged, "model.tflite is not the file that was exported"),
        (lambda name, data: None if name == "files/head.npz" else data, "missing: files/head.npz"),
        (listed_elsewhere, "lists its files wrongly"),
        (newer_format, "this site reads format 1"),
        (lambda name, data: None if name == "bundle.json" else data, "has no bundle.json"),
    ],
)
def test_damaged_or_forged_bundles_are_refused_and_record_nothing(
    classifier_bundle, tmp_path, settings, change, message
):
    bad = rewrite(classifier_bundle, tmp_path / "bad.zip", change)
    folder = settings.MODELS_DIR / "classifiers" / "shapes"
    before = sorted(p.name for p in folder.iterdir())
    with pytest.raises(CommandError, match="nothing was recorded") as refused:
        call_command("import_model", str(bad), stdout=io.StringIO())
    assert message in str(refused.value)
    assert ModelVersion.objects.count() == 1
    assert sorted(p.name for p in folder.iterdir()) == before


def test_members_that_would_leave_the_folder_or_are_too_large_are_refused(
    classifier_bundle, tmp_path, monkeypatch
):
    escaping = tmp_path / "escaping.zip"
    with zipfile.ZipFile(classifier_bundle) as bundle, zipfile.ZipFile(escaping, "w") as copy:
        for info in bundle.infolist():
            copy.writestr(info.filename, bundle.read(info))
        copy.writestr("../outside.txt", b"x")
    with pytest.raises(CommandError, match=r"points outside the folder"):
        call_command("import_model", str(escaping), stdout=io.StringIO())
    monkeypatch.setattr(bundles, "LIMITS", bundles.archives.Limits(files=64, member_bytes=1000))
    with pytest.raises(CommandError, match=r"over the .* limit"):
        call_command("import_model", str(classifier_bundle), stdout=io.StringIO())


def test_a_file_that_is_not_a_bundle_is_refused(tmp_path):
    text = tmp_path / "notes.zip"
    text.write_text("not a zip")
    with pytest.raises(CommandError, match="not a zip file"):
        call_command("import_model", str(text), stdout=io.StringIO())
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_model", str(tmp_path / "missing.zip"), stdout=io.StringIO())


def test_export_names_what_is_missing(shapes_classifier, tmp_path):
    with pytest.raises(CommandError, match="'shapes' has no version 7"):
        call_command("export_model", "shapes", str(tmp_path / "x.zip"), version=7)
    with pytest.raises(CommandError, match="'nope' has no active version"):
        call_command("export_model", "nope", str(tmp_path / "x.zip"))
