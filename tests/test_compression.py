"""Public HTML is compressed; pages for a signed-in user and other content are not (BREACH)."""

import gzip

import pytest

pytestmark = pytest.mark.django_db


def test_a_public_page_is_compressed(client):
    response = client.get("/api/", headers={"Accept-Encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"
    assert b"Use this from code" in gzip.decompress(response.content)


def test_a_signed_in_users_page_is_not(admin_client):
    response = admin_client.get("/api/", headers={"Accept-Encoding": "gzip"})
    assert not response.has_header("Content-Encoding")
    assert b"Use this from code" in response.content


def test_json_is_not(client):
    response = client.get("/api/names?count=99", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 400 and not response.has_header("Content-Encoding")
