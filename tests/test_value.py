import numpy as np
import polars as pl
import pytest

from clv import rfm_summary, sample_shop
from clv.errors import ClvError
from clv.models import BGNBD, GammaGamma, ParetoNBD
from clv.prep import convert
from clv.value import customer_value


@pytest.fixture(scope="module")
def fitted():
    shop = sample_shop(40_000, seed=8)
    s = rfm_summary(shop.transactions, unit="week", calibration_end="2025-06-30",
                    observation_end=shop.observation_end)
    return s, BGNBD().fit(s), GammaGamma().fit(s)


def test_holdout_purchases_and_revenue_are_predicted(fitted):
    """On data from the BG/NBD + Gamma-Gamma processes, the models fitted on the calibration
    period predict the holdout's purchases and revenue in total."""
    s, bg, gg = fitted
    weeks = s.frame["duration_holdout"][0]
    v = customer_value(bg, s, weeks, spend=gg, discount_rate=0)
    actual = s.frame["frequency_holdout"].sum()
    assert v["expected_purchases"].sum() == pytest.approx(actual, rel=0.04)
    revenue = (s.frame["frequency_holdout"] * s.frame["monetary_holdout"]).sum()
    assert v["clv"].sum() == pytest.approx(revenue, rel=0.06)


def test_no_discount_equals_expected_purchases_times_spend(fitted):
    s, bg, gg = fitted
    v = customer_value(bg, s, 26, spend=gg, margin=0.3, discount_rate=0)
    f = s.frame
    direct = bg.expected_purchases(26, f["frequency"], f["recency"], f["T"])
    np.testing.assert_allclose(v["expected_purchases"], direct, rtol=1e-12)
    np.testing.assert_allclose(v["clv"], 0.3 * direct * v["expected_spend"], rtol=1e-12)


def test_discounting_and_horizon(fitted):
    s, bg, _ = fitted
    plain = customer_value(bg, s, 2, "year", discount_rate=0)["clv"].sum()
    discounted = customer_value(bg, s, 2, "year", discount_rate=0.1)["clv"].sum()
    longer = customer_value(bg, s, 3, "year", discount_rate=0.1)["clv"].sum()
    assert discounted < plain < longer * 1.5 and discounted < longer
    # a discount rate of 10% a year, all purchases within a month: each is discounted by a
    # factor between 1 / 1.1^(1/12) and 1, about half of that month's discount on average
    month = customer_value(bg, s, 1, "month", discount_rate=0.1)["clv"].sum()
    undiscounted = customer_value(bg, s, 1, "month", discount_rate=0)["clv"].sum()
    full = 1.1 ** (-30.4375 / 365.25)
    assert undiscounted * full < month < undiscounted
    assert month == pytest.approx(undiscounted * (1 + full) / 2, rel=1e-4)


def test_horizon_units_are_converted_explicitly(fitted):
    s, bg, _ = fitted
    in_months = customer_value(bg, s, 12, "month")["expected_purchases"]
    in_weeks = customer_value(bg, s, 12 * 30.4375 / 7)["expected_purchases"]
    np.testing.assert_allclose(in_months, in_weeks, rtol=1e-12)
    assert convert(12, "month", "week") == pytest.approx(12 * 30.4375 / 7)


def test_a_summary_in_another_unit_is_refused(fitted):
    s, bg, _ = fitted
    shop = sample_shop(2_000, seed=1)
    daily = rfm_summary(shop.transactions, unit="day")
    with pytest.raises(ClvError, match="fitted in weeks and the summary is in days"):
        customer_value(bg, daily, 30)
    with pytest.raises(ClvError, match="margin"):
        customer_value(bg, s, 10, margin=30)


def test_works_with_pareto_nbd(fitted):
    s, _, gg = fitted
    small = s.frame.head(3000)
    sub = type(s)(small, s.unit, s.observation_end, s.calibration_end, s.merge, s.report)
    p = ParetoNBD().fit(sub)
    v = customer_value(p, sub, 52, spend=gg, discount_rate=0.1)
    assert v.height == 3000 and v["clv"].is_finite().all() and (v["clv"] >= 0).all()
    assert isinstance(v, pl.DataFrame)


def test_intervals_hold_the_point_estimate_and_add_up_by_segment(fitted):
    from clv.value import value_intervals

    s, bg, gg = fitted
    sub = type(s)(s.frame.head(4000).with_columns(
        pl.when(pl.col("frequency") > 2).then(pl.lit("frequent")).otherwise(pl.lit("rare"))
        .alias("group")), s.unit, s.observation_end, s.calibration_end, s.merge, s.report)
    v = value_intervals(bg, sub, 12, "month", spend=gg, margin=0.3, discount_rate=0.1,
                        draws=60, segments="group", seed=1)
    c = v.customers
    point = customer_value(bg, sub, 12, "month", spend=gg, margin=0.3, discount_rate=0.1)
    np.testing.assert_allclose(c["clv"], point["clv"])
    assert (c["clv_lower"] <= c["clv"] * 1.0001).all()
    assert (c["clv"] <= c["clv_upper"] * 1.0001).all()
    assert (c["clv_upper"] > c["clv_lower"]).all()
    t = v.total
    assert t["lower"] < t["clv"] < t["upper"]
    assert t["predictive_lower"] < t["lower"] and t["upper"] < t["predictive_upper"]
    assert v.segments is not None and v.segments["customers"].sum() == 4000
    assert v.segments["clv"].sum() == pytest.approx(t["clv"])
    assert v.draws_total.shape == (60,) and v.level == 0.9


def test_bootstrap_intervals_agree_with_covariance_draws(fitted):
    from clv.value import value_intervals

    s, _, _ = fitted
    s = type(s)(s.frame.head(8000), s.unit, s.observation_end, s.calibration_end, s.merge,
                s.report)
    bg, gg = BGNBD().fit(s), GammaGamma().fit(s)
    cov = value_intervals(bg, s, 26, spend=gg, draws=40, seed=2)
    boot = value_intervals(bg, s, 26, spend=gg, draws=40, method="bootstrap", seed=2)
    width = cov.total["upper"] - cov.total["lower"]
    boot_width = boot.total["upper"] - boot.total["lower"]
    assert 0.5 < boot_width / width < 2.0  # the same uncertainty, estimated two ways
    assert boot.method == "bootstrap"
    with pytest.raises(ClvError, match="draws"):
        value_intervals(bg, s, 26, draws=5)


def test_memory_stays_linear_in_customers(fitted, monkeypatch):
    """Chunks of customers x draws are bounded: a small chunk gives the same result."""
    import clv.value as value

    s, bg, gg = fitted
    sub = type(s)(s.frame.head(3000), s.unit, s.observation_end, s.calibration_end, s.merge,
                  s.report)
    whole = value.value_intervals(bg, sub, 26, spend=gg, draws=30, seed=3)
    monkeypatch.setattr(value, "CHUNK_CELLS", 30 * 700)  # chunks of 700 customers
    chunked = value.value_intervals(bg, sub, 26, spend=gg, draws=30, seed=3)
    np.testing.assert_allclose(chunked.customers["clv_lower"], whole.customers["clv_lower"])
    assert chunked.total["upper"] == pytest.approx(whole.total["upper"])


@pytest.mark.slow
def test_predictive_interval_of_holdout_revenue_covers_the_truth():
    """90% intervals of total holdout revenue, each from a fresh sample_shop (20,000
    customers) and fresh BG/NBD + Gamma-Gamma fits, cover the realised revenue in at least 80
    of 100 repetitions."""
    from clv.value import value_intervals

    hits = 0
    for rep in range(100):
        shop = sample_shop(20_000, seed=1000 + rep)
        s = rfm_summary(shop.transactions, unit="week", calibration_end="2025-06-30",
                        observation_end=shop.observation_end, midpoint=True)
        v = value_intervals(BGNBD().fit(s), s, s.frame["duration_holdout"][0],
                            spend=GammaGamma().fit(s), discount_rate=0, draws=100, seed=rep)
        truth = (s.frame["frequency_holdout"] * s.frame["monetary_holdout"]).sum()
        hits += v.total["predictive_lower"] <= truth <= v.total["predictive_upper"]
    assert hits >= 80, hits


def test_large_bases_approximate_the_predictive_total(monkeypatch):
    """Above EXACT_CUSTOMERS the realised total is normal around the expected total with a
    variance estimated on a sample: it agrees with the customer-by-customer simulation."""
    from clv import value as value_module

    shop = sample_shop(20_000, seed=61)
    s = rfm_summary(shop.transactions, unit="week", observation_end=shop.observation_end)
    model, gg = BGNBD().fit(s), GammaGamma().fit(s)
    kw = {"spend": gg, "margin": 0.3, "discount_rate": 0.1, "draws": 200, "seed": 3}
    exact = value_module.value_intervals(model, s, 12, "month", **kw).total
    monkeypatch.setattr(value_module, "EXACT_CUSTOMERS", 1_000)
    monkeypatch.setattr(value_module, "SAMPLE_CUSTOMERS", 5_000)
    approx = value_module.value_intervals(model, s, 12, "month", **kw).total
    assert approx["lower"] == exact["lower"] and approx["upper"] == exact["upper"]
    width = exact["predictive_upper"] - exact["predictive_lower"]
    assert approx["predictive_upper"] - approx["predictive_lower"] == pytest.approx(width,
                                                                                    rel=0.25)
    centre = (exact["predictive_upper"] + exact["predictive_lower"]) / 2
    assert (approx["predictive_upper"] + approx["predictive_lower"]) / 2 == pytest.approx(
        centre, abs=0.2 * width)
    # the process noise widens the interval beyond the parameter uncertainty
    assert approx["predictive_upper"] - approx["predictive_lower"] > approx["upper"] - approx[
        "lower"]


def test_weighted_rows_give_the_customers_interval_of_the_total(fitted):
    """Rows of distinct (frequency, recency, T, monetary) with the customers they stand for
    (what the Spark engine values): each row's bounds are its customers' and the total's
    parameter-uncertainty interval is the customers' (the same draws); the realised-value
    interval takes the normal approximation, close to the customers' own."""
    from clv.prep import compress
    from clv.value import value_intervals

    s, bg, gg = fitted
    sub = type(s)(s.frame.head(6000), s.unit, s.observation_end, s.calibration_end, s.merge,
                  s.report)
    kw = {"spend": gg, "margin": 0.3, "discount_rate": 0.1, "draws": 60, "seed": 4}
    whole = value_intervals(bg, sub, 12, "month", **kw)
    rows = compress(sub, ("frequency", "recency", "T", "monetary")).with_columns(
        pl.int_range(pl.len()).cast(pl.String).alias("customer_id"))
    assert rows.height < sub.frame.height  # customers share rows
    distinct = type(s)(rows, s.unit, s.observation_end, s.calibration_end, s.merge, s.report)
    weighted = value_intervals(bg, distinct, 12, "month", weights="weight", **kw)
    for key in ("clv", "lower", "upper"):
        assert weighted.total[key] == pytest.approx(whole.total[key], rel=1e-9), key
    width = whole.total["predictive_upper"] - whole.total["predictive_lower"]
    assert weighted.total["predictive_upper"] - weighted.total["predictive_lower"] == \
        pytest.approx(width, rel=0.25)
    # each row's bounds are those of its customers
    keys = ["frequency", "recency", "T", "monetary"]
    per_customer = sub.frame.select(keys).with_columns(
        whole.customers["clv_lower"], whole.customers["clv_upper"]).unique(keys)
    joined = rows.select(keys).with_columns(weighted.customers["clv_lower"],
                                            weighted.customers["clv_upper"]).join(
        per_customer, on=keys, suffix="_customer")
    assert joined.height == rows.height
    np.testing.assert_allclose(joined["clv_lower"], joined["clv_lower_customer"], rtol=1e-9)
    np.testing.assert_allclose(joined["clv_upper"], joined["clv_upper_customer"], rtol=1e-9)
    with pytest.raises(ClvError, match="covariance"):
        value_intervals(bg, distinct, 12, "month", weights="weight", method="bootstrap", **kw)


def test_draws_bound_customers_elsewhere_and_mean_spend_rows_give_the_total(fitted):
    """What the Spark engine does: the total's interval drawn over distinct (frequency,
    recency, T) rows valued at their customers' mean spend (Gamma-Gamma's E[M | x, m] is
    linear in m) is the customers' (the same draws), without the rows' own bounds
    (``per_row=False``); the draws it returns (``plan``) bound each customer as
    value_intervals does; the realised-value interval from a given uniform sample of
    customers is close to the customers' own."""
    from clv.prep import compress
    from clv.value import Draws, value_intervals

    s, bg, gg = fitted
    sub = type(s)(s.frame.head(6000), s.unit, s.observation_end, s.calibration_end, s.merge,
                  s.report)
    kw = {"spend": gg, "margin": 0.3, "discount_rate": 0.1, "draws": 60, "seed": 4}
    whole = value_intervals(bg, sub, 12, "month", **kw)
    keys = ("frequency", "recency", "T")
    rows = sub.frame.group_by(keys).agg(pl.len().alias("weight"), pl.col("monetary").mean()) \
        .sort(keys).with_columns(pl.int_range(pl.len()).cast(pl.String).alias("customer_id"))
    assert rows.height < compress(sub, (*keys, "monetary")).height  # fewer than with spend
    distinct = type(s)(rows, s.unit, s.observation_end, s.calibration_end, s.merge, s.report)
    sample = type(s)(sub.frame.sample(2000, seed=1), s.unit, s.observation_end,
                     s.calibration_end, s.merge, s.report)
    drawn = value_intervals(bg, distinct, 12, "month", weights="weight", sample=sample,
                            per_row=False, **kw)
    for key in ("clv", "lower", "upper"):
        assert drawn.total[key] == pytest.approx(whole.total[key], rel=1e-9), key
    width = whole.total["predictive_upper"] - whole.total["predictive_lower"]
    assert drawn.total["predictive_upper"] - drawn.total["predictive_lower"] == \
        pytest.approx(width, rel=0.25)
    assert drawn.customers["clv_lower"].is_nan().all()  # the rows' own: not drawn
    plan = drawn.plan
    assert isinstance(plan, Draws) and len(plan.models) == drawn.draws_used == 60
    f = sub.frame
    x, tx, t, m = (f[c].cast(pl.Float64).to_numpy() for c in ("frequency", "recency", "T",
                                                              "monetary"))
    lower, upper = plan.bounds(x, tx, t, m, whole.customers["clv"].to_numpy())
    np.testing.assert_array_equal(lower, whole.customers["clv_lower"].to_numpy())
    np.testing.assert_array_equal(upper, whole.customers["clv_upper"].to_numpy())
    with pytest.raises(ClvError, match="not among the pairs"):
        plan.bounds(np.array([9999.0]), np.array([1.0]), np.array([1.0]), np.array([1.0]),
                    np.array([1.0]))
    with pytest.raises(ClvError, match="weighted rows"):
        value_intervals(bg, sub, 12, "month", sample=sample, **kw)
