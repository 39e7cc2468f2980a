"""The Spark engine (clv.spark) gives what the Polars path gives: the same data report, the
same summary row for row (to 1e-9), the same fitted parameters and the same scores (with their
intervals), on CDNOW, on sample_shop with refunds (returns linked to their order by its id),
on a messy typed log with every exclusion reason, and on a small log of refunds linked or not
to their order. Spark runs in local mode (CI installs pyspark and a Java runtime; elsewhere
the tests skip)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from clv import datasets, read_transactions, rfm_summary
from clv.data import issues as why
from conftest import same_rows, spark_session
from messy_logs import messy

AS_OF = dt.datetime(2026, 1, 1)
# py4j (Spark's bridge) leaves its sockets to the garbage collector
pytestmark = [pytest.mark.filterwarnings("ignore:unclosed <socket:ResourceWarning"),
              pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")]


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory):
    # tables (clv score --to TABLE) in a temporary warehouse, not in the working directory
    s = spark_session(**{"spark.sql.warehouse.dir": str(tmp_path_factory.mktemp("warehouse"))})
    yield s
    s.stop()


def _counts(issues: why.DataIssues) -> dict[str, object]:
    d = issues.to_dict()
    return {"rows": (d["rows_read"], d["rows_kept"]),
            "amounts": (round(d["amount_read"], 6), round(d["amount_kept"], 6)),
            "exclusions": [(e["reason"], e["count"], round(e["amount"], 6))
                           for e in d["exclusions"]],
            "notes": sorted(str(n) for n in issues.notes
                            if getattr(n, "key", "") in ("refunds", "refunds_linked", "zero_rows",
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
    if log != "cdnow":  # the shop's returns name their order: linked, on both engines
        assert "refunds_linked" in {getattr(n, "key", "") for n in stx.issues.notes}
        assert "order_time" in stx.frame.columns
    if log == "messy":
        assert {e.reason for e in stx.issues.exclusions} == {
            why.MISSING_CUSTOMER, why.BAD_DATE, why.BAD_AMOUNT, why.AMOUNT_RANGE,
            why.EARLY_DATE, why.FUTURE_DATE, why.DUPLICATE}
    polars = rfm_summary(tx, **options)  # type: ignore[arg-type]
    ss = cs.rfm_summary(stx, **options)  # type: ignore[arg-type]
    # the refunds moved to their order's period (CDNOW has no order id)
    assert (stx.refund_links is not None) == (log != "cdnow")
    same_rows(ss.to_polars().frame, polars.frame)
    assert ss.report.to_dict() == pytest.approx(polars.report.to_dict(), rel=1e-12)
    # the validated frame alone (its column order_time): every row joined to the links
    joined = cs.rfm_summary(stx.frame, **options)  # type: ignore[arg-type]
    same_rows(joined.to_polars().frame, polars.frame)
    assert joined.report.to_dict() == pytest.approx(polars.report.to_dict(), rel=1e-12)
    assert ss.observation_end == polars.observation_end


def test_keep_leaves_out_product_and_channel_only(spark, logs: dict[str, Path]) -> None:
    """``keep=()`` (what clv summary, fit, predict and score --engine spark read with): the
    frame carries neither product nor channel, and the rows, the data report and the summary
    are those of the default read, which carries both; an unknown column is refused."""
    from clv import spark as cs
    from clv.errors import DataError

    every = cs.read_transactions(str(logs["shop"]), spark, as_of=AS_OF)
    bare = cs.read_transactions(str(logs["shop"]), spark, as_of=AS_OF, keep=())
    assert {"product", "channel"} <= set(every.frame.columns)
    assert not {"product", "channel", "_row"} & set(bare.frame.columns)
    assert _counts(bare.issues) == _counts(every.issues)
    assert [str(n) for n in bare.issues.notes] == [str(n) for n in every.issues.notes]
    same_rows(cs.rfm_summary(bare).to_polars().frame, cs.rfm_summary(every).to_polars().frame)
    only = cs.read_transactions(str(logs["shop"]), spark, as_of=AS_OF, keep=("channel",))
    assert "channel" in only.frame.columns and "product" not in only.frame.columns
    with pytest.raises(DataError):
        cs.read_transactions(str(logs["shop"]), spark, as_of=AS_OF, keep=("colour",))


def test_rows_go_to_their_customer_once_and_large_paths_agree(
        spark, logs: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """read_transactions sends the rows to their customer's partition once, as it caches
    them: the summary's plan (links of refunds included) shuffles no row again, where the
    same summary of a plain frame must. The paths taken when many hashes are shared or many
    rows repeat (the shared hashes not brought to the driver, the repeats joined without a
    broadcast; the refunds linked by a broadcast or a shuffle, in a session of Spark's
    defaults) give the report, the rows excluded and the summary of the usual ones."""
    from clv import spark as cs
    from clv.spark import core

    def exchanges(frame) -> int:
        # the shuffles of the customers' figures (the summary's frame is a projection of
        # them, cached): their plan runs from the first cached relation to the next, that of
        # the rows validated (whose own plan has read_transactions's one shuffle)
        plan = frame._jdf.queryExecution().executedPlan().toString()
        per = plan.split("InMemoryRelation")[1]
        return per.count("Exchange hashpartitioning") + per.count("Exchange rangepartitioning")

    stx = cs.read_transactions(str(logs["shop"]), spark, as_of=AS_OF, keep=())
    assert "order_time" in stx.frame.columns
    assert exchanges(cs.rfm_summary(stx, calibration_end="2025-06-30").frame) == 0
    source = spark.read.parquet(str(logs["shop"])).select("customer_id", "timestamp", "amount")
    plain = cs.rfm_summary(source.cache())  # a frame as any: its rows sent to their customer
    assert exchanges(plain.frame) >= 1

    from polars.testing import assert_frame_equal

    def agree(log: str) -> None:
        usual = cs.read_transactions(str(logs[log]), spark, as_of=AS_OF, excluded_rows=True)
        expected = cs.rfm_summary(usual).to_polars().frame
        # the refunds linked by a broadcast, then by a shuffle (a session whose joins
        # need every key of their partitioning: Spark's default, not clv.spark.session's)
        for broadcast in (core.LINKS_BROADCAST, 0):
            with monkeypatch.context() as patch:
                patch.setattr(core, "SHARED_HASHES", 0)
                patch.setattr(core, "LINKS_BROADCAST", broadcast)
                spark.conf.set(core.CO_PARTITION, "true")
                try:
                    other = cs.read_transactions(str(logs[log]), spark, as_of=AS_OF,
                                                 excluded_rows=True)
                    summary = cs.rfm_summary(other).to_polars().frame
                finally:
                    spark.conf.set(core.CO_PARTITION, "false")
            # every figure and example (repeats' included); as text, where NaN equals NaN
            assert repr(other.issues.to_dict()) == repr(usual.issues.to_dict())
            assert str(other.issues) == str(usual.issues)
            assert usual.excluded_rows is not None and other.excluded_rows is not None
            assert_frame_equal(pl.from_arrow(other.excluded_rows.toArrow()),
                               pl.from_arrow(usual.excluded_rows.toArrow()))
            same_rows(summary, expected)

    assert spark.conf.get(core.CO_PARTITION) == "false"  # as clv.spark.session sets it
    agree("messy")  # repeated rows
    agree("shop")  # refunds linked to their order


def test_spark_fits_and_scores_as_polars(spark, logs: dict[str, Path]) -> None:
    """The Spark scores are those of the one valuation path (clv.valuation.value_customers)
    customer for customer, to 1e-9: P(alive) and the activity views', expected purchases and
    spend, CLV, the lifetime figures, and the CLV interval (drawn once per distinct row); with
    the same notes."""
    from clv import spark as cs
    from clv.models import BGNBD
    from clv.prep import compress
    from clv.store import SCORE_COLUMNS
    from clv.valuation import Settings, fit_spend, value_customers
    from clv.value import value_intervals

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
    for k, v in spend.params_.items():  # fitted on the same rows in the same order
        assert fitted.spend.params_[k] == pytest.approx(v, rel=1e-9)
    cfg = Settings(model="bgnbd", margin=0.3, draws=40)
    scores = cs.score(ss, fitted, cfg.horizon, cfg.horizon_unit, margin=cfg.margin,
                      discount_rate=cfg.discount_rate, level=cfg.level, draws=cfg.draws)
    got = pl.DataFrame(scores.frame.toArrow()).sort("customer_id")
    expected = value_customers(tx, cfg)
    assert scores.distinct_rows == rows.height < polars.frame.height
    # each customer's bounds are drawn where the rows are, not on the driver
    assert "MapInArrow" in scores.frame._jdf.queryExecution().optimizedPlan().toString()
    assert got.columns == [*SCORE_COLUMNS, "discounted_purchases"]
    bounds = ["clv_lower", "clv_upper"]
    same_rows(got.select(SCORE_COLUMNS).drop(bounds),
              expected.value.select(SCORE_COLUMNS).drop(bounds))
    # the bounds drawn per distinct row are those drawn per customer (the same draws); the
    # Polars valuation itself moves them by up to 2e-9 from one run to the next (measured:
    # its parallel sums move the Gamma-Gamma fit by 1e-12, which the draws' quantiles
    # amplify), so they are compared to 1e-9 on the same summary, to 1e-7 across engines
    drawn = value_intervals(fitted.purchases, ss.to_polars(), cfg.horizon, cfg.horizon_unit,
                            spend=fitted.spend, margin=cfg.margin,
                            discount_rate=cfg.discount_rate, level=cfg.level, draws=cfg.draws)
    same_rows(got.select("customer_id", *bounds), drawn.customers.select("customer_id", *bounds))
    for bound in bounds:
        assert got[bound].to_numpy() == pytest.approx(expected.value[bound].to_numpy(),
                                                      rel=1e-7)
    assert (got["clv_lower"] < got["clv_upper"]).mean() > 0.9  # type: ignore[operator]
    assert [str(n) for n in scores.notes] == [str(n) for n in expected.notes]
    # the total's interval, each distinct row weighed by its customers: the parameter
    # uncertainty's bounds are the Polars path's (the same draws); the realised value's are
    # drawn by the normal approximation (Polars simulates each of these 500 customers)
    assert scores.total is not None
    whole = expected.intervals.total
    for key in ("clv", "lower", "upper"):
        assert scores.total[key] == pytest.approx(whole[key], rel=1e-7), key
    assert scores.total["predictive_lower"] < whole["clv"] < scores.total["predictive_upper"]
    for key in ("predictive_lower", "predictive_upper"):
        assert scores.total[key] == pytest.approx(whole[key], rel=0.1), key


def test_gamma_gamma_on_a_sample_beyond_the_bound(spark, logs: dict[str, Path]) -> None:
    """Beyond ``spend_sample`` repeat buyers the spend model is fitted on a uniform sample of
    that many (what the driver receives stays bounded), said in a note; its parameters stay
    near those of the whole (a 300-customer sample of a 10,000-customer shop)."""
    from clv import spark as cs

    ss = cs.rfm_summary(cs.read_transactions(str(logs["shop"]), spark, as_of=AS_OF))
    whole = cs.fit(ss, "bgnbd")
    sampled = cs.fit(ss, "bgnbd", spend_sample=300)
    said = [n for n in sampled.notes if getattr(n, "key", "") == "spend_sample"]
    assert len(said) == 1 and said[0].values["n"] == 300  # type: ignore[attr-defined]
    assert said[0].values["repeat"] > 300  # type: ignore[attr-defined]
    assert not any(getattr(n, "key", "") == "spend_sample" for n in whole.notes)
    # the mean spend of a repeat purchase (the model's), within 15% of the whole's
    def mean(spend: object) -> float:
        p, q, g = (spend.params_[k] for k in ("p", "q", "gamma"))  # type: ignore[attr-defined]
        return float(p * g / (q - 1))
    assert mean(sampled.spend) == pytest.approx(mean(whole.spend), rel=0.15)
    assert sampled.purchases.params_ == whole.purchases.params_  # the purchase model: whole


def test_spark_writes_scores_to_a_table(spark, logs: dict[str, Path]) -> None:
    """``clv score --engine spark --to TABLE`` writes a Spark table (here in the session's
    temporary warehouse); a target is a path when it looks like one, a database URL is
    refused with the option named."""
    from clv import spark as cs
    from clv.cli import spark as engine
    from clv.errors import ClvError

    ss = cs.rfm_summary(cs.read_transactions(str(logs["cdnow"]), spark, as_of=AS_OF))
    scores = cs.score(ss, cs.fit(ss, "bgnbd"), margin=0.5)
    engine._write(scores.frame, "table", "clv_scores_test")
    engine._write(scores.frame, "table", "clv_scores_test")  # replaced, not appended
    table = pl.DataFrame(spark.table("clv_scores_test").toArrow()).sort("customer_id")
    written = pl.DataFrame(scores.frame.toArrow()).sort("customer_id")
    assert table.equals(written) and table.height == ss.frame.count()
    assert engine.score_target("scores") == ("table", "scores")
    assert engine.score_target("analytics.clv_scores") == ("table", "analytics.clv_scores")
    assert engine.score_target("./scores") == ("parquet", "./scores")
    assert engine.score_target("s3a://bucket/scores") == ("parquet", "s3a://bucket/scores")
    assert engine.score_target("scores.parquet") == ("parquet", "scores.parquet")
    for bad, words in (("sqlite:///scores.db", "is a database"),
                       ("postgresql+psycopg://h/db", "is a database"),
                       ("my scores", "neither a path")):
        with pytest.raises(ClvError, match=words):
            engine.score_target(bad)


REFUND_LOG = [  # customer, order id, time, amount: returns on later days name their order
    ("a", "A1", "2024-01-05 10:00", 60.0), ("a", "A1", "2024-01-05 10:00", 40.0),
    ("a", " A1 ", "2024-01-20 09:00", -40.0),  # linked (the id trimmed): nets on 5 January
    ("a", "A2", "2024-02-01 12:00", 50.0),
    ("a", "A2", "2024-02-01 12:00", -10.0),  # at the order's own time: not linked
    ("a", "A3", "2024-04-02 08:00", 30.0), ("a", "A3", "2024-04-09 08:00", -30.0),  # linked
    ("b", "B1", "2024-03-01 15:00", 80.0),
    ("b", "B1", "2024-07-10 15:00", -80.0),  # linked; after the calibration end: its own day
    ("b", "A1", "2024-03-05 11:00", -5.0),  # another customer's order: not linked
    ("b", "B2", "2024-05-01 10:00", 20.0),
    ("c", "C9", "2024-01-01 09:00", -20.0),  # before its order: not linked
    ("c", "C9", "2024-01-10 09:00", 30.0), ("c", "C2", "2024-08-01 10:00", 70.0),
    ("c", "C2", "2024-12-20 10:00", -70.0),  # linked, after the observation end: its own day
    ("c", "  ", "2024-08-03 10:00", -3.0),  # a blank order id: not linked
    ("c", "C3", "2024-09-01 10:00", 25.0), ("d", "D1", "2024-02-10 10:00", 45.0),
    ("d", "D2", "2024-06-20 10:00", 55.0), ("d", "D2", "2024-06-29 10:00", -55.0),  # linked
    ("d", "D3", "2024-06-29 12:00", 15.0),  # a purchase on the day of that refund: its day
]


@pytest.mark.parametrize("options", [
    {"unit": "day", "observation_end": "2024-10-31"},
    {"unit": "week", "calibration_end": "2024-06-30", "observation_end": "2024-10-31"},
    {"unit": "month", "merge": "week"},
])
def test_refunds_linked_to_their_order_as_polars(spark, tmp_path: Path,
                                                 options: dict[str, object]) -> None:
    """A refund that names an earlier order of its customer nets against the order's period
    on Spark as on Polars (the same summary, the same report and notes), in its own period
    when the two fall in different windows."""
    from clv import spark as cs

    path = tmp_path / "refunds.parquet"
    pl.DataFrame(REFUND_LOG, schema=["customer_id", "order_id", "timestamp", "amount"],
                 orient="row").with_columns(pl.col("timestamp").str.to_datetime()) \
        .write_parquet(path)
    tx = read_transactions(path, as_of=AS_OF)
    stx = cs.read_transactions(str(path), spark, as_of=AS_OF)
    assert _counts(stx.issues) == _counts(tx.issues)
    linked = [n for n in stx.issues.notes if getattr(n, "key", "") == "refunds_linked"]
    assert [(n.values["n"], n.values["total"]) for n in linked] == [(5, -275.0)]  # type: ignore[attr-defined]
    polars = rfm_summary(tx, **options)  # type: ignore[arg-type]
    ss = cs.rfm_summary(stx, **options)  # type: ignore[arg-type]
    assert stx.refund_links is not None  # the refunds moved to their order's period
    same_rows(ss.to_polars().frame, polars.frame)
    assert ss.report.to_dict() == pytest.approx(polars.report.to_dict(), rel=1e-12)
    # the validated frame alone (its column order_time): every row joined to the links
    joined = cs.rfm_summary(stx.frame, **options)  # type: ignore[arg-type]
    same_rows(joined.to_polars().frame, polars.frame)
    assert joined.report.to_dict() == pytest.approx(polars.report.to_dict(), rel=1e-12)


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
    for bound in ("lower", "upper"):  # the total's interval: the same parameter draws
        assert predict_spark["total"][bound] == pytest.approx(  # type: ignore[index]
            predict_polars["total"][bound], rel=1e-7)  # type: ignore[index]
    # the default model, auto: chosen on a holdout by both engines, the same total
    auto_spark = run("predict", log, "--margin", "0.3", "--engine", "spark", "--spark-master",
                     "local[1]")
    auto_polars = run("predict", log, "--margin", "0.3")
    assert auto_spark["model"]["model"] == auto_polars["model"]["model"]  # type: ignore[index]
    assert auto_spark["total"]["clv"] == pytest.approx(  # type: ignore[index]
        auto_polars["total"]["clv"], rel=1e-9)  # type: ignore[index]
    rmse = {r["model"]: r["rmse_transactions"]
            for r in auto_polars["scorecard"]}  # type: ignore[union-attr, index]
    assert {r["model"]: r["rmse_transactions"]
            for r in auto_spark["scorecard"]} == pytest.approx(rmse, rel=1e-9)  # type: ignore[union-attr, index]
    scored = pl.read_parquet(tmp_path / "scores" / "*.parquet").sort("customer_id")
    polars_scores = pl.read_parquet(tmp_path / "scores.parquet").sort("customer_id")
    assert scored["customer_id"].to_list() == polars_scores["customer_id"].to_list()
    for column in ("p_alive", "expected_purchases", "clv", "lifetime_value"):
        assert scored[column].to_numpy() == pytest.approx(polars_scores[column].to_numpy(),
                                                          rel=1e-9), column
    # each customer's interval too (as close as two Polars runs are: see the score test)
    for column in ("clv_lower", "clv_upper"):
        assert scored[column].to_numpy() == pytest.approx(polars_scores[column].to_numpy(),
                                                          rel=1e-7, abs=1e-9), column
    for flag, value in (("--decimal", ","),):  # refused, never silently ignored
        bad = subprocess.run([clv, "summary", log, "--engine", "spark", flag, value],
                             capture_output=True, text=True, timeout=600)
        assert bad.returncode != 0 and f"{flag} is not applied by --engine spark" in bad.stderr
        assert "Traceback" not in bad.stderr


def test_clv_score_with_engine_spark(spark, logs: dict[str, Path], tmp_path: Path) -> None:
    """Through the installed script: ``clv score --engine spark --to DIR`` writes the columns
    that ``clv score`` writes to a database (but the history's analysis id), with the same
    values customer for customer (1e-9; the intervals as close as two Polars runs are); a
    database URL is refused."""
    import sqlite3
    import subprocess
    import sys

    from clv.store import SCORE_COLUMNS

    clv = str(Path(sys.executable).parent / "clv")
    valued = ("--model", "bgnbd", "--margin", "0.3", "--draws", "40")
    log = str(logs["shop"])
    done = subprocess.run([clv, "score", log, *valued, "--engine", "spark", "--spark-master",
                           "local[1]", "--to", str(tmp_path / "scores")],
                          capture_output=True, text=True, timeout=900, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "FutureWarning" not in done.stderr, done.stderr[-2000:]  # PySpark on pandas 3
    assert "each customer's interval drawn in Spark" in done.stdout
    db = tmp_path / "scores.db"
    done = subprocess.run([clv, "score", log, *valued, "--to", f"sqlite:///{db}"],
                          capture_output=True, text=True, timeout=900, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    with sqlite3.connect(db) as conn:
        polars = pl.read_database("select * from clv_scores order by customer_id", conn)
    written = pl.read_parquet(tmp_path / "scores" / "*.parquet").sort("customer_id")
    assert written.columns == list(SCORE_COLUMNS)
    assert polars.columns == [*SCORE_COLUMNS, "analysis_id"]
    bounds = ["clv_lower", "clv_upper"]
    same_rows(written.drop(bounds), polars.drop("analysis_id", *bounds))
    # two runs of the Polars clv score differ by up to 2e-9 (relative) in the bounds here
    # (measured: its parallel sums move the fits in their last digits, which the draws'
    # quantiles amplify); in one process the engines agree to 1e-9 (the test above)
    for bound in bounds:
        assert written[bound].to_numpy() == pytest.approx(polars[bound].to_numpy(), rel=1e-7)
    refused = subprocess.run([clv, "score", log, *valued, "--engine", "spark", "--to",
                              f"sqlite:///{db}"], capture_output=True, text=True, timeout=600)
    assert refused.returncode != 0 and "is a database" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_clv_check_with_engine_spark(logs: dict[str, Path], tmp_path: Path) -> None:
    """Through the installed script: ``clv check --engine spark --excluded DIR`` gives the
    data report of ``clv check`` (rows, amounts, every exclusion with its count and amount)
    on the messy log, and writes every excluded row to a Parquet directory as ``clv check
    --excluded FILE.parquet`` writes them, value for value, the reasons in the run's
    language; a CSV file is refused with --engine spark, without a traceback."""
    import json
    import os
    import subprocess
    import sys

    clv = str(Path(sys.executable).parent / "clv")
    log = str(logs["messy"])
    env = {**os.environ, "CLV_LANG": "fr"}

    def run(*args: str) -> dict[str, object]:
        done = subprocess.run([clv, "check", log, *args, "--json"], capture_output=True,
                              text=True, timeout=600, env=env)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "FutureWarning" not in done.stderr
        return json.loads(done.stdout)  # type: ignore[no-any-return]

    spark_run = run("--engine", "spark", "--spark-master", "local[1]", "--excluded",
                    str(tmp_path / "excluded"))
    polars_run = run("--excluded", str(tmp_path / "excluded.parquet"))
    for key in ("rows_read", "rows_kept", "rows_excluded"):
        assert spark_run[key] == polars_run[key], key
    for key in ("amount_read", "amount_kept"):
        assert spark_run[key] == pytest.approx(polars_run[key], rel=1e-9), key
    assert [(e["reason"], e["count"], round(e["amount"], 6))
            for e in spark_run["exclusions"]] == [
        (e["reason"], e["count"], round(e["amount"], 6)) for e in polars_run["exclusions"]]
    assert len(spark_run["exclusions"]) > 5  # the messy log has every reason
    n = polars_run["excluded_file"]["rows"]
    assert spark_run["excluded_file"]["rows"] == n == polars_run["rows_excluded"]
    listed = pl.read_parquet(tmp_path / "excluded" / "*.parquet").sort("row")
    polars = pl.read_parquet(tmp_path / "excluded.parquet")
    assert listed.columns == polars.columns
    assert listed.select("row", "reason").rows() == polars.select("row", "reason").rows()
    assert listed["amount"].to_list() == pytest.approx(polars["amount"].to_list(), nan_ok=True)
    assert any("client" in r for r in listed["reason"].to_list())  # in French
    refused = subprocess.run([clv, "check", log, "--engine", "spark", "--excluded",
                              str(tmp_path / "excluded.csv")], capture_output=True, text=True,
                             timeout=600)
    assert refused.returncode != 0 and "Parquet directory" in refused.stderr
    assert "Traceback" not in refused.stderr


@pytest.mark.parametrize("log", ["cdnow", "shop"])
def test_model_auto_is_chosen_on_spark_as_on_polars(spark, logs: dict[str, Path],
                                                     log: str) -> None:
    """``model="auto"`` (every command's default) on Spark: the same calibration end, the same
    RMSE of holdout transactions per model and of the naive baseline (1e-9), the same ranking
    and notes as the Polars scorecard; then the same model kept and the same scores."""
    from clv import spark as cs
    from clv.evaluate import evaluate
    from clv.valuation import Settings, choose_model, value_customers

    tx = read_transactions(logs[log], as_of=AS_OF)
    stx = cs.read_transactions(str(logs[log]), spark, as_of=AS_OF)
    cfg = Settings(margin=0.3)
    assert cfg.model == "auto"
    notes: list[str] = []
    card, ranking = choose_model(tx, cfg, notes)
    assert card is not None
    choice = cs.purchase_model(stx, cfg)
    assert isinstance(choice, cs.SparkChoice)
    assert choice.ranking == ranking and len(ranking) == 3
    assert [str(n) for n in choice.notes] == [str(n) for n in notes]
    assert choice.calibration_end is not None
    again = evaluate(tx, choice.calibration_end, unit=cfg.unit)  # the split Spark chose
    assert again.ranking == ranking
    assert choice.table is not None
    rmse = dict(card.table.select("model", "rmse_transactions").iter_rows())
    got = dict(choice.table.iter_rows())
    assert got.keys() == rmse.keys()
    for name, value in rmse.items():
        assert got[name] == pytest.approx(value, rel=1e-9), name
    expected = value_customers(tx, cfg)
    ss = cs.rfm_summary(stx)
    fitted = cs.fit(ss, choice)
    assert fitted.purchases.NAME == expected.model.NAME
    assert fitted.purchases.params_ == pytest.approx(expected.model.params_, rel=1e-9)
    scores = cs.score(ss, fitted, cfg.horizon, cfg.horizon_unit, margin=cfg.margin,
                      discount_rate=cfg.discount_rate)
    assert [str(n) for n in scores.notes] == [str(n) for n in expected.notes]
    total = float(scores.frame.agg({"clv": "sum"}).collect()[0][0])
    assert total == pytest.approx(expected.value["clv"].sum(), rel=1e-9)


def test_model_auto_without_a_holdout_is_said_on_spark(spark, tmp_path: Path) -> None:
    """A log whose calibration period has no customer: no comparison, said as the Polars
    valuation says it, and the first candidate is fitted."""
    from clv import spark as cs
    from clv.valuation import Settings, choose_model

    path = tmp_path / "late.parquet"
    pl.DataFrame({"customer_id": ["a", "b", "a"],
                  "timestamp": [dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 2),
                                dt.datetime(2024, 1, 3)],
                  "amount": [10.0, 20.0, 5.0]}).write_parquet(path)
    cfg = Settings(calibration_end=dt.date(2024, 1, 5))
    notes: list[str] = []
    tx = read_transactions(path, as_of=AS_OF)
    card, ranking = choose_model(tx, cfg, notes)
    choice = cs.purchase_model(cs.read_transactions(str(path), spark, as_of=AS_OF), cfg)
    assert card is None and isinstance(choice, cs.SparkChoice) and choice.table is None
    assert choice.ranking == ranking
    assert [str(n) for n in choice.notes] == [str(n) for n in notes] and notes


def test_sources_spark_cannot_read_are_named(spark, logs: dict[str, Path],
                                              tmp_path: Path) -> None:
    """What the Spark engine cannot read is said, naming the source, never an internal error:
    a Delta table when the session has no Delta Lake reader, a name that is neither a path nor
    a catalog table, a path that does not exist, a file that is not Parquet (refused before
    Spark reads it, whose failed task would log a Java stack); through the installed script
    too."""
    import shutil
    import subprocess
    import sys

    from clv.errors import ClvError
    from clv.spark import read_transactions as spark_read

    delta = tmp_path / "delta"
    (delta / "_delta_log").mkdir(parents=True)
    shutil.copy(logs["cdnow"], delta / "part-00000.parquet")  # a table's data, no reader
    csv = tmp_path / "orders.csv"
    csv.write_text("customer_id,date,amount\na,2024-01-01,10\n")
    for source, said in ((str(delta), "is a Delta table"),
                         ("no_such_table", "neither a file or folder nor a table"),
                         ("data/orders", "neither a file or folder nor a table"),
                         (str(tmp_path / "nope.parquet"), "[PATH_NOT_FOUND]"),
                         (str(csv), "is not a Parquet file")):
        with pytest.raises(ClvError) as refused:
            spark_read(source, spark)
        assert said in str(refused.value) and source in str(refused.value), str(refused.value)
    clv = str(Path(sys.executable).parent / "clv")
    done = subprocess.run([clv, "summary", "no_such_table", "--engine", "spark",
                           "--spark-master", "local[1]"], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode != 0
    assert "'no_such_table' is neither a file or folder nor a table" in done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
