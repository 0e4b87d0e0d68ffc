"""Headless Chromium against the real site, with JavaScript on and off.

Each test module shares one site and one browser per JavaScript setting. Screenshots go to
$HEROPROJECT_TEST_ARTIFACTS/screenshots (default: test-artifacts/ in the repository).
"""

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import (
    NoSuchElementException,
    StaleElementReferenceException,
    WebDriverException,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
PHONE, DESKTOP = (360, 800), (1440, 900)
AXE = ROOT / "tests" / "e2e" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
WAIT_SECONDS = 30  # the 2-core CI machine runs the models beside the browser

# Elements whose right edge is past the viewport, named like CSS selectors.
OVERFLOW_SCRIPT = """
const width = window.innerWidth;
const name = (e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
  + [...e.classList].map((c) => "." + c).join("");
return {
  scrollWidth: document.documentElement.scrollWidth,
  innerWidth: width,
  sticking_out: [...document.body.querySelectorAll("*")]
    .filter((e) => e.getBoundingClientRect().right > width)
    .map((e) => name(e) + " (right " + Math.round(e.getBoundingClientRect().right) + ")"),
};
"""


# axe-core's violations of the page as it stands, reduced to what a failing test should say.
AXE_RUN_SCRIPT = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ["violations"]}).then(
  (results) => done(results.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    targets: violation.nodes.map((node) => node.target.join(" ")),
  }))),
  (error) => done([{id: "axe-error", impact: "critical", help: String(error), targets: []}]),
);
"""


def _unless_navigating(condition, driver):
    """Chromedriver calls an element that left with its page an unknown error, not a stale one."""
    try:
        return condition(driver)
    except WebDriverException as error:
        if "does not belong to the document" in str(error.msg):
            return False
        raise


@dataclass
class Browser:
    driver: webdriver.Chrome
    url: str
    javascript: bool
    downloads: Path
    screenshots: Path

    @property
    def mode(self):
        return "js" if self.javascript else "nojs"

    def go(self, path):
        self.driver.get(self.url + path)

    def find(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def wait(self, condition, seconds=WAIT_SECONDS):
        """What condition returns once it is truthy; elements may be replaced meanwhile."""
        ignored = (NoSuchElementException, StaleElementReferenceException)
        return WebDriverWait(self.driver, seconds, ignored_exceptions=ignored).until(
            lambda driver: _unless_navigating(condition, driver)
        )

    def wait_for(self, css):
        return self.wait(EC.visibility_of_element_located((By.CSS_SELECTOR, css)))

    def resize_viewport(self, width, height):
        """set_window_size sets the outer size: correct it by what the window itself takes."""
        self.driver.set_window_size(width, height)
        inner_width, inner_height = self.driver.execute_script("return [innerWidth, innerHeight]")
        self.driver.set_window_size(2 * width - inner_width, 2 * height - inner_height)

    def check_layout(self, page, scroll_to=None):
        """Screenshots the page on a phone and a desktop; fails if it is wider than the phone."""
        for width, height in (PHONE, DESKTOP):
            self.resize_viewport(width, height)
            if scroll_to is not None:
                self.driver.execute_script("arguments[0].scrollIntoView()", scroll_to)
            name = f"{page}-{self.mode}-{width}x{height}.png"
            self.driver.save_screenshot(self.screenshots / name)
            if (width, height) == PHONE:
                layout = self.driver.execute_script(OVERFLOW_SCRIPT)
                assert layout["scrollWidth"] <= layout["innerWidth"], (
                    f"{page} overflows {layout['innerWidth']} px by "
                    f"{layout['scrollWidth'] - layout['innerWidth']} px: {layout['sticking_out']}"
                )

    def axe_violations(self, impacts=("serious", "critical")):
        """axe-core's violations on the page as shown, of the impacts named, as readable lines."""
        if not AXE.exists():
            pytest.skip(f"accessibility checks need axe-core: run scripts/install.sh dev ({AXE})")
        if not self.driver.execute_script("return typeof axe !== 'undefined'"):
            self.driver.execute_script(AXE.read_text())
        self.driver.set_script_timeout(WAIT_SECONDS)
        return [
            f"{violation['impact']} {violation['id']} ({violation['help']}): "
            + ", ".join(violation["targets"][:5])
            for violation in self.driver.execute_async_script(AXE_RUN_SCRIPT)
            if violation["impact"] in impacts
        ]

    def assert_accessible(self, page):
        """No serious or critical axe-core violation on the page, on a phone and a desktop."""
        for width, height in (PHONE, DESKTOP):
            self.resize_viewport(width, height)
            violations = self.axe_violations()
            assert not violations, f"{page} at {width} px: " + "; ".join(violations)


def make_staff(site, username, password):
    """A superuser of the site, for a test to log in as; returns (username, password)."""
    site.shell(
        "from django.contrib.auth.models import User; "
        f"User.objects.create_superuser({username!r}, '{username}@example.org', {password!r})"
    )
    return username, password


@pytest.fixture(scope="session", autouse=True)
def chromium():
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]
    if missing:
        pytest.skip(
            "browser tests need Debian's chromium and chromium-driver packages; "
            f"missing {', '.join(missing)}"
        )


@pytest.fixture(scope="session")
def screenshots():
    artifacts = Path(os.environ.get("HEROPROJECT_TEST_ARTIFACTS", ROOT / "test-artifacts"))
    directory = artifacts / "screenshots"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@pytest.fixture(scope="module")
def site(start_module_site):
    return start_module_site()


@pytest.fixture(scope="module", params=[True, False], ids=["js", "nojs"])
def browser(request, site, screenshots, tmp_path_factory):
    downloads = tmp_path_factory.mktemp("downloads")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    prefs = {"download.default_directory": str(downloads), "download.prompt_for_download": False}
    if not request.param:
        prefs["profile.managed_default_content_settings.javascript"] = 2
    options.add_experimental_option("prefs", prefs)
    driver = webdriver.Chrome(
        options=options, service=webdriver.ChromeService(executable_path=str(CHROMEDRIVER))
    )
    browser = Browser(driver, site.url, request.param, downloads, screenshots)
    browser.resize_viewport(*DESKTOP)
    yield browser
    driver.quit()


@pytest.fixture
def phone(browser):
    """The browser 360 px wide for one test, then back to desktop width."""
    browser.resize_viewport(*PHONE)
    yield browser
    browser.resize_viewport(*DESKTOP)
