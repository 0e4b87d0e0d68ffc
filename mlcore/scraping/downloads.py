"""Download images politely, with limits on time, size and type, on a bounded pool of threads."""

import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
import urllib3

from mlcore.scraping.http import describe
from mlcore.scraping.hygiene import MIN_SIZE, Fingerprint, Rejected, inspect
from mlcore.vision.images import SIGNATURES, describe_non_image

TIMEOUT = 15  # seconds to connect, and between bytes
BODY_SECONDS = 120  # the whole download
MAX_BYTES = 20 * 2**20
HOST_DELAY = 0.5
WORKERS = 8
CHUNK = 64 * 2**10
IMAGE_TYPES = ("image/", "application/octet-stream", "binary/octet-stream")


class Throttle:
    """Starts requests to the same host at least `delay` seconds apart, across threads."""

    def __init__(self, delay=HOST_DELAY):
        self.delay = delay
        self.lock = threading.Lock()
        self.next_start = {}

    def wait(self, url):
        host = urlsplit(url).netloc
        with self.lock:
            now = time.monotonic()
            start = max(now, self.next_start.get(host, now))
            self.next_start[host] = start + self.delay
        time.sleep(start - now)


def fetch(session, url, throttle, timeout=TIMEOUT, max_bytes=MAX_BYTES):
    """The bytes of the image at url, or Rejected with the reason it is not worth keeping."""
    throttle.wait(url)
    deadline = time.monotonic() + BODY_SECONDS
    try:
        with session.get(url, timeout=timeout, stream=True) as response:
            if not response.ok:
                raise Rejected("HTTP error", f"HTTP {response.status_code} {response.reason}")
            kind = response.headers.get("Content-Type", "").lower()
            if kind and not kind.startswith(IMAGE_TYPES):
                raise Rejected("not an image", f"the server says it is {kind}")
            if int(response.headers.get("Content-Length") or 0) > max_bytes:
                raise Rejected("too large", f"{response.headers['Content-Length']} bytes")
            data = bytearray()
            for chunk in response.iter_content(CHUNK):
                data += chunk
                if len(data) > max_bytes:
                    raise Rejected("too large", f"more than {max_bytes} bytes")
                if time.monotonic() > deadline:
                    raise Rejected("timeout", f"not all there after {BODY_SECONDS} s")
    except requests.RequestException as error:
        reason = "timeout" if timed_out(error) else "connection failed"
        raise Rejected(reason, describe(error, timeout)) from None
    if not any(data.startswith(magic, offset) for offset, magic, _ in SIGNATURES):
        raise Rejected("not an image", describe_non_image(bytes(data)))
    return bytes(data)


def timed_out(error):
    cause = error.args[0] if error.args else None
    # Once retries run out, requests wraps the last failure in urllib3's MaxRetryError.
    cause = getattr(cause, "reason", cause)
    if isinstance(cause, urllib3.exceptions.NewConnectionError):  # a ConnectTimeoutError too
        return False
    return isinstance(error, requests.Timeout) or isinstance(cause, urllib3.exceptions.TimeoutError)


@dataclass
class Download:
    url: str
    query: str
    data: bytes = b""
    fingerprint: Fingerprint | None = None
    rejected: Rejected | None = None


@dataclass
class Downloader:
    """Fetches and inspects one (url, query) candidate; safe to call from many threads."""

    session: requests.Session
    throttle: Throttle
    timeout: float = TIMEOUT
    max_bytes: int = MAX_BYTES
    min_size: int = MIN_SIZE

    def __call__(self, candidate):
        download = Download(*candidate)
        try:
            download.data = fetch(
                self.session, download.url, self.throttle, self.timeout, self.max_bytes
            )
            download.fingerprint = inspect(download.data, self.min_size)
        except Rejected as error:
            download.rejected = error
        return download


def run_until(work, items, wanted, keep, workers=WORKERS):
    """Run work(item) on a thread pool and hand each result to keep() until it has kept `wanted`.

    Results reach keep() in this thread as they finish. Never more items are in flight than are
    still wanted, so none is fetched for nothing. Returns how many were kept.
    """
    items = iter(items)
    kept = 0
    pending = set()
    pool = ThreadPoolExecutor(workers)
    try:
        while True:
            while len(pending) < min(workers, wanted - kept):
                item = next(items, None)
                if item is None:
                    break
                pending.add(pool.submit(work, item))
            if not pending:
                return kept
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            kept += sum(bool(keep(future.result())) for future in done)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
