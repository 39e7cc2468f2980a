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
    v = customer_value(bg, s, weeks, spend=gg)
    actual = s.frame["frequency_holdout"].sum()
    assert v["expected_purchases"].sum() == pytest.approx(actual, rel=0.04)
    revenue = (s.frame["frequency_holdout"] * s.frame["monetary_holdout"]).sum()
    assert v["clv"].sum() == pytest.approx(revenue, rel=0.06)


def test_no_discount_equals_expected_purchases_times_spend(fitted):
    s, bg, gg = fitted
    v = customer_value(bg, s, 26, spend=gg, margin=0.3)
    f = s.frame
    direct = bg.expected_purchases(26, f["frequency"], f["recency"], f["T"])
    np.testing.assert_allclose(v["expected_purchases"], direct, rtol=1e-12)
    np.testing.assert_allclose(v["clv"], 0.3 * direct * v["expected_spend"], rtol=1e-12)


def test_discounting_and_horizon(fitted):
    s, bg, _ = fitted
    plain = customer_value(bg, s, 2, "year")["clv"].sum()
    discounted = customer_value(bg, s, 2, "year", discount_rate=0.1)["clv"].sum()
    longer = customer_value(bg, s, 3, "year", discount_rate=0.1)["clv"].sum()
    assert discounted < plain < longer * 1.5 and discounted < longer
    # a discount rate of 10% a year, all purchases within a month: almost no discount
    month = customer_value(bg, s, 1, "month", discount_rate=0.1)["clv"].sum()
    undiscounted = customer_value(bg, s, 1, "month")["clv"].sum()
    assert month == pytest.approx(undiscounted / 1.1 ** (30.4375 / 365.25), rel=1e-9)


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
