"""Which clustering of heroes by power, with how many clusters, and is it more than noise?

    .venv/bin/python -m bench.hero_clusters [--powers FILE] [--seeds 10] [--shuffles 3]
    .venv/bin/python -m bench.hero_clusters --show bench/results/hero_clusters.json

On the bundled superhero-set (heroes with at least one power), for k-means on the TF-IDF + SVD
embedding, agglomerative clustering with Jaccard distance and average linkage, and a Bernoulli
mixture fitted by EM: the number of clusters each criterion chooses over a range of k, then at
that k the silhouette on Jaccard distance (seed 0), the stability (mean adjusted Rand between fits
on 80% subsamples, one per seed, on the heroes they share), the largest cluster's share, and the
same figures on shuffled powers (curveball swaps: every hero keeps its number of powers and every
power its number of heroes; the mean over --shuffles tables). Then the 2-D map: how many of each
hero's 10 nearest heroes by Jaccard stay among its 10 nearest on the map, and the silhouette of
the site's clusters on the map, for five layouts (t-SNE, PCA, classical MDS); and
the time of the site's whole fit (`mlcore.heroes.fit.fit`). Writes bench/results/hero_clusters.json.
"""

import argparse
import json
import statistics
import time
from datetime import date
from pathlib import Path

import numpy as np

from heroes.bundled import BUNDLED_POWERS
from mlcore.heroes import clustering, fit
from mlcore.heroes.table import read_powers

RESULTS = Path(__file__).resolve().parent / "results" / "hero_clusters.json"
ALL_KS = range(2, 21)
NEIGHBOURS = 10


def curves(data, seeds):
    """Each criterion at every k of ALL_KS."""
    found = {"kmeans silhouette": {}, "kmeans stability": {}, "agglomerative silhouette": {}}
    found["mixture BIC"] = {}
    for k in ALL_KS:
        started = time.monotonic()
        found["kmeans silhouette"][k] = clustering.run("kmeans", data, k).criterion
        found["kmeans stability"][k] = clustering.stability(
            "kmeans", data.X, k, seeds=seeds, embedding=data.embedding
        )
        found["agglomerative silhouette"][k] = clustering.run("agglomerative", data, k).criterion
        found["mixture BIC"][k] = clustering.run("mixture", data, k).criterion
        print(
            f"k={k:2}: k-means silhouette {found['kmeans silhouette'][k]:.4f}, stability "
            f"{found['kmeans stability'][k]:.3f}; agglomerative silhouette "
            f"{found['agglomerative silhouette'][k]:.4f}; mixture BIC "
            f"{found['mixture BIC'][k]:.0f} ({time.monotonic() - started:.1f} s)",
            flush=True,
        )
    return found


def best(curve, low=2, high=20, higher=True):
    ks = [k for k in curve if low <= k <= high]
    return max(ks, key=lambda k: curve[k] if higher else -curve[k])


def measure(method, X, k, seeds, shuffles):
    """The figures of one method at one k, on the table and on shuffled copies of it."""
    data = clustering.Data(X)
    result = clustering.run(method, data, k)
    embedding = data.embedding if method == "kmeans" else None
    figures = {
        "silhouette": clustering.silhouette(data.distances, result.labels),
        "stability": clustering.stability(method, X, k, seeds=seeds, embedding=embedding),
        "largest": float(np.bincount(result.labels).max() / len(X)),
        "clusters": int(result.labels.max() + 1),
        "mean_powers": [float(X[result.labels == c].sum(1).mean()) for c in range(k)]
        if result.labels.max() + 1 == k
        else None,
    }
    shuffled = {"silhouette": [], "stability": [], "criterion": []}
    for shuffle in range(shuffles):
        S = clustering.curveball(X, seed=shuffle)
        shuffled_data = clustering.Data(S)
        shuffled_result = clustering.run(method, shuffled_data, k)
        shuffled["silhouette"].append(
            clustering.silhouette(shuffled_data.distances, shuffled_result.labels)
        )
        shuffled["criterion"].append(shuffled_result.criterion)
        shuffled["stability"].append(clustering.stability(method, S, k, seeds=seeds))
    figures["shuffled"] = {name: statistics.fmean(values) for name, values in shuffled.items()}
    figures["criterion"] = result.criterion
    return figures


def neighbourhood_kept(distances, points, count=NEIGHBOURS):
    """Mean share of each row's `count` nearest (by distances) among its nearest on the map."""
    map_distances = ((points[:, None, :] - points[None, :, :]) ** 2).sum(-1)
    kept = []
    for i in range(len(points)):
        true = set(np.argsort(distances[i], kind="stable")[1 : count + 1])
        shown = set(np.argsort(map_distances[i], kind="stable")[1 : count + 1])
        kept.append(len(true & shown) / count)
    return float(np.mean(kept))


def maps(data, labels):
    embedded = data.embedding.transform(data.X)
    layouts = {
        "t-SNE of the embedding (the site)": lambda: fit.tsne_map(
            np.sqrt(clustering.squared_distances(embedded, embedded))
        ),
        "t-SNE of Jaccard distances": lambda: fit.tsne_map(data.distances),
        "PCA of the embedding": lambda: fit.pca_map(embedded),
        "classical MDS of Jaccard distances": lambda: fit.mds_map(data.distances),
        "PCA of the 0/1 powers": lambda: fit.pca_map(data.X.astype(float)),
    }
    rows = []
    for name, draw in layouts.items():
        started = time.monotonic()
        points = draw()
        seconds = time.monotonic() - started
        euclidean = np.sqrt(((points[:, None, :] - points[None, :, :]) ** 2).sum(-1))
        rows.append(
            {
                "layout": name,
                "neighbours_kept": neighbourhood_kept(data.distances, points),
                "silhouette_2d": clustering.silhouette(euclidean, labels),
                "seconds": seconds,
            }
        )
    return rows


def run(options):
    table = read_powers(options.powers)
    X = table.has[table.has.any(1)]
    print(
        f"{len(table.heroes)} heroes x {len(table.powers)} powers; {len(X)} with powers, "
        f"{X.sum(1).mean():.1f} powers each on average"
    )
    seeds = range(options.seeds)
    data = clustering.Data(X)
    found = curves(data, seeds)
    site_k = fit.choose({k: v for k, v in found["kmeans stability"].items() if k >= 6})
    choices = [
        ("kmeans", "stability, k 6-20 (the site)", site_k),
        ("kmeans", "stability, k 2-20", fit.choose(found["kmeans stability"])),
        ("kmeans", "silhouette, k 2-20", best(found["kmeans silhouette"])),
        ("agglomerative", "silhouette, k 2-20", best(found["agglomerative silhouette"])),
        ("agglomerative", "the site's k", site_k),
        ("mixture", "BIC, k 2-20", best(found["mixture BIC"], higher=False)),
        ("mixture", "the site's k", site_k),
    ]
    rows = []
    for method, criterion, k in choices:
        started = time.monotonic()
        figures = measure(method, X, k, seeds, options.shuffles)
        rows.append({"method": method, "chosen_by": criterion, "k": k, **figures})
        print(f"measured {method} at k={k} ({time.monotonic() - started:.0f} s)", flush=True)
    site_labels = clustering.run("kmeans", data, site_k).labels
    started = time.monotonic()
    fitted = fit.fit(table.has, table.powers)
    fit_seconds = time.monotonic() - started
    return {
        "date": date.today().isoformat(),
        "powers_file": str(options.powers),
        "heroes": len(table.heroes),
        "powers": len(table.powers),
        "heroes_with_powers": len(X),
        "seeds": options.seeds,
        "shuffles": options.shuffles,
        "curves": {name: {str(k): v for k, v in curve.items()} for name, curve in found.items()},
        "rows": rows,
        "maps": maps(data, site_labels),
        "site": {
            "k": fitted.k,
            "stability": fitted.criterion_value,
            "silhouette": fitted.silhouette,
            "baseline_silhouette": fitted.baseline_silhouette,
            "fit_seconds": fit_seconds,
            "clusters": [
                {"name": c.name, "size": c.size, "top": [p.power for p in c.top_powers[:4]]}
                for c in fitted.clusters
            ],
        },
    }


def criterion_text(row):
    if row["method"] == "mixture":
        return f"BIC {row['criterion']:.0f}"
    if row["chosen_by"].startswith("stability"):
        return f"stability {row['stability']:.3f}"
    return f"silhouette {row['criterion']:.4f}"


def show(results):
    print(
        f"\n{results['heroes_with_powers']} heroes with powers x {results['powers']} powers; "
        f"stability over {results['seeds']} seeds, shuffled figures the mean of "
        f"{results['shuffles']} curveball tables ({results['date']})\n"
    )
    print(
        "| method | k chosen by | k | criterion | silhouette (Jaccard) | stability (ARI) "
        "| largest cluster | shuffled: silhouette | shuffled: stability |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for row in results["rows"]:
        print(
            f"| {clustering.TITLES[row['method']]} | {row['chosen_by']} | {row['k']} "
            f"| {criterion_text(row)} | {row['silhouette']:.4f} | {row['stability']:.3f} "
            f"| {row['largest']:.0%} | {row['shuffled']['silhouette']:.4f} "
            f"| {row['shuffled']['stability']:.3f} |"
        )
    print("\n| map | of each hero's 10 nearest, kept | clusters' silhouette on the map | seconds |")
    print("|---|---|---|---|")
    for row in results["maps"]:
        print(
            f"| {row['layout']} | {row['neighbours_kept']:.3f} | {row['silhouette_2d']:.3f} "
            f"| {row['seconds']:.1f} |"
        )
    site = results["site"]
    print(
        f"\nThe site's fit: k={site['k']}, stability {site['stability']:.3f}, silhouette "
        f"{site['silhouette']:.4f} against {site['baseline_silhouette']:.4f} on shuffled "
        f"powers, {site['fit_seconds']:.1f} s"
    )
    for cluster in site["clusters"]:
        print(f"  {cluster['size']:4}  {cluster['name']}  ({', '.join(cluster['top'])})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--powers", type=Path, default=BUNDLED_POWERS)
    parser.add_argument("--seeds", type=int, default=fit.STABILITY_SEEDS)
    parser.add_argument("--shuffles", type=int, default=3)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--show", type=Path, help="print a saved run's tables and stop")
    options = parser.parse_args()
    if options.show:
        show(json.loads(options.show.read_text()))
        return
    results = run(options)
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(json.dumps(results, indent=2) + "\n")
    show(results)
    print(f"\nSaved to {options.out}")


if __name__ == "__main__":
    main()
