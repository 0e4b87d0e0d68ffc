"""Heroes by power in a real browser, with JavaScript on and off: the map (names on hover with
JavaScript, links and tooltips without), a cluster, a hero and its nearest heroes, search as you
type or with a plain form, and "Build a hero"; each page at 360 and 1440 px without overflow."""

import re
from urllib.parse import urlparse

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC

from heroes.bundled import BUNDLED_DETAILS, BUNDLED_POWERS
from tests.e2e.conftest import make_staff
from tests.e2e.test_admin import log_in, run_action

HEROES = 667
# A dot in view that no other dot covers at its centre; null when none is.
UNCOVERED_DOT = """
const dots = [...document.querySelectorAll(".hero-map circle")];
return dots.find((dot) => {
  const box = dot.getBoundingClientRect();
  return document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2) === dot;
}) || null;
"""


@pytest.fixture(scope="module", autouse=True)
def bundled_heroes(site):
    site.manage("import_hero_powers", str(BUNDLED_POWERS), str(BUNDLED_DETAILS))


def path_of(browser):
    return urlparse(browser.driver.current_url).path


def test_the_map_and_the_clusters(browser):
    browser.go("/")
    browser.find('a[href="/heroes/"]')  # the home page links here
    browser.go("/heroes/")
    assert browser.find("h1").text == "Heroes by power"
    assert len(browser.find_all(".hero-map circle")) == HEROES
    clusters = browser.find_all(".cluster-item")
    assert 6 <= len(clusters) <= 21
    sizes = [
        int(re.match(r"\d+", c.find_element("css selector", ".cluster-size").text)[0])
        for c in clusters
    ]
    assert sum(sizes) == HEROES
    browser.check_layout("heroes")

    browser.driver.execute_script("document.querySelector('.hero-map').scrollIntoView()")
    dot = browser.driver.execute_script(UNCOVERED_DOT)
    assert dot is not None
    name = dot.find_element("css selector", "title").get_attribute("textContent")
    if browser.javascript:
        ActionChains(browser.driver).move_to_element(dot).perform()
        label = browser.wait_for(".map-label")
        assert label.text.splitlines()[0] == name
        assert label.text.splitlines()[1] in [
            c.find_element("css selector", ".cluster-name").text for c in clusters
        ]
        browser.driver.save_screenshot(browser.screenshots / "heroes-map-label-js-1440x900.png")
    dot.click()  # a mouse click opens the hero, with JavaScript or without
    browser.wait(lambda _: path_of(browser) != "/heroes/")
    assert browser.find("h1").text == name


def test_a_cluster_and_its_heroes(browser):
    browser.go("/heroes/")
    first = browser.find(".cluster-item .cluster-name")
    name = first.text
    size = int(re.match(r"\d+", browser.find(".cluster-item .cluster-size").text)[0])
    first.click()
    browser.wait(EC.url_contains("/heroes/clusters/1/"))
    assert browser.find("h1").text == name
    assert len(browser.find_all(".hero-list li")) == size
    assert len(browser.find_all(".power-table tbody tr")) >= 2
    browser.check_layout("heroes-cluster")


def test_a_hero_and_its_nearest_heroes(browser):
    browser.go("/heroes/batman/")
    assert browser.find("h1").text == "Batman"
    near = browser.find_all(".neighbour a")
    assert len(near) == 10
    details = browser.find(".details").text
    assert "DC Comics" in details and "188 cm" in details
    browser.check_layout("heroes-hero")
    nearest = near[0].text
    near[0].click()
    browser.wait(lambda _: browser.find("h1").text == nearest)


def test_search_by_name(browser):
    browser.go("/heroes/")
    box = browser.find("#id_q")
    box.send_keys("spiderm")
    if browser.javascript:
        # As you type: the results come into the page, which stays where it is.
        result = browser.wait_for("#search-results .hero-results a")
        assert path_of(browser) == "/heroes/"
    else:
        box.send_keys(Keys.ENTER)
        browser.wait(EC.url_contains("/heroes/search/?q=spiderm"))
        result = browser.wait_for("#search-results .hero-results a")
    names = [a.text for a in browser.find_all("#search-results .hero-results a")]
    assert "Spider-Man" in names
    browser.check_layout("heroes-search", scroll_to=result)
    browser.find("#search-results").find_element("link text", "Spider-Man").click()
    browser.wait(lambda _: browser.find("h1").text == "Spider-Man")


def test_build_a_hero(browser):
    browser.go("/heroes/build/")
    assert len(browser.find_all(".power-choices input[type=checkbox]")) == 167
    for power in ("Flight", "Energy Blasts", "Energy Absorption"):
        label = browser.driver.find_element("xpath", f"//label[normalize-space()='{power}']")
        # Clear of the buttons that stay at the bottom of the screen.
        browser.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", label)
        label.click()
    if not browser.javascript:
        browser.find("#build-form button[type=submit]").click()
    # With JavaScript each tick places the hero again: wait for the answer to all three.
    result = browser.wait_for('#build-result[data-powers="3"]')
    assert "Energy" in result.find_element("css selector", ".placed-cluster").text
    assert len(result.find_elements("css selector", ".neighbour")) == 10
    assert result.text.count("%") == 10
    browser.check_layout("heroes-build", scroll_to=browser.find("#build-result"))
    ticked = browser.find_all(".power-choices input:checked")
    assert len(ticked) == 3  # the form keeps what was ticked


@pytest.mark.parametrize("browser", [True], ids=["js"], indirect=True)
def test_the_build_result_stays_in_view_while_ticking_on_a_phone(phone):
    phone.go("/heroes/build/")
    last = phone.find_all(".power-choices label")[-1]
    phone.driver.execute_script("arguments[0].scrollIntoView({block: 'end'})", last)
    phone.driver.execute_script("window.scrollBy(0, 60)")  # clear of the sticky buttons
    last.click()
    phone.wait_for('#build-result[data-powers="1"]')
    box = phone.driver.execute_script(
        "return document.querySelector('#build-result .placed').getBoundingClientRect().toJSON()"
    )
    assert box["top"] >= 0 and box["bottom"] <= 800, box
    phone.driver.save_screenshot(phone.screenshots / "heroes-build-ticked-js-360x800.png")


def test_the_map_zooms_for_fingers(phone):
    phone.go("/heroes/")
    dot = phone.find(".hero-map circle")
    before = dot.rect["width"]
    phone.find(".map-zoom-label").click()
    assert phone.find(".map-zoom-label").text == "Zoom out"
    assert dot.rect["width"] >= 3 * before and dot.rect["width"] >= 10


def test_staff_restore_the_heroes_an_import_replaced(browser, site, tmp_path):
    """Last: the site ends with the bundled heroes it started with."""
    rows = BUNDLED_POWERS.read_text(encoding="utf-8").splitlines()[:61]
    few = tmp_path / "few.csv"
    few.write_text("\n".join(rows) + "\n", encoding="utf-8")
    site.manage("import_hero_powers", str(few), "--replace")
    user = f"heroes-staff-{browser.mode}"
    log_in(browser, *make_staff(site, user, "e2e-staff-password"))
    browser.go("/admin/heroes/herosnapshot/")
    first = browser.find("#result_list tbody tr")
    assert "667" in first.text and str(BUNDLED_POWERS) in first.text
    browser.check_layout("heroes-earlier-heroes", scroll_to=first)
    run_action(
        browser,
        [first.find_element("css selector", "input.action-select").get_attribute("value")],
        "restore",
    )
    message = browser.wait_for(".messagelist").text
    assert "Restored 667 heroes and 167 powers in 14 clusters" in message
    browser.go("/heroes/")
    assert len(browser.find_all(".hero-map circle")) == HEROES
