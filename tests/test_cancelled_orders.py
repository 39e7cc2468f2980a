"""A cancelled order is no revenue: Squarespace's and Shopify's order exports write the date
an order was cancelled in 'Cancelled at', on the order's first line only (its further lines
have every order-level column blank). A row of an order with a cancellation is excluded as
``order status not paid``, whatever its status says, and a further line takes its order's
cancellation (as a blank status takes its order's): through the installed ``clv`` script
(check and summary, English and French), and alike in the readers, the Spark engine and the
database's summary (DuckDB; PostgreSQL with CLV_TEST_POSTGRES_URL): the same rows kept, the
same exclusions (reason, count, amount), the same notes and summary."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from clv import read_transactions
from clv.data import issues as why
from exporttools import check as _check
from exporttools import cli as _cli
from exporttools import write as _write_file
from test_real_exports5 import SQUARESPACE

NOT_PAID = why.STATUS_NOT_PAID


def _summary(path: Path, *args: str) -> dict[str, Any]:
    done = _cli("summary", path, "--json", *args)
    assert done.returncode == 0, done.stderr + done.stdout
    assert "Traceback" not in done.stderr
    out: dict[str, Any] = json.loads(done.stdout)
    return out


def _excluded(out: dict[str, Any]) -> dict[str, tuple[int, float]]:
    return {e["reason"]: (e["count"], round(e["amount"], 6)) for e in out["exclusions"]}


def _french(path: Path) -> str:
    fr = _cli("check", path, lang="fr")
    assert fr.returncode == 0, fr.stderr + fr.stdout
    assert "Traceback" not in fr.stderr
    return fr.stdout + fr.stderr


# --- A. Squarespace: an order cancelled, with a further line ---------------------------------

SQUARESPACE_CANCELLED = SQUARESPACE + (
    # a third customer's only order, paid then cancelled: the date on its first line only
    "00104,cid@example.com,PAID,2024-02-10 09:00:00 -0500,UNFULFILLED,USD,50.00,0.00,0.00,"
    "0.00,50.00,2024-02-10 09:00:00 -0500,1,Mug,15.00,SQ123,Cid Cole,"
    "2024-02-11 08:30:00 -0500\n"
    "00104,,,,,,,,,,,,1,Poster,35.00,SQ124,,\n"
)


def test_squarespace_cancelled_order_is_not_revenue(tmp_path: Path) -> None:
    path = _write_file(tmp_path, "squarespace_orders.csv", SQUARESPACE_CANCELLED)
    out = _check(path)
    assert out["mapping"]["cancelled"] == "Cancelled at"
    # both lines of order 00104 (its total 50 on the first), under the not-paid reason
    assert _excluded(out) == {NOT_PAID: (2, 50.0)}
    assert out["rows_kept"] == 5 and abs(out["amount_kept"] - 135.0) < 0.01
    examples = out["exclusions"][0]["examples"]
    assert len(examples) == 2
    # the examples show the cancellation, the further line's taken from its order
    assert all(ex["Cancelled at"] == "2024-02-11 08:30:00 -0500" for ex in examples)
    said = _summary(path)
    assert said["summary"]["customers"] == 2  # ann and bob: cid's only order was cancelled
    assert abs(said["summary"]["amount"] - 135.0) < 0.01
    assert _excluded(said["data"]) == {NOT_PAID: (2, 50.0)}
    text = _french(path)
    assert "commande non payée" in text and "date d'annulation" in text


# --- B. Shopify: cancelled orders whatever their financial status ----------------------------

SHOPIFY = (
    "Name,Email,Financial Status,Paid at,Fulfillment Status,Accepts Marketing,Currency,"
    "Subtotal,Shipping,Taxes,Total,Created at,Lineitem quantity,Lineitem name,Lineitem price,"
    "Billing Name,Notes,Cancelled at,Payment Method,Refunded Amount,Id,Source\n"
    "#1001,anna@example.com,paid,2024-03-05 10:14:07 +0100,fulfilled,yes,EUR,58.00,4.90,"
    "10.49,62.90,2024-03-05 10:14:05 +0100,2,Mug,19.00,Anna B,,,Stripe,0.00,5501,web\n"
    "#1001,anna@example.com,,,,,,,,,,2024-03-05 10:14:05 +0100,1,Teapot,20.00,,,,,,,\n"
    "#1002,ben@example.com,paid,2024-03-07 18:01:00 +0100,fulfilled,no,EUR,25.00,4.90,5.00,"
    "29.90,2024-03-07 18:00:59 +0100,1,Teapot,25.00,Ben C,,,Stripe,0.00,5502,web\n"
    # paid, then cancelled without a refund yet: still no revenue
    "#1003,carl@example.com,paid,2024-03-10 09:00:00 +0100,unfulfilled,no,EUR,40.00,0.00,"
    "8.00,48.00,2024-03-10 08:59:58 +0100,1,Cap,15.00,Carl D,,2024-03-11 09:30:00 +0100,"
    "Stripe,0.00,5503,web\n"
    "#1003,carl@example.com,,,,,,,,,,2024-03-10 08:59:58 +0100,1,Scarf,25.00,,,,,,,\n"
    # authorised, cancelled before capture
    "#1004,ben@example.com,authorized,,unfulfilled,no,EUR,30.00,0.00,6.00,36.00,"
    "2024-04-02 11:00:00 +0200,1,Mug,30.00,Ben C,,2024-04-02 15:00:00 +0200,Stripe,0.00,"
    "5504,web\n"
)


def test_shopify_cancelled_orders_are_not_revenue(tmp_path: Path) -> None:
    path = _write_file(tmp_path, "orders_export_1.csv", SHOPIFY)
    out = _check(path)
    assert out["mapping"]["cancelled"] == "Cancelled at"
    assert "preset shopify" in out["mapping_origin"]["cancelled"]
    assert _excluded(out) == {NOT_PAID: (3, 70.0)}  # #1003 (2 lines, 40) and #1004 (30)
    assert out["rows_kept"] == 3 and abs(out["amount_kept"] - 83.0) < 0.01
    assert all(ex["Cancelled at"] for ex in out["exclusions"][0]["examples"])
    said = _summary(path)
    assert said["summary"]["customers"] == 2  # anna and ben; carl's only order cancelled
    assert abs(said["summary"]["amount"] - 83.0) < 0.01
    text = _french(path)
    assert "commande non payée" in text and "date d'annulation" in text


def test_a_log_without_cancellation_reads_as_before(tmp_path: Path) -> None:
    """Squarespace's column all blank: nothing excluded (the sample of the fifth round)."""
    path = _write_file(tmp_path, "squarespace_orders.csv", SQUARESPACE)
    out = _check(path)
    assert out["mapping"]["cancelled"] == "Cancelled at"
    assert out["rows_excluded"] == 0 and abs(out["amount_kept"] - 135.0) < 0.01


# --- C. the same rule in the three engines -----------------------------------------------------

AS_OF = dt.datetime(2026, 1, 1)
pytestmark = [pytest.mark.filterwarnings("ignore:unclosed <socket:ResourceWarning"),
              pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")]


def _at(day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(2025, 1, 1, hour) + dt.timedelta(days=day)


def shopify_typed() -> tuple[pl.DataFrame, dict[str, Any]]:
    """A Shopify export (its preset detected) with typed columns: the subtotal, financial
    status, currency and cancellation on an order's first line only. A cancelled order is
    excluded whether its status says paid, pending (counted once) or nothing."""
    orders = [  # order, customer, day, subtotal, status, currency, cancelled on day, lines
        ("#1001", "anna@x.com", 4, 100.0, "paid", "EUR", None, 3),
        ("#1002", "anna@x.com", 40, 50.0, "paid", "EUR", 41, 2),
        ("#1003", "ben@x.com", 19, 80.0, "pending", "EUR", 20, 2),
        ("#1004", "ben@x.com", 59, 60.0, "paid", "EUR", None, 1),
        ("#1005", "carl@x.com", 31, 40.0, None, "EUR", 32, 1),
        ("#1006", "carl@x.com", 90, 70.0, "refunded", "EUR", None, 2),
        ("#1007", "dan@x.com", 120, 30.0, "authorized", "EUR", None, 1),
    ]
    rows: dict[str, list[Any]] = {k: [] for k in (
        "Name", "Email", "Created at", "Subtotal", "Financial Status", "Currency",
        "Cancelled at", "Lineitem name")}
    for order, email, day, subtotal, status, currency, cancelled, lines in orders:
        for line in range(lines):
            first = line == 0
            rows["Name"].append(order)
            rows["Email"].append(email)
            rows["Created at"].append(_at(day))
            rows["Subtotal"].append(subtotal if first else None)
            rows["Financial Status"].append(status if first else None)
            rows["Currency"].append(currency if first else " ")
            rows["Cancelled at"].append(_at(cancelled) if first and cancelled else None)
            rows["Lineitem name"].append(f"item {line}")
    frame = pl.DataFrame(rows, schema_overrides={
        "Subtotal": pl.Float64, "Financial Status": pl.String,
        "Cancelled at": pl.Datetime("us")})
    return frame, {}


def lines_as_text() -> tuple[pl.DataFrame, dict[str, Any]]:
    """Line amounts on every line, no status column, the cancellation written as text
    ('', ' ' blank) on one line of its order: the first, or another (order 12: its second);
    a one-line order cancelled; a log without an order's further lines to fill."""
    frame = pl.DataFrame({
        "order_id": [10, 10, 11, 12, 12, 12, 13, 14, 14, 15],
        "customer_id": ["a", "a", "b", "a", "a", "a", "c", "b", "b", "c"],
        "date": [_at(d) for d in (1, 1, 5, 9, 9, 9, 20, 30, 30, 44)],
        "amount": [10.0, 15.0, 22.0, 5.0, 6.0, 7.0, 9.0, 31.0, 4.0, 12.5],
        "canceled_at": ["", " ", "2025-01-07", None, " 2025-01-12 ", "", "2025-01-22",
                        None, None, " "],
    })
    return frame, {"customer": "customer_id", "date": "date", "amount": "amount",
                   "order_id": "order_id"}


RULES: dict[str, Callable[[], tuple[pl.DataFrame, dict[str, Any]]]] = {
    "shopify_typed": shopify_typed, "lines_as_text": lines_as_text}
EXPECTED = {  # rule: (excluded count, amount), rows kept, amount kept, customers kept
    "shopify_typed": ((7, 240.0), 5, 190.0, {"anna@x.com", "ben@x.com", "dan@x.com"}),
    "lines_as_text": ((5, 49.0), 5, 72.5, {"a", "b", "c"}),
}
COLUMN = {"shopify_typed": "Cancelled at", "lines_as_text": "canceled_at"}


def _check_readers(rule: str, tx: Any) -> None:
    """The readers apply the rule (the parity below is not of engines that all ignore it)."""
    (n, amount), kept, kept_amount, customers = EXPECTED[rule]
    assert [(e.reason, e.count, round(e.amount, 6)) for e in tx.issues.exclusions] \
        == [(NOT_PAID, n, amount)]
    assert tx.issues.rows_kept == kept
    assert tx.issues.amount_kept == pytest.approx(kept_amount)
    assert set(tx.frame["customer_id"].to_list()) == customers
    assert tx.mapping.columns["cancelled"] == COLUMN[rule]
    _shows_cancellation(rule, tx.issues)


def _shows_cancellation(rule: str, issues: why.DataIssues) -> None:
    """The examples of the rows excluded show the cancellation column; in the log without a
    status each of them has one (a further line's taken from its order)."""
    examples = issues.exclusions[0].examples
    assert examples and all(COLUMN[rule] in ex for ex in examples)
    if rule == "lines_as_text":
        assert all(ex[COLUMN[rule]] is not None and str(ex[COLUMN[rule]]).strip()
                   for ex in examples)



@pytest.mark.parametrize("rule", list(RULES))
def test_spark_excludes_cancelled_orders_as_the_readers(spark: Any, rule: str,
                                                        tmp_path: Path) -> None:
    frame, options = RULES[rule]()
    path = tmp_path / f"{rule}.parquet"
    frame.write_parquet(path)
    tx = read_transactions(path, as_of=AS_OF, **options)
    _check_readers(rule, tx)
    _shows_cancellation(rule, spark_agrees(spark, path, tx, options).issues)


sa = pytest.importorskip("sqlalchemy")
from test_database_summary import _write, url  # noqa: E402,F401 (the databases' fixture)
from test_engines_parity2 import database_agrees, spark_agrees  # noqa: E402


@pytest.mark.parametrize("rule", list(RULES))
def test_the_database_excludes_cancelled_orders_as_the_readers(url: str,  # noqa: F811
                                                                rule: str) -> None:
    frame, options = RULES[rule]()
    _write(url, rule, frame)
    tx = read_transactions(url, table=rule, as_of=AS_OF, **options)
    _check_readers(rule, tx)
    _shows_cancellation(rule, database_agrees(url, rule, tx, options).issues)


def test_a_cancellation_column_named_on_the_command_line(tmp_path: Path) -> None:
    """A cancellation column clv does not recognise by its name ('storno_datum') is named
    with ``--cancelled``, in the readers and in the Spark engine alike (there was no such
    option: the column was found by name, by a preset, or named in Python only)."""
    import subprocess
    import sys

    frame, options = lines_as_text()
    path = tmp_path / "storno.parquet"
    frame.rename({"canceled_at": "storno_datum"}).write_parquet(path)
    named = ["--customer", "customer_id", "--date", "date", "--amount", "amount",
             "--order-id", "order_id"]
    unseen = _check(path, *named)
    assert "cancelled" not in unseen["mapping"] and unseen["rows_excluded"] == 0
    clv = str(Path(sys.executable).parent / "clv")
    runs = [subprocess.run([clv, "check", str(path), *named, "--cancelled", "storno_datum",
                            "--json", *engine], capture_output=True, text=True, timeout=600)
            for engine in ((), ("--engine", "spark", "--spark-master", "local[1]"))]
    for done in runs:
        assert done.returncode == 0, done.stderr[-2000:]
        assert "Traceback" not in done.stderr
    readers, spark_run = (json.loads(done.stdout) for done in runs)
    (n, amount), kept, kept_amount, _ = EXPECTED["lines_as_text"]
    assert readers["mapping"]["cancelled"] == "storno_datum"
    assert _excluded(readers) == {NOT_PAID: (n, amount)}
    assert readers["rows_kept"] == kept and readers["amount_kept"] == pytest.approx(kept_amount)
    for key in ("rows_kept", "amount_kept", "rows_excluded"):
        assert spark_run[key] == readers[key], key
    assert _excluded(spark_run) == _excluded(readers)
