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
