import re

import numpy as np
import pytest
from django.core.management import call_command
from PIL import Image, ImageDraw

from mlcore.charts import CHART_CLASSES, data, text
from mlcore.charts.dataset import make_chart_dataset
from mlcore.charts.render import draw_chart
from mlcore.charts.surround import on_page, photographed

SIZE = 96
SEED = 7
PER_CLASS = 2
FIGURES = (
    "matplotlib",
    "seaborn",
)  # the quickest engines; tests/mlcore/test_chart_engines.py has all
SYNONYMS = [
    "chart", "graph", "diagram", "bars", "stacked", "histo", "box", "whisker", "violin",
    "bubble", "scatter", "pie", "donut", "doughnut", "ring", "heat", "matrix", "distribution",
    "density", "frequenc", "share", "proportion", "breakdown", "composition", "trend",
    "correlation", "over time", "cumulative",
]  # fmt: skip
GIVEAWAYS = {word for chart in CHART_CLASSES for word in chart.split("_")} | set(SYNONYMS)


@pytest.fixture(scope="module")
def drawn(tmp_path_factory):
    """One small dataset drawn by two worker processes, shared by the tests below."""
    out = tmp_path_factory.mktemp("charts")
    calls = []
    counts = make_chart_dataset(
        out, PER_CLASS, seed=SEED, size=SIZE, engine_names=FIGURES, progress=calls.append
    )
    return out, counts, calls


def files(root):
    return {path.relative_to(root): path.read_bytes() for path in sorted(root.rglob("*.*"))}


def test_every_class_is_drawn_as_a_valid_image_of_the_requested_size(drawn):
    out, counts, calls = drawn
    assert counts == dict.fromkeys(CHART_CLASSES, PER_CLASS)
    assert calls == [1] * (PER_CLASS * len(CHART_CLASSES))
    assert sorted(path.name for path in out.iterdir()) == sorted(CHART_CLASSES)
    for chart in CHART_CLASSES:
        paths = sorted((out / chart).iterdir())
        assert len(paths) == PER_CLASS
        for path in paths:
            with Image.open(path) as image:
                assert image.format == {".jpg": "JPEG", ".png": "PNG"}[path.suffix]
                assert image.mode == "RGB"
                assert max(image.size) == SIZE
                pixels = np.asarray(image)
            assert pixels.std() > 10, f"{path.name} is nearly blank"


def test_the_same_seed_gives_the_same_bytes_in_one_process_or_several(drawn, tmp_path):
    out, _, _ = drawn
    make_chart_dataset(tmp_path, PER_CLASS, seed=SEED, size=SIZE, workers=1, engine_names=FIGURES)
    assert files(tmp_path) == files(out)


def test_another_seed_gives_other_charts(drawn):
    out, _, _ = drawn
    for chart in CHART_CLASSES:
        first = next(path for path in (out / chart).iterdir() if "-00000." in path.name)
        assert draw_chart(SEED + 1, chart, "matplotlib", 0, SIZE)[0] != first.read_bytes()


def test_titles_never_give_the_chart_class_away():
    rng = np.random.default_rng(0)
    titles = {text.title(rng) for _ in range(5000)}
    assert len(titles) > 500
    for title in titles:
        found = [word for word in GIVEAWAYS if word in title.lower()]
        assert not found, f"{title!r} contains {found}"


def test_pages_and_photos_show_the_chart_in_a_larger_picture():
    chart = Image.new("RGB", (160, 100), "white")
    ImageDraw.Draw(chart).rectangle((20, 20, 60, 90), fill="navy")
    for seed in range(5):
        rng = np.random.default_rng(seed)
        for framed in (on_page(chart, rng), photographed(chart, rng)):
            assert framed.mode == "RGB"
            assert framed.width > chart.width and framed.height > chart.height


def test_counts_spread_over_their_whole_range():
    rng = np.random.default_rng(0)
    counts = {data.count(rng, 5, 60) for _ in range(2000)}
    assert counts == set(range(5, 60))


def test_the_command_writes_one_folder_of_files_per_class(tmp_path):
    call_command(
        "make_chart_dataset",
        str(tmp_path),
        per_class=1,
        size=48,
        workers=1,
        engines="matplotlib",
        verbosity=0,
    )
    for chart in CHART_CLASSES:
        (path,) = (tmp_path / chart).iterdir()
        assert re.fullmatch(rf"{chart}-matplotlib-0-00000\.(jpg|png)", path.name)
        with Image.open(path) as image:
            assert max(image.size) == 48
