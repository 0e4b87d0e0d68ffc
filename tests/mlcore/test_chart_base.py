"""What the chart engines share: their table of drawers, and the office themes' data."""

from dataclasses import fields

import numpy as np

from mlcore.charts import CHART_CLASSES, base, office_themes


def area(): ...


def bars(horizontal): ...


def wedges(donut): ...


def test_an_engine_draws_the_classes_it_has_functions_for_in_the_classes_order():
    table = base.drawers({"wedges": wedges, "area": area, "bars": bars, "data": object()})
    assert list(table) == ["area", "bar", "column", "pie", "donut"]
    assert table["area"] is area
    assert table["bar"].func is bars and table["bar"].keywords == {"horizontal": True}
    assert table["column"].keywords == {"horizontal": False}
    assert table["donut"].func is wedges and table["donut"].keywords == {"donut": True}
    assert set(table) <= set(CHART_CLASSES)


def test_every_office_product_sets_every_setting_of_a_theme():
    names = [setting.name for setting in fields(office_themes.Theme)]
    assert list(office_themes.DEFAULTS) == names
    for name in names:
        assert len(office_themes.DEFAULTS[name]) == len(office_themes.PRODUCTS), name
    assert set(office_themes.SHARES) == set(office_themes.PRODUCTS)
    for product in office_themes.PRODUCTS:
        theme = office_themes.product_theme(np.random.default_rng(0), product)
        assert not any(hasattr(getattr(theme, name), "draw") for name in names)


def test_a_violin_profile_is_the_density_scaled_to_its_peak():
    rng = np.random.default_rng(0)
    sample = rng.normal(size=300)
    grid = np.linspace(-3, 3, 61)
    density = base.smooth_density(sample, grid)
    assert abs(density.sum() * (grid[1] - grid[0]) - 1) < 0.05
    profile = base.smooth_density(sample, grid, peak=0.4)
    assert np.isclose(profile.max(), 0.4)
    assert np.allclose(profile, density * 0.4 / density.max())


def test_stacks_come_in_the_shapes_the_web_publishes():
    drawn = [base.stacks(np.random.default_rng(seed), values_shown=True) for seed in range(300)]
    for shape in drawn:
        n_series, n_groups = shape.values.shape
        assert len(shape.groups) == n_groups and len(shape.names) == n_series >= 2
        assert (shape.values > 0).all() and 0 <= shape.gap <= 0.6
        if shape.percent:
            np.testing.assert_allclose(shape.tops, 100)
        if shape.labelled:
            assert n_groups <= 8
    dense = [shape for shape in drawn if len(shape.groups) >= 16]
    assert dense and all(shape.gap <= 0.2 and not shape.labelled for shape in dense)
    assert any(len(shape.groups) <= 5 and shape.labelled for shape in drawn)
    assert 0.2 < np.mean([shape.percent for shape in drawn]) < 0.5


def test_bubbles_are_now_and_then_a_few_large_circles():
    drawn = [base.bubbles(np.random.default_rng(seed)) for seed in range(200)]
    for shape in drawn:
        assert len(shape.y) == len(shape.area) == len(shape.group) == shape.n
        assert shape.area.max() == 1 and shape.area.min() >= 0.02
        assert shape.group.max() < shape.n_groups
    few = [shape for shape in drawn if shape.scale > 1]
    assert few and all(3 <= shape.n <= 9 and shape.scale <= 3 for shape in few)
    assert all(6 <= shape.n < 45 for shape in drawn if shape.scale == 1)


def test_numbered_columns_only_for_columns_and_bars_keep_their_random_numbers():
    rng = np.random.default_rng(5)
    assert base.numbered_columns(rng, horizontal=True) is None
    assert rng.random() == np.random.default_rng(5).random()  # nothing drawn for bars
    drawn = [base.numbered_columns(np.random.default_rng(s), False) for s in range(100)]
    numbered = [found for found in drawn if found is not None]
    assert 0.2 < len(numbered) / len(drawn) < 0.5
    for values, groups in numbered:
        assert values.shape[1] == len(groups) >= 8 and (values > 0).all()


def test_scatter_dots_are_as_before_or_a_few_large_ones():
    drawn = [base.scatter_dots(np.random.default_rng(seed), 25, 700) for seed in range(100)]
    assert all(25 <= n < 700 for n, grow in drawn if grow == 1)
    large = [(n, grow) for n, grow in drawn if grow > 1]
    assert large and all(8 <= n < 60 and grow <= 3 for n, grow in large)
