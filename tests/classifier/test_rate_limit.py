"""Rate limits on classifying: per client, 429 with a message and Retry-After, GETs untouched.

The suite runs with the limits off (tests/settings.py); these tests turn one on. An hourly
window keeps a test from straddling a window's end (which would reset the count).
"""

import io
import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from classifier.models import Prediction
from heroproject import ratelimits

pytestmark = pytest.mark.django_db

LIMIT = "2/h"


def png():
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, "PNG")
    return SimpleUploadedFile("red.png", out.getvalue(), content_type="image/png")


def api(client, **extra):
    return client.post("/api/classify/shapes", {"image": png()}, **extra)


def form(client, **extra):
    return client.post("/", {"classifier": "shapes", "image": png()}, **extra)


def set_rate(settings, group, rate):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, group: rate}


@pytest.fixture
def limited(settings):
    set_rate(settings, ratelimits.CLASSIFY, LIMIT)
    return settings


def assert_retry_after(response, period=3600):
    assert 1 <= int(response["Retry-After"]) <= period


def test_the_api_answers_429_json_after_the_limit(client, shapes_classifier, limited):
    assert [api(client).status_code for _ in range(2)] == [200, 200]
    response = api(client)
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    error = json.loads(response.content)["error"]
    assert error.startswith("Too many requests: classifying images is limited to 2 an hour")
    assert "try again in" in error
    assert_retry_after(response)


def test_the_plain_form_gets_the_whole_page_with_the_message(client, shapes_classifier, limited):
    assert [form(client).status_code for _ in range(2)] == [302, 302]
    response = form(client)
    html = response.content.decode()
    assert response.status_code == 429 and "<html" in html
    assert 'role="alert">Too many requests: classifying images is limited to 2' in html
    assert 'name="image"' in html  # the form is there to try again later
    assert_retry_after(response)


def test_htmx_gets_the_partial_with_the_message(client, shapes_classifier, limited):
    htmx = {"headers": {"HX-Request": "true"}}
    assert [form(client, **htmx).status_code for _ in range(2)] == [200, 200]
    response = form(client, **htmx)
    html = response.content.decode()
    assert response.status_code == 429 and "<html" not in html
    assert "Too many requests" in html and 'class="message message-error"' in html
    assert_retry_after(response)


def test_the_page_and_the_api_share_one_budget(client, shapes_classifier, limited):
    assert form(client).status_code == 302
    assert api(client).status_code == 200
    assert api(client).status_code == 429
    assert form(client).status_code == 429


def test_other_clients_are_unaffected(shapes_classifier, limited):
    first, second = Client(REMOTE_ADDR="203.0.113.7"), Client(REMOTE_ADDR="203.0.113.8")
    assert [api(first).status_code for _ in range(3)] == [200, 200, 429]
    assert [api(second).status_code for _ in range(2)] == [200, 200]
    assert api(first).status_code == 429


def test_refused_uploads_count_too(client, shapes_classifier, limited):
    bad = {"image": SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")}
    assert [client.post("/api/classify/shapes", bad).status_code for _ in range(2)] == [400, 400]
    assert api(client).status_code == 429


def test_pages_are_not_limited(client, shapes_classifier, limited):
    for _ in range(2):
        api(client)
    assert api(client).status_code == 429
    for _ in range(5):
        assert client.get("/").status_code == 200
        assert client.get("/classifiers/shapes/").status_code == 200


def test_an_empty_or_zero_setting_turns_the_limit_off(client, shapes_classifier, settings):
    for value in ("", "0"):
        set_rate(settings, ratelimits.CLASSIFY, value)
        assert {api(client).status_code for _ in range(4)} == {200}


def test_x_forwarded_for_is_ignored_without_a_proxy(client, shapes_classifier, limited):
    limited.BEHIND_PROXY = False
    codes = [api(client, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(3)]
    assert codes == [200, 200, 429]


def test_behind_a_proxy_the_address_it_appended_is_the_client(shapes_classifier, limited):
    limited.BEHIND_PROXY = True
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    # A client cannot escape by sending its own X-Forwarded-For: the proxy appends the real one.
    codes = [
        api(proxy, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.7").status_code
        for n in range(3)
    ]
    assert codes == [200, 200, 429]
    assert api(proxy, HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 200
    assert api(proxy, HTTP_X_FORWARDED_FOR="not-an-address").status_code == 200  # the proxy's


@pytest.mark.parametrize("behind_proxy", [True, False])
def test_predictions_record_the_client_the_limit_counts(shapes_classifier, settings, behind_proxy):
    """The admin groups uploads by client: behind a proxy, by visitor, not all as the proxy."""
    settings.BEHIND_PROXY = behind_proxy
    proxy = Client(REMOTE_ADDR="10.0.0.1")

    def client_of(forwarded):
        response = api(proxy, HTTP_X_FORWARDED_FOR=forwarded)
        return Prediction.objects.get(pk=response.json()["prediction_id"]).client

    visitor = client_of("203.0.113.7")
    assert client_of("198.51.100.1, 203.0.113.7") == visitor
    assert (client_of("203.0.113.8") != visitor) == behind_proxy
    assert "203.0.113.7" not in visitor and len(visitor) == 32


@pytest.mark.parametrize(
    ("value", "expected"),
    [("20/m", (20, 60)), ("100/5m", (100, 300)), ("30/10", (30, 10)), ("1/D", (1, 86400))],
)
def test_rates(value, expected):
    assert ratelimits.parse_rate(value) == expected


@pytest.mark.parametrize("value", ["", "0", " 0 ", None])
def test_off(value):
    assert ratelimits.parse_rate(value) is None


@pytest.mark.parametrize("value", ["20", "0/m", "abc", "20/w", "-1/m", "20/m/s"])
def test_bad_rates_are_refused(value):
    with pytest.raises(ValueError, match="is not a rate"):
        ratelimits.parse_rate(value)


def test_a_bad_rate_stops_the_middleware_naming_its_variable(settings):
    set_rate(settings, ratelimits.CLASSIFY, "lots")
    with pytest.raises(ImproperlyConfigured, match="RATELIMIT_CLASSIFY: 'lots' is not a rate: use"):
        ratelimits.RateLimitMiddleware(lambda request: None)


def test_a_group_without_a_rate_stops_the_middleware(settings):
    settings.RATE_LIMITS = {ratelimits.CLASSIFY: "", ratelimits.NAMES: ""}
    with pytest.raises(ImproperlyConfigured, match=r"no rate for 'writes' \(from RATELIMIT_WRITES"):
        ratelimits.RateLimitMiddleware(lambda request: None)


def test_an_unknown_group_is_refused_where_a_view_declares_it():
    with pytest.raises(ValueError, match="'clasify' is not a rate-limit group"):
        ratelimits.limit("clasify")


def test_other_unsafe_methods_of_a_limited_view_count_as_writes(client, shapes_classifier, limited):
    set_rate(limited, ratelimits.WRITES, "1/h")
    assert [client.put("/").status_code for _ in range(2)] == [405, 429]
    assert form(client).status_code == 302  # the classify budget is untouched


def test_the_message_says_the_limit_and_the_wait():
    exceeded = ratelimits.Exceeded(ratelimits.NAMES, 60, 60, 1)
    assert exceeded.message == (
        "Too many requests: generating names is limited to 60 a minute for each visitor. "
        "Please try again in 1 second."
    )
    assert "3 every 300 seconds" in ratelimits.Exceeded(ratelimits.CLASSIFY, 3, 300, 42).message


@pytest.mark.parametrize("wants", ["page", "htmx", "json"])
def test_a_view_that_declares_nothing_is_limited_as_writes(
    client, shapes_classifier, limited, wants
):
    """Feedback declares no limit: its POSTs count under "writes", answered as the client reads."""
    assert form(client).status_code == 302
    url = f"{Prediction.objects.get().get_absolute_url()}feedback"
    set_rate(limited, ratelimits.WRITES, "1/h")
    headers = {"htmx": {"HX-Request": "true"}, "json": {"Accept": "application/json"}}
    assert client.post(url, {"verdict": "correct"}).status_code == 302
    response = client.post(url, {"verdict": "correct"}, headers=headers.get(wants, {}))
    assert response.status_code == 429
    assert_retry_after(response)
    message = "Too many requests: sending forms is limited to 1 an hour for each visitor."
    if wants == "json":
        assert response.json()["error"].startswith(message)
    else:
        html = response.content.decode()
        assert message in html and ("<html" in html) == (wants == "page")
        assert ('<a href="/">Back to the home page</a>' in html) == (wants == "page")


def test_the_default_answer_on_an_api_path_is_json(rf):
    response = ratelimits.default_answer(rf.post("/api/anything"), "Too many requests.")
    assert json.loads(response.content) == {"error": "Too many requests."}
