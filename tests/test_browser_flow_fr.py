"""The whole dashboard flow in French, in a real browser (Playwright driving the system's
Chromium, headless; no browser is downloaded), as a French user goes through it.

A French back office's exports (semicolons, decimal commas, dd/mm/yyyy dates, French
headers, a few refunds, no currency column) with the marketing spend per channel and month
and the subscriptions are uploaded from the home page's form; the mapping page shows the
columns found and the first rows as read (dates and amounts in French), the user gives the
currency and reads the rows again, runs; the job page has its own address and follows the
progress; every section of the analysis is opened from its navigation; a segment opens its
customers; a channel chosen on one page is kept on the next and reaches the export (a French
CSV: ';', decimal commas) which holds that channel's customers only; the SaaS page shows the
MRR; a what-if slider changes a figure. No page shows a phrase of the English catalogue, and
the test fails on any console error, failed request, HTTP error or dialog.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import polars as pl
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")
from clv.report.text import number  # noqa: E402
from clv.web import build  # noqa: E402
from test_web_i18n import foreign, found_in, visible  # noqa: E402
from webtools import Watch, running  # noqa: E402

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")
MONEY_FR = re.compile(r"-?\d{1,3}(?:[\u202f\u00a0 ]\d{3})*,\d\d[\u202f\u00a0 ]€")
"""An amount as the French pages write it: '22 241,68 €'."""


def _spaced(text: str) -> str:
    """``text`` with its no-break spaces (French typography) as spaces."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def _read(text: str) -> float:
    """A number as a French page writes it ('141 625 €', '354,06 €', '400')."""
    return float(re.sub(r"[^\d,-]", "", _spaced(text)).replace(",", "."))


def _fr(value: float) -> str:
    """An amount as a French spreadsheet writes it: '1573,74', '-12,50'."""
    return f"{value:.2f}".replace(".", ",")


def french_export(folder: Path, customers: int = 400, seed: int = 11) -> dict[str, Any]:
    """A sample shop's orders (with its refunds: negative amounts on the order's number),
    its marketing spend and a SaaS's subscriptions written as a French back office exports
    them, in ``folder``: the three files, and the frames they were written from (to check
    what the pages show)."""
    from clv.datasets import sample_saas, sample_shop

    shop = sample_shop(customers, seed=seed)
    tx = shop.transactions.filter(
        pl.col("timestamp") <= dt.datetime.combine(shop.observation_end, dt.time.max))
    orders = tx.select(
        pl.col("customer_id").alias("Client"),
        pl.col("timestamp").dt.strftime("%d/%m/%Y").alias("Date de commande"),
        pl.col("amount").map_elements(_fr, return_dtype=pl.String).alias("Montant TTC"),
        pl.format("CMD-{}", pl.col("order_id")).alias("Référence"),
        pl.col("channel").alias("Canal"))
    spend = shop.spend.select(
        pl.col("channel").alias("Canal"),
        pl.col("month").dt.strftime("%m/%Y").alias("Mois"),
        pl.col("spend").map_elements(_fr, return_dtype=pl.String).alias("Dépenses"))
    saas = sample_saas(200, seed=seed)
    subs = saas.subscriptions.select(
        pl.col("customer_id").alias("Client"), pl.col("plan").alias("Offre"),
        pl.col("start").dt.strftime("%d/%m/%Y").alias("Date de début"),
        pl.col("end").dt.strftime("%d/%m/%Y").fill_null("").alias("Date de fin"),
        pl.col("mrr").map_elements(_fr, return_dtype=pl.String).alias("Mensualité"))
    files = {}
    for name, frame in (("commandes.csv", orders), ("depenses.csv", spend),
                        ("abonnements.csv", subs)):
        files[name] = folder / name
        frame.write_csv(files[name], separator=";")
    return {"files": files, "tx": tx, "spend": shop.spend, "saas": saas}


def english_on(page: Any, phrases: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The phrases of the English catalogue that the page shows (its text, tooltips,
    placeholders and accessible names; not an input marked not to be translated, such as
    an example of SQL)."""
    content = re.sub(r'<input\b[^>]*\btranslate="no"[^>]*>', " ", page.content())
    text = visible(content, "fr")
    # found_in's whole-word search, on the phrases the text holds at all: a search per
    # phrase over a page of 700 kB (the models' page) takes seconds, a substring test not
    return found_in(text, [(key, p) for key, p in phrases if p in text])


def steps_in_french() -> set[str]:
    """The job page's steps, as the French page says them."""
    from clv.i18n import catalogue

    return {texts["fr"].replace("\u00a0", " ") for key, texts in catalogue().items()
            if key.startswith("job_step_")}


def test_the_whole_flow_in_french(browser, tmp_path):
    data = french_export(tmp_path)
    files, tx = data["files"], data["tx"]
    english = foreign("fr")
    seen: dict[str, list[tuple[str, str]]] = {}

    def check(name: str) -> None:
        """The page is in French and shows no phrase of the English catalogue."""
        assert page.evaluate("document.documentElement.lang") == "fr", name
        wrong = english_on(page, english)
        if wrong:
            seen[name] = wrong

    app = build(f"sqlite:///{tmp_path / 'h.db'}", workdir=tmp_path / "up")
    with running(app) as base:
        # a French reader's browser: Accept-Language and navigator.language in French
        context = browser.new_context(locale="fr-FR", accept_downloads=True,
                                      viewport={"width": 1280, "height": 900})
        context.set_default_timeout(20_000)
        page = context.new_page()
        watch = Watch(page)
        page.goto(base + "/")
        check("home")
        page.set_input_files("#file", str(files["commandes.csv"]))
        page.set_input_files("#spend-file", str(files["depenses.csv"]))
        page.set_input_files("#subscriptions-file", str(files["abonnements.csv"]))
        page.click("#upload-button")
        page.wait_for_url(re.compile(r".*/mapping/\w+\?spend=\w+&subscriptions=\w+$"))
        mapping = page.url
        check("mapping")
        # the columns found from their French headers, each with where it came from
        for select, column in (("#map_customer_id", "Client"),
                               ("#map_timestamp", "Date de commande"),
                               ("#map_amount", "Montant TTC"), ("#map_channel", "Canal"),
                               ("#map_order_id", "Référence"),
                               ("#spend_map_channel", "Canal"), ("#spend_map_month", "Mois"),
                               ("#spend_map_spend", "Dépenses"),
                               ("#subscriptions_map_customer_id", "Client"),
                               ("#subscriptions_map_start", "Date de début"),
                               ("#subscriptions_map_end", "Date de fin"),
                               ("#subscriptions_map_mrr", "Mensualité"),
                               ("#subscriptions_map_plan", "Offre")):
            assert page.input_value(select) == column, select
        assert "Montant TTC" in page.inner_text("#origin-map_amount")
        assert "Référence" in page.inner_text("#origin-map_order_id")
        # the first rows as clv reads them: a French date, an amount with a decimal comma
        first = tx.row(0, named=True)
        stamp = first["timestamp"]
        preview = page.inner_text("#read-preview")
        day = "1er" if stamp.day == 1 else str(stamp.day)  # French writes the first "1er"
        assert f"{day} {MONTHS[stamp.month - 1]} {stamp.year}" in preview
        assert _fr(first["amount"]) in preview
        month = data["spend"]["month"][0]
        assert f"{MONTHS[month.month - 1]} {month.year}" in page.inner_text("#spend-preview")
        # the file names no currency: the page says so, next to the amounts read
        assert "€" not in preview
        assert page.locator("#currency-missing").is_visible()
        # the subscriptions start on the first of a month: 01/10/2025 reads both ways, the
        # page says so and the user chooses the format, then reads the rows again
        assert page.locator("#subscriptions-preview").count() == 0
        assert "format des dates" in page.inner_text("#subscriptions-problem")
        page.select_option("#subscriptions_date_format", "dmy")
        # and the currency, the margin and a name for the history
        page.fill("#currency", "eur")
        page.fill("#margin", "30")
        page.fill("#name", "Boutique de Lyon")
        page.click("#preview-subscriptions")
        # read again at the page's own address, scrolled to the table read
        page.wait_for_url(mapping + "#table-subscriptions")
        check("mapping read again")
        start = data["saas"].subscriptions["start"][0]
        said = page.inner_text("#subscriptions-preview")
        day = "1er" if start.day == 1 else str(start.day)  # French writes the first "1er"
        assert f"{day} {MONTHS[start.month - 1]} {start.year}" in said
        assert _fr(data["saas"].subscriptions["mrr"][0]) in said
        assert page.locator("#subscriptions-problem").count() == 0
        assert re.search(re.escape(_fr(first["amount"])) + r"[\u202f\u00a0 ]€",
                         page.inner_text("#read-preview"))
        assert page.locator("#currency-missing").count() == 0
        # a reload shows the same page, every choice kept
        page.reload()
        assert page.input_value("#currency") == "EUR"
        assert page.input_value("#subscriptions_date_format") == "dmy"
        assert page.input_value("#map_order_id") == "Référence"
        assert page.input_value("#margin") == "30"
        # the run: the job page has its own address, follows the progress in French
        page.click("#run")
        page.wait_for_url(re.compile(r".*/jobs/[0-9a-f]+$"))
        job_url = page.url
        assert page.locator("#job-progress").is_visible()
        steps = steps_in_french()
        assert page.locator("#job-step").is_visible()
        assert page.inner_text("#job-step").replace("\u00a0", " ") in steps
        check("job")
        page.reload()  # the job's address, reloaded, follows it still
        if page.locator("#job").count():
            page.wait_for_url(re.compile(r".*/a/\d+$"), timeout=120_000)
        else:  # it ended meanwhile: the page says so and leads to the analysis
            page.click("#job-done")
        analysis = page.url
        aid = int(analysis.rsplit("/", 1)[1])
        check("overview")
        assert MONEY_FR.search(page.inner_text("main")), "no amount in euros on the overview"
        # the back button: the job's page, ended, leading to the analysis; then the mapping's
        # address, whose files went with the success: the home page says so, with the way on
        page.go_back()
        assert page.url == job_url
        assert page.locator("#job-done").get_attribute("href") == f"/a/{aid}"
        check("job done")
        page.go_back()
        assert page.url == mapping + "#table-subscriptions"
        assert "analysés" in page.inner_text("#home-error")
        assert page.locator("#home-error-link").get_attribute("href") == f"/a/{aid}"
        check("mapping gone")
        # that page's status (the upload is gone), said above in words
        assert sorted(watch.problems) == [
            "HTTP 404: " + mapping,
            "console: Failed to load resource: the server responded with a status of 404 "
            "(Not Found)"]
        watch.problems.clear()
        page.click("#home-error-link")
        page.wait_for_url(analysis)
        assert "Boutique de Lyon" in page.inner_text("nav.sections .which")  # its name
        # the overview: every customer and every euro of the file, its refunds deducted
        assert _read(page.inner_text("#kpi-customers .value")) == tx["customer_id"].n_unique()
        revenue = page.inner_text("#kpi-revenue .value")
        assert "€" in revenue and _read(revenue) == pytest.approx(tx["amount"].sum(), abs=0.5)
        # every section, from the navigation
        sections = page.locator("nav.sections a")
        names = [sections.nth(i).inner_text() for i in range(sections.count())]
        assert len(names) >= 11 and "Abonnements" in names, names
        for name in names:
            page.click(f"nav.sections a >> text={name}")
            page.wait_for_load_state()
            assert page.locator("h1").count() == 1, name
            assert page.locator("nav.sections a.on").inner_text() == name
            check(name)
        # the data page: every line read; the refunds, found with their order by its
        # number (the column chosen above), counted and deducted from it
        page.click("nav.sections a >> text=Qualité des données")
        said = _spaced(page.inner_text("main"))
        refunds = tx.filter(pl.col("amount") < 0)["amount"]
        assert refunds.len() > 0
        assert f"{_spaced(number(tx.height, 'fr'))} lignes lues" in said
        # a total in whole units, in the data's currency (the report's rule for totals)
        assert re.search(rf"{refunds.len()} remboursements \(total "
                         rf"{re.escape(_spaced(number(refunds.sum(), 'fr', 0)))}( €)?\) faits "
                         "après leur commande, retrouvée par son numéro", said), said
        for where in ("/history", "/calculator"):
            page.click(f"header nav a[href='{where}']")
            page.wait_for_load_state()
            check(where)
        page.goto(analysis)
        # a segment opens its customers: as many as the segments' table counts
        page.click("nav.sections a >> text=Segments")
        row = page.locator("#segments tbody tr").first
        count = row.locator("td").first.inner_text()
        row.locator("a").click()
        page.wait_for_url(re.compile(r".*/customers\?segment=\w+"))
        segment = parse_qs(urlsplit(page.url).query)["segment"][0]
        assert re.sub(r"\D", "", page.inner_text("#found").split("·")[0]) == \
            re.sub(r"\D", "", count)
        assert page.input_value("select[name=segment]") == segment
        word = page.locator("select[name=segment] option:checked").inner_text()
        assert word in page.inner_text("#applied")
        assert page.locator("#customers tbody tr").count() >= 1
        check("segment's customers")
        # a channel chosen on the customers list is kept on the next page and in its export
        page.click("#applied >> text=Effacer les filtres")
        page.wait_for_url(re.compile(r".*/customers$"))
        channel = "email"
        page.select_option("select[name=channel]", channel)
        page.click("form.filters button")
        page.wait_for_url(re.compile(r".*channel=email"))
        chosen = tx.filter(pl.col("channel") == channel)["customer_id"].unique()
        found = re.sub(r"\D", "", page.inner_text("#found").split("·")[0])
        assert int(found) == chosen.len() > 0
        page.click("nav.sections a >> text=Exports")
        page.wait_for_load_state()
        assert parse_qs(urlsplit(page.url).query) == {"channel": [channel]}
        assert page.locator("#applied").count() == 1
        check("exports filtered")
        with page.expect_download() as got:
            page.click("#exports a[href*='customers.csv']")
        body = Path(got.value.path()).read_bytes()
        assert body.startswith("\ufeff".encode())  # for a French spreadsheet
        exported = pl.read_csv(io.BytesIO(body[3:]), separator=";", infer_schema=False)
        assert exported.columns[0] == "Identifiant client"
        assert sorted(exported["Identifiant client"]) == sorted(chosen)
        assert set(exported["Canal"]) == {channel}
        money = [c for c in exported.columns if c.startswith("Chiffre")]
        assert money and exported[money[0]].str.contains(r"^-?\d+(,\d{1,2})?$").all()
        # the SaaS page: the MRR of the subscriptions active at the end, in euros
        page.click("nav.sections a >> text=Abonnements")
        page.wait_for_load_state()
        subs = data["saas"].subscriptions
        end = tx["timestamp"].max().date()
        active = subs.filter(pl.col("end").is_null() | (pl.col("end") > end))["mrr"].sum()
        mrr = page.inner_text("#kpi-saas_mrr .value")
        assert "€" in mrr and _read(mrr) == pytest.approx(active, abs=0.5), mrr
        assert "MRR" in page.inner_text("#kpi-saas_mrr .label")
        check("saas")
        # the what-if: a slider moves a figure, written in French
        page.goto(analysis + "/whatif")
        before = page.inner_text('[data-scenario="total_clv"]')
        assert MONEY_FR.fullmatch(before), before
        page.fill("#lever-retention", "30")
        page.wait_for_function(
            "b => document.querySelector('[data-scenario=\"total_clv\"]').textContent !== b",
            arg=before)
        after = page.inner_text('[data-scenario="total_clv"]')
        assert MONEY_FR.fullmatch(after) and after != before
        assert page.inner_text("#out-retention").replace("\u202f", "\u00a0") == "+30\u00a0%"
        check("what-if moved")
        context.close()
    assert watch.problems == []
    assert seen == {}
