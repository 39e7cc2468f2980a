"""The dashboard's charts on a phone (issue 16, fifth review), in the system's Chromium driven
by Playwright: at 390 px wide every chart of every page fits the screen (its rendered width at
most the viewport's) and no page scrolls sideways; the button before a shrunk chart shows it
at its drawn size, scrolling inside its own box, and back; at 1280 px the charts keep their
drawn size (the desktop layout unchanged)."""

from __future__ import annotations

import dataclasses

import pytest

pytest.importorskip("fastapi")
from clv.i18n import t  # noqa: E402
from clv.web import build  # noqa: E402
from webtools import Watch, running, sample_analysis  # noqa: E402

CHARTED = ("", "/segments", "/cohorts", "/channels", "/models", "/saas")
"""The analysis's pages that draw charts (the overview first); and the history."""
MEASURED = """() => ({
  page: document.documentElement.scrollWidth, viewport: window.innerWidth,
  charts: [...document.querySelectorAll("main figure > svg")].map(
    (s) => [Math.round(s.getBoundingClientRect().width), Number(s.getAttribute("width"))])})"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A dashboard with one analysis saved twice (the history draws its chart), the second
    at another margin."""
    folder = tmp_path_factory.mktemp("phone")
    a = sample_analysis(500)
    b = dataclasses.replace(a, settings=dataclasses.replace(a.settings, margin=0.4))
    app = build(f"sqlite:///{folder / 'h.db'}", workdir=folder / "up",
                analyses=[(a, "shop.csv"), (b, "shop.csv")])
    with running(app) as base:
        yield base


def _pages(base: str) -> list[str]:
    return [*(f"{base}/a/1{p}" for p in CHARTED), f"{base}/history"]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_charts_fit_a_phone(browser, site, lang):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    watch = Watch(page)
    shrunk = 0
    for url in _pages(site):
        page.goto(f"{url}?lang={lang}")
        page.wait_for_load_state()
        got = page.evaluate(MEASURED)
        assert got["charts"], f"no chart on {url}"
        assert got["page"] <= got["viewport"], f"{url} scrolls sideways: {got}"
        for rendered, drawn in got["charts"]:
            assert rendered <= got["viewport"], (url, rendered)
            shrunk += rendered < drawn
    assert shrunk, "no chart was wider than a phone: the test would prove nothing"
    assert not watch.problems, watch.problems
    context.close()


def test_a_shrunk_chart_shows_at_its_drawn_size_on_demand(browser, site):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{site}/a/1/models?lang=fr")
    button = page.locator("button.chart-size").first
    assert button.is_visible()
    assert button.inner_text() == t("chart_drawn_size", "fr")
    figure = page.locator("main figure").first
    button.click()
    assert button.get_attribute("aria-pressed") == "true"
    assert button.inner_text() == t("chart_fit_size", "fr")
    drawn = figure.evaluate("f => [f.querySelector('svg').getBoundingClientRect().width, "
                            "Number(f.querySelector('svg').getAttribute('width')), "
                            "f.scrollWidth > f.clientWidth, f.tabIndex]")
    assert drawn[0] == pytest.approx(drawn[1], abs=1)  # its drawn size: text at 11 px
    assert drawn[2] and drawn[3] == 0  # it scrolls inside its box, reachable by keyboard
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # not the page
    button.click()
    assert figure.evaluate("f => f.querySelector('svg').getBoundingClientRect().width") <= 390
    context.close()


def test_the_desktop_keeps_the_charts_drawn_size(browser, site):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    for url in _pages(site):
        page.goto(f"{url}?lang=en")
        got = page.evaluate(MEASURED)
        assert got["page"] <= got["viewport"]
        for rendered, drawn in got["charts"]:
            assert rendered == pytest.approx(drawn, abs=1), (url, rendered, drawn)
        assert not page.locator("button.chart-size:visible").count()
    context.close()
