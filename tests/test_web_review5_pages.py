"""The dashboard's pages after the fifth review (issue 16), checked against a real server on
127.0.0.1:

- the history says when the analyses of one source differ in their settings (margin,
  discount rate, horizon, model), which setting and its values, shows each analysis's
  differing settings in its table, and does not join the chart's points across a change;
- the timing page's cross-sell pairs, and their export, are those of the customers the
  filters keep (checked against :func:`clv.timing.cross_sell` on their transactions);
- the customers list, the customer page and the customers export show each customer's paid
  orders (:func:`clv.pipeline.paid_orders`), defined on hover; an analysis saved before they
  were counted shows the blank explained.
"""

from __future__ import annotations

import dataclasses
import html
import io
import re

import polars as pl
import pytest
from polars.testing import assert_frame_equal

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

from clv.i18n import t  # noqa: E402
from clv.web import build  # noqa: E402
from webtools import call, html_of, running, words_of  # noqa: E402

LANGS = ("fr", "en")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Five analyses: 1, a shop (EUR, margin 30%, discount rate 10%); 2 and 5, the same
    shop as an analysis saved before the paid orders were counted (none carried), under
    another source name; 3 and 4, the first source analysed again at a margin of 40%, then
    also with a 15% discount rate. Its base URL and the shop's analysis."""
    import clv

    folder = tmp_path_factory.mktemp("review5")
    sample = clv.sample_shop(1_500, seed=11)
    shop = clv.analyze(sample.transactions, spend=sample.spend,
                       settings=clv.Settings(margin=0.3, draws=20, currency="EUR"))
    old = dataclasses.replace(shop, paid_orders=None)
    wider = dataclasses.replace(shop, settings=dataclasses.replace(shop.settings, margin=0.4))
    discounted = dataclasses.replace(shop, settings=dataclasses.replace(
        shop.settings, margin=0.4, discount_rate=0.15))
    assert shop.settings.discount_rate == 0.1
    app = build(f"sqlite:///{folder / 'history.db'}", workdir=folder / "uploads",
                analyses=[(shop, "shop"), (old, "old shop"), (wider, "shop"),
                          (discounted, "shop"), (old, "old shop")])
    with running(app) as base:
        yield base, shop


# ---- the history's settings ----------------------------------------------------------------


def _section(page: str, source: str) -> str:
    """The history page's section of ``source``."""
    for part in re.findall(r'<section class="history-source".*?</section>', page, re.S):
        if re.search(r"<h2>" + re.escape(source) + r" <span", part):
            return part
    raise AssertionError(f"no section of {source}")


MARGINS = {"fr": ("30\u00a0%", "40\u00a0%"), "en": ("30%", "40%")}
RATES = {"fr": ("10\u00a0%", "15\u00a0%"), "en": ("10%", "15%")}


@pytest.mark.parametrize("lang", LANGS)
def test_the_history_says_which_settings_differ(site, lang):
    base, _ = site
    page = html_of(f"{base}/history?lang={lang}")
    shop = _section(page, "shop")
    note = re.search(r'<div class="history-basis" id="basis-\d+" role="note">(.*?)</div>', shop,
                     re.S)
    assert note, "the history does not say the settings differ"
    said = words_of(note.group(1))
    assert words_of(t("hist_basis_intro", lang)) in said
    m30, m40 = MARGINS[lang]
    r10, r15 = RATES[lang]
    used = lambda v, ids: t("hist_basis_used", lang, value=v, ids=ids)  # noqa: E731
    assert words_of(t("hist_basis_change", lang, setting=t("hist_basis_margin", lang)
                      .capitalize(), values=f"{used(m30, '#1')}, {used(m40, '#3, #4')}")) in said
    assert words_of(t("hist_basis_change", lang, setting=t(
        "hist_basis_discount_rate", lang).capitalize(),
        values=f"{used(r10, '#1, #3')}, {used(r15, '#4')}")) in said
    # the horizon and the model are the same: not named
    assert t("hist_basis_horizon", lang).capitalize() not in said
    # the table gives each analysis's margin and discount rate
    heads = [words_of(h) for h in re.findall(r"<th scope=\"col\">(.*?)</th>", shop)]
    assert t("hist_basis_margin", lang).capitalize() in heads
    assert t("hist_basis_discount_rate", lang).capitalize() in heads
    rows = {int(i): [words_of(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for i, row in re.findall(r'<tr>\s*<td>(?:<a href="/a/\d+">)?(\d+)(.*?)</tr>', shop,
                                     re.S)}
    at = heads.index(t("hist_basis_margin", lang).capitalize()) - 1
    assert {i: (r[at], r[at + 1]) for i, r in rows.items()} == {
        1: (m30, r10), 3: (m40, r10), 4: (m40, r15)}
    # a figure's change from an analysis made otherwise is not given as comparable: '≠',
    # the change and the settings that changed on hover; the setting that changed marked
    said = html.unescape(shop)
    why = t("hist_basis_changed_why", lang, change="CHANGE", settings="SETTINGS")
    before, after = why.split("CHANGE")[0], why.split("SETTINGS")[1]
    moved = re.findall(r'<span class="note changed" title="([^"]*)">≠</span>', said)
    assert len(moved) >= 2 * 4  # analyses 3 and 4, each of their figures
    assert all(m.startswith(before) and m.endswith(after) for m in moved)
    assert f"{t('hist_basis_margin', lang)} {m30} → {m40}" in said
    assert f"{t('hist_basis_discount_rate', lang)} {r10} → {r15}" in said
    assert re.search(r'<strong class="changed" title="' + re.escape(
        t("hist_basis_was", lang, value=m30)) + '">' + m40 + "</strong>", said)
    first = re.search(r'<tr>\s*<td><a href="/a/1">1</a></td>.*?</tr>', shop, re.S)
    assert first and "changed" not in first.group(0)  # the first analysis: nothing before


def test_the_history_chart_does_not_join_a_change(site):
    """One line per run of analyses made alike, each named in the legend by its analyses and
    settings: #1, then #3, then #4 (the discount rate changed) are three lines."""
    base, _ = site
    shop = _section(html_of(f"{base}/history?lang=en"), "shop")
    chart = re.search(r'<figure class="history-chart"[^>]*>(.*?)</figure>', shop, re.S)
    assert chart
    svg = html.unescape(chart.group(1))
    for run in ("#1 · margin 30%, discount rate 10%", "#3 · margin 40%, discount rate 10%",
                "#4 · margin 40%, discount rate 15%"):
        assert run in svg, run
    assert "#3–#4" not in svg  # #3 and #4 differ: not one run


@pytest.mark.parametrize("lang", LANGS)
def test_a_history_made_alike_says_nothing_more(site, lang):
    base, _ = site
    page = html_of(f"{base}/history?lang={lang}")
    alike = _section(page, "old shop")
    assert "history-basis" not in alike
    # its margin is still shown, one value per analysis
    heads = [words_of(h) for h in re.findall(r"<th scope=\"col\">(.*?)</th>", alike)]
    assert t("hist_basis_margin", lang).capitalize() in heads
    assert t("hist_basis_discount_rate", lang).capitalize() not in heads
    assert alike.count(MARGINS[lang][0].replace("\u00a0", "\u00a0")) >= 2


# ---- the cross-sell pairs of the selection -------------------------------------------------


def _busiest_channel(shop) -> str:
    return shop.customers["channel"].drop_nulls().mode().sort()[0]


def _pairs_of(shop, channel: str) -> pl.DataFrame:
    """The cross-sell pairs computed directly on the transactions of the channel's
    customers."""
    from clv.timing import cross_sell

    ids = shop.customers.filter(pl.col("channel") == channel)["customer_id"]
    return cross_sell(shop.transactions.frame.filter(pl.col("customer_id").is_in(
        ids.implode())))


def _rows_of(page: str) -> list[tuple[str, str, str]]:
    """The cross-sell table's rows: the two products and the lift as written."""
    table = re.search(r'<table id="cross-sell">(.*?)</table>', page, re.S)
    assert table, "no cross-sell table"
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(1).split("<tbody>")[1], re.S)
    out = []
    for row in rows:
        cells = [html.unescape(c.strip()) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>",
                                                               row, re.S)]
        out.append((cells[0], cells[1], cells[3]))
    return out


def _expected(pairs: pl.DataFrame) -> list[tuple[str, str, str]]:
    return [(a, b, f"{lift:.2f}") for a, b, lift in
            pairs.head(30).select("product_a", "product_b", "lift").iter_rows()]


def test_the_timing_page_shows_the_pairs_of_the_selection(site):
    from urllib.parse import quote

    base, shop = site
    channel = _busiest_channel(shop)
    direct = _pairs_of(shop, channel)
    assert direct.height, "the selection makes no pair: the test would prove nothing"
    chosen, whole = _expected(direct), _expected(shop.cross_sell)
    assert chosen != whole, "the selection's pairs are the base's: the test would prove nothing"
    page = html_of(f"{base}/a/1/timing?channel={quote(channel)}&lang=en")
    assert _rows_of(page) == chosen
    assert _rows_of(html_of(f"{base}/a/1/timing?lang=en")) == whole
    note = re.search(r'id="timing-filters">(.*?)</p>', page, re.S)
    assert note and "product pairs" in note.group(1) and "every customer" not in note.group(1)


def test_the_pairs_export_takes_the_filters(site):
    base, shop = site
    channel = _busiest_channel(shop)
    from urllib.parse import quote

    page = html_of(f"{base}/a/1/timing?channel={quote(channel)}&lang=en")
    link = re.search(r'<a id="export-pairs" download href="([^"]+)"', page)
    assert link, "the timing page has no export of its pairs"
    status, body, _ = call(base + html.unescape(link.group(1)))
    assert status == 200
    got = pl.read_csv(io.BytesIO(body))
    direct = _pairs_of(shop, channel)
    assert got.height == direct.height
    assert got[got.columns[0]].to_list() == direct["product_a"].to_list()
    assert got[got.columns[1]].to_list() == direct["product_b"].to_list()
    # the lifts as computed, to the 4 places of the export
    assert got["Lift"].to_list() == pytest.approx(direct["lift"].round(4).to_list())


def test_a_selection_without_pairs_says_so(site):
    base, shop = site
    one = shop.customers["customer_id"][0]
    page = html_of(f"{base}/a/1/timing?q={one}&lang=fr")
    assert 'id="cross-sell"' not in page
    assert words_of(t("page_no_pairs", "fr")) in words_of(page)


# ---- paid orders per customer --------------------------------------------------------------


def test_paid_orders_count_orders_with_a_positive_amount():
    """Distinct order ids among the lines with a positive amount (a line without an id is
    one order), rows with a positive amount when there is no order id, 0 for refunds only."""
    import datetime as dt

    from clv.pipeline import paid_orders

    day = dt.datetime(2025, 1, 1)
    frame = pl.DataFrame({
        "customer_id": ["a", "a", "a", "a", "b", "b", "c", "d"],
        "timestamp": [day] * 8,
        "amount": [10.0, 5.0, 7.0, -3.0, 4.0, 4.0, -2.0, 3.0],
        "order_id": ["1", "1", "2", "3", None, None, "9", "4"]})
    customers = pl.DataFrame({"customer_id": ["a", "b", "c", "d"]})
    got = paid_orders(frame, customers)
    assert dict(got.iter_rows()) == {"a": 2, "b": 2, "c": 0, "d": 1}
    rows = paid_orders(frame.drop("order_id"), customers)
    assert dict(rows.iter_rows()) == {"a": 3, "b": 2, "c": 0, "d": 1}


def test_the_analysis_counts_paid_orders(site):
    _, shop = site
    tx = shop.transactions.frame
    direct = (tx.filter(pl.col("amount") > 0).group_by("customer_id")
              .agg(pl.col("order_id").n_unique().alias("paid_orders")))
    got = shop.listed.select("customer_id", "paid_orders").join(
        direct, on="customer_id", how="left", suffix="_direct")
    assert (got["paid_orders"] == got["paid_orders_direct"].fill_null(0)).all()
    # orders, not purchase days: some customer placed two orders on one day
    assert (shop.listed["paid_orders"] > shop.listed["purchases"]).any()


def _top(shop) -> dict:
    return shop.listed.sort("clv", descending=True).row(0, named=True)


@pytest.mark.parametrize("lang", LANGS)
def test_the_customers_list_shows_paid_orders(site, lang):
    base, shop = site
    top = _top(shop)
    page = html_of(f"{base}/a/1/customers?lang={lang}")
    head = re.search(r"<thead>(.*?)</thead>", page, re.S).group(1)
    heading = re.search(r'<th scope="col" class="n" title="([^"]*)">' + re.escape(
        html.escape(t("page_paid_orders", lang), quote=False)) + "</th>", head)
    assert heading, "no paid orders column"
    assert html.unescape(heading.group(1)) == t("page_paid_orders_def", lang)
    headers = re.findall(r"<th[^>]*>(.*?)</th>", head)
    at = headers.index(html.escape(t("page_paid_orders", lang), quote=False))
    row = re.search(r"<tr><th scope=\"row\"><a [^>]*>" + re.escape(top["customer_id"])
                    + r"</a></th>(.*?)</tr>", page, re.S).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    assert cells[at - 1] == str(top["paid_orders"])


@pytest.mark.parametrize("lang", LANGS)
def test_the_customer_page_shows_paid_orders(site, lang):
    base, shop = site
    top = _top(shop)
    page = html_of(f"{base}/a/1/customers/{top['customer_id']}?lang={lang}")
    kpi = re.search(r'<div class="kpi" id="kpi-paid-orders" title="([^"]*)">'
                    r'<div class="label">([^<]*)</div><div class="value">([^<]*)</div>', page)
    assert kpi, "no paid orders on the customer page"
    assert html.unescape(kpi.group(1)) == t("page_paid_orders_def", lang)
    assert html.unescape(kpi.group(2)) == t("page_paid_orders", lang)
    assert kpi.group(3) == str(top["paid_orders"])


@pytest.mark.parametrize("lang", LANGS)
def test_an_analysis_saved_before_shows_the_blank_explained(site, lang):
    base, shop = site
    top = _top(shop)
    listed = html_of(f"{base}/a/2/customers?lang={lang}")
    one = html_of(f"{base}/a/2/customers/{top['customer_id']}?lang={lang}")
    for page in (listed, one):
        assert (f'<span class="blank" title="{html.escape(t("page_blank_no_orders_why", lang))}">'
                f'{html.escape(t("page_blank_no_orders", lang))}</span>') in page


def test_the_customers_export_has_paid_orders(site):
    base, shop = site
    status, body, _ = call(f"{base}/a/1/export/customers.csv?lang=en")
    assert status == 200
    got = pl.read_csv(io.BytesIO(body))
    column = t("col_paid_orders", "en")
    assert column in got.columns
    got = got.select(pl.col(t("col_customer_id", "en")).alias("customer_id"),
                     pl.col(column).alias("paid_orders"))
    want = shop.listed.select("customer_id", "paid_orders")
    assert_frame_equal(got.sort("customer_id"), want.sort("customer_id"), check_dtypes=False)
    status, body, _ = call(f"{base}/a/1/export/customers.csv?lang=fr")
    assert t("col_paid_orders", "fr") in body.decode("utf-8-sig").splitlines()[0]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_log_of_one_day_says_there_is_no_retention_yet(tmp_path, lang):
    """Every purchase on one day: the cohorts page says there is no retention to show yet
    (the report's words), not nothing under its heading, nor an empty chart."""
    import datetime as dt

    import clv

    frame = pl.DataFrame({
        "customer_id": [f"c{i % 40}" for i in range(90)],
        "timestamp": [dt.datetime(2025, 3, 10, 9) + dt.timedelta(minutes=i) for i in range(90)],
        "amount": [20.0 + i % 7 for i in range(90)]})
    a = clv.analyze(clv.read_transactions(frame), settings=clv.Settings(margin=0.3, draws=20))
    app = build(f"sqlite:///{tmp_path / 'history.db'}", workdir=tmp_path / "uploads",
                analyses=[(a, "one day")])
    with running(app) as base:
        page = html_of(f"{base}/a/1/cohorts?lang={lang}")
    assert 'id="heatmap-none"' in page and "NaN" not in page
    assert html.escape(t("heatmap_none", lang), quote=True) in page or \
        t("heatmap_none", lang) in html.unescape(page)
