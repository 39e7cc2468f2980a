"""Orders that write their total again on each of their lines (Wix: one row per item, the
order's 'Total' on each), which the readers count once per order
(clv.data.transactions._repeated_totals): the Spark engine does not apply that rule and
refuses such a log, naming the columns, rather than count each line's copy of the total; the
database's summary leaves it to the rows read (NotInDatabase), so that summary_of_source
gives the readers' figures. A log with the same columns whose orders do not repeat their
total is read by both engines as the readers read it."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from clv import read_transactions
from clv.errors import ClvError

sa = pytest.importorskip("sqlalchemy")
from test_database_summary import _write, url  # noqa: E402,F401 (the databases' fixture)

AS_OF = dt.datetime(2026, 1, 1)
pytestmark = [pytest.mark.filterwarnings("ignore:unclosed <socket:ResourceWarning"),
              pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")]


def wix(repeated: bool = True) -> pl.DataFrame:
    """Wix's order export, typed (its 'Time' column left out: a field the engines do not
    apply): order 10001 has two items and its total 37.00 on both lines; without
    ``repeated``, each order has one line."""
    frame = pl.DataFrame({
        "Order number": [10001, 10001, 10002, 10003],
        "Date created": [dt.date(2024, 1, 5), dt.date(2024, 1, 5), dt.date(2024, 2, 10),
                         dt.date(2024, 3, 3)],
        "Contact email": ["anna@example.com", "anna@example.com", "ben@example.com",
                          "anna@example.com"],
        "Item": ["Mug", "Tee", "Cap", "Tee"],
        "Qty": [1, 1, 1, 2],
        "Price": [12.0, 20.0, 25.0, 20.0],
        "Total": [37.0, 37.0, 30.0, 40.0],
        "Currency": ["USD"] * 4,
        "Payment status": ["Paid"] * 4,
    })
    if not repeated:
        frame = frame.with_columns(pl.Series("Order number", [10001, 10004, 10002, 10003]))
    return frame



def test_the_readers_count_a_repeated_total_once(tmp_path: Path) -> None:
    path = tmp_path / "wix.parquet"
    wix().write_parquet(path)
    tx = read_transactions(path, as_of=AS_OF)
    assert tx.issues.amount_kept == pytest.approx(107.0)
    assert any(getattr(n, "key", "") == "order_total_repeated" for n in tx.issues.notes)


def test_spark_refuses_orders_that_repeat_their_total(spark: Any, tmp_path: Path) -> None:
    from clv import spark as cs

    path = tmp_path / "wix.parquet"
    wix().write_parquet(path)
    with pytest.raises(ClvError, match="'Total' again on each of their lines .*'Order number'"):
        cs.read_transactions(str(path), spark, as_of=AS_OF)
    single = tmp_path / "single.parquet"
    wix(repeated=False).write_parquet(single)
    tx = read_transactions(single, as_of=AS_OF)
    stx = cs.read_transactions(str(single), spark, as_of=AS_OF)
    assert stx.issues.rows_kept == tx.issues.rows_kept == 4
    assert stx.issues.amount_kept == pytest.approx(tx.issues.amount_kept) == 144.0


def test_clv_summary_with_engine_spark_says_so(tmp_path: Path) -> None:
    pytest.importorskip("pyspark")
    path = tmp_path / "wix.parquet"
    wix().write_parquet(path)
    clv = Path(sys.executable).with_name("clv")
    done = subprocess.run([str(clv), "summary", str(path), "--engine", "spark",
                           "--spark-master", "local[1]"], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    said = " ".join((done.stdout + done.stderr).split())
    assert "again on each of their lines" in said and "without --engine spark" in said


def test_the_database_leaves_repeated_totals_to_the_rows_read(url: str) -> None:  # noqa: F811
    from clv.prep.database import NotInDatabase, database_summary, summary_of_source

    _write(url, "wix", wix())
    with pytest.raises(NotInDatabase, match="'Total' again on each of their lines"):
        database_summary(url, "wix", as_of=AS_OF)
    read = {"table": "wix", "as_of": AS_OF}
    summary, issues, tx, reason = summary_of_source(url, read, {"unit": "week"})
    assert tx is not None and reason is not None and "again on each" in reason
    assert issues.amount_kept == pytest.approx(107.0)
    _write(url, "single", wix(repeated=False))
    done = database_summary(url, "single", as_of=AS_OF)
    assert done.issues.rows_kept == 4 and done.issues.amount_kept == pytest.approx(144.0)
