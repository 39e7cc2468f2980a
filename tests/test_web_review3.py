"""The findings of a French marketing user's review of the dashboard (issue 16), checked
against a real server on 127.0.0.1:

- the customers pages said "Achats" of the days with an order (a fully refunded first order
  counts as one) and the exports "Achat moyen" of the mean of the *repeat* purchase days:
  they are named for what they count, with a definition;
- a spend line left out at import (its month unreadable) made a channel-month read "aucune
  dépense" and its CAC understated, without a word: the channels page says so;
- the filters: the timing page, the segments and cohorts exports, the overview's "what to
  do" and the filter form's empty parameters;
- one figure written one way on a page;
- blanks with their reason.
"""

from __future__ import annotations

import datetime as dt
import html
import re

import polars as pl
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

from clv.i18n import t  # noqa: E402
from clv.web import build  # noqa: E402
from webtools import call, french_spend, html_of, running, words_of  # noqa: E402

REFUNDED = "REMB-1"
"""A customer whose first order was refunded in full the same day, who bought again later."""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A dashboard with one analysis (EUR) whose spend table was read from
    ``depenses_fr.csv``, one row of which has no month, and whose orders hold the customer
    :data:`REFUNDED`: its base URL."""
    import clv

    folder = tmp_path_factory.mktemp("review3")
    sample = clv.sample_shop(400, seed=3)
    frame, report = french_spend(folder, sample)
    tx = sample.transactions
    first = tx["timestamp"].min() + dt.timedelta(days=40)
    extra = pl.DataFrame({
        "customer_id": [REFUNDED] * 3,
        "timestamp": [first, first + dt.timedelta(hours=2), first + dt.timedelta(days=30)],
        "amount": [80.0, -80.0, 45.0]})
    tx = pl.concat([tx, extra.select(
        *[pl.col(c).cast(tx.schema[c]) for c in extra.columns])], how="diagonal_relaxed")
    shop = clv.analyze(tx, spend=frame, table_reports=[report],
                       settings=clv.Settings(margin=0.3, draws=20, currency="EUR"))
    app = build(f"sqlite:///{folder / 'history.db'}", workdir=folder / "uploads",
                analyses=[(shop, "shop")])
    with running(app) as base:
        yield base, shop


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_purchase_days_are_named_and_defined(site, lang):
    base, shop = site
    row = shop.customers.filter(pl.col("customer_id") == REFUNDED).row(0, named=True)
    assert row["purchases"] == 2  # the refunded first day counts: not a count of orders
    listed = html_of(f"{base}/a/1/customers?q={REFUNDED}&lang={lang}")
    head = re.search(r'<th scope="col" class="n" title="([^"]*)">([^<]*)</th>', listed)
    assert head and html.unescape(head.group(2)) == t("page_purchases", lang)
    assert html.unescape(head.group(1)) == t("page_purchases_def", lang)
    assert t("page_purchases", lang) not in ("Achats", "Purchases")
    one = html_of(f"{base}/a/1/customers/{REFUNDED}?lang={lang}")
    kpi = re.search(r'<div class="kpi" id="kpi-purchases" title="([^"]*)">(.*?)</div></div>',
                    one, re.S)
    assert kpi and html.unescape(kpi.group(1)) == t("page_purchases_def", lang)
    assert words_of(kpi.group(2)).endswith("2")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_customers_export_names_its_columns_for_what_they_count(site, lang):
    base, _ = site
    status, body, _ = call(f"{base}/a/1/export/customers.csv?lang={lang}")
    assert status == 200
    header = body.decode("utf-8-sig").splitlines()[0]
    assert t("col_purchases", lang) in header and t("col_mean_spend", lang) in header
    for wrong in ("Achat moyen", "Mean purchase"):
        assert wrong not in header


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_channels_page_says_spend_lines_were_left_out(site, lang):
    base, _ = site
    page = html_of(f"{base}/a/1/channels?lang={lang}")
    note = re.search(r'<p class="note warning spend-left-out" role="note">(.*?)</p>', page, re.S)
    assert note, "no word of the spend line left out"
    said = words_of(note.group(1))
    assert "depenses_fr.csv" in said
    assert t("tbl_reason_month_unread", lang) in said
    assert t("page_spend_left_out_see", lang) in said
    assert 'href="/a/1/data#data-spend"' in note.group(1)
    # a channel or month without spend read says the spend may be missing, not "no spend"
    assert t("page_blank_no_spend", lang) not in words_of(page)


def _channel(shop) -> str:
    """The acquisition channel of most customers."""
    return shop.customers["channel"].drop_nulls().mode().sort()[0]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_timing_page_says_what_the_filters_apply_to(site, lang):
    base, shop = site
    segment = shop.customers["segment"].mode().sort()[0]
    page = html_of(f"{base}/a/1/timing?segment={segment}&lang={lang}")
    note = re.search(r'<p class="note filters-said" id="timing-filters">(.*?)</p>', page, re.S)
    assert note, "the timing page says nothing of the filters"
    kept = set(shop.customers.filter(pl.col("segment") == segment)["customer_id"])
    listed = re.findall(r'<tr><th scope="row"><a href="/a/1/customers/[^"]*">([^<]*)</a>', page)
    assert listed and {html.unescape(x) for x in listed} <= kept
    assert "timing-filters" not in html_of(f"{base}/a/1/timing?lang={lang}")


def _csv(base: str, name: str, query: str) -> pl.DataFrame:
    status, body, _ = call(f"{base}/a/1/export/{name}.csv?lang=en{query}")
    assert status == 200, (name, query)
    return pl.read_csv(body)


def test_the_segments_and_cohorts_exports_apply_the_filters(site):
    base, shop = site
    channel = _channel(shop)
    n = shop.customers.filter(pl.col("channel") == channel).height
    assert 0 < n < shop.customers.height
    every = _csv(base, "segments", "")
    seg = _csv(base, "segments", f"&channel={channel}")
    assert every["Customers"].sum() == shop.customers.height
    assert seg["Customers"].sum() == n
    # a segment filter is left aside by the segments (they compare the segments)
    assert _csv(base, "segments", f"&channel={channel}&segment=champions").equals(seg)
    coh = _csv(base, "cohorts", f"&channel={channel}")
    coh_all = _csv(base, "cohorts", "")
    first = coh.columns[0]
    age = [c for c in coh.columns if c.lower().startswith("age")][0]
    in_cohorts = coh.filter(pl.col(age) == 0)["Customers"].sum()
    assert in_cohorts == n
    assert in_cohorts < coh_all.filter(pl.col(age) == 0)["Customers"].sum()
    assert coh[first].n_unique() <= coh_all[first].n_unique()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_exports_page_links_the_filtered_tables(site, lang):
    base, shop = site
    channel = _channel(shop)
    page = html_of(f"{base}/a/1/exports?channel={channel}&lang={lang}")
    for name in ("customers", "segments", "cohorts"):
        assert f'href="/a/1/export/{name}.csv?channel={channel}"' in page, name
    assert 'href="/a/1/export/tiers.csv"' in page
    assert t("page_exports_others", lang) in html.unescape(page)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_what_to_do_says_it_counts_every_customer_and_keeps_the_filters(site, lang):
    base, shop = site
    channel = _channel(shop)
    page = html_of(f"{base}/a/1?channel={channel}&lang={lang}")
    todo = page[page.index('<ol class="actions">'):]
    todo = todo[:todo.index("</ol>")]
    links = re.findall(r'<a href="([^"]*)"', todo)
    assert links and all(f"channel={channel}" in html.unescape(x) for x in links)
    assert 'id="todo-all"' in page
    assert 'id="todo-all"' not in html_of(f"{base}/a/1?lang={lang}")


def test_the_filter_form_sends_only_the_filters_set(site, browser):
    base, shop = site
    channel = _channel(shop)
    page = browser.new_page()
    try:
        page.goto(f"{base}/a/1/customers?lang=fr")
        page.select_option("form.filters select[name=channel]", channel)
        with page.expect_navigation():
            page.click("form.filters button[type=submit]")
        query = page.url.partition("?")[2]
        assert query == f"channel={channel}", page.url
        assert page.locator("#applied").count() == 1
    finally:
        page.close()


def _amounts(texts: list[str]) -> dict[float, set[str]]:
    """The amounts in ``texts`` ('5 076,86 €', '€5,077'), by their value to the euro."""
    found: dict[float, set[str]] = {}
    for text in texts:
        for m in re.finditer(r"\d[\d\u202f\u00a0 ,.]*\d|\d", text):
            if "€" not in text:
                continue
            raw = m.group(0)
            comma = "," if "€" in text and text.strip().endswith("€") else "."
            value = float(re.sub(r"[^\d" + re.escape(comma) + "]", "", raw).replace(comma, "."))
            found.setdefault(round(value), set()).add(raw)
    return found


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_figure_has_one_format_on_the_overview(site, lang):
    base, shop = site
    row = shop.customers.filter(pl.col("customer_id") == REFUNDED).row(0, named=True)
    page = html_of(f"{base}/a/1?q={REFUNDED}&lang={lang}")
    values = [words_of(v) for v in re.findall(
        r'id="sel-[^"]*">.*?<div class="value">(.*?)</div>', page, re.S)]
    assert len(values) > 4
    written = _amounts(values)
    assert written[round(row["revenue"])] and all(len(v) == 1 for v in written.values()), \
        written
    # a selection of many keeps its totals to the euro
    many = html_of(f"{base}/a/1?segment={shop.customers['segment'].mode().sort()[0]}&lang={lang}")
    total = re.search(r'id="sel-revenue">.*?<div class="value">(.*?)</div>', many, re.S)
    assert total and not re.search(r"[.,]\d\d\D*$", words_of(total.group(1)).strip())


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_channels_left_out_of_the_chart_are_named_with_their_reason(site, lang):
    base, shop = site
    page = html_of(f"{base}/a/1/channels?lang={lang}")
    assert 'id="chart-channels"' in page
    unseen = shop.channels.channels.filter(pl.col("cac").is_null())["channel"].to_list()
    assert unseen, "the sample has a channel without spend"
    note = re.search(r'<p class="note" id="chart-channels-left">(.*?)</p>', page, re.S)
    assert note
    said = words_of(note.group(1))
    for name in unseen:  # the customers without a channel in the page's words
        assert (t("page_channel_unknown", lang) if name == "(unknown)" else name) in said
    assert "(unknown)" not in words_of(page[page.index("<main"):]) if lang == "fr" else True
    assert t("page_blank_no_spend_left", lang) in said  # a spend line was left out
    drawn = shop.channels.channels.filter(pl.col("cac").is_not_null())["channel"].to_list()
    assert not any(f"{name} (" in said for name in drawn)


def test_the_channel_chart_links_keep_the_filters(site):
    base, shop = site
    segment = shop.customers["segment"].mode().sort()[0]
    page = html_of(f"{base}/a/1/channels?start=2023-01&segment={segment}&lang=fr")
    chart = page[page.index('<figure id="chart-channels">'):]
    chart = chart[:chart.index("</figure>")]
    links = re.findall(r'href="(/a/1/customers\?[^"]*)"', chart)
    assert links
    for link in links:
        query = html.unescape(link)
        assert f"segment={segment}" in query and "start=2023-01" in query and "channel=" \
            in query, query


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_segments_without_customers_are_named(site, lang):
    from clv.report.text import segment_name
    from clv.segments import SEGMENTS

    base, shop = site
    smallest = shop.customers["channel"].drop_nulls().value_counts().sort("count")["channel"][0]
    named = 0
    for query in ("", f"&channel={smallest}"):
        page = html_of(f"{base}/a/1/segments?lang={lang}{query}")
        channel = query.partition("=")[2]
        kept = shop.customers if not channel else shop.customers.filter(
            pl.col("channel") == channel)
        empty = [s for s, _ in SEGMENTS if s not in set(kept["segment"])]
        note = re.search(r'<p class="note" id="segments-left">(.*?)</p>', page, re.S)
        if not empty:
            assert note is None
            continue
        assert note, query
        for s in empty:
            assert segment_name(s, lang) in words_of(note.group(1))
        named += 1
    assert named, "no selection left a segment empty: the note is not checked"


@pytest.mark.parametrize(("lang", "ltv"), [("fr", "800,00\u00a0€"), ("en", "€800.00")])
def test_the_calculator_writes_its_amounts_in_the_currency_chosen(site, lang, ltv):
    base, _ = site
    query = "formula=saas_churn&mrr=50&margin=80&monthly_churn=5"
    page = html_of(f"{base}/calculator?{query}&currency=EUR&lang={lang}")
    assert re.search(r'id="calc-ltv">([^<]*)<', page).group(1) == ltv
    assert '<option value="EUR" selected>' in page
    plain = html_of(f"{base}/calculator?{query}&lang={lang}")  # no currency: the number alone
    assert re.search(r'id="calc-ltv">([^<]*)<', plain).group(1) == ltv.strip("€\u00a0")
    assert t("calc_currency", lang) in html.unescape(plain)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_an_empty_upload_names_its_file_once(site, lang):
    base, _ = site
    boundary = "review3"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="transactions"; '
            f'filename="commandes.csv"\r\nContent-Type: text/csv\r\n\r\n\r\n'
            f"--{boundary}--\r\n").encode()
    status, answer, _ = call(f"{base}/uploads?lang={lang}", "POST", body, {
        "Content-Type": f"multipart/form-data; boundary={boundary}", "Accept": "text/html"})
    assert status == 400
    said = [line for line in words_of(answer.decode()).splitlines() if "commandes.csv" in line]
    assert said and all(line.count("commandes.csv") == 1 for line in said), said


@pytest.mark.parametrize(("lang", "names"), [
    ("fr", ("clv-1-clients-filtre.csv", "clv-1-cohortes.xlsx", "clv-1-rapport-fr.html")),
    ("en", ("clv-1-customers-filtered.csv", "clv-1-cohorts.xlsx", "clv-1-report-en.html"))])
def test_the_files_are_named_in_the_language(site, lang, names):
    base, shop = site
    channel = _channel(shop)
    for path, name in zip((f"/a/1/export/customers.csv?channel={channel}&lang={lang}",
                           f"/a/1/export/cohorts.xlsx?lang={lang}",
                           f"/a/1/report.html?lang={lang}"), names, strict=True):
        status, _, headers = call(base + path)
        assert status == 200, path
        assert headers["content-disposition"] == f'attachment; filename="{name}"', path


@pytest.fixture(scope="module")
def saas_site(tmp_path_factory):
    """A dashboard with the sample analysis with subscriptions: its base URL."""
    from webtools import sample_analysis

    folder = tmp_path_factory.mktemp("review3saas")
    app = build(f"sqlite:///{folder / 'history.db'}", workdir=folder / "uploads",
                analyses=[(sample_analysis(300), "saas")])
    with running(app) as base:
        yield base


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_saas_cohort_grid_says_why_a_month_is_blank(saas_site, lang):
    page = html_of(f"{saas_site}/a/1/saas?lang={lang}")
    grids = re.findall(r'<table class="saas-cohorts".*?</table>', page, re.S)
    assert grids
    not_yet = 0
    for grid in grids:
        ages = len(re.findall(r'<th scope="col">', grid)) - 2  # cohort and size first
        for row in re.findall(r"<tr><th scope=\"row\">.*?</tr>", grid, re.S):
            cells = re.findall(r"<td([^>]*)>(.*?)</td>", row, re.S)[1:]  # the size first
            spans = [int(m.group(1)) if (m := re.search(r'colspan="(\d+)"', attrs)) else 1
                     for attrs, _ in cells]
            assert sum(spans) == ages, row
            for attrs, text in cells:
                assert words_of(text).strip(), row  # never a blank without a word
                if "blank" in attrs or "blank" in text:
                    assert 'title="' in attrs + text
                    not_yet += 1
    assert not_yet, "the sample's last cohorts have months not yet elapsed"


def test_the_exports_page_shows_the_files_names_in_french(site):
    page = html_of(f"{site[0]}/a/1/exports?lang=fr")
    assert '<code>clients.csv</code>' in page and '<code>cohortes.xlsx</code>' in page
    assert 'href="/a/1/export/customers.csv"' in page  # the address stays the table's name


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_channels_export_says_spend_lines_were_left_out(site, lang):
    base, shop = site
    status, body, _ = call(f"{base}/a/1/export/channels.csv?lang={lang}")
    assert status == 200
    text = body.decode("utf-8-sig")
    assert shop.channels.channels.filter(pl.col("spend").fill_null(0) == 0).height
    assert t("page_blank_no_spend_left", lang) in text
    assert t("page_blank_no_spend", lang) not in text
