"""What a visitor does on the real site, in a real browser, with JavaScript on and off."""

import re

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

LABELS = {"red_circle", "green_square", "blue_triangle"}
HOME_HEADING = "What is in your picture?"


def upload(browser, image):
    """Classifies image from the home page; returns the result shown."""
    browser.go("/")
    browser.find("input[type=file]").send_keys(str(image))
    browser.find("#upload-form button[type=submit]").click()
    result = browser.wait_for("article.result")
    # With JavaScript the result is swapped into the home page, without it the browser is sent
    # to the prediction's own page.
    assert browser.find("h1").text == (HOME_HEADING if browser.javascript else "Result")
    return result


def prediction_id(result):
    return int(result.get_attribute("id").removeprefix("prediction-"))


def shown_probabilities(result):
    """{label: percent} in the order shown."""
    return {
        row.find_element(By.CSS_SELECTOR, ".probability-label").text: float(
            row.find_element(By.CSS_SELECTOR, ".probability-value").text.rstrip("%")
        )
        for row in result.find_elements(By.CSS_SELECTOR, ".probabilities .probability")
    }


def focused(browser, text):
    """With JavaScript, whether the focus is on what an HTMX answer brought (holding text);
    without, the browser loaded a whole page and nothing is to check."""
    if not browser.javascript:
        return True
    shown = browser.driver.execute_script("return document.activeElement.textContent")
    return text in shown


def test_upload_shows_every_class_and_the_heatmap(browser, shapes_dir):
    browser.go("/")
    assert browser.find("h1").text == HOME_HEADING
    browser.check_layout("home")

    result = upload(browser, shapes_dir / "red_circle" / "000.png")
    probabilities = shown_probabilities(result)
    assert set(probabilities) == LABELS
    assert sum(probabilities.values()) / 100 == pytest.approx(1, abs=0.015)
    assert list(probabilities.values()) == sorted(probabilities.values(), reverse=True)
    top = next(iter(probabilities))
    assert top in result.find_element(By.CSS_SELECTOR, ".verdict").text

    heatmap = result.find_element(By.CSS_SELECTOR, "img.heatmap")
    toggle = result.find_element(By.CSS_SELECTOR, ".heatmap-label")
    legend = result.find_element(By.CSS_SELECTOR, ".heatmap-legend")
    assert heatmap.value_of_css_property("opacity") == "0" and not legend.is_displayed()
    assert toggle.text == "Show where it looked"
    toggle.click()
    browser.wait(lambda _: heatmap.value_of_css_property("opacity") == "1")
    assert toggle.text == "Hide where it looked" and legend.is_displayed()
    assert result.find_element(By.CSS_SELECTOR, ".figure-stack img").rect["width"] >= 240
    loaded = "return arguments[0].complete && arguments[0].naturalWidth"
    assert browser.wait(lambda driver: driver.execute_script(loaded, heatmap)) > 0
    browser.check_layout("result", scroll_to=result)


def test_feedback_yes_is_thanked(browser, shapes_dir):
    result = upload(browser, shapes_dir / "green_square" / "001.png")
    thanks = (By.ID, f"feedback-{prediction_id(result)}"), "Thank you: you said this is right."
    result.find_element(By.CSS_SELECTOR, "button[name=verdict][value=correct]").click()
    browser.wait(EC.text_to_be_present_in_element(*thanks))
    assert focused(browser, "Thank you: you said this is right.")


def test_feedback_no_with_the_right_class_is_thanked(browser, shapes_dir):
    result = upload(browser, shapes_dir / "blue_triangle" / "002.png")
    pk = prediction_id(result)
    said = result.find_element(By.CSS_SELECTOR, ".probability-label").text
    other = sorted(LABELS - {said})[0]
    Select(browser.find(f"#feedback-label-{pk}")).select_by_value(other)
    result.find_element(By.CSS_SELECTOR, "button[name=verdict][value=wrong]").click()
    thanks = (By.ID, f"feedback-{pk}"), f"Thank you: you said it is {other}."
    browser.wait(EC.text_to_be_present_in_element(*thanks))


def test_model_page_shows_accuracy_and_every_class(browser):
    browser.go("/classifiers/shapes/")
    stats = {
        stat.find_element(By.CSS_SELECTOR, ".stat-name").text: stat.find_element(
            By.CSS_SELECTOR, ".stat-value"
        ).text
        for stat in browser.find_all(".stat")
    }
    assert re.fullmatch(r"\d+(\.\d)?%", stats["test accuracy"])
    per_class = browser.find_all(".table-scroll")[0]
    rows = {
        row.find_element(By.TAG_NAME, "th").text: [
            cell.text for cell in row.find_elements(By.TAG_NAME, "td")
        ]
        for row in per_class.find_elements(By.CSS_SELECTOR, "tbody tr")
    }
    assert set(rows) == LABELS
    for precision, recall, f1, _test_images in rows.values():
        assert all(0 <= float(value) <= 1 for value in (precision, recall, f1))
    browser.check_layout("model")


def test_name_generator_gives_as_many_names_as_asked_with_the_prefix(browser):
    browser.go("/names/")
    for count in (1, 7, 15):
        generator = browser.find("#generator")
        for field, value in (("count", count), ("prefix", "Pi")):
            browser.find(f"#id_{field}").clear()
            browser.find(f"#id_{field}").send_keys(str(value))
        browser.find("#generator button[type=submit]").click()
        browser.wait(EC.staleness_of(generator))
        names = [name.text for name in browser.find_all(".names .name-text")]
        assert len(names) == count, browser.find("#generator").text
        assert focused(browser, names[0])
        assert all(name.casefold().startswith("pi") for name in names), names
    browser.check_layout("names")


def test_new_quote_shows_another_quote(browser):
    browser.go("/")
    shown = browser.find("#quote .quote-text").text
    browser.driver.find_element(By.LINK_TEXT, "New quote").click()
    browser.wait(lambda _: browser.find("#quote .quote-text").text != shown)
    assert focused(browser, "New quote")
    # HTMX swaps the widget in place; without JavaScript the link loads the page again.
    assert ("quote_after=" in browser.driver.current_url) != browser.javascript


# The box of an element against the viewport, and whether it has the focus.
IN_VIEW = """
const box = arguments[0].getBoundingClientRect();
return {top: box.top, bottom: box.bottom, height: innerHeight,
        focused: document.activeElement === arguments[0]};
"""


@pytest.mark.parametrize("size", [(360, 800), (1440, 900)], ids=["phone", "desktop"])
def test_the_verdict_is_in_view_after_classify(browser, shapes_dir, size):
    browser.resize_viewport(*size)
    try:
        result = upload(browser, shapes_dir / "red_circle" / "003.png")
        box = browser.driver.execute_script(
            IN_VIEW, result.find_element(By.CSS_SELECTOR, ".verdict-box")
        )
        assert box["top"] >= 0 and box["bottom"] <= box["height"], box
        # With JavaScript the answer takes the focus, so that it is read out at once.
        assert box["focused"] == browser.javascript
        browser.driver.save_screenshot(
            browser.screenshots / f"classified-{browser.mode}-{size[0]}x{size[1]}.png"
        )
    finally:
        browser.resize_viewport(1440, 900)


def test_an_example_image_classifies(browser, site):
    site.shell(
        "from classifier import examples; from classifier.models import ImageClassifier; "
        "examples.pick(ImageClassifier.objects.get(slug='shapes'))"
    )
    browser.go("/")
    buttons = browser.find_all("button.example")
    assert {button.text for button in buttons} == LABELS
    buttons[0].click()
    result = browser.wait_for("article.result")
    assert set(shown_probabilities(result)) == LABELS
    if browser.javascript:
        assert browser.driver.execute_script(
            "return document.activeElement.classList.contains('verdict-box')"
        )


# Each figure's text: its rendered font size in CSS pixels (an SVG's scaled to its width).
FIGURE_TEXT_SIZES = """
const sizes = [];
for (const cell of document.querySelectorAll(".confusion td, .confusion th")) {
  sizes.push(parseFloat(getComputedStyle(cell).fontSize));
}
for (const svg of document.querySelectorAll("svg.curve")) {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  for (const text of svg.querySelectorAll("text")) {
    sizes.push(parseFloat(getComputedStyle(text).fontSize) * scale);
  }
}
return sizes;
"""


@pytest.mark.parametrize("size", [(360, 800), (1440, 900)], ids=["phone", "desktop"])
def test_model_page_figures_are_legible(browser, size):
    browser.resize_viewport(*size)
    try:
        browser.go("/classifiers/shapes/")
        cells = browser.find_all(".confusion tbody td")
        assert len(cells) == 9 and all(cell.text.isdigit() for cell in cells)
        sizes = browser.driver.execute_script(FIGURE_TEXT_SIZES)
        assert len(sizes) > 9 + 6 and min(sizes) >= 12, sizes
        browser.driver.execute_script(
            "document.querySelector('.confusion').scrollIntoView({block: 'center'})"
        )
        browser.driver.save_screenshot(
            browser.screenshots / f"model-figures-{browser.mode}-{size[0]}x{size[1]}.png"
        )
    finally:
        browser.resize_viewport(1440, 900)
