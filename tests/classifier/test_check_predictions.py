"""check_predictions: rows whose files went missing, and files that no row names."""

import io
import os
import time

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from PIL import Image

from classifier.models import Prediction


def red_circle(shapes_dir):
    return (shapes_dir / "red_circle" / "000.png").read_bytes()


def check(*args):
    out = io.StringIO()
    call_command("check_predictions", *args, stdout=out, verbosity=0)
    return out.getvalue()


def stray_file(name, data=b"stray", age=7200):
    path = default_storage.path(name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    os.utime(path, (time.time() - age, time.time() - age))
    return name


@pytest.fixture
def damaged(client, shapes_classifier, shapes_dir, settings, tmp_path):
    """Five predictions, four with files taken away, and stray files old and new."""
    settings.MEDIA_ROOT = tmp_path  # the files of this test only
    for _ in range(5):
        response = client.post(
            "/", {"classifier": "shapes", "image": io.BytesIO(red_circle(shapes_dir))}
        )
        assert response.status_code == 302
    intact, no_thumbnail, nothing, no_original, unreadable = Prediction.objects.order_by("pk")
    for prediction in (no_thumbnail, nothing, unreadable):
        default_storage.delete(prediction.thumbnail.name)
    for prediction in (nothing, no_original):
        default_storage.delete(prediction.original.name)
    with open(unreadable.original.path, "wb") as f:
        f.write(b"not an image any more")
    strays = {
        "old": stray_file("predictions/originals/2020/01/old.png"),
        "partial": stray_file("predictions/thumbnails/2020/01/.partial-0123-x.jpg"),
        "young": stray_file("predictions/originals/2020/01/young.png", age=0),
    }
    return (intact, no_thumbnail, nothing, no_original, unreadable), strays


def state(prediction):
    prediction.refresh_from_db()
    return prediction.thumbnail.name, prediction.original.name, prediction.image_lost


def test_without_repair_it_reports_and_changes_nothing(damaged):
    predictions, strays = damaged
    before = [state(p) for p in predictions]
    report = check()
    assert "Checked 5 predictions." in report
    # Without repair, the unreadable original is not opened: its thumbnail counts as drawable.
    assert (
        "2 thumbnails not drawn yet or lost (to be drawn from the original with --repair); "
        f"ids: {predictions[1].pk}, {predictions[4].pk}"
    ) in report
    assert (
        "2 predictions whose files cannot come back (to be marked image lost with --repair); "
        f"ids: {predictions[2].pk}, {predictions[3].pk}"
    ) in report
    assert "2 files that no prediction names (to be deleted with --repair)" in report
    assert [state(p) for p in predictions] == before
    assert all(default_storage.exists(name) for name in strays.values())


def test_repair_redraws_marks_lost_and_deletes_strays(damaged, admin_client):
    (intact, no_thumbnail, nothing, no_original, unreadable), strays = damaged
    intact_state = state(intact)
    report = check("--repair")
    assert f"ids: {no_thumbnail.pk}" in report and "(drawn from the original)" in report
    assert (
        "3 predictions whose files cannot come back (marked image lost); "
        f"ids: {nothing.pk}, {no_original.pk}, {unreadable.pk}"
    ) in report
    assert "2 files that no prediction names (deleted)" in report

    assert state(intact) == intact_state
    thumbnail, original, lost = state(no_thumbnail)
    assert not lost and default_storage.exists(thumbnail)
    assert Image.open(default_storage.open(thumbnail)).format == "JPEG"
    assert default_storage.exists(original)
    assert state(nothing) == ("", "", True)
    thumbnail, original, lost = state(no_original)
    assert lost and original == "" and default_storage.exists(thumbnail)
    thumbnail, original, lost = state(unreadable)
    assert lost and thumbnail == "" and default_storage.exists(original)
    assert not default_storage.exists(strays["old"])
    assert not default_storage.exists(strays["partial"])
    assert default_storage.exists(strays["young"])  # its row may be about to commit

    assert "Every prediction has its files" in check("--repair")
    assert "1 files that no prediction names (deleted)" in check("--repair", "--min-age", "0")

    # What staff and the visitor see of a lost image: a message, never a broken link.
    listing = admin_client.get("/admin/classifier/prediction/?image_lost__exact=1")
    assert listing.status_code == 200
    assert listing.content.decode().count("image lost") >= 2
    assert len(listing.context["cl"].result_list) == 3
    assert admin_client.get(f"/predictions/{nothing.pk}/thumbnail.jpg").status_code == 404
    assert admin_client.get(f"/predictions/{nothing.pk}/heatmap.png").status_code == 404
    page = admin_client.get(f"/predictions/{nothing.pk}/")
    assert page.status_code == 200 and "no longer stored" in page.content.decode()
    assert admin_client.get(f"/predictions/{no_thumbnail.pk}/thumbnail.jpg").status_code == 200


def test_a_negative_min_age_is_refused(db):
    with pytest.raises(CommandError, match="--min-age"):
        check("--min-age", "-5")
