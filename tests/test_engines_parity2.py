"""The rules of real exports that the Polars reader (clv.read_transactions) applies, applied
alike by the Spark engine (clv.spark.read_transactions, issue 17) and by the database's
summary (clv.prep.database_summary, on DuckDB and PostgreSQL): WooCommerce guest checkouts
keyed by their billing email or excluded without one, emails as customer ids compared
without case, integer ids written as ints or floats, a blank status or currency taken from
the order's first line (Shopify), WooCommerce's wc- statuses. For each rule, one small typed
table read by Polars and by the engine: the same rows kept, the same exclusions (reason,
count, amount), the same notes and the same RFM summary (1e-9). Spark runs in local mode
(skipped without pyspark or Java); PostgreSQL needs CLV_TEST_POSTGRES_URL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from clv import read_transactions, rfm_summary
from clv.data import issues as why
from conftest import same_rows

sa = pytest.importorskip("sqlalchemy")
from test_database_summary import _write, url  # noqa: E402,F401 (the databases' fixture)

AS_OF = dt.datetime(2026, 1, 1)
pytestmark = [pytest.mark.filterwarnings("ignore:unclosed <socket:ResourceWarning"),
              pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")]


def _at(day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(2025, 1, 1, hour) + dt.timedelta(days=day)


def guests_by_email() -> tuple[pl.DataFrame, dict[str, Any]]:
    """WooCommerce: 'Customer User ID' 0 (or blank) for a guest, keyed by the billing email
    (trimmed, lower-cased: two spellings are one guest); a guest of id 0 without an email
    excluded as a guest checkout, a blank id without an email as a missing id."""
    frame = pl.DataFrame({
        "Order ID": [101, 102, 103, 104, 105, 106, 107, 108, 109, 110],
        "Customer User ID": [5, 5, 0, 0, 0, None, None, 7, 0, 7],
        "Billing Email": ["five@x.com", "five@x.com", "Anna@X.com ", "anna@x.com", None,
                          "Bob@Y.org", None, "seven@z.net", "anna@x.com", "seven@z.net"],
        "Order Date": [_at(d) for d in (3, 40, 10, 55, 20, 30, 31, 12, 90, 70)],
        "Order Total": [20.0, 35.0, 12.5, 40.0, 99.0, 15.0, 8.0, 60.0, 22.0, 18.0],
    }, schema_overrides={"Customer User ID": pl.Int64})
    return frame, {"customer": "Customer User ID", "date": "Order Date",
                   "amount": "Order Total", "order_id": "Order ID"}


def guests_without_email() -> tuple[pl.DataFrame, dict[str, Any]]:
    """A user-id column without an email column: the rows of id 0 are guest checkouts,
    excluded (not one customer '0')."""
    frame = pl.DataFrame({
        "Customer User ID": [5, 5, 0, 0, 8, 8, 0],
        "Order Date": [_at(d) for d in (1, 30, 5, 6, 9, 60, 70)],
        "Order Total": [20.0, 35.0, 12.5, 40.0, 10.0, 30.0, 7.0],
    })
    return frame, {"customer": "Customer User ID", "date": "Order Date",
                   "amount": "Order Total"}


def email_ids() -> tuple[pl.DataFrame, dict[str, Any]]:
    """Customer ids that are emails: compared without case (three merged)."""
    frame = pl.DataFrame({
        "customer_email": ["Anna@X.com", "anna@x.com", " BOB@y.org", "bob@y.org",
                           "carl@z.net", "Carl@Z.net", "dan@w.io"],
        "date": [_at(d) for d in (1, 20, 3, 50, 7, 8, 9)],
        "amount": [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0],
    })
    return frame, {"customer": "customer_email"}


def integer_ids() -> tuple[pl.DataFrame, dict[str, Any]]:
    """Integer ids written as ints and as floats in one text column: one customer each."""
    frame = pl.DataFrame({
        "customer_id": ["12346", "12346.0", "7", "7.00", " 8 ", "8.0", "-3", "-3.0"],
        "timestamp": [_at(d) for d in (1, 40, 2, 33, 5, 6, 8, 80)],
        "amount": [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0],
    })
    return frame, {}


def order_values() -> tuple[pl.DataFrame, dict[str, Any]]:
    """A Shopify export: the total, the financial status and the currency on an order's
    first line only. The lines 2..n of a pending, refunded or other-currency order are
    excluded with it (not kept as lines worth 0); the line-item note counts the lines
    kept; an order without any status is kept."""
    orders = [  # order, customer, day, total, status, currency, lines
        ("#1001", "c1", 4, 100.0, "paid", "EUR", 3),
        ("#1002", "c1", 40, 50.0, "pending", "EUR", 2),
        ("#1003", "c2", 19, 80.0, "refunded", "EUR", 2),
        ("#1004", "c2", 59, 60.0, "paid", "USD", 2),
        ("#1005", "c3", 31, 40.0, "paid", "EUR", 1),
        ("#1006", "c2", 90, 70.0, "paid", "EUR", 2),
        ("#1007", "c3", 120, 30.0, None, "EUR", 1),
        ("#1008", "c1", 130, 45.0, "paid", "EUR", 2),
    ]
    rows: dict[str, list[Any]] = {k: [] for k in ("Name", "Customer ID", "Created at", "Total",
                                                 "Financial Status", "Currency",
                                                 "Lineitem name")}
    for order, customer, day, total, status, currency, lines in orders:
        for line in range(lines):
            rows["Name"].append(order)
            rows["Customer ID"].append(customer)
            rows["Created at"].append(_at(day))
            rows["Total"].append(total if line == 0 else None)
            rows["Financial Status"].append(status if line == 0 else None)
            rows["Currency"].append(currency if line == 0 else " ")
            rows["Lineitem name"].append(f"item {line}")
    frame = pl.DataFrame(rows, schema_overrides={"Total": pl.Float64,
                                                 "Financial Status": pl.String})
    return frame, {"customer": "Customer ID", "date": "Created at", "amount": "Total",
                   "order_id": "Name", "currency_column": "Currency",
                   "columns": {"status": "Financial Status"}}


def wc_statuses() -> tuple[pl.DataFrame, dict[str, Any]]:
    """WooCommerce statuses with their wc- prefix: refunded, on hold, pending, failed,
    cancelled and checkout drafts are not paid."""
    states = ["wc-completed", "wc-refunded", "wc-on-hold", "wc-processing", "wc-pending",
              "wc-failed", "wc-cancelled", "completed", "wc-checkout-draft", "WC-Completed"]
    frame = pl.DataFrame({
        "customer_id": ["a", "a", "b", "b", "c", "c", "d", "d", "e", "e"],
        "timestamp": [_at(3 * i) for i in range(len(states))],
        "amount": [10.0 + i for i in range(len(states))],
        "status": states,
    })
    return frame, {"columns": {"status": "status"}}


RULES: dict[str, Callable[[], tuple[pl.DataFrame, dict[str, Any]]]] = {
    "guests_by_email": guests_by_email, "guests_without_email": guests_without_email,
    "email_ids": email_ids, "integer_ids": integer_ids, "order_values": order_values,
    "wc_statuses": wc_statuses}
EXPECTED = {  # what each table shows of its rule, on the Polars reader
    "guests_by_email": ({why.GUEST_CHECKOUT: 1, why.MISSING_CUSTOMER: 1}, "guest_emails"),
    "guests_without_email": ({why.GUEST_CHECKOUT: 3}, None),
    "email_ids": ({}, "email_ids_merged"),
    "integer_ids": ({}, None),
    "order_values": ({why.STATUS_NOT_PAID: 4, why.OTHER_CURRENCY: 2}, "line_items"),
    "wc_statuses": ({why.STATUS_NOT_PAID: 6}, None),
}


def _exclusions(issues: why.DataIssues) -> list[tuple[str, int, float, object]]:
    """Each exclusion's reason, count and amount, and its amounts per currency (the rows
    in other currencies)."""
    return [(e.reason, e.count, round(e.amount, 6),
             None if e.amounts is None else {k: round(v, 6) for k, v in e.amounts.items()})
            for e in issues.exclusions]


def _notes(issues: why.DataIssues) -> list[tuple[str, dict[str, Any]]]:
    """The notes' keys, in their order, with their figures."""
    return [(getattr(n, "key", str(n)),
             {k: round(v, 6) if isinstance(v, float) else v
              for k, v in getattr(n, "values", {}).items()})
            for n in issues.notes]


def _kept(frame: pl.DataFrame) -> list[tuple[Any, ...]]:
    return sorted(frame.select("customer_id", "timestamp", "amount").rows())


def _check_polars(rule: str, tx: Any) -> None:
    """The Polars reader applies the rule (the parity below is not of two engines that both
    ignore it)."""
    counts, note = EXPECTED[rule]
    assert {e.reason: e.count for e in tx.issues.exclusions} == counts
    if note is not None:
        assert note in [k for k, _ in _notes(tx.issues)]
    ids = set(tx.frame["customer_id"].to_list())
    if rule == "guests_by_email":
        assert ids == {"5", "7", "anna@x.com", "bob@y.org"}
    elif rule == "email_ids":
        assert ids == {"anna@x.com", "bob@y.org", "carl@z.net", "dan@w.io"}
        assert dict(_notes(tx.issues))["email_ids_merged"]["n"] == 3
    elif rule == "integer_ids":
        assert ids == {"12346", "7", "8", "-3"}
    elif rule == "order_values":
        assert dict(_notes(tx.issues))["line_items"] == {"n": 4}
        assert tx.currency == "EUR"


def spark_agrees(spark: Any, path: Path, tx: Any, options: dict[str, Any]) -> Any:
    """The Spark engine's reading of the Parquet file ``path`` with ``options`` against the
    readers' ``tx``: the same rows kept, exclusions, notes, balance, currency and RFM
    summary (1e-9). Returns the Spark transactions."""
    from clv import spark as cs

    stx = cs.read_transactions(str(path), spark, as_of=AS_OF, **options)
    kept = pl.from_arrow(stx.frame.select("customer_id", "timestamp", "amount").toArrow())
    assert isinstance(kept, pl.DataFrame)
    assert _kept(kept) == _kept(tx.frame)
    assert _exclusions(stx.issues) == _exclusions(tx.issues)
    assert _notes(stx.issues) == _notes(tx.issues)
    assert stx.issues.balanced and stx.currency == tx.currency
    polars = rfm_summary(tx)
    done = cs.rfm_summary(stx).to_polars()
    same_rows(done.frame, polars.frame)
    assert done.report.to_dict() == pytest.approx(polars.report.to_dict(), rel=1e-9)
    return stx


def database_agrees(url: str, table: str, tx: Any,  # noqa: F811
                    options: dict[str, Any]) -> Any:
    """The database's summary of ``table`` with ``options`` against the readers' ``tx``: the
    same rows and amount kept, exclusions, notes, balance, currency and RFM summary (1e-9).
    Returns the database's summary."""
    from clv.prep.database import database_summary

    done = database_summary(url, table, as_of=AS_OF, **options)
    assert done.issues.rows_kept == tx.issues.rows_kept
    assert done.issues.amount_kept == pytest.approx(tx.issues.amount_kept, rel=1e-12)
    assert _exclusions(done.issues) == _exclusions(tx.issues)
    assert _notes(done.issues) == _notes(tx.issues)
    assert done.issues.balanced and done.currency == tx.currency
    polars = rfm_summary(tx)
    same_rows(done.summary.frame, polars.frame)
    assert done.summary.report.to_dict() == pytest.approx(polars.report.to_dict(), rel=1e-9)
    return done



@pytest.mark.parametrize("rule", list(RULES))
def test_spark_reads_as_polars(spark: Any, rule: str, tmp_path: Path) -> None:

    frame, options = RULES[rule]()
    path = tmp_path / f"{rule}.parquet"
    frame.write_parquet(path)
    tx = read_transactions(path, as_of=AS_OF, **options)
    _check_polars(rule, tx)
    spark_agrees(spark, path, tx, options)


@pytest.mark.parametrize("rule", list(RULES))
def test_the_database_summarises_as_polars(url: str, rule: str) -> None:  # noqa: F811

    frame, options = RULES[rule]()
    _write(url, rule, frame)
    tx = read_transactions(url, table=rule, as_of=AS_OF, **options)
    _check_polars(rule, tx)
    database_agrees(url, rule, tx, options)


def test_what_the_database_cannot_order_or_lower_is_read_as_rows(url: str) -> None:  # noqa: F811
    """A blank status takes its order's first line's: an order whose lines have a blank and
    two statuses has no first line in a table (its rows have no order), and emails beyond
    ASCII are lower-cased by the database's locale: NotInDatabase naming the cause, and
    summary_of_source reads the rows, as clv reads them."""
    from clv.prep.database import NotInDatabase, database_summary, summary_of_source

    frame, options = order_values()
    status = frame["Financial Status"].to_list()
    status[2] = "pending"  # #1001: 'paid', blank, 'pending'
    _write(url, "mixed", frame.with_columns(pl.Series("Financial Status", status)))
    with pytest.raises(NotInDatabase, match="order #1001 have blank and different status"):
        database_summary(url, "mixed", as_of=AS_OF, **options)
    read = {"table": "mixed", "as_of": AS_OF, **options}
    summary, issues, tx, reason = summary_of_source(url, read, {"unit": "week"})
    assert tx is not None and reason is not None and "#1001" in reason
    assert issues.rows_kept == tx.issues.rows_kept

    emails, options = email_ids()
    accented = emails.with_columns(pl.col("customer_email").str.replace("Anna", "Ännä"))
    _write(url, "accented", accented)
    with pytest.raises(NotInDatabase, match="beyond ASCII"):
        database_summary(url, "accented", as_of=AS_OF, **options)


@pytest.mark.parametrize("first, emails, expected", [
    (["X1"] * 1000, 9000, True),  # 90% of the first 10,000: emails
    (["X1"] * 1001, 8999, False),  # just under
    ([None] * 1000, 9000, True),  # blanks are not counted
    ([" "] * 600 + ["X1"] * 400, 9000, True),
    (["X1"] * 1000, 0, False),
    (["A@B.co"] * 990 + ["X1"] * 10, 0, True),  # 1,050 rows: the first 1,000 nearly decide
])
def test_the_engines_tell_a_column_of_emails_as_the_readers(
        first: list[str | None], emails: int, expected: bool) -> None:
    """The engines decide on the first 1,000 ids they read for the columns (fetching the
    first 10,000 when those do not decide) that a column is of emails exactly when the
    readers lower-case it (clv.data.ids.clean_ids, on its first 10,000 ids)."""
    from clv.data.ids import clean_ids
    from clv.prep.database import email_ids

    values = [*first, *(["Ann@X.com"] * emails), *(["Zed@Y.org"] * 50)]
    cleaned = clean_ids(pl.Series(values, dtype=pl.String)).to_list()
    assert ("zed@y.org" in cleaned) == expected  # the readers lower-cased the column
    assert email_ids(values[:1000], lambda: values[:10_000]) == expected
