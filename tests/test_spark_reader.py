"""The Spark reader (clv.spark.read_transactions) says and trims what the Polars readers say
and trim: the note of an outlier amount (``outlier_amount``, the same row, customer, ratio,
99th percentile and share, the percentile exact as Polars' and not Spark's approximate one),
and ids, labels and text dates trimmed of the same Unicode whitespace as Polars'
``str.strip_chars()`` (not Spark's ``trim``, which takes spaces only). Spark runs in local
mode (skipped without pyspark or Java)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

from clv import datasets, read_transactions, rfm_summary
from conftest import same_rows

AS_OF = dt.datetime(2026, 1, 1)
pytestmark = [pytest.mark.filterwarnings("ignore:unclosed <socket:ResourceWarning"),
              pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")]



def _outliers(notes: list[object]) -> list[dict[str, object]]:
    return [dict(n.values) for n in notes  # type: ignore[attr-defined]
            if getattr(n, "key", "") == "outlier_amount"]


def _both(spark: Any, path: Path) -> tuple[Any, Any]:
    from clv import spark as cs

    return (read_transactions(path, as_of=AS_OF),
            cs.read_transactions(str(path), spark, as_of=AS_OF))


@pytest.fixture(scope="module")
def shop() -> pl.DataFrame:
    return datasets.sample_shop(300, seed=5).transactions


def test_outlier_amount_note_as_polars(spark: Any, shop: pl.DataFrame, tmp_path: Path) -> None:
    """A typo of 5,000,000 in the middle of the log, the same amount again later (the note
    names the first), and refunds and excluded rows before it (the row is the source's): the
    same note, with the same values, on both engines, last of the reading's notes."""
    middle = shop.height // 2
    typo = shop.slice(middle, 1).with_columns(pl.lit("C-TYPO").alias("customer_id"),
                                              pl.lit(5e6).alias("amount"))
    again = typo.with_columns(pl.lit("C-AGAIN").alias("customer_id"))
    blank = shop.slice(0, 3).with_columns(pl.lit(None, pl.String).alias("customer_id"))
    frame = pl.concat([blank, shop.slice(0, middle), typo, shop.slice(middle), again])
    path = tmp_path / "typo.parquet"
    frame.write_parquet(path)
    tx, stx = _both(spark, path)
    expected = _outliers(tx.issues.notes)
    assert len(expected) == 1 and expected[0]["customer"] == "C-TYPO"
    assert expected[0]["row"] == 3 + middle + 1
    assert _outliers(stx.issues.notes) == expected
    assert getattr(stx.issues.notes[-1], "key", "") == "outlier_amount"
    assert str(stx.issues.notes[-1]) == str(tx.issues.notes[-1])


def test_no_outlier_note_without_one(spark: Any, shop: pl.DataFrame, tmp_path: Path) -> None:
    """No note on a log without an outlier, nor when a large amount is a large share of
    revenue but not 1,000 times the others' 99th percentile (the percentile computed, then
    the rule not met), on both engines."""
    path = tmp_path / "shop.parquet"
    shop.write_parquet(path)
    for frame in (shop, shop.with_columns(
            pl.when(pl.int_range(pl.len()) == 7).then(pl.col("amount").max() * 200)
            .otherwise(pl.col("amount")).alias("amount"))):
        frame.write_parquet(path)
        tx, stx = _both(spark, path)
        assert _outliers(tx.issues.notes) == [] == _outliers(stx.issues.notes)


def test_outlier_percentile_is_polars_exact_quantile(spark: Any) -> None:
    """The 99th percentile of the Spark note is Polars' ``quantile(0.99, 'linear')`` to the
    last bit, on amounts with and without ties, few and many."""
    from clv.spark.core import _quantile_from_top

    rng = np.random.default_rng(3)
    for n, digits in ((12, 2), (101, 0), (2_345, 2), (5_000, 1)):
        values = np.round(rng.lognormal(3.0, 1.5, n), digits).tolist()
        frame = spark.createDataFrame([(v,) for v in values], "amount double")
        expected = pl.Series(values).quantile(0.99, interpolation="linear")
        assert _quantile_from_top(frame, n, 0.99) == expected


def _polars_whitespace() -> list[str]:
    """Every code point that Polars' ``str.strip_chars()`` strips."""
    points = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    padded = pl.Series([chr(c) + "a" + chr(c) for c in points]).str.strip_chars()
    return [chr(c) for c, v in zip(points, padded.to_list(), strict=True) if v == "a"]


def test_whitespace_is_polars_whitespace() -> None:
    """The Spark engine's set is Polars' set, found over every code point (25 of them; not
    U+200B nor U+001C..U+001F)."""
    from clv.spark.core import WHITESPACE

    found = _polars_whitespace()
    assert sorted(WHITESPACE) == found and len(found) == 25
    assert "\u00a0" in found and "\u3000" in found and "\u200b" not in found


def test_ids_padded_with_unicode_whitespace_as_polars(spark: Any, shop: pl.DataFrame,
                                                      tmp_path: Path) -> None:
    """Customer ids, order ids, products and channels padded with each whitespace character
    (on one side, the other or both; ids of whitespace alone), and text dates padded: the same
    customers, exclusions, summary, channels and products on both engines, the padded ids
    the same customers as the clean ones."""
    from clv import spark as cs

    chars = _polars_whitespace()
    n = shop.height
    pad = pl.Series([chars[i % len(chars)] for i in range(n)])
    side = pl.int_range(pl.len()) % 3
    frame = shop.with_columns(pad.alias("_p")).with_columns(
        *(pl.when(side == 0).then(pl.col("_p") + pl.col(c).cast(pl.String))
          .when(side == 1).then(pl.col(c).cast(pl.String) + pl.col("_p"))
          .otherwise(pl.col("_p") + pl.col(c).cast(pl.String) + pl.col("_p") + pl.col("_p"))
          .alias(c)
          for c in ("customer_id", "order_id", "product", "channel")),
        (pl.col("_p") + pl.col("timestamp").dt.strftime("%Y-%m-%d %H:%M:%S") + pl.col("_p"))
        .alias("timestamp"),
    ).drop("_p")
    # ids of whitespace alone: missing customers on both engines
    blank = frame.head(len(chars)).with_columns(
        pl.Series(chars).alias("customer_id"))
    frame = pl.concat([frame, blank])
    assert frame.schema["timestamp"] == pl.String
    path = tmp_path / "padded.parquet"
    frame.write_parquet(path)
    clean = tmp_path / "clean.parquet"
    shop.write_parquet(clean)
    tx, stx = _both(spark, path)
    assert [(e.reason, e.count, round(e.amount, 6)) for e in tx.issues.exclusions] == [
        (e.reason, e.count, round(e.amount, 6)) for e in stx.issues.exclusions]
    assert tx.issues.rows_excluded == len(chars)
    assert (tx.issues.rows_kept, round(tx.issues.amount_kept, 6)) == (
        stx.issues.rows_kept, round(stx.issues.amount_kept, 6))
    got = stx.frame.select("customer_id", "product", "channel").toArrow()
    assert sorted(set(pl.DataFrame(got)["customer_id"])) == sorted(
        set(tx.frame["customer_id"])) == sorted(set(shop["customer_id"]))
    for column in ("product", "channel"):
        assert sorted(set(pl.DataFrame(got)[column])) == sorted(set(tx.frame[column]))
    polars = rfm_summary(tx, unit="week")
    same_rows(cs.rfm_summary(stx, unit="week").to_polars().frame, polars.frame)
    same_rows(polars.frame, rfm_summary(read_transactions(clean, as_of=AS_OF), unit="week").frame)
    assert [str(x) for x in stx.issues.notes] == [str(x) for x in tx.issues.notes]
