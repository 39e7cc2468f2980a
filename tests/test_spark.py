"""The Spark engine (clv.spark) gives what the Polars path gives: the same data report, the
same summary row for row (to 1e-9), the same fitted parameters and the same scores, on CDNOW,
on sample_shop with refunds, and on a messy typed log with every exclusion reason. Spark runs
in local mode (CI installs pyspark and a Java runtime; elsewhere the tests skip)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import polars as pl
import pytest

from clv import datasets, read_transactions, rfm_summary
from clv.data import issues as why
from conftest import missing
from messy_logs import messy

AS_OF = dt.datetime(2026, 1, 1)
# py4j (Spark's bridge) leaves its sockets to the garbage collector
pytestmark = [pytest.mark.filterwarnings("ignore:unclosed <socket:ResourceWarning"),
              pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")]


@pytest.fixture(scope="module")
def spark():
    try:
        import pyspark  # noqa: F401
    except ImportError:
        missing("pyspark is not installed (pip install 'clv[spark]')")
    if shutil.which("java") is None:
        missing("no Java runtime (Debian package default-jre-headless)")
    from clv.spark import session

    s = session("local[2]", {"spark.sql.shuffle.partitions": "2"})
    yield s
    s.stop()


def _same(a: pl.DataFrame, b: pl.DataFrame) -> None:
    assert a.columns == b.columns and a.height == b.height
    assert a["customer_id"].to_list() == b["customer_id"].to_list()
    for column in a.columns:
        x, y = a[column], b[column]
        if y.dtype.is_float():
            assert ((x.cast(pl.Float64) - y).abs() <= 1e-9 * (1 + y.abs())).all(), column
        else:
            assert x.to_list() == y.to_list(), column


def _counts(issues: why.DataIssues) -> dict[str, object]:
    d = issues.to_dict()
    return {"rows": (d["rows_read"], d["rows_kept"]),
            "amounts": (round(d["amount_read"], 6), round(d["amount_kept"], 6)),
            "exclusions": [(e["reason"], e["count"], round(e["amount"], 6))
                           for e in d["exclusions"]],
            "notes": sorted(str(n) for n in issues.notes
                            if getattr(n, "key", "") in ("refunds", "zero_rows",
                                                         "identical_rows", "cancellations"))}


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("spark")
    shop = datasets.sample_shop(500, seed=11).transactions
    # a few lines cancelled by a negative quantity (refunds, as the readers take them)
    shop = shop.with_columns(pl.when(pl.int_range(pl.len()) % 97 == 3)
                             .then(-pl.col("quantity")).otherwise(pl.col("quantity"))
                             .alias("quantity"))
    cdnow = datasets.load_cdnow(sample=True).select(
        pl.col("customer_id"), pl.col("date"), pl.col("amount"))
    out = {"shop": shop, "messy": messy(shop.select("customer_id", "timestamp", "amount",
                                                      "order_id")),
           "cdnow": cdnow}
    paths = {}
    for name, frame in out.items():
        paths[name] = folder / f"{name}.parquet"
        frame.write_parquet(paths[name])
    return paths


@pytest.mark.parametrize(("log", "options"), [
    ("cdnow", {"calibration_end": "1997-09-30", "observation_end": "1998-06-30"}),
    ("shop", {"unit": "week"}),
    ("messy", {"unit": "day", "calibration_end": "2025-06-30"}),
    ("messy", {"unit": "month", "merge": "week", "midpoint": True}),
])
def test_spark_reads_and_summarises_as_polars(spark, logs: dict[str, Path], log: str,
                                              options: dict[str, object]) -> None:
    from clv import spark as cs

    tx = read_transactions(logs[log], as_of=AS_OF)
    stx = cs.read_transactions(str(logs[log]), spark, as_of=AS_OF)
    assert _counts(stx.issues) == _counts(tx.issues)
    assert stx.issues.balanced
    if log == "messy":
        assert {e.reason for e in stx.issues.exclusions} == {
            why.MISSING_CUSTOMER, why.BAD_DATE, why.BAD_AMOUNT, why.AMOUNT_RANGE,
            why.EARLY_DATE, why.FUTURE_DATE, why.DUPLICATE}
    polars = rfm_summary(tx, **options)  # type: ignore[arg-type]
    ss = cs.rfm_summary(stx, **options)  # type: ignore[arg-type]
    _same(ss.to_polars().frame, polars.frame)
    assert ss.report.to_dict() == pytest.approx(polars.report.to_dict(), rel=1e-12)
    assert ss.observation_end == polars.observation_end


def test_spark_fits_and_scores_as_polars(spark, logs: dict[str, Path]) -> None:
    from clv import spark as cs
    from clv.models import BGNBD
    from clv.prep import compress
    from clv.valuation import fit_spend
    from clv.value import LIFETIME, customer_value

    tx = read_transactions(logs["shop"], as_of=AS_OF)
    polars = rfm_summary(tx)
    ss = cs.rfm_summary(cs.read_transactions(str(logs["shop"]), spark, as_of=AS_OF))
    rows = cs.compress(ss)
    assert rows.equals(compress(polars).select(rows.columns))
    fitted = cs.fit(ss, "bgnbd")
    model = BGNBD().fit(polars)
    for k, v in model.params_.items():
        assert fitted.purchases.params_[k] == pytest.approx(v, rel=1e-9)
    _, spend = fit_spend(polars, [])
    for k, v in spend.params_.items():
        assert fitted.spend.params_[k] == pytest.approx(v, rel=1e-6)
    scores = cs.score(ss, fitted, margin=0.3)
    got = pl.DataFrame(scores.frame.toArrow()).sort("customer_id")
    expected = customer_value(model, polars, 12, "month", spend=spend, margin=0.3)
    lifetime = customer_value(model, polars, LIFETIME, spend=spend, margin=0.3)
    assert scores.distinct_rows == rows.height < polars.frame.height
    for column in ("p_alive", "expected_purchases", "discounted_purchases", "expected_spend",
                   "clv"):
        assert got[column].to_numpy() == pytest.approx(expected[column].to_numpy(), rel=1e-6)
    assert got["future_value_lifetime"].to_numpy() == pytest.approx(
        lifetime["clv"].to_numpy(), rel=1e-6)
    assert got["lifetime_value"].to_numpy() == pytest.approx(
        (0.3 * polars.frame["total_amount"] + lifetime["clv"]).to_numpy(), rel=1e-6)


def test_text_dates_spark_cannot_read_as_clv_are_refused_with_the_column(
        spark, tmp_path: Path) -> None:
    from clv import spark as cs
    from clv.errors import DataError

    path = tmp_path / "text.parquet"
    pl.DataFrame({"customer_id": ["a", "b"], "date": ["01/03/2024", "02/03/2024"],
                  "amount": [1.0, 2.0]}).write_parquet(path)
    with pytest.raises(DataError, match="date"):
        cs.read_transactions(str(path), spark, as_of=AS_OF)
    iso = tmp_path / "iso.parquet"
    pl.DataFrame({"customer_id": ["a", "b"], "date": ["2024-03-01", "2024-03-02 10:00:00"],
                  "amount": ["1.5", "2"]}).write_parquet(iso)
    stx = cs.read_transactions(str(iso), spark, as_of=AS_OF)
    assert stx.issues.rows_kept == 2 and stx.issues.amount_kept == pytest.approx(3.5)
    assert stx.issues.amount_kept == read_transactions(iso, as_of=AS_OF).issues.amount_kept


def test_clv_summary_and_fit_with_engine_spark(spark, logs: dict[str, Path],
                                               tmp_path: Path) -> None:
    """Through the installed script: the Spark engine's summary and fit give the Polars
    engine's figures, and the summary is written as a Parquet directory."""
    import json
    import subprocess
    import sys

    clv = str(Path(sys.executable).parent / "clv")

    def run(*args: str) -> dict[str, object]:
        done = subprocess.run([clv, *args, "--json"], capture_output=True, text=True,
                              timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
        return json.loads(done.stdout)  # type: ignore[no-any-return]

    log = str(logs["cdnow"])
    common = ("--calibration-end", "1997-09-30", "--observation-end", "1998-06-30")
    out = tmp_path / "summary"
    spark_run = run("summary", log, *common, "--engine", "spark", "--spark-master",
                    "local[1]", "--spark-conf", "spark.sql.shuffle.partitions=2",
                    "-o", str(out))
    polars_run = run("summary", log, *common)
    assert spark_run["summary"]["computed_by"] == "spark"  # type: ignore[index]
    assert spark_run["stats"] == pytest.approx(polars_run["stats"], rel=1e-9)
    assert spark_run["data"]["rows_kept"] == polars_run["data"]["rows_kept"]  # type: ignore[index]
    written = pl.read_parquet(out / "*.parquet").sort("customer_id")
    assert written.height == polars_run["stats"]["customers"]  # type: ignore[index]
    fit_spark = run("fit", log, *common, "--engine", "spark", "--spark-master", "local[1]")
    fit_polars = run("fit", log, *common)
    a = fit_spark["models"][0]["params"]  # type: ignore[index]
    b = fit_polars["models"][0]["params"]  # type: ignore[index]
    assert a == pytest.approx(b, rel=1e-9)
    valued = ("--model", "bgnbd", "--margin", "0.3", "--horizon", "24")
    predict_spark = run("predict", log, *valued, "--engine", "spark", "--spark-master",
                        "local[1]", "-o", str(tmp_path / "scores"))
    predict_polars = run("predict", log, *valued, "-o", str(tmp_path / "scores.parquet"))
    assert predict_spark["total"]["clv"] == pytest.approx(  # type: ignore[index]
        predict_polars["total"]["clv"], rel=1e-9)  # type: ignore[index]
    scored = pl.read_parquet(tmp_path / "scores" / "*.parquet").sort("customer_id")
    polars_scores = pl.read_parquet(tmp_path / "scores.parquet").sort("customer_id")
    assert scored["customer_id"].to_list() == polars_scores["customer_id"].to_list()
    for column in ("p_alive", "expected_purchases", "clv", "lifetime_value"):
        assert scored[column].to_numpy() == pytest.approx(polars_scores[column].to_numpy(),
                                                          rel=1e-9), column
    bad = subprocess.run([clv, "summary", log, "--engine", "spark", "--decimal", ","],
                         capture_output=True, text=True, timeout=600)
    assert bad.returncode != 0 and "--decimal is not applied by --engine spark" in bad.stderr
    assert "Traceback" not in bad.stderr
