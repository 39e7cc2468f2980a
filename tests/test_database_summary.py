"""The summary computed by the database (clv.prep.database) equals the summary of the rows
read by clv (read_transactions + rfm_summary), row for row, with the same data report, on
DuckDB and on PostgreSQL (CLV_TEST_POSTGRES_URL; CI runs a server), and fetches one row per
customer rather than one per transaction."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

sa = pytest.importorskip("sqlalchemy")
from clv import datasets, read_transactions, rfm_summary  # noqa: E402
from clv.data import issues as why  # noqa: E402
from clv.prep import database  # noqa: E402
from clv.prep.database import NotInDatabase, database_summary, summary_of_source  # noqa: E402
from conftest import missing  # noqa: E402
from messy_logs import messy  # noqa: E402

AS_OF = dt.datetime(2026, 1, 1)
COLUMNS = ("customer_id", "frequency", "recency", "T", "monetary", "n_periods", "total_amount",
           "first_purchase", "last_purchase")


@pytest.fixture(scope="module")
def shop() -> pl.DataFrame:
    tx = datasets.sample_shop(400, seed=5).transactions
    return messy(tx.select("customer_id", "timestamp", "amount", "order_id"))


@pytest.fixture(scope="module")
def cdnow() -> pl.DataFrame:
    return datasets.load_cdnow(sample=True)


@pytest.fixture(params=["duckdb", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "duckdb":
        pytest.importorskip("duckdb_engine")
        yield f"duckdb:///{tmp_path / 'shop.duckdb'}"
        return
    base = os.environ.get("CLV_TEST_POSTGRES_URL")
    if not base:
        missing("no PostgreSQL server: set CLV_TEST_POSTGRES_URL to run")
    name = f"clv_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield str(sa.engine.make_url(base).set(database=name))
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.dispose()


def _write(url: str, table: str, frame: pl.DataFrame) -> None:
    """``frame`` as a typed table (text, timestamp, double precision, bigint)."""
    types = {pl.String: sa.String, pl.Float64: sa.Float(53), pl.Int64: sa.BigInteger}
    engine = sa.create_engine(url)
    meta = sa.MetaData()
    columns = [sa.Column(n, sa.DateTime() if d == pl.Datetime or isinstance(d, pl.Datetime)
                         else sa.Date() if d == pl.Date else types[d])
               for n, d in frame.schema.items()]
    tbl = sa.Table(table, meta, *columns)
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(tbl.insert(), frame.to_dicts())
    engine.dispose()


def _same(a: pl.DataFrame, b: pl.DataFrame) -> None:
    assert a.columns == b.columns and a.height == b.height
    assert a["customer_id"].to_list() == b["customer_id"].to_list()
    for column in a.columns:
        x, y = a[column], b[column]
        if x.dtype.is_float():
            assert ((x - y).abs() <= 1e-9 * (1 + y.abs())).all(), column
        else:
            assert x.to_list() == y.to_list(), column


def _counts(issues: why.DataIssues) -> dict[str, object]:
    d = issues.to_dict()
    return {"rows_read": d["rows_read"], "rows_kept": d["rows_kept"],
            "amount_read": round(d["amount_read"], 6), "amount_kept": round(d["amount_kept"], 6),
            "exclusions": [(e["reason"], e["count"], round(e["amount"], 6))
                           for e in d["exclusions"]],
            "notes": sorted(getattr(n, "key", str(n)) for n in issues.notes
                            if getattr(n, "key", "") in ("refunds", "refunds_linked", "zero_rows",
                                                         "identical_rows"))}


@pytest.mark.parametrize("options", [
    {"unit": "week"},
    {"unit": "day", "calibration_end": "2025-06-30"},
    {"unit": "month", "merge": "week", "midpoint": True, "observation_end": "2025-10-31"},
])
def test_the_database_summary_equals_the_polars_one_on_a_messy_shop(
        url: str, shop: pl.DataFrame, options: dict[str, object]) -> None:
    _write(url, "orders", shop)
    done = database_summary(url, "orders", as_of=AS_OF, **options)  # type: ignore[arg-type]
    tx = read_transactions(url, table="orders", as_of=AS_OF)
    polars = rfm_summary(tx, **options)  # type: ignore[arg-type]
    _same(done.summary.frame, polars.frame)
    assert done.summary.report.to_dict() == pytest.approx(polars.report.to_dict(), rel=1e-12)
    assert done.summary.observation_end == polars.observation_end
    assert _counts(done.issues) == _counts(tx.issues)
    assert done.issues.balanced
    reasons = {e.reason for e in done.issues.exclusions}
    assert {why.MISSING_CUSTOMER, why.BAD_DATE, why.BAD_AMOUNT, why.AMOUNT_RANGE,
            why.EARLY_DATE, why.FUTURE_DATE, why.DUPLICATE} == reasons
    # at most two rows per customer (summary, holdout), the head and the examples: the
    # transactions are never fetched
    customers = polars.frame.height + done.summary.report.customers_without_purchase
    n_examples = sum(len(e.examples) for e in done.issues.exclusions)
    assert done.fetched <= 2 * customers + 1000 + n_examples
    assert done.fetched < tx.issues.rows_read


def test_the_database_summary_of_cdnow_equals_the_published_layout(url: str,
                                                                   cdnow: pl.DataFrame) -> None:
    """CDNOW typed as a database holds it (customer ids as integers, dates as dates): the same
    summary as read by clv, and the same BG/NBD estimates."""
    from clv.models import BGNBD

    frame = cdnow.select(pl.col("customer_id").cast(pl.Int64), pl.col("date"),
                         pl.col("amount").cast(pl.Float64))
    _write(url, "cdnow", frame)
    done = database_summary(url, "cdnow", calibration_end="1997-09-30",
                            observation_end="1998-06-30", as_of=AS_OF)
    tx = read_transactions(url, table="cdnow", as_of=AS_OF)
    polars = rfm_summary(tx, calibration_end="1997-09-30", observation_end="1998-06-30")
    _same(done.summary.frame, polars.frame)
    a, b = BGNBD().fit(done.summary), BGNBD().fit(polars)
    for k, v in a.params_.items():
        assert v == pytest.approx(b.params_[k], rel=1e-6)


def test_what_the_database_cannot_do_is_read_as_rows(url: str, shop: pl.DataFrame,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Dates written as text, a status column of too many values to classify, customer ids
    with fractions: NotInDatabase, and summary_of_source then reads the rows, saying why."""
    text = shop.head(300).with_columns(pl.col("timestamp").dt.strftime("%d/%m/%Y")
                                       .alias("timestamp"))
    _write(url, "text_dates", text)
    with pytest.raises(NotInDatabase, match="dates written as text"):
        database_summary(url, "text_dates", as_of=AS_OF)
    read = {"table": "text_dates", "as_of": AS_OF, "date_format": "%d/%m/%Y"}
    summary, issues, tx, reason = summary_of_source(url, read, {"unit": "week"})
    assert tx is not None and reason is not None and "dates written as text" in reason
    assert summary.frame.height > 0 and issues.rows_read == 300
    _write(url, "typed", shop.head(300))
    summary, issues, tx, reason = summary_of_source(url, {"table": "typed", "as_of": AS_OF},
                                                    {"unit": "week"})
    assert tx is None and reason is None and summary.metadata["computed_by"] == "database"
    assert issues.rows_read == 300
    # a status column of too many distinct values to classify each one (here more than 3)
    status = shop.head(50).with_columns(pl.format("state {}", pl.int_range(pl.len()))
                                        .alias("status"))
    _write(url, "with_status", status)
    monkeypatch.setattr(database, "MAX_STATUSES", 3)
    with pytest.raises(NotInDatabase, match="status"):
        database_summary(url, "with_status", as_of=AS_OF)
    # customer ids written as numbers with a fraction
    fractions = shop.head(50).with_columns((pl.int_range(pl.len()) + 0.5).alias("customer_id"))
    _write(url, "fractions", fractions)
    with pytest.raises(NotInDatabase, match="not whole"):
        database_summary(url, "fractions", as_of=AS_OF)


def _notes(issues: why.DataIssues) -> list[tuple[str, dict[str, object]]]:
    """The notes of the line items, cancellations and currencies, with their figures."""
    keys = ("line_items", "line_item_orders", "line_item_amounts", "cancellations",
            "currencies", "refunds", "refunds_linked", "zero_rows")
    return sorted((n.key, {k: round(v, 6) if isinstance(v, float) else v
                           for k, v in n.values.items()})
                  for n in issues.notes if getattr(n, "key", "") in keys)


@pytest.fixture(scope="module")
def retail() -> pl.DataFrame:
    """An Online Retail export (line items: quantity x unit price, invoices prefixed C for
    cancellations, customer ids as floats, some blank), with a status and a currency column
    as a shop platform writes them: accents, case and spaces, states not paid, another
    currency."""
    lines = datasets.sample_shop(300, seed=5, line_items=True).transactions
    i = pl.int_range(pl.len())
    return lines.with_columns(
        pl.when(i % 37 == 0).then(pl.lit(" Remboursée"))
        .when(i % 41 == 0).then(pl.lit("En attente de virement"))
        .when(i % 43 == 0).then(None).otherwise(pl.lit("Payé")).alias("Status"),
        pl.when(i % 29 == 0).then(pl.lit("usd")).when(i % 31 == 0).then(pl.lit(" eur "))
        .otherwise(pl.lit("EUR")).alias("Currency"))


@pytest.mark.parametrize("options", [
    {"unit": "week"},
    {"unit": "day", "calibration_end": "2025-06-30"},
])
def test_line_items_status_and_currency_are_summarised_in_the_database(
        url: str, retail: pl.DataFrame, options: dict[str, object]) -> None:
    """A line-item export with cancelled invoices, free lines, negative prices, a status and
    a currency column: the database gives the summary, the exclusions (free line, negative
    price, status not paid, no customer, other currency) and the notes (orders of
    the line items, cancellations, currencies) of the rows read by clv."""
    _write(url, "retail", retail)
    done = database_summary(url, "retail", as_of=AS_OF, **options)  # type: ignore[arg-type]
    tx = read_transactions(url, table="retail", as_of=AS_OF)
    polars = rfm_summary(tx, **options)  # type: ignore[arg-type]
    _same(done.summary.frame, polars.frame)
    assert done.summary.report.to_dict() == pytest.approx(polars.report.to_dict(), rel=1e-12)
    assert _counts(done.issues) == _counts(tx.issues)
    assert _notes(done.issues) == _notes(tx.issues)
    assert done.currency == tx.currency == "EUR"
    reasons = {e.reason for e in done.issues.exclusions}
    assert {why.FREE_LINE, why.NEGATIVE_PRICE, why.MISSING_CUSTOMER, why.STATUS_NOT_PAID,
            why.OTHER_CURRENCY} <= reasons
    notes = dict(_notes(done.issues))
    assert notes["cancellations"]["how"] == "order id prefixed 'C' or negative quantity"
    assert notes["currencies"]["currency"] == "EUR"
    assert notes["line_item_orders"]["by"] == "by order id"
    assert done.fetched < tx.issues.rows_read


def test_blank_amounts_of_an_order_and_text_ids_written_from_numbers(url: str) -> None:
    """A line without amount in an order whose amount is on another line (Shopify) is a line
    item worth 0, kept, as clv reads it (else an unparsable amount); customer ids written
    '12.0' are '12'."""
    frame = pl.DataFrame({
        "customer_id": ["12.0", "12.0", "12.0", "7.00", "7.00"],
        "order_id": [1, 1, 2, 3, 4],
        "timestamp": [dt.datetime(2025, 1, 1, 10), dt.datetime(2025, 1, 1, 10),
                      dt.datetime(2025, 2, 1), dt.datetime(2025, 1, 5), dt.datetime(2025, 3, 1)],
        "amount": [50.0, None, 30.0, None, 20.0]})
    _write(url, "blank", frame)
    done = database_summary(url, "blank", as_of=AS_OF)
    tx = read_transactions(url, table="blank", as_of=AS_OF)
    assert done.issues.rows_kept == tx.issues.rows_kept == 4
    assert _counts(done.issues) == _counts(tx.issues)
    assert _notes(done.issues) == _notes(tx.issues)
    assert dict((n.key, n.values) for n in done.issues.notes)["line_items"] == {"n": 1}
    _same(done.summary.frame, rfm_summary(tx).frame)
    assert done.summary.frame["customer_id"].to_list() == ["12", "7"]


def test_clv_summary_and_fit_of_a_database_table_are_computed_by_the_database(
        url: str, shop: pl.DataFrame) -> None:
    """Through the installed script: ``clv summary URL --table T`` and ``clv fit`` summarise
    in the database and give the figures of the same table read row by row."""
    import json
    import subprocess
    import sys

    _write(url, "orders", shop)
    clv = str(Path(sys.executable).parent / "clv")

    def run(*args: str) -> dict[str, object]:
        done = subprocess.run([clv, *args, "--json"], capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)  # type: ignore[no-any-return]

    summary = run("summary", url, "--table", "orders")
    assert summary["summary"]["computed_by"] == "database"  # type: ignore[index]
    tx = read_transactions(url, table="orders")
    polars = rfm_summary(tx)
    assert summary["summary"]["customers"] == polars.frame.height  # type: ignore[index]
    assert summary["data"]["rows_read"] == tx.issues.rows_read  # type: ignore[index]
    assert summary["stats"]["total_amount"] == pytest.approx(  # type: ignore[index]
        float(polars.frame["total_amount"].sum()), rel=1e-12)
    fit = run("fit", url, "--table", "orders", "--model", "bgnbd")
    from clv.models import BGNBD

    expected = BGNBD().fit(polars).params_
    got = fit["models"][0]["params"]  # type: ignore[index]
    for k, v in expected.items():
        assert got[k] == pytest.approx(v, rel=1e-6)
