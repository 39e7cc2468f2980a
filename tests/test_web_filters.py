"""The filters of the dashboard's pages do what they look like they do (issue 16, the French
browser review): each page either applies the filters kept in its address or says, in the
page's language, which ones it leaves out and why (they stay in its links for the other
pages); a channel without spend has no CAC and no payback (a blank with its reason, not
0,00 € and 1 month); the overview's win-back action opens the customers it counts."""

from __future__ import annotations

import html
import re

import polars as pl
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

from clv.web import build  # noqa: E402
from test_web_i18n import foreign, found_in, visible  # noqa: E402
from webtools import call, running  # noqa: E402

FREE = "email"
"""The channel the spend table leaves out: its customers cost nothing recorded."""


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    """A dashboard with one analysis of a sample shop in euros whose spend table names every
    channel but :data:`FREE`: its base URL, the analysis's id and the analysis."""
    import clv

    folder = tmp_path_factory.mktemp("filters")
    sample = clv.sample_shop(600, seed=3)
    spend = sample.spend.filter(pl.col("channel") != FREE)
    analysis = clv.analyze(sample.transactions, spend=spend, settings=clv.Settings(
        margin=0.3, draws=20, currency="EUR"))
    app = build(f"sqlite:///{folder / 'history.db'}", workdir=folder / "uploads",
                analyses=[(analysis, "shop")])
    with running(app) as base:
        yield base, 1, analysis


def text(base: str, path: str) -> str:
    status, body, _ = call(base + path)
    assert status == 200, (path, status, body[:300])
    return html.unescape(body.decode())


def table_column(page: str, table: str, column: int) -> list[str]:
    """The cells of a column of the table ``table`` (0: the row's header), tags removed."""
    body = re.search(rf'<table id="{table}".*?<tbody>(.*?)</tbody>', page, re.S)
    assert body, table
    rows = re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)
    cells = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S) for r in rows]
    return [re.sub(r"<[^>]+>", "", c[column]).strip() for c in cells]


def count(cells: list[str]) -> int:
    return sum(int(re.sub(r"\D", "", c)) for c in cells)


def test_cohorts_are_those_of_the_customers_the_filters_keep(shop):
    base, aid, a = shop
    everyone = count(table_column(text(base, f"/a/{aid}/cohorts"), "retention", 1))
    assert everyone == a.customers.height
    chosen = a.customers.filter(pl.col("channel") == "paid_search")
    page = text(base, f"/a/{aid}/cohorts?channel=paid_search&lang=fr")
    assert count(table_column(page, "retention", 1)) == chosen.height < everyone
    assert count(table_column(page, "repeat", 1)) == chosen.height
    note = re.search(r'<p class="note applied" id="filters-applied">(.*?)</p>', page).group(1)
    assert "Canal\u00a0: paid_search" in note and f": {chosen.height} clients" in note
    # the form shows the filters the page applies, set as in the address
    assert '<option value="paid_search" selected>' in page
    assert 'name="segment"' in page and 'name="tier"' in page
    # a cohort opens its customers under the same filters
    assert re.search(r'href="/a/\d+/customers\?channel=paid_search&start=\d{4}-\d\d&end=',
                     page)
    # the charts are the chosen customers' (drawn again), both languages
    assert 'id="chart-heatmap"' in page and 'id="chart-curves"' in page
    english = text(base, f"/a/{aid}/cohorts?channel=paid_search&lang=en")
    assert "Cohorts, heat map and curves of the customers the filters keep" in english


def test_cohorts_follow_segment_tier_and_period_together(shop):
    base, aid, a = shop
    first = a.customers["acquired"].min()
    start = f"{first:%Y-%m}"
    end = f"{first.year + (first.month + 2) // 12}-{(first.month + 2) % 12 + 1:02d}"
    chosen = a.customers.filter(pl.col("segment") == "champions")
    page = text(base, f"/a/{aid}/cohorts?segment=champions&lang=fr")
    assert count(table_column(page, "retention", 1)) == chosen.height
    both = text(base, f"/a/{aid}/cohorts?segment=champions&start={start}&end={end}&lang=fr")
    from clv.web.views import Filters

    kept = Filters(start=start, end=end, segment="champions").customers(a.customers)
    assert 0 < count(table_column(both, "retention", 1)) == kept.height < chosen.height
    nobody = text(base, f"/a/{aid}/cohorts?segment=champions&tier=nonexistent&lang=fr")
    assert "Aucun client ne correspond." in nobody and 'id="retention"' not in nobody


@pytest.mark.parametrize(("path", "why"), [
    ("/models", "les modèles sont ajustés sur tous les clients"),
    ("/whatif", "le scénario porte sur l'ensemble des clients"),
    ("/data", "la qualité des données porte sur toutes les lignes lues")])
def test_pages_that_do_not_filter_say_so_and_keep_the_filters(shop, path, why):
    base, aid, _ = shop
    query = "channel=paid_search&segment=champions&start=2024-03"
    page = text(base, f"/a/{aid}{path}?{query}&lang=fr")
    note = re.search(r'id="filters-ignored">(.*?)</p>', page).group(1)
    assert "Ces filtres ne s'appliquent pas à cette page" in note and why in note
    assert "Canal\u00a0: paid_search" in note and "Segment\u00a0: Champions" in note
    assert "mars 2024" in note
    # kept in the links to the other pages
    assert f'href="/a/{aid}/cohorts?start=2024-03&channel=paid_search&segment=champions"' in \
        page.replace("&amp;", "&")
    english = text(base, f"/a/{aid}{path}?{query}&lang=en")
    assert "These filters do not apply to this page" in english
    assert 'id="filters-ignored"' not in text(base, f"/a/{aid}{path}?lang=fr")


def test_the_segments_page_says_it_leaves_the_segment_out(shop):
    base, aid, _ = shop
    page = text(base, f"/a/{aid}/segments?segment=champions&channel=paid_search&lang=fr")
    note = re.search(r'id="filters-ignored">(.*?)</p>', page).group(1)
    assert "Segment\u00a0: Champions" in note and "paid_search" not in note
    assert 'id="filters-ignored"' not in text(base, f"/a/{aid}/segments?channel=paid_search")


def test_a_channel_without_spend_has_no_cac_and_no_payback(shop):
    base, aid, a = shop
    row = a.channels.channels.filter(pl.col("channel") == FREE).row(0, named=True)
    assert row["spend"] == 0 and row["new_customers"] > 0
    assert row["cac"] is None and row["ltv_cac"] is None
    assert row["payback_months"] is None and row["predicted_payback_months"] is None
    assert a.channels.by_month.filter(pl.col("channel") == FREE)["cac"].null_count() == \
        a.channels.by_month.filter(pl.col("channel") == FREE).height
    page = text(base, f"/a/{aid}/channels?lang=fr")
    names = table_column(page, "channels", 0)
    i = names.index(FREE)
    for column in (3, 5, 6, 7, 8):  # CAC, LTV:CAC, verdict, paybacks
        assert table_column(page, "channels", column)[i] == "aucune dépense enregistrée"
    assert "Aucune dépense d'acquisition n'est enregistrée pour ce canal" in page
    paid = names.index("paid_search")
    assert table_column(page, "channels", 3)[paid].endswith("€")
    # by month: no CAC of 0 either
    months = text(base, f"/a/{aid}/channels?channel={FREE}&lang=fr")
    assert set(table_column(months, "by-month", 4)) == {"aucune dépense enregistrée"}
    english = text(base, f"/a/{aid}/channels?lang=en")
    assert table_column(english, "channels", 3)[i] == "no spend recorded"


def test_the_channels_page_says_what_the_period_and_the_channel_change(shop):
    base, aid, a = shop
    plain = text(base, f"/a/{aid}/channels?lang=fr")
    assert 'class="note filters-said"' not in plain
    page = text(base, f"/a/{aid}/channels?start=2024-03&lang=fr")
    assert "ne s'applique qu'au détail mensuel" in page and "mars 2024" in page
    # the channels' table is the same with or without the period; the detail is not
    assert table_column(page, "channels", 3) == table_column(plain, "channels", 3)
    assert len(table_column(page, "by-month", 0)) < len(table_column(plain, "by-month", 0))
    one = text(base, f"/a/{aid}/channels?channel=paid_search&segment=champions&lang=fr")
    assert table_column(one, "channels", 0) == ["paid_search"]
    chart = re.search(r'<figure id="chart-channels">(.*?)</figure>', one, re.S).group(1)
    assert "paid_search" in chart and "paid_social" not in chart and "referral" not in chart
    assert "paid_social" in re.search(r'<figure id="chart-channels">(.*?)</figure>', plain,
                                      re.S).group(1)
    assert "les chiffres des canaux portent sur tous les clients" in one
    assert "La ligne de total reste celle de l'ensemble des canaux" in one
    free = text(base, f"/a/{aid}/channels?channel={FREE}&lang=fr")
    assert 'id="chart-channels-none"' in free


def test_the_win_back_action_opens_the_customers_it_counts(shop):
    base, aid, a = shop
    for lang, words in (("fr", "Reconquérir les "), ("en", "Win back the ")):
        page = text(base, f"/a/{aid}?lang={lang}")
        link = re.search(rf'<li><a href="([^"]+)" title="[^"]+">({words}(\d+)[^<]*)</a></li>',
                         page)
        assert link, lang
        assert re.fullmatch(rf"/a/{aid}/customers\?segment=(at_risk|cannot_lose)",
                            link.group(1))
        text(base, link.group(1) + f"&lang={lang}")  # the list opens
        n = int(link.group(3))
        segment = link.group(1).rsplit("=", 1)[1]
        assert a.customers.filter(pl.col("segment") == segment).height == n


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_filtered_pages_speak_one_language(shop, lang):
    base, aid, _ = shop
    phrases = foreign(lang)
    query = f"start=2024-03&channel=paid_search&segment=champions&lang={lang}"
    for path in ("", "/segments", "/cohorts", "/channels", "/models", "/whatif", "/data",
                 f"/channels?channel={FREE}&x=1"):
        sep = "&" if "?" in path else "?"
        page = text(base, f"/a/{aid}{path}{sep}{query}")
        wrong = found_in(visible(page, lang), phrases)
        assert wrong == [], (path, wrong)


def test_the_cli_says_the_same_of_a_channel_without_spend(shop, tmp_path):
    import json
    import os
    import subprocess
    import sys

    import clv

    _, _, a = shop
    sample = clv.sample_shop(600, seed=3)
    sample.transactions.write_csv(tmp_path / "shop.csv")
    sample.spend.filter(pl.col("channel") != FREE).write_csv(tmp_path / "spend.csv")
    proc = subprocess.run([sys.executable, "-m", "clv", "channels", str(tmp_path / "shop.csv"),
                           "--spend", str(tmp_path / "spend.csv"), "--margin", "0.3",
                           "--json"], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "CLV_LANG": "en"})
    assert proc.returncode == 0, proc.stderr
    rows = {r["channel"]: r for r in json.loads(proc.stdout)["channels"]}
    free = rows[FREE]
    assert free["spend"] == 0 and free["new_customers"] > 0
    assert free["cac"] is None and free["ltv_cac"] is None and free["verdict"] is None
    assert free["payback_months"] is None and free["predicted_payback_months"] is None
    page = a.channels.channels.filter(pl.col("channel") == "paid_search").row(0, named=True)
    assert rows["paid_search"]["cac"] == pytest.approx(page["cac"])


def test_the_segments_chart_is_that_of_the_customers_the_filters_keep(shop):
    base, aid, a = shop
    chart = re.compile(r'<figure id="chart-segments">(.*?)</figure>', re.S)
    every = chart.search(text(base, f"/a/{aid}/segments?lang=fr")).group(1)
    page = text(base, f"/a/{aid}/segments?channel=paid_search&lang=fr")
    some = chart.search(page).group(1)
    assert some != every
    kept = a.customers.filter(pl.col("channel") == "paid_search")
    champions = kept.filter(pl.col("segment") == "champions").height
    assert champions < a.customers.filter(pl.col("segment") == "champions").height
    assert re.search(rf"Champions[^\"]*\b{champions} clients", some)
    assert not re.search(rf"Champions[^\"]*\b{champions} clients", every)
    links = set(re.findall(r'href="([^"]+)"', some))
    assert links and all(html.unescape(x).startswith(
        f"/a/{aid}/customers?channel=paid_search&segment=") for x in links)


def test_a_cell_of_the_filtered_heat_map_opens_its_customers_under_the_filters(shop):
    base, aid, a = shop
    status, body, _ = call(f"{base}/a/{aid}/cohorts?channel=paid_search&segment=champions")
    assert status == 200
    chart = re.search(r'<figure id="chart-heatmap">(.*?)</figure>', body.decode(), re.S).group(1)
    links = set(re.findall(r'href="([^"]+)"', chart))
    assert links and all(html.unescape(x).startswith(
        f"/a/{aid}/customers?channel=paid_search&segment=champions&start=") for x in links)
    first = sorted(links)[0]
    listed = text(base, html.unescape(first))
    assert "Canal\u00a0: paid_search" in listed or "Channel: paid_search" in listed
