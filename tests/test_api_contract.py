"""The Python API's error contract (issue 14): a public reader given any table raises a
:class:`clv.ClvError` naming the problem, or reads it; no Polars, Arrow or Python exception
escapes. Hypothesis builds the tables: typed columns of every kind a data frame or a Parquet
file can hold (integers, floats with inf and NaN, strings, dates, datetimes with zones,
booleans, nulls, lists), under the names the readers map."""

from __future__ import annotations

import datetime as dt
import math

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clv import ClvError, read_transactions
from clv.data.tables import read_customers, read_spend, read_subscriptions

FLOATS = st.floats(allow_nan=True, allow_infinity=True, width=64)
TEXTS = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)),
                max_size=12)
DATES = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))
DATETIMES = st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30))
KINDS = {
    "int": (st.integers(-(2**63), 2**63 - 1), pl.Int64),
    "float": (FLOATS, pl.Float64),
    "text": (TEXTS | st.sampled_from(["2024-03-01", "01/02/2024", "12,50", "1e308", "-0",
                                      "C536365", "", " ", "NaN", "inf", "=1+1"]), pl.String),
    "date": (DATES, pl.Date),
    "datetime": (DATETIMES, pl.Datetime("us")),
    "bool": (st.booleans(), pl.Boolean),
    "list": (st.lists(st.integers(0, 9), max_size=2), pl.List(pl.Int64)),
}


@st.composite
def tables(draw: st.DrawFn, names: tuple[str, ...]) -> pl.DataFrame:
    rows = draw(st.integers(0, 6))
    columns = {}
    for name in names:
        values, dtype = KINDS[draw(st.sampled_from(sorted(KINDS)))]
        cells = draw(st.lists(values | st.none(), min_size=rows, max_size=rows))
        columns[name] = pl.Series(name, cells, dtype=dtype)
    return pl.DataFrame(columns)


def _contract(call) -> None:  # noqa: ANN001
    """``call`` either returns, with every row accounted for, or raises a ClvError that says
    something. The readers' own warnings (rows of a spend table left out, said on the command
    line) are part of their contract; any other warning (a RuntimeWarning of NumPy, a
    DeprecationWarning of Polars) is not."""
    import warnings

    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        try:
            out = call()
        except ClvError as exc:
            assert str(exc).strip(), "an error must say something"
            out = None
    others = [w for w in said if not (w.category is UserWarning and " left out" in
                                      str(w.message))]
    assert not others, [str(w.message) for w in others]
    if out is None:
        return
    issues = getattr(out, "issues", None)
    if issues is not None:
        assert issues.rows_read == issues.rows_kept + issues.rows_excluded
        assert math.isfinite(issues.amount_kept) or issues.rows_kept == 0


FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@FUZZ
@given(tables(("customer_id", "date", "amount", "order_id", "channel")))
def test_read_transactions_raises_only_clv_errors(frame: pl.DataFrame) -> None:
    _contract(lambda: read_transactions(frame, customer="customer_id", date="date",
                                        amount="amount", as_of=dt.datetime(2030, 1, 1)))


@FUZZ
@given(tables(("customer_id", "date", "quantity", "price", "status")))
def test_read_line_items_raises_only_clv_errors(frame: pl.DataFrame) -> None:
    _contract(lambda: read_transactions(frame, customer="customer_id", date="date",
                                        quantity="quantity", price="price",
                                        columns={"status": "status"}, detect=False,
                                        as_of=dt.datetime(2030, 1, 1)))


@FUZZ
@given(tables(("date", "channel", "spend")))
def test_read_spend_raises_only_clv_errors(frame: pl.DataFrame) -> None:
    _contract(lambda: read_spend(frame))


@FUZZ
@given(tables(("customer_id", "start", "end", "mrr")))
def test_read_subscriptions_raises_only_clv_errors(frame: pl.DataFrame) -> None:
    _contract(lambda: read_subscriptions(frame))


@FUZZ
@given(tables(("customer_id", "region")))
def test_read_customers_raises_only_clv_errors(frame: pl.DataFrame) -> None:
    _contract(lambda: read_customers(frame))


@FUZZ
@given(tables(("customer_id", "timestamp", "amount")))
def test_rfm_summary_of_any_frame_raises_only_clv_errors(frame: pl.DataFrame) -> None:
    """A frame given as canonical transactions, whatever its column types."""
    from clv import rfm_summary

    _contract(lambda: rfm_summary(frame))


@pytest.mark.parametrize("source", [42, object(), b"bytes", ["a", "b"]])
def test_unreadable_sources_are_clv_errors(source: object) -> None:
    with pytest.raises(ClvError):
        read_transactions(source)


def test_a_mapping_error_lists_forty_columns_at_most() -> None:
    frame = pl.DataFrame({f"col{i}": ["a"] for i in range(2_000)})
    with pytest.raises(ClvError) as caught:
        read_transactions(frame)
    message = str(caught.value)
    assert "col39" in message and "col40," not in message and "... and 1,960 more" in message
    assert len(message) < 1_000
