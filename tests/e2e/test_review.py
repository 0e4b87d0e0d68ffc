"""The learning loop end to end, in Chromium: visitors classify 30 images with a two-class
classifier; staff review them in the queue by keyboard alone; the labels land in the dataset;
a new version trains in the studio on a real task worker, and its comparison shows both
versions' accuracy on the labelled uploads it did not train on; activation follows.

JavaScript only (the queue without JavaScript is tested in tests/studio/test_review.py).
"""

import re
import shutil

import pytest
import requests
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from mlcore.scraping import hygiene
from tests.e2e.conftest import make_staff
from tests.e2e.test_studio import JS_ONLY, TINY, follow_job, log_in, see, start_training, worker
from tests.pictures import draw_shapes

__all__ = ["worker"]  # the task worker fixture, shared with the studio's test
SLUG = "shapes-two"  # test_studio's classifier: start_training and follow_job know it
CLASSES = {"circles": "red_circle", "squares": "green_square"}  # keys 1 and 2
TRAINING, UPLOADS = 12, 15  # per class
HEADING = """
const heading = document.getElementById("review-heading");
return heading && [heading.textContent.trim(), document.activeElement === heading];
"""


@pytest.fixture(scope="module")
def pictures(tmp_path_factory):
    """TRAINING images per class for the first version, UPLOADS more for the visitors: 128 px
    shapes, no two of them copies or near copies (the dataset would turn those away)."""
    root = draw_shapes(tmp_path_factory.mktemp("loop"), per_class=80, size=128, seed=3)
    hygiene.clean_folder(root, remove=True)
    chosen = {}
    for label, shape in CLASSES.items():
        paths = sorted((root / shape).glob("*.png"))
        assert len(paths) >= TRAINING + UPLOADS, f"only {len(paths)} distinct {shape}s"
        chosen[label] = (paths[:TRAINING], paths[TRAINING : TRAINING + UPLOADS])
    return chosen


@pytest.fixture(scope="module")
def first_version(site, pictures):
    """The classifier's dataset and its first version, trained by `train_classifier`."""
    for label, (training, _) in pictures.items():
        folder = site.data_dir / "datasets" / SLUG / label
        folder.mkdir(parents=True)
        for path in training:
            shutil.copy(path, folder)
    options = [f"--{name.replace('_', '-')}={value}" for name, value in TINY.items()]
    site.manage("train_classifier", SLUG, "--title=Circles and squares", *options)


def press(browser, key):
    ActionChains(browser.driver).send_keys(key).perform()


def shown(browser, before=None):
    """The prediction the queue shows once it is not `before`, after its heading took focus."""

    def ready(driver):
        state = driver.execute_script(HEADING)
        return state if state and state[0] != before and state[1] else False

    text = browser.wait(ready)[0]
    match = re.match(r"#(\d+): (?:not sure, maybe )?(\w+)", text)
    return (int(match[1]), match[2], text) if match else (None, None, text)


@JS_ONLY
def test_visitors_uploads_reviewed_by_keyboard_grow_the_dataset_and_measure_versions(
    browser, site, worker, pictures, first_version
):
    # Visitors classify 30 images.
    truth, sent = {}, {}
    for label, (_, uploads) in pictures.items():
        for path in uploads:
            with path.open("rb") as file:
                response = requests.post(
                    f"{site.url}/api/classify/{SLUG}", files={"image": file}, timeout=60
                )
            response.raise_for_status()
            pk = response.json()["prediction_id"]
            truth[pk], sent[pk] = label, path.read_bytes()
    assert len(truth) == 2 * UPLOADS

    # Staff review them all by keyboard alone.
    log_in(browser, *make_staff(site, "reviewer", "e2e-review-password"))
    browser.go(f"/studio/{SLUG}/review/")
    see(browser, ".review-counter", f"{2 * UPLOADS} left")
    browser.check_layout("studio-review")
    browser.assert_accessible("the review queue")
    pk, said, heading = shown(browser)
    press(browser, "?")
    assert browser.find("#review-keys").get_attribute("open") is not None
    press(browser, "?")
    keys = {label: str(number) for number, label in enumerate(CLASSES, 1)}
    press(browser, Keys.ENTER if said == truth[pk] else keys[truth[pk]])
    next_heading = shown(browser, before=heading)[2]
    press(browser, "u")  # undo: the same upload comes back, unlabelled
    assert shown(browser, before=next_heading)[0] == pk
    reviewed = 0
    while pk is not None:
        press(browser, Keys.ENTER if said == truth[pk] else keys[truth[pk]])
        reviewed += 1
        pk, said, heading = shown(browser, before=heading)
    assert reviewed == 2 * UPLOADS
    see(browser, "#review", "Nothing left to review")
    see(browser, ".review-counter", "0 left")

    # Each label landed in its class, the upload's bytes whole, no temporary file left.
    root = site.data_dir / "datasets" / SLUG
    for pk, label in truth.items():
        assert (root / label / f"prediction-{pk}.png").read_bytes() == sent[pk]
    assert not [path for path in root.rglob(".*")]
    assert sum(1 for _ in root.rglob("prediction-*")) == 2 * UPLOADS

    # A new version trains in the studio; both versions meet on the uploads it did not train on.
    start_training(browser, seed=1)
    follow_job(browser, site)
    see(browser, "#job", "Version 2 against version 1 (active)")
    real_world = browser.find("#real-world")
    count = int(re.search(r"staff labelled \((\d+)\)", real_world.text)[1])
    assert 0 < count < 2 * UPLOADS, real_world.text
    assert "v2 real-world accuracy" in real_world.text
    assert "v1 real-world accuracy" in real_world.text
    browser.check_layout("studio-comparison-real-world", scroll_to=real_world)
    browser.find("#job").find_element("xpath", ".//button[.='Activate version 2']").click()
    see(browser, ".messages", f"{SLUG} v2 is now active.")
