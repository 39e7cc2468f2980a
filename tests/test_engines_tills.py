"""Two rules of real exports that the Spark engine and the database's summary counted
otherwise than the readers, found by reading the real-export samples of the readers' tests
as typed tables: a till's placeholder customers (Lightspeed's 'WALKIN', 'Walk-In
Customer': clv.data.transactions._walk_ins, excluded as guest checkouts) were each one big
customer; a payment flagged refunded without an amount refunded (Gumroad's 'Fully
Refunded?' beside 'Partial Refund ($)' of 0: wholly refunded) was counted whole. The Spark
engine applies the first rule on every row, as the readers do on a log of up to 100,000 rows,
and refuses a log with a refund flag, naming it; the database leaves both to the rows read
(NotInDatabase), so that summary_of_source gives the readers' figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest

from clv import read_transactions
from clv.data import issues as why
from clv.errors import ClvError

sa = pytest.importorskip("sqlalchemy")
from test_database_summary import _write, url  # noqa: E402,F401 (the databases' fixture)

AS_OF = dt.datetime(2026, 1, 1)
pytestmark = [pytest.mark.filterwarnings("ignore:unclosed <socket:ResourceWarning"),
              pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")]


def lightspeed() -> pl.DataFrame:
    """Lightspeed's sales, typed: three of six sales to the till's placeholders."""
    return pl.DataFrame({
        "Date": [dt.datetime(2024, 3, d, 12) for d in (1, 1, 2, 5, 9, 10)],
        "Receipt Number": [1001, 1002, 1003, 1004, 1005, 1006],
        "Customer Code": ["WALKIN", "C-0001", "WALKIN", "C-0002", "C-0001",
                          "Walk-In Customer"],
        "Total": [22.0, 16.5, 8.8, 33.0, 13.2, 5.5],
        "Status": ["CLOSED"] * 6,
    })


def gumroad() -> pl.DataFrame:
    """Gumroad's sales, typed: p3 flagged wholly refunded with a partial refund of 0."""
    return pl.DataFrame({
        "Purchase ID": ["p1", "p2", "p3", "p6"],
        "Purchase Email": ["amy@example.com", "bea@example.com", "amy@example.com",
                           "bea@example.com"],
        "Purchase Date": [dt.date(2024, 1, 4), dt.date(2024, 1, 20), dt.date(2024, 2, 10),
                          dt.date(2024, 3, 22)],
        "Sale Price ($)": [29.0, 99.0, 29.0, 99.0],
        "Partial Refund ($)": [0.0, 0.0, 0.0, 40.0],
        "Fully Refunded?": [0, 0, 1, 0],
        "Order Number": [1001, 1002, 1003, 1006],
    })



def _exclusions(issues: why.DataIssues) -> list[tuple[str, int, float]]:
    return [(e.reason, e.count, round(e.amount, 6)) for e in issues.exclusions]


def _note(issues: why.DataIssues, key: str) -> dict[str, Any]:
    return next(n.values for n in issues.notes if getattr(n, "key", "") == key)


def test_spark_excludes_a_till_s_placeholders_as_the_readers(spark: Any, tmp_path: Any
                                                              ) -> None:
    from clv import spark as cs

    path = tmp_path / "sales.parquet"
    lightspeed().write_parquet(path)
    tx = read_transactions(path, as_of=AS_OF)
    assert tx.issues.excluded(why.GUEST_CHECKOUT) == 3
    stx = cs.read_transactions(str(path), spark, as_of=AS_OF)
    assert stx.issues.rows_kept == tx.issues.rows_kept == 3
    assert stx.issues.amount_kept == pytest.approx(tx.issues.amount_kept)
    assert _exclusions(stx.issues) == _exclusions(tx.issues)
    assert _note(stx.issues, "walk_ins") == _note(tx.issues, "walk_ins")
    kept = sorted(r[0] for r in stx.frame.select("customer_id").distinct().collect())
    assert kept == ["C-0001", "C-0002"]


def test_spark_refuses_a_refund_flag(spark: Any, tmp_path: Any) -> None:
    from clv import spark as cs

    path = tmp_path / "gumroad.parquet"
    gumroad().write_parquet(path)
    assert read_transactions(path, as_of=AS_OF).issues.amount_kept == pytest.approx(187.0)
    with pytest.raises(ClvError, match="Fully Refunded"):
        cs.read_transactions(str(path), spark, as_of=AS_OF)


@pytest.mark.parametrize("name, frame, kept", [("sales", lightspeed, 62.7),
                                               ("gumroad", gumroad, 187.0)])
def test_the_database_leaves_them_to_the_rows_read(url: str, name: str, frame: Any,  # noqa: F811
                                                   kept: float) -> None:
    from clv.prep.database import NotInDatabase, database_summary, summary_of_source

    _write(url, name, frame())
    with pytest.raises(NotInDatabase):
        database_summary(url, name, as_of=AS_OF)
    summary, issues, tx, reason = summary_of_source(url, {"table": name, "as_of": AS_OF},
                                                    {"unit": "week"})
    assert tx is not None and reason is not None
    assert issues.amount_kept == pytest.approx(kept)
