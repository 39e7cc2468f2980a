"""Figures that add up, and no figure where the data cannot give one.

- "Revenue" is the revenue of the customers counted, so that customers x revenue per
  customer = revenue on every face (a customer with refunds only is left out of both, and
  the notes say so); it was the sum of every kept row, refund-only customers included.
- When the data cannot say how often customers buy again (nobody bought twice, or every first
  purchase is on the data's last day), the figures of the future are not given: null in the
  KPIs, the command line's JSON and the scores, "no prediction possible" on the command line,
  the report and the dashboard, with the note that says why. They were shown as figures
  (a total of 1.2e-05 for a shop of one-time buyers, 0.55 for a one-day log)."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest

import clv
from clv import report
from clv.pipeline import UNPREDICTED
from clv.web import build
from webtools import call, running

CLV = Path(sys.executable).parent / "clv"
START = dt.datetime(2023, 1, 1)


def _run(*args: object) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([str(CLV), *map(str, args)], capture_output=True, text=True,
                          timeout=300)
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def one_time_shop(n: int = 120, seed: int = 1) -> pl.DataFrame:
    """Every customer bought once, over 500 days."""
    rng = np.random.default_rng(seed)
    return pl.DataFrame({
        "customer_id": [f"c{i}" for i in range(n)],
        "timestamp": [START + dt.timedelta(days=float(d)) for d in rng.uniform(0, 500, n)],
        "amount": np.round(rng.gamma(4, 10, n), 2)})


def one_day_shop(n: int = 40) -> pl.DataFrame:
    """Every purchase on one day: the data end the day they start."""
    return pl.DataFrame({"customer_id": [f"c{i}" for i in range(n)],
                         "timestamp": [START] * n,
                         "amount": [10.0 + i for i in range(n)]})


def test_revenue_is_the_customers_revenue_on_every_face(tmp_path):
    shop = clv.sample_shop(300, seed=5).transactions
    # two customers with refunds only: not customers (no purchase), their refunds left out
    refunds = pl.DataFrame({"customer_id": ["ghost1", "ghost2"],
                            "timestamp": [dt.datetime(2024, 3, 1)] * 2,
                            "amount": [-80.0, -45.5]}).with_columns(
        pl.col("timestamp").cast(shop["timestamp"].dtype))
    log = pl.concat([shop.select(refunds.columns), refunds])
    a = clv.analyze(log, settings=clv.Settings(draws=20))
    k = a.kpis
    assert "ghost1" not in a.value["customer_id"].to_list()
    assert k["customers"] * k["historical_ltv"] == pytest.approx(k["revenue"], rel=1e-12)
    assert k["revenue"] == pytest.approx(float(shop["amount"].sum()), rel=1e-12)
    assert k["revenue"] == pytest.approx(float(log["amount"].sum()) + 125.5, rel=1e-12)
    # the command line's JSON says the same
    path = tmp_path / "log.csv"
    log.write_csv(path)
    said = json.loads(_run("analyze", path, "--json", "--draws", "20").stdout)["kpis"]
    assert said["revenue"] == pytest.approx(k["revenue"], rel=1e-9)
    assert said["customers"] * said["historical_ltv"] == pytest.approx(said["revenue"],
                                                                       rel=1e-9)


@pytest.mark.parametrize(("shop", "key"), [(one_time_shop, "no_prediction_repeat"),
                                           (one_day_shop, "no_prediction_time")])
def test_no_prediction_is_said_not_shown_as_a_figure(shop, key, tmp_path):
    a = clv.analyze(shop(), settings=clv.Settings(draws=20))
    assert a.kpis["no_prediction"] == key
    assert all(a.kpis[k] is None for k in UNPREDICTED)
    said = [n for n in a.notes if getattr(n, "key", None) == key]
    assert len(said) == 1 and said[0].startswith("no prediction possible")
    # the history is still given
    assert a.kpis["revenue"] == pytest.approx(float(shop()["amount"].sum()))

    # the command line: the note, no table of zeros, and null in its JSON
    path = tmp_path / "log.csv"
    shop().write_csv(path)
    shown = " ".join(_run("predict", path, "--draws", "20").stdout.split())
    assert "no prediction possible (see the note above)" in shown
    assert "Top customers" not in shown
    got = json.loads(_run("predict", path, "--json", "--draws", "20").stdout)
    assert got["no_prediction"] == key and set(got["total"].values()) == {None}
    assert all(row["clv"] is None and row["lifetime_value"] is None
               for row in got["customers_table"])
    assert all(row["revenue_to_date"] > 0 for row in got["customers_table"])
    kpis = json.loads(_run("analyze", path, "--json", "--draws", "20").stdout)["kpis"]
    assert kpis["no_prediction"] == key and kpis["predicted_clv_total"] is None

    # the report, in both languages: the tiles say why, the note replaces the histogram
    en, fr = report.render(a, "en"), report.render(a, "fr")
    assert en.count("no prediction possible (see the notes under Data quality)") == 4
    assert "no prediction possible:" in en and "90% interval: - – -" not in en
    assert fr.count("aucune prévision possible (voir les notes sous Qualité des données)") == 4
    assert "aucune prévision possible :" in fr.replace("\u00a0", " ")


def test_the_dashboard_says_no_prediction_on_the_overview(tmp_path):
    a = clv.analyze(one_time_shop(), settings=clv.Settings(draws=20))
    app = build(f"sqlite:///{tmp_path / 'history.db'}", workdir=tmp_path / "uploads",
                analyses=[(a, "one-time")])
    with running(app) as base:
        for lang, words in (("en", "no prediction possible on this data"),
                            ("fr", "aucune prévision possible sur ces données")):
            status, body, _ = call(f"{base}/a/1?lang={lang}")
            assert status == 200
            page = body.decode()
            assert page.count(words) >= 4, lang
            found = re.search(r'id="kpi-predicted_clv_total".*?<div class="value">(.*?)</div>',
                              page, re.S)
            assert found and not re.search(r"\d", found.group(1)), found
            # the note instead of a histogram of zeros
            assert 'id="no-prediction"' in page and 'id="chart-distribution"' not in page
        status, body, _ = call(f"{base}/a/1/customers?segment=x")
        assert status == 200


def test_a_shop_with_repeat_buyers_is_predicted():
    a = clv.analyze(clv.sample_shop(200, seed=2).transactions, settings=clv.Settings(draws=20))
    assert "no_prediction" not in a.kpis and a.kpis["predicted_clv_total"] > 0
    assert not any(getattr(n, "key", "").startswith("no_prediction") for n in a.notes)


def test_the_lists_of_customers_give_no_figure_of_the_future(tmp_path):
    """The per-customer lists (the library's table, the segments, tiers and concentration,
    the report's tiers, the dashboard's customers and segments pages and their exports) give
    no future value, P(alive) or tier when no prediction is possible: they were the
    degenerate fit's ~0 (CLV 0.0015 per customer, tiers ranking customers by it)."""
    a = clv.analyze(one_time_shop(), settings=clv.Settings(draws=20))
    listed = a.listed
    for column in ("clv", "p_alive", "expected_purchases", "tier", "clv_lower", "clv_upper",
                   "p_purchase_30d", "expected_next_purchase"):
        assert listed[column].null_count() == listed.height, column
    assert listed["revenue"].min() > 0 and listed["segment"].null_count() == 0
    segs = a.segments
    assert segs.tiers.height == 0 and list(segs.concentration) == ["historical"]
    profiled = segs.segments.filter(pl.col("customers") > 0)
    assert profiled["predicted_clv"].null_count() == profiled.height
    assert profiled["revenue_to_date"].sum() == pytest.approx(listed["revenue"].sum())
    assert a.kpis["gini_predicted"] is None

    en = report.render(a, "en")
    concentration = en.split('id="concentration"')[1].split("</section>")[0]
    assert "Gini" not in concentration and "<table" not in concentration  # no tiers
    top = en.split('<section id="top">')[1].split("</section>")[0]
    assert "<table" not in top and "no prediction possible" in top

    app = build(f"sqlite:///{tmp_path / 'history.db'}", workdir=tmp_path / "uploads",
                analyses=[(a, "one-time")])
    with running(app) as base:
        for lang, words in (("en", "no prediction possible"), ("fr", "aucune prévision possible")):
            status, body, _ = call(f"{base}/a/1/segments?lang={lang}")
            page = body.decode().replace("\u00a0", " ")
            assert status == 200 and 'id="no-prediction"' in page and words in page, lang
            assert 'id="chart-tiers"' not in page
        status, body, _ = call(f"{base}/a/1/export/customers.csv?lang=en")
        assert status == 200
        rows = pl.read_csv(body)
        assert rows.height == listed.height
        future = [c for c in rows.columns if c.startswith(("Future value", "P(alive)",
                                                             "Value tier", "Expected purchases"))]
        assert len(future) == 6, rows.columns
        for column in future:
            assert rows[column].null_count() == rows.height, column
        status, body, _ = call(f"{base}/a/1/export/segments.csv?lang=en")
        assert status == 200
        seg_rows = pl.read_csv(body)
        future = [c for c in seg_rows.columns if "Future value" in c]
        assert future, seg_rows.columns
        for column in future:
            assert seg_rows[column].null_count() == seg_rows.height, column
        status, body, _ = call(f"{base}/a/1/customers?lang=en")
        page = body.decode()
        assert status == 200 and page.count(">no prediction<") >= 2 * 50
        # the most valuable first: by revenue to date when there is no future value
        shown = re.findall(r'<th scope="row"><a href="[^"]*">([^<]*)</a>', page)
        by_revenue = listed.sort("revenue", descending=True)["customer_id"].to_list()
        assert shown == by_revenue[:len(shown)] and len(shown) >= 20
        status, body, _ = call(f"{base}/a/1/customers/c0?lang=fr")
        page = body.decode()
        assert status == 200 and page.count(">aucune prévision<") == 5, page
        status, body, _ = call(f"{base}/a/1/segments?lang=en")
        assert body.decode().count(">no prediction<") == 2 * 3  # future value, P(alive)
