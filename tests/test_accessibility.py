"""Every page of the dashboard, in English and in French, in the system's Chromium: axe-core
finds no violation of impact "serious" or "critical"; the page says its language in
``<html lang>`` and loads with no console error nor failed request; at 1280 px and at
390 x 844 px (a phone) it does not scroll sideways (a table scrolling inside its own box is
fine, if a keyboard can reach that box); and a full-page screenshot at 1280 px is saved under
bench/out/pages/ (``en-overview.png``, ``fr-overview.png``...; .ci/run lists them).

axe-core's ``axe.min.js`` comes from the wheel ``axe-playwright-python`` (the ``test`` extra),
which bundles it: nothing is downloaded when the tests run.

``KNOWN`` holds the (page, rule) pairs that fail on the current pages, each with why and what
would fix it: such a pair makes its test skip with that reason, and any other violation still
fails. Remove a pair once its page is fixed (its test then passes).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import polars as pl
import pytest

pytest.importorskip("fastapi")
from clv.web import build  # noqa: E402
from webtools import (  # noqa: E402
    Watch,
    call,
    dashboard_pages,
    running,
    sample_analysis,
)

SHOTS = Path(__file__).resolve().parents[1] / "bench" / "out" / "pages"
LANGS = ("en", "fr")
PAGES = ("home", "mapping", "overview", "selection", "customers", "customer", "segments", "cohorts",
         "channels", "timing", "models", "whatif", "data", "exports", "saas", "calculator",
         "history")
SERIOUS = ("serious", "critical")
PHONE = {"width": 390, "height": 844}

WIDE = "no-sideways-scroll-390px"
WIDE_DESKTOP = "no-sideways-scroll-1280px"
"""The names of the width checks in ``KNOWN`` (the others are axe-core's rule ids)."""
KNOWN: dict[tuple[str, str], str] = {
}
"""(page, rule) -> why it fails on the current pages and what would fix it, in both
languages; ``rule`` is an axe-core rule id, :data:`WIDE` or :data:`WIDE_DESKTOP`."""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A dashboard showing a sample analysis (spend, customers, subscriptions), with an
    upload waiting on its mapping page: its base URL and pages."""
    from clv.datasets import sample_shop

    shutil.rmtree(SHOTS, ignore_errors=True)  # no screenshot of a page as it was before
    folder = tmp_path_factory.mktemp("pages")
    shop = sample_shop(200, seed=3)
    orders = shop.transactions.filter(pl.col("timestamp") <= dt.datetime.combine(
        shop.observation_end, dt.time.max)).write_csv().encode()
    app = build(f"sqlite:///{folder / 'h.db'}", workdir=folder / "up",
                analyses=[(sample_analysis(), "sample shop")])
    with running(app) as base:
        yield base, dashboard_pages(base, orders)


def opened(browser, site, name: str, lang: str, viewport: dict[str, int]):
    """A new page at ``viewport`` showing the dashboard's page ``name`` in ``lang`` (skips a
    SaaS page the server does not have yet), and the :class:`Watch` of its problems."""
    base, pages = site
    path = pages[name]
    url = f"{base}{path}{'&' if '?' in path else '?'}lang={lang}"
    if name == "saas" and call(url)[0] == 404:
        pytest.skip("no SaaS page at /a/{id}/saas yet (404)")
    # the browser's language too (Accept-Language, navigator.language), as a reader has
    page = browser.new_page(viewport=viewport, locale={"fr": "fr-FR"}.get(lang, "en-GB"))
    watch = Watch(page)
    response = page.goto(url)
    if response is None or response.status != 200:
        text = page.inner_text("body")[:300] if response is not None else ""
        page.close()
        pytest.fail(f"{path}?lang={lang}: HTTP {response and response.status}: {text}")
    page.wait_for_load_state("load")
    return page, watch


def axe_violations(page, options: dict | None = None) -> list[dict]:
    """axe-core's violations on ``page`` (every rule axe runs by default, unless ``options``
    say otherwise)."""
    Axe = pytest.importorskip("axe_playwright_python.sync_playwright").Axe

    return Axe().run(page, options={"resultTypes": ["violations"], **(options or {})}
                     ).response["violations"]


def known_or_fail(found: dict[tuple[str, str], str], what: str) -> None:
    """Fail on any finding not in :data:`KNOWN`; skip with the reasons when all are known."""
    new = {k: v for k, v in found.items() if k not in KNOWN}
    assert not new, f"{what}:\n" + "\n".join(new.values())
    if found:
        pytest.skip("known: " + "; ".join(f"{page}, {rule}: {KNOWN[page, rule]}"
                                          for page, rule in found))


def described(name: str, lang: str, violations: list[dict]) -> dict[tuple[str, str], str]:
    """axe-core's ``violations`` of impact serious or critical, each said in one line with
    the elements it found (the first four)."""
    return {(name, v["id"]): (
        f"  {name} ({lang}): {v['id']} [{v['impact']}] {v['help']}: "
        + ", ".join(" ".join(n["target"]) for n in v["nodes"][:4])
        + (f" and {len(v['nodes']) - 4} more" if len(v["nodes"]) > 4 else ""))
        for v in violations if v["impact"] in SERIOUS}


OVERFLOWING = """() => {
  // the outermost elements that stick out on the right, outside any box that scrolls or clips
  const width = document.documentElement.clientWidth;
  const clipped = el => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === "auto" || o === "scroll" || o === "hidden" || o === "clip") return true;
    }
    return false;
  };
  const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (el.classList.length ? "." + [...el.classList].join(".") : "");
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.right <= width + 1 || r.width === 0 || clipped(el)) continue;
    const parent = el.parentElement;
    if (parent && parent !== document.body && parent.getBoundingClientRect().right > width + 1
        && !clipped(parent)) continue;
    const path = [];
    for (let p = el; p && p !== document.body; p = p.parentElement) path.unshift(name(p));
    out.push(path.slice(-3).join(" > ") + ` (${Math.round(r.width)} px wide, right edge `
      + `${Math.round(r.right)} px)`);
  }
  return {scroll: document.documentElement.scrollWidth, width: window.innerWidth,
          culprits: out.slice(0, 5)};
}"""


def sideways(page, name: str, lang: str, key: str) -> dict[tuple[str, str], str]:
    """``{(name, key): what sticks out}`` when ``page`` scrolls sideways, else nothing."""
    got = page.evaluate(OVERFLOWING)
    if got["scroll"] <= got["width"]:
        return {}
    return {(name, key): (
        f"  {name} ({lang}): the page is {got['scroll']} px wide in a {got['width']} px "
        f"window; sticking out: " + "; ".join(got["culprits"] or ["(not found)"]))}


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("lang", LANGS)
def test_page_has_no_serious_accessibility_violation(browser, site, lang, name):
    """axe-core's rules; besides, the page says its language (``<html lang>``, for screen
    readers), loads with no console error nor failed request, and does not scroll sideways
    at 1280 px either."""
    page, watch = opened(browser, site, name, lang, {"width": 1280, "height": 900})
    try:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{lang}-{name}.png"), full_page=True)
        said = page.evaluate("document.documentElement.lang")
        found = described(name, lang, axe_violations(page))
        found |= sideways(page, name, lang, WIDE_DESKTOP)
    finally:
        page.close()
    assert said == lang and watch.problems == [], (said, watch.problems)
    known_or_fail(found, "serious accessibility violations (axe-core)")




@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("lang", LANGS)
def test_page_fits_a_phone_without_scrolling_sideways(browser, site, lang, name):
    """The page stays within 390 px; the boxes that scroll instead (wide tables) can be
    reached by keyboard (axe-core's scrollable-region-focusable, at this width)."""
    page, _ = opened(browser, site, name, lang, PHONE)
    try:
        found = sideways(page, name, lang, WIDE)
        if found:
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / f"{lang}-{name}-390px.png"), full_page=True)
        found |= described(name, lang, axe_violations(
            page, {"runOnly": ["scrollable-region-focusable"]}))
    finally:
        page.close()
    known_or_fail(found, "at 390 px wide")
