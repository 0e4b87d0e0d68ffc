"""Median time for the name sampler to make 1 and 15 names, on one core.

    .venv/bin/python -m bench.names MODEL_DIR [--runs 200]

MODEL_DIR is a directory written by mlcore.names.store.save; this script trains nothing.
"""

import os

# One thread, set before numpy starts its thread pool.
for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = "1"

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

from mlcore.names import store  # noqa: E402
from mlcore.names.sampler import Sampler  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", help="directory of a saved name model")
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    try:
        sampler = Sampler(store.load(args.model))
    except store.ModelLoadError as e:
        sys.exit(str(e))

    for label, options in [
        ("1 name", {"count": 1}),
        ("15 names", {"count": 15}),
        ("15 new names", {"count": 15, "only_new": True}),
    ]:
        sampler.generate(seed=0, **options)
        times = []
        for seed in range(args.runs):
            started = time.perf_counter()
            sampler.generate(seed=seed, **options)
            times.append(time.perf_counter() - started)
        median, p95 = statistics.median(times), statistics.quantiles(times, n=20)[-1]
        print(f"{label:>13}: median {median * 1000:6.2f} ms, 95th percentile {p95 * 1000:6.2f} ms")


if __name__ == "__main__":
    main()
