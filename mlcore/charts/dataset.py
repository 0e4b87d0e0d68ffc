"""Write a labelled chart dataset, OUT/<class>/<class>-<engine>-<seed>-<index>.<ext>, in parallel"""

import multiprocessing
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from mlcore.charts import CHART_CLASSES, engines
from mlcore.charts.render import draw_chart

CHUNK = 4  # charts per task sent to a worker


@dataclass
class ChartPlan:
    out: Path
    jobs: list[tuple]  # (out, seed, chart, engine, index, size)
    skipped: list[str]  # a line for each engine that cannot draw here, saying why

    def by_engine(self) -> Counter:
        return Counter(job[3] for job in self.jobs)


def plan_charts(out_dir, per_class: int, seed: int, size: int, engine_names) -> ChartPlan:
    """per_class charts of every class, shared in turn by the engines that draw it here.

    Files are named by engine, seed and index, so drawing the same plan again rewrites the same
    files and a plan with another seed adds new ones.
    """
    modules, skipped = engines.usable(engine_names)
    out = Path(out_dir)
    jobs = []
    for chart in CHART_CLASSES:
        drawing = [name for name, module in modules.items() if chart in module.CHARTS]
        jobs += [
            (out, seed, chart, drawing[i % len(drawing)], i, size)
            for i in range(per_class)
            if drawing
        ]
    jobs.sort(key=lambda job: job[4])  # index first: every chunk mixes classes and engines
    return ChartPlan(out, jobs, skipped)


def draw_charts(
    plan: ChartPlan, workers: int = 2, progress: Callable[[int], object] | None = None
) -> dict[str, int]:
    """Write the plan's files; progress(1) after each. Returns the number written per class."""
    for chart in {job[2] for job in plan.jobs}:
        (plan.out / chart).mkdir(parents=True, exist_ok=True)
    if workers > 1:
        # spawn: fresh interpreters, so matplotlib state and threads of the caller never leak in.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            drawn = tally(pool.map(write_chart, plan.jobs, chunksize=CHUNK), progress)
    else:
        drawn = tally(map(write_chart, plan.jobs), progress)
    return {chart: drawn[chart] for chart in CHART_CLASSES if drawn[chart]}


def make_chart_dataset(
    out_dir,
    per_class: int,
    seed: int = 0,
    size: int = 320,
    workers: int = 2,
    engine_names=engines.TRAINING,
    progress: Callable[[int], object] | None = None,
) -> dict[str, int]:
    return draw_charts(plan_charts(out_dir, per_class, seed, size, engine_names), workers, progress)


def write_chart(job: tuple) -> str:
    out, seed, chart, engine, index, size = job
    data, extension = draw_chart(seed, chart, engine, index, size)
    (out / chart / f"{chart}-{engine}-{seed}-{index:05d}.{extension}").write_bytes(data)
    return chart


def engine_of(path) -> str:
    """The engine that drew a file this module wrote."""
    return Path(path).name.split("-")[1]


def tally(charts, progress) -> Counter:
    counts = Counter()
    for chart in charts:
        counts[chart] += 1
        if progress:
            progress(1)
    return counts


def draw_each_engine(folder: Path, per_class: int, seed: int = 0, size: int = 320, say=print):
    """per_class charts of each class from every training engine, each engine in its own
    plan (so a chart's index counts within its engine), skipping files already drawn."""
    for name in engines.TRAINING:
        plan = plan_charts(folder, per_class, seed=seed, size=size, engine_names=[name])
        for line in plan.skipped:
            say(f"Skipping engine {line}")
        todo = [job for job in plan.jobs if not any(folder.glob(chart_glob(job)))]
        if todo:
            started = time.perf_counter()
            plan.jobs = todo
            draw_charts(plan)
            seconds = time.perf_counter() - started
            say(f"{name}: drew {len(todo)} charts, {seconds / len(todo):.2f} s each")


def chart_glob(job) -> str:
    _, seed, chart, engine, index, _ = job
    return f"{chart}/{chart}-{engine}-{seed}-{index:05d}.*"
