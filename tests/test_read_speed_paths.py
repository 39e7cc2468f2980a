"""The fast paths of reading and summarising give what the general paths give.

A typed log (Parquet with integers, datetimes, floats and clean text) skips work that text
needs (trimming, blank checks, the search for cancelled invoice ids); these tests hold the
shortcuts to the results of the general path, row for row and figure for figure."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import polars as pl
import pytest

from clv import read_transactions, rfm_summary
from clv.data import issues as why
from clv.data.dates import parse_dates
from clv.data.ids import clean_ids, clean_text, clean_values
from clv.data.readers import ROW
from clv.data.transactions import _repeats

AS_OF = dt.datetime(2025, 1, 1)


def _direct(frame: pl.DataFrame) -> list[bool]:
    cols = [c for c in frame.columns if c != ROW]
    return frame.select(~pl.struct(cols).is_first_distinct()).to_series().to_list()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_repeats_equal_a_whole_row_comparison_on_typed_columns(seed: int) -> None:
    rng = random.Random(seed)
    n = 3_000
    frame = pl.DataFrame({
        "i": [rng.choice([1, 2, None]) for _ in range(n)],
        "f": [rng.choice([0.0, -0.0, 1.5, float("nan"), None]) for _ in range(n)],
        "s": [rng.choice(["a", "b", " a", "", None]) for _ in range(n)],
        "d": [rng.choice([dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 1, 0, 0, 1), None])
              for _ in range(n)],
        "l": [rng.choice([[1, 2], [2, 1], None]) for _ in range(n)],
    }).with_row_index(ROW, offset=1)
    expected = _direct(frame)
    assert 0 < sum(expected) < n
    assert _repeats(frame).to_list() == expected


def test_repeats_of_distinct_rows_are_none_and_of_copies_all() -> None:
    frame = pl.DataFrame({"a": range(5_000), "b": ["x"] * 5_000}).with_row_index(ROW)
    assert not _repeats(frame).any()
    doubled = pl.concat([frame, frame.with_columns(pl.col(ROW) + 5_000)])
    assert _repeats(doubled).to_list() == [False] * 5_000 + [True] * 5_000


@pytest.mark.parametrize("values", [
    pl.Series("c", ["a", " a", "b ", "", "  ", None, "x y", "\u00a0z", "\tq\n"] * 3),
    pl.Series("c", ["a", "b", None] * 5_000),  # few distinct values, clean: returned as is
    pl.Series("c", ["a", "b", " b"] * 5_000),  # few, one padded
    pl.Series("c", ["a", "b", ""] * 5_000),  # few, one blank
    pl.Series("c", [f"id{i}" for i in range(20_000)] + [" pad "]),  # many distinct values
    pl.Series("c", [f"id{i}" for i in range(20_000)] + [""]),
    pl.Series("c", [None, None], dtype=pl.String),
    pl.Series("c", [1, None, -3]),
    pl.Series("c", [1.5, None, float("nan"), 2.0]),
    pl.Series("c", [True, None]),
    pl.Series("c", [dt.datetime(2024, 1, 2, 3, 4), None]),
    pl.Series("c", [" a", "b", None], dtype=pl.Categorical),
], ids=lambda s: f"{s.dtype}-{s.len()}")
def test_clean_values_equal_clean_text(values: pl.Series) -> None:
    expected = values.to_frame().select(clean_text(pl.col("c"))).to_series()
    got = clean_values(values)
    assert got.dtype == pl.String and got.name == "c"
    assert got.to_list() == expected.to_list()


@pytest.mark.parametrize("values, expected", [
    (pl.Series("id", [12, None, -3]), ["12", None, "-3"]),
    (pl.Series("id", [None] * 1_500 + [" 12.0", "13.00"]), [None] * 1_500 + ["12", "13"]),
    (pl.Series("id", ["12.0"] * 1_500 + ["x"]), ["12.0"] * 1_500 + ["x"]),
    (pl.Series("id", [12.0, None, float("nan")]), ["12", None, None]),
])
def test_ids_by_their_type(values: pl.Series, expected: list[str | None]) -> None:
    assert clean_ids(values).to_list() == expected


def test_dates_outside_years_1_to_9999_are_unread_whatever_their_type() -> None:
    micros = pl.Series("d", [-62_200_000_000_000_000, 1_700_000_000_000_000, None])
    parsed = parse_dates(micros.cast(pl.Datetime("us"))).values
    assert parsed.to_list() == [None, dt.datetime(2023, 11, 14, 22, 13, 20), None]
    text = parse_dates(pl.Series("d", ["0000-06-01", "2024-01-01"])).values
    assert text.to_list() == [None, dt.datetime(2024, 1, 1)]


def _log() -> pl.DataFrame:
    """A typed log with every case the shortcuts skip or keep: a customer id padded and one
    blank, a duplicated line, a cancelled line (negative quantity), a refund, a zero line, a
    date in the future, a blank amount in an order with an amount on another line."""
    day = dt.datetime(2024, 3, 1, 10, 0)
    rows = [
        (1, "c1", day, 20.0, " shirt ", 1),
        (1, "c1", day, 5.0, "socks", 2),
        (2, "c2", day + dt.timedelta(days=3), 12.5, "hat", 1),
        (2, "c2", day + dt.timedelta(days=3), 12.5, "hat", 1),  # duplicated line
        (3, " c3 ", day + dt.timedelta(days=5), 30.0, "shirt", -1),  # cancelled
        (4, "c1", day + dt.timedelta(days=9), -7.0, "socks", 1),  # refund
        (5, "", day + dt.timedelta(days=10), 9.0, "hat", 1),  # no customer
        (6, "c2", day + dt.timedelta(days=11), 0.0, "hat", 1),  # zero
        (7, "c4", dt.datetime(2030, 1, 1), 10.0, "hat", 1),  # future
        (8, "c4", day + dt.timedelta(days=12), 15.0, "shirt", 1),
        (8, "c4", day + dt.timedelta(days=12), None, "socks", 1),  # a line item of order 8
    ]
    return pl.DataFrame(rows, schema={"order_id": pl.Int64, "customer_id": pl.String,
                                      "timestamp": pl.Datetime("us"), "amount": pl.Float64,
                                      "product": pl.String, "quantity": pl.Int64},
                        orient="row")


def _report(tx, header: int = 0) -> dict:
    """The report, its examples' values as text, their rows as the log's (a CSV numbers its
    header) and the notes of the validation (not those of the reader)."""
    issues = tx.issues.to_dict()
    for e in issues["exclusions"]:
        e["examples"] = [{k: (v - header if k == "row" else str(v).strip()) if v is not None
                          else None for k, v in ex.items()} for ex in e["examples"]]
    issues["notes"] = [str(n) for n in tx.issues.notes if not str(n).startswith("read as ")]
    return {k: issues[k] for k in ("rows_read", "rows_kept", "amount_read", "amount_kept",
                                   "amount_excluded", "balanced", "exclusions", "notes")}


@pytest.mark.parametrize("duplicates", ["auto", "keep"])
def test_a_typed_parquet_log_reads_as_the_same_log_in_text(tmp_path: Path,
                                                           duplicates: str) -> None:
    log = _log()
    typed, text = tmp_path / "log.parquet", tmp_path / "log.csv"
    log.write_parquet(typed)
    log.write_csv(text, datetime_format="%Y-%m-%d %H:%M:%S")
    a = read_transactions(typed, as_of=AS_OF, duplicates=duplicates)  # type: ignore[arg-type]
    b = read_transactions(text, as_of=AS_OF, duplicates=duplicates)  # type: ignore[arg-type]
    assert a.frame.schema == b.frame.schema
    assert a.frame.to_dicts() == b.frame.to_dicts()
    assert _report(a) == _report(b, header=1)
    issues = a.issues
    assert issues.balanced and issues.excluded(why.MISSING_CUSTOMER) == 1
    assert issues.excluded(why.FUTURE_DATE) == 1
    assert issues.excluded(why.DUPLICATE) == (1 if duplicates == "auto" else 0)
    keys = {getattr(n, "key", "") for n in issues.notes}
    how = [n.values["how"] for n in issues.notes if getattr(n, "key", "") == "cancellations"]
    assert how == ["negative quantity"]  # integer order ids are never prefixed C
    assert {"cancellations", "line_items", "zero_rows"} <= keys
    assert ("identical_rows" in keys) == (duplicates == "keep")
    assert a.frame["customer_id"].to_list().count("c3") == 1  # trimmed
    assert a.frame.filter(pl.col("customer_id") == "c3")["amount"].to_list() == [-30.0]
    assert a.frame["product"].to_list()[0] == "shirt"
    assert a.frame["order_id"].dtype == pl.String
    assert rfm_summary(a).frame.equals(rfm_summary(b).frame)


def test_text_order_ids_prefixed_c_are_still_cancellations(tmp_path: Path) -> None:
    log = _log().with_columns(
        pl.when(pl.col("order_id") == 3).then(pl.lit("C3")).otherwise(
            pl.col("order_id").cast(pl.String)).alias("order_id"),
        pl.col("quantity").abs())
    path = tmp_path / "log.parquet"
    log.write_parquet(path)
    tx = read_transactions(path, as_of=AS_OF)
    cancelled = [n for n in tx.issues.notes if getattr(n, "key", "") == "cancellations"]
    assert cancelled and cancelled[0].values["how"].startswith("order id prefixed 'C'")
    assert tx.frame.filter(pl.col("order_id") == "C3")["amount"].to_list() == [-30.0]


@pytest.mark.parametrize("unit, days", [("week", 7.0), ("month", 30.4375), ("year", 365.25)])
def test_summary_times_are_whole_days_divided_exactly(unit: str, days: float) -> None:
    # Polars divides by a constant as a product with its reciprocal (off by one unit in the
    # last place for a third of the values): the summary divides as NumPy does, so that the
    # times lie on the grid of whole days and compress takes its direct-address path
    import numpy as np

    from clv.prep import compress
    from clv.prep.grid import unique_rows

    rng = np.random.default_rng(3)
    n = 5_000
    start = dt.datetime(2023, 1, 1)
    frame = pl.DataFrame({
        "customer_id": [f"c{i}" for i in rng.integers(0, 800, n)],
        "timestamp": [start + dt.timedelta(days=int(d)) for d in rng.integers(0, 700, n)],
        "amount": rng.uniform(1, 50, n).round(2)})
    summary = rfm_summary(frame, unit=unit)  # type: ignore[arg-type]
    s = summary.frame
    first = s["first_purchase"].cast(pl.Int64).to_numpy()
    assert np.array_equal(s["recency"].to_numpy(),
                          (s["last_purchase"].cast(pl.Int64).to_numpy() - first) / days)
    end = (summary.observation_end - dt.date(1970, 1, 1)).days
    assert np.array_equal(s["T"].to_numpy(), (end - first) / days)
    columns = [s[c].cast(pl.Float64).to_numpy() for c in ("frequency", "recency", "T")]
    assert unique_rows(columns) is not None
    by_hash = s.group_by("frequency", "recency", "T").agg(pl.len().cast(pl.Int64)
                                                          .alias("weight")) \
        .sort("frequency", "recency", "T")
    assert compress(summary).equals(by_hash)


@pytest.mark.parametrize("order", ["up", "down", "shuffled"])
def test_a_strictly_monotonic_column_proves_rows_distinct_and_repeats_are_still_found(
        order: str) -> None:
    """The shortcut of :func:`_repeats` (a column strictly increasing or decreasing) gives
    what the whole-row comparison gives, and a column that only looks monotonic at its head
    does not hide the repeats further down."""
    n = 4_000
    ids = list(range(n)) if order != "down" else list(range(n, 0, -1))
    if order == "shuffled":
        random.Random(3).shuffle(ids)
    frame = pl.DataFrame({"id": ids, "s": ["x"] * n}).with_row_index(ROW)
    assert _repeats(frame).to_list() == _direct(frame) == [False] * n
    # increasing for the first 2,000 rows, then the same rows again: repeats, found
    twice = pl.DataFrame({"id": list(range(2_000)) * 2, "s": ["x"] * n}).with_row_index(ROW)
    assert _repeats(twice).to_list() == _direct(twice) == [False] * 2_000 + [True] * 2_000
    # floats: NaN and the two zeros are not strictly ordered
    for values in ([0.0, 1.0, float("nan"), float("nan")], [-0.0, 0.0, 1.0, 1.0]):
        f = pl.DataFrame({"v": values, "s": ["x"] * 4}).with_row_index(ROW)
        assert _repeats(f).to_list() == _direct(f)


@pytest.mark.parametrize("duplicates", ["auto", "keep"])
def test_keep_carries_fewer_columns_and_reports_the_same(tmp_path: Path,
                                                        duplicates: str) -> None:
    """``keep=()`` (what ``clv fit`` and ``clv summary`` read) leaves the optional columns out
    of the frame and nothing else: the same rows, exclusions, notes, sums and summary."""
    typed = tmp_path / "log.parquet"
    _log().write_parquet(typed)
    full = read_transactions(typed, as_of=AS_OF, duplicates=duplicates)  # type: ignore[arg-type]
    lean = read_transactions(typed, as_of=AS_OF, duplicates=duplicates,  # type: ignore[arg-type]
                             keep=())
    assert lean.frame.columns == ["customer_id", "timestamp", "amount"]
    assert lean.frame.equals(full.frame.select(lean.frame.columns))
    assert _report(lean) == _report(full)
    assert lean.issues.to_dict() == full.issues.to_dict()
    assert rfm_summary(lean).frame.equals(rfm_summary(full).frame)
    some = read_transactions(typed, as_of=AS_OF, keep=("channel",))
    assert some.frame.columns == ["customer_id", "timestamp", "amount"] + (
        ["channel"] if "channel" in full.frame.columns else [])
    with pytest.raises(ValueError, match="keep takes"):
        read_transactions(typed, as_of=AS_OF, keep=("customer_id",))


def test_keep_without_order_id_still_groups_line_items_into_orders(tmp_path: Path) -> None:
    path = tmp_path / "lines.csv"
    path.write_text("customer,date,order,qty,unit price\n"
                    "a,2024-01-01,1,2,5.0\na,2024-01-01,1,1,3.0\nb,2024-01-02,2,1,4.0\n")
    full = read_transactions(path, as_of=AS_OF, quantity="qty", price="unit price")
    lean = read_transactions(path, as_of=AS_OF, quantity="qty", price="unit price", keep=())
    assert "order_id" in full.frame.columns and "order_id" not in lean.frame.columns
    assert lean.issues.to_dict() == full.issues.to_dict()
    assert lean.frame.equals(full.frame.select(lean.frame.columns))
