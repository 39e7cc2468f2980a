"""The charts you can point at and click through: a ``<title>`` on every mark with its value
formatted for the language, axis titles in the chart's language, an accessible name in words,
links of segments, channels, cohorts and tiers to the customers list (only given an analysis
id), and the lifetimes-style views of the models computed from the fitted models."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import numpy as np
import polars as pl
import pytest

import clv
from clv import measures
from clv.models import BGNBD
from clv.report import charts
from clv.web.charts import CHARTS, LINKED, render_charts

AID = 42


@pytest.fixture(scope="module")
def analysis():
    shop = clv.sample_shop(900, seed=11)
    return clv.analyze(shop.transactions, spend=shop.spend, settings=clv.Settings(
        margin=0.3, draws=20, currency="EUR"))


@pytest.fixture(scope="module")
def english(analysis):
    return render_charts(analysis, "en", aid=AID)


@pytest.fixture(scope="module")
def french(analysis):
    return render_charts(analysis, "fr", aid=AID)


def _tree(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def _marks(svg: str) -> list[ET.Element]:
    """The marks of a chart: the elements Vega gives the role of a graphics symbol."""
    return [e for e in _tree(svg).iter() if e.get("role") == "graphics-symbol"]


def _titles(svg: str) -> list[str]:
    return [(m.findtext("title") or "") for m in _marks(svg)]


def _axis_titles(svg: str) -> list[str]:
    """The axis titles: the text of Vega's axis-title groups."""
    return ["".join(t.itertext()) for g in _tree(svg).iter("g")
            if "role-axis-title" in (g.get("class") or "") for t in g.iter("text")]


def _texts(svg: str) -> list[str]:
    return ["".join(t.itertext()) for t in _tree(svg).iter("text")]


def _links(svg: str) -> set[str]:
    return {a.get("href") or "" for a in _tree(svg).iter("a")}


def test_every_chart_is_drawn(english, french):
    for drawn in (english, french):
        assert set(drawn) == set(CHARTS)
        missing = [k for k, v in drawn.items() if not v]
        assert not missing, missing


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_mark_has_a_title_and_the_chart_a_name_in_words(english, french, lang):
    drawn = english if lang == "en" else french
    for key, svg in drawn.items():
        marks = _marks(svg)
        assert marks, key
        for m in marks:  # the tooltip is the mark's accessible label, as the browser shows it
            assert m.findtext("title"), (key, ET.tostring(m)[:200])
            assert m.findtext("title") == m.get("aria-label"), key
        root = _tree(svg)
        assert root.get("role") == ("graphics-document" if key in LINKED else "img"), key
        name = root.get("aria-label") or ""
        assert len(name) > 40, (key, name)
        assert not re.search(r"\d[.,]\d{4,}", name), (key, name)  # no raw floats
        assert not re.search(r"\d[.,]\d{4,}", " ".join(_titles(svg))), key


def test_tooltips_carry_the_formatted_values(analysis, english, french):
    a = analysis
    # channels: each channel's LTV and CAC in euros, written for the language
    for lang, drawn in (("en", english), ("fr", french)):
        titles = _titles(drawn["channels"])
        for row in a.channels.channels.filter(pl.col("cac").is_not_null()).iter_rows(
                named=True):
            for key in ("ltv", "cac"):
                text = f"{row['channel']}{' :' if lang == 'fr' else ':'} " \
                       f"{measures.label(key, lang)} {measures.money(row[key], 'EUR', lang)}"
                assert any(t.startswith(text) for t in titles), (text, titles[:3])
        # the definition of the figure rides along
        assert any(measures.measure("cac").definition[lang] in t for t in titles)
    # the retention heatmap: a cohort's share active with its counts
    cell = a.cohorts.table.filter(pl.col("age") == 1).sort("cohort").row(0, named=True)
    expected = (f"Cohorte janvier 2024, mois 1 : {measures.percent(cell['retention'], 'fr', 1)}"
                f" actifs ({cell['active']} sur {cell['eligible']} clients)")
    assert cell["cohort"].month == 1 and cell["cohort"].year == 2024
    assert expected in _titles(french["heatmap"])
    # the histogram: every customer is in one bar, its count written in the bar's title
    counts = [int(m.group(1).replace("\u202f", "").replace(",", ""))
              for t in _titles(english["distribution"])
              for m in [re.search(r": ([\d,]+) customers?\b", t)] if m]
    assert sum(counts) == a.value.height
    # the tracking: the last actual cumulative purchases, as a French number
    last = a.scorecard.tracking["actual"][-1]
    assert any(f"réel : achats répétés cumulés {clv.report.text.number(last, 'fr')}" in t
               for t in _titles(french["tracking"]))
    # the segments: the share of future value of each segment, as a French percentage
    seg = a.segments.segments.filter(pl.col("customers") > 0).row(0, named=True)
    name = clv.report.text.segment_name(seg["segment"], "fr")
    share = measures.percent(seg["share_predicted_clv"], "fr", 1)
    assert any(t.startswith(f"{name} : part de la valeur future {share}")
               for t in _titles(french["segments"]))


def test_axis_titles_are_in_the_chart_language(analysis, english, french):
    fr = {k: _axis_titles(v) for k, v in french.items()}
    en = {k: _axis_titles(v) for k, v in english.items()}
    horizon = measures.label("clv", "fr", analysis.settings)
    assert horizon == "Valeur future (12 prochains mois)"
    assert fr["distribution"] == ["Valeur future (12 prochains mois, €)", "clients"]
    assert fr["lorenz"] == ["part des clients, des moins aux plus précieux",
                            "part du total détenue"]
    assert fr["tracking"] == ["date (fin de chaque semaine)", "achats répétés cumulés"]
    assert fr["heatmap"] == ["mois depuis le premier achat", "cohorte (mois du premier achat)"]
    assert fr["curves"] == ["mois depuis le premier achat",
                            "chiffre d'affaires cumulé par client (€)"]
    assert fr["channels"] == ["par nouveau client (€)", "Canal"]
    assert fr["calibration"][0] == "achats répétés pendant la période de calibration"
    assert fr["calibration"][1].startswith("achats moyens par client pendant la période de test")
    assert fr["alive"] == ["récence : dernier achat, en semaines après le premier",
                           "achats répétés (fréquence)"]
    assert en["tracking"] == ["date (end of each week)", "cumulative repeat purchases"]
    assert en["lorenz"] == ["share of customers, least valuable first",
                            "share of the total they hold"]
    for key in CHARTS:  # every chart but the shares' (named by their legend) titles its axes
        assert all(en[key]) and all(fr[key]), key
        assert en[key] != fr[key] or key in ("segments", "tiers"), key
    # French numbers on the axes: a thin space between thousands, a decimal comma
    ticks = _texts(french["tracking"])
    assert any(re.fullmatch(r"\d[\u00a0\u202f ]\d{3}", t) for t in ticks), ticks


def test_the_histogram_overflow_bin_is_labelled_not_a_bare_number(analysis, english, french):
    clv_values = analysis.value["clv"].to_numpy()
    for lang, drawn, pattern in (("en", english, r"(€[\d,]+) and more"),
                                 ("fr", french, r"([\d\u202f\u00a0]+\s€) et plus")):
        texts = _texts(drawn["distribution"])
        labels = [m.group(1) for t in texts for m in [re.fullmatch(pattern, t)] if m]
        assert len(labels) == 1, texts
        cap = float(re.sub(r"\D", "", labels[0]))
        assert measures.money(cap, "EUR", lang, 0) == labels[0]
        # its bar holds every customer at or beyond it, and says so
        over = [t for t in _titles(drawn["distribution"])
                if labels[0] in t and ("or more" in t or "ou plus" in t)]
        n = int((clv_values >= cap).sum())
        assert len(over) == 1 and f" {n} " in over[0].replace("\u202f", ""), over
        # no tick of the axis at or beyond the overflow bin
        ticks = [float(re.sub(r"\D", "", "".join(t.itertext())))
                 for g in _tree(drawn["distribution"]).iter("g")
                 if "role-axis-label" in (g.get("class") or "") for t in g.iter("text")
                 if t.get("text-anchor") == "middle"]  # the horizontal axis's
        assert ticks and max(ticks) < cap


def test_the_actual_line_is_solid_dark_above_the_models_and_in_the_legend(english):
    svg = english["tracking"]
    lines = [m for m in _marks(svg) if m.get("aria-roledescription") == "line mark"]
    actual = [m for m in lines if m.get("aria-label") == "actual"]
    assert len(actual) == 1
    assert actual[0].get("stroke") == charts.ACTUAL and actual[0].get("stroke-width") == "3"
    assert actual[0].get("stroke-dasharray") in (None, "1,0")  # no gap: solid
    models = [m for m in lines if m.get("aria-label") != "actual"]
    assert models and all(m.get("stroke-dasharray") == "6,3" for m in models)
    order = [m.get("aria-label") for m in lines]  # drawn last: on top
    assert order.index("actual") > max(order.index(m.get("aria-label")) for m in models)
    assert "actual" in _texts(svg)  # the legend names it


def test_links_go_to_the_matching_customers_only_with_an_id(analysis, english):
    a = analysis
    base = f"/a/{AID}/customers"
    channels = a.channels.channels.filter(pl.col("cac").is_not_null())["channel"]
    assert _links(english["channels"]) == {f"{base}?channel={c}" for c in channels}
    segments = a.segments.segments.filter(pl.col("customers") > 0)["segment"]
    assert _links(english["segments"]) == {f"{base}?segment={s}" for s in segments}
    tiers = {parse_qs(urlsplit(u).query)["tier"][0] for u in _links(english["tiers"])}
    assert tiers == set(a.segments.tiers["tier"])
    months = a.cohorts.table["cohort"].unique()
    assert _links(english["heatmap"]) == {
        f"{base}?start={m:%Y-%m}&end={m:%Y-%m}" for m in months
        if a.cohorts.table.filter((pl.col("cohort") == m) & (pl.col("age") > 0)
                                  & pl.col("retention").is_not_null()).height}
    for key in ("distribution", "lorenz", "curves", "tracking", "alive", "purchases",
                "calibration"):
        assert not _links(english[key]), key
    # each link is named by its mark, and says where it goes
    a_tag = next(_tree(english["segments"]).iter("a"))
    assert a_tag.get("aria-label", "").endswith("(show these customers)")
    # without an id (the report), nothing links anywhere
    plain = render_charts(a, "en", LINKED)
    for key, svg in plain.items():
        assert "<a " not in svg and "href" not in svg, key
        assert _tree(svg).get("role") == "img"


def test_the_report_stays_link_free_and_script_free(analysis):
    from clv.report import render

    html = render(analysis, "fr")
    assert "/customers?" not in html and "<script" not in html
    assert 'role="img"' in html and "<title>" in html


def test_the_alive_matrix_is_the_model_p_alive(analysis, english):
    a = analysis
    grid = charts.alive_grid(a)
    big_t = float(np.ceil(a.summary.frame["T"].max()))
    assert (grid["T"] == big_t).all()
    # the values at the cells are the model's, one cell at a time
    for row in grid.sample(25, seed=1).iter_rows(named=True):
        expected = float(a.model.p_alive(np.array([row["frequency"]]),
                                         np.array([row["recency"]]), np.array([big_t]))[0])
        assert row["p_alive"] == pytest.approx(expected, rel=1e-12)
    # every frequency from 0 up to the 99th percentile; no repeat purchase: recency 0 only
    top = int(np.ceil(a.summary.frame["frequency"].quantile(0.99)))
    assert sorted(grid["frequency"].unique()) == list(range(top + 1))
    assert grid.filter(pl.col("frequency") == 0)["recency"].to_list() == [0.0]
    # a model that counts every one-time buyer alive is flagged there, not shown certain
    unknown = grid.filter(~pl.col("informative"))
    if isinstance(a.model, BGNBD):
        assert unknown["frequency"].to_list() == [0.0]
    else:
        assert unknown.height == 0
    # the chart writes each cell's value in its title
    cell = grid.filter((pl.col("frequency") == 2) & pl.col("informative")).row(3, named=True)
    titles = _titles(english["alive"])
    assert any(t.startswith("2 repeat purchases") and t.endswith(
        f"P(alive) {measures.percent(cell['p_alive'], 'en', 1)}")
        and f"the last {clv.report.text.number(cell['recency'], 'en')} weeks" in t
        for t in titles)
    assert len([t for t in titles if "P(alive)" in t]) == grid["informative"].sum()


def test_the_purchases_matrix_is_the_model_expectation_over_the_horizon(analysis):
    a = analysis
    grid = charts.purchases_grid(a)
    weeks = a.settings.horizon * 30.4375 / 7  # 12 months in the model's unit
    x, r, t = (grid[c].to_numpy() for c in ("frequency", "recency", "T"))
    np.testing.assert_allclose(grid["expected_purchases"].to_numpy(),
                               a.model.expected_purchases(weeks, x, r, t), rtol=1e-12)


def test_calibration_bars_are_the_holdout_means_per_calibration_frequency(analysis, english):
    a = analysis
    frame = charts.calibration_frame(a)
    f = a.scorecard.summary.frame
    top = charts.CALIBRATION_TOP
    for bucket in range(top + 1):
        chosen = f.filter((pl.col("frequency") >= top) if bucket == top
                          else (pl.col("frequency") == bucket))
        row = frame.filter(pl.col("bucket") == bucket)
        if chosen.height == 0:
            assert row.height == 0
            continue
        assert row["customers"][0] == chosen.height
        assert row["actual"][0] == pytest.approx(chosen["frequency_holdout"].mean())
        # each model's bar: its prediction over the holdout, averaged over the same customers
        duration = float(f["duration_holdout"][0])
        for model in a.scorecard.models.values():
            predicted = model.expected_purchases(
                duration, *(chosen[c].cast(pl.Float64).to_numpy()
                            for c in ("frequency", "recency", "T")))
            assert row[model.NAME][0] == pytest.approx(float(predicted.mean()))
    # the chart shows the actual means, dark and first, in its titles
    titles = _titles(english["calibration"])
    first = frame.row(0, named=True)
    assert any(t.startswith(f"{first['customers']:,} customers with 0 repeat purchases")
               and f"actual {first['actual']:.2f} purchases" in t for t in titles)
    bars = [m for m in _marks(english["calibration"]) if "actual" in (m.get("aria-label") or "")]
    assert bars and all(m.get("fill") == charts.ACTUAL for m in bars)


def test_the_models_page_shows_the_views_in_the_page_language(analysis, tmp_path):
    pytest.importorskip("fastapi")
    from clv.web import build
    from webtools import call, running

    app = build(f"sqlite:///{tmp_path / 'history.db'}", workdir=tmp_path / "uploads",
                analyses=[(analysis, "shop")])
    with running(app) as base:
        status, body, _ = call(f"{base}/a/1/models?lang=fr")
        page = body.decode()
        assert status == 200
        for key in ("models_title", "models_alive", "models_alive_guide", "models_purchases",
                    "models_calibration", "models_calibration_guide", "models_tracking_guide"):
            from clv.i18n import t

            assert t(key, "fr") in page.replace("&#39;", "'"), key
            assert t(key, "en") not in page.replace("&#39;", "'"), key
        for figure in ("chart-tracking", "chart-calibration", "chart-alive", "chart-purchases"):
            found = re.search(rf'<figure id="{figure}"><svg role="img" aria-label="([^"]*)"',
                              page)
            assert found, figure
        assert "selon la fréquence et la récence" in page
        status, body, _ = call(f"{base}/a/1/models?lang=en")
        assert status == 200 and "P(alive) by frequency and recency" in body.decode()


def test_the_history_draws_a_line_per_source_with_its_values_in_words():
    import datetime as dt

    frame = pl.DataFrame({
        "id": [1, 2, 3, 4], "created_at": [dt.datetime(2026, 11, d, 9) for d in (1, 2, 3, 4)],
        "source": ["shop_a.csv", "shop_b.csv", "shop_a.csv", "shop_b.csv"],
        "historical_ltv": [100.0, 300.0, 110.0, 320.5], "churn_share": [0.3, 0.5, 0.28, 0.52],
        "ltv_cac": [2.5, 4.0, 2.75, 4.25]})
    svg = charts.history(frame, "fr")
    lines = [m for m in _marks(svg) if m.get("aria-roledescription") == "line mark"]
    assert len(lines) == 3 * 2  # a line per figure and per source: two shops are not one trend
    titles = _titles(svg)
    assert "Analyse n°4 du 4 novembre 2026 (shop_b.csv) : Chiffre d'affaires à date par " \
           "client 320,50" in titles
    assert "Analyse n°1 du 1er novembre 2026 (shop_a.csv) : Probablement perdus 30,0\u00a0%" \
           in titles
    assert any(t.endswith("LTV:CAC (global) 4,25x") for t in titles)
    assert "#1 1er nov. 2026" in _texts(svg)  # the first of the month: 1er
    assert _axis_titles(svg)[0] == "analyse enregistrée"


def test_in_chromium_pointing_at_a_mark_shows_its_title_and_clicking_opens_its_customers(
        french):
    """In the browser: the element under the pointer on a heatmap cell is the mark whose
    ``<title>`` (the native tooltip) says its cohort, age and share; a click on a segment's
    bar opens that segment's customers list."""
    sync_api = pytest.importorskip("playwright.sync_api")
    from conftest import missing
    from webtools import CHROMIUM_ARGS, chromium_path

    path = chromium_path() or missing("no Chromium on this machine (Debian package chromium)")
    page_html = ("<!doctype html><html lang='fr'><meta charset='utf-8'><title>charts</title>"
                 f"<main><figure id='heatmap'>{french['heatmap']}</figure>"
                 f"<figure id='segments'>{french['segments']}</figure></main></html>")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 800})
            page.route("http://clv.test/charts", lambda r: r.fulfill(
                body=page_html, content_type="text/html"))
            page.route(f"http://clv.test/a/{AID}/customers*", lambda r: r.fulfill(
                body="<p>customers</p>", content_type="text/html"))
            page.goto("http://clv.test/charts")
            cell = page.locator("#heatmap path[role=graphics-symbol]").nth(5)
            box = cell.bounding_box()
            x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
            page.mouse.move(x, y)
            shown = page.evaluate("([x, y]) => { const e = document.elementFromPoint(x, y);"
                                  " const t = e.querySelector(':scope > title');"
                                  " return t ? t.textContent : null; }", [x, y])
            assert shown == cell.get_attribute("aria-label")
            assert re.fullmatch(r"Cohorte \w+ \d{4}, mois \d+ : [\d,]+\u00a0% actifs "
                                r"\(\d+ sur \d+ clients\)", shown), shown
            bar = page.locator("#segments a").first
            target = bar.get_attribute("href")
            box = bar.locator("path").bounding_box()
            page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            page.wait_for_url(f"**{target}")
            assert urlsplit(page.url).path == f"/a/{AID}/customers"
            assert parse_qs(urlsplit(page.url).query)["segment"]
        finally:
            browser.close()


def test_week_cohorts_do_not_link_the_filter_takes_months():
    a = clv.analyze(clv.sample_shop(300, seed=5).transactions,
                    settings=clv.Settings(draws=20, period="week"))
    svg = charts.retention_heatmap(a, "en", aid=AID)
    assert "<a " not in svg and _tree(svg).get("role") == "img"
    assert _axis_titles(svg)[1] == "cohort (week of the first purchase)"
