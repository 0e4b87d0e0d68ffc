import time

import pytest

from mlcore.scraping.http import USER_AGENT, FetchError, fetch_text, make_session


@pytest.fixture
def session():
    with make_session(retries=2, backoff=0) as session:
        yield session


def test_fetch_text(local_server, session):
    local_server.route("/page", "<p>Flabébé</p>", content_type="text/html; charset=utf-8")
    assert fetch_text(session, f"{local_server.url}/page") == "<p>Flabébé</p>"


def test_text_without_charset_is_read_as_utf8(local_server, session):
    local_server.route("/page", "<p>Flabébé</p>", content_type="text/html")
    assert fetch_text(session, f"{local_server.url}/page") == "<p>Flabébé</p>"


def test_user_agent(local_server):
    local_server.route("/page", "ok", content_type="text/plain")
    for session in (make_session(), make_session(user_agent="tester/2.0")):
        with session:
            fetch_text(session, f"{local_server.url}/page")
    agents = [headers["User-Agent"] for headers in local_server.request_headers]
    assert agents == [USER_AGENT, "tester/2.0"]


@pytest.mark.parametrize("status", [500, 502, 503, 504, 429])
def test_retries_then_succeeds(local_server, session, status):
    local_server.route("/page", "busy", status=status, content_type="text/plain", times=2)
    local_server.route("/page", "ok", content_type="text/plain")
    assert fetch_text(session, f"{local_server.url}/page") == "ok"
    assert local_server.requests == ["/page"] * 3


def test_honours_retry_after(local_server, session):
    local_server.route("/page", status=429, headers={"Retry-After": "1"}, times=1)
    local_server.route("/page", "ok", content_type="text/plain")
    started = time.monotonic()
    assert fetch_text(session, f"{local_server.url}/page") == "ok"
    assert time.monotonic() - started >= 1


def test_gives_up_after_retries(local_server, session):
    local_server.route("/page", "down", status=503, content_type="text/plain")
    with pytest.raises(FetchError, match=r"/page: HTTP 503 Service Unavailable after 2 retries"):
        fetch_text(session, f"{local_server.url}/page")
    assert len(local_server.requests) == 3


def test_client_errors_are_not_retried(local_server, session):
    with pytest.raises(FetchError, match=r"HTTP 404 Not Found$"):
        fetch_text(session, f"{local_server.url}/missing")
    assert local_server.requests == ["/missing"]


def test_read_timeout(local_server):
    local_server.route("/slow", "late", content_type="text/plain", delay=1)
    with make_session(retries=0) as session, pytest.raises(FetchError, match=r"within 0\.2 s"):
        fetch_text(session, f"{local_server.url}/slow", timeout=(1, 0.2))


def test_connection_refused(session):
    with pytest.raises(FetchError, match="cannot connect"):
        fetch_text(session, "http://127.0.0.1:9/page", timeout=1)
