"""HTTP for scrapers: a session that retries, a polite client over it (a pause between requests,
robots.txt obeyed), and one error for every way a fetch fails."""

import time
import urllib.robotparser

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

USER_AGENT = "heroproject-scraper/1.0 (+https://github.com/heroproject)"
RETRY_STATUSES = (429, 500, 502, 503, 504)


class FetchError(Exception):
    pass


def make_session(user_agent=USER_AGENT, retries=3, backoff=0.5):
    """A session that retries connection errors, timeouts, 429 and 5xx with exponential backoff.

    Retries wait 0, 2, 4, 8... times backoff seconds, or as long as a Retry-After header asks.
    """
    retry = Retry(
        total=retries,
        backoff_factor=backoff,
        status_forcelist=RETRY_STATUSES,
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    adapter = HTTPAdapter(max_retries=retry)
    session = requests.Session()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = user_agent
    return session


def fetch_text(session, url, timeout=(5, 20)):
    """GET url and return its body as text; timeout is (connect, read) seconds, or one number."""
    try:
        response = session.get(url, timeout=timeout)
    except requests.RequestException as error:
        raise FetchError(f"could not fetch {url}: {describe(error, timeout)}") from error
    if not response.ok:
        retried = len(response.raw.retries.history) if response.raw.retries else 0
        after = f" after {retried} {'retry' if retried == 1 else 'retries'}" if retried else ""
        raise FetchError(
            f"could not fetch {url}: HTTP {response.status_code} {response.reason}{after}"
        )
    # requests reads text/* without a declared charset as Latin-1; the web today is UTF-8.
    if "charset" not in response.headers.get("Content-Type", "").lower():
        response.encoding = "utf-8"
    return response.text


def describe(error, timeout):
    connect, read = timeout if isinstance(timeout, tuple) else (timeout, timeout)
    # Once retries run out, requests wraps the last failure in urllib3's MaxRetryError.
    cause = getattr(error.args[0], "reason", error) if error.args else error
    if isinstance(cause, urllib3.exceptions.NewConnectionError):
        return f"cannot connect ({cause.__cause__ or type(cause).__name__})"
    if isinstance(cause, urllib3.exceptions.ConnectTimeoutError):
        return f"no connection within {connect} s"
    if isinstance(error, requests.Timeout) or isinstance(cause, urllib3.exceptions.TimeoutError):
        return f"no answer within {read} s"
    return f"{type(cause).__name__}: {cause}"


class Polite:
    """GETs through one retrying session, a pause between requests, and robots.txt obeyed; say
    (a callable given a line) hears of a missing robots.txt and of a crawl delay it asks for."""

    def __init__(self, base_url, delay=1.0, timeout=20, retries=3, backoff=0.5, say=print):
        self.session = make_session(retries=retries, backoff=backoff)
        self.delay, self.timeout = delay, timeout
        self.last = None
        self.robots = self.read_robots(base_url, say)
        crawl_delay = self.robots.crawl_delay(USER_AGENT) if self.robots else None
        if crawl_delay and float(crawl_delay) > self.delay:
            say(f"robots.txt asks for {crawl_delay} s between requests: waiting that long.")
            self.delay = float(crawl_delay)

    def read_robots(self, base_url, say):
        url = base_url.rstrip("/") + "/robots.txt"
        try:
            response = self.session.get(url, timeout=self.timeout)
        except requests.RequestException:
            say(f"No robots.txt at {url} (no answer): going on.")
            return None
        finally:
            self.last = time.monotonic()
        if response.status_code != 200:
            return None
        robots = urllib.robotparser.RobotFileParser(url)
        robots.parse(response.text.splitlines())
        return robots

    def get(self, url):
        """The page's text, after the pause; FetchError when robots.txt forbids it or it fails."""
        if self.robots is not None and not self.robots.can_fetch(USER_AGENT, url):
            raise FetchError(f"robots.txt does not allow {url}")
        if self.last is not None:
            time.sleep(max(0.0, self.delay - (time.monotonic() - self.last)))
        try:
            return fetch_text(self.session, url, timeout=self.timeout)
        except FetchError as error:
            if "HTTP 403" in str(error) or "HTTP 503" in str(error):
                raise FetchError(
                    f"{error} (the site may be behind a bot check that a script cannot pass)"
                ) from None
            raise
        finally:
            self.last = time.monotonic()
