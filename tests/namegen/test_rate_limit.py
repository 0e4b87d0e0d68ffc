"""Rate limits on name generation: the page's POSTs and /api/names, per client."""

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

ASK = {"count": 2, "temperature": "1.0"}


@pytest.fixture
def limited(settings):
    # An hourly window: no test straddles its end.
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "names": "2/h"}


def test_the_api_answers_429_json_after_the_limit(client, name_model, limited):
    assert [client.get("/api/names").status_code for _ in range(2)] == [200, 200]
    response = client.get("/api/names")
    assert response.status_code == 429
    error = json.loads(response.content)["error"]
    assert error.startswith("Too many requests: generating names is limited to 2 an hour")
    assert 1 <= int(response["Retry-After"]) <= 3600


def test_the_plain_form_gets_the_whole_page_with_the_message(client, name_model, limited):
    assert [client.post("/names/", ASK).status_code for _ in range(2)] == [200, 200]
    response = client.post("/names/", ASK)
    html = response.content.decode()
    assert response.status_code == 429 and "<html" in html
    assert "Too many requests: generating names is limited to 2 an hour" in html
    assert 'class="name-text"' not in html
    assert 1 <= int(response["Retry-After"]) <= 3600


def test_htmx_gets_the_generator_with_the_message(client, name_model, limited):
    htmx = {"HX-Request": "true"}
    for _ in range(2):
        client.post("/names/", ASK, headers=htmx)
    response = client.post("/names/", ASK, headers=htmx)
    html = response.content.decode()
    assert response.status_code == 429
    assert "<html" not in html and 'id="generator"' in html and "Too many requests" in html
    assert 'value="2"' in html  # the form keeps what the visitor asked for
    assert "Retry-After" in response


def test_the_page_and_the_api_share_one_budget_per_client(name_model, limited):
    first, second = Client(REMOTE_ADDR="203.0.113.7"), Client(REMOTE_ADDR="2001:db8::1")
    assert first.post("/names/", ASK).status_code == 200
    assert first.get("/api/names").status_code == 200
    assert first.get("/api/names").status_code == 429
    assert first.post("/names/", ASK).status_code == 429
    assert [second.get("/api/names").status_code for _ in range(3)] == [200, 200, 429]


def test_the_page_itself_is_not_limited(client, name_model, limited):
    for _ in range(3):
        client.post("/names/", ASK)
    assert {client.get("/names/").status_code for _ in range(5)} == {200}


def test_off_by_default_in_tests(client, name_model):
    assert {client.get("/api/names?count=1").status_code for _ in range(10)} == {200}
