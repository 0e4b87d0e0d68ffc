"""Three ways to cluster sparse binary rows (heroes x powers), and the measures that compare them.

- k-means on an LSA embedding: powers weighted by TF-IDF (a rare power says more than "Agility"),
  rows scaled to length 1, reduced by SVD to `EMBEDDING_DIMS` dimensions and scaled to length 1
  again, then Lloyd's k-means from k-means++ seeds (the best of several starts).
- Agglomerative clustering with Jaccard distance and average linkage (UPGMA), merged with the
  Lance-Williams update; cutting the tree at k gives k clusters.
- A mixture of independent Bernoullis fitted by EM (the best of several starts); each cluster is a
  profile: the chance that its heroes have each power.

The measures: the silhouette on Jaccard distance (the same yardstick for every method), BIC for
the mixture, the adjusted Rand index between two labellings, stability (mean adjusted Rand
between fits on random 80% subsamples with different seeds, compared on the heroes they share),
and a shuffled baseline that keeps every hero's number of powers and every power's number of
heroes but breaks which powers go together (curveball swaps).

Every row passed here has at least one power: heroes without any are a group of their own,
decided before clustering (see `fit`). Labels are numbered 0.. by cluster size, largest first.
"""

from dataclasses import dataclass, field

import numpy as np

EMBEDDING_DIMS = 16
KMEANS_STARTS = 10
MIXTURE_STARTS = 6
MIXTURE_PRIOR = 0.5  # Beta(a, a)-style smoothing of each profile: no power is ever impossible
SUBSAMPLE = 0.8


# -- distances and measures ---------------------------------------------------------------------


def jaccard_distances(X, Y=None):
    """1 - |a & b| / |a | b| between the rows of X and of Y (X itself by default).

    Two heroes without powers are at distance 0, one without and one with at distance 1.
    """
    X = np.asarray(X, dtype=np.float64)
    Y = X if Y is None else np.asarray(Y, dtype=np.float64)
    inter = X @ Y.T
    union = X.sum(1)[:, None] + Y.sum(1)[None, :] - inter
    with np.errstate(invalid="ignore", divide="ignore"):
        distances = 1.0 - np.where(union > 0, inter / union, 1.0)
    return distances


def silhouette(distances, labels):
    """Mean silhouette over all rows for a precomputed distance matrix.

    A row alone in its cluster scores 0; with fewer than two clusters, or as many clusters as
    rows, the silhouette is undefined: nan.
    """
    labels = np.asarray(labels)
    names, index = np.unique(labels, return_inverse=True)
    n, k = len(labels), len(names)
    if k < 2 or k >= n:
        return float("nan")
    onehot = np.zeros((n, k))
    onehot[np.arange(n), index] = 1.0
    counts = onehot.sum(0)
    sums = distances @ onehot  # (n, k): total distance from each row to each cluster
    own_count = counts[index] - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        a = sums[np.arange(n), index] / own_count
        others = sums / counts
    others[np.arange(n), index] = np.inf
    b = others.min(1)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = (b - a) / np.maximum(a, b)
    s[own_count == 0] = 0.0
    s[~np.isfinite(s)] = 0.0
    return float(s.mean())


def adjusted_rand(a, b):
    """Adjusted Rand index of two labellings of the same rows: 1 the same partition, ~0 chance."""
    _, a = np.unique(np.asarray(a), return_inverse=True)
    _, b = np.unique(np.asarray(b), return_inverse=True)
    n = len(a)
    table = np.zeros((a.max() + 1, b.max() + 1))
    np.add.at(table, (a, b), 1)

    def pairs(x):
        return (x * (x - 1) / 2).sum()

    both, rows, cols = pairs(table), pairs(table.sum(1)), pairs(table.sum(0))
    expected = rows * cols / (n * (n - 1) / 2) if n > 1 else 0.0
    top = (rows + cols) / 2
    if top == expected:
        return 1.0
    return float((both - expected) / (top - expected))


def by_size(labels):
    """The same partition numbered 0.. by cluster size, largest first (ties: first row first)."""
    labels = np.asarray(labels)
    names, first, index, counts = np.unique(
        labels, return_index=True, return_inverse=True, return_counts=True
    )
    order = sorted(range(len(names)), key=lambda c: (-counts[c], first[c]))
    rank = np.empty(len(names), dtype=int)
    rank[order] = np.arange(len(names))
    return rank[index]


# -- k-means on an LSA embedding ----------------------------------------------------------------


@dataclass
class Embedding:
    """TF-IDF weights and SVD directions: `transform` maps power rows to unit vectors."""

    idf: np.ndarray  # (powers,)
    components: np.ndarray  # (powers, dims)

    @classmethod
    def fit(cls, X, dims=EMBEDDING_DIMS):
        X = np.asarray(X, dtype=np.float64)
        n = len(X)
        df = X.sum(0)
        idf = np.log((1 + n) / (1 + df)) + 1.0
        weighted = unit_rows(X * idf)
        dims = max(1, min(dims, min(weighted.shape) - 1))
        # The right singular vectors, as eigenvectors of the (powers x powers) Gram matrix: ten
        # times quicker than an SVD of the rows. Their signs are arbitrary: fix them so that
        # nothing flips between runs.
        values, vectors = np.linalg.eigh(weighted.T @ weighted)
        components = vectors[:, np.argsort(values, kind="stable")[::-1][:dims]]
        signs = np.sign(components[np.abs(components).argmax(0), np.arange(dims)])
        return cls(idf, components * signs)

    def transform(self, X):
        return unit_rows(unit_rows(np.asarray(X, dtype=np.float64) * self.idf) @ self.components)


def unit_rows(A):
    norms = np.linalg.norm(A, axis=1, keepdims=True)
    return A / np.where(norms > 0, norms, 1.0)


def kmeans(Z, k, seed=0, starts=KMEANS_STARTS, max_iter=100):
    """(labels, centres, inertia): the best of `starts` runs of Lloyd's algorithm from k-means++."""
    rng = np.random.default_rng(seed)
    rows = np.arange(len(Z))
    norms = (Z * Z).sum(1)
    best = None
    for _ in range(starts):
        centres = kmeans_plus_plus(Z, k, rng, norms)
        labels = None
        for _ in range(max_iter):
            # |z - c|^2 without |z|^2, the same for every centre: enough to pick the nearest.
            partial = (centres * centres).sum(1) - 2 * Z @ centres.T
            new_labels = partial.argmin(1)
            if labels is not None and (new_labels == labels).all():
                break
            labels = new_labels
            onehot = np.zeros((len(Z), k))
            onehot[rows, labels] = 1.0
            counts = onehot.sum(0)
            centres = (onehot.T @ Z) / np.maximum(counts, 1)[:, None]
            # An empty cluster restarts at the row farthest from its centre.
            for c in np.flatnonzero(counts == 0):
                centres[c] = Z[(partial[rows, labels] + norms).argmax()]
        d2 = np.maximum(norms[:, None] + (centres * centres).sum(1) - 2 * Z @ centres.T, 0.0)
        labels = d2.argmin(1)
        inertia = float(d2[rows, labels].sum())
        if best is None or inertia < best[2] - 1e-12:
            best = (labels, centres, inertia)
    return best


def kmeans_plus_plus(Z, k, rng, norms):
    centres = np.empty((k, Z.shape[1]))
    centres[0] = Z[rng.integers(len(Z))]
    d2 = np.maximum(norms - 2 * Z @ centres[0] + (centres[0] ** 2).sum(), 0.0)
    for c in range(1, k):
        total = d2.sum()
        pick = rng.choice(len(Z), p=d2 / total) if total > 0 else rng.integers(len(Z))
        centres[c] = Z[pick]
        d2 = np.minimum(d2, np.maximum(norms - 2 * Z @ centres[c] + (centres[c] ** 2).sum(), 0.0))
    return centres


def squared_distances(A, B):
    return np.maximum((A * A).sum(1)[:, None] - 2 * A @ B.T + (B * B).sum(1)[None, :], 0.0)


# -- agglomerative, Jaccard, average linkage ----------------------------------------------------


def average_linkage(distances):
    """The merges of UPGMA on a distance matrix: a list of (a, b, distance), a and b row indices
    standing for the clusters they lead; after a merge b's cluster is part of a's."""
    D = np.array(distances, dtype=np.float64)
    n = len(D)
    np.fill_diagonal(D, np.inf)
    size = np.ones(n)
    merges = []
    for _ in range(n - 1):
        flat = int(D.argmin())
        a, b = divmod(flat, n)
        if a > b:
            a, b = b, a
        merges.append((a, b, float(D[a, b])))
        merged = (size[a] * D[a] + size[b] * D[b]) / (size[a] + size[b])
        D[a], D[:, a] = merged, merged
        D[a, a] = np.inf
        D[b], D[:, b] = np.inf, np.inf
        size[a] += size[b]
    return merges


def cut(merges, n, k):
    """Labels of the n rows with the first n - k merges applied (k clusters)."""
    parent = np.arange(n)

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b, _ in merges[: n - k]:
        parent[root(b)] = root(a)
    return by_size([root(i) for i in range(n)])


# -- a mixture of Bernoullis by EM --------------------------------------------------------------


@dataclass
class Mixture:
    weights: np.ndarray  # (k,)
    profiles: np.ndarray  # (k, powers): the chance of each power in each component
    loglik: float
    n: int

    def log_joint(self, X):
        """(rows, k): log p(row, component)."""
        X = np.asarray(X, dtype=np.float64)
        logp, log1p = np.log(self.profiles), np.log1p(-self.profiles)
        return np.log(self.weights) + X @ logp.T + (1 - X) @ log1p.T

    def labels(self, X):
        return self.log_joint(X).argmax(1)

    @property
    def parameters(self):
        k, d = self.profiles.shape
        return k * d + k - 1

    @property
    def bic(self):
        return -2 * self.loglik + self.parameters * np.log(self.n)


def logsumexp(A):
    top = A.max(1, keepdims=True)
    return (top + np.log(np.exp(A - top).sum(1, keepdims=True)))[:, 0]


def bernoulli_mixture(X, k, seed=0, starts=MIXTURE_STARTS, max_iter=300, tol=1e-7):
    """The best Mixture (highest log-likelihood) of `starts` EM runs from random hard splits."""
    X = np.asarray(X, dtype=np.float64)
    n, _d = X.shape
    rng = np.random.default_rng(seed)
    best = None
    for _ in range(starts):
        resp = np.zeros((n, k))
        resp[np.arange(n), rng.integers(k, size=n)] = 1.0
        previous = -np.inf
        for _ in range(max_iter):
            mixture = m_step(X, resp)
            joint = mixture.log_joint(X)
            total = logsumexp(joint)
            loglik = float(total.sum())
            resp = np.exp(joint - total[:, None])
            if loglik - previous < tol * abs(loglik):
                break
            previous = loglik
        mixture.loglik, mixture.n = loglik, n
        if best is None or loglik > best.loglik + 1e-9:
            best = mixture
    return best


def m_step(X, resp):
    counts = resp.sum(0)
    weights = (counts + 1e-9) / (counts.sum() + 1e-9 * len(counts))
    profiles = (resp.T @ X + MIXTURE_PRIOR) / (counts[:, None] + 2 * MIXTURE_PRIOR)
    return Mixture(weights, profiles, -np.inf, len(X))


# -- the three methods behind one interface ----------------------------------------------------


@dataclass
class Clustering:
    """One method's labels for one k, with what the method needs to place a new row."""

    method: str
    k: int
    labels: np.ndarray
    criterion: float  # the method's own criterion at this k (see CRITERIA)
    model: object = None
    extra: dict = field(default_factory=dict)


# method -> its criterion
CRITERIA = {"kmeans": "silhouette", "agglomerative": "silhouette", "mixture": "BIC"}
TITLES = {
    "kmeans": "k-means, TF-IDF + SVD embedding",
    "agglomerative": "agglomerative, Jaccard, average linkage",
    "mixture": "Bernoulli mixture (EM)",
}


class Data:
    """The rows with what every method reuses: Jaccard distances, the embedding, the tree."""

    def __init__(self, X, embedding=None):
        self.X = np.asarray(X, dtype=bool)
        if len(self.X) and not self.X.any(1).all():
            raise ValueError("every row to cluster needs at least one power")
        self._distances = None
        self._embedding = embedding
        self._merges = None

    @property
    def distances(self):
        if self._distances is None:
            self._distances = jaccard_distances(self.X)
        return self._distances

    @property
    def embedding(self):
        if self._embedding is None:
            self._embedding = Embedding.fit(self.X)
        return self._embedding

    @property
    def merges(self):
        if self._merges is None:
            self._merges = average_linkage(self.distances)
        return self._merges


def run(method, data, k, seed=0, score=True):
    """One method at one k on a Data; score=False leaves the silhouette out (nan)."""

    def scored(labels):
        return silhouette(data.distances, labels) if score else float("nan")

    if method == "kmeans":
        Z = data.embedding.transform(data.X)
        labels, centres, _ = kmeans(Z, k, seed=seed)
        order = by_size(labels)
        # Renumber the centres the way the labels are.
        new_centres = np.zeros_like(centres[: order.max() + 1])
        for old, new in zip(labels, order, strict=True):
            new_centres[new] = centres[old]
        model = {"embedding": data.embedding, "centres": new_centres}
        return Clustering(method, k, order, scored(order), model)
    if method == "agglomerative":
        labels = cut(data.merges, len(data.X), k)
        return Clustering(method, k, labels, scored(labels))
    if method == "mixture":
        mixture = bernoulli_mixture(data.X, k, seed=seed)
        labels = by_size(mixture.labels(data.X))
        return Clustering(method, k, labels, float(mixture.bic), mixture)
    raise ValueError(f"unknown method {method!r}: one of {', '.join(CRITERIA)}")


def stability(method, X, k, seeds=range(5), fraction=SUBSAMPLE, embedding=None):
    """Mean adjusted Rand between fits on random subsamples (one per seed), on shared rows.

    k-means clusters every subsample in one embedding (`embedding`, else fitted on all of X):
    what is measured is how much the clusters depend on which heroes, and which start, it got.
    """
    X = np.asarray(X, dtype=bool)
    n = len(X)
    if method == "kmeans" and embedding is None:
        embedding = Embedding.fit(X)
    fits = []
    for seed in seeds:
        rng = np.random.default_rng(10_000 + seed)
        rows = np.sort(rng.choice(n, size=max(k + 1, round(fraction * n)), replace=False))
        labels = np.full(n, -1)
        labels[rows] = run(method, Data(X[rows], embedding), k, seed, score=False).labels
        fits.append(labels)
    scores = []
    for i in range(len(fits)):
        for j in range(i + 1, len(fits)):
            shared = (fits[i] >= 0) & (fits[j] >= 0)
            scores.append(adjusted_rand(fits[i][shared], fits[j][shared]))
    return float(np.mean(scores))


def curveball(X, seed=0, rounds=5):
    """X with its ones moved between rows by curveball trades: every row keeps its number of ones
    and every column its number of ones, but which columns go together is random."""
    X = np.asarray(X, dtype=bool)
    rng = np.random.default_rng(seed)
    rows = [set(np.flatnonzero(row)) for row in X]
    n = len(rows)
    for _ in range(rounds * n):
        a, b = rng.choice(n, size=2, replace=False)
        only_a, only_b = rows[a] - rows[b], rows[b] - rows[a]
        if not only_a or not only_b:
            continue
        pool = np.array(sorted(only_a | only_b))
        rng.shuffle(pool)
        to_a = set(pool[: len(only_a)].tolist())
        shared = rows[a] & rows[b]
        rows[a] = shared | to_a
        rows[b] = shared | (set(pool.tolist()) - to_a)
    shuffled = np.zeros_like(X)
    for i, row in enumerate(rows):
        shuffled[i, sorted(row)] = True
    return shuffled
