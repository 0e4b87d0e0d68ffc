"""Clustering heroes by power (mlcore.heroes): the measures on small cases worked by hand, the
three methods on tables with a known answer, and the site's fit on the bundled superhero-set."""

import numpy as np
import pytest

from heroes.bundled import BUNDLED_POWERS
from mlcore.heroes import clustering, fit
from mlcore.heroes.table import read_powers


@pytest.fixture(scope="module")
def bundled_table():
    return read_powers(BUNDLED_POWERS)


@pytest.fixture(scope="module")
def fitted(bundled_table):
    return fit.fit(bundled_table.has, bundled_table.powers, seed=0)


def blocks(groups=3, per_group=30, powers_each=6, noise=0.03, seed=0):
    """A table whose heroes come in groups, each group with powers of its own, plus noise."""
    rng = np.random.default_rng(seed)
    width = groups * powers_each
    X = rng.random((groups * per_group, width)) < noise
    truth = np.repeat(np.arange(groups), per_group)
    for g in range(groups):
        own = slice(g * powers_each, (g + 1) * powers_each)
        X[truth == g, own] |= rng.random((per_group, powers_each)) < 0.7
    X[~X.any(1), 0] = True
    return X, truth


# -- the measures -------------------------------------------------------------------------------


def test_jaccard_distances():
    X = np.array([[1, 1, 0], [1, 0, 1], [0, 0, 0], [0, 0, 0]], dtype=bool)
    D = clustering.jaccard_distances(X)
    assert D[0, 1] == pytest.approx(1 - 1 / 3)
    assert D[0, 0] == 0
    assert D[2, 3] == 0  # two heroes without powers
    assert D[0, 2] == 1  # one with, one without


def test_silhouette_by_hand():
    # Two tight pairs far apart: a = 1, b = 10 for every point.
    D = np.array([[0, 1, 10, 10], [1, 0, 10, 10], [10, 10, 0, 1], [10, 10, 1, 0]], dtype=float)
    assert clustering.silhouette(D, [0, 0, 1, 1]) == pytest.approx(0.9)
    assert clustering.silhouette(D, [0, 1, 0, 1]) < 0
    assert np.isnan(clustering.silhouette(D, [0, 0, 0, 0]))
    # A point alone in its cluster scores 0.
    assert clustering.silhouette(D, [0, 0, 1, 2]) == pytest.approx((0.9 + 0.9) / 4)


def test_adjusted_rand():
    a = [0, 0, 0, 1, 1, 1]
    assert clustering.adjusted_rand(a, a) == 1
    assert clustering.adjusted_rand(a, [5, 5, 5, 2, 2, 2]) == 1  # names do not matter
    # The classic example (Hubert & Arabie): 0.2424...
    assert clustering.adjusted_rand([0, 0, 1, 1], [0, 0, 1, 2]) == pytest.approx(4 / 7, abs=1e-9)
    rng = np.random.default_rng(0)
    chance = [clustering.adjusted_rand(rng.integers(4, size=400), rng.integers(4, size=400))]
    assert abs(np.mean(chance)) < 0.02


def test_by_size_numbers_clusters_largest_first():
    assert list(clustering.by_size([7, 3, 3, 9, 3, 7])) == [1, 0, 0, 2, 0, 1]


def test_curveball_keeps_both_margins_and_breaks_the_groups():
    X, _truth = blocks()
    S = clustering.curveball(X, seed=1)
    assert (S.sum(1) == X.sum(1)).all()
    assert (S.sum(0) == X.sum(0)).all()
    assert (S != X).sum() > X.sum() // 2
    assert (clustering.curveball(X, seed=1) == S).all()


def test_average_linkage_merges_the_closest_first():
    D = np.array([[0, 1, 5, 6], [1, 0, 5, 6], [5, 5, 0, 2], [6, 6, 2, 0]], dtype=float)
    merges = clustering.average_linkage(D)
    assert merges[0] == (0, 1, 1.0)
    assert merges[1] == (2, 3, 2.0)
    assert merges[2][2] == pytest.approx(5.5)  # the mean of 5, 5, 6, 6
    assert list(clustering.cut(merges, 4, 2)) == [0, 0, 1, 1]


@pytest.mark.parametrize("method", ["kmeans", "agglomerative", "mixture"])
def test_every_method_finds_planted_groups(method):
    X, truth = blocks()
    result = clustering.run(method, clustering.Data(X), 3, seed=0)
    assert clustering.adjusted_rand(result.labels, truth) > 0.9


def test_stability_is_high_for_real_groups_and_low_for_shuffled_ones():
    X, _ = blocks(groups=4)
    real = clustering.stability("kmeans", X, 4, seeds=range(4))
    noise = clustering.stability("kmeans", clustering.curveball(X, seed=0), 4, seeds=range(4))
    assert real > 0.8
    assert noise < real - 0.3


def test_rows_without_powers_are_refused_by_the_methods():
    with pytest.raises(ValueError, match="at least one power"):
        clustering.Data(np.array([[1, 0], [0, 0]], dtype=bool))


# -- the site's fit ----------------------------------------------------------------------------


def test_every_hero_has_a_cluster(bundled_table, fitted):
    numbers = {c.number for c in fitted.clusters}
    assert set(fitted.labels) == numbers
    assert sum(c.size for c in fitted.clusters) == len(bundled_table.heroes) == 667
    assert fit.K_RANGE[0] <= fitted.k <= fit.K_RANGE[1]
    assert len(fitted.clusters) == fitted.k  # no hero of the bundled table lacks powers


def test_the_same_seed_gives_the_same_clusters(bundled_table, fitted):
    again = fit.fit(bundled_table.has, bundled_table.powers, seed=0)
    assert again.k == fitted.k
    assert [c.size for c in again.clusters] == [c.size for c in fitted.clusters]
    assert [c.name for c in again.clusters] == [c.name for c in fitted.clusters]
    assert (again.labels == fitted.labels).all()
    assert np.allclose(again.coordinates, fitted.coordinates)


def test_the_shuffled_baseline_scores_worse(bundled_table, fitted):
    assert fitted.silhouette > fitted.baseline_silhouette + 0.01
    X = bundled_table.has
    shuffled = clustering.curveball(X, seed=5)
    noise = clustering.stability("kmeans", shuffled, fitted.k, seeds=range(5))
    assert noise < fitted.criterion_value - 0.15


def test_k_is_the_most_stable(fitted):
    best = max(fitted.tried.values())
    assert fitted.criterion_value >= best - fit.STABILITY_TOLERANCE
    assert all(
        value < best - fit.STABILITY_TOLERANCE for k, value in fitted.tried.items() if k < fitted.k
    )


def test_clusters_are_named_by_distinctive_powers(bundled_table, fitted):
    names = [c.name for c in fitted.clusters]
    assert len(set(names)) == len(names)
    agility = bundled_table.has[:, bundled_table.powers.index("Agility")].mean()
    assert agility > 0.3  # the commonest kind of power...
    for cluster in fitted.clusters:
        assert all(p.lift > 1 and p.share >= fit.MIN_SHARE for p in cluster.top_powers)
        named = cluster.top_powers[0]
        assert named.power in cluster.name and named.lift >= fit.NAME_LIFT
        assert "Agility" not in cluster.name  # ...names no cluster
    lifts = [p.lift for p in fitted.clusters[0].top_powers]
    assert lifts == sorted(lifts, reverse=True)


def test_placing_a_hero_with_its_own_powers_finds_its_cluster(bundled_table, fitted):
    placed = [fitted.placement.place(row)[0] for row in bundled_table.has]
    assert np.mean(np.array(placed) == fitted.labels) > 0.99
    again = fit.Placement.from_json(fitted.placement.to_json())
    assert again.place(bundled_table.has[0]) == fitted.placement.place(bundled_table.has[0])
    assert fitted.placement.place(np.zeros(len(bundled_table.powers), dtype=bool)) == []


def test_nearest_heroes_share_the_most_powers(bundled_table, fitted):
    has = bundled_table.has
    batman = bundled_table.heroes.index("Batman")
    near = fitted.neighbours[batman]
    assert len(near) == fit.NEIGHBOURS
    assert batman not in [i for i, _ in near]
    similarities = [s for _, s in near]
    assert similarities == sorted(similarities, reverse=True)
    others = 1 - clustering.jaccard_distances(has, has[[batman]])[:, 0]
    others[batman] = 0
    assert similarities[0] == pytest.approx(others.max())
    assert fit.nearest(has, has[batman], exclude=batman) == near


def test_the_map_is_in_its_frame(fitted):
    x, y = fitted.coordinates.T
    assert np.isfinite(fitted.coordinates).all()
    assert x.min() == pytest.approx(0) and x.max() == pytest.approx(1)
    assert y.min() == pytest.approx(0) and 0 < y.max() < 2


def test_heroes_without_powers_are_a_group_of_their_own():
    X, _ = blocks(groups=3, per_group=20)
    X = np.vstack([X, np.zeros((5, X.shape[1]), dtype=bool)])
    powers = [f"power {i}" for i in range(X.shape[1])]
    result = fit.fit(X, powers, seed=0)
    empty = result.clusters[-1]
    assert empty.no_powers and empty.name == fit.NO_POWERS and empty.size == 5
    assert (result.labels[-5:] == empty.number).all()
    assert empty.number not in result.labels[:-5]
    assert all(result.neighbours[i] == [] for i in range(len(X) - 5, len(X)))
    assert all(j < len(X) - 5 for near in result.neighbours for j, _ in near)
    assert "5 heroes have no powers" in result.notes[0]
    below = result.coordinates[:-5, 1].max()
    assert (result.coordinates[-5:, 1] > below).all()  # drawn apart, below the map


def test_too_few_heroes_to_cluster():
    X, _ = blocks(groups=2, per_group=9)
    with pytest.raises(
        fit.TooFewHeroes, match="18 heroes have powers; clustering needs at least 20"
    ):
        fit.fit(X, [f"p{i}" for i in range(X.shape[1])])
