"""The reader features of real exports that the Spark engine (clv.spark.read_transactions)
and the database's summary (clv.prep.database_summary, DuckDB and PostgreSQL) apply as the
Polars reader (clv.read_transactions) does: Stripe API charges (preset ``stripe_api``:
amounts in the currency's minor unit, divided by 100 but in zero-decimal currencies, per
row's currency; the amount refunded deducted; ``created`` in Unix seconds). For each table,
read by Polars and by the engine: the same rows kept, the same exclusions (reason, count,
amount), the same notes and the same RFM summary (1e-9). Spark runs in local mode (skipped
without pyspark or Java); PostgreSQL needs CLV_TEST_POSTGRES_URL."""

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
from test_engines_parity2 import _exclusions, _kept, _notes  # noqa: E402

AS_OF = dt.datetime(2026, 1, 1)
pytestmark = [pytest.mark.filterwarnings("ignore:unclosed <socket:ResourceWarning"),
              pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")]
EPOCH = dt.datetime(1970, 1, 1)


def _seconds(day: int, hour: int = 12) -> int:
    """Unix seconds of a day of 2025 (Stripe's ``created``)."""
    at = dt.datetime(2025, 1, 1, hour) + dt.timedelta(days=day)
    return int((at - EPOCH).total_seconds())


def stripe_charges() -> tuple[pl.DataFrame, dict[str, Any]]:
    """Stripe API charges (/v1/charges written out): cents of USD, yen of JPY (a
    zero-decimal currency, excluded as another currency: their amounts show they are read in
    units), refunds in amount_refunded (partial and whole), a failed charge."""
    rows = [  # customer, day, amount, refunded, currency, status
        ("cus_A", 3, 14950, 0, "usd", "succeeded"),
        ("cus_A", 40, 2599, 599, "usd", "succeeded"),
        ("cus_A", 95, 1000, 1000, "usd", "succeeded"),
        ("cus_B", 10, 500000, 0, "jpy", "succeeded"),
        ("cus_B", 20, 12000, 0, "jpy", "succeeded"),
        ("cus_C", 12, 9999, None, "usd", "succeeded"),
        ("cus_C", 70, 4500, 0, "usd", "failed"),
        ("cus_C", 90, 3050, 50, "USD ", "succeeded"),
        ("cus_D", 33, 120000, 0, "usd", "succeeded"),
    ]
    frame = pl.DataFrame({
        "id": [f"ch_{i}" for i in range(len(rows))],
        "object": ["charge"] * len(rows),
        "amount": [r[2] for r in rows],
        "amount_refunded": [r[3] for r in rows],
        "created": [_seconds(r[1]) for r in rows],
        "currency": [r[4] for r in rows],
        "customer": [r[0] for r in rows],
        "status": [r[5] for r in rows],
        "description": [f"order {i}" for i in range(len(rows))],
    }, schema_overrides={"amount_refunded": pl.Int64})
    return frame, {}


def stripe_yen() -> tuple[pl.DataFrame, dict[str, Any]]:
    """Charges of a Japanese shop (JPY, in units) with a few in EUR (cents), the preset
    named: the yen are kept as written, the euros divided (and excluded)."""
    frame, _ = stripe_charges()
    frame = frame.with_columns(
        pl.Series("currency", ["jpy", "jpy", "jpy", "eur", "JPY", "jpy", "eur", "jpy", "jpy"]))
    return frame, {"preset": "stripe_api"}


def _text_dates(written: list[str | None], amount: str = "amount"
                ) -> tuple[pl.DataFrame, dict[str, Any]]:
    customers = ["a", "a", "b", "b", "c", "c", "d", "d", "e", "e"]
    return pl.DataFrame({
        "customer_id": customers[:len(written)],
        "date": written,
        amount: [10.0 + 7.5 * i for i in range(len(written))],
    }), {"customer": "customer_id", "date": "date", "amount": amount}


def dates_day_first() -> tuple[pl.DataFrame, dict[str, Any]]:
    """European dates with and without a time (31.01.2025 13:45, 05/02/2025): day first, a
    day above 12 decides (note date_order); 30.02.2025 is no day and a word no date (both
    unparsable dates, excluded)."""
    return _text_dates(["31.01.2025 13:45", "05.02.2025 09:00", " 14/03/2025", "02.04.2025",
                        "30.02.2025", "01-05-2025 08:30:15", "not a date", "07.06.2025",
                        "12.12.2025 23:59", None])


def dates_month_first() -> tuple[pl.DataFrame, dict[str, Any]]:
    """American dates: month first, a day above 12 in the second place decides."""
    return _text_dates(["01/31/2025", "02/05/2025 09:00", "03/14/2025", "04/02/2025",
                        "05/01/2025 08:30:15", "06/07/2025", "07/04/2025", "08/30/2025"])


def dates_european() -> tuple[pl.DataFrame, dict[str, Any]]:
    """Ambiguous dates (no day above 12) in a file with a French header ('Montant TTC'):
    read day first, the note dates_day_first saying why."""
    return _text_dates(["01/02/2025", "03/04/2025 10:00", "05/06/2025", "07/08/2025",
                        "02/01/2025", "11/12/2025"], amount="Montant TTC")


RULES: dict[str, Callable[[], tuple[pl.DataFrame, dict[str, Any]]]] = {
    "stripe_charges": stripe_charges, "stripe_yen": stripe_yen,
    "dates_day_first": dates_day_first, "dates_month_first": dates_month_first,
    "dates_european": dates_european}
EXPECTED = {  # what each table shows of its rule, on the Polars reader
    "stripe_charges": ({why.STATUS_NOT_PAID: 1, why.OTHER_CURRENCY: 2},
                       ["minor_units", "refunded_netted"]),
    "stripe_yen": ({why.STATUS_NOT_PAID: 1, why.OTHER_CURRENCY: 1},
                   ["minor_units", "refunded_netted"]),
    "dates_day_first": ({why.BAD_DATE: 3}, ["date_order"]),
    "dates_month_first": ({}, ["date_order"]),
    "dates_european": ({}, ["dates_day_first"]),
}


def _check_polars(rule: str, tx: Any) -> None:
    """The Polars reader applies the rule (the parity below is not of two engines that both
    ignore it)."""
    counts, notes = EXPECTED[rule]
    assert {e.reason: e.count for e in tx.issues.exclusions} == counts
    keys = [k for k, _ in _notes(tx.issues)]
    assert all(n in keys for n in notes)
    amounts = dict(((c, t), a) for c, t, a in tx.frame.select(
        "customer_id", "timestamp", "amount").rows())
    if rule == "stripe_charges":
        assert tx.currency == "USD"
        assert amounts["cus_A", dt.datetime(2025, 1, 4, 12)] == pytest.approx(149.50)
        assert amounts["cus_A", dt.datetime(2025, 2, 10, 12)] == pytest.approx(20.00)
        yen = next(e for e in tx.issues.exclusions if e.reason == why.OTHER_CURRENCY)
        assert yen.amount == pytest.approx(512000.0)  # in units, not cents
    elif rule == "stripe_yen":
        assert tx.currency == "JPY"
        assert amounts["cus_A", dt.datetime(2025, 1, 4, 12)] == pytest.approx(14950.0)
        euros = next(e for e in tx.issues.exclusions if e.reason == why.OTHER_CURRENCY)
        assert euros.amount == pytest.approx(5000.0)  # 500000 cents
    elif rule == "dates_day_first":
        assert dt.datetime(2025, 1, 31, 13, 45) in tx.frame["timestamp"].to_list()
        assert dt.datetime(2025, 5, 1, 8, 30, 15) in tx.frame["timestamp"].to_list()
        assert dict(_notes(tx.issues))["date_order"]["order"] == "DD/MM/YYYY"
    elif rule == "dates_month_first":
        assert dt.datetime(2025, 4, 2) in tx.frame["timestamp"].to_list()
        assert dict(_notes(tx.issues))["date_order"]["order"] == "MM/DD/YYYY"
    elif rule == "dates_european":
        assert dt.datetime(2025, 2, 1) in tx.frame["timestamp"].to_list()



@pytest.mark.parametrize("rule", list(RULES))
def test_spark_reads_as_polars(spark: Any, rule: str, tmp_path: Path) -> None:
    from clv import spark as cs

    frame, options = RULES[rule]()
    path = tmp_path / f"{rule}.parquet"
    frame.write_parquet(path)
    tx = read_transactions(path, as_of=AS_OF, **options)
    _check_polars(rule, tx)
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


@pytest.mark.parametrize("rule", list(RULES))
def test_the_database_summarises_as_polars(url: str, rule: str) -> None:  # noqa: F811
    from clv.prep.database import database_summary

    frame, options = RULES[rule]()
    _write(url, rule, frame)
    tx = read_transactions(url, table=rule, as_of=AS_OF, **options)
    _check_polars(rule, tx)
    done = database_summary(url, rule, as_of=AS_OF, text_dates=True, **options)
    assert done.issues.rows_kept == tx.issues.rows_kept
    assert done.issues.amount_kept == pytest.approx(tx.issues.amount_kept, rel=1e-12)
    assert _exclusions(done.issues) == _exclusions(tx.issues)
    assert _notes(done.issues) == _notes(tx.issues)
    assert done.issues.balanced and done.currency == tx.currency
    polars = rfm_summary(tx)
    same_rows(done.summary.frame, polars.frame)
    assert done.summary.report.to_dict() == pytest.approx(polars.report.to_dict(), rel=1e-9)


def test_clv_summary_engine_spark_takes_the_stripe_api_preset(tmp_path: Path) -> None:
    """Through the installed script: ``--preset stripe_api`` is applied by ``--engine spark``
    (it was refused) and gives the Polars engine's summary and counts."""
    import json
    import subprocess
    import sys

    pytest.importorskip("pyspark")
    clv = str(Path(sys.executable).parent / "clv")
    frame, _ = stripe_yen()
    path = tmp_path / "charges.parquet"
    frame.write_parquet(path)

    def run(*args: str) -> dict[str, Any]:
        done = subprocess.run([clv, "summary", str(path), "--preset", "stripe_api",
                               "--json", *args],
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "Traceback" not in done.stderr
        return json.loads(done.stdout)  # type: ignore[no-any-return]

    on_spark = run("--engine", "spark", "--spark-master", "local[1]",
                   "--spark-conf", "spark.sql.shuffle.partitions=2")
    on_polars = run()
    assert on_spark["stats"] == pytest.approx(on_polars["stats"], rel=1e-9)
    for key in ("rows_read", "rows_kept", "rows_excluded"):
        assert on_spark["data"][key] == on_polars["data"][key], key
    assert on_polars["data"]["rows_excluded"] == 2


def _ambiguous() -> pl.DataFrame:
    frame, _ = _text_dates(["01/02/2025", "03/04/2025 10:00", "05/06/2025", "07/08/2025",
                            "02/01/2025", "11/12/2025"])
    return frame


def _said(exc: Any) -> tuple[Any, ...]:
    """What an error tells the user, but the source's name (a path or a URL)."""
    return type(exc), exc.key, exc.values, exc.column


def test_spark_refuses_ambiguous_dates_as_polars(spark: Any, tmp_path: Path) -> None:
    """Day first and month first read every date and disagree, and nothing shows a European
    file: the readers' error (naming the column and examples), on Spark too."""
    from clv import spark as cs
    from clv.errors import AmbiguousDateError

    path = tmp_path / "ambiguous.parquet"
    _ambiguous().write_parquet(path)
    with pytest.raises(AmbiguousDateError) as polars:
        read_transactions(path, as_of=AS_OF)
    with pytest.raises(AmbiguousDateError) as on_spark:
        cs.read_transactions(str(path), spark, as_of=AS_OF)
    assert _said(on_spark.value) == _said(polars.value)
    assert "'01/02/2025'" in str(on_spark.value) and str(path) in str(on_spark.value)


def test_the_database_refuses_ambiguous_dates_as_polars(url: str) -> None:  # noqa: F811
    from clv.errors import AmbiguousDateError
    from clv.prep.database import NotInDatabase, database_summary

    _write(url, "ambiguous", _ambiguous())
    with pytest.raises(AmbiguousDateError) as polars:
        read_transactions(url, table="ambiguous", as_of=AS_OF)
    with pytest.raises(AmbiguousDateError) as done:
        database_summary(url, "ambiguous", as_of=AS_OF, text_dates=True)
    assert _said(done.value) == _said(polars.value)
    with pytest.raises(NotInDatabase, match="dates written as text"):  # the default
        database_summary(url, "ambiguous", as_of=AS_OF)


def _listed(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """The rows of a list of excluded rows, as Python values (the amounts rounded)."""
    return [{k: round(v, 9) if isinstance(v, float) else v for k, v in row.items()}
            for row in frame.to_dicts()]


@pytest.mark.parametrize("rule", ["stripe_charges", "dates_day_first"])
def test_the_database_lists_the_excluded_rows_as_polars(url: str, rule: str) -> None:  # noqa: F811
    """``excluded_rows=True``: every excluded row, fetched from the database (those only),
    with its row number, reason, amount and mapped columns, as the readers list them."""
    from clv.prep.database import database_summary

    frame, options = RULES[rule]()
    _write(url, rule, frame)
    tx = read_transactions(url, table=rule, as_of=AS_OF, excluded_rows=True, **options)
    polars = tx.issues.excluded_rows
    assert polars is not None and polars.height == sum(e.count for e in tx.issues.exclusions)
    done = database_summary(url, rule, as_of=AS_OF, text_dates=True, excluded_rows=True,
                            **options)
    assert done.issues.excluded_rows is not None
    assert done.issues.excluded_rows.columns == polars.columns
    assert _listed(done.issues.excluded_rows) == _listed(polars)
    without = database_summary(url, rule, as_of=AS_OF, text_dates=True, **options)
    assert without.issues.excluded_rows is None
    assert done.fetched == without.fetched + polars.height  # the excluded rows only
    assert _exclusions(done.issues) == _exclusions(without.issues)


def test_spark_lists_the_excluded_rows_as_polars(spark: Any, tmp_path: Path) -> None:
    """``excluded_rows=True``: a Spark DataFrame of every excluded row, numbered from 1 in
    the source's order across Spark's partitions, with the readers' reason, amount and
    mapped columns: the readers' list, value for value."""
    from clv import spark as cs

    frame, options = stripe_charges()
    frame = pl.concat([frame] * 40).with_columns(  # 360 charges: 120 excluded
        pl.format("ch_{}", pl.int_range(pl.len())).alias("id"))
    path = tmp_path / "charges.parquet"
    frame.write_parquet(path)
    tx = read_transactions(path, as_of=AS_OF, excluded_rows=True, **options)
    polars = tx.issues.excluded_rows
    assert polars is not None and polars.height == 120
    schema = ", ".join(f"{c} {'bigint' if d == pl.Int64 else 'string'}"
                       for c, d in frame.schema.items())
    parted = spark.sparkContext.parallelize(frame.rows(), 3).toDF(schema)  # in order
    for src in (str(path), parted):
        stx = cs.read_transactions(src, spark, as_of=AS_OF, excluded_rows=True, **options)
        assert stx.excluded_rows is not None
        listed = pl.from_arrow(stx.excluded_rows.toArrow())
        assert isinstance(listed, pl.DataFrame)
        assert listed.columns == polars.columns
        assert _listed(listed) == _listed(polars)
    assert parted.rdd.getNumPartitions() > 1
    assert cs.read_transactions(str(path), spark, as_of=AS_OF, **options).excluded_rows is None


def test_clv_summary_engine_spark_reads_day_first_dates(tmp_path: Path) -> None:
    """Through the installed script: day-first dates in text are read by ``--engine spark``
    as by the readers (they were refused: ISO dates only), and ambiguous dates give the
    readers' error, without a traceback."""
    import json
    import subprocess
    import sys

    pytest.importorskip("pyspark")
    clv = str(Path(sys.executable).parent / "clv")
    spark = ("--engine", "spark", "--spark-master", "local[1]",
             "--spark-conf", "spark.sql.shuffle.partitions=2")
    frame, _ = dates_day_first()
    path = tmp_path / "european.parquet"
    frame.write_parquet(path)

    def run(file: Path, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([clv, "summary", str(file), "--json", *args],
                              capture_output=True, text=True, timeout=600)

    on_spark, on_polars = run(path, *spark), run(path)
    assert on_spark.returncode == 0 and on_polars.returncode == 0, on_spark.stderr[-2000:]
    done, polars = json.loads(on_spark.stdout), json.loads(on_polars.stdout)
    assert done["stats"] == pytest.approx(polars["stats"], rel=1e-9)
    assert done["data"]["rows_excluded"] == polars["data"]["rows_excluded"] == 3
    ambiguous = tmp_path / "ambiguous.parquet"
    _ambiguous().write_parquet(ambiguous)
    refused, said = run(ambiguous, *spark), run(ambiguous)
    assert refused.returncode == said.returncode != 0
    assert "Traceback" not in refused.stderr + refused.stdout
    assert "01/02/2025" in refused.stderr + refused.stdout


@pytest.mark.parametrize("date_format", ["dmy", "mdy", "%d/%m/%Y"])
def test_the_database_reads_ambiguous_dates_with_the_format_given(
        url: str, date_format: str) -> None:  # noqa: F811
    """The readers' error says to choose with date_format: the database takes it too, and
    reads the same days."""
    from clv.prep.database import database_summary

    _write(url, "chosen", _ambiguous())
    tx = read_transactions(url, table="chosen", as_of=AS_OF, date_format=date_format)
    done = database_summary(url, "chosen", as_of=AS_OF, text_dates=True,
                            date_format=date_format)
    assert _exclusions(done.issues) == _exclusions(tx.issues)
    assert _notes(done.issues) == _notes(tx.issues)
    same_rows(done.summary.frame, rfm_summary(tx).frame)


def test_spark_reads_ambiguous_dates_with_the_format_given(spark: Any, tmp_path: Path) -> None:
    """The readers' error says to choose with date_format: Spark takes it too (day first,
    then month first: other days), and reads the same days."""
    from clv import spark as cs

    path = tmp_path / "chosen.parquet"
    _ambiguous().write_parquet(path)
    for date_format in ("dmy", "mdy"):
        tx = read_transactions(path, as_of=AS_OF, date_format=date_format)
        stx = cs.read_transactions(str(path), spark, as_of=AS_OF, date_format=date_format)
        kept = pl.from_arrow(stx.frame.select("customer_id", "timestamp", "amount").toArrow())
        assert isinstance(kept, pl.DataFrame)
        assert _kept(kept) == _kept(tx.frame)
        assert _notes(stx.issues) == _notes(tx.issues)
