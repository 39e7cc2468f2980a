"""Every import done in the browser, in French and English: a French export (semicolons,
decimal commas, dd/mm/yyyy, French headers) with its marketing spend and subscriptions files
through upload, the mapping form (columns detected with their origin, the first rows as clv
reads them), the run and the finished analysis; the form shown again in the user's language
when a column is missing; a failed job's reason and its way back with every choice kept; the
history grouped by source; the calculator in percentages. And the readers of the French
tables on their own."""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import re
import uuid
from typing import Any
from urllib.parse import urlencode

import polars as pl
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

from clv.data import read_transactions  # noqa: E402
from clv.data.mapping import resolve_mapping  # noqa: E402
from clv.data.tables import read_customers, read_spend, read_subscriptions  # noqa: E402
from clv.datasets import sample_shop  # noqa: E402
from clv.errors import DataError, MappingError  # noqa: E402
from test_web_i18n import foreign, found_in, visible  # noqa: E402
from test_web_jobs import FORM, dashboard, wait  # noqa: E402
from webtools import call  # noqa: E402

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9"}


def _fr(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


def french_shop(prefix: str = "", customers: int = 300) -> dict[str, Any]:
    """A sample shop as a French back office exports it: orders, monthly spend and
    subscriptions as CSV text with semicolons, decimal commas and dd/mm/yyyy dates, and
    the frames they were written from."""
    shop = sample_shop(customers, seed=4)
    tx = shop.transactions.filter(
        pl.col("timestamp") <= dt.datetime.combine(shop.observation_end, dt.time.max))
    orders = tx.select(
        (pl.lit(prefix) + pl.col("customer_id")).alias("N° client"),
        pl.col("timestamp").dt.strftime("%d/%m/%Y %H:%M").alias("Date de commande"),
        pl.col("amount").map_elements(_fr, return_dtype=pl.String).alias("Montant TTC"),
        pl.col("order_id").cast(pl.String).alias("N° commande"),
        pl.col("product").alias("Produit"), pl.col("channel").alias("Canal"),
        pl.lit("EUR").alias("Devise"))
    spend = shop.spend.select(
        pl.col("month").dt.strftime("%m/%Y").alias("Mois"), pl.col("channel").alias("Canal"),
        pl.col("spend").map_elements(_fr, return_dtype=pl.String).alias("Dépenses"))
    first = tx.group_by("customer_id").agg(pl.col("timestamp").min().dt.date().alias("start"))
    first = first.sort("customer_id").head(80).with_row_index("i")
    subs = first.select(
        (pl.lit(prefix) + pl.col("customer_id")).alias("Client"),
        pl.col("start").dt.strftime("%d/%m/%Y").alias("Début"),
        pl.when(pl.col("i") % 3 == 0).then(
            (pl.col("start") + pl.duration(days=200)).dt.strftime("%d/%m/%Y"))
        .otherwise(pl.lit("")).alias("Fin"),
        pl.when(pl.col("i") % 2 == 0).then(pl.lit("29,90")).otherwise(pl.lit("9,90"))
        .alias("MRR"),
        pl.when(pl.col("i") % 2 == 0).then(pl.lit("Pro")).otherwise(pl.lit("Essentiel"))
        .alias("Offre"))

    def csv(frame: pl.DataFrame) -> bytes:
        buf = io.BytesIO()
        frame.write_csv(buf, separator=";")
        return buf.getvalue()

    return {"orders": csv(orders), "spend": csv(spend), "subscriptions": csv(subs),
            "tx": tx, "spend_frame": shop.spend, "subs": subs}


def multipart(files: dict[str, tuple[str, bytes]]) -> tuple[bytes, dict[str, str]]:
    """A multipart/form-data body of ``files`` (field -> (file name, content))."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, (filename, content) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                     f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
                     + content + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def form_of(page: str) -> dict[str, str]:
    """The values a browser would send from the mapping form of ``page``: the hidden and
    text inputs, the checkboxes ticked, and each select's selected option (its first when
    none is)."""
    values: dict[str, str] = {}
    form = page[page.index('<form method="post" action="/analyses"'):]
    form = form[:form.index("</form>")]
    for tag in re.findall(r"<input [^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if 'type="checkbox"' in tag and " checked" not in tag:
            continue  # a box left empty is not sent
        if name and 'type="file"' not in tag:
            values[name.group(1)] = value.group(1) if value else ""
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body) or \
            re.search(r'<option value="([^"]*)"', body)
        values[name] = chosen.group(1) if chosen else ""
    return values


def selected(page: str, name: str) -> str | None:
    """The option selected in the select ``name`` of ``page`` (None when none is)."""
    found = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert found, name
    chosen = re.search(r'<option value="([^"]*)" selected>', found.group(1))
    return chosen.group(1) if chosen else None


def sent(base: str, path: str, values: dict[str, str], headers: dict[str, str]
         ) -> tuple[str, str]:
    """The form ``values`` posted to ``path`` as a browser sends it: the answer sends it to
    the mapping page's address (post, redirect, get), asked for next, in the same language;
    returns that address and the page."""
    status, raw, got = call(base + path, "POST", urlencode(values).encode(),
                            {**FORM, **headers})
    assert status == 303, raw[:300]
    where = got["location"]
    status, raw, _ = call(base + where, headers=headers)
    assert status == 200, raw[:300]
    return where, html.unescape(raw.decode())


# ---- the readers -----------------------------------------------------------------------


def test_french_headers_are_detected_by_every_reader(tmp_path):
    headers = ["N° client", "Date de commande", "Montant TTC", "N° commande", "Produit",
               "Canal", "Devise", "Statut", "Remboursement"]
    found = resolve_mapping(pl.DataFrame({h: ["x"] for h in headers}), complete=False)
    assert found.columns == {"customer_id": "N° client", "timestamp": "Date de commande",
                             "amount": "Montant TTC", "order_id": "N° commande",
                             "currency": "Devise", "status": "Statut", "product": "Produit",
                             "channel": "Canal", "refunded": "Remboursement"}
    lines = resolve_mapping(pl.DataFrame({h: ["1"] for h in (
        "Identifiant client", "Date", "Prix unitaire", "Quantité")}), complete=False)
    assert lines.line_items and lines.columns["customer_id"] == "Identifiant client"
    short = resolve_mapping(pl.DataFrame({h: ["1"] for h in ("Client", "Date", "Total")}))
    assert (short["customer_id"], short["amount"]) == ("Client", "Total")
    # the French orders are read as clv reads any: dates day first, amounts with a comma
    shop = french_shop(customers=60)
    (tmp_path / "commandes.csv").write_bytes(shop["orders"])
    tx = read_transactions(tmp_path / "commandes.csv")
    assert tx.frame.height == shop["tx"].height and tx.currency == "EUR"
    assert tx.frame["amount"].sum() == pytest.approx(shop["tx"]["amount"].sum())

    spend = tmp_path / "depenses.csv"
    spend.write_text("Mois;Canal;Dépenses\n05/2023;Google Ads;1573,74\n2023-06;SEO;12,5\n"
                     "mai 2023;Facebook;1 200,00\njuin 2023;Affiliation;3\n"
                     "févr. 2024;Affiliation;4\n", encoding="utf-8")
    read = read_spend(spend)
    assert read["month"].to_list() == [dt.date(2023, 5, 1), dt.date(2023, 6, 1),
                                       dt.date(2023, 5, 1), dt.date(2023, 6, 1),
                                       dt.date(2024, 2, 1)]
    assert read["spend"].to_list() == [1573.74, 12.5, 1200.0, 3.0, 4.0]
    assert read["channel"].to_list()[0] == "Google Ads"
    assert read_spend(spend, decimal=",")["spend"].sum() == pytest.approx(2793.24)
    wrong = tmp_path / "faux.csv"
    wrong.write_text("Mois;Canal;Dépenses\n13/2023;SEO;3\n", encoding="utf-8")
    with pytest.raises(DataError, match="'13/2023' is not a month"):
        read_spend(wrong)
    nothing = tmp_path / "rien.csv"
    nothing.write_text("Période X;Canal;Dépenses\n05/2023;SEO;3\n", encoding="utf-8")
    with pytest.raises(MappingError) as missing:
        read_spend(nothing)
    assert missing.value.field == "month"

    subs = tmp_path / "abonnements.csv"
    subs.write_text("Client;Début;Fin;MRR;Offre\nC1;03/01/2023;;29,90;Pro\n"
                    "C2;15/02/2023;15/05/2023;9,90;Essentiel\n", encoding="utf-8")
    assert read_subscriptions(subs).columns == ["customer_id", "start", "end"]
    chosen = read_subscriptions(subs, columns={})
    assert chosen.to_dicts() == [
        {"customer_id": "C1", "start": dt.date(2023, 1, 3), "end": None, "mrr": 29.9,
         "plan": "Pro"},
        {"customer_id": "C2", "start": dt.date(2023, 2, 15), "end": dt.date(2023, 5, 15),
         "mrr": 9.9, "plan": "Essentiel"}]
    people = tmp_path / "clients.csv"
    people.write_text("Client;Canal d'acquisition;Date d'inscription\nC1;Google;25/01/2023\n",
                      encoding="utf-8")
    attrs = read_customers(people)
    assert attrs.select("customer_id", "channel", "acquired_at").row(0) == (
        "C1", "Google", dt.date(2023, 1, 25))


# ---- the browser's import --------------------------------------------------------------


def _upload_all(base: str, shop: dict[str, Any], **more: tuple[str, bytes]) -> str:
    body, headers = multipart({"transactions": ("commandes.csv", shop["orders"]),
                               "spend": ("depenses.csv", shop["spend"]),
                               "subscriptions": ("abonnements.csv", shop["subscriptions"]),
                               **more})
    status, answer, got = call(f"{base}/uploads", "POST", body, headers)
    assert status == 303, answer
    return got["location"]


def test_a_french_export_through_upload_mapping_and_run(tmp_path):
    shop = french_shop()
    with dashboard(tmp_path) as (base, state):
        where = _upload_all(base, shop)
        sid = where.split("/mapping/")[1].split("?")[0]
        assert "spend=" in where and "subscriptions=" in where
        status, raw, _ = call(base + where, headers=FRENCH)
        page = html.unescape(raw.decode())
        assert status == 200 and '<html lang="fr">' in page
        # every field found from its French header, and said so
        for name, column in (("map_customer_id", "N° client"),
                             ("map_timestamp", "Date de commande"),
                             ("map_amount", "Montant TTC"), ("map_order_id", "N° commande"),
                             ("map_product", "Produit"), ("map_channel", "Canal"),
                             ("map_currency", "Devise"), ("spend_map_month", "Mois"),
                             ("spend_map_channel", "Canal"), ("spend_map_spend", "Dépenses"),
                             ("subscriptions_map_customer_id", "Client"),
                             ("subscriptions_map_start", "Début"),
                             ("subscriptions_map_end", "Fin"),
                             ("subscriptions_map_mrr", "MRR"),
                             ("subscriptions_map_plan", "Offre")):
            assert selected(page, name) == column, name
        assert selected(page, "map_price") is None
        assert "détectée d'après l'en-tête «\u00a0Montant TTC\u00a0»" in page
        # the first rows as clv reads them: French dates, euros with a decimal comma
        first = shop["tx"].row(0, named=True)
        preview = page[page.index('id="read-preview"'):]
        preview = preview[:preview.index("</table>")]
        stamp = first["timestamp"]
        months = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                  "septembre", "octobre", "novembre", "décembre")
        assert f"{stamp.day} {months[stamp.month - 1]} {stamp.year} " \
               f"{stamp:%H:%M}" in preview
        assert f"{_fr(first['amount'])}\u00a0€" in preview
        assert "Aucune de ces lignes n'est écartée." in page
        month = shop["spend_frame"]["month"][0]
        spend_preview = page[page.index('id="spend-preview"'):]
        assert f">{months[month.month - 1]} {month.year}<" in spend_preview  # a month
        subs_preview = page[page.index('id="subscriptions-preview"'):]
        assert "29,90" in subs_preview.split("</table>")[0]
        # the options read again: amounts above 100 left out, counted among the first rows;
        # the page at its own address (the upload's), the same when asked for again
        asked = {**form_of(page), "max_amount": "100", "currency": " eur"}
        at, again = sent(base, f"/mapping/{sid}", asked, FRENCH)
        assert at == where
        above = shop["tx"].head(200).filter(pl.col("amount") > 100).height
        assert above > 0
        assert f"montant hors limites\u00a0: {above} lignes" in again
        assert 'name="max_amount" id="max_amount" min="0" step="any" value="100"' in again
        assert 'id="currency" maxlength="3"' in again and 'value="EUR"' in again
        assert html.unescape(call(base + where, headers=FRENCH)[1].decode()) == again
        # run with the form as filled, a name for the history and a margin of 30%
        values = {**form_of(page), "name": "Boutique de Lyon", "margin": "30"}
        assert values["source"] == sid and values["refunds"] == "net"
        status, _, got = call(f"{base}/analyses", "POST", urlencode(values).encode(),
                              {**FORM, **FRENCH})
        assert status == 303, _
        jid = got["location"].rsplit("/", 1)[1]
        done = wait(base, jid)
        assert done["status"] == "done", done
        analysis = state.entries[done["analysis"]].analysis
        tx = shop["tx"]
        assert analysis.kpis["customers"] == tx["customer_id"].n_unique()
        assert analysis.kpis["revenue"] == pytest.approx(tx["amount"].sum())
        assert analysis.currency == "EUR" and analysis.settings.margin == pytest.approx(0.3)
        assert analysis.channels is not None
        # every euro of the French spend file (05/2024;…;95,63) reached the channels
        assert analysis.channels.channels["spend"].sum() == pytest.approx(
            shop["spend_frame"]["spend"].sum())
        # the subscriptions file read with its plans, decimal commas and empty ends: 80
        # subscriptions, one in three ended 200 days after its start
        plans = analysis.subscriptions.plans.select(
            "plan", "subscriptions", "active_subscriptions", "arpa").sort("plan")
        assert plans.rows() == [("Essentiel", 40, 27, pytest.approx(9.9)),
                                ("Pro", 40, 26, pytest.approx(29.9))]
        assert state.entries[done["analysis"]].source == "Boutique de Lyon"
        assert state.store.history()["source"].to_list() == ["Boutique de Lyon"]
        # the uploads went with the success; their mapping page's address (the back
        # button) says so, and leads to the analysis
        assert sid not in state.sources and not state.sources
        status, raw, _ = call(base + where, headers=FRENCH)
        gone = html.unescape(raw.decode())
        assert status == 404 and "Ces fichiers ont été analysés, puis supprimés" in gone
        assert f'<a id="home-error-link" href="/a/{done["analysis"]}">Ouvrir l\'analyse ' \
               f'{done["analysis"]}</a>' in gone


def test_run_without_a_mapping_shows_the_form_again_in_french(tmp_path):
    shop = french_shop(customers=60)
    with dashboard(tmp_path) as (base, state):
        where = _upload_all(base, shop)
        page = html.unescape(call(base + where, headers=FRENCH)[1].decode())
        values = {**form_of(page), "map_customer_id": "", "refunds": "drop", "margin": "25"}
        at, again = sent(base, "/analyses", values, FRENCH)
        assert at == where  # the mapping page's address: a reload shows it again
        assert "Choisissez la colonne de l'identifiant client." in again
        said = re.search(r'<p class="error" role="alert" id="form-error">([^<]*)</p>', again)
        assert said and said.group(1) == "Choisissez la colonne de l'identifiant client."
        assert 'id="map_customer_id" aria-invalid="true" aria-describedby="form-error"' in again
        # every other choice kept
        assert selected(again, "map_customer_id") is None
        assert selected(again, "map_amount") == "Montant TTC"
        assert selected(again, "refunds") == "drop"
        assert 'name="margin" id="margin" type="number" step="any" min="0.01" max="100" ' \
               'value="25"' in again
        assert selected(again, "spend_map_spend") == "Dépenses"
        assert not state.jobs
        assert html.unescape(call(base + where, headers=FRENCH)[1].decode()) == again
        # the spend's month left empty: its own sentence
        values = {**form_of(page), "spend_map_month": ""}
        again = sent(base, "/analyses", values, FRENCH)[1]
        assert "Choisissez la colonne du mois des dépenses marketing." in again
        # a margin of 150%: named in the form's words
        values = {**form_of(page), "margin": "150"}
        again = sent(base, "/analyses", values, {"Accept-Language": "en"})[1]
        assert "Check “Gross margin (%)”: give a percentage between 0.01 and 100" in again
        # the rows read again with the form corrected: the sentence is gone
        again = sent(base, f"/mapping/{values['source']}", {**values, "margin": "30"},
                     FRENCH)[1]
        assert 'id="form-error"' not in again and 'value="30"' in again
        # the JSON API answers JSON
        status, raw, headers = call(f"{base}/api/analyses", "POST", {
            "source": values["source"], "mapping": {"timestamp": "Date de commande"}})
        assert status == 400 and headers["content-type"] == "application/json"
        assert json.loads(raw)["detail"].startswith("choose the customer id column")


def test_a_failed_job_says_why_and_leads_back_with_the_choices_kept(tmp_path):
    shop = french_shop("refused-", customers=60)
    with dashboard(tmp_path) as (base, state):
        where = _upload_all(base, shop)
        sid = where.split("/mapping/")[1].split("?")[0]
        page = html.unescape(call(base + where, headers=FRENCH)[1].decode())
        values = {**form_of(page), "name": "Essai", "margin": "30", "refunds": "drop",
                  "spend_decimal": ","}
        _, _, got = call(f"{base}/analyses", "POST", urlencode(values).encode(),
                         {**FORM, **FRENCH})
        jid = got["location"].rsplit("/", 1)[1]
        failed = wait(base, jid)
        assert failed["status"] == "failed"
        assert failed["error"] == "too few customers to fit a model"
        status, raw, _ = call(f"{base}/jobs/{jid}", headers=FRENCH)
        job_page = html.unescape(raw.decode())
        assert status == 200 and 'data-status="failed"' in job_page
        assert "L'analyse a échoué" in job_page
        assert "Raison\u00a0: too few customers to fit a model" in job_page
        assert 'id="job-cancel" hidden' in job_page
        back = re.search(r'<a id="job-back" href="([^"]+)" >Corriger les colonnes</a>',
                         job_page)
        assert back and back.group(1) == f"/mapping/{sid}?job={jid}"
        assert json.loads(call(f"{base}/api/jobs/{jid}", headers=FRENCH)[1])["label"] == "échec"
        # the way back: the form as it was sent
        status, raw, _ = call(base + back.group(1), headers=FRENCH)
        again = html.unescape(raw.decode())
        assert status == 200
        assert 'id="name" value="Essai"' in again and 'value="30"' in again
        assert selected(again, "refunds") == "drop"
        assert selected(again, "spend_decimal") == ","
        assert selected(again, "map_amount") == "Montant TTC"
        assert 'name="subscriptions" value="' in again
        # a column that does not read: the job names the field to choose
        values = {**form_of(page), "map_timestamp": "Produit"}
        _, _, got = call(f"{base}/analyses", "POST", urlencode(values).encode(),
                         {**FORM, **FRENCH})
        jid = got["location"].rsplit("/", 1)[1]
        assert wait(base, jid)["status"] == "failed"
        said = html.unescape(call(f"{base}/jobs/{jid}", headers=FRENCH)[1].decode())
        assert "La colonne «\u00a0Produit\u00a0» choisie pour «\u00a0Date\u00a0» ne se lit pas " \
               "comme telle\u00a0: choisissez-en une autre." in said
        assert "no date format" not in said  # the reader's English sentence, said in French
        assert "Raison\u00a0: commandes.csv, colonne «\u00a0Produit\u00a0»\u00a0: aucun format " \
               "de date ne lit les valeurs" in said.replace(" :", "\u00a0:")
        assert "format des dates '%d/%m/%Y'" in said and "(à choisir ci-dessus)" in said
        assert found_in(visible(said, "fr"), foreign("fr")) == []
        said = html.unescape(call(f"{base}/jobs/{jid}?lang=en")[1].decode())
        assert "The column “Produit” chosen for “Date” cannot be read as such: choose another. " \
               "Why: commandes.csv, column 'Produit': " \
               "no date format reads the values" in said
        assert state.sources[sid].path.exists()  # kept after failures, for the way back


def test_a_failed_job_says_the_reason_in_the_page_language(tmp_path):
    """A spend file whose month column holds no month (a few bad months are left out and
    counted, tests/test_web_import_more.py): the job fails, its page says which column to
    check and why in French (the tables' error said by clv.errors.say, the file named as
    uploaded), and as before in English; its JSON keeps the English sentence as ``error``
    and gives the page's as ``message``."""
    shop = french_shop()
    lines = shop["spend"].decode().splitlines()
    lines[1:] = ["zz;" + line.split(";", 1)[1] for line in lines[1:]]
    shop["spend"] = ("\n".join(lines) + "\n").encode()
    row, n = 2, len(lines) - 1
    with dashboard(tmp_path) as (base, _):
        where = _upload_all(base, shop)
        page = html.unescape(call(base + where, headers=FRENCH)[1].decode())
        _, _, got = call(f"{base}/analyses", "POST", urlencode(form_of(page)).encode(),
                         {**FORM, **FRENCH})
        jid = got["location"].rsplit("/", 1)[1]
        failed = wait(base, jid)
        english = (f"depenses.csv, row {row}, column 'Mois': 'zz' is not a month (such as "
                   f"05/2023, 2023-05 or May 2023) nor a date ({n} such rows)")
        assert failed["status"] == "failed" and failed["error"] == english
        said = html.unescape(call(f"{base}/jobs/{jid}", headers=FRENCH)[1].decode())
        reason = re.search(r'<p id="job-reason"[^>]*>(.*?)</p>', said, re.S)
        assert reason, said[:500]
        french = reason.group(1).replace(" :", "\u00a0:").replace(" ;", "\u00a0;")
        assert "«\u00a0Mois\u00a0»" in french  # the column to check, named
        assert (f"Raison\u00a0: depenses.csv, ligne {row}, colonne «\u00a0Mois\u00a0»\u00a0: "
                "«\u00a0zz\u00a0» n'est ni un mois (comme 05/2023, 2023-05 ou mai 2023) ni "
                f"une date ({n} lignes ainsi)") in french, french
        assert "is not a month" not in said
        assert found_in(visible(said, "fr"), foreign("fr")) == []
        message = json.loads(call(f"{base}/api/jobs/{jid}", headers=FRENCH)[1])["message"]
        assert "n'est ni un mois" in message and "depenses.csv" in message
        said = html.unescape(call(f"{base}/jobs/{jid}?lang=en")[1].decode())
        assert f"Why: {english}" in said
        assert json.loads(call(f"{base}/api/jobs/{jid}?lang=en")[1])["message"].endswith(
            f"Why: {english}")


def test_history_is_grouped_by_source(tmp_path):
    from clv.pipeline import Settings, analyze

    shop = sample_shop(300, seed=4)
    tx = read_transactions(shop.transactions, as_of=dt.datetime.combine(
        shop.observation_end, dt.time.max))
    small = analyze(tx, spend=shop.spend, settings=Settings(margin=0.3))
    other = analyze(tx, settings=Settings(margin=0.6))
    with dashboard(tmp_path) as (base, state):
        for analysis, name in ((small, "Boutique A"), (other, "Boutique B"),
                               (other, "Boutique A")):
            state.add_analysis(analysis, name)
        status, raw, _ = call(f"{base}/history", headers=FRENCH)
        page = html.unescape(raw.decode())
        assert status == 200
        sections = re.findall(r'<section class="history-source".*?</section>', page, re.S)
        assert [re.search(r"<h2>([^<]+) <", s).group(1) for s in sections] == \
            ["Boutique A", "Boutique B"]  # the most recently analysed first
        a, b = sections
        assert "· 2 analyses<" in a and "· 1 analyse<" in b
        assert "<svg" in a and "<svg" not in b and "Enregistrez une deuxième analyse" in b
        assert '<div class="table-wrap" tabindex="0" role="region" aria-label="Analyses de ' \
               'Boutique A">' in a and '<div class="table-wrap" tabindex="0"' in b
        today = dt.date.today()
        assert f"{today.day} " in a and str(today.year) in a
        tables = re.findall(r"<table.*?</table>", a + b, re.S)
        assert len(tables) == 2 and not re.search(r"\d{4}-\d{2}-\d{2}", "".join(tables))
        # B's one analysis has no change: it is not compared with A's
        # Boutique A's two analyses differ in margin (30 %, then 60 %): their figures'
        # changes are marked as not comparable, not written as a change in points
        assert "≠</span>" in a and "pt</span>" not in a and "pt</span>" not in b
        assert "30\u00a0%" in a and "60\u00a0%" in a
        ids = state.store.history()["id"].to_list()
        assert all(f'<a href="/a/{i}">' in page for i in ids)


def test_the_calculator_takes_percentages_in_both_languages(tmp_path):
    with dashboard(tmp_path) as (base, _):
        query = urlencode({"formula": "saas_churn", "mrr": "50", "monthly_churn": "5",
                           "margin": "80", "cac": "200"})
        page = html.unescape(call(f"{base}/calculator?{query}", headers=FRENCH)[1].decode())
        assert "Abonnements, par l'attrition" in page and "Attrition mensuelle (%)" in page
        assert re.search(r'id="calc-ltv">800,00<', page)  # 50 x 80% / 5%
        assert "Sain (3 ou plus)." in page  # 800 / 200 = 4
        assert "saas_churn</" not in page and "``" not in page
        en = call(f"{base}/calculator?{query}&lang=en")[1].decode()
        assert 'id="calc-ltv">800.00<' in en and "Monthly churn (%)" in en
        bad = html.unescape(call(f"{base}/calculator?formula=generic&average_purchase_value=50"
                                 "&purchase_frequency=4&lifespan=3&margin=150",
                                 headers=FRENCH)[1].decode())
        assert "«\u00a0Marge brute (%)\u00a0» doit être un pourcentage entre 0 et 100." in bad
        # the JSON API keeps fractions
        api = json.loads(call(f"{base}/api/formulas/saas_churn?mrr=50&monthly_churn=0.05"
                              "&margin=0.8")[1])
        assert api["ltv"] == pytest.approx(800.0)


def test_a_customers_file_gives_the_acquisition_channels(tmp_path):
    shop = french_shop(customers=120)
    ids = shop["tx"]["customer_id"].unique().sort()
    people = pl.DataFrame({"Client": ids, "Canal d'acquisition": ["salon"] * 10
                           + ["parrainage"] * (ids.len() - 10)})
    buf = io.BytesIO()
    people.write_csv(buf, separator=";")
    with dashboard(tmp_path) as (base, state):
        where = _upload_all(base, shop, customers=("clients.csv", buf.getvalue()))
        page = html.unescape(call(base + where, headers=FRENCH)[1].decode())
        assert selected(page, "customers_map_customer_id") == "Client"
        assert selected(page, "customers_map_channel") == "Canal d'acquisition"
        assert "<h2>Clients\u00a0: clients.csv</h2>" in page and 'id="customers-preview"' in page
        _, _, got = call(f"{base}/analyses", "POST", urlencode(form_of(page)).encode(),
                         {**FORM, **FRENCH})
        done = wait(base, got["location"].rsplit("/", 1)[1])
        assert done["status"] == "done", done
        channels = state.entries[done["analysis"]].analysis.channels.channels
        acquired = dict(channels.select("channel", "new_customers").iter_rows())
        assert acquired["salon"] == 10 and acquired["parrainage"] == ids.len() - 10


def test_every_step_of_a_job_is_said_in_both_languages():
    """The job page shows the step a job is at in the page's language (the jobs' JSON
    ``label``): every step a job goes through, the dashboard's and the analysis's, has its
    words in the catalogue, else a French page would show the English step."""
    from clv.datasets import sample_saas
    from clv.i18n import catalogue
    from clv.pipeline import Settings, analyze
    from clv.web.routes.jobs import step_label
    from clv.web.state import Job

    shop = sample_shop(150, seed=4)
    steps: list[str] = []
    analyze(shop.transactions, spend=shop.spend, customers=shop.customers,
            subscriptions=sample_saas(100, seed=4).subscriptions,
            settings=Settings(draws=20), progress=lambda step, _: steps.append(step))
    assert {"data", "models", "channels", "subscriptions"} <= set(steps)
    # the steps the dashboard itself sets (clv.web.state: State.start, _run, _work, cancel)
    ours = ("queued", "starting", "reading the data", "charts", "saving to the history",
            "done", "cancelled")
    for step in (*steps, *ours):
        assert f"job_step_{step}" in catalogue(), step
        job = Job("j", "commandes.csv", step=step)
        for lang in ("en", "fr"):
            assert step_label(job, lang) == catalogue()[f"job_step_{step}"][lang]
    assert step_label(Job("j", "x", step="models", status="failed"), "fr") == "échec"


# ---- how the other tables were read, and a date format that reads fewer dates --------------


def _text(page: str) -> str:
    """``page`` without its tags (a file's words are marked translate="no" in the text)."""
    return re.sub(r"<[^>]+>", "", page)


def _csv(frame: pl.DataFrame) -> bytes:
    buf = io.BytesIO()
    frame.write_csv(buf, separator=";")
    return buf.getvalue()


def test_the_data_page_says_how_each_file_was_read_in_both_languages(tmp_path):
    """The data page has a section per file uploaded beside the orders: the rows read, kept
    and left out with their reason and example rows, and the notes (months, decimal commas,
    blanks and why), in the page's language; no English phrase on the French page."""
    from clv.i18n import t

    shop = french_shop(customers=120)
    spend = shop["spend"] + b";;\n" + shop["spend"].splitlines()[1] + b"\n"
    ids = shop["tx"]["customer_id"].unique().sort()
    people = pl.DataFrame({"Client": ids, "Canal d'acquisition": ["salon"] * ids.len(),
                           "Date d'inscription": ["15/01/2024"] * ids.len()})
    people = pl.concat([people, pl.DataFrame({
        "Client": [None, ids[0]], "Canal d'acquisition": ["salon", "radio"],
        "Date d'inscription": ["02/02/2024", "03/02/2024"]})]).with_columns(
        pl.when(pl.int_range(pl.len()) == 5).then(pl.lit("31/02/2024"))
        .otherwise(pl.col("Date d'inscription")).alias("Date d'inscription"))
    with dashboard(tmp_path) as (base, state):
        where = _upload_all(base, shop, spend=("depenses.csv", spend),
                            customers=("clients.csv", _csv(people)))
        page = html.unescape(call(base + where, headers=FRENCH)[1].decode())
        # the first rows of each table: the rows left out among them, and why
        spend_part = page[page.index('id="table-spend"'):page.index('id="table-customers"')]
        assert 'id="spend-excluded"' in spend_part
        customers_part = page[page.index('id="table-customers"'):]
        customers_part = customers_part[:customers_part.index("</section>")]
        assert t("imp_excluded_row_one", "fr", reason=t("tbl_reason_missing_id", "fr"),
                 n="1") in customers_part
        _, _, got = call(f"{base}/analyses", "POST", urlencode(form_of(page)).encode(),
                         {**FORM, **FRENCH})
        done = wait(base, got["location"].rsplit("/", 1)[1])
        assert done["status"] == "done", done
        aid = done["analysis"]
        analysis = state.entries[aid].analysis
        reports = {r.kind: r for r in analysis.table_reports}
        assert set(reports) == {"spend", "customers", "subscriptions"}
        assert all(r.balanced for r in reports.values())
        spend_rows = len(spend.splitlines()) - 1
        assert (reports["spend"].rows_read, reports["spend"].rows_kept) == (
            spend_rows, spend_rows - 1)
        assert reports["spend"].source == "depenses.csv"  # never the server's file
        assert (reports["customers"].rows_read, reports["customers"].rows_kept) == (
            people.height, ids.len())
        assert reports["customers"].excluded("missing_id") == 1
        assert reports["customers"].excluded("repeated_id") == 1
        assert reports["subscriptions"].rows_kept == shop["subs"].height

        fr = html.unescape(call(f"{base}/a/{aid}/data", headers=FRENCH)[1].decode())
        assert str(state.workdir) not in fr
        for kind, name in (("spend", "depenses.csv"), ("customers", "clients.csv"),
                           ("subscriptions", "abonnements.csv")):
            report = reports[kind]
            part = fr[fr.index(f'<section id="data-{kind}">'):]
            part = part[:part.index("</section>")]
            title = re.search(r"<h2>(.*?)</h2>", part)
            assert title and _text(title.group(1)) == t(f"imp_map_{kind}", "fr", name=name)
            assert f'<span translate="no">{name}</span>' in title.group(1)
            assert t("page_rows_read", "fr", read=str(report.rows_read),
                     kept=str(report.rows_kept), excluded=str(report.rows_excluded),
                     n=report.rows_excluded) in part
            for x in report.exclusions:
                assert f"<th scope=\"row\">{t(f'tbl_reason_{x.key}', 'fr')}</th>" in part
        spend_part = _text(fr[fr.index('<section id="data-spend">'):])
        assert t("tbl_example", "fr", row=str(spend_rows)) in spend_part  # the ';;' row
        assert t("tbl_note_repeated_month_one", "fr", n="1", rows=f"2, {spend_rows + 1}",
                 channel=shop["spend_frame"]["channel"][0],
                 month=f"{shop['spend_frame']['month'][0]:%m/%Y}") in spend_part
        months = shop["spend_frame"].height
        assert t("tbl_note_months_numeric", "fr", n=str(months + 1), column="Mois",
                 example=f"{shop['spend_frame']['month'][0]:%m/%Y}") in spend_part
        customers_part = _text(fr[fr.index('<section id="data-customers">'):])
        assert t("tbl_note_dates_unread_one", "fr", n="1", column="Date d'inscription",
                 example="31/02/2024", row="7") in customers_part
        assert t("tbl_example_id", "fr", row=str(people.height + 1), id=ids[0]) \
            in customers_part
        subs_part = _text(fr[fr.index('<section id="data-subscriptions">'):])
        active = shop["subs"].filter(pl.col("Fin") == "").height
        assert t("tbl_note_subs_active", "fr", n=str(active), column="Fin") in subs_part
        # no English phrase of the catalogue on the French page, and the other way round
        assert found_in(visible(fr, "fr"), foreign("fr")) == []
        en = call(f"{base}/a/{aid}/data?lang=en")[1].decode()
        assert found_in(visible(en, "en"), foreign("en")) == []
        assert "empty row (no value in any column)" in html.unescape(en)

        # an analysis saved before the tables' reports were carried opens, without them
        old = analysis.__class__.__new__(analysis.__class__)
        old.__dict__.update({k: v for k, v in analysis.__dict__.items()
                             if k != "table_reports"})
        entry = state.add_analysis(old, "old")
        status, raw, _ = call(f"{base}/a/{entry.id}/data", headers=FRENCH)
        assert status == 200 and 'id="data-spend"' not in raw.decode()
        assert 'id="exclusions"' in raw.decode()


def test_a_date_format_that_reads_fewer_dates_asks_to_confirm(tmp_path):
    """A date format chosen that leaves more than 5% of the dates of the first rows unread
    while the automatic detection reads them: the preview says how many, in the page's
    language, and the run waits for the box to be ticked instead of leaving the rows out."""
    from clv.i18n import t
    from clv.web.state import PREVIEW_ROWS

    shop = french_shop(customers=60)
    head = shop["tx"].head(PREVIEW_ROWS)
    unread = head.filter(pl.col("timestamp").dt.day() > 12).height  # not mm/dd/yyyy
    assert unread > 0.05 * head.height
    with dashboard(tmp_path) as (base, state):
        where = _upload_all(base, shop)
        sid = where.split("/mapping/")[1].split("?")[0]
        page = html.unescape(call(base + where, headers=FRENCH)[1].decode())
        assert 'id="orders_date-gap"' not in page  # detected: nothing to confirm
        values = {**form_of(page), "date_format": "mdy"}
        _, again = sent(base, f"/mapping/{sid}", values, FRENCH)
        counts = {"format": t("imp_df_mdy", "fr"), "column": "Date de commande",
                  "unread": str(unread), "dates": str(head.height), "detected": str(unread),
                  "auto": str(head.height)}
        gap = again[again.index('id="orders_date-gap"'):]
        gap = gap[:gap.index("</div>")]
        assert t("imp_gap", "fr", **counts) in gap
        assert t("imp_gap_then_transactions", "fr") in gap
        assert 'name="confirm_date_format" id="confirm_date_format" value="mdy">' in gap
        assert 'aria-describedby="orders_date-gap"' in again
        # run without ticking the box: the form again, with the counts, and no job
        at, refused = sent(base, "/analyses", form_of(again), FRENCH)
        assert at == where and not state.jobs
        said = re.search(r'<p class="error" role="alert" id="form-error">([^<]*)</p>', refused)
        assert said and said.group(1) == t("imp_gap_refused", "fr", **counts)
        assert 'id="date_format" aria-describedby="orders_date-gap" aria-invalid="true"' \
            in refused
        english = html.unescape(call(base + where + "&lang=en")[1].decode())
        assert t("imp_gap", "en", **{**counts, "format": t("imp_df_mdy", "en")}) in english
        # ticked: it runs, and the rows left out are counted
        ticked = {**form_of(refused), "confirm_date_format": "mdy"}
        _, _, got = call(f"{base}/analyses", "POST", urlencode(ticked).encode(),
                         {**FORM, **FRENCH})
        assert got["location"].startswith("/jobs/")
        done = wait(base, got["location"].rsplit("/", 1)[1])
        assert done["status"] == "done", done
        issues = state.entries[done["analysis"]].analysis.transactions.issues
        assert issues.excluded("unparsable date") == shop["tx"].filter(
            pl.col("timestamp").dt.day() > 12).height


def test_a_customers_date_format_that_leaves_acquisition_dates_blank_asks_too(tmp_path):
    from clv.i18n import t

    shop = french_shop(customers=60)
    ids = shop["tx"]["customer_id"].unique().sort()
    people = pl.DataFrame({"Client": ids, "Date d'inscription": [
        f"{1 + i % 28:02d}/{1 + i % 12:02d}/2024" for i in range(ids.len())]})
    late = people.filter(pl.col("Date d'inscription").str.slice(0, 2).cast(pl.Int32) > 12)
    with dashboard(tmp_path) as (base, state):
        where = _upload_all(base, shop, customers=("clients.csv", _csv(people)))
        page = html.unescape(call(base + where, headers=FRENCH)[1].decode())
        values = {**form_of(page), "customers_date_format": "mdy"}
        at, refused = sent(base, "/analyses", values, FRENCH)
        assert not state.jobs
        counts = {"format": t("imp_df_mdy", "fr"), "column": "Date d'inscription",
                  "unread": str(late.height), "dates": str(people.height),
                  "detected": str(late.height), "auto": str(people.height)}
        assert t("imp_gap_refused", "fr", **counts) in refused
        gap = refused[refused.index('id="customers_date-gap"'):]
        assert t("imp_gap_then_customers", "fr") in gap[:gap.index("</div>")]
        # a box ticked for another format confirms nothing
        wrong = {**form_of(refused), "customers_confirm_date_format": "iso"}
        sent(base, "/analyses", wrong, FRENCH)
        assert not state.jobs
        ticked = {**form_of(refused), "customers_confirm_date_format": "mdy"}
        _, _, got = call(f"{base}/analyses", "POST", urlencode(ticked).encode(),
                         {**FORM, **FRENCH})
        done = wait(base, got["location"].rsplit("/", 1)[1])
        assert done["status"] == "done", done
        report = state.entries[done["analysis"]].analysis.table_report("customers")
        (blank,) = report.noted("dates_unread")
        assert blank.values["n"] == late.height


def test_the_date_format_is_questioned_only_beyond_five_percent():
    """The form asks to confirm a date format only when the dates it leaves unread, and the
    automatic detection reads, are more than 5% of the dates: 5 of 100 is not, 6 is; dates
    no format reads, and a format that reads as much as the detection, are not."""
    from clv.web.state import DATE_GAP, date_gap

    assert DATE_GAP == 0.05

    def dates(month_first: int) -> pl.Series:  # 'dd/mm/yyyy', some with a day above 12
        return pl.Series("Date", [f"{13 + i % 15}/01/2024" if i < month_first
                                  else "05/01/2024" for i in range(100)])

    assert date_gap(dates(5), "mdy") is None
    gap = date_gap(dates(6), "mdy")
    assert gap is not None and (gap.dates, gap.unread, gap.detected, gap.read_auto) == (
        100, 6, 6, 100)
    assert date_gap(dates(6), "dmy") is None and date_gap(dates(6), None) is None
    # values no format reads (not dates at all) leave nothing better to offer
    assert date_gap(pl.Series("Date", ["soon"] * 20), "dmy") is None
    # empty cells are no dates: they count in no share
    sparse = pl.Series("Date", ["25/01/2024"] * 10 + [""] * 90)
    assert date_gap(sparse, "mdy").dates == 10


def test_a_reader_error_on_the_mapping_page_is_in_the_page_language(tmp_path):
    """A file with a header and no row: the mapping page says the reader's sentence in French
    (clv.errors.say), naming the file as uploaded, and in English as before."""
    text = "Client;Date de commande;Montant TTC\n"
    with dashboard(tmp_path) as (base, _):
        body, headers = multipart({"transactions": ("commandes.csv", text.encode())})
        status, answer, got = call(f"{base}/uploads", "POST", body, headers)
        assert status == 303, answer
        french = html.unescape(call(base + got["location"], headers=FRENCH)[1].decode())
        said = french.replace(" :", "\u00a0:")
        assert "commandes.csv\u00a0: il n'y a aucune ligne à lire" in said
        assert "commandes.csv" in french and "there is no row" not in french
        assert found_in(visible(french, "fr"), foreign("fr")) == []
        english = html.unescape(call(base + got["location"] + "?lang=en")[1].decode())
        assert "commandes.csv: there is no row to read" in english
