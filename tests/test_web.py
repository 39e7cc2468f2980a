"""The dashboard over HTTP, against a real server on 127.0.0.1: the upload -> mapping ->
analysis flow, every page, escaping of names from the data, the token, the upload limit, the
exports, the what-if and calculator, history, the OpenAPI schema."""

from __future__ import annotations

import http.client
import io
import json
import re
import time
from urllib.parse import urlsplit

import polars as pl
import pytest
from markupsafe import escape

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

from clv.web import build  # noqa: E402
from webtools import HOSTILE, call, hostile_shop, running  # noqa: E402

SECTIONS = ("", "/customers", "/segments", "/cohorts", "/channels", "/timing", "/models",
            "/whatif", "/data", "/exports")


def _upload(base: str, name: str, body: bytes, kind: str = "transactions", **headers: str):
    return call(f"{base}/api/uploads?name={name}&kind={kind}", "PUT", body, headers)


def _finished(base: str, job: str) -> dict:
    """The job's state once it has finished (done, as the tests expect)."""
    for _ in range(600):
        state = json.loads(call(f"{base}/api/jobs/{job}")[1])
        if state["status"] != "running":
            break
        time.sleep(0.1)
    assert state["status"] == "done", state["error"]
    return state


def _analyse(base: str, frame: pl.DataFrame, spend: pl.DataFrame | None = None) -> int:
    """Upload ``frame`` as CSV, keep the detected mapping, run; returns the analysis id."""
    buf = io.BytesIO()
    frame.write_csv(buf)
    status, body, _ = _upload(base, "orders.csv", buf.getvalue())
    assert status == 200, body
    made = json.loads(body)
    assert made["detected"]["customer_id"] == "Customer"
    assert made["detected"]["timestamp"] == "Order date"
    assert made["detected"]["amount"] == "Total"
    spend_id = None
    if spend is not None:
        buf = io.BytesIO()
        spend.write_csv(buf)
        status, body, _ = _upload(base, "spend.csv", buf.getvalue(), "spend")
        assert status == 200, body
        spend_id = json.loads(body)["id"]
    status, page, _ = call(f"{base}/mapping/{made['id']}" + (f"?spend={spend_id}" if spend_id
                                                             else ""))
    assert status == 200 and b'name="map_customer_id"' in page
    # the settings of clv.valuation.Settings: the model (auto by default) and the currency
    assert b'<option value="auto" selected>' in page and b'name="currency"' in page
    status, body, _ = call(f"{base}/api/analyses", "POST", {
        "source": made["id"], "spend": spend_id, "mapping": made["detected"],
        "settings": {"margin": 0.3, "unit": "week"}})
    assert status == 200, body
    state = _finished(base, json.loads(body)["job"])
    assert state["share"] == 1.0
    return state["analysis"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A dashboard with one analysis of a shop whose names contain HTML, run through the
    upload flow."""
    from clv.datasets import sample_shop

    folder = tmp_path_factory.mktemp("web")
    app = build(f"sqlite:///{folder / 'history.db'}", workdir=folder / "uploads")
    with running(app) as base:
        aid = _analyse(base, hostile_shop(), sample_shop(600, seed=3).spend)
        yield base, aid, app


def test_every_page_answers_and_escapes_names_from_the_data(site):
    base, aid, _ = site
    cid = HOSTILE["customer"]
    from urllib.parse import quote

    pages = [f"/a/{aid}{s}" for s in SECTIONS] + [
        f"/a/{aid}/customers/{quote(cid, safe='')}", f"/a/{aid}/customers?q=script",
        f"/a/{aid}/segments?channel={quote(HOSTILE['channel'])}", "/", "/history",
        "/calculator", f"/a/{aid}/channels?channel={quote(HOSTILE['channel'])}"]
    seen = set()
    for path in pages:
        status, body, headers = call(base + path)
        assert status == 200, (path, body[:300])
        text = body.decode()
        assert "script-src 'self'" in headers["content-security-policy"]
        for raw in HOSTILE.values():
            assert raw not in text, (path, raw)
            if str(escape(raw)) in text:
                seen.add(raw)
    assert seen == set(HOSTILE.values())  # each name is shown, as text


def test_customer_page_has_history_and_predictions(site):
    base, aid, _ = site
    status, body, _ = call(f"{base}/api/analyses/{aid}/customers?q=script")
    found = json.loads(body)
    assert status == 200 and found["found"] == 1
    row = found["data"][0]
    assert row["customer_id"] == HOSTILE["customer"]
    assert 0 <= row["p_alive"] <= 1 and row["clv_lower"] <= row["clv"] <= row["clv_upper"]
    from urllib.parse import quote

    one = json.loads(call(f"{base}/api/analyses/{aid}/customers/{quote(row['customer_id'])}")[1])
    assert one["lines"] == len(one["history"]) >= 1
    assert call(f"{base}/api/analyses/{aid}/customers/nobody")[0] == 404


def test_filters_restrict_the_customers(site):
    base, aid, _ = site
    everyone = json.loads(call(f"{base}/api/analyses/{aid}/customers?limit=10000")[1])
    rows = pl.DataFrame(everyone["data"])
    champions = json.loads(call(
        f"{base}/api/analyses/{aid}/customers?segment=champions&limit=10000")[1])
    assert champions["found"] == rows.filter(pl.col("segment") == "champions").height > 0
    late = json.loads(call(f"{base}/api/analyses/{aid}/customers?start=2025-01&limit=10000")[1])
    expected = rows.filter(pl.col("acquired") >= "2025-01-01").height
    assert late["found"] == expected and 0 < expected < everyone["found"]
    assert call(f"{base}/api/analyses/{aid}/customers?start=January")[0] == 400


def test_the_overview_shows_the_figures_of_a_selection(site):
    import re
    from urllib.parse import quote

    base, aid, _ = site
    chosen = HOSTILE["channel"]
    found = json.loads(call(f"{base}/api/analyses/{aid}/customers?channel={quote(chosen)}"
                            "&segment=champions&limit=10000")[1])
    status, body, _ = call(f"{base}/a/{aid}?channel={quote(chosen)}&segment=champions")
    text = body.decode()
    assert status == 200 and 'id="selection"' in text and chosen not in text
    shown = re.search(r'id="sel-customers".*?<div class="value">([\d,]+)<', text, re.S).group(1)
    assert int(shown.replace(",", "")) == found["found"] > 0
    revenue = sum(r["revenue"] for r in found["data"])
    assert f"{revenue:,.0f}" in text
    assert 'id="selection"' not in call(f"{base}/a/{aid}")[1].decode()


def test_out_of_range_parameters_are_refused_not_crashed_on(site):
    # found by schemathesis against /openapi.json: an offset past int64 was a 500
    base, aid, _ = site
    for path in (f"/api/analyses/{aid}/customers?offset={2**70}",
                 f"/api/analyses/{aid}/tables/cohorts?offset={2**70}",
                 f"/a/{aid}/customers?page={2**70}", f"/a/{aid}/report.html?lang=de"):
        assert call(base + path)[0] == 422, path
    schema = json.loads(call(f"{base}/openapi.json")[1])
    answers = schema["paths"]["/api/analyses/{aid}/customers"]["get"]["responses"]
    assert {"400", "404"} <= set(answers)  # error answers are documented
    export = schema["paths"]["/a/{aid}/export/{filename}"]["get"]["responses"]["200"]
    assert "text/csv" in export["content"]


def test_exports_round_trip(site):
    base, aid, _ = site
    status, body, headers = call(f"{base}/a/{aid}/export/customers.csv")
    assert status == 200 and "attachment" in headers["content-disposition"]
    frame = pl.read_csv(io.BytesIO(body))
    kpis = json.loads(call(f"{base}/api/analyses/{aid}")[1])["kpis"]
    assert frame.height == kpis["customers"]
    status, body, _ = call(f"{base}/a/{aid}/export/channels.xlsx")
    assert status == 200 and body[:2] == b"PK"
    assert pl.read_excel(io.BytesIO(body)).height >= 4
    status, body, _ = call(f"{base}/a/{aid}/report.html?lang=fr")
    assert status == 200 and b"<html" in body and b"http://" not in body.replace(
        b"http://www.w3.org", b"")
    tables = json.loads(call(f"{base}/api/analyses/{aid}")[1])["tables"]
    for name in tables:
        assert call(f"{base}/a/{aid}/export/{name}.csv")[0] == 200, name
    assert call(f"{base}/a/{aid}/export/nothing.csv")[0] == 404


def test_whatif_moves_with_the_levers(site):
    base, aid, _ = site
    base_run = json.loads(call(f"{base}/api/analyses/{aid}/whatif")[1])
    assert base_run["scenario"]["total_clv"] == pytest.approx(base_run["base"]["total_clv"])
    up = json.loads(call(f"{base}/api/analyses/{aid}/whatif?retention=0.2&basket=0.1")[1])
    assert up["scenario"]["total_clv"] > up["base"]["total_clv"] * 1.1
    status, body, _ = call(f"{base}/api/analyses/{aid}/whatif?margin=3")
    assert status == 400 and b"margin" in body


def test_calculator_and_formula_api(site):
    base, _, _ = site
    got = json.loads(call(f"{base}/api/formulas/generic?average_purchase_value=50"
                          "&purchase_frequency=4&lifespan=3&margin=0.3&cac=20")[1])
    assert got["ltv"] == pytest.approx(180.0)
    assert got["ltv_cac"] == pytest.approx(9.0) and got["max_cac"] == pytest.approx(60.0)
    # the page takes rates as percentages (the API as fractions): 5% a month
    status, body, _ = call(f"{base}/calculator?formula=saas_churn&mrr=100&monthly_churn=5")
    assert status == 200 and b"2,000" in body
    status, body, _ = call(f"{base}/api/formulas/generic?average_purchase_value=-1"
                           "&purchase_frequency=1&lifespan=1")
    assert status == 400


def test_history_openapi_and_second_analysis(site):
    base, aid, _ = site
    history = json.loads(call(f"{base}/api/history")[1])
    assert [h["id"] for h in history] == [aid]
    schema = json.loads(call(f"{base}/openapi.json")[1])
    for path in ("/api/uploads", "/api/analyses", "/api/jobs/{jid}",
                 "/api/analyses/{aid}/customers", "/api/analyses/{aid}/whatif",
                 "/api/history", "/api/formulas/{formula}"):
        assert path in schema["paths"], path


def test_history_page_charts_the_kpis_of_saved_analyses(tmp_path):
    import clv
    from clv.store import Store

    url = f"sqlite:///{tmp_path / 'h.db'}"
    with Store(url) as store:
        for seed, source in ((61, "shop.csv"), (62, "shop.csv"), (63, "other.csv")):
            shop = clv.sample_shop(1_000, seed=seed)
            store.save(clv.analyze(shop.transactions, spend=shop.spend,
                                   settings=clv.Settings(margin=0.3, draws=20)), source)
        saved = store.history()
    app = build(url, workdir=tmp_path / "up")
    with running(app) as base:
        status, body, _ = call(f"{base}/history")
        text = body.decode()
        # one section per source: a trend for the source analysed twice, a sentence for
        # the other
        assert status == 200 and text.count('class="history-chart"') == 1 and "<svg" in text
        for title in ("LTV:CAC", "Repeat rate", "CAC (blended)"):
            assert title in text, title
        assert "shop.csv" in text and "other.csv" in text
        assert f"{saved['churn_share'][1]:.1%}" in text
        again = call(f"{base}/history")[1].decode()  # drawn once, then kept
        assert again == text


def test_bad_uploads_are_refused_with_the_reason(site):
    base, _, _ = site
    status, body, _ = _upload(base, "orders.exe", b"x")
    assert status == 400 and b".exe" in body
    status, body, _ = _upload(base, "orders.csv", b"a;b\n1;2\n3;4\n")
    made = json.loads(body)
    assert status == 200 and made["problem"] and "customer_id" in made["problem"]
    # a spend file without a month column is kept, with the problem, for the form to choose
    status, body, _ = _upload(base, "spend.csv", b"channel,spend\nads,3\n", "spend")
    made = json.loads(body)
    assert status == 200 and "month" in made["problem"]
    assert "uploads" not in made["problem"]  # the server's own file is not named


def test_upload_over_the_limit_is_refused_before_it_is_read(tmp_path):
    app = build(f"sqlite:///{tmp_path / 'h.db'}", workdir=tmp_path / "up", upload_limit=1000)
    with running(app) as base:
        status, body, _ = _upload(base, "big.csv", b"x" * 5000)
        assert status == 413 and b"1,000" in body
        # no length: counted as it arrives. Two chunks pass the limit and the body never
        # ends; the answer comes anyway (were more sent after it, the closed connection
        # could reset before the client read it)
        where = urlsplit(base)
        conn = http.client.HTTPConnection(where.hostname, where.port, timeout=30)
        conn.putrequest("PUT", "/api/uploads?name=big.csv&kind=transactions")
        conn.putheader("Transfer-Encoding", "chunked")
        conn.endheaders()
        for _ in range(2):
            conn.send(b"%x\r\n%s\r\n" % (600, b"y" * 600))
        answer = conn.getresponse()
        assert answer.status == 413 and b"1,000" in answer.read()
        conn.close()
        assert list((tmp_path / "up").iterdir()) == []
        status, _, _ = _upload(base, "small.csv", b"customer,date,amount\na,2024-01-01,3\n")
        assert status == 200


def test_token_is_required_when_given(tmp_path):
    app = build(f"sqlite:///{tmp_path / 'h.db'}", workdir=tmp_path / "up", token="s3cret")
    with running(app) as base:
        for path in ("/", "/api/history", "/openapi.json", "/static/app.js"):
            status, body, _ = call(base + path)
            assert status == 401 and b"token" in body and b"<html" not in body
        assert call(f"{base}/api/history", headers={"Authorization": "Bearer wrong"})[0] == 401
        assert call(f"{base}/api/history", headers={"Authorization": "Bearer s3cret"})[0] == 200
        status, _, headers = call(f"{base}/?token=s3cret")
        assert status == 200 and "clv_token=s3cret" in headers["set-cookie"]
        assert call(f"{base}/history", headers={"Cookie": "clv_token=s3cret"})[0] == 200
        big = call(f"{base}/api/uploads?name=a.csv", "PUT", b"x" * 10)
        assert big[0] == 401  # no data, no upload without the token


def test_serve_beyond_loopback_generates_a_token(monkeypatch, tmp_path):
    import uvicorn

    from clv import web

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app, **kw))
    said = []
    web.serve(f"sqlite:///{tmp_path / 'h.db'}", host="0.0.0.0", port=8123, announce=said.append)
    assert seen["host"] == "0.0.0.0" and seen["app"].token
    assert f"?token={seen['app'].token}" in said[0]
    web.serve(f"sqlite:///{tmp_path / 'h.db'}", announce=said.append)
    assert seen["host"] == "127.0.0.1" and seen["app"].token is None


def test_an_empty_token_or_a_port_out_of_range_is_refused(monkeypatch, tmp_path):
    """An unset variable given as the token (--token "") must not switch the check off
    beyond the loopback; a port past 65535 is one sentence, not a traceback."""
    import subprocess
    import sys
    from pathlib import Path

    import uvicorn

    from clv import web
    from clv.errors import ClvError

    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: pytest.fail("server started"))
    db = f"sqlite:///{tmp_path / 'h.db'}"
    for token in ("", " ", "short"):
        with pytest.raises(ClvError, match="token"):
            web.serve(db, host="0.0.0.0", token=token)
    with pytest.raises(ClvError, match="token cannot be empty"):
        build(db, workdir=tmp_path / "up", token="  ")
    with pytest.raises(ClvError, match="65535"):
        web.serve(db, port=99999)
    script = Path(sys.executable).parent / "clv"
    if script.exists():
        run = subprocess.run([str(script), "serve", "--port", "99999"], capture_output=True,
                             text=True, timeout=60)
        assert run.returncode == 2 and "Traceback" not in run.stderr
        assert "65535" in run.stderr


def test_cli_serve_prints_the_link_with_its_token(monkeypatch, tmp_path):
    import uvicorn
    from typer.testing import CliRunner

    from clv.cli import app

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app, **kw))
    result = CliRunner().invoke(app, ["serve", "--db", f"sqlite:///{tmp_path / 'h.db'}",
                                      "--host", "0.0.0.0", "--port", "9001",
                                      "--max-upload", "5"])
    assert result.exit_code == 0, result.output
    assert f"http://0.0.0.0:9001/?token={seen['app'].token}" in result.output.replace("\n", "")
    assert seen["app"].limit == 5 * 2 ** 20 and seen["port"] == 9001


def test_demo_serve_opens_the_dashboard_on_its_analysis(monkeypatch, tmp_path):
    import uvicorn
    from typer.testing import CliRunner

    from clv.cli import app

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app, **kw))
    monkeypatch.chdir(tmp_path)  # the demo's history file and report go there
    result = CliRunner().invoke(app, ["demo", "--customers", "2000", "--serve", "--json"])
    assert result.exit_code == 0, result.output
    entries = list(seen["app"].state.entries.values())
    assert len(entries) == 1 and entries[0].analysis.kpis["customers"] == 2000
    assert seen["host"] == "127.0.0.1" and seen["app"].token is None
    assert (tmp_path / "clv-history.db").exists()


def test_a_database_table_is_a_source_too(site, tmp_path):
    import sqlite3

    base, _, _ = site
    orders = hostile_shop(300, seed=9).select("Customer", "Order date", "Total")
    with sqlite3.connect(tmp_path / "shop.db") as conn:
        conn.execute('create table orders ("Customer" text, "Order date" text, "Total" real)')
        conn.executemany("insert into orders values (?, ?, ?)",
                         [(c, str(d), t) for c, d, t in orders.iter_rows()])
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    status, body, _ = call(f"{base}/api/sources", "POST", {"url": url, "table": "orders"})
    made = json.loads(body)
    assert status == 200 and made["detected"] == {
        "customer_id": "Customer", "timestamp": "Order date", "amount": "Total"}
    status, _, headers = call(f"{base}/sources", "POST",
                              f"url={url}&table=orders".encode(),
                              {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 303 and headers["location"].startswith("/mapping/")
    status, body, _ = call(f"{base}/api/analyses", "POST", {
        "source": made["id"], "mapping": made["detected"]})
    state = _finished(base, json.loads(body)["job"])
    kpis = json.loads(call(f"{base}/api/analyses/{state['analysis']}")[1])["kpis"]
    assert kpis["customers"] == orders["Customer"].n_unique()
    status, body, _ = call(f"{base}/api/sources", "POST", {"url": url, "table": "nope"})
    assert status == 400


def test_a_line_item_log_in_the_mapping_form(site, tmp_path):
    """A French line-item log: the form starts from the detected columns (quantity and unit
    price, no amount), shows the first rows as read, and the analysis runs with that mapping;
    a missing amount is said in the form's words."""
    from urllib.parse import urlencode

    import clv

    base, _, _ = site
    shop = clv.sample_shop(400, seed=5, line_items=True)
    log = shop.transactions.rename({"InvoiceNo": "N° facture", "Quantity": "Qté",
                                    "UnitPrice": "PU HT", "CustomerID": "Code client",
                                    "InvoiceDate": "Date facture"})
    buf = io.BytesIO()
    log.write_csv(buf)
    status, body, _ = _upload(base, "lignes.csv", buf.getvalue())
    made = json.loads(body)
    assert status == 200 and made["problem"] is None, made
    assert made["detected"]["quantity"] == "Qté" and made["detected"]["price"] == "PU HT"
    assert "amount" not in made["detected"]
    status, page, _ = call(f"{base}/mapping/{made['id']}")
    html = page.decode()
    assert status == 200
    assert '<option value="Qté" selected>' in html and '<option value="PU HT" selected>' in html
    assert 'id="read-preview"' in html and "Qté&#39; x &#39;PU HT" in html
    # a changed choice is read again: without a price there is no amount
    form = {"source": made["id"], "map_customer_id": "Code client",
            "map_timestamp": "Date facture", "map_quantity": "Qté", "date_format": "",
            "decimal": "", "refunds": "net", "duplicates": "auto"}
    status, _, got = call(f"{base}/mapping/{made['id']}", "POST", urlencode(form).encode(),
                          {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 303  # post, redirect, get: the mapping page's own address
    status, page, _ = call(base + got["location"])
    assert status == 200 and "choose the amount column above" in page.decode()
    status, body, _ = call(f"{base}/api/analyses", "POST", {
        "source": made["id"], "mapping": made["detected"], "reading": {"refunds": "drop"},
        "settings": {"margin": 0.3, "unit": "week"}})
    assert status == 200, body
    _finished(base, json.loads(body)["job"])
    status, body, _ = call(f"{base}/api/analyses", "POST", {
        "source": made["id"], "mapping": made["detected"], "reading": {"refunds": "maybe"}})
    assert status == 400 and b"refunds" in body


# ---- the figures: one vocabulary, one number on every page and in the API ---------------


@pytest.fixture(scope="module")
def eur_site(tmp_path_factory):
    """A dashboard with one analysis of a sample shop with spend, in euros, margin 30%."""
    import clv

    folder = tmp_path_factory.mktemp("eur")
    shop = clv.sample_shop(600, seed=3)
    analysis = clv.analyze(shop.transactions, spend=shop.spend, settings=clv.Settings(
        margin=0.3, draws=20, currency="EUR"))
    app = build(f"sqlite:///{folder / 'history.db'}", workdir=folder / "uploads",
                analyses=[(analysis, "shop")])
    with running(app) as base:
        yield base, 1, analysis


def _value(page: str, element: str) -> str:
    """The text of the figure ``element`` (its id) of a page."""
    import html
    import re

    found = re.search(rf'id="{element}".*?<div class="value">(.*?)</div>', page, re.S)
    assert found, element
    return html.unescape(found.group(1))


def _total(page: str) -> dict[str, str]:
    """The channels' total row: column key -> cell."""
    import html
    import re

    row = re.search(r'<tr id="channels-total">(.*?)</tr>', page, re.S).group(1)
    return {k: html.unescape(v) for k, v in re.findall(r'<td data-key="(\w+)">(.*?)</td>', row)}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_ltv_cac_is_one_number_on_the_overview_the_channels_and_the_api(eur_site, lang):
    from clv.web.figures import written

    base, aid, _ = eur_site
    kpis = json.loads(call(f"{base}/api/analyses/{aid}")[1])["kpis"]
    channels = json.loads(call(f"{base}/api/analyses/{aid}/channels")[1])
    rows, total = channels["rows"], channels["total"]
    # blended = sum over channels of new customers x LTV / total spend, as the kpis say
    worth = sum(r["new_customers"] * (r["ltv"] or 0) for r in rows)
    assert worth / sum(r["spend"] for r in rows) == pytest.approx(kpis["ltv_cac"], rel=1e-9)
    assert total["ltv_cac"] == kpis["ltv_cac"] and total["cac"] == kpis["blended_cac"]
    assert min(r["ltv_cac"] for r in rows if r["ltv_cac"]) <= kpis["ltv_cac"]
    overview = call(f"{base}/a/{aid}?lang={lang}")[1].decode()
    page = call(f"{base}/a/{aid}/channels?lang={lang}")[1].decode()
    shown = written(kpis["ltv_cac"], "ratio", lang, "EUR")
    assert _value(overview, "kpi-blended_ltv_cac") == _total(page)["ltv_cac"] == shown
    assert _value(overview, "kpi-blended_cac") == _total(page)["cac"] \
        == written(kpis["blended_cac"], "money", lang, "EUR")
    figures = {f["key"]: f for f in json.loads(call(
        f"{base}/api/analyses/{aid}/figures?lang={lang}")[1])}
    assert figures["blended_ltv_cac"]["text"] == shown
    assert figures["blended_ltv_cac"]["value"] == kpis["ltv_cac"]


def test_amounts_are_written_in_their_currency_for_the_language(eur_site):
    import re

    from clv import measures

    base, aid, a = eur_site
    fr = call(f"{base}/a/{aid}?lang=fr")[1].decode()
    en = call(f"{base}/a/{aid}")[1].decode()
    ltv = a.kpis["lifetime_value"]
    assert _value(fr, "kpi-lifetime_value") == measures.money(ltv, "EUR", "fr")
    assert re.fullmatch(r"\d+,\d{2}\u00a0€", _value(fr, "kpi-lifetime_value"))
    assert _value(en, "kpi-lifetime_value") == f"€{ltv:,.2f}"
    # '1 234,50 €': thousands apart, a decimal comma, the symbol after
    assert re.fullmatch(r"\d{1,3}(\u202f\d{3})+\u00a0€", _value(fr, "kpi-revenue"))
    assert f"€{a.kpis['revenue']:,.0f}" == _value(en, "kpi-revenue")
    assert measures.label("lifetime_value", "fr") in fr and "Valeur vie client" in fr
    page = call(f"{base}/a/{aid}/channels?lang=fr")[1].decode()
    spend = _total(page)["spend"]
    assert re.fullmatch(r"\d{1,3}(\u202f\d{3})*,\d{2}\u00a0€", spend), spend
    assert "Tous les canaux (global)" in page and "LTV d&#39;un nouveau client" in page
    # a language the dashboard does not have: the page in the negotiated one, not an error
    status, body, _ = call(f"{base}/a/{aid}?lang=de")
    assert status == 200 and '<html lang="en">' in body.decode()


@pytest.mark.parametrize("path", ["", "/channels"])
def test_figures_are_defined_on_hover_and_in_the_section(eur_site, path):
    import html
    import re

    from clv import measures

    base, aid, a = eur_site
    for lang in ("en", "fr"):
        text = call(f"{base}/a/{aid}{path}?lang={lang}")[1].decode()
        tips = re.findall(r'<(?:div class="kpi"|th scope="col")[^>]*?title="([^"]+)"'
                          r'[^>]*?aria-describedby="def-(\w+)"', text)
        assert len(tips) >= 8, text
        for tip, key in tips:
            assert f'<dd id="def-{key}">{tip}</dd>' in text, key  # the same words, below
            if key in measures.MEASURES:
                assert html.unescape(tip) == measures.definition(key, lang, a.settings)
        basis = re.search(r'<dl class="basis" id="basis">(.*?)</dl>', text, re.S).group(1)
        assert "EUR (€)" in basis and a.model.NAME in basis and "30" in basis
    overview = call(f"{base}/a/{aid}")[1].decode()
    keys = re.findall(r'<div class="kpi"[^>]*? data-key="(\w+)"', overview)
    assert {"new_customer_ltv", "lifetime_value", "blended_ltv_cac", "active_share"} <= set(keys)
    assert "How these figures are computed" in overview


def test_likely_active_is_blank_with_its_reason_when_nobody_can_be_judged(eur_site):
    from dataclasses import replace

    from clv.web.figures import headline

    _, _, a = eur_site
    shown = {f["key"]: f for f in headline(replace(a, kpis={
        **a.kpis, "active_share": None, "not_judged": a.kpis["customers"]}), "en")}
    assert shown["active_share"]["text"] == "" and "judged" in shown["active_share"]["note"]
    shown = {f["key"]: f for f in headline(replace(a, kpis={**a.kpis, "not_judged": 1234}),
                                          "fr")}
    assert "1\u202f234 clients ne peuvent être jugés" in shown["active_share"]["note"]


def test_the_openapi_schema_describes_the_answers(eur_site):
    import dataclasses

    from clv.valuation import Settings

    base, _, _ = eur_site
    schema = json.loads(call(f"{base}/openapi.json")[1])
    parts = schema["components"]["schemas"]

    def answer(path: str, method: str = "get") -> str:
        body = schema["paths"][path][method]["responses"]["200"]["content"]
        return json.dumps(body["application/json"]["schema"])

    assert "AnalysisOut" in answer("/api/analyses/{aid}")
    assert "ChannelsOut" in answer("/api/analyses/{aid}/channels")
    assert "Figure" in answer("/api/analyses/{aid}/figures")
    assert "JobOut" in answer("/api/jobs/{jid}") and "JobStarted" in answer(
        "/api/analyses", "post")
    for path in ("/api/analyses", "/api/analyses/{aid}/customers", "/api/history",
                 "/api/analyses/{aid}/whatif", "/api/formulas/{formula}", "/api/uploads"):
        method = "put" if path == "/api/uploads" else "get"
        assert "$ref" in answer(path, method) or "items" in answer(path, method), path
    assert parts["AnalysisOut"]["properties"]["kpis"]["$ref"].endswith("/Kpis")
    kpis = parts["Kpis"]["properties"]
    for key in ("ltv_cac", "new_customer_ltv", "lifetime_value", "active_share", "currency"):
        assert key in kpis, key
    assert "3x" in kpis["ltv_cac"]["description"]  # the vocabulary's definition
    row = parts["ChannelRow"]["properties"]
    assert {"channel", "new_customers", "spend", "cac", "ltv", "ltv_cac", "verdict"} <= set(row)
    # the settings are Settings' own: its choices and defaults
    given = parts["SettingsIn"]["properties"]
    defaults = {f.name: f.default for f in dataclasses.fields(Settings)}
    for name in ("unit", "model", "horizon", "horizon_unit", "margin", "discount_rate",
                 "calibration_end", "currency"):
        assert given[name].get("default") == defaults[name], name  # null: left out
    assert given["model"]["enum"] == ["auto", "bgnbd", "mbgnbd", "pnbd"]
    assert "year" in given["unit"]["enum"]
    # the access token, as the guard takes it
    assert {"HTTPBearer", "APIKeyQuery", "APIKeyCookie"} <= set(
        schema["components"]["securitySchemes"])


def test_a_setting_settings_refuse_is_a_422_naming_it(site):
    from clv.web.schemas import SettingsIn

    base, _, _ = site
    for settings, field, words in (({"margin": 2}, "margin", "margin must be in (0, 1]"),
                                   ({"currency": "EURO"}, "currency", "three-letter"),
                                   ({"horizon": 0}, "horizon", "horizon must be more than 0"),
                                   ({"model": "lifetimes"}, "model", "auto"),
                                   ({"lifetime": True}, "lifetime", "Extra")):
        status, body, _ = call(f"{base}/api/analyses", "POST", {
            "source": "nothing", "mapping": {}, "settings": settings})
        assert status == 422, body
        error = json.loads(body)["detail"][0]
        assert error["loc"] == ["body", "settings", field] and words in error["msg"], error
    # the former name of the horizon is still read
    assert SettingsIn(horizon_months=24).settings().horizon == 24
    # the form takes percentages: 150% is refused, naming the margin
    from clv.web.routes.data import FormError, form_settings

    with pytest.raises(FormError, match="argin"):
        form_settings({"margin": "150"})
    assert form_settings({"margin": "30"}).settings().margin == pytest.approx(0.3)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_api_reference_is_served_by_the_dashboard_without_a_cdn(site, lang):
    """/docs lists every route of the OpenAPI schema, from the package alone: no script,
    style or font from elsewhere (Swagger UI's came from a CDN, and the page was blank
    offline)."""
    base, _, _ = site
    status, body, _ = call(f"{base}/docs?lang={lang}")
    text = body.decode()
    assert status == 200 and f'<html lang="{lang}">' in text
    assert not re.search(r'(src|href)="(https?:)?//', text)  # nothing from another site
    schema = json.loads(call(f"{base}/openapi.json")[1])
    for path, item in schema["paths"].items():
        for method in item:
            assert f"<code>{method.upper()} {path}</code>" in text, (method, path)
    assert ("Référence de l&#39;API" in text) == (lang == "fr")


def test_a_page_that_does_not_exist_is_a_page_in_the_browsers_language(site):
    """A browser asking for an analysis of another session (or a mistyped address) gets a
    page in its language with a way back; the API keeps answering JSON."""
    base, _, _ = site
    status, body, _ = call(f"{base}/a/99", headers={"Accept": "text/html",
                                                    "Accept-Language": "fr-FR"})
    text = body.decode()
    assert status == 404 and '<html lang="fr">' in text and "analyse 99" in text
    assert 'href="/history"' in text and "detail" not in text
    status, body, _ = call(f"{base}/api/analyses/99", headers={"Accept": "text/html"})
    assert status == 404 and json.loads(body)["detail"] == "no analysis 99 in this session"
    status, body, _ = call(f"{base}/a/99")  # a script's request: JSON
    assert status == 404 and json.loads(body)["detail"]


def test_the_segments_page_compares_every_segment_whatever_segment_was_chosen(site):
    """A segment filter carried from another page does not hide the other segments (the
    page's menu has no segment choice to show it)."""
    base, aid, _ = site
    plain = call(f"{base}/a/{aid}/segments")[1].decode()
    carried = call(f"{base}/a/{aid}/segments?segment=champions")[1].decode()
    rows = re.compile(r'<table[^>]*id="segments".*?</table>', re.S)
    assert rows.search(plain).group() == rows.search(carried).group()
