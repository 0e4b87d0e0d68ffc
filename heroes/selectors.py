"""Reading heroes, powers and clusters the way the pages show them."""

from dataclasses import dataclass

from django.db.models import Case, IntegerField, Prefetch, Q, Sum, Value, When

from mlcore.heroes.table import bare_key

from .models import Cluster, Clustering, Hero, Neighbour, Power

MAP_WIDTH = 1000
MAP_PADDING = 12
SEARCH_RESULTS = 30


def current_clustering():
    """The stored clustering (without its placement model), or None before any import."""
    return Clustering.objects.defer("placement").first()


def mean_powers(clustering):
    """How many powers a hero has on average."""
    total = Power.objects.aggregate(total=Sum("hero_count"))["total"] or 0
    return total / clustering.hero_count if clustering.hero_count else 0.0


def clusters(clustering):
    return list(Cluster.objects.filter(clustering=clustering))


def cluster(clustering, number):
    """The cluster with this number and its heroes (name, slug, power count), or None."""
    heroes = Hero.objects.only("name", "slug", "power_count", "cluster_id", "publisher")
    return (
        Cluster.objects.filter(clustering=clustering, number=number)
        .prefetch_related(Prefetch("heroes", queryset=heroes.order_by("name")))
        .first()
    )


@dataclass
class MapPoint:
    name: str
    url: str
    x: float
    y: float
    colour: int
    cluster: str


@dataclass
class HeroMap:
    width: int
    height: int
    points: list


def hero_map():
    """Every hero as a point of an SVG `MAP_WIDTH` wide, in map coordinates."""
    span = MAP_WIDTH - 2 * MAP_PADDING
    rows = Hero.objects.order_by("cluster__number", "name").values_list(
        "name", "slug", "x", "y", "cluster__colour", "cluster__name"
    )
    points = [
        MapPoint(
            name,
            f"/heroes/{slug}/",
            round(MAP_PADDING + x * span, 1),
            round(MAP_PADDING + y * span, 1),
            colour,
            cluster_name,
        )
        for name, slug, x, y, colour, cluster_name in rows
    ]
    bottom = max((point.y for point in points), default=0)
    return HeroMap(MAP_WIDTH, int(bottom + MAP_PADDING + 1), points)


def hero(slug):
    """The hero with its cluster, powers and nearest heroes (with their clusters), or None."""
    nearest = Neighbour.objects.select_related("other__cluster").order_by("rank")
    return (
        Hero.objects.filter(slug=slug)
        .select_related("cluster")
        .prefetch_related(
            Prefetch("powers", queryset=Power.objects.order_by("name")),
            Prefetch("neighbours", queryset=nearest),
        )
        .first()
    )


def distinctive_in_cluster(hero):
    """The names of the hero's powers that are among its cluster's distinctive ones."""
    return {power["power"] for power in hero.cluster.top_powers}


def search(query, limit=SEARCH_RESULTS):
    """Heroes whose name holds the query, ignoring case, spaces, punctuation and accents; names
    that start with it first. ("spiderman" finds Spider-Man.)"""
    key = bare_key(query)
    if not key:
        return []
    starts = Case(
        When(search_key__startswith=key, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return list(
        Hero.objects.filter(Q(search_key__contains=key))
        .select_related("cluster")
        .annotate(starts=starts)
        .order_by("starts", "name")[:limit]
    )


def powers():
    """Every power, by name, with how many heroes have it."""
    return list(Power.objects.order_by("name"))
