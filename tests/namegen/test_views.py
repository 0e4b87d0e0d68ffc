import re

import pytest

pytestmark = pytest.mark.django_db


def names_in(html):
    return re.findall(r'<span class="name-text">([^<]*)</span>', html)


@pytest.mark.parametrize("count", [1, 7, 15])
def test_page_generates_the_names_asked_for(client, name_model, count):
    response = client.post("/names/", {"count": count, "temperature": "1.0", "prefix": "Pi"})
    assert response.status_code == 200
    found = names_in(response.content.decode())
    assert len(found) == count == len(set(found))
    assert all(name.startswith("Pi") for name in found)


def test_htmx_post_returns_the_generator_alone(client, name_model):
    response = client.post(
        "/names/", {"count": 3, "temperature": "0.8"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="generator"' in html
    assert len(names_in(html)) == 3


def test_each_name_is_labelled_new_or_real(client, name_model):
    html = client.post("/names/", {"count": 15, "temperature": "0.3"}).content.decode()
    assert html.count('class="badge badge-new"') + html.count('class="badge badge-real"') == 15


def test_only_new_names(client, name_model, trained_names_model):
    html = client.post("/names/", {"count": 15, "temperature": "1.0", "only_new": "on"})
    known = {name.casefold() for name in trained_names_model.names}
    assert not {name.casefold() for name in names_in(html.content.decode())} & known


def test_page_shows_form_and_quote(client, name_model):
    html = client.get("/names/").content.decode()
    assert 'name="count"' in html and 'class="quote"' in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"count": 0, "temperature": "1"}, "greater than or equal to 1"),
        ({"count": 16, "temperature": "1"}, "less than or equal to 15"),
        ({"count": "many", "temperature": "1"}, "Enter a whole number"),
        ({"count": 3, "temperature": "0.05"}, "greater than or equal to 0.1"),
        ({"count": 3, "temperature": "2.5"}, "less than or equal to 2.0"),
        ({"count": 3, "temperature": "1", "prefix": "P€"}, "never seen: &#x27;€&#x27;"),
        ({"count": 3, "temperature": "1", "prefix": "x" * 13}, "at most 12 characters"),
    ],
)
def test_bad_input_gets_a_form_error(client, name_model, data, message):
    response = client.post("/names/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not names_in(response.content.decode())


def test_no_model_says_how_to_train(client):
    response = client.post("/names/", {"count": 3, "temperature": "1"})
    assert response.status_code == 503
    assert "manage.py train_namegen" in response.content.decode()


def test_post_needs_csrf(name_model):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/names/", {"count": 3, "temperature": "1"})
    assert response.status_code == 403


def test_api_names(client, name_model):
    response = client.get("/api/names", {"count": 5, "temperature": "0.8", "prefix": "Pi"})
    assert response.status_code == 200
    names = response.json()["names"]
    assert len(names) == 5
    assert all(item["name"].startswith("Pi") and isinstance(item["new"], bool) for item in names)


def test_api_defaults(client, name_model):
    assert len(client.get("/api/names").json()["names"]) == 5


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"count": "20"}, "count: Ensure this value is less than or equal to 15."),
        ({"count": "abc"}, "count: Enter a whole number."),
        ({"temperature": "hot"}, "temperature: Enter a number."),
        ({"prefix": "Q\u00e6\u2603"}, "prefix: The prefix has characters the model has never seen"),
    ],
)
def test_api_bad_input_is_a_400_with_a_message(client, name_model, query, message):
    response = client.get("/api/names", query)
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_api_without_a_model_is_503(client):
    response = client.get("/api/names")
    assert response.status_code == 503
    assert "train_namegen" in response.json()["error"]


def test_api_is_get_only(client, name_model):
    assert client.post("/api/names").status_code == 405
