"""Collecting a class's images from the web in a task: scrape_images against a local gallery,
a clear message where the web cannot be reached, cancelling, and a killed worker's job."""

import pytest
from django.utils import timezone

from classifier import datasets
from studio import collecting, jobs, runner
from studio.models import CollectionJob
from tests.classifier.test_scrape_images import needs_chromium, site  # noqa: F401 - a fixture
from tests.studio.test_training import dead_worker

pytestmark = pytest.mark.django_db
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CLOSED_PORT = "http://127.0.0.1:9/gallery.html"  # the discard port: nothing listens there


@pytest.fixture
def shapes(settings, tmp_path):
    settings.DATASETS_DIR = tmp_path / "datasets"
    settings.TASKS = IMMEDIATE
    return datasets.create_classifier("Shapes", "shapes", ["circles", "squares"])


def test_a_machine_without_internet_says_so(
    admin_client, shapes, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/studio/shapes/collect/", {"label": "circles", "queries": CLOSED_PORT, "count": 5}
        )
    assert response.status_code == 302
    job = CollectionJob.objects.get()
    assert job.status == CollectionJob.Status.FAILED and job.finished
    assert job.queries == [CLOSED_PORT] and job.task_id
    assert job.log.startswith("This machine cannot reach the web (127.0.0.1:9: ")
    assert job.log.endswith(": collect images where there is internet, or upload them.")
    page = admin_client.get("/studio/shapes/").content.decode()
    assert "cannot reach the web" in page and "Failed" in page
    assert not any((datasets.folder(shapes) / "circles").iterdir())


@needs_chromium
def test_a_collection_fills_the_class_from_a_gallery(
    shapes,
    site,  # noqa: F811 - the fixture imported above
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.start_collection(shapes, "circles", [f"{site.url}/gallery.html"], 4)
    job.refresh_from_db()
    assert job.status == CollectionJob.Status.SUCCEEDED, job.log
    assert "'circles' has 3 of 4 images" in job.log and "the results ran out" in job.log
    assert [group.count for group in datasets.classes(shapes)] == [3, 0]


def test_the_form_refuses_mixed_queries_and_bad_counts(admin_client, shapes):
    for data, message in [
        ({"queries": f"cats\n{CLOSED_PORT}", "count": 5}, "either searches or gallery page"),
        ({"queries": "cats", "count": 0}, "greater than or equal to 1"),
        ({"queries": "", "count": 5}, "This field is required."),
        ({"queries": "cats", "count": 5, "label": "dogs"}, "Select a valid choice."),
    ]:
        response = admin_client.post("/studio/shapes/collect/", {"label": "circles", **data})
        assert response.status_code == 400
        assert message in response.content.decode()
    assert not CollectionJob.objects.exists()


def test_engines_and_the_hosts_they_start_at():
    assert collecting.engine_for(["iron man", "hulk"]) == "bing"
    assert collecting.engine_for(["https://example.org/a", "http://x:8080/b"]) == "gallery"
    assert collecting.hosts("bing", ["iron man"]) == [("www.bing.com", 443)]
    urls = ["https://example.org/a", "https://example.org/b", "http://x:8080/b"]
    assert collecting.hosts("gallery", urls) == [("example.org", 443), ("x", 8080)]
    assert collecting.engine_for(["http://:99999/"]) == "bing"  # no host: a search, not a page


def test_a_queued_job_whose_task_no_longer_imports_is_failed_by_a_worker(
    admin_client, shapes, settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.start_collection(shapes, "circles", [CLOSED_PORT], 5)
    job.refresh_from_db()
    # Queued before the task moved (studio.collecting.collect_images is studio.tasks' now).
    DBTaskResult.objects.filter(id=job.task_id).update(task_path="studio.collecting.collect_images")
    page = admin_client.get("/studio/shapes/").content.decode()
    assert "Failed" in page and "The task queue could not run this job: " in page
    job.refresh_from_db()
    assert job.status == CollectionJob.Status.QUEUED  # the page only reads
    runner.reap(collecting.COLLECTION)  # what a worker does before each job it runs
    job.refresh_from_db()
    assert job.status == CollectionJob.Status.FAILED
    assert job.log.startswith("The task queue could not run this job: ")


def collection(shapes, status, **fields):
    return CollectionJob.objects.create(
        classifier=shapes, label="circles", queries=["cats"], count=5, status=status, **fields
    )


def test_a_collection_whose_worker_died_shows_failed_and_a_worker_records_it(admin_client, shapes):
    job = collection(shapes, "running", worker=dead_worker(), heartbeat=timezone.now())
    page = admin_client.get("/studio/shapes/").content.decode()
    assert "stopped while collecting (killed or crashed)" in page
    assert "the images it had kept stay in the dataset. Start the collection again." in page
    assert 'hx-trigger="every 3s"' not in page  # nothing left to wait for
    job.refresh_from_db()
    assert job.status == "running"  # the page only reads
    runner.reap(collecting.COLLECTION)
    job.refresh_from_db()
    assert job.status == "failed" and job.finished
    assert "stopped while collecting" in job.log


def test_staff_cancel_a_queued_collection_at_once_and_a_running_one_at_its_next_image(
    admin_client, shapes
):
    queued = collection(shapes, "queued")
    running = collection(shapes, "running", worker=runner.this_worker(), heartbeat=timezone.now())
    page = admin_client.get("/studio/shapes/").content.decode()
    assert page.count("Cancel collecting 'circles'") == 2
    assert admin_client.post(f"/studio/shapes/collect/{queued.pk}/cancel").status_code == 302
    assert admin_client.post(f"/studio/shapes/collect/{running.pk}/cancel").status_code == 302
    queued.refresh_from_db()
    assert queued.status == "cancelled" and "Cancelled before it started." in queued.log
    running.refresh_from_db()
    assert running.status == "running" and running.cancel_requested
    with pytest.raises(runner.Cancelled):
        collecting.COLLECTION.progress(running)("collect", 1, 5)
    assert "Cancelling..." in admin_client.get("/studio/shapes/").content.decode()


def test_cancelling_another_classifiers_collection_or_by_get_is_refused(
    admin_client, client, shapes
):
    job = collection(shapes, "queued")
    assert admin_client.post(f"/studio/other/collect/{job.pk}/cancel").status_code == 404
    assert admin_client.get(f"/studio/shapes/collect/{job.pk}/cancel").status_code == 405
    assert client.post(f"/studio/shapes/collect/{job.pk}/cancel").status_code == 302  # to login
    job.refresh_from_db()
    assert job.status == "queued" and not job.cancel_requested
