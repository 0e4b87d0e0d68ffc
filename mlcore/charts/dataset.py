"""Write a labelled chart dataset, OUT/<class>/<class>-<seed>-<index>.<ext>, on several cores."""

import multiprocessing
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from mlcore.charts import CHART_CLASSES
from mlcore.charts.render import draw_chart

CHUNK = 4  # charts per task sent to a worker


def make_chart_dataset(
    out_dir,
    per_class: int,
    seed: int = 0,
    size: int = 320,
    workers: int = 2,
    progress: Callable[[int], object] | None = None,
) -> dict[str, int]:
    """Draw per_class charts of every class; progress(1) is called after each file.

    Files are named by seed and index, so a second run with the same seed rewrites the same
    files and a run with another seed adds new ones. Returns the number written per class.
    """
    out = Path(out_dir)
    for chart in CHART_CLASSES:
        (out / chart).mkdir(parents=True, exist_ok=True)
    jobs = [(out, seed, chart, i, size) for i in range(per_class) for chart in CHART_CLASSES]
    if workers > 1:
        # spawn: fresh interpreters, so matplotlib state and threads of the caller never leak in.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            return tally(pool.map(write_chart, jobs, chunksize=CHUNK), progress)
    return tally(map(write_chart, jobs), progress)


def write_chart(job: tuple) -> str:
    out, seed, chart, index, size = job
    data, extension = draw_chart(seed, chart, index, size)
    (out / chart / f"{chart}-{seed}-{index:05d}.{extension}").write_bytes(data)
    return chart


def tally(charts: Iterable[str], progress) -> dict[str, int]:
    counts = dict.fromkeys(CHART_CLASSES, 0)
    for chart in charts:
        counts[chart] += 1
        if progress:
            progress(1)
    return counts
