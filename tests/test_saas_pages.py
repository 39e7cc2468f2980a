"""The subscription page (``/a/{aid}/saas``), its JSON and the report's SaaS section: the same
figures on every face, in English and French, each defined, nothing shown raw."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
import re

import numpy as np
import polars as pl
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

from clv import sample_saas, sample_shop  # noqa: E402
from clv.i18n import catalogue  # noqa: E402
from clv.messages.saas import MESSAGES  # noqa: E402
from clv.pipeline import analyze  # noqa: E402
from clv.report import render  # noqa: E402
from clv.report import saas as saas_view  # noqa: E402
from clv.report.text import SAAS_WORDS  # noqa: E402
from clv.subscriptions import LTV_GAP, saas_metrics  # noqa: E402
from clv.web import build  # noqa: E402
from conftest import missing  # noqa: E402
from webtools import CHROMIUM_ARGS, Watch, call, chromium_path, running  # noqa: E402


def rich_subscriptions(n: int = 1500, seed: int = 5) -> pl.DataFrame:
    """A sample SaaS's subscriptions with what real ones also hold: upgrades (a second row at
    1.5 times the MRR from the third month), downgrades (0.6 times) and customers back two
    months after they churned."""
    saas = sample_saas(n, seed=seed, months=24)
    rng = np.random.default_rng(seed)
    end = saas.observation_end
    rows = []
    for r in saas.subscriptions.iter_rows(named=True):
        u = rng.random()
        start, stop = r["start"], r["end"]
        split = dt.date(start.year + (start.month + 1) // 12, (start.month + 1) % 12 + 1, 1)
        changes = split < (stop or end)
        if u < 0.22 and changes:
            rows += [{**r, "end": split},
                     {**r, "start": split, "mrr": r["mrr"] * (1.5 if u < 0.15 else 0.6)}]
        else:
            rows.append(r)
        if stop is not None and u > 0.9 and stop.month < 11 and stop.year < end.year:
            rows.append({**r, "start": dt.date(stop.year, stop.month + 2, 1), "end": None})
    return pl.DataFrame(rows)


@pytest.fixture(scope="module")
def analysis():
    shop = sample_shop(500, seed=2)
    tx = shop.transactions.filter(
        pl.col("timestamp") <= dt.datetime.combine(shop.observation_end, dt.time.max))
    return analyze(tx, subscriptions=rich_subscriptions())


@pytest.fixture(scope="module")
def site(analysis, tmp_path_factory):
    folder = tmp_path_factory.mktemp("saas")
    alone = dataclasses.replace(analysis, subscriptions=None)
    euros = dataclasses.replace(analysis, currency="EUR")
    app = build(f"sqlite:///{folder / 'history.db'}", workdir=folder / "work",
                analyses=[(analysis, "with subscriptions"), (alone, "without"),
                          (euros, "in euros")])
    with running(app) as base:
        ids = {e["source"]: e["id"] for e in json.loads(call(f"{base}/api/analyses")[1])}
        yield base, ids


def _get(url: str) -> tuple[int, str]:
    status, body, _ = call(url)
    return status, body.decode()


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def _tiles(page: str) -> dict[str, str]:
    """The headline figures of a page or report: key -> value as written."""
    found = re.findall(r'data-(?:key|kpi)="(saas_\w+)"[^>]*>.*?<div class="value">(.*?)</div>',
                       page, re.S)
    return {k: _text(v) for k, v in found}


def _rows(page: str, table_id: str) -> list[list[str]]:
    """The body rows of the table ``table_id``, each cell's text."""
    table = re.search(rf'<table[^>]* id="{table_id}".*?</table>', page, re.S)
    assert table, table_id
    body = table.group().split("<tbody>")[1]
    return [[_text(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_page_and_json_show_the_same_figures(site, analysis, lang):
    base, ids = site
    aid = ids["with subscriptions"]
    status, page = _get(f"{base}/a/{aid}/saas?lang={lang}")
    assert status == 200 and f'<html lang="{lang}">' in page
    status, body = _get(f"{base}/api/analyses/{aid}/saas?lang={lang}")
    assert status == 200
    data = json.loads(body)
    tiles = _tiles(page)
    assert tiles == {f["key"]: f["text"] for f in data["figures"]}
    # the figures are the analysis's: the last month ended, its MRR, 12-month GRR and NRR
    last = analysis.subscriptions.months.row(-1, named=True)
    value = {f["key"]: f["value"] for f in data["figures"]}
    assert value["saas_mrr"] == pytest.approx(last["mrr"], abs=0.005)
    assert value["saas_customers"] == last["customers"]
    assert value["saas_nrr_12m"] == pytest.approx(last["nrr_12m"])
    assert value["saas_grr_12m"] == pytest.approx(last["grr_12m"]) and last["grr_12m"] <= 1
    assert data["months"][-1]["mrr"] == pytest.approx(last["mrr"], abs=0.005)
    # the months table: the JSON's last twelve months, as the page writes them
    rows = _rows(page, "saas-months")
    assert len(rows) == 12
    for row, month in zip(rows, data["months"][-12:], strict=True):
        day = dt.date.fromisoformat(month["month"])
        assert row[0] == saas_view.month_name(day, lang)
        assert row[1] == saas_view.written(month["mrr"], "money", lang, None)
        assert row[6] == saas_view.written(month["churn"], "minus", lang, None)
    # the plans: one row per plan of the JSON, with its sentence when the LTVs differ
    plans = _rows(page, "saas-plans")
    assert [r[0] for r in plans] == sorted(p["name"] for p in data["plans"])
    wide = [p for p in data["plans"] if p["ltv_ratio"] > LTV_GAP or p["ltv_ratio"] < 1 / LTV_GAP]
    assert wide  # the sample's loyal subscribers make sBG's LTV well above the formula's
    assert len(data["plan_notes"]) == len(wide)
    for note in data["plan_notes"]:
        assert note in html.unescape(page)
    # the cohorts: every cohort and age in the JSON, the page's cells as written
    assert len(data["cohorts"]) == analysis.subscriptions.cohorts.height
    first = _rows(page, "saas-cohorts-1")[0]
    assert first[2] == saas_view.written(1.0, "share", lang, None)


def test_every_figure_is_defined_and_blanks_say_why(site):
    base, ids = site
    _, page = _get(f"{base}/a/{ids['with subscriptions']}/saas")
    described = set(re.findall(r'aria-describedby="(def-saas_\w+)"', page))
    defined = set(re.findall(r'<dd id="(def-saas_\w+)"', page))
    assert described and described <= defined
    assert 'title=""' not in page
    # the first month has no customer before it: its rates are blank, with the reason
    first = _rows(page, "saas-months-all")[0]
    assert first[-1] == SAAS_WORDS["saas_blank_no_start"]["en"]
    assert f'title="{SAAS_WORDS["saas_no_start"]["en"]}"' in page
    # nothing raw: no ISO date, no long float, no identifier
    visible = html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<(style|svg)\b.*?</\1>", "", page,
                                                             flags=re.S)))
    assert not re.search(r"\d{4}-\d{2}-\d{2}", visible)
    assert not re.search(r"\d\.\d{4,}", visible)
    assert not re.search(r"\b(saas_\w+|nrr_12m|logo_retention|None|nan)\b", visible)


def test_the_filters_are_kept_through_the_page(site, analysis):
    """A filter set on another page stays in the section links of the SaaS page (the figures
    are the whole table's), and a month that cannot be read is said, naming the filter."""
    base, ids = site
    channel = sorted(analysis.customers["channel"].drop_nulls().unique().to_list())[0]
    status, page = _get(f"{base}/a/{ids['with subscriptions']}/saas?channel={channel}")
    assert status == 200
    assert f"/a/{ids['with subscriptions']}/customers?channel={channel}" in page
    assert 'id="saas-unfiltered"' in page  # said: the figures are every subscription's
    assert 'id="saas-unfiltered"' not in _get(f"{base}/a/{ids['with subscriptions']}/saas")[1]
    status, page = _get(f"{base}/a/{ids['with subscriptions']}/saas?start=2024-13-45&lang=en")
    assert status == 200 and "is not a month (YYYY-MM, such as 2025-03)" in page.replace(
        "\u201d", '"').replace("\u201c", '"')


def test_the_french_page_has_no_english_words(site):
    base, ids = site
    _, page = _get(f"{base}/a/{ids['with subscriptions']}/saas?lang=fr")
    words = {**SAAS_WORDS, **MESSAGES}
    english = [t["en"] for t in words.values()
               if t["en"] != t["fr"] and len(t["en"]) > 12 and "{" not in t["en"]]
    assert english
    text = html.unescape(page)
    assert [e for e in english if e in text] == []
    assert "mois" in text and "novembre 2024" in text
    # French typography: a no-break space before the colon and the percent sign
    assert re.search(r"\d\u202f%|\d\u00a0%", text) and " : " not in _text(page)


def test_amounts_in_the_analysis_currency(site):
    base, ids = site
    _, en = _get(f"{base}/a/{ids['in euros']}/saas?lang=en")
    _, fr = _get(f"{base}/a/{ids['in euros']}/saas?lang=fr")
    assert re.match(r"€[\d,]+$", _tiles(en)["saas_mrr"])
    assert re.match(r"[\d\u202f\u00a0]+\u00a0€$", _tiles(fr)["saas_mrr"])
    assert "MRR at the end of the month (€)" in en  # the chart's axis


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_without_subscriptions_the_page_says_how_to_add_them(site, lang):
    base, ids = site
    aid = ids["without"]
    status, page = _get(f"{base}/a/{aid}/saas?lang={lang}")
    assert status == 404
    assert MESSAGES["saas_none_how"][lang] in html.unescape(page)
    assert "--subscriptions" in page and "Traceback" not in page
    status, body = _get(f"{base}/api/analyses/{aid}/saas?lang={lang}")
    assert status == 404
    assert json.loads(body)["detail"] == MESSAGES["saas_none_api"][lang].format(aid=aid)


def test_the_chart_says_what_it_shows(site, analysis):
    base, ids = site
    _, page = _get(f"{base}/a/{ids['with subscriptions']}/saas?lang=fr")
    svg = re.search(r"<svg\b[^>]*>", page).group()
    label = html.unescape(re.search(r'aria-label="([^"]*)"', svg).group(1))
    months = analysis.subscriptions.months
    assert label == saas_view.chart_label(analysis, "fr")
    assert saas_view.month_name(months["month"][0], "fr") in label
    assert 'role="img"' in svg
    # every bar and point says its month and amount on hover; the axes are titled in French
    titles = re.findall(r"<title>(.*?)</title>", page)
    assert len(titles) >= 2 * months.height
    assert saas_view.month_name(months["month"][-1], "fr") + " · MRR\u00a0: " + saas_view.written(
        months["mrr"][-1], "money", "fr", None) in [html.unescape(t) for t in titles]
    assert "Mouvement de MRR" in page and "MRR à la fin du mois" in page
    assert "titled" not in page  # Vega's own English names of the axes are left out


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_report_shows_the_page_figures(site, analysis, lang):
    base, ids = site
    _, page = _get(f"{base}/a/{ids['with subscriptions']}/saas?lang={lang}")
    report = render(analysis, lang)
    section = re.search(r'<section id="saas".*?</section>', report, re.S).group()
    assert _tiles(section) == _tiles(page)
    assert _rows(section, "saas-plans") == _rows(page, "saas-plans")
    assert _rows(section, "saas-months") == _rows(page, "saas-months")
    assert report.index('id="channels"') < report.index('id="saas"') \
        < report.index('id="segments"')
    assert SAAS_WORDS["saas_title"][lang] in section
    # without subscriptions, no section
    alone = render(dataclasses.replace(analysis, subscriptions=None), lang)
    assert 'id="saas"' not in alone


def test_young_tables_and_pooled_plans(analysis):
    d = dt.date
    young = pl.DataFrame({"customer_id": ["a", "b"], "plan": ["x", "x"],
                          "start": [d(2024, 3, 2), d(2024, 3, 5)], "end": [None, None],
                          "mrr": [10.0, 20.0]})
    with pytest.warns(UserWarning, match="left out"):  # two customers: no sBG
        metrics = saas_metrics(young, as_of="2024-03-20")
    a = dataclasses.replace(analysis, subscriptions=metrics)
    assert saas_view.headline(a, "en") == [] and saas_view.movements_chart(a, "en") is None
    section = saas_view.section(a, "fr")  # no month has ended: said, not a blank page
    assert SAAS_WORDS["saas_no_month"]["fr"] in html.unescape(section)
    row = _rows(section, "saas-plans")[0]
    assert row[:4] == ["x", "2", "15,00", "0,0\u00a0%"]
    assert row[4:] == [SAAS_WORDS["saas_blank_no_churn"]["fr"],
                       *[SAAS_WORDS["saas_blank_not_fitted"]["fr"]] * 2]
    pooled = dataclasses.replace(analysis, subscriptions=saas_metrics(
        rich_subscriptions().drop("plan"), margin=0.3))
    rows = saas_view.plans_table(pooled, "en")["rows"]
    assert [r[0] for r in rows] == [SAAS_WORDS["saas_all"]["en"]]


@pytest.mark.parametrize("width", [1280, 390])
def test_the_page_in_chromium(site, width):
    sync_api = pytest.importorskip("playwright.sync_api")
    path = chromium_path() or missing("no Chromium on this machine (Debian package chromium)")
    base, ids = site
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": 900})
        watch = Watch(page)
        page.goto(f"{base}/a/{ids['in euros']}/saas?lang=fr")
        assert page.locator("html").get_attribute("lang") == "fr"
        # the section link is on, the page does not scroll sideways (tables scroll inside)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        tile = page.locator("#kpi-saas_mrr")
        assert tile.get_attribute("title") == SAAS_WORDS["saas_mrr_def"]["fr"]
        tile.focus()  # the definition shows on keyboard focus too
        assert page.locator("#kpi-saas_mrr .def").is_visible()
        bar = page.locator("#saas-movements svg path[role=graphics-symbol]").first
        assert "€" in bar.locator("title").text_content()
        assert page.get_by_role("img").first.get_attribute("aria-label").startswith(
            "Mouvements du MRR par mois")
        page.locator("#saas-all-months summary").click()
        assert page.locator("#saas-months-all").is_visible()
        assert watch.problems == []
        page.goto(f"{base}/a/{ids['without']}/saas?lang=en")  # a 404 that says what to do
        assert page.locator("#saas-missing").is_visible()
        browser.close()


def test_words_are_complete():
    words = catalogue()
    for key in [*SAAS_WORDS, *MESSAGES]:
        assert words[key]["en"] and words[key]["fr"]
        assert key.startswith("saas_")
    for key in SAAS_WORDS:  # every figure's label has its definition
        if key + "_def" in SAAS_WORDS:
            assert SAAS_WORDS[key + "_def"]["fr"] != SAAS_WORDS[key + "_def"]["en"]
