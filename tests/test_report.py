"""The self-contained HTML report (clv.report)."""

import dataclasses
import html as htmllib
import re

import polars as pl
import pytest
from markupsafe import escape

import clv
from clv import measures
from clv.errors import ClvError
from clv.report import render, write
from clv.report.text import ratio

HOSTILE_ID = "<i>x</i>"
HOSTILE_PRODUCT = "<script>alert(1)</script>"
HOSTILE_CHANNEL = "<img src=x onerror=alert(1)>"
HEADLINE = ("customers", "revenue", "historical_ltv", "margin_to_date", "predicted_clv",
            "predicted_clv_total", "lifetime_value", "new_customer_ltv", "blended_cac",
            "ltv_cac", "repeat_rate", "active_share")


@pytest.fixture(scope="module")
def analysis():
    shop = clv.sample_shop(4_000, seed=41)
    tx = shop.transactions.with_columns(
        (pl.lit(HOSTILE_ID) + pl.col("customer_id")).alias("customer_id"),
        pl.col("product").replace({"belt": HOSTILE_PRODUCT}),
        pl.col("channel").replace({"referral": HOSTILE_CHANNEL}))
    spend = shop.spend.with_columns(pl.col("channel").replace({"referral": HOSTILE_CHANNEL}))
    return clv.analyze(tx, spend=spend, settings=clv.Settings(margin=0.3, draws=20,
                                                              currency="EUR"))


@pytest.fixture(scope="module")
def usd():
    shop = clv.sample_shop(600, seed=5)
    return clv.analyze(shop.transactions, spend=shop.spend,
                       settings=clv.Settings(margin=0.4, draws=20, currency="USD"))


@pytest.fixture(scope="module")
def plain():
    """No spend table, no currency."""
    return clv.analyze(clv.sample_shop(400, seed=3).transactions,
                       settings=clv.Settings(draws=20))


def _tiles(html: str) -> dict[str, dict[str, str]]:
    """The summary's tiles by KPI: title, aria-describedby, label, value, line under it."""
    out = {}
    for m in re.finditer(r'<div class="kpi" tabindex="0" title="([^"]*)" '
                         r'aria-describedby="([^"]*)" data-kpi="([^"]*)">\s*'
                         r'<div class="label">([^<]*)</div>\s*<div class="value">([^<]*)</div>'
                         r'\s*(?:<div class="sub">([^<]*)</div>)?', html):
        title, ref, kpi, label, value, sub = (htmllib.unescape(g or "") for g in m.groups())
        out[kpi] = {"title": title, "ref": ref, "label": label, "value": value, "sub": sub}
    return out


def _section(html: str, name: str) -> str:
    start = html.index(f'<section id="{name}">')
    return html[start:html.index("</section>", start)]


def test_report_is_self_contained_and_escapes_user_text(analysis, tmp_path):
    path = write(analysis, tmp_path / "report.html")
    html = path.read_text(encoding="utf-8")
    assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", html, re.IGNORECASE)
    assert "<script" not in html and "<img" not in html and "<i>x" not in html
    assert "&lt;i&gt;x&lt;/i&gt;" in html  # customer ids shown as text (top customers)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # product (cross-sell)
    assert "&lt;img src=x onerror=alert(1)&gt;" in html  # channel (table and chart)
    for section in ("Executive summary", "Value concentration", "Cohort retention",
                    "Acquisition channels", "Segments", "Cross-sell windows",
                    "Model accuracy", "What if", "Top customers",
                    "How these figures are computed", "Data quality"):
        assert section in html, section
    assert html.count("<svg") >= 6  # distribution, Lorenz, heatmap, curves, channels, tracking
    actions = re.search(r'<ol class="actions">(.*?)</ol>', html, re.S).group(1)
    assert actions.count("<li>") == 3


def test_french_text_numbers_and_dates(analysis):
    html = render(analysis, "fr")
    assert "Synthèse" in html and "Rapport de valeur client" in html
    assert "31 décembre 2025" in html  # the data's end, as French write dates
    customers = analysis.kpis["customers"]
    assert f"{customers // 1000}\u202f{customers % 1000:03d}" in html  # 4 000, narrow space
    assert re.search(r"\d,\d\u00a0%", html)  # decimal comma, space before %
    assert re.search(r"\d\u202f\d{3},\d\d\u00a0€", html)  # 1 234,50 €
    # the data's words stay as they are; the report's own words, verdicts, segment names,
    # exclusion reasons, the readers' notes and chart labels are French, and chart numbers and
    # months too
    for french in ("Fidèles", "Canal", "Verdict", "mois depuis le premier achat",
                   "Le scénario : la rétention +5\u00a0%", "janv. 2024",
                   "Ce que vaut chaque levier", "Comment ces chiffres sont calculés",
                   "Tous les canaux (global)",
                   "faits après leur commande, retrouvée par son numéro"):
        assert french in html, french
    for english_word in ("healthy", "under-investing", "Loyal", "champions", "months since",
                         "Jan 2024", ">actual<", "refunds (negative amounts", "€1",
                         "cannot_lose", "at_risk"):
        assert english_word not in html, english_word
    english = render(analysis, "en")
    assert "Executive summary" in english and f"{customers:,}" in english
    assert "The scenario: retention +5%" in english and "Jan 2024" in english
    summary = _section(english, "overview")
    assert "By acquisition channel" in summary and "Payback (months, predicted)" in summary
    assert all(f">{escape(ch)}<" in summary for ch in analysis.channels.channels["channel"])
    with pytest.raises(ClvError, match="lang"):
        render(analysis, "de")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_figures_carry_their_words_and_definitions(analysis, lang):
    """Each headline figure is labelled and defined by clv.measures (tooltip and an id in the
    section that lists every figure shown with its basis)."""
    html = render(analysis, lang)
    s = analysis.settings
    tiles = _tiles(html)
    assert list(tiles) == list(HEADLINE)
    for kpi, tile in tiles.items():
        key = {"ltv_cac": "blended_ltv_cac", "revenue": "revenue",
               "customers": "customers"}.get(kpi, kpi)
        if key in measures.MEASURES:
            assert tile["label"] == measures.label(key, lang, s)
            assert tile["title"] == measures.definition(key, lang, s)
        assert tile["title"] and tile["ref"] == f"def-{key}"
        assert f'<dd id="def-{key}">{escape(tile["title"])}</dd>' in html
    for key in ("clv", "predicted_clv", "lifetime_value", "new_customer_ltv",
                "historical_ltv"):
        assert escape(measures.label(key, lang, s)) in html
    definitions = _section(html, "definitions")
    heading = {"en": "How these figures are computed",
               "fr": "Comment ces chiffres sont calculés"}[lang]
    assert f"<h2>{heading}</h2>" in definitions
    for basis in ("30\u00a0%" if lang == "fr" else "30%", analysis.model.NAME, "Gamma-Gamma",
                  "EUR (€)", "2024", measures.horizon_words(12, "month", lang)):
        assert basis in definitions, basis
    # every header with a definition points at one in the section
    for ref in set(re.findall(r'aria-describedby="([^"]+)"', html)):
        assert f'id="{ref}"' in definitions, ref
    # the old words that read as a 90% collapse are gone
    assert "historical LTV" not in html and "predicted CLV" not in html
    assert "each 1% more" not in html


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_amounts_in_the_currency(analysis, usd, lang):
    html = render(analysis, lang)
    k = analysis.kpis
    tiles = _tiles(html)
    for key in ("historical_ltv", "predicted_clv", "lifetime_value", "new_customer_ltv",
                "blended_cac"):
        assert tiles[key]["value"] == measures.money(k[key], "EUR", lang), key
    assert "€" in tiles["predicted_clv_total"]["sub"]  # the interval too
    dollars = render(usd, lang)
    assert "euro" not in dollars.lower() and "€" not in dollars
    assert measures.symbol("USD", lang) in _tiles(dollars)["new_customer_ltv"]["value"]
    actions = re.search(r'<ol class="actions">(.*?)</ol>', dollars, re.S).group(1)
    assert measures.symbol("USD", lang) in actions


def test_without_a_currency_numbers_alone(plain):
    html = render(plain, "en")
    tiles = _tiles(html)
    assert tiles["lifetime_value"]["value"] == measures.money(
        plain.kpis["lifetime_value"], None, "en")
    assert not re.search(r"[€$£¥]", html)
    assert "Currency: not known" in _section(html, "definitions")
    assert "No spend table was given" in html and "ltv_cac" not in tiles


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_channel_total_row_is_the_blended_ratio(analysis, lang):
    """The channels together (last row) give the headline's blended LTV:CAC, which is
    sum(new customers x LTV) / sum(spend) over the channel rows."""
    html = render(analysis, lang)
    ch, k = analysis.channels.channels, analysis.kpis
    assert k["ltv_cac"] == pytest.approx(
        float((ch["new_customers"] * ch["ltv"].fill_null(0)).sum() / ch["spend"].sum()),
        rel=1e-12)
    shown = ratio(k["ltv_cac"], lang)
    assert _tiles(html)["ltv_cac"]["value"] == shown
    for name in ("channels", "overview"):
        foot = re.search(r"<tfoot><tr class=\"total\">(.*?)</tr></tfoot>",
                         _section(html, name), re.S).group(1)
        cells = [htmllib.unescape(c) for c in re.findall(r"<td[^>]*>([^<]*)</td>", foot)]
        assert cells[0] == {"en": "All channels (blended)", "fr": "Tous les canaux (global)"}[
            lang]
        assert shown in cells
    table = _section(html, "channels")
    for key in ("new_customers", "spend", "cac", "ltv", "ltv_cac", "payback_months",
                "max_cac"):
        assert f'aria-describedby="def-{key}"' in table, key
    full = re.search(r"<tfoot>.*?</tfoot>", table, re.S).group(0)
    assert measures.money(analysis.channels.blended_ltv, "EUR", lang) in htmllib.unescape(full)


def test_levers_ranked_by_what_they_are_worth(analysis):
    html = render(analysis, "en")
    whatif = _section(html, "whatif")
    assert "What each lever is worth on this data" in whatif
    assert "Basket size and margin: proportional by construction" in whatif
    rows = re.findall(r"<tr><td>(\d)</td><td class=\"text\">([^<]*)</td><td>([^<]*)</td>",
                      whatif)
    assert [r[0] for r in rows] == ["1", "2", "3"]
    assert {r[1] for r in rows} == {"Retention", "Purchase frequency",
                                    "The discount rate (an assumption, not a lever)"}
    assert all("€" in r[2] for r in rows)
    assert rows[-1][1].startswith("The discount rate")
    first = re.search(r'<ol class="actions">\s*<li>([^<]*)</li>', html).group(1)
    assert first.startswith("Work on ") and "€" in first


def test_p_alive_says_its_model_and_who_is_not_judged(analysis):
    html = render(analysis, "en")
    said = [n for n in analysis.notes if getattr(n, "key", "") in ("p_alive_activity",
                                                                    "p_alive_not_judged")]
    segments = _section(html, "segments")
    if said:
        assert escape(said[0]) in segments
    else:
        assert f"P(alive) is that of {analysis.model.NAME}" in segments
    kpis = dict(analysis.kpis, not_judged=12)
    tile = _tiles(render(dataclasses.replace(analysis, kpis=kpis), "en"))["active_share"]
    assert tile["sub"] == "12 customers not judged"
    kpis = dict(analysis.kpis, active_share=None, churn_share=None,
                not_judged=analysis.kpis["customers"])
    tile = _tiles(render(dataclasses.replace(analysis, kpis=kpis), "fr"))["active_share"]
    assert tile["value"] == "–" and tile["sub"].startswith("aucun client n'est jugeable")
