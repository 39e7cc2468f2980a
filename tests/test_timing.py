"""Cross-sell windows and next purchases (clv.timing), and P(a purchase in t | alive)."""

import datetime as dt

import numpy as np
import polars as pl
import pytest

from clv import rfm_summary, sample_shop
from clv.errors import DataError
from clv.models import BGNBD, MBGNBD, ParetoNBD
from clv.timing import cross_sell, next_purchase

D = dt.datetime


def test_cross_sell_by_hand():
    rows = [("a", D(2024, 1, 1), "trousers"), ("a", D(2024, 3, 1), "belt"),
            ("b", D(2024, 1, 10), "trousers"), ("b", D(2024, 2, 9), "belt"),
            ("c", D(2024, 1, 5), "belt"), ("c", D(2024, 2, 5), "trousers"),
            ("d", D(2024, 1, 5), "trousers"), ("e", D(2024, 1, 7), "socks")]
    tx = pl.DataFrame(rows, schema=["customer_id", "timestamp", "product"], orient="row"
                      ).with_columns(amount=pl.lit(10.0))
    pairs = cross_sell(tx, min_customers=1, min_lift=0.0)
    row = pairs.filter(product_a="trousers", product_b="belt").row(0, named=True)
    assert row["customers_a"] == 4 and row["customers_then_b"] == 2  # c bought the belt first
    assert row["share"] == 0.5 and row["base_rate_b"] == pytest.approx(3 / 5)
    assert row["lift"] == pytest.approx(0.5 / 0.6)
    assert row["median_days"] == pytest.approx((60 + 30) / 2)
    assert row["recommendation"].startswith("propose belt 38-52 days after trousers")
    assert pairs.filter(product_a="belt", product_b="trousers")["customers_then_b"][0] == 1
    # a refund is not a purchase
    refunded = tx.with_columns(pl.when(pl.col("customer_id") == "a").then(-10.0)
                               .otherwise(pl.col("amount")).alias("amount"))
    again = cross_sell(refunded, min_customers=1, min_lift=0.0).filter(
        product_a="trousers", product_b="belt")
    assert again["customers_then_b"][0] == 1
    with pytest.raises(DataError, match="product"):
        cross_sell(tx.drop("product"))


def test_cross_sell_recovers_the_simulated_delay():
    shop = sample_shop(40_000, seed=9)
    pairs = cross_sell(shop.transactions)
    row = pairs.filter(product_a="trousers", product_b="belt").row(0, named=True)
    truth = shop.truth["cross_sell"]["trousers->belt"]
    assert row["median_days"] == pytest.approx(truth["realised_median_days"], rel=0.15)
    assert row["median_days"] == pytest.approx(truth["intended_mean_days"], rel=0.15)
    assert row["lift"] > 1.0
    assert pairs["product_a"][0] == "trousers" and pairs["product_b"][0] == "belt"


@pytest.mark.parametrize("cls", [BGNBD, MBGNBD, ParetoNBD])
def test_purchase_if_alive_against_simulation(cls):
    model = cls()
    model.params_ = ({"r": 0.55, "alpha": 10.6, "s": 0.61, "beta": 11.7} if cls is ParetoNBD
                     else {"r": 0.24, "alpha": 4.4, "a": 0.79, "b": 2.43})
    model.converged_ = True
    x, t_cap = np.array([0.0, 2.0, 26.0]), np.array([38.0, 30.0, 31.0])
    p = model.purchase_if_alive(10.0, x, t_cap)
    draws = model._simulate_alive(np.random.default_rng(1), np.repeat(x, 200_000),
                                  np.repeat(t_cap, 200_000), np.array([0.0, 10.0]))
    share = (draws[0] > 0).reshape(3, -1).mean(axis=1)
    np.testing.assert_allclose(p, share, atol=5 * np.sqrt(0.25 / 200_000))
    longer = model.purchase_if_alive(50.0, x, t_cap)
    assert np.all(longer > p) and np.all(longer < 1)


def test_next_purchase_predicts_the_holdout_month():
    shop = sample_shop(30_000, seed=12)
    summary = rfm_summary(shop.transactions, unit="week", observation_end=shop.observation_end,
                          calibration_end="2025-06-30")
    end = dt.date(2025, 6, 30)
    bought = shop.transactions.filter(
        (pl.col("amount") > 0) & (pl.col("timestamp").dt.date() > end)
        & (pl.col("timestamp").dt.date() <= end + dt.timedelta(days=30))
    )["customer_id"].unique()
    actual = summary.frame["customer_id"].is_in(bought.implode()).mean()
    for cls in (BGNBD, ParetoNBD):
        result = next_purchase(cls().fit(summary), summary, days=30)
        assert result.height == len(summary)
        assert result["p_purchase_30d"].mean() == pytest.approx(actual, rel=0.1)
        assert (result["p_purchase_30d"] <= result["p_alive"]).all()
        dated = result.drop_nulls("expected_next_purchase")
        assert (dated["expected_next_purchase"] > end).all()
