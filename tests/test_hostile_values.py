"""Bounded values, dates and horizons (issue 14): amounts that overflow, placeholder dates, a
history of centuries, files of a thousand columns, shops on one day, horizons of a century and
what-if levers of 1e308 end in an analysis with notes or in one sentence, never in a traceback,
a hang, inf or NaN; every row read stays kept or excluded under one reason, with its amount."""

from __future__ import annotations

import datetime as dt
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from clv.cohorts import cohorts
from clv.data import issues as why
from clv.data import read_transactions
from clv.data.issues import DataIssues
from clv.datasets import sample_shop
from clv.errors import ClvError, DataError
from clv.models import BGNBD, GammaGamma, ParetoNBD
from clv.pipeline import MAX_HORIZON_MONTHS, Settings, analyze
from clv.prep import rfm_summary
from clv.report.text import note, reason
from clv.scenarios import MAX_CHANGE, Levers, break_even, sensitivity, what_if
from clv.value import customer_value

CLI = [sys.executable, "-m", "clv"]


@pytest.fixture(scope="module")
def shop() -> pl.DataFrame:
    """A realistic shop of 300 customers (order_id, customer_id, timestamp, amount, ...)."""
    return sample_shop(300, seed=3).transactions


def _with_rows(shop: pl.DataFrame, **changes: list) -> pl.DataFrame:
    """The shop with rows copied from its first ones, their columns set to ``changes``."""
    n = len(next(iter(changes.values())))
    extra = shop.head(n).with_columns(
        (pl.col("order_id") + 10_000_000).alias("order_id"),
        *[pl.Series(k, v) for k, v in changes.items()])
    return pl.concat([shop.with_columns(pl.col("amount").cast(pl.Float64)),
                      extra.with_columns(pl.col("amount").cast(pl.Float64))])


def _conserved(issues: DataIssues) -> None:
    assert issues.balanced
    assert issues.rows_read == issues.rows_kept + issues.rows_excluded
    assert math.isfinite(issues.amount_read) and math.isfinite(issues.amount_kept)
    assert issues.amount_read == pytest.approx(issues.amount_kept + issues.amount_excluded)


def _run(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """A command of the installed CLI, bounded in time: exit 0 or 2, never a traceback."""
    done = subprocess.run(CLI + args, capture_output=True, text=True, timeout=60,
                          cwd=tmp_path)
    assert done.returncode in (0, 2), done.stderr[-2000:]
    assert "Traceback" not in done.stderr + done.stdout
    return done


# --- 1. amounts out of range, outliers ----------------------------------------------------
def test_amounts_that_overflow_are_excluded_and_sums_stay_finite(tmp_path: Path) -> None:
    path = tmp_path / "overflow.csv"
    path.write_text("customer_id,date,amount\n"
                    "a,2024-01-01,1e308\nb,2024-01-02,1e308\nc,2024-01-03,-1e308\n"
                    "d,2024-01-04,1e400\ne,2024-01-05,inf\nf,2024-01-06,NaN\n"
                    "g,2024-01-07,10.50\nh,2024-01-08,999999999999\n")
    tx = read_transactions(path)
    issues = tx.issues
    _conserved(issues)
    assert issues.excluded(why.AMOUNT_RANGE) == 5  # 1e308 twice, -1e308, 1e400, inf
    assert issues.excluded(why.BAD_AMOUNT) == 1  # NaN is no amount
    assert issues.amount_read == pytest.approx(10.5 + 999_999_999_999)
    assert sorted(tx.frame["customer_id"]) == ["g", "h"]
    excluded = next(e for e in issues.exclusions if e.reason == why.AMOUNT_RANGE)
    assert excluded.amount == 0.0 and excluded.examples[0]["amount"] == "1e308"
    assert reason(why.AMOUNT_RANGE, "fr") != why.AMOUNT_RANGE


def test_max_amount_bounds_and_is_checked(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text("customer_id,date,amount\na,2024-01-01,2000000\nb,2024-01-02,25\n")
    tx = read_transactions(path, max_amount=1e6)
    assert tx.issues.excluded(why.AMOUNT_RANGE) == 1 and tx.issues.rows_kept == 1
    assert read_transactions(path).issues.rows_kept == 2  # 1e12 by default
    for bad in (0, -1.0, math.inf, math.nan, "1e6"):
        with pytest.raises(ClvError, match="max_amount"):
            read_transactions(path, max_amount=bad)  # type: ignore[arg-type]


def test_amounts_out_of_range_under_an_earlier_reason_add_nothing_to_the_sums(
        tmp_path: Path) -> None:
    path = tmp_path / "nobody.csv"
    path.write_text("customer_id,date,amount\n,2024-01-01,1e308\n,2024-01-02,1e308\n"
                    "a,2024-01-03,12\n")
    issues = read_transactions(path).issues
    _conserved(issues)
    assert issues.excluded(why.MISSING_CUSTOMER) == 2 and issues.amount_read == 12.0


def test_analyze_with_overflowing_amounts(shop: pl.DataFrame) -> None:
    frame = _with_rows(shop, amount=[1e308, 1e308, -1e308])
    a = analyze(frame)
    _conserved(a.transactions.issues)
    assert a.transactions.issues.excluded(why.AMOUNT_RANGE) == 3
    assert math.isfinite(a.kpis["revenue"]) and math.isfinite(a.kpis["predicted_clv_total"])


def test_a_conservation_failure_is_a_sentence(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "ok.csv"
    path.write_text("customer_id,date,amount\na,2024-01-01,10\n")
    monkeypatch.setattr(DataIssues, "balanced", property(lambda self: False))
    with pytest.raises(DataError, match="not conserved .*bug of clv"):
        read_transactions(path)


def test_outlier_amount_is_a_note_naming_row_and_customer(shop: pl.DataFrame) -> None:
    assert not any(getattr(n, "key", "") == "outlier_amount"
                   for n in read_transactions(shop).issues.notes)
    frame = _with_rows(shop, amount=[5_000_000.0], customer_id=["C-TYPO"])
    tx = read_transactions(frame)
    found = [n for n in tx.issues.notes if getattr(n, "key", "") == "outlier_amount"]
    assert len(found) == 1 and tx.issues.rows_kept == frame.height  # a note, not an exclusion
    (outlier,) = found
    assert outlier.values["row"] == frame.height  # the last row (a frame counts from 1)
    assert outlier.values["customer"] == "C-TYPO" and outlier.values["amount"] == 5e6
    assert outlier.values["ratio"] > 1_000
    assert "5,000,000.00" in outlier and "typo" in outlier
    assert "5" in note(outlier, "fr") and "faute de frappe" in note(outlier, "fr")


# --- 2. dates before a floor, histories of centuries ----------------------------------------
def test_placeholder_dates_are_excluded_with_their_amounts(shop: pl.DataFrame,
                                                          tmp_path: Path) -> None:
    frame = _with_rows(shop, timestamp=[dt.datetime(1, 1, 1), dt.datetime(1900, 1, 1)],
                       amount=[11.0, 22.0])
    path = tmp_path / "placeholders.csv"
    frame.write_csv(path)
    issues = read_transactions(path).issues
    _conserved(issues)
    assert why.EARLY_DATE == "date before 1970-01-01 (a placeholder)"
    early = next(e for e in issues.exclusions if e.reason == why.EARLY_DATE)
    assert (early.count, early.amount) == (2, 33.0)
    assert reason(why.EARLY_DATE, "fr") != why.EARLY_DATE

    lower = read_transactions(path, earliest="1900-01-01").issues
    assert lower.excluded(why.early_date(dt.date(1900, 1, 1))) == 1  # the year 1 only
    assert lower.rows_kept == issues.rows_kept + 1
    assert read_transactions(path, earliest=None).issues.rows_kept == frame.height
    with pytest.raises(ClvError, match="earliest must be a date"):
        read_transactions(path, earliest="the beginning")
    with pytest.raises(DataError, match="placeholder") as caught:
        read_transactions(path, strict=True)
    assert caught.value.column == "timestamp"


@pytest.mark.parametrize("text", ["0001-01-01", "01/01/0001", "1900-01-01", "0000-01-01",
                                  "0001-01-01T00:00:00+01:00"])
def test_dates_of_year_1_and_1900_read_without_crashing(text: str, tmp_path: Path) -> None:
    path = tmp_path / "old.csv"
    path.write_text(f"customer_id,date,amount\na,{text},5\nb,13/03/2024,7\n"
                    if "/" in text else f"customer_id,date,amount\na,{text},5\nb,2024-03-13,7\n")
    issues = read_transactions(path).issues
    _conserved(issues)
    # year 0 (written, or reached by the offset) is no Python date: unparsable
    expected = why.BAD_DATE if text.startswith("0000") or "+01" in text else why.EARLY_DATE
    assert issues.excluded(expected) == 1 and issues.rows_kept == 1


ANALYZE_OLD = """
import json, sys
from clv.data import read_transactions
from clv.pipeline import analyze
a = analyze(read_transactions(sys.argv[1], earliest=None))
t = a.cohorts.table
print(json.dumps({"ages": int(t["age"].max()), "excluded": a.cohorts.basis["excluded"],
                  "notes": [n.key for n in a.notes if hasattr(n, "key")]}))
"""


@pytest.mark.parametrize("year", [1, 1900])
def test_a_history_of_centuries_is_bounded(year: int, shop: pl.DataFrame,
                                           tmp_path: Path) -> None:
    """With the floor lowered, one customer from year 1 made the cohort table 24,300 months
    long (330 s on 2,000 customers); the ages stop at 50 years and the lines past are said."""
    path = tmp_path / f"y{year}.csv"
    _with_rows(shop, timestamp=[dt.datetime(year, 1, 1)]).write_csv(path)
    done = subprocess.run([sys.executable, "-c", ANALYZE_OLD, str(path)], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout)
    assert out["ages"] == 600 and "cohort_ages_capped" in out["notes"]
    assert "lines past the last age" in out["excluded"]
    # through the CLI the placeholder is excluded by default, and the report is written
    _run(["report", str(path), "-o", str(tmp_path / "r.html")], tmp_path)
    assert (tmp_path / "r.html").stat().st_size > 10_000


def test_cohorts_refuse_an_age_beyond_the_bound(shop: pl.DataFrame) -> None:
    tx = read_transactions(shop)
    summary = rfm_summary(tx)
    with pytest.raises(ClvError, match="max_age must be between 0 and 600 months"):
        cohorts(tx, summary, max_age=10_000)


# --- 3. the identical-row check on a thousand columns --------------------------------------
def test_identical_rows_on_a_thousand_columns(tmp_path: Path) -> None:
    """Hashing every column in one nested expression took 4 s at 1,000 columns and 40 s at
    2,000 (planning), whatever the rows; column by column it is linear."""
    rng = np.random.default_rng(0)
    n, width = 120, 1_000
    cols = {"order_id": [f"o{i}" for i in range(n)],
            "customer_id": [f"c{i % 40}" for i in range(n)],
            "date": [f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}" for i in range(n)],
            "amount": np.round(rng.uniform(5, 100, n), 2)}
    cols |= {f"attribute_{j}": rng.integers(0, 3, n) for j in range(width - 4)}
    frame = pl.DataFrame(cols)
    twin = frame.head(1).with_columns(pl.col("attribute_500") + 1)  # differs in one column
    data = pl.concat([frame, frame.slice(10, 5), twin])
    path = tmp_path / "wide.csv"
    data.write_csv(path)
    named = {"customer": "customer_id", "date": "date", "amount": "amount", "detect": False}
    with_order = read_transactions(path, order_id="order_id", **named).issues  # type: ignore[arg-type]
    _conserved(with_order)
    assert with_order.excluded(why.DUPLICATE) == 5  # the twin differs in an unmapped column
    without = read_transactions(path, **named).issues  # type: ignore[arg-type]
    assert any(getattr(x, "key", "") == "identical_rows" and x.values["n"] == 5
               for x in without.notes)


# --- 4. degenerate timing --------------------------------------------------------------------
def _write(path: Path, rows: list[tuple[str, str, float]]) -> Path:
    path.write_text("customer_id,date,amount\n"
                    + "".join(f"{c},{d},{a:.2f}\n" for c, d, a in rows))
    return path


def _one_timestamp(tmp_path: Path) -> Path:
    rng = np.random.default_rng(1)
    return _write(tmp_path / "one_timestamp.csv",
                  [(f"c{i}", "2024-03-01 10:00", float(rng.uniform(5, 100))) for i in range(50)])


@pytest.mark.parametrize("kind", ["one_timestamp", "two_days", "one_customer"])
def test_degenerate_timing_gives_an_analysis_with_notes(kind: str, tmp_path: Path) -> None:
    if kind == "one_timestamp":
        path = _one_timestamp(tmp_path)
    elif kind == "two_days":
        path = _write(tmp_path / "two_days.csv",
                      [(f"c{i}", f"2024-03-0{1 + i % 2}", 10.0 + i) for i in range(60)])
    else:
        path = _write(tmp_path / "one.csv", [("a", d, 25.0) for d in
                                             ("2024-01-05", "2024-02-10", "2024-04-01")])
    a = analyze(read_transactions(path))
    assert a.notes  # which model, and why
    assert math.isfinite(a.kpis["revenue"])
    # one timestamp: every first purchase on the data's last day; two days: nobody bought
    # twice; no prediction is possible (said, the figures of the future null); one customer
    # who bought three times: a figure
    unpredictable = {"one_timestamp": "no_prediction_time", "two_days": "no_prediction_repeat"}
    if kind in unpredictable:
        assert a.kpis["no_prediction"] == unpredictable[kind]
        assert a.kpis["predicted_clv"] is None
    else:
        assert "no_prediction" not in a.kpis and math.isfinite(a.kpis["predicted_clv"])
    assert np.isfinite(a.value["clv"].to_numpy()).all()
    assert a.sensitivity.height == 5


@pytest.mark.parametrize("command", ["analyze", "report", "predict", "fit"])
def test_degenerate_shops_through_the_cli(command: str, tmp_path: Path) -> None:
    days = ["2024-01-02", "2024-02-11", "2024-03-20", "2024-05-01", "2024-06-15",
            "2024-08-01", "2024-09-09"]
    seven = _write(tmp_path / "seven.csv",
                   [(f"c{i}", days[(i + k * 2) % 7], 20.0 + 7 * ((i * 3 + k) % 5))
                    for i in range(7) for k in range(1 + i % 3)])
    for path in (_one_timestamp(tmp_path), seven):
        extra = ["-o", str(tmp_path / "x.html")] if command == "report" else []
        _run([command, str(path), *extra], tmp_path)


# --- 5. horizons -----------------------------------------------------------------------------
def test_horizons_are_bounded_everywhere(shop: pl.DataFrame, tmp_path: Path) -> None:
    assert MAX_HORIZON_MONTHS == 600
    Settings(horizon=600)
    Settings(horizon=50, horizon_unit="year")
    for kw in ({"horizon": 1200}, {"horizon": math.inf}, {"horizon": math.nan},
               {"horizon": 0}, {"horizon": 51, "horizon_unit": "year"}):
        with pytest.raises(ClvError, match="horizon must be more than 0 and at most"):
            Settings(**kw)  # type: ignore[arg-type]
    with pytest.raises(ClvError, match="next_days"):
        Settings(next_days=1e308)
    with pytest.raises(ClvError, match="horizon_unit"):
        Settings(horizon_unit="fortnight")
    tx = read_transactions(shop)
    summary = rfm_summary(tx)
    model = BGNBD().fit(summary)
    with pytest.raises(ClvError, match="at most 600 months"):
        customer_value(model, summary, 1200, "month")
    with pytest.raises(ClvError, match="at most"):
        model.predict(summary, 1e308)
    path = tmp_path / "shop.csv"
    shop.write_csv(path)
    done = _run(["analyze", str(path), "--horizon", "1200"], tmp_path)
    assert done.returncode == 2 and "600" in done.stderr


# --- 6. what-if levers ------------------------------------------------------------------------
def test_levers_are_bounded_with_a_sentence() -> None:
    for name in ("retention", "frequency", "basket", "margin", "discount_rate", "cac"):
        for bad in (1e308, math.inf, math.nan, -1.0, MAX_CHANGE + 0.01):
            with pytest.raises(ClvError, match=f"lever {name} must be a change above -100% "
                                               "and at most \\+1,000%"):
                Levers(**{name: bad})
    Levers(retention=MAX_CHANGE, frequency=-0.99)


@pytest.mark.parametrize("model", [BGNBD, ParetoNBD])
def test_levers_at_their_bounds_give_finite_figures(model: type, shop: pl.DataFrame) -> None:
    summary = rfm_summary(read_transactions(shop))
    purchases = model().fit(summary)
    spend = GammaGamma().fit(summary)
    for levers in (Levers(retention=MAX_CHANGE, frequency=MAX_CHANGE, basket=MAX_CHANGE),
                   Levers(retention=-0.999999, frequency=-0.999999, discount_rate=MAX_CHANGE)):
        s = what_if(purchases, summary, 600, "month", levers=levers, spend=spend, margin=0.4,
                    discount_rate=0.1, cac=30.0)
        figures = [v for d in (s.base, s.scenario) for v in d.values()
                   if isinstance(v, float)]
        assert all(math.isfinite(v) for v in figures)
        assert np.isfinite(s.customers.select("clv_scenario", "change").to_numpy()).all()
    with pytest.raises(ClvError, match="limit must be above 0 and at most 10"):
        break_even(purchases, summary, 12, lever="basket", offset=Levers(), limit=1e308)


def test_sensitivity_of_a_base_worth_nothing(shop: pl.DataFrame) -> None:
    summary = rfm_summary(read_transactions(shop))
    table = sensitivity(BGNBD().fit(summary), summary, 12, "month", spend=0.0)
    assert table["total_pct_per_pct"].is_nan().all()  # undefined, not a ZeroDivisionError
