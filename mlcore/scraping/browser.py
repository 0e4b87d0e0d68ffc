"""Headless Chromium through Selenium, and the scrolling that collects an engine's image URLs."""

import shutil
import tempfile
import time
from contextlib import contextmanager

from selenium import webdriver
from selenium.common.exceptions import WebDriverException

INSTALL = "apt-get install chromium chromium-driver"
FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
PAGE_LOAD_TIMEOUT = 30
WAIT = 3.0  # seconds without new results before a query is done
STEP = 0.2
LOAD_MORE = """
window.scrollTo(0, document.body.scrollHeight);
const more = arguments[0] && Array.from(document.querySelectorAll(arguments[0]))
    .find(e => e.getClientRects().length);
if (more) more.click();
"""


class BrowserError(RuntimeError):
    pass


def find_browser():
    """The paths of chromium and chromedriver, found on PATH."""
    paths = {name: shutil.which(name) for name in ("chromium", "chromedriver")}
    missing = [name for name, path in paths.items() if path is None]
    if missing:
        raise BrowserError(f"{' and '.join(missing)} not found: install Debian's with `{INSTALL}`")
    return paths["chromium"], paths["chromedriver"]


@contextmanager
def chromium(headful=False):
    """A Chromium session with a fresh profile, driven by the system's chromedriver.

    Naming both binaries keeps Selenium Manager from looking for (or downloading) its own. The
    browser runs in a session of its own, so that Ctrl-C stops the scraper, which then closes the
    browser, rather than killing the browser under it.
    """
    binary, driver_path = find_browser()
    with tempfile.TemporaryDirectory(
        prefix="heroproject-chromium-", ignore_cleanup_errors=True
    ) as profile:
        options = webdriver.ChromeOptions()
        options.binary_location = binary
        for flag in (*FLAGS, f"--user-data-dir={profile}"):
            options.add_argument(flag)
        if not headful:
            options.add_argument("--headless=new")
        try:
            service = webdriver.ChromeService(
                executable_path=driver_path, popen_kw={"start_new_session": True}
            )
            driver = webdriver.Chrome(options=options, service=service)
        except WebDriverException as error:
            raise BrowserError(f"Chromium did not start: {error.msg}") from None
        try:
            driver.set_page_load_timeout(PAGE_LOAD_TIMEOUT)
            yield driver
        finally:
            driver.quit()


def image_urls(driver, engine, query, wait=WAIT):
    """Yield each image URL of the engine's results for query once, in page order.

    More results are loaded (scrolling to the bottom, clicking "more") only while the caller
    asks for more; the query is done once `wait` seconds pass without a new URL.
    """
    driver.get(engine.page_url(query))
    seen = set()
    quiet_since = time.monotonic()
    while time.monotonic() - quiet_since < wait:
        new = [url for url in dict.fromkeys(engine.read(driver)) if url not in seen]
        if new:
            seen.update(new)
            yield from new
            quiet_since = time.monotonic()
        else:
            time.sleep(STEP)
        driver.execute_script(LOAD_MORE, engine.more)
