"""The training studio end to end: staff make a classifier in a real browser, add images, train
it twice on a real task worker (`manage.py db_worker`), watch the jobs, compare, activate, and
classify with it; visitors and posts without a CSRF token are kept out.

JavaScript only: the job page follows the training with HTMX (the page without JavaScript
refreshes itself, tested in tests/studio). About 80 s on two cores, the site's start included.
"""

import time

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

from mlcore.scraping import hygiene
from tests.e2e.conftest import make_staff
from tests.pictures import draw_shapes

SLUG, TITLE = "shapes-two", "Circles and squares"
CLASSES = {"circles": "red_circle", "squares": "green_square"}
PER_CLASS = 12
TINY = {  # a training of 10-20 s on two cores
    "backbone": "efficientnet_lite0",
    "epochs": "3",
    "fine_tune": "0",
    "augment_copies": "1",
    "input_size": "96",
    "test_fraction": "0.2",
    "cv": "0",  # proposed for so few images (below), but five more trainings would be slow here
}
TRAINING_SECONDS = 150  # the worker's first job also imports TensorFlow
JS_ONLY = pytest.mark.parametrize("browser", [True], indirect=True, ids=["js"])

# The job partial is replaced every 2 s: read it in one script, never through held elements.
JOB_STATE = """
const job = document.querySelector("#job");
if (!job) return null;
const text = (css) => (job.querySelector(css) || {textContent: ""}).textContent.trim();
return {
  status: text(".job-status"),
  stage: text("[role=status]"),
  bar: !!job.querySelector(".bar"),
  curves: job.querySelectorAll("svg.curve").length,
  log: text(".job-log pre"),
};
"""


@pytest.fixture(scope="module")
def staff(site):
    return make_staff(site, "studio-staff", "e2e-studio-password")


@pytest.fixture(scope="module")
def worker(site):
    """A real task worker on the site's database, as in production; it stops with the site."""
    return site.spawn("db_worker", "--no-reload", "--interval", "0.5", "--no-startup-delay")


@pytest.fixture(scope="module")
def images(tmp_path_factory):
    """PER_CLASS shapes per class, 128 px: the studio turns away images under 100 px and near
    copies (plain shapes often are), so the drawing is cleaned as the studio would."""
    root = draw_shapes(tmp_path_factory.mktemp("studio-shapes"), per_class=24, size=128, seed=1)
    hygiene.clean_folder(root, remove=True)
    chosen = {
        label: sorted((root / shape).glob("*.png"))[:PER_CLASS] for label, shape in CLASSES.items()
    }
    assert all(len(paths) == PER_CLASS for paths in chosen.values())
    return chosen


def worker_log(site):
    path = site.data_dir / "manage-db_worker.log"
    lines = path.read_text(errors="replace").splitlines() if path.exists() else []
    return "db_worker log (tail):\n" + "\n".join(lines[-40:])


def log_in(browser, username, password):
    """Logs in through the admin's form, unless this browser already is."""
    browser.go("/admin/")
    if browser.find_all("#logout-form"):
        return
    browser.find("#id_username").send_keys(username)
    browser.find("#id_password").send_keys(password)
    browser.find("input[type=submit]").click()
    browser.wait_for("#logout-form")


def see(browser, css, text):
    browser.wait(EC.text_to_be_present_in_element((By.CSS_SELECTOR, css), text))


def panel(browser, label):
    """The class's panel (HTMX replaces it after each upload)."""
    return browser.driver.find_element(
        By.XPATH, f"//section[contains(@class, 'class-panel')][.//h2[normalize-space()='{label}']]"
    )


def add_images(browser, label, paths):
    form = panel(browser, label)
    form.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys("\n".join(map(str, paths)))
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    report = (By.CSS_SELECTOR, ".report-line")
    return browser.wait(lambda _: panel(browser, label).find_element(*report))


def start_training(browser, seed):
    browser.go(f"/studio/{SLUG}/train/")
    form = browser.find("form.train-form")
    assert form.find_element(By.ID, "id_cv").get_attribute("value") == "5"  # a small dataset
    Select(form.find_element(By.ID, "id_backbone")).select_by_value(TINY["backbone"])
    for name, value in {**TINY, "seed": str(seed)}.items():
        if name != "backbone":
            field = form.find_element(By.ID, f"id_{name}")
            field.clear()
            field.send_keys(value)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    browser.wait(EC.url_matches(r"/studio/jobs/\d+/$"))
    return int(browser.driver.current_url.rstrip("/").rsplit("/", 1)[1])


def follow_job(browser, site, screenshot=None):
    """Watches the job page until the job ends; returns the running texts seen, in order.

    With screenshot, the page is checked at both widths once it trains (with its bar), and
    again once its curves show, if the training does not end first."""
    seen, shots, deadline = [], [], time.monotonic() + TRAINING_SECONDS
    while time.monotonic() < deadline:
        state = browser.driver.execute_script(JOB_STATE)
        if state and state["status"] == "Training":
            if not seen or seen[-1] != state["stage"]:
                seen.append(state["stage"])
            shot = f"{screenshot}-curves" if state["curves"] else screenshot
            if screenshot and state["bar"] and shot not in shots:
                browser.check_layout(shot)
                shots.append(shot)
        elif state and state["status"] not in ("", "Waiting for a worker"):
            assert state["status"] == "Trained", f"{state}\n{worker_log(site)}"
            return seen
        time.sleep(0.25)
    raise AssertionError(f"the job did not finish in {TRAINING_SECONDS} s\n{worker_log(site)}")


@JS_ONLY
def test_staff_make_train_compare_activate_and_use_a_classifier(
    browser, site, staff, worker, images, shapes_dir
):
    log_in(browser, *staff)
    browser.go("/")
    browser.find("#site-nav").find_element(By.LINK_TEXT, "Studio").click()
    see(browser, "h1", "Training studio")

    # A new classifier with two classes, from the index page's form.
    browser.find("#id_title").send_keys(TITLE)
    browser.find("#id_slug").send_keys(SLUG)
    browser.find("#id_classes").send_keys("circles\nsquares")
    browser.find("form[action$='/studio/create'] button[type=submit]").click()
    see(browser, ".messages", f"Created {TITLE}")
    assert browser.driver.current_url == f"{site.url}/studio/{SLUG}/"

    # Several images per class through one file input; a 72 px one is turned away, named.
    too_small = shapes_dir / "red_circle" / "000.png"
    report = add_images(browser, "circles", [*images["circles"], too_small])
    assert report.text == f"Added {PER_CLASS} images; turned away 1:"
    rejected = panel(browser, "circles").find_element(By.CSS_SELECTOR, ".rejected").text
    assert rejected.startswith("000.png: too small")
    report = add_images(browser, "squares", images["squares"])
    assert report.text == f"Added {PER_CLASS} images."
    for label in CLASSES:
        shown = panel(browser, label)
        assert shown.find_element(By.CSS_SELECTOR, ".class-head").text.endswith(
            f"{PER_CLASS} images"
        )
        assert len(shown.find_elements(By.CSS_SELECTOR, ".tile img")) == PER_CLASS
    browser.check_layout("studio-dataset", scroll_to=browser.find(".site-header"))
    browser.go("/studio/")
    tags = {tag.text for tag in browser.find_all(".studio-item .tag")}
    assert {f"circles {PER_CLASS}", f"squares {PER_CLASS}"} <= tags
    browser.check_layout("studio-index")

    # The first training: nothing is active yet, so nothing to compare with.
    browser.go(f"/studio/{SLUG}/")
    browser.find(".studio-actions").find_element(By.LINK_TEXT, "Train").click()
    see(browser, "h1", f"Train {TITLE}")
    browser.check_layout("studio-train")
    first = start_training(browser, seed=0)
    stages = follow_job(browser, site, screenshot="studio-job-running")
    assert len(stages) >= 2, f"the job's progress never changed on the page: {stages}"
    assert browser.driver.execute_script(JOB_STATE)["curves"] == 2  # loss and accuracy
    see(browser, "#job", "No version was active to compare with.")
    browser.find("#job").find_element(By.XPATH, ".//button[.='Activate version 1']").click()
    see(browser, ".messages", f"{SLUG} v1 is now active.")
    see(browser, "#job", "Version 1 is in service.")

    # The second training is compared with the first, now active.
    second = start_training(browser, seed=1)
    assert second > first
    follow_job(browser, site)
    see(browser, "#job", "Version 2 against version 1 (active)")
    sections = browser.find_all("#job .comparison")
    assert len(sections) == 2 and "v1 accuracy" in sections[0].text
    assert len(browser.find_all("#job table.confusion")) == 4
    browser.check_layout("studio-job-finished", scroll_to=browser.find(".site-header"))
    heading = browser.find("#job").find_element(By.XPATH, ".//h2[starts-with(., 'Version 2 ag')]")
    browser.check_layout("studio-job-comparison", scroll_to=heading)
    assert browser.find("#job .verdict-line").text.startswith("v2 ")

    # The new version tried on an image before it is activated: its answer, focused.
    browser.find("#try-image").send_keys(str(shapes_dir / "red_circle" / "001.png"))
    browser.find(".try-form button[type=submit]").click()
    assert browser.wait_for("#try-result .verdict").text.startswith("v2 says ")
    assert browser.driver.execute_script(
        "return document.activeElement.classList.contains('verdict-box')"
    )
    browser.assert_accessible("the finished job")
    browser.find("#job").find_element(By.XPATH, ".//button[.='Activate version 2']").click()
    see(browser, ".messages", f"{SLUG} v2 is now active.")

    # The home page classifies with it: every class with its probability.
    browser.go("/")
    Select(browser.find("#id_classifier")).select_by_visible_text(TITLE)
    browser.find("input[type=file]").send_keys(str(shapes_dir / "red_circle" / "001.png"))
    browser.find("#upload-form button[type=submit]").click()
    result = browser.wait_for("article.result")
    probabilities = {
        row.find_element(By.CSS_SELECTOR, ".probability-label").text: float(
            row.find_element(By.CSS_SELECTOR, ".probability-value").text.rstrip("%")
        )
        for row in result.find_elements(By.CSS_SELECTOR, ".probabilities .probability")
    }
    assert set(probabilities) == set(CLASSES)
    assert sum(probabilities.values()) == pytest.approx(100, abs=1.5)
    assert max(probabilities, key=probabilities.get) == "circles", probabilities

    # And roll back: version 1 is in service again.
    browser.go(f"/studio/jobs/{second}/")
    browser.find("#job").find_element(By.XPATH, ".//button[starts-with(., 'Roll back')]").click()
    see(browser, ".messages", f"{SLUG} v1 is active again.")


def visitor_status(site, path):
    response = requests.get(site.url + path, allow_redirects=False, timeout=30)
    return response.status_code, response.headers.get("Location", "")


@JS_ONLY
def test_visitors_cannot_reach_the_studio_and_posts_need_a_csrf_token(browser, site, staff):
    job = site.shell(
        "from classifier.models import ImageClassifier; from studio.models import TrainingJob; "
        "print(TrainingJob.objects.create(classifier=ImageClassifier.objects.get(slug='shapes'), "
        "options={}, status='cancelled').pk)"
    )
    paths = ["/studio/", "/studio/shapes/", "/studio/shapes/train/", f"/studio/jobs/{job}/"]
    for path in paths:
        status, location = visitor_status(site, path)
        assert status == 403 or (status == 302 and location.startswith("/admin/login/")), (
            path,
            status,
            location,
        )

    # Staff's own session cookies, but no token: the post is refused, nothing is queued.
    log_in(browser, *staff)
    session = requests.Session()
    for cookie in browser.driver.get_cookies():
        session.cookies.set(cookie["name"], cookie["value"])
    assert session.get(f"{site.url}/studio/shapes/train/", timeout=30).status_code == 200
    jobs = "from studio.models import TrainingJob; print(TrainingJob.objects.count())"
    before = site.shell(jobs)
    response = session.post(
        f"{site.url}/studio/shapes/train/", data={**TINY, "seed": "0"}, timeout=30
    )
    assert response.status_code == 403
    assert "CSRF" in response.text
    assert site.shell(jobs) == before
