"""Property-based tests of the summary's invariants and of the reader on messy files."""

import csv
import datetime as dt
import io
import os

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clv import read_transactions, rfm_summary

# CLV_HYPOTHESIS_EXAMPLES raises the number of examples for a longer hunt.
SETTINGS = settings(max_examples=int(os.environ.get("CLV_HYPOTHESIS_EXAMPLES", "60")),
                    deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
START = dt.datetime(2023, 1, 1)
AS_OF = dt.datetime(2030, 1, 1)

transaction = st.tuples(
    st.sampled_from(["a", "b", "c", "d", "e", "f"]),
    st.integers(0, 400 * 24).map(lambda h: START + dt.timedelta(hours=h)),
    st.one_of(st.floats(-50, 500, allow_nan=False).map(lambda x: round(x, 2)), st.just(0.0)),
)


@SETTINGS
@given(
    rows=st.lists(transaction, min_size=1, max_size=60),
    unit=st.sampled_from(["day", "week", "month", "year"]),
    merge=st.sampled_from(["day", "week", "month"]),
    cal_days=st.one_of(st.none(), st.integers(1, 300)),
)
def test_summary_invariants(rows, unit, merge, cal_days):
    tx = pl.DataFrame(rows, schema=["customer_id", "timestamp", "amount"], orient="row")
    obs = dt.date(2024, 2, 1)
    cal = obs - dt.timedelta(days=cal_days) if cal_days else None
    s = rfm_summary(tx, unit=unit, observation_end=obs, calibration_end=cal, merge=merge)
    f = s.frame
    if f.height:
        assert (f["recency"] >= 0).all()
        assert (f["recency"] <= f["T"] + 1e-12).all()
        assert (f["frequency"] >= 0).all()
        assert (f["frequency"] < f["n_periods"]).all()
        assert ((f["frequency"] == 0) | (f["monetary"] > 0)).all()
        assert f["customer_id"].is_unique().all()
    # frequency < number of distinct periods with a transaction, per customer
    trunc = {"day": "1d", "week": "1w", "month": "1mo"}[merge]
    distinct = tx.group_by("customer_id").agg(
        pl.col("timestamp").dt.truncate(trunc).n_unique().alias("k"))
    joined = f.join(distinct, on="customer_id")
    assert (joined["frequency"] < joined["k"]).all()
    # every amount is in a customer row or in a counted remainder
    total = f["total_amount"].sum() + (f["total_amount_holdout"].sum() if cal else 0.0)
    assert total + s.report.amount_left_out == pytest.approx(float(tx["amount"].sum()), abs=1e-6)
    assert s.report.transactions == tx.height


messy_cell = st.one_of(
    st.floats(-1000, 1000, allow_nan=False).map(lambda x: f"{x:.2f}"),
    st.sampled_from(["", "abc", "12,50 €", "$1,234.00", "(3.00)", "nan", "inf", "1e3", "--"]),
)
messy_date = st.one_of(
    st.dates(dt.date(2020, 1, 1), dt.date(2026, 12, 31)).map(dt.date.isoformat),
    st.sampled_from(["", "never", "2024-13-45", "31/02/2024"]),
)


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(["x", "y", "", " ", "z"]), messy_date, messy_cell),
                min_size=1, max_size=40))
def test_rows_and_amounts_are_conserved_through_validation(rows):
    frame = pl.DataFrame(rows, schema=["customer", "date", "amount"], orient="row")
    try:
        tx = read_transactions(frame, as_of=dt.datetime(2025, 6, 1))
    except Exception as exc:  # only a clear user error is acceptable, e.g. no readable date
        from clv.errors import DataError

        assert isinstance(exc, DataError)
        return
    iss = tx.issues
    assert iss.rows_read == len(rows) == iss.rows_kept + iss.rows_excluded
    assert iss.amount_read == pytest.approx(iss.amount_kept + iss.amount_excluded, abs=1e-6)
    assert iss.balanced


def _format_amount(x: float, style: str) -> str:
    text = f"{abs(x):,.2f}"  # 1,234.50
    if style == "eu":
        text = text.replace(",", " ").replace(".", ",").replace(" ", ".")  # 1.234,50
    elif style == "eu_space":
        text = text.replace(",", "\u00a0").replace(".", ",")  # 1 234,50
    elif style == "plain":
        text = f"{abs(x):.2f}"
    sign = "-" if x < 0 else ""
    return {"eu": f"{sign}{text} €", "eu_space": f"{sign}{text}", "plain": f"{sign}{text}",
            "us": f"{sign}${text}"}[style]


@SETTINGS
@given(
    data=st.lists(
        st.tuples(
            st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,7}", fullmatch=True),
            st.dates(dt.date(2020, 1, 1), dt.date(2024, 12, 31)),
            st.floats(-5000, 50000, allow_nan=False).map(lambda x: round(x, 2)),
        ),
        min_size=2, max_size=30,
    ),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    amount_style=st.sampled_from(["eu", "eu_space", "us", "plain"]),
    date_style=st.sampled_from(["iso", "dmy", "ymd"]),
    header=st.booleans(),
    encoding=st.sampled_from(["utf-8", "cp1252", "utf-8-sig"]),
)
def test_reader_recovers_values_from_messy_csv(tmp_path_factory, data, delimiter, amount_style,
                                               date_style, header, encoding):
    if date_style == "dmy":  # one day above 12 makes the order decidable
        data = data + [("Zed", dt.date(2024, 1, 25), 1.0)]
    if amount_style in ("eu", "eu_space") and not any(abs(x) % 1 for _, _, x in data):
        data = data + [("Zed", dt.date(2024, 1, 25), 2.5)]  # shows the decimal comma
    fmt = {"iso": "%Y-%m-%d", "dmy": "%d/%m/%Y", "ymd": "%Y%m%d"}[date_style]
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    if header:
        writer.writerow(["customer", "date", "amount"])
    for cid, day, x in data:
        writer.writerow([cid, day.strftime(fmt), _format_amount(x, amount_style)])
    path = tmp_path_factory.mktemp("messy") / "orders.csv"
    path.write_bytes(buf.getvalue().encode(encoding))
    tx = read_transactions(path, as_of=AS_OF, duplicates="keep")
    assert tx.issues.rows_excluded == 0, str(tx.issues)
    got = tx.frame.select("customer_id", pl.col("timestamp").dt.date(), "amount")
    want = pl.DataFrame(data, schema=["customer_id", "timestamp", "amount"], orient="row")
    assert got.sort(pl.all()).to_dicts() == want.sort(pl.all()).to_dicts()
