"""The extras JavaScript adds: the upload preview, paste, drag and drop, and the phone menu."""

import base64
import hashlib

import pytest
from PIL import Image
from selenium.webdriver.common.by import By

# The module's browser fixture, with JavaScript on (or off) only.
only_js = pytest.mark.parametrize("browser", [True], ids=["js"], indirect=True)
only_nojs = pytest.mark.parametrize("browser", [False], ids=["nojs"], indirect=True)

# Puts a PNG, given base64 with its name, in a DataTransfer as a File: `transfer`, for the script
# that follows.
TRANSFER = """
const bytes = Uint8Array.from(atob(arguments[0]), (c) => c.charCodeAt(0));
const transfer = new DataTransfer();
transfer.items.add(new File([bytes], arguments[1], { type: "image/png" }));
"""
PASTE = """
document.body.dispatchEvent(
  new ClipboardEvent("paste", { clipboardData: transfer, bubbles: true }));
"""
# Dispatches the drag events named; returns whether the page cancelled each, as it must for the
# browser to let a drop through.
DRAG = """
const zone = document.querySelector("[data-dropzone]");
return arguments[2].map((name) => !zone.dispatchEvent(
  new DragEvent(name, { dataTransfer: transfer, bubbles: true, cancelable: true })));
"""
LOADED_WIDTH = "return arguments[0].complete && arguments[0].naturalWidth"
CHOSEN_NAME = "return arguments[0].files.length && arguments[0].files[0].name"
DRAG_BACKGROUND = "rgba(224, 231, 255, 1)"  # .dropzone.dragging in site.css


def with_file(browser, script, image, *args):
    """Runs script in the page with image as `transfer`; returns what it returns."""
    data = base64.b64encode(image.read_bytes()).decode("ascii")
    return browser.driver.execute_script(TRANSFER + script, data, image.name, *args)


def assert_previewed_and_classified(browser, site, image):
    """The form holds image and previews it; classifying it gives a result for that image."""
    preview = browser.wait_for("img[data-preview]")
    width = browser.wait(lambda driver: driver.execute_script(LOADED_WIDTH, preview))
    assert width == Image.open(image).width
    file_input = browser.find("input[type=file]")
    assert browser.driver.execute_script(CHOSEN_NAME, file_input) == image.name

    browser.find("#upload-form button[type=submit]").click()
    result = browser.wait_for("article.result")
    pk = int(result.get_attribute("id").removeprefix("prediction-"))
    stored = site.shell(
        f"from classifier.models import Prediction; print(Prediction.objects.get(pk={pk}).sha256)"
    )
    assert stored == hashlib.sha256(image.read_bytes()).hexdigest()


@only_js
def test_chosen_file_is_previewed_before_sending(browser, site, shapes_dir):
    browser.go("/")
    assert not browser.find("img[data-preview]").is_displayed()
    image = shapes_dir / "red_circle" / "000.png"
    browser.find("input[type=file]").send_keys(str(image))
    assert_previewed_and_classified(browser, site, image)


@only_js
def test_pasted_image_is_chosen(browser, site, shapes_dir):
    browser.go("/")
    image = shapes_dir / "green_square" / "001.png"
    with_file(browser, PASTE, image)
    assert_previewed_and_classified(browser, site, image)


@only_js
def test_dropped_image_is_chosen_and_the_zone_shows_the_drag(browser, site, shapes_dir):
    browser.go("/")
    zone = browser.find("[data-dropzone]")
    image = shapes_dir / "blue_triangle" / "002.png"

    assert with_file(browser, DRAG, image, ["dragenter", "dragover"]) == [True, True]
    assert "dragging" in zone.get_attribute("class")
    assert zone.value_of_css_property("background-color") == DRAG_BACKGROUND
    with_file(browser, DRAG, image, ["dragleave"])
    assert "dragging" not in zone.get_attribute("class")

    assert with_file(browser, DRAG, image, ["dragenter", "dragover", "drop"]) == [True] * 3
    assert "dragging" not in zone.get_attribute("class")
    assert_previewed_and_classified(browser, site, image)


def links_shown(browser):
    """Whether each navigation link a visitor has (Classify, Name generator, Heroes) is shown."""
    shown = [link.is_displayed() for link in browser.find_all("#site-nav a")]
    assert len(shown) == 3, shown
    return "all" if all(shown) else "none" if not any(shown) else "some"


@only_js
def test_phone_menu_opens_and_closes(phone):
    phone.go("/")
    toggle = phone.find(".nav-toggle")
    assert toggle.is_displayed()
    assert toggle.get_attribute("aria-expanded") == "false"
    assert links_shown(phone) == "none"
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    phone.wait(lambda _: links_shown(phone) == "all")
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "false"
    phone.wait(lambda _: links_shown(phone) == "none")


@only_nojs
def test_without_javascript_phone_shows_the_links(phone):
    phone.go("/")
    assert not phone.find(".nav-toggle").is_displayed()
    assert links_shown(phone) == "all"
    phone.driver.find_element(By.LINK_TEXT, "Name generator").click()
    phone.wait(lambda driver: driver.current_url.endswith("/names/"))


@only_js
def test_the_camera_is_offered_behind_a_button(browser):
    browser.go("/")
    camera = browser.find("[data-camera]")
    assert camera.is_displayed()
    assert browser.find("[data-camera-input]").get_attribute("capture") == "environment"
    # A phone takes a photo with its camera app; a desktop gets a live frame (getUserMedia).
    shown = {button.text for button in camera.find_elements(By.CSS_SELECTOR, ".button")}
    assert shown & {"Take a photo", "Use the camera"}
    assert not browser.find("[data-camera-video]").is_displayed()


@only_nojs
def test_without_javascript_the_plain_file_input_is_shown(browser):
    browser.go("/")
    assert browser.find("input[name=image]").is_displayed()
    assert not browser.find("[data-camera]").is_displayed()
