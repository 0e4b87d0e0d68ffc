"""The clustering the site stores, and placing a new hero in it.

`fit` clusters the heroes that have powers with k-means on the TF-IDF + SVD embedding (the method
`bench/hero_clusters.py` measured best: see the README), choosing k as the most stable number of
clusters from K_RANGE (mean adjusted Rand between fits on 80% subsamples, one per seed; within
0.01 of the best, the fewest clusters). Heroes
with no powers are one more group, the last. Each cluster is named by its most distinctive
powers: those that many of its heroes have (at least MIN_SHARE of them) and that are most
over-represented against all heroes (lift = share in the cluster / share overall). It also lays
out a 2-D map (t-SNE of the embedding: measured to keep more of each hero's nearest heroes, and
to separate the clusters, than PCA) and lists each hero's nearest heroes by Jaccard similarity.

`Placement` is what a new hero needs (the embedding and the cluster centres), as JSON for the
database: `place(powers)` ranks the clusters for a set of powers in microseconds.
"""

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from . import clustering

METHOD = "kmeans"
K_RANGE = (6, 20)  # at least six groups to be worth a map, at most twenty (~30 heroes each)
MIN_PER_CLUSTER = 10  # smaller tables try at most heroes / 10 clusters
MIN_HEROES = 2 * MIN_PER_CLUSTER
STABILITY_SEEDS = 10
STABILITY_TOLERANCE = 0.01  # ks this close to the most stable count as ties: the fewest wins
NEIGHBOURS = 10
NAME_POWERS = 2
TOP_POWERS = 8
MIN_SHARE = 0.25
NAME_LIFT = 1.5
NO_POWERS = "No powers listed"
CRITERION = "stability"


class TooFewHeroes(ValueError):
    pass


@dataclass
class PowerLift:
    power: str
    count: int  # heroes of the cluster with the power
    share: float  # of the cluster's heroes
    base: float  # of all heroes with powers
    lift: float  # share / base


@dataclass
class ClusterSummary:
    number: int  # 1.. by size; the group without powers is last
    name: str
    size: int
    top_powers: list  # PowerLift, most distinctive first
    no_powers: bool = False


@dataclass
class Placement:
    """The embedding and the centres, to place a set of powers among the clusters."""

    powers: list
    idf: np.ndarray
    components: np.ndarray
    centres: np.ndarray  # (k, dims), row i is cluster number i + 1

    def place(self, row):
        """Cluster numbers from the closest to the farthest; [] for a row without powers."""
        row = np.asarray(row, dtype=bool)
        if not row.any():
            return []
        embedding = clustering.Embedding(self.idf, self.components)
        z = embedding.transform(row[None, :])
        distances = clustering.squared_distances(z, self.centres)[0]
        return [int(i) + 1 for i in np.argsort(distances, kind="stable")]

    def to_json(self):
        return {
            "powers": list(self.powers),
            "idf": self.idf.tolist(),
            "components": self.components.tolist(),
            "centres": self.centres.tolist(),
        }

    @classmethod
    def from_json(cls, data):
        return cls(
            list(data["powers"]),
            np.array(data["idf"], dtype=np.float64),
            np.array(data["components"], dtype=np.float64),
            np.array(data["centres"], dtype=np.float64),
        )


@dataclass
class Fit:
    powers: list
    labels: np.ndarray  # cluster number of each hero
    clusters: list  # ClusterSummary, by number
    coordinates: np.ndarray  # (heroes, 2): x in [0, 1], y from 0 down
    neighbours: list  # per hero: [(hero index, Jaccard similarity)], nearest first
    placement: Placement
    k: int
    criterion_value: float  # the stability of the chosen k
    tried: dict  # k -> stability
    silhouette: float  # on Jaccard distance, heroes with powers
    baseline_silhouette: float  # the same k on shuffled powers
    seed: int
    method: str = METHOD
    criterion: str = CRITERION
    notes: list = field(default_factory=list)


def k_candidates(heroes, k_range=K_RANGE):
    """The ks to try for this many heroes with powers."""
    low, high = k_range
    high = min(high, heroes // MIN_PER_CLUSTER)
    if high < 2:
        raise TooFewHeroes(f"{heroes} heroes have powers; clustering needs at least {MIN_HEROES}.")
    return range(max(2, min(low, high)), high + 1)


def choose(stabilities):
    """The fewest clusters whose stability is within STABILITY_TOLERANCE of the best."""
    best = max(stabilities.values())
    return min(k for k, value in stabilities.items() if value >= best - STABILITY_TOLERANCE)


def fit(has, powers, seed=0, k_range=K_RANGE, progress=None):
    """The stored clustering of a (heroes, powers) bool table."""
    has = np.asarray(has, dtype=bool)
    with_powers = np.flatnonzero(has.any(1))
    X = has[with_powers]
    ks = k_candidates(len(X), k_range)
    data = clustering.Data(X)
    tried = {}
    for k in ks:
        seeds = range(seed, seed + STABILITY_SEEDS)
        tried[k] = clustering.stability(METHOD, X, k, seeds=seeds, embedding=data.embedding)
        if progress:
            progress(k, tried[k])
    k = choose(tried)
    result = clustering.run(METHOD, data, k, seed=seed)
    shuffled = clustering.Data(clustering.curveball(X, seed=seed))
    baseline = clustering.run(METHOD, shuffled, k, seed=seed).criterion

    labels = np.full(len(has), result.labels.max() + 2)  # the group without powers
    labels[with_powers] = result.labels + 1
    clusters = describe(has, labels, powers)
    notes = []
    if len(with_powers) < len(has):
        notes.append(f"{len(has) - len(with_powers)} heroes have no powers: a group of their own")
    placement = Placement(
        list(powers),
        result.model["embedding"].idf,
        result.model["embedding"].components,
        result.model["centres"],
    )
    return Fit(
        powers=list(powers),
        labels=labels,
        clusters=clusters,
        coordinates=layout(has, data.embedding),
        neighbours=all_neighbours(has),
        placement=placement,
        k=int(result.labels.max() + 1),
        criterion_value=tried[k],
        tried=tried,
        silhouette=result.criterion,
        baseline_silhouette=baseline,
        seed=seed,
        notes=notes,
    )


# -- naming and make-up -------------------------------------------------------------------------


def distinctive_powers(members, base, powers, count=TOP_POWERS):
    """PowerLift of the powers that set these heroes apart, most distinctive first: held by at
    least MIN_SHARE of them and more common among them than among all heroes (lift above 1).
    A cluster with no such power gets its commonest powers instead."""
    counts = members.sum(0)
    share = counts / max(len(members), 1)
    lift = np.divide(share, base, out=np.zeros_like(share), where=base > 0)
    enough = min(2, len(members))
    ranked = [
        j
        for j in range(len(powers))
        if share[j] >= MIN_SHARE and counts[j] >= enough and lift[j] > 1
    ]
    ranked.sort(key=lambda j: (-lift[j], -share[j], powers[j]))
    if not ranked:
        ranked = sorted(np.flatnonzero(counts), key=lambda j: (-counts[j], -lift[j], powers[j]))
        ranked = ranked[:NAME_POWERS]
    return [
        PowerLift(powers[j], int(counts[j]), float(share[j]), float(base[j]), float(lift[j]))
        for j in ranked[:count]
    ]


def cluster_name(top, used):
    """Its two most distinctive powers (lift at least NAME_LIFT), more if another cluster has
    that name already."""
    strong = [p.power for p in top if p.lift >= NAME_LIFT] or [p.power for p in top[:1]]
    words = strong[:NAME_POWERS]
    spare = strong[NAME_POWERS:] + [p.power for p in top if p.power not in strong]

    def joined(words):
        return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " & " + words[-1]

    name = joined(words)
    while name in used and spare:
        words.append(spare.pop(0))
        name = joined(words)
    plain, number = name, 2
    while name in used:
        name, number = f"{plain} ({number})", number + 1
    return name


def describe(has, labels, powers):
    """A ClusterSummary per cluster number, each with a name no other cluster has."""
    with_powers = has.any(1)
    base = has[with_powers].mean(0) if with_powers.any() else np.zeros(len(powers))
    summaries, used = [], set()
    for number in range(1, labels.max() + 1):
        members = has[labels == number]
        if not len(members):
            continue
        if not members.any():
            summaries.append(ClusterSummary(number, NO_POWERS, len(members), [], no_powers=True))
            continue
        top = distinctive_powers(members, base, powers)
        name = cluster_name(top, used)
        used.add(name)
        summaries.append(ClusterSummary(number, name, len(members), top))
    return summaries


def makeup(labels, values):
    """{cluster number: Counter of values} (publisher, alignment...), "" counted as unknown."""
    result = {}
    for label, value in zip(labels, values, strict=True):
        result.setdefault(int(label), Counter())[value or "unknown"] += 1
    return result


# -- the map ------------------------------------------------------------------------------------

EMPTY_SPACING = 0.018


def pca_map(points):
    """The first two principal components of points (rows), signs fixed."""
    centred = points - points.mean(0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    axes = vt[:2].T
    axes = axes * np.sign(axes[np.abs(axes).argmax(0), np.arange(axes.shape[1])])
    return centred @ axes


def mds_map(distances):
    """Classical (Torgerson) multidimensional scaling of a distance matrix into 2-D."""
    n = len(distances)
    centring = np.eye(n) - 1.0 / n
    gram = -0.5 * centring @ (distances**2) @ centring
    values, vectors = np.linalg.eigh(gram)
    top = np.argsort(values)[::-1][:2]
    coordinates = vectors[:, top] * np.sqrt(np.maximum(values[top], 0))
    return coordinates * np.sign(coordinates[np.abs(coordinates).argmax(0), [0, 1]])


TSNE_PERPLEXITY = 30
TSNE_ITERATIONS = 500
TSNE_MAX = 3000  # exact t-SNE holds (heroes x heroes) matrices: beyond this, PCA
TSNE_EXAGGERATED = 250  # iterations with early exaggeration (x12) at the start


def tsne_map(distances, perplexity=TSNE_PERPLEXITY, iterations=TSNE_ITERATIONS):
    """Exact t-SNE of a distance matrix into 2-D (van der Maaten & Hinton, 2008), deterministic:
    it starts from the classical MDS layout, and every step is plain gradient descent with
    momentum and gains."""
    distances = np.asarray(distances, dtype=np.float64)
    n = len(distances)
    P = affinities(distances**2, min(perplexity, (n - 1) / 3))
    P = np.maximum((P + P.T) / (2 * n), 1e-12)
    exaggerated = 12.0 * P
    start = mds_map(distances)
    Y = start / (start[:, 0].std() or 1.0) * 1e-4
    update, gains = np.zeros_like(Y), np.ones_like(Y)
    rate = max(n / 12 / 4, 50.0)
    kernel, forces = np.empty((n, n)), np.empty((n, n))
    diagonal = np.arange(n)
    for step in range(iterations):
        early = step < TSNE_EXAGGERATED
        # The Student-t kernel 1 / (1 + |yi - yj|^2), in place: this loop is the map's cost.
        np.subtract(Y[:, 0, None], Y[None, :, 0], out=kernel)
        np.square(kernel, out=kernel)
        np.subtract(Y[:, 1, None], Y[None, :, 1], out=forces)
        np.square(forces, out=forces)
        kernel += forces
        kernel += 1.0
        np.reciprocal(kernel, out=kernel)
        kernel[diagonal, diagonal] = 0.0
        # Forces (p - q) * kernel, with q = kernel / its sum.
        np.multiply(kernel, -1.0 / kernel.sum(), out=forces)
        forces += exaggerated if early else P
        forces *= kernel
        gradient = 4.0 * (forces.sum(1)[:, None] * Y - forces @ Y)
        same = (gradient > 0) == (update > 0)
        gains = np.maximum(np.where(same, gains * 0.8, gains + 0.2), 0.01)
        update = (0.5 if early else 0.8) * update - rate * gains * gradient
        Y = Y + update
    return Y - Y.mean(0)


def affinities(squared, perplexity, steps=64):
    """Row-normalised Gaussian affinities whose entropy is log(perplexity), by bisection on each
    row's precision; the diagonal is 0."""
    n = len(squared)
    target = np.log(perplexity)
    off_diagonal = ~np.eye(n, dtype=bool)
    masked = np.where(off_diagonal, squared, np.inf)
    shifted = masked - masked.min(1, keepdims=True)  # the nearest at 0: no overflow
    finite = np.where(off_diagonal, shifted, 0.0)
    low, high = np.zeros(n), np.full(n, np.inf)
    beta = np.ones(n)
    for _ in range(steps):
        weights = np.exp(-shifted * beta[:, None])
        total = weights.sum(1)
        entropy = np.log(total) + beta * (weights * finite).sum(1) / total
        too_flat = entropy > target  # too many neighbours: sharpen
        low = np.where(too_flat, beta, low)
        high = np.where(too_flat, high, beta)
        beta = np.where(np.isinf(high), beta * 2, (low + high) / 2)
    return weights / total[:, None]


def frame(points):
    """Points moved and scaled (one factor for both axes) so that x spans [0, 1], y from 0."""
    points = points - points.min(0)
    span = points[:, 0].max()
    return points / span if span > 0 else points


def layout(has, embedding):
    """2-D positions: heroes with powers by t-SNE of their embedding (PCA beyond TSNE_MAX
    heroes), the rest in rows below them."""
    with_powers = has.any(1)
    coordinates = np.zeros((len(has), 2))
    if with_powers.sum() >= 2:
        points = embedding.transform(has[with_powers])
        if len(points) <= TSNE_MAX:
            points = tsne_map(np.sqrt(clustering.squared_distances(points, points)))
        else:
            points = pca_map(points)
        coordinates[with_powers] = frame(points)
    bottom = coordinates[with_powers, 1].max() if with_powers.any() else 0.0
    per_row = int(1 / EMPTY_SPACING)
    for i, hero in enumerate(np.flatnonzero(~with_powers)):
        row, column = divmod(i, per_row)
        coordinates[hero] = (
            column * EMPTY_SPACING,
            bottom + 3 * EMPTY_SPACING + row * EMPTY_SPACING,
        )
    return coordinates


# -- nearest heroes -----------------------------------------------------------------------------


def nearest(has, row, count=NEIGHBOURS, exclude=None):
    """[(hero index, Jaccard similarity)] of the heroes sharing most powers with row."""
    row = np.asarray(row, dtype=bool)
    if not row.any():
        return []
    similarity = 1.0 - clustering.jaccard_distances(has, row[None, :])[:, 0]
    similarity[~has.any(1)] = 0.0
    if exclude is not None:
        similarity[exclude] = 0.0
    order = np.argsort(-similarity, kind="stable")[:count]
    return [(int(i), float(similarity[i])) for i in order if similarity[i] > 0]


def all_neighbours(has, count=NEIGHBOURS):
    similarity = 1.0 - clustering.jaccard_distances(has)
    empty = ~has.any(1)
    similarity[empty, :] = 0.0
    similarity[:, empty] = 0.0
    np.fill_diagonal(similarity, 0.0)
    result = []
    for i in range(len(has)):
        order = np.argsort(-similarity[i], kind="stable")[:count]
        result.append([(int(j), float(similarity[i, j])) for j in order if similarity[i, j] > 0])
    return result
