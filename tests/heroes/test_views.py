"""The heroes pages on the bundled data: the map, clusters, heroes, search and "Build a hero",
with and without HTMX, and clear 4xx answers to bad input."""

import re

import pytest
from django.test import Client
from django.utils.html import escape

from heroes.models import Cluster, Hero, Power
from tests.heroes.helpers import remove_heroes

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def client():
    return Client()


def text(response):
    return response.content.decode()


def test_index_shows_the_map_and_every_cluster(client, heroes):
    response = client.get("/heroes/")
    assert response.status_code == 200
    page = text(response)
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert len(re.findall(r"<circle ", svg)) == Hero.objects.count() == 667
    assert "<title>Batman</title>" in svg
    assert 'href="/heroes/batman/"' in svg
    for cluster in Cluster.objects.all():
        assert f'href="/heroes/clusters/{cluster.number}/"' in page
        assert f"{cluster.size} heroes" in page
        assert cluster.top_powers[0]["power"] in page
    assert f"{heroes.silhouette:.3f}" in page and f"{heroes.baseline_silhouette:.3f}" in page
    assert 'href="/heroes/build/"' in page


def test_every_dot_has_a_colour_of_its_cluster(client, heroes):
    page = text(client.get("/heroes/"))
    colours = set(re.findall(r'class="dot c(\d+)"', page))
    assert colours == {str(c) for c in Cluster.objects.values_list("colour", flat=True)}


def test_the_menu_and_the_home_page_lead_here(client, heroes):
    page = text(client.get("/heroes/"))
    assert '<a href="/heroes/" aria-current="page">Heroes by power</a>' in page
    assert 'href="/heroes/"' in text(client.get("/"))


def test_cluster_page(client, heroes):
    cluster = Cluster.objects.get(number=1)
    response = client.get("/heroes/clusters/1/")
    assert response.status_code == 200
    page = text(response)
    assert escape(cluster.name) in page
    names = re.findall(r'<li><a href="/heroes/[^"]+/">([^<]+)</a>', page)
    assert len(names) == cluster.size == cluster.heroes.count()
    assert names == sorted(names, key=lambda n: n)  # the database's order: by name
    for power in cluster.top_powers:
        assert power["power"] in page
    publisher, count = cluster.publishers[0]
    assert (
        f'<span class="mix-name">{publisher}</span><span class="mix-count">{count}</span>' in page
    )
    assert "Alignment" in page and "good" in page


def test_an_unknown_cluster_is_404(client, heroes):
    assert client.get("/heroes/clusters/99/").status_code == 404


def test_hero_page(client, heroes):
    batman = Hero.objects.get(slug="batman")
    response = client.get("/heroes/batman/")
    assert response.status_code == 200
    page = text(response)
    for power in batman.powers.all():
        assert power.name in page
    assert escape(batman.cluster.name) in page
    assert "DC Comics" in page and "188 cm" in page and "95 kg" in page
    near = re.findall(r'<li class="neighbour"><a href="/heroes/([^"]+)/">', page)
    assert len(near) == 10
    assert near[0] == batman.neighbours.get(rank=1).other.slug
    assert "batman" not in near


def test_a_hero_without_details(client, heroes):
    page = text(client.get("/heroes/3-d-man/"))
    assert "The details file has no row for 3-D Man." in page


def test_an_unknown_hero_is_404(client, heroes):
    assert client.get("/heroes/nobody-at-all/").status_code == 404


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("spiderman", "Spider-Man"),
        ("SPIDER man", "Spider-Man"),
        ("batg", "Batgirl"),
        ("Abe", "Abe Sapien"),
    ],
)
def test_search_ignores_case_spaces_and_punctuation(client, heroes, query, first):
    response = client.get("/heroes/search/", {"q": query})
    assert response.status_code == 200
    found = re.findall(r'<li><a href="/heroes/[^"]+/">([^<]+)</a>', text(response))
    assert found[0] == first
    assert "<h1>Find a hero</h1>" in text(response)


def test_search_names_that_start_with_the_query_come_first(client, heroes):
    found = re.findall(
        r'<li><a href="/heroes/[^"]+/">([^<]+)</a>', text(client.get("/heroes/search/?q=man"))
    )
    starting = [name for name in found if name.casefold().startswith("man")]
    assert found[: len(starting)] == starting and starting
    assert len(found) == 30  # at most


def test_search_as_you_type_answers_the_results_alone(client, heroes):
    response = client.get("/heroes/search/", {"q": "hulk"}, **HTMX)
    page = text(response)
    assert response.status_code == 200
    assert page.startswith('<div id="search-results"')
    assert "<html" not in page and "Hulk" in page and "Red Hulk" in page


def test_search_without_a_match_or_a_query(client, heroes):
    assert "No hero is named like &ldquo;zzzz&rdquo;" in text(client.get("/heroes/search/?q=zzzz"))
    response = client.get("/heroes/search/")
    assert response.status_code == 200 and "hero-results" not in text(response)


def test_a_query_too_long_is_400_with_the_reason(client, heroes):
    response = client.get("/heroes/search/", {"q": "x" * 101}, **HTMX)
    assert response.status_code == 400
    assert "at most 100 characters" in text(response)


def test_build_form_lists_every_power(client, heroes):
    page = text(client.get("/heroes/build/"))
    assert len(re.findall(r'type="checkbox" name="powers"', page)) == Power.objects.count() == 167


def slugs(*names):
    return [Power.objects.get(name=name).slug for name in names]


def test_build_a_hero_with_a_plain_post(client, heroes):
    chosen = slugs("Flight", "Energy Blasts", "Energy Beams", "Energy Absorption")
    response = client.post("/heroes/build/", {"powers": chosen})
    assert response.status_code == 200
    page = text(response)
    assert "<h1>Build a hero</h1>" in page
    assert "Your hero would join" in page
    placed = re.search(r'class="placed-cluster" href="/heroes/clusters/(\d+)/"', page)[1]
    assert "Energy" in Cluster.objects.get(number=placed).name
    assert len(re.findall(r'<li class="neighbour">', page)) == 10
    for slug in chosen:  # the ticks stay ticked
        assert re.search(rf'value="{slug}"[^>]*checked', page)


def test_build_a_hero_with_htmx_answers_the_result_alone(client, heroes):
    response = client.post("/heroes/build/", {"powers": slugs("Magic", "Teleportation")}, **HTMX)
    page = text(response)
    assert response.status_code == 200
    assert page.startswith('<div id="build-result"') and "<html" not in page
    assert "Next closest:" in page


def test_a_heroes_own_powers_place_it_in_its_cluster(client, heroes):
    batman = Hero.objects.get(slug="batman")
    powers = list(batman.powers.values_list("slug", flat=True))
    page = text(client.post("/heroes/build/", {"powers": powers}, **HTMX))
    assert f'href="/heroes/clusters/{batman.cluster.number}/"' in page.split("Next closest")[0]
    assert '<a href="/heroes/batman/">Batman</a>' in page  # Batman himself, 100% alike


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Tick at least one power."),
        ({"powers": ["no-such-power"]}, "no-such-power is not one of"),
    ],
)
def test_build_refuses_bad_input_with_a_400(client, heroes, data, message):
    for extra in ({}, HTMX):
        response = client.post("/heroes/build/", data, **extra)
        assert response.status_code == 400
        assert message in text(response)


def test_pages_only_answer_their_methods(client, heroes):
    for path in ("/heroes/", "/heroes/search/", "/heroes/batman/", "/heroes/clusters/1/"):
        assert client.post(path).status_code == 405
    assert client.put("/heroes/build/").status_code == 405


@pytest.mark.parametrize(
    "path", ["/heroes/", "/heroes/build/", "/heroes/batman/", "/heroes/clusters/1/"]
)
def test_before_any_import_pages_say_what_to_run(heroes, client, path):
    remove_heroes()
    response = client.get(path)
    assert response.status_code == 503
    assert "python manage.py bootstrap" in text(response)


def test_building_before_any_import_says_what_to_run(heroes, client):
    remove_heroes()
    response = client.post("/heroes/build/", {"powers": ["flight"]}, **HTMX)
    assert response.status_code == 503
    assert "import_hero_powers" in text(response)


def test_admin_lists_heroes_and_powers(admin_client, heroes):
    page = text(admin_client.get("/admin/heroes/hero/?q=bat"))
    assert "Batman" in page and "Batgirl" in page
    page = text(admin_client.get("/admin/heroes/power/"))
    assert "Agility" in page and "167 powers" in page
    batman = Hero.objects.get(slug="batman")
    page = text(admin_client.get(f"/admin/heroes/hero/{batman.pk}/change/"))
    assert "Weapons Master" in page and "DC Comics" in page
    assert admin_client.get("/admin/heroes/hero/add/").status_code == 403
    assert admin_client.get("/admin/heroes/cluster/").status_code == 200
    assert admin_client.get("/admin/heroes/clustering/").status_code == 200
    assert admin_client.post(f"/admin/heroes/hero/{batman.pk}/delete/").status_code == 403
