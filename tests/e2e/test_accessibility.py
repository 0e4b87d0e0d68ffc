"""axe-core on every page of the site, a visitor's and staff's, on a phone and a desktop: no serious
or critical violation anywhere."""

import pytest
import requests

from heroes.bundled import BUNDLED_DETAILS, BUNDLED_POWERS
from tests.e2e.conftest import make_staff
from tests.e2e.test_admin import log_in

VISITOR_PAGES = [
    "/",
    "/names/",
    "/heroes/",
    "/heroes/clusters/1/",
    "/heroes/search/?q=bat",
    "/heroes/build/",
    "/classifiers/shapes/",
    "/api/",
]
STAFF_PAGES = [
    "/studio/",
    "/studio/shapes/",
    "/studio/shapes/train/",
    "/studio/shapes/review/",
    "/admin/",
    "/admin/classifier/prediction/",
    "/admin/classifier/prediction/?q=red_circle",
    "/admin/classifier/modelversion/",
    "/admin/heroes/herosnapshot/",
    "/admin/classifier/modelversion/1/change/",
    "/admin/classifier/imageclassifier/1/change/",
]


@pytest.fixture(scope="module", autouse=True)
def content(site, shapes_dir):
    """Heroes to show, one prediction to review, a collection running (its Cancel button on the
    studio's page) and a staff user; returns the prediction's id."""
    site.manage("import_hero_powers", str(BUNDLED_POWERS), str(BUNDLED_DETAILS))
    make_staff(site, "axe-staff", "e2e-staff-password")
    site.shell(
        "import socket; from django.utils import timezone; "
        "from classifier.models import ImageClassifier; from studio.models import CollectionJob; "
        "CollectionJob.objects.create(classifier=ImageClassifier.objects.get(slug='shapes'), "
        "label='red_circle', queries=['red circles'], count=20, status='running', "
        "worker=f'{socket.gethostname()}:1', heartbeat=timezone.now())"
    )
    with (shapes_dir / "red_circle" / "000.png").open("rb") as file:
        response = requests.post(
            f"{site.url}/api/classify/shapes", files={"image": file}, timeout=60
        )
    response.raise_for_status()
    return response.json()["prediction_id"]


@pytest.fixture
def scripted(browser):
    """axe-core runs as a script in the page: the tests need the browser with JavaScript."""
    if not browser.javascript:
        pytest.skip("axe-core runs in the page, so only with JavaScript on")
    return browser


@pytest.mark.parametrize("path", VISITOR_PAGES)
def test_visitor_pages(scripted, path):
    scripted.go(path)
    scripted.assert_accessible(path)


def test_a_prediction_and_a_hero(scripted, content):
    for path in (f"/predictions/{content}/", "/heroes/batman/"):
        scripted.go(path)
        scripted.assert_accessible(path)


@pytest.mark.parametrize("path", [*STAFF_PAGES, "prediction change page"])
def test_staff_pages(scripted, content, path):
    scripted.go("/admin/")
    if scripted.find_all("#id_username"):
        log_in(scripted, "axe-staff", "e2e-staff-password")
    if path == "prediction change page":
        path = f"/admin/classifier/prediction/{content}/change/"
    scripted.go(path)
    scripted.assert_accessible(path)


def test_a_running_collection_shows_its_cancel_button_on_a_phone_and_a_desktop(browser, content):
    browser.go("/admin/")
    if browser.find_all("#id_username"):
        log_in(browser, "axe-staff", "e2e-staff-password")
    browser.go("/studio/shapes/")
    button = browser.find("#collections form button")
    assert button.text == "Cancel collecting 'red_circle'"
    browser.check_layout("studio-collection", scroll_to=button)
    assert button.is_displayed()
