"""The reliability diagram of a model measured on left-out sources, in a real browser."""

import json

import pytest

BANDS = [
    {"low": 0.3, "high": 0.4, "count": 12, "confidence": 0.36, "accuracy": 0.25},
    {"low": 0.5, "high": 0.6, "count": 30, "confidence": 0.55, "accuracy": 0.6},
    {"low": 0.9, "high": 1.0, "count": 400, "confidence": 0.97, "accuracy": 0.95},
]


@pytest.fixture(scope="module")
def site(start_module_site):
    site = start_module_site()
    metrics = {"reliability": BANDS, "held_out": "sources", "sources": {"a": 1, "b": 2}}
    site.shell(
        "from classifier.models import ModelVersion; "
        "version = ModelVersion.objects.get(classifier__slug='shapes', active=True); "
        f"version.metrics.update({json.dumps(metrics)}); version.save()"
    )
    return site


def test_the_model_page_draws_how_often_it_is_right_against_how_sure(browser):
    browser.go("/classifiers/shapes/")
    figure = browser.wait_for("figure.reliability")
    bars = browser.find_all(".reliability-bar")
    assert len(bars) == len(BANDS)
    heights = [float(bar.get_attribute("height")) for bar in bars]
    assert heights == sorted(heights) and heights[0] > 0  # accuracy grows band by band
    assert "0.90-1.00: 400 charts, right 95" in bars[-1].get_attribute("innerHTML")
    assert "each left out of training in turn" in browser.find("main").text
    browser.check_layout("model-reliability", scroll_to=figure)
