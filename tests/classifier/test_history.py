"""A long history: feedback figures kept as counters equal a recount of the rows, the admin's
prediction list reads indexes (no full count, no date truncation of every row, no LIKE: the
paginator and date drill-down of classifier.selectors), and prune_predictions deletes old rows in
batches."""

import hashlib
import random
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from classifier import feedback, ownership, selectors
from classifier.models import ModelVersion, Prediction
from tests.factories import make_version

pytestmark = pytest.mark.django_db
LIST = "/admin/classifier/prediction/"


def add_predictions(version, count, label="a", days_ago=0, **fields):
    created = timezone.now() - timedelta(days=days_ago)
    rows = Prediction.objects.bulk_create(
        Prediction(
            classifier=version.classifier,
            version=version,
            thumbnail="t.jpg",
            sha256=hashlib.sha256(f"{label} {days_ago} {i}".encode()).hexdigest(),
            size_bytes=1,
            probabilities={label: 1.0},
            label=label,
            probability=1.0,
            latency_ms=1,
            **{"unsure": False, **fields},
        )
        for i in range(count)
    )
    # auto_now_add sets created on save; move the rows in time afterwards
    Prediction.objects.filter(pk__in=[row.pk for row in rows]).update(created=created)
    return list(Prediction.objects.filter(pk__in=[row.pk for row in rows]))


def kept(version):
    version.refresh_from_db()
    return version.feedback_count, version.feedback_right


def recounted():
    """{version id: (verdicts, right)} counted from the rows, every version present."""
    counts = feedback.feedback_counts(Prediction.objects.all())
    return {v.pk: counts.get(v.pk, (0, 0)) for v in ModelVersion.objects.all()}


def counters():
    return {v.pk: (v.feedback_count, v.feedback_right) for v in ModelVersion.objects.all()}


def test_counters_equal_a_recount_after_predictions_feedback_and_changed_feedback(
    shapes_classifier, trained_shapes
):
    first = shapes_classifier.versions.get()
    second = make_version(shapes_classifier, trained_shapes[0], number=2, active=False)
    rows = add_predictions(first, 40) + add_predictions(second, 30)
    rng = random.Random(0)
    for _ in range(300):
        prediction = rng.choice(rows)
        feedback.give_feedback(prediction, rng.random() < 0.6, "b")
        if rng.random() < 0.2:  # new predictions keep arriving meanwhile, without verdicts
            rows += add_predictions(rng.choice([first, second]), 1)
    assert counters() == recounted()
    assert sum(count for count, _ in counters().values()) == (
        Prediction.objects.exclude(feedback="").count()
    )
    version = selectors.with_feedback(ModelVersion.objects.filter(pk=first.pk)).get()
    count, right = recounted()[first.pk]
    assert version.feedback_count == count and version.feedback_accuracy == right / count


def test_a_changed_verdict_moves_the_counters_and_a_repeated_one_does_not(shapes_classifier):
    version = shapes_classifier.versions.get()
    (prediction,) = add_predictions(version, 1)
    feedback.give_feedback(prediction, True)
    assert kept(version) == (1, 1)
    feedback.give_feedback(prediction, True)
    assert kept(version) == (1, 1)
    feedback.give_feedback(prediction, False, "b")
    assert kept(version) == (1, 0)
    prediction.refresh_from_db()
    assert (prediction.feedback, prediction.feedback_label) == ("wrong", "b")
    feedback.give_feedback(prediction, True)
    assert kept(version) == (1, 1)


def test_feedback_through_the_page_updates_the_model_page(client, shapes_classifier):
    version = shapes_classifier.versions.get()
    (prediction,) = add_predictions(version, 1, label="red_circle")
    session = client.session
    session[ownership.OWN_PREDICTIONS] = [prediction.pk]
    session.save()
    client.post(f"/predictions/{prediction.pk}/feedback", {"verdict": "correct"})
    assert kept(version) == (1, 1)
    assert "100% of 1" in client.get("/classifiers/shapes/").content.decode()


def test_recount_feedback_repairs_counters(shapes_classifier):
    version = shapes_classifier.versions.get()
    add_predictions(version, 3, feedback="correct")
    add_predictions(version, 2, feedback="wrong")
    ModelVersion.objects.filter(pk=version.pk).update(feedback_count=50, feedback_right=1)
    call_command("recount_feedback")
    assert kept(version) == (5, 3)


def test_pruning_rows_deletes_old_predictions_in_batches_and_their_verdicts(
    shapes_classifier, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    version = shapes_classifier.versions.get()
    old = add_predictions(version, 7, days_ago=400, feedback="correct")
    old += add_predictions(version, 5, days_ago=400)
    recent = add_predictions(version, 4, days_ago=10, feedback="wrong")
    (tmp_path / "t.jpg").write_bytes(b"x")
    call_command("recount_feedback")
    with CaptureQueriesContext(connection) as captured:
        call_command(
            "prune_predictions",
            "--days",
            "30",
            "--delete-rows-days",
            "365",
            "--batch",
            "5",
            "--pause",
            "0",
        )
    deletes = [q["sql"] for q in captured if q["sql"].startswith("DELETE")]
    assert len(deletes) == 3  # 12 rows, 5 at a time
    assert set(Prediction.objects.values_list("pk", flat=True)) == {p.pk for p in recent}
    assert kept(version) == (4, 0) and counters() == recounted()


def test_pruning_rows_is_off_by_default(shapes_classifier):
    version = shapes_classifier.versions.get()
    add_predictions(version, 3, days_ago=4000)
    call_command("prune_predictions")
    assert Prediction.objects.count() == 3


def listing_queries(admin_client, url):
    with CaptureQueriesContext(connection) as captured:
        response = admin_client.get(url)
    assert response.status_code == 200, url
    return response.content.decode(), [q["sql"] for q in captured]


def test_the_prediction_list_reads_indexes_not_the_history(
    admin_client, shapes_classifier, monkeypatch
):
    monkeypatch.setattr(selectors.HistoryPaginator, "ESTIMATE_ABOVE", 10)
    version = shapes_classifier.versions.get()
    add_predictions(version, 150, label="red_circle", days_ago=500)
    add_predictions(version, 120, label="green_square", days_ago=3, unsure=True)
    urls = [
        LIST,
        f"{LIST}?p=2",
        f"{LIST}?unsure__exact=1",
        f"{LIST}?label__exact=red_circle",
        f"{LIST}?q=green_square",
        f"{LIST}?classifier__id__exact={shapes_classifier.pk}&version__id__exact={version.pk}",
    ]
    for url in urls:
        html, sql = listing_queries(admin_client, url)
        table = [q for q in sql if '"classifier_prediction"' in q]
        unfiltered_count = [q for q in table if "COUNT(" in q and "WHERE" not in q]
        assert not unfiltered_count, (url, unfiltered_count)
        assert not [q for q in table if "LIKE" in q or "DISTINCT" in q or "trunc" in q], url
    html, _ = listing_queries(admin_client, LIST)
    assert "about 270 predictions" in html
    html, _ = listing_queries(admin_client, f"{LIST}?unsure__exact=1")
    assert "120 predictions" in html and "about" not in html.split("120 predictions")[0][-20:]
    html, _ = listing_queries(admin_client, f"{LIST}?q=green_square")
    assert "120 predictions" in html


def test_the_prediction_lists_pages_deep_and_in_order(admin_client, shapes_classifier):
    version = shapes_classifier.versions.get()
    rows = add_predictions(version, 250, label="red_circle")
    for offset, row in enumerate(rows):
        Prediction.objects.filter(pk=row.pk).update(
            created=timezone.now() - timedelta(minutes=offset)
        )
    html, _ = listing_queries(admin_client, f"{LIST}?p=3")
    shown = [row.pk for row in rows if f"/admin/classifier/prediction/{row.pk}/change/" in html]
    assert shown == [row.pk for row in rows[200:250]]


def test_the_date_drill_down_lists_years_months_and_days_with_predictions(
    admin_client, shapes_classifier
):
    version = shapes_classifier.versions.get()
    now = timezone.now()
    for when in [now.replace(year=now.year - 2, month=3, day=14), now.replace(month=1, day=5)]:
        (row,) = add_predictions(version, 1)
        Prediction.objects.filter(pk=row.pk).update(created=when)
    html, sql = listing_queries(admin_client, LIST)
    assert f"created__year={now.year - 2}" in html and f"created__year={now.year - 1}" not in html
    assert not [q for q in sql if "trunc" in q.lower()]
    html, _ = listing_queries(admin_client, f"{LIST}?created__year={now.year - 2}")
    assert "created__month=3" in html and "created__month=4" not in html
    html, _ = listing_queries(admin_client, f"{LIST}?created__year={now.year - 2}&created__month=3")
    assert "created__day=14" in html and "created__day=15" not in html
    html, _ = listing_queries(
        admin_client, f"{LIST}?created__year={now.year - 2}&created__month=3&created__day=14"
    )
    assert "1 prediction" in html


def test_the_admin_searches_hashes_and_numbers_by_index(admin_client, shapes_classifier):
    version = shapes_classifier.versions.get()
    rows = add_predictions(version, 3, label="red_circle")
    target = rows[1]
    html, _ = listing_queries(admin_client, f"{LIST}?q={target.sha256[:12]}")
    assert "1 prediction" in html
    html, _ = listing_queries(admin_client, f"{LIST}?q=%23{target.pk}")
    assert "1 prediction" in html and f"/admin/classifier/prediction/{target.pk}/change/" in html
    Prediction.objects.filter(pk=target.pk).update(true_label="blue_triangle")
    html, _ = listing_queries(admin_client, f"{LIST}?q=blue_triangle")
    assert "1 prediction" in html


def test_a_filtered_list_counts_no_further_than_its_cap(
    admin_client, shapes_classifier, monkeypatch
):
    monkeypatch.setattr(selectors.HistoryPaginator, "COUNT_AT_MOST", 20)
    add_predictions(shapes_classifier.versions.get(), 25, label="red_circle")
    html, _ = listing_queries(admin_client, f"{LIST}?q=red_circle")
    assert "more than 20 predictions" in html
    html, _ = listing_queries(admin_client, f"{LIST}?q=red_circle&p=2")
    assert "more than 20 predictions" in html
    add_predictions(shapes_classifier.versions.get(), 3, label="blue_triangle")
    html, _ = listing_queries(admin_client, f"{LIST}?q=blue_triangle")
    assert "3 predictions" in html and "more than" not in html
