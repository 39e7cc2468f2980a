"""``clv report --engine spark`` (clv.spark.analyze): the analysis built from a log read,
summarised, fitted and scored in Spark is the Polars engine's analysis: the same headline
figures (customers, revenue, total CLV and its interval, LTV of a new customer, LTV:CAC with a
spend table), the same per-customer values, segments, cohorts, channels and cross-sell pairs,
and the same report (its charts set aside, its numbers to their last digit), on sample_shop
(with returns linked to their order, channels and products); with --model auto, the same
scorecard (errors per model, deciles, tracking) on CDNOW and sample_shop, and the report's
tracking chart drawn from it. Spark runs in local mode
(skipped without pyspark or Java)."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from clv import datasets, read_transactions
from conftest import same_rows

AS_OF = dt.datetime(2026, 1, 1)
MARGIN = 0.3
pytestmark = [pytest.mark.filterwarnings("ignore:unclosed <socket:ResourceWarning"),
              pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")]



@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("spark_report")
    data = datasets.sample_shop(500, seed=11)
    paths = {"log": folder / "shop.parquet", "spend": folder / "spend.csv"}
    data.transactions.write_parquet(paths["log"])
    data.spend.write_csv(paths["spend"])
    return paths


def _same(a: pl.DataFrame, b: pl.DataFrame) -> None:
    assert_frame_equal(a, b, check_exact=False, rel_tol=1e-9, abs_tol=1e-9)


NUMBER = re.compile(r"\d(?:[\d\u202f\u00a0 ,.]*\d)?")
BOUNDS = ("predicted_clv_total_lower", "predicted_clv_total_upper")


def _same_report(a: str, b: str) -> None:
    """The same report but its charts (their drawing is not the same from one run to the
    next, on one engine), its numbers to a unit of their last digit: the interval bounds,
    drawn from fits that the Polars engine itself moves by 1e-12 from one run to the next,
    move by up to 2e-9 (measured), which may carry a rounding."""
    a, b = (re.sub(r"<svg.*?</svg>", "<svg/>", h, flags=re.S) for h in (a, b))
    assert NUMBER.split(a) == NUMBER.split(b)
    for x, y in zip(NUMBER.findall(a), NUMBER.findall(b), strict=True):
        assert x == y or abs(int(re.sub(r"\D", "", x)) - int(re.sub(r"\D", "", y))) <= 1, (x, y)


def test_spark_analysis_is_the_polars_analysis(spark, shop: dict[str, Path]) -> None:
    from clv import spark as cs
    from clv.data.tables import read_spend
    from clv.pipeline import Settings, analyze
    from clv.report import render

    cfg = Settings(model="bgnbd", margin=MARGIN)
    spend = read_spend(str(shop["spend"]))
    polars = analyze(read_transactions(shop["log"], as_of=AS_OF), spend=spend, settings=cfg)
    stx = cs.read_transactions(str(shop["log"]), spark, as_of=AS_OF)
    got = cs.analyze(stx, spend=spend, settings=cfg)
    assert got.summary.metadata["computed_by"] == "spark"
    headline = ("customers", "revenue", "predicted_clv", "predicted_clv_total",
                "lifetime_value", "new_customer_ltv", "blended_cac", "ltv_cac", "active_share",
                "gini_predicted")
    assert polars.kpis["ltv_cac"] > 0
    assert {k: got.kpis[k] for k in headline} == pytest.approx(
        {k: polars.kpis[k] for k in headline}, rel=1e-9)
    # the interval's bounds as close as two runs of the Polars engine are (see _same_report)
    assert {k: got.kpis[k] for k in BOUNDS} == pytest.approx(
        {k: polars.kpis[k] for k in BOUNDS}, rel=1e-7)
    assert got.intervals.total == pytest.approx(polars.intervals.total, rel=1e-7)
    assert got.kpis.keys() == polars.kpis.keys()
    bounds = ["clv_lower", "clv_upper"]
    _same(got.value.drop(bounds), polars.value.drop(bounds))
    assert_frame_equal(got.value.select(bounds), polars.value.select(bounds), rel_tol=1e-7)
    for a, b in ((got.segments.customers, polars.segments.customers),
                 (got.segments.segments, polars.segments.segments),
                 (got.cohorts.table, polars.cohorts.table),
                 (got.cohorts.repeat, polars.cohorts.repeat),
                 (got.cohorts.curve, polars.cohorts.curve),
                 (got.next_purchase, polars.next_purchase), (got.sensitivity, polars.sensitivity),
                 (got.customers.drop(bounds), polars.customers.drop(bounds))):
        _same(a, b)
    assert got.channels is not None and polars.channels is not None
    _same(got.channels.channels, polars.channels.channels)
    _same(got.channels.by_month, polars.channels.by_month)
    assert got.cross_sell is not None and polars.cross_sell is not None
    _same(got.cross_sell, polars.cross_sell)
    # the lines the cohorts leave out, counted in lines although they are read per day
    assert got.cohorts.basis == polars.cohorts.basis
    assert got.channels.curves.basis == polars.channels.curves.basis
    assert [str(n) for n in got.notes] == [str(n) for n in polars.notes]
    _same_report(render(got, "fr"), render(polars, "fr"))


def test_clv_report_with_engine_spark(spark, shop: dict[str, Path], tmp_path: Path) -> None:
    """Through the installed script: the report of --engine spark is the report of the Polars
    engine (its charts set aside). (--model auto on Spark: tests/test_spark.py.)"""
    from clv.data.tables import read_spend
    from clv.pipeline import Settings, analyze
    from clv.report import render

    clv = str(Path(sys.executable).parent / "clv")
    out = tmp_path / "report.html"
    done = subprocess.run(
        [clv, "report", str(shop["log"]), "--engine", "spark", "--spark-master", "local[1]",
         "--spark-conf", "spark.sql.shuffle.partitions=2", "--model", "bgnbd", "--margin",
         str(MARGIN), "--spend", str(shop["spend"]), "--lang", "en", "-o", str(out)],
        capture_output=True, text=True, timeout=900, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    # the reading's clock: the CLI's 'now' is later than AS_OF, and the shop ends before both
    polars = analyze(read_transactions(shop["log"]), spend=read_spend(str(shop["spend"])),
                     settings=Settings(model="bgnbd", margin=MARGIN))
    _same_report(out.read_text(encoding="utf-8"), render(polars, "en"))


@pytest.fixture(scope="module")
def cdnow(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("spark_cdnow") / "cdnow.parquet"
    datasets.load_cdnow(sample=True).select("customer_id", "date", "amount").write_parquet(path)
    return path


@pytest.mark.parametrize("log", ["cdnow", "shop"])
def test_spark_scorecard_is_the_polars_scorecard(spark, shop: dict[str, Path], cdnow: Path,
                                                 log: str) -> None:
    """With --model auto, the Spark analysis carries the Polars scorecard: the same errors per
    model, the same deciles (customers ranked by predicted revenue, ties in customer-id
    order) and the same tracking of cumulative repeat purchases, calibration and holdout
    (to 1e-9), on CDNOW and on sample_shop (whose returns are linked to their order)."""
    from clv import spark as cs
    from clv.pipeline import Settings, analyze

    path = cdnow if log == "cdnow" else shop["log"]
    cfg = Settings(margin=MARGIN)
    assert cfg.model == "auto"
    polars = analyze(read_transactions(path, as_of=AS_OF), settings=cfg)
    got = cs.analyze(cs.read_transactions(str(path), spark, as_of=AS_OF), settings=cfg)
    card, expected = got.scorecard, polars.scorecard
    assert card is not None and expected is not None
    _same(card.tracking, expected.tracking)
    assert card.tracking.height > 10 and set(card.tracking["phase"]) == {"calibration",
                                                                         "holdout"}
    assert card.tracking["actual"][-1] > 0
    _same(card.deciles, expected.deciles)
    assert card.deciles["decile"].n_unique() == 10
    _same(card.table, expected.table)
    assert (card.best, card.ranking, card.failed, card.naive_best, card.criterion) == (
        expected.best, expected.ranking, expected.failed, expected.naive_best,
        expected.criterion)
    same_rows(card.summary.frame, expected.summary.frame)
    assert card.summary.calibration_end == expected.summary.calibration_end
    assert card.models.keys() == expected.models.keys()
    for key, model in card.models.items():
        assert model.params_ == pytest.approx(expected.models[key].params_, rel=1e-6)
    assert [str(n) for n in got.notes] == [str(n) for n in polars.notes]


def test_clv_report_with_engine_spark_draws_the_scorecard(spark, shop: dict[str, Path],
                                                          tmp_path: Path) -> None:
    """Through the installed script, --model auto (the default): the report of --engine
    spark has the scorecard's table and tracking chart, as the Polars engine's report (its
    charts set aside, the tracking chart's words found in it)."""
    from clv.pipeline import Settings, analyze
    from clv.report import render

    clv = str(Path(sys.executable).parent / "clv")
    out = tmp_path / "report.html"
    done = subprocess.run(
        [clv, "report", str(shop["log"]), "--engine", "spark", "--spark-master", "local[1]",
         "--spark-conf", "spark.sql.shuffle.partitions=2", "--margin", str(MARGIN),
         "--lang", "en", "-o", str(out)],
        capture_output=True, text=True, timeout=900, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    html = out.read_text(encoding="utf-8")
    polars = analyze(read_transactions(shop["log"]), settings=Settings(margin=MARGIN))
    assert polars.scorecard is not None
    expected = render(polars, "en")
    for words in ("cumulative repeat purchases", "RMSE"):
        assert words in expected and words in html
    named = render(analyze(read_transactions(shop["log"]),
                           settings=Settings(model="bgnbd", margin=MARGIN)), "en")
    assert "cumulative repeat purchases" not in named  # drawn from the scorecard alone
    _same_report(html, expected)
