import datetime as dt

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from clv import compress, read_transactions, rfm_summary
from clv.errors import ClvError, DataError


def _tx(rows):
    return pl.DataFrame(rows, schema=["customer_id", "timestamp", "amount"], orient="row")


D = dt.datetime
ROWS = [
    ("a", D(2024, 1, 1, 9), 10.0), ("a", D(2024, 1, 1, 18), 5.0),  # same day: merged
    ("a", D(2024, 1, 15), 20.0),
    ("a", D(2024, 1, 29), -20.0),  # refund alone on its day: not a purchase
    ("a", D(2024, 2, 12), 30.0),
    ("b", D(2024, 1, 8), 0.0),  # free first order starts the relationship
    ("b", D(2024, 1, 22), 40.0),
    ("c", D(2024, 1, 10), -5.0),  # only a refund: no purchase
    ("d", D(2024, 2, 5), 15.0),
    ("e", D(2024, 3, 5), 99.0),  # after the observation end
]


def test_hand_computed_summary():
    s = rfm_summary(_tx(ROWS), unit="week", observation_end="2024-02-29")
    rows = {r["customer_id"]: r for r in s.frame.iter_rows(named=True)}
    assert set(rows) == {"a", "b", "d"}
    a, b, d = rows["a"], rows["b"], rows["d"]
    assert (a["frequency"], a["n_periods"]) == (2, 3)
    assert a["recency"] == pytest.approx(42 / 7)
    assert a["T"] == pytest.approx(59 / 7)
    assert a["monetary"] == pytest.approx(25.0)
    assert a["total_amount"] == pytest.approx(45.0)
    assert (a["first_purchase"], a["last_purchase"]) == (dt.date(2024, 1, 1), dt.date(2024, 2, 12))
    assert (b["frequency"], b["recency"], b["monetary"]) == (1, 2.0, 40.0)
    assert b["T"] == pytest.approx(52 / 7)
    assert (d["frequency"], d["recency"], d["monetary"]) == (0, 0.0, 0.0)
    r = s.report
    assert r.transactions == 10 and r.merged_transactions == 1
    assert r.non_positive_periods == 3
    assert (r.customers_without_purchase, r.amount_without_purchase) == (1, -5.0)
    assert (r.rows_after_observation_end, r.amount_after_observation_end) == (1, 99.0)
    assert s.frame["total_amount"].sum() + r.amount_left_out == pytest.approx(r.amount)
    assert s.unit == "week" and s.observation_end == dt.date(2024, 2, 29)


def test_hand_computed_calibration_and_holdout():
    s = rfm_summary(_tx(ROWS), unit="week", observation_end="2024-02-29",
                    calibration_end="2024-02-01")
    rows = {r["customer_id"]: r for r in s.frame.iter_rows(named=True)}
    assert set(rows) == {"a", "b"}
    a = rows["a"]
    assert (a["frequency"], a["recency"], a["monetary"]) == (1, 2.0, 20.0)
    assert a["T"] == pytest.approx(31 / 7)
    assert (a["frequency_holdout"], a["monetary_holdout"]) == (1, 30.0)
    assert a["duration_holdout"] == pytest.approx(4.0)
    assert rows["b"]["frequency_holdout"] == 0
    r = s.report
    assert (r.customers_first_seen_in_holdout, r.amount_first_seen_in_holdout) == (1, 15.0)
    total = s.frame["total_amount"].sum() + s.frame["total_amount_holdout"].sum()
    assert total + r.amount_left_out == pytest.approx(r.amount)
    assert s.info()["calibration_end"] == "2024-02-01"


@pytest.mark.parametrize(("unit", "days"), [("day", 1.0), ("week", 7.0), ("month", 30.4375),
                                            ("year", 365.25)])
def test_units(unit, days):
    s = rfm_summary(_tx(ROWS), unit=unit, observation_end="2024-02-29")
    a = s.frame.filter(customer_id="a").row(0, named=True)
    assert a["recency"] == pytest.approx(42 / days)
    assert a["T"] == pytest.approx(59 / days)
    assert s.unit_days == days


def test_merge_by_week_merges_purchases_of_the_same_week():
    rows = [("e", D(2024, 1, 2), 5.0), ("e", D(2024, 1, 4), 6.0), ("e", D(2024, 1, 10), 7.0)]
    by_day = rfm_summary(_tx(rows), unit="week", observation_end="2024-01-31")
    by_week = rfm_summary(_tx(rows), unit="week", observation_end="2024-01-31", merge="week")
    assert by_day.frame["frequency"][0] == 2
    assert by_week.frame["frequency"][0] == 1
    assert by_week.report.merged_transactions == 1
    assert by_week.frame["first_purchase"][0] == dt.date(2024, 1, 1)  # the week's Monday


def test_summary_errors():
    with pytest.raises(ClvError, match="unit"):
        rfm_summary(_tx(ROWS), unit="fortnight")
    with pytest.raises(ClvError, match="before observation_end"):
        rfm_summary(_tx(ROWS), calibration_end="2024-03-01", observation_end="2024-02-01")
    with pytest.raises(DataError, match="amount"):
        rfm_summary(pl.DataFrame({"customer_id": ["a"], "timestamp": [D(2024, 1, 1)]}))


def test_compress_weights_sum_to_customers():
    s = rfm_summary(_tx(ROWS + [("f", D(2024, 2, 5), 1.0)]), observation_end="2024-02-29")
    c = compress(s)
    assert c["weight"].sum() == len(s)
    assert c.filter(pl.col("frequency") == 0)["weight"].to_list() == [2]  # d and f identical


def test_summary_written_with_metadata(tmp_path):
    s = rfm_summary(_tx(ROWS), observation_end="2024-02-29")
    s.write(str(tmp_path / "s.parquet"))
    meta = pl.read_parquet_metadata(tmp_path / "s.parquet")
    assert '"unit": "week"' in meta["clv.summary"]
    s.write(str(tmp_path / "s.csv"))
    assert pl.read_csv(tmp_path / "s.csv").height == len(s)


def test_cdnow_sample_published_calibration_summary(reference_data):
    tx = read_transactions(reference_data / "CDNOW_sample.txt", customer="column_1",
                           date="column_3", amount="column_5")
    s = rfm_summary(tx, unit="week", calibration_end="1997-09-30",
                    observation_end="1998-06-30")
    f = s.frame
    assert len(s) == 2357
    assert (f["frequency"] == 0).sum() == 1411
    repeat = f.filter(pl.col("frequency") > 0)
    assert repeat.height == 946
    assert repeat["monetary"].mean() == pytest.approx(35.078, abs=5e-4)
    assert f["frequency_holdout"].sum() == 1882
    assert f["duration_holdout"][0] == pytest.approx(39.0)
    # the customer of the published BG/NBD example (x = 2, t_x = 30.43, T = 38.86)
    c = f.filter(customer_id="00004").row(0, named=True)
    assert (c["frequency"], round(c["recency"], 2), round(c["T"], 2)) == (2, 30.43, 38.86)


def test_partitioned_summary_equals_the_single_pass(monkeypatch):
    from clv import sample_shop
    from clv.prep import summary as module

    tx = sample_shop(3000, seed=5).transactions
    kwargs = {"unit": "week", "observation_end": "2025-10-31", "calibration_end": "2025-03-31"}
    whole = rfm_summary(tx, **kwargs)
    monkeypatch.setattr(module, "ROWS_PER_PART", tx.height // 4)  # 5 parts
    parts = rfm_summary(tx, **kwargs)
    # equal up to the order in which floats are summed
    assert_frame_equal(parts.frame, whole.frame, check_exact=False, rel_tol=1e-12)
    assert parts.report.to_dict() == pytest.approx(whole.report.to_dict())
    assert whole.report.rows_after_observation_end > 0
    assert whole.report.customers_first_seen_in_holdout > 0


def test_unordered_summary_has_the_same_rows_and_the_same_fit():
    """``ordered=False`` (what ``clv fit`` asks for) skips only the final sort: the same rows,
    the same report, and a compressed fit gives the same parameters to the last bit."""
    from clv import sample_shop
    from clv.models import BGNBD

    tx = read_transactions(sample_shop(n_customers=600, seed=11).transactions)
    ordered = rfm_summary(tx, unit="week", calibration_end="2024-06-30")
    loose = rfm_summary(tx, unit="week", calibration_end="2024-06-30", ordered=False)
    # (the report's amounts are sums whose last bit may change from one run to the next)
    assert vars(loose.report) == pytest.approx(vars(ordered.report), rel=1e-12)
    assert_frame_equal(loose.frame.sort("customer_id"), ordered.frame)
    assert BGNBD().fit(loose).params_ == BGNBD().fit(ordered).params_


def test_the_summary_is_the_same_whatever_the_order_of_the_rows():
    """Amounts on a decimal grid are summed as whole cents: the same log in any row order (and
    whatever order Polars' parallel group-bys add them in) gives the same summary to the last
    bit, and the sums are the exact decimal sums (0.1 + 0.2 is 0.3). Float sums differed in
    their last bit from one run to the next, and a fit on a flat likelihood moved the total
    value by cents."""
    import numpy as np

    rng = np.random.default_rng(7)
    n = 60_000
    prices = np.array([0.1, 0.2, 19.99, 3 * 19.99, 1234.56, 0.07, 9.95])
    frame = pl.DataFrame({
        "customer_id": [f"c{i}" for i in rng.integers(0, 3000, n)],
        "timestamp": [dt.datetime(2024, 1, 1) + dt.timedelta(days=int(d))
                      for d in rng.integers(0, 200, n)],
        "amount": prices[rng.integers(0, prices.size, n)] * rng.choice([1, 1, 1, -1], n),
    })
    first = rfm_summary(frame, calibration_end="2024-05-01").frame
    for seed in range(4):
        shuffled = frame.sample(fraction=1.0, shuffle=True, seed=seed)
        again = rfm_summary(shuffled, calibration_end="2024-05-01").frame
        assert again.equals(first)
    # the exact decimal sums: each customer's total in cents, summed as integers
    cents = frame.filter(pl.col("timestamp") < dt.datetime(2024, 5, 2)).group_by(
        "customer_id").agg((pl.col("amount") * 100).round().cast(pl.Int64).sum().alias("c"))
    joined = first.join(cents, on="customer_id")
    assert joined.height == first.height
    assert (joined["total_amount"] == joined["c"].cast(pl.Float64).to_numpy() / 100).all()
