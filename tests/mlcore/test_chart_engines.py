"""Every engine draws each class it claims as a real picture; one that cannot draw is skipped."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from mlcore.charts import CHART_CLASSES, browser, engines
from mlcore.charts.dataset import engine_of, plan_charts

SIZE = 160
ROOT = Path(__file__).resolve().parents[2]


def ink(image) -> float:
    """The share of pixels unlike the commonest colour, the background."""
    pixels = np.asarray(image.convert("RGB"), dtype=int).reshape(-1, 3)
    colours, counts = np.unique(pixels, axis=0, return_counts=True)
    background = colours[counts.argmax()]
    return float((np.abs(pixels - background).sum(axis=1) > 60).mean())


def engine_or_skip(name):
    try:
        return engines.load(name)
    except engines.EngineMissing as error:
        pytest.skip(str(error))


@pytest.mark.parametrize("name", engines.ENGINES)
def test_the_engine_draws_each_class_it_claims_as_a_picture_with_ink(name):
    module = engine_or_skip(name)
    assert module.CHARTS, "an engine draws at least one class"
    assert set(module.CHARTS) <= set(CHART_CLASSES)
    for chart in module.CHARTS:
        image = module.draw(chart, np.random.default_rng([3, CHART_CLASSES.index(chart)]), SIZE)
        assert SIZE / 4 <= max(image.size) <= SIZE * 8, f"{chart}: {image.size}"
        assert ink(image) > 0.02, f"{name} drew a nearly blank {chart}"


def test_an_unknown_engine_is_refused_with_the_list_of_engines():
    with pytest.raises(engines.EngineMissing, match="matplotlib"):
        engines.load("excel97")


def test_the_command_refuses_unknown_engines_and_names_the_known_ones(tmp_path):
    with pytest.raises(CommandError, match=r"excel97.*the engines are matplotlib, seaborn"):
        call_command("make_chart_dataset", str(tmp_path), engines="matplotlib,excel97")
    assert not any(tmp_path.iterdir())


def test_a_browser_engine_without_its_script_says_what_is_missing(tmp_path):
    reason = browser.missing([tmp_path / "nowhere.js"])
    assert reason and ("nowhere.js" in reason or "chromium" in reason)


def test_a_plan_skips_what_cannot_draw_and_shares_each_class_among_the_engines(tmp_path):
    plan = plan_charts(tmp_path, per_class=4, seed=0, size=64, engine_names=["matplotlib", "nope"])
    assert plan.skipped == ["nope: no such engine (engines: " + ", ".join(engines.ENGINES) + ")"]
    assert {job[3] for job in plan.jobs} == {"matplotlib"}
    plan = plan_charts(
        tmp_path, per_class=4, seed=0, size=64, engine_names=["matplotlib", "seaborn"]
    )
    pies = [job[3] for job in plan.jobs if job[2] == "pie"]
    lines = [job[3] for job in plan.jobs if job[2] == "line"]
    assert pies == ["matplotlib"] * 4  # seaborn draws no pies
    assert sorted(lines) == ["matplotlib", "matplotlib", "seaborn", "seaborn"]
    assert engine_of(tmp_path / "line" / "line-seaborn-0-00001.png") == "seaborn"


def test_without_chromium_the_command_skips_the_browser_engines_and_says_why(tmp_path):
    no_browser = {**os.environ, "PATH": str(Path(sys.executable).parent)}
    options = [
        "--per-class",
        "1",
        "--size",
        "48",
        "--workers",
        "1",
        "--engines",
        "chartjs,matplotlib",
    ]
    completed = subprocess.run(
        [sys.executable, "manage.py", "make_chart_dataset", str(tmp_path / "charts"), *options],
        cwd=ROOT,
        env=no_browser,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    assert "Skipping engine chartjs: chromium and chromedriver not found" in completed.stdout
    drawn = {path.name.split("-")[1] for path in (tmp_path / "charts").rglob("*.*")}
    assert drawn == {"matplotlib"}
