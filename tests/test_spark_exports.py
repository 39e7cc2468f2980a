"""The Spark engine reads the shapes of real exports with the readers' rules (issue 17): an
Online Retail line-item log (quantity x unit price, free lines and negative prices excluded,
invoices prefixed C and negative quantities as cancellations, customer ids as floats) with a
status and a currency column, the same log with an amount column, a Shopify-style export
(a financial status, a currency, the order's amount on its first line only), and customer
ids written as floats or as text written from them. Each gives, on Spark, the summary of the
Polars path row for row (to 1e-9), its report, the same exclusions (counts and amounts) and
the same notes. What Spark cannot read as clv does is refused, naming the column. Spark runs
in local mode (CI installs pyspark and a Java runtime; elsewhere the tests skip)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from clv import datasets, read_transactions, rfm_summary
from clv.data import issues as why
from conftest import same_rows

AS_OF = dt.datetime(2026, 1, 1)
pytestmark = [pytest.mark.filterwarnings("ignore:unclosed <socket:ResourceWarning"),
              pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")]



def _counts(issues: why.DataIssues) -> dict[str, object]:
    d = issues.to_dict()
    return {"rows": (d["rows_read"], d["rows_kept"]),
            "amounts": (round(d["amount_read"], 6), round(d["amount_kept"], 6)),
            "exclusions": [(e["reason"], e["count"], round(e["amount"], 6))
                           for e in d["exclusions"]]}


def _notes(issues: why.DataIssues) -> list[tuple[str, dict[str, object]]]:
    """The notes of the reading, with their figures (the outlier note aside: the Spark
    engine does not look for outliers)."""
    keys = ("line_items", "line_item_orders", "line_item_amounts", "cancellations",
            "currencies", "refunds", "refunds_linked", "zero_rows", "identical_rows")
    return sorted((n.key, {k: round(v, 6) if isinstance(v, float) else v
                           for k, v in n.values.items()})
                  for n in issues.notes if getattr(n, "key", "") in keys)


def _both(spark, path: Path, summary: dict[str, object], **read: object):
    """The Polars and the Spark reading and summary of ``path``, checked equal."""
    from clv import spark as cs

    tx = read_transactions(path, as_of=AS_OF, **read)  # type: ignore[arg-type]
    stx = cs.read_transactions(str(path), spark, as_of=AS_OF, **read)  # type: ignore[arg-type]
    assert _counts(stx.issues) == _counts(tx.issues)
    assert _notes(stx.issues) == _notes(tx.issues)
    assert stx.issues.balanced and stx.currency == tx.currency
    polars = rfm_summary(tx, **summary)  # type: ignore[arg-type]
    ss = cs.rfm_summary(stx, **summary)  # type: ignore[arg-type]
    same_rows(ss.to_polars().frame, polars.frame)
    assert ss.report.to_dict() == pytest.approx(polars.report.to_dict(), rel=1e-12)
    assert ss.observation_end == polars.observation_end
    return tx, stx


@pytest.fixture(scope="module")
def retail(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The database tests' Online Retail export (tests/test_database_summary.py): line items,
    invoices prefixed C, float customer ids (some blank), a status and a currency column as
    a shop platform writes them (accents, case, spaces; states not paid; another currency)."""
    lines = datasets.sample_shop(300, seed=5, line_items=True).transactions
    i = pl.int_range(pl.len())
    frame = lines.with_columns(
        pl.when(i % 37 == 0).then(pl.lit(" Remboursée"))
        .when(i % 41 == 0).then(pl.lit("En attente de virement"))
        .when(i % 43 == 0).then(None).otherwise(pl.lit("Payé")).alias("Status"),
        pl.when(i % 29 == 0).then(pl.lit("usd")).when(i % 31 == 0).then(pl.lit(" eur "))
        .otherwise(pl.lit("EUR")).alias("Currency"))
    path = tmp_path_factory.mktemp("retail") / "retail.parquet"
    frame.write_parquet(path)
    return path


@pytest.mark.parametrize("options", [
    {"unit": "week"},
    {"unit": "day", "calibration_end": "2025-06-30"},
])
def test_online_retail_line_items_with_status_and_currency(spark, retail: Path,
                                                           options: dict[str, object]) -> None:
    tx, stx = _both(spark, retail, options)
    reasons = {e.reason for e in stx.issues.exclusions}
    assert {why.FREE_LINE, why.NEGATIVE_PRICE, why.MISSING_CUSTOMER, why.STATUS_NOT_PAID,
            why.OTHER_CURRENCY} <= reasons
    notes = dict(_notes(stx.issues))
    assert notes["cancellations"]["how"] == "order id prefixed 'C' or negative quantity"
    assert notes["currencies"]["currency"] == "EUR" == stx.currency
    assert notes["line_item_orders"]["by"] == "by order id"
    # the float ids (10250.0) are the integers' text, as on Polars
    assert stx.frame.filter("customer_id = '10250'").count() > 0


def test_a_currency_asked_for_and_line_items_without_order_id(spark, retail: Path,
                                                              tmp_path: Path) -> None:
    """``currency='usd'`` keeps the dollars (the euros excluded as another currency); without
    an order id the lines are grouped into orders by customer and time, and no C-prefixed
    invoice can be told."""
    _both(spark, retail, {"unit": "week"}, currency="usd")
    path = tmp_path / "no_invoice.parquet"
    pl.read_parquet(retail).drop("InvoiceNo").write_parquet(path)
    _, stx = _both(spark, path, {"unit": "month", "merge": "week"})
    notes = dict(_notes(stx.issues))
    assert notes["line_item_orders"]["by"] == "by customer and time"
    assert notes["cancellations"]["how"] == "negative quantity"


def test_online_retail_with_an_amount_column_cancels_c_invoices(spark, retail: Path,
                                                                 tmp_path: Path) -> None:
    """The same log with each line's amount written (no unit price, no quantity): a C-prefixed
    invoice is a cancellation (a refund) on Spark as on Polars; before the port Spark kept it
    as a purchase."""
    path = tmp_path / "amounts.parquet"
    pl.read_parquet(retail).with_columns(
        (pl.col("Quantity") * pl.col("UnitPrice")).abs().alias("Amount")) \
        .drop("Quantity", "UnitPrice", "Status", "Currency").write_parquet(path)
    _, stx = _both(spark, path, {"unit": "week", "calibration_end": "2025-03-31"})
    notes = dict(_notes(stx.issues))
    assert notes["cancellations"]["how"] == "order id prefixed 'C'"
    assert notes["cancellations"]["n"] > 0


SHOPIFY = [  # Name, Email, Financial Status, Currency, Subtotal, Created at, quantity, item
    ("#1001", "anna@example.com", "paid", "EUR", 58.0, "2024-03-05 10:14", 2, "Mug"),
    ("#1001", "anna@example.com", None, None, None, "2024-03-05 10:14", 1, "Teapot"),
    ("#1002", "ben@example.com", "paid", "EUR", 25.0, "2024-03-07 18:00", 1, "Teapot"),
    ("#1003", "anna@example.com", "refunded", "EUR", 19.0, "2024-04-01 11:59", 1, "Mug"),
    ("#1004", "ben@example.com", "pending", "EUR", 40.0, "2024-04-02 10:00", 2, "Mug"),
    ("#1005", "ben@example.com", "partially_refunded", "EUR", 60.0, "2024-04-03 09:59", 3,
     "Mug"),
    ("#1006", "cleo@example.com", "Paid", "USD", 30.0, "2024-04-05 09:00", 1, "Mug"),
    ("#1007", "cleo@example.com", "paid", "EUR", 0.0, "2024-05-05 09:00", 1, "Gift"),
    ("#1008", "anna@example.com", "paid", "EUR", 70.0, "2024-06-01 12:00", 1, "Lamp"),
    ("#1008", "anna@example.com", None, None, None, "2024-06-01 12:00", 2, "Bulb"),
    ("#1008", "anna@example.com", None, None, None, "2024-06-01 12:00", 1, "Shade"),
    ("#1009", "dan@example.com", "paid", "EUR", None, "2024-06-02 12:00", 1, "Lamp"),
    ("#1010", "ben@example.com", "voided", "EUR", 15.0, "2024-07-02 12:00", 1, "Mug"),
    ("#1011", "dan@example.com", "paid", "EUR", 35.0, "2024-08-02 12:00", 1, "Lamp"),
    ("#1011", "dan@example.com", "paid", "EUR", 35.0, "2024-08-02 12:00", 1, "Lamp"),
]


def test_shopify_export_with_status_currency_and_blank_amount_lines(spark,
                                                                    tmp_path: Path) -> None:
    """The order's Subtotal on its first line only: its other lines are line items worth 0
    (kept, the note 'line_items'), a line without amount in an order without any is an
    unparsable amount; the financial statuses not paid (refunded, pending, voided) and the
    dollars excluded; a zero-value order said; the repeated line a duplicated order line."""
    path = tmp_path / "orders_export.parquet"
    pl.DataFrame(SHOPIFY, orient="row", schema=[
        "Name", "Email", "Financial Status", "Currency", "Subtotal", "Created at",
        "Lineitem quantity", "Lineitem name"]) \
        .with_columns(pl.col("Created at").str.to_datetime()).write_parquet(path)
    tx, stx = _both(spark, path, {"unit": "day"})
    assert stx.issues.mapping["status"] == "Financial Status"
    reasons = {e.reason: e.count for e in stx.issues.exclusions}
    assert reasons == {why.STATUS_NOT_PAID: 3, why.BAD_AMOUNT: 1, why.OTHER_CURRENCY: 1,
                       why.DUPLICATE: 1}
    notes = dict(_notes(stx.issues))
    assert notes["line_items"] == {"n": 3} and notes["zero_rows"] == {"n": 1}
    assert stx.issues.rows_kept == tx.issues.rows_kept == 9


def test_the_statuses_said_paid_or_not_paid_as_the_readers(spark, tmp_path: Path) -> None:
    """``paid_statuses`` and ``unpaid_statuses`` (``--paid-status``, ``--unpaid-status``) on
    the Spark engine: the same rows kept and excluded, the same amounts and the same note
    ``statuses_not_found`` as the readers; a value said both ways, or statuses without a
    status column, the readers' errors. Through the installed script too, with a status
    column clv does not recognise named by ``--status``."""
    import json
    import subprocess
    import sys

    from clv import spark as cs
    from clv.errors import DataError

    frame = pl.DataFrame({
        "customer_id": ["a", "b", "a", "c", "b", "c", "a"],
        "date": ["2024-01-05", "2024-01-09", "2024-02-01", "2024-02-14", "2024-03-02",
                 "2024-03-20", "2024-04-01"],
        "amount": [25.0, 40.0, 30.0, 15.0, 55.0, 20.0, 12.5],
        "status": ["Paid", "open", "wc-paid", "Closed", "  ", "Rembours\u00e9e", "OPEN "]})
    path = tmp_path / "statuses.parquet"
    frame.write_parquet(path)
    for said in ({"paid_statuses": ["paid"]}, {"unpaid_statuses": ("OPEN", "closed")},
                 {"paid_statuses": {"paid", "remboursee", "open", "closed"}},
                 {"unpaid_statuses": ["open", "shiped"]}):
        tx = read_transactions(path, as_of=AS_OF, **said)  # type: ignore[arg-type]
        stx = cs.read_transactions(str(path), spark, as_of=AS_OF, **said)  # type: ignore[arg-type]
        assert _counts(stx.issues) == _counts(tx.issues), said
        assert [str(n) for n in stx.issues.notes] == [str(n) for n in tx.issues.notes], said
        kept = pl.from_arrow(stx.frame.select("customer_id", "amount").toArrow())
        assert isinstance(kept, pl.DataFrame)
        assert sorted(kept.rows()) == sorted(tx.frame.select("customer_id", "amount").rows())
    assert any(getattr(n, "key", "") == "statuses_not_found" for n in stx.issues.notes)
    with pytest.raises(DataError, match="both name 'Open'"):
        cs.read_transactions(str(path), spark, paid_statuses=["Open"],
                             unpaid_statuses=["open "])
    bare = tmp_path / "bare.parquet"
    frame.drop("status").write_parquet(bare)
    with pytest.raises(DataError, match="no column holds order statuses"):
        cs.read_transactions(str(bare), spark, paid_statuses=["paid"])
    clv = str(Path(sys.executable).parent / "clv")
    runs = [subprocess.run([clv, "check", str(path), "--unpaid-status", "open,Closed",
                            "--unpaid-status", "shiped", "--json", *engine],
                           capture_output=True, text=True, timeout=600)
            for engine in ((), ("--engine", "spark", "--spark-master", "local[1]"))]
    for done in runs:
        assert done.returncode == 0, done.stderr[-2000:]
    polars_run, spark_run = (json.loads(done.stdout) for done in runs)
    for key in ("rows_kept", "amount_kept", "notes"):
        assert spark_run[key] == polars_run[key], key
    assert polars_run["rows_kept"] == 3
    # a status column clv does not recognise, named with --status
    named = tmp_path / "named.parquet"
    frame.rename({"status": "zahlungsinfo"}).write_parquet(named)
    runs = [subprocess.run([clv, "check", str(named), "--status", "zahlungsinfo", "--json",
                            *engine], capture_output=True, text=True, timeout=600)
            for engine in ((), ("--engine", "spark", "--spark-master", "local[1]"))]
    for done in runs:
        assert done.returncode == 0, done.stderr[-2000:]
    polars_run, spark_run = (json.loads(done.stdout) for done in runs)
    assert spark_run["rows_kept"] == polars_run["rows_kept"] == 6  # Remboursée out (7 rows)
    assert spark_run["amount_kept"] == polars_run["amount_kept"]


def test_customer_ids_written_as_floats_or_as_text_from_floats(spark, tmp_path: Path) -> None:
    """Whole floats (NaN a missing customer) and text written from them ('12.0') are the
    integers' text on Spark as on Polars; a blank amount on a line of an order with an
    amount elsewhere is a line item worth 0 (the database tests' log)."""
    from clv import spark as cs
    from clv.errors import DataError

    times = [dt.datetime(2025, 1, 1, 10), dt.datetime(2025, 1, 1, 10), dt.datetime(2025, 2, 1),
             dt.datetime(2025, 1, 5), dt.datetime(2025, 3, 1)]
    text = tmp_path / "text_ids.parquet"
    pl.DataFrame({"customer_id": [" 12.0", "12.0", "12.0", "7.00", "7.00 "],
                  "order_id": [1, 1, 2, 3, 4], "timestamp": times,
                  "amount": [50.0, None, 30.0, None, 20.0]}).write_parquet(text)
    _, stx = _both(spark, text, {"unit": "week"})
    assert sorted(r[0] for r in stx.frame.select("customer_id").distinct().collect()) == \
        ["12", "7"]
    assert dict(_notes(stx.issues))["line_items"] == {"n": 1}
    floats = tmp_path / "float_ids.parquet"
    pl.DataFrame({"CustomerID": [12346.0, 12346.0, float("nan"), None, -3.0],
                  "InvoiceDate": times, "Amount": [10.0, 20.0, 5.0, 6.0, 7.0]}) \
        .write_parquet(floats)
    _, stx = _both(spark, floats, {"unit": "day"})
    assert {e.reason: e.count for e in stx.issues.exclusions} == {why.MISSING_CUSTOMER: 2}
    mixed = tmp_path / "mixed_ids.parquet"  # not all integral: kept as written
    pl.DataFrame({"customer_id": ["12.0", "12.5", "A7"], "timestamp": times[:3],
                  "amount": [1.0, 2.0, 3.0]}).write_parquet(mixed)
    _both(spark, mixed, {"unit": "day"})
    fractions = tmp_path / "fractions.parquet"
    pl.DataFrame({"CustomerID": [12.5, 12.0], "InvoiceDate": times[:2],
                  "Amount": [1.0, 2.0]}).write_parquet(fractions)
    with pytest.raises(DataError, match="CustomerID.*not whole"):
        cs.read_transactions(str(fractions), spark, as_of=AS_OF)


def test_what_spark_cannot_classify_is_refused_with_the_column(
        spark, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A status of more distinct values than the driver classifies, a status or currency
    column that is not text: refused, naming the column and what to do."""
    from clv import spark as cs
    from clv.errors import DataError
    from clv.spark import core

    times = [dt.datetime(2025, 1, d) for d in range(1, 6)]
    path = tmp_path / "statuses.parquet"
    pl.DataFrame({"customer_id": list("abcde"), "timestamp": times,
                  "amount": [1.0] * 5, "status": [f"state {i}" for i in range(5)]}) \
        .write_parquet(path)
    monkeypatch.setattr(core, "MAX_STATUSES", 3)
    with pytest.raises(DataError, match="status.*more than 3 distinct"):
        cs.read_transactions(str(path), spark, as_of=AS_OF)
    typed = tmp_path / "typed_status.parquet"
    pl.DataFrame({"customer_id": list("abcde"), "timestamp": times,
                  "amount": [1.0] * 5, "status": [1, 2, 3, 4, 5]}).write_parquet(typed)
    with pytest.raises(DataError, match="status.*as text"):
        cs.read_transactions(str(typed), spark, as_of=AS_OF, columns={"status": "status"})


def test_the_analysis_of_a_line_item_log_carries_its_currency(spark, retail: Path) -> None:
    """``clv report --engine spark`` on the Online Retail log: the currency kept (that of the
    currency column, no currency asked for) is the analysis's, as on Polars, and the headline
    figures are the Polars analysis's."""
    from clv import spark as cs
    from clv.pipeline import Settings, analyze

    cfg = Settings(model="bgnbd", margin=0.3, draws=40)
    polars = analyze(read_transactions(retail, as_of=AS_OF), settings=cfg)
    got = cs.analyze(cs.read_transactions(str(retail), spark, as_of=AS_OF), settings=cfg)
    assert got.currency == polars.currency == "EUR"
    headline = ("customers", "revenue", "predicted_clv", "predicted_clv_total",
                "lifetime_value", "active_share")
    assert {k: got.kpis[k] for k in headline} == pytest.approx(
        {k: polars.kpis[k] for k in headline}, rel=1e-9)


def test_clv_summary_with_engine_spark_takes_the_line_item_flags(spark, retail: Path,
                                                                 tmp_path: Path) -> None:
    """Through the installed script: ``--quantity``, ``--price`` and ``--currency`` are
    applied by ``--engine spark`` (they were refused) and give the Polars engine's summary."""
    import json
    import subprocess
    import sys

    clv = str(Path(sys.executable).parent / "clv")
    columns = pl.read_parquet_schema(retail)
    quantity = next(c for c in columns if c.lower() == "quantity")
    price = next(c for c in columns if "price" in c.lower())
    flags = ("--quantity", quantity, "--price", price, "--currency", "usd", "--json")

    def run(*args: str) -> dict[str, object]:
        done = subprocess.run([clv, "summary", str(retail), *flags, *args],
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
        return json.loads(done.stdout)  # type: ignore[no-any-return]

    on_spark = run("--engine", "spark", "--spark-master", "local[1]",
                   "--spark-conf", "spark.sql.shuffle.partitions=2")
    on_polars = run()
    assert on_spark["stats"] == pytest.approx(on_polars["stats"], rel=1e-9)
    for key in ("rows_read", "rows_kept", "rows_excluded"):
        assert on_spark["data"][key] == on_polars["data"][key], key  # type: ignore[index]
    assert on_spark["data"]["rows_excluded"] > 0  # type: ignore[index]
