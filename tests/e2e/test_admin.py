"""Staff review predictions in the admin, in a real browser, with JavaScript on and off."""

import csv

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

from tests.e2e.conftest import make_staff

LABELS = ["blue_triangle", "green_square", "red_circle"]
TRUE_LABEL = "green_square"


@pytest.fixture(scope="module")
def staff(site):
    return make_staff(site, "staff", "e2e-staff-password")


def classify(site, image):
    """Classifies image through the API; returns the prediction's id."""
    with image.open("rb") as file:
        response = requests.post(
            f"{site.url}/api/classify/shapes", files={"image": file}, timeout=60
        )
    response.raise_for_status()
    return response.json()["prediction_id"]


def log_in(browser, username, password):
    browser.go("/admin/")
    browser.find("#id_username").send_keys(username)
    browser.find("#id_password").send_keys(password)
    browser.find("input[type=submit]").click()
    browser.wait_for("#logout-form")


def apply_filter(browser, title, choice):
    choices = f"#changelist-filter details[data-filter-title='{title}']"
    browser.wait_for(choices).find_element(By.LINK_TEXT, choice).click()
    selected = (By.CSS_SELECTOR, f"{choices} li.selected")
    browser.wait(EC.text_to_be_present_in_element(selected, choice))


def shown_ids(browser):
    return {int(box.get_attribute("value")) for box in browser.find_all("input.action-select")}


def run_action(browser, ids, action):
    for pk in ids:
        browser.find(f"input.action-select[value='{pk}']").click()
    Select(browser.find("select[name=action]")).select_by_value(action)
    browser.find("button[name=index]").click()


def test_staff_filter_set_true_labels_and_export_csv(browser, site, staff, shapes_dir):
    uploaded = {classify(site, shapes_dir / label / "003.png") for label in LABELS}
    log_in(browser, *staff)
    browser.driver.find_element(By.LINK_TEXT, "Predictions").click()
    apply_filter(browser, "reviewed", "No")
    assert shown_ids(browser) == uploaded
    browser.check_layout("admin-predictions")

    run_action(browser, uploaded, "set_true_label")
    asked = (By.ID, "content"), "Set the true label of 3 predictions"
    browser.wait(EC.text_to_be_present_in_element(*asked))
    browser.check_layout("admin-set-true-label")
    Select(browser.find("#id_true_label")).select_by_value(TRUE_LABEL)
    browser.find("input[name=apply]").click()
    done = (By.CSS_SELECTOR, ".messagelist"), "True label set on 3 predictions."
    browser.wait(EC.text_to_be_present_in_element(*done))
    assert shown_ids(browser) == set()

    apply_filter(browser, "reviewed", "Yes")
    assert uploaded <= shown_ids(browser)
    run_action(browser, uploaded, "export_csv")
    exported = browser.downloads / "predictions.csv"
    browser.wait(lambda _: exported.exists())
    with exported.open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert {int(row["id"]) for row in rows} == uploaded
    assert {(row["classifier"], row["true_label"], row["reviewed"]) for row in rows} == {
        ("shapes", TRUE_LABEL, "True")
    }
    assert {row["label"] for row in rows} <= set(LABELS)
