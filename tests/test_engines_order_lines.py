"""An order's further lines without a date (Squarespace writes the order's columns, date and
customer included, on its first line only): the readers give such a line its order's date
and customer (clv.data.transactions._order_lines_filled, the note ``order_lines_filled``).
The Spark engine excluded them as rows without a customer or an unparsable date (3 rows kept
of the Squarespace sample instead of 5, the same amount); it now applies the rule, and the
database's summary leaves such a log to the rows read (NotInDatabase), so that
summary_of_source gives the readers' figures."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from clv import read_transactions

sa = pytest.importorskip("sqlalchemy")
from test_database_summary import _write, url  # noqa: E402,F401 (the databases' fixture)
from test_engines_parity2 import spark_agrees  # noqa: E402

AS_OF = dt.datetime(2026, 1, 1)
pytestmark = [pytest.mark.filterwarnings("ignore:unclosed <socket:ResourceWarning"),
              pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")]


def squarespace() -> tuple[pl.DataFrame, dict[str, Any]]:
    """Squarespace's orders, typed: the date and the email on an order's first line only;
    order 00104's undated line comes before its dated one (nothing before it to take: it
    stays excluded, as the readers leave it); order 00105 has no dated line at all."""
    at = [dt.datetime(2024, 1, 5, 9), None, dt.datetime(2024, 1, 20, 10),
          dt.datetime(2024, 2, 3, 12), None, None, None, dt.datetime(2024, 2, 9, 8), None]
    frame = pl.DataFrame({
        "Order ID": ["00101", "00101", "00102", "00103", "00103", "00103", "00104", "00104",
                     "00105"],
        "Email": ["ann@example.com", None, "bob@example.com", "ann@example.com", " ", None,
                  None, "cid@example.com", None],
        "Created at": at,
        "Lineitem quantity": [1, 1, 1, 2, 1, 1, 1, 1, 1],
        "Lineitem price": [15.0, 25.0, 30.0, 15.0, 30.0, 5.0, 7.0, 11.0, 3.0],
        "Lineitem name": ["Mug", "Poster", "Tee", "Mug", "Cap", "Pin", "Pen", "Cup", "Bag"],
    }, schema_overrides={"Created at": pl.Datetime("us")})
    return frame, {"customer": "Email", "date": "Created at", "order_id": "Order ID",
                   "quantity": "Lineitem quantity", "price": "Lineitem price"}


def text_dates() -> tuple[pl.DataFrame, dict[str, Any]]:
    """The same with the dates written as text (' ' a blank) and numbered orders."""
    frame, options = squarespace()
    return frame.with_columns(
        pl.col("Created at").dt.strftime("%Y-%m-%d %H:%M:%S").fill_null(" "),
        pl.col("Order ID").cast(pl.Int64)), options



def _readers(tx: Any) -> None:
    """The readers fill 00101's and 00103's further lines (3); 00104's undated line, before
    its order's dated one, is counted but has nothing to take; 00105 is not counted."""
    (note,) = [n for n in tx.issues.notes if getattr(n, "key", "") == "order_lines_filled"]
    assert note.values["n"] == 4  # the undated lines of orders with a dated line
    assert tx.issues.rows_kept == 7
    assert tx.issues.amount_kept == pytest.approx(15 + 25 + 30 + 2 * 15 + 30 + 5 + 11)


@pytest.mark.parametrize("make", [squarespace, text_dates])
def test_spark_fills_an_order_s_further_lines_as_the_readers(spark: Any, make: Any,
                                                             tmp_path: Path) -> None:
    frame, options = make()
    path = tmp_path / "orders.parquet"
    frame.write_parquet(path)
    tx = read_transactions(path, as_of=AS_OF, **options)
    _readers(tx)
    stx = spark_agrees(spark, path, tx, options)
    assert stx.issues.rows_kept == 7


def test_a_log_without_undated_lines_is_left_as_it_is(spark: Any, tmp_path: Path) -> None:
    frame, options = squarespace()
    path = tmp_path / "dated.parquet"
    frame.filter(pl.col("Created at").is_not_null()).write_parquet(path)
    tx = read_transactions(path, as_of=AS_OF, **options)
    assert not [n for n in tx.issues.notes if getattr(n, "key", "") == "order_lines_filled"]
    spark_agrees(spark, path, tx, options)


def test_blank_and_impossible_iso_dates_are_excluded_not_a_crash(spark: Any,
                                                                  tmp_path: Path) -> None:
    """Dates written as ISO text with a blank cell (' ') or an impossible day ('2024-02-30'):
    the Spark engine failed the whole job (CAST_INVALID_INPUT under Spark's ANSI mode, found
    with the further lines above); such a row is now excluded as an unparsable date, as the
    readers exclude it."""
    from clv.data import issues as why

    path = tmp_path / "iso.parquet"
    pl.DataFrame({"customer_id": ["a", "b", "a", "c"],
                  "date": ["2024-01-05", " ", "2024-02-30", "2024-03-01T10:00:00"],
                  "amount": [1.0, 2.0, 3.0, 4.0]}).write_parquet(path)
    tx = read_transactions(path, as_of=AS_OF)
    assert tx.issues.excluded(why.BAD_DATE) == 2
    spark_agrees(spark, path, tx, {})


def test_blank_and_unreadable_text_amounts_are_excluded_not_a_crash(spark: Any,
                                                                     tmp_path: Path) -> None:
    """Amounts written as plain-number text, with a blank (' ') and a value that is no
    number ('1e3x', '1d') beyond the first rows: the cast failed the whole job under ANSI
    mode; such rows are now excluded as unparsable amounts, as the readers exclude them
    (Spark's own cast would read '1d' as 1). A value the readers read but Spark cannot
    ('12,5', a decimal comma) refuses the column, naming the value."""
    from clv import spark as cs
    from clv.data import issues as why
    from clv.errors import DataError

    n = 1_200  # beyond the first rows, which decide that the column holds plain numbers
    frame = pl.DataFrame({
        "customer_id": [f"c{i % 50}" for i in range(n)],
        "date": [dt.datetime(2024, 1, 1) + dt.timedelta(hours=i) for i in range(n)],
        "amount": [f"{i}.5" for i in range(n - 3)] + [" ", "1e3x", "1d"]})
    path = tmp_path / "amounts.parquet"
    frame.write_parquet(path)
    tx = read_transactions(path, as_of=AS_OF)
    assert tx.issues.excluded(why.BAD_AMOUNT) == 3  # the blank, "1e3x" and "1d"
    spark_agrees(spark, path, tx, {})
    comma = tmp_path / "comma.parquet"
    frame.with_columns(pl.col("amount").replace("1e3x", "12,5")).write_parquet(comma)
    with pytest.raises(DataError, match="12,5"):
        cs.read_transactions(str(comma), spark, as_of=AS_OF)


def test_the_database_leaves_them_to_the_rows_read(url: str) -> None:  # noqa: F811
    from clv.prep.database import NotInDatabase, database_summary, summary_of_source

    frame, options = squarespace()
    _write(url, "squarespace", frame)
    with pytest.raises(NotInDatabase, match="no date"):
        database_summary(url, "squarespace", as_of=AS_OF, **options)
    summary, issues, tx, reason = summary_of_source(
        url, {"table": "squarespace", "as_of": AS_OF, **options}, {"unit": "week"})
    assert tx is not None and reason is not None
    _readers(tx)


def test_the_database_reads_a_white_space_date_as_a_blank(url: str) -> None:  # noqa: F811
    """A further line whose date is a tab or a carriage return is blank to the readers (and
    filled): the database's check trimmed spaces only, kept the log and excluded the line."""
    from clv.prep.database import NotInDatabase, database_summary

    frame, options = text_dates()
    frame = frame.with_columns(pl.col("Created at").replace(" ", "\t\r"))
    _write(url, "tabs", frame)
    with pytest.raises(NotInDatabase, match="no date"):
        database_summary(url, "tabs", as_of=AS_OF, **options)

