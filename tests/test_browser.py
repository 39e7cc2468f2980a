"""The dashboard and the report in a real browser: Playwright driving the system's Chromium
(Debian's package, installed by .ci/run; no browser is downloaded), headless.

The dashboard test uploads a CSV whose names contain HTML and script, confirms the mapping,
waits for the analysis, opens every page, switches to French and back with the header's
switch, follows a segment's row to its customers, moves a what-if slider and downloads an
export; it fails on any console error, failed request, HTTP error or dialog (an alert would
mean a script from the data ran). The report test opens the self-contained report with every
network request refused, checks it asks for none and logs no error, and saves its screenshot
under bench/out/.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import polars as pl
import pytest

pytest.importorskip("fastapi")
from clv.web import build  # noqa: E402
from webtools import (  # noqa: E402
    HOSTILE,
    Watch,
    hostile_shop,
    running,
)

OUT = Path(__file__).resolve().parents[1] / "bench" / "out"
SECTIONS = ("Overview", "Customers", "Segments", "Cohorts", "Channels", "Timing", "Models",
            "What if", "Data", "Exports")


def test_dashboard_flow_in_the_browser(browser, tmp_path):
    orders = tmp_path / "orders.csv"
    hostile_shop(400, seed=5).write_csv(orders)
    app = build(f"sqlite:///{tmp_path / 'h.db'}", workdir=tmp_path / "up")
    with running(app) as base:
        context = browser.new_context(accept_downloads=True)
        page = context.new_page()
        watch = Watch(page)
        page.goto(base + "/")
        page.set_input_files("#file", str(orders))
        page.click("#upload-button")
        page.wait_for_url(re.compile(r".*/mapping/\w+"))
        # the detected mapping, shown for confirmation
        assert page.input_value("#map_customer_id") == "Customer"
        assert page.input_value("#map_timestamp") == "Order date"
        assert page.input_value("#map_amount") == "Total"
        page.fill("input[name=margin]", "30")  # percent
        page.click("#run")
        page.wait_for_url(re.compile(r".*/a/\d+$"), timeout=120_000)
        analysis = page.url
        assert page.locator(".kpi").count() >= 8
        for name in SECTIONS:
            page.click(f"nav.sections >> text={name}")
            page.wait_for_load_state()
            assert page.locator("h1").count() == 1, name
        # the header's switch shows the same page in French, and back in English
        pending: list[str] = []
        french = page.locator('header a[hreflang="fr"]')
        if french.count():
            here = urlsplit(page.url).path
            french.first.click()
            page.wait_for_function("document.documentElement.lang === 'fr'")
            assert urlsplit(page.url).path == here
            page.click('header a[hreflang="en"]')
            page.wait_for_function("document.documentElement.lang === 'en'")
        else:
            pending.append("the language switch (no link to French in the header)")
        # a segment's row opens the list of its customers, filtered on it
        page.click("nav.sections >> text=Segments")
        drill = page.locator('#segments a[href*="/customers"]')
        if drill.count():
            drill.first.click()
            page.wait_for_url(re.compile(r".*/customers\?.*segment="))
            chosen = parse_qs(urlsplit(page.url).query)["segment"][0]
            assert page.locator("#customers tbody tr").count() >= 1
            if page.locator("select[name=segment]").count():
                assert page.input_value("select[name=segment]") == chosen
        else:
            pending.append("the drill-down from a segment (no link to its customers in "
                           "#segments)")
        # the overview's filters show a selection's figures
        page.click("nav.sections >> text=Overview")
        page.select_option("select[name=segment]", "champions")
        page.click("form.filters button")
        page.wait_for_selector("#selection")
        assert "segment=champions" in page.url
        # each name from the data is shown as text, and no script of the data ran
        page.goto(analysis + "/customers?q=script")
        page.click(f"#customers a >> text={HOSTILE['customer']}")
        assert page.locator("h1").inner_text() == f"Customer {HOSTILE['customer']}"
        assert page.get_by_text(HOSTILE["product"]).count() >= 1 or page.get_by_text(
            HOSTILE["channel"]).count() >= 1
        # the what-if slider recomputes the scenario
        page.click("nav.sections >> text=What if")
        before = page.inner_text('[data-scenario="total_clv"]')
        page.fill("#lever-retention", "30")
        page.wait_for_function(
            "before => document.querySelector('[data-scenario=\"total_clv\"]')"
            ".textContent !== before", arg=before)
        assert page.inner_text("#out-retention") == "+30%"
        # an export downloads
        page.click("nav.sections >> text=Exports")
        with page.expect_download() as got:
            page.click("text=customers.csv")
        data = Path(got.value.path()).read_bytes()
        assert pl.read_csv(io.BytesIO(data)).height > 300
        for path in ("/calculator", "/history", "/"):
            page.goto(base + path)
        page.goto(base + "/calculator?formula=generic")
        page.fill("input[name=average_purchase_value]", "50")
        page.fill("input[name=purchase_frequency]", "4")
        page.fill("input[name=lifespan]", "3")
        page.click("#calculator button")
        assert page.inner_text("#calc-ltv") == "600.00"
        context.close()
    assert watch.problems == []
    if pending:
        pytest.skip("the upload flow passed; not checked yet: " + "; ".join(pending))


def test_report_renders_offline_in_the_browser(browser, tmp_path):
    import datetime as dt

    from clv.datasets import sample_shop
    from clv.pipeline import Settings, analyze
    from clv.report import write

    shop = sample_shop(1500, seed=2)
    tx = shop.transactions.filter(
        pl.col("timestamp") <= dt.datetime.combine(shop.observation_end, dt.time.max))
    report = write(analyze(tx, spend=shop.spend, settings=Settings(margin=0.3)),
                   tmp_path / "report.html")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    asked: list[str] = []

    def refuse(route) -> None:
        if not route.request.url.startswith("file://"):
            asked.append(route.request.url)
        route.continue_() if route.request.url.startswith("file://") else route.abort()

    context.route("**/*", refuse)
    page = context.new_page()
    watch = Watch(page)
    page.goto(report.as_uri())
    page.wait_for_load_state("load")
    assert page.locator("svg").count() >= 5
    OUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUT / "report.png"), full_page=True)
    # printed to PDF as a reader would (print media: sections kept whole where they fit)
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    (OUT / "report.pdf").write_bytes(pdf)
    context.close()
    assert asked == [] and watch.problems == []
    assert (OUT / "report.png").stat().st_size > 20_000
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 4


def test_line_item_mapping_in_the_browser(browser, tmp_path):
    """A French line-item log: the form starts from the detected quantity and unit price,
    shows the first rows as read, reads again a changed choice, and runs."""
    from clv.datasets import sample_shop

    log = tmp_path / "lignes.csv"
    sample_shop(300, seed=4, line_items=True).transactions.rename({
        "InvoiceNo": "N° facture", "Quantity": "Qté", "UnitPrice": "PU HT",
        "CustomerID": "Code client", "InvoiceDate": "Date facture"}).write_csv(log)
    app = build(f"sqlite:///{tmp_path / 'h.db'}", workdir=tmp_path / "up")
    with running(app) as base:
        page = browser.new_page(viewport={"width": 1280, "height": 1400})
        watch = Watch(page)
        page.goto(base + "/")
        page.set_input_files("#file", str(log))
        page.click("#upload-button")
        page.wait_for_url(re.compile(r".*/mapping/\w+"))
        assert page.input_value("#map_quantity") == "Qté"
        assert page.input_value("#map_price") == "PU HT"
        assert page.input_value("#map_amount") == ""
        assert "x 'PU HT'" in page.inner_text("body")
        assert page.locator("#read-preview tbody tr").count() == 8
        OUT.mkdir(exist_ok=True)
        page.screenshot(path=str(OUT / "mapping.png"), full_page=True)
        # without the unit price there is no amount: the form says which column to choose
        page.select_option("#map_price", "")
        page.click("#preview")
        page.wait_for_selector("#mapping-problem")
        assert "choose the amount column above" in page.inner_text("#mapping-problem")
        page.select_option("#map_price", "PU HT")
        page.select_option("#refunds", "drop")
        page.click("#run")
        page.wait_for_url(re.compile(r".*/a/\d+$"), timeout=120_000)
        page.click("nav.sections >> text=Data")
        assert "refund (policy 'drop')" in page.inner_text("body")
        page.close()
    assert watch.problems == []
