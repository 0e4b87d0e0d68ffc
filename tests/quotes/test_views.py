import pytest
from django.utils import timezone

from quotes.models import Quote

pytestmark = pytest.mark.django_db


def make(text, author="Someone", provider="bundled"):
    return Quote.objects.create(
        text=text, author=author, provider=provider, fetched_at=timezone.now()
    )


def test_new_quote_for_htmx_is_the_widget_alone(client):
    first, second = make("First."), make("Second.")
    response = client.get(f"/quotes/random/?quote_after={first.pk}", headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "Second." in html and "First." not in html
    assert f'hx-get="/quotes/random/?quote_after={second.pk}"' in html


def test_new_quote_without_javascript_is_a_whole_page(client):
    first, _ = make("First."), make("Second.")
    response = client.get(f"/quotes/random/?quote_after={first.pk}")
    html = response.content.decode()
    assert "<html" in html and "Second." in html
    assert f'href="?quote_after={Quote.objects.get(text="Second.").pk}"' in html


def test_home_page_shows_a_quote_and_skips_the_previous_one(client):
    first, _ = make("First."), make("Second.")
    html = client.get(f"/?quote_after={first.pk}").content.decode()
    assert "Second." in html and "First." not in html


def test_zenquotes_attribution_only_for_its_quotes(client):
    make("From Zen.", provider="zenquotes")
    assert "ZenQuotes API" in client.get("/quotes/random/").content.decode()
    Quote.objects.all().delete()
    make("From the file.")
    assert "ZenQuotes API" not in client.get("/quotes/random/").content.decode()


def test_quote_text_is_escaped(client):
    make('<script>alert("x")</script>', author="<b>Mallory</b>")
    html = client.get("/quotes/random/").content.decode()
    assert "<script>alert" not in html and "<b>Mallory" not in html
    assert "&lt;script&gt;" in html


def test_garbage_quote_after_is_ignored(client):
    make("Only.")
    assert client.get("/quotes/random/?quote_after=abc").status_code == 200


def test_new_quote_is_get_only(client):
    assert client.post("/quotes/random/").status_code == 405


def test_admin_lists_and_searches_quotes(admin_client):
    make("Findable words.", author="Seneca", provider="zenquotes")
    make("Other.")
    response = admin_client.get("/admin/quotes/quote/?q=Seneca&provider__exact=zenquotes")
    assert response.status_code == 200
    assert "Findable words." in response.content.decode()
    assert "Other." not in response.content.decode()
