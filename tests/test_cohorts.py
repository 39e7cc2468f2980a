"""Cohorts by acquisition period and by attribute, historical and predicted (clv.cohorts)."""

import datetime as dt

import polars as pl
import pytest

from clv import rfm_summary, sample_shop
from clv.cohorts import cohorts
from clv.errors import ClvError
from clv.models import BGNBD, GammaGamma

D = dt.datetime


def _fixture():
    rows = [  # customer, time, amount, channel
        ("a", D(2024, 1, 5), 100.0, "ads"), ("a", D(2024, 2, 10), 50.0, "ads"),
        ("a", D(2024, 4, 1), 30.0, "ads"), ("a", D(2024, 4, 2), -10.0, "ads"),
        ("b", D(2024, 1, 20), 40.0, "seo"), ("b", D(2024, 1, 25), 20.0, "seo"),
        ("c", D(2024, 2, 3), 70.0, "ads"), ("c", D(2024, 3, 3), 10.0, "ads"),
        ("c", D(2024, 5, 1), 99.0, "ads"),  # after the observation end
    ]
    tx = pl.DataFrame(rows, schema=["customer_id", "timestamp", "amount", "channel"],
                      orient="row")
    return tx, rfm_summary(tx.drop("channel"), unit="week", observation_end="2024-04-30")


def test_monthly_cohorts_by_hand():
    tx, summary = _fixture()
    result = cohorts(tx, summary, period="month", max_age=4)
    t = {(r["cohort"], r["age"]): r for r in result.table.iter_rows(named=True)}
    jan, feb = dt.date(2024, 1, 1), dt.date(2024, 2, 1)
    assert t[jan, 0]["customers"] == 2 and t[jan, 0]["active"] == 2
    assert t[jan, 0]["revenue"] == 160.0 and t[jan, 0]["retention"] == 1.0
    assert t[jan, 1]["active"] == 1 and t[jan, 1]["retention"] == 0.5  # a in February
    assert t[jan, 2]["active"] == 0 and t[jan, 2]["revenue"] == 0.0
    assert t[jan, 3]["revenue"] == 20.0 and t[jan, 3]["active"] == 1  # 30 - 10 refund
    assert t[jan, 3]["cumulative_revenue_per_customer"] == pytest.approx(230.0 / 2)
    # April is the last observed month (the end is its last day); May is not
    assert t[jan, 3]["eligible"] == 2 and t[jan, 4]["eligible"] == 0
    assert t[jan, 4]["retention"] is None
    assert t[feb, 0]["revenue"] == 70.0 and t[feb, 1]["revenue"] == 10.0
    assert t[feb, 2]["eligible"] == 1 and t[feb, 3]["eligible"] == 0  # May not observed
    rep = {r["cohort"]: r for r in result.repeat.iter_rows(named=True)}
    assert rep[jan]["repeat_rate"] == 1.0
    assert rep[jan]["median_days_to_second"] == pytest.approx((36 + 5) / 2)
    assert rep[feb]["median_days_to_second"] == 29.0
    assert "up to 2024-04-30" in result.basis["historical"]
    assert result.basis["excluded"].startswith("0 lines of customers not in summary")


def test_cohorts_by_attribute_use_each_customers_own_age():
    tx, summary = _fixture()
    result = cohorts(tx, summary, period="month", by="channel", max_age=3)
    t = {(r["channel"], r["age"]): r for r in result.table.iter_rows(named=True)}
    assert t["ads", 0]["customers"] == 2 and t["ads", 0]["revenue"] == 170.0
    assert t["ads", 1]["revenue"] == 60.0 and t["ads", 1]["active"] == 2
    assert t["ads", 3]["eligible"] == 1  # c (February) is not observed 3 months on
    assert t["seo", 0]["revenue"] == 60.0 and t["seo", 1]["active"] == 0
    with pytest.raises(ClvError, match="no column 'country'"):
        cohorts(tx, summary, by="country")
    with pytest.raises(ClvError, match="period"):
        cohorts(tx, summary, period="day")
    with_margin = cohorts(tx, summary, max_age=2, margin=0.4).table
    assert with_margin["margin"].to_list() == pytest.approx(
        [0.4 * v for v in with_margin["revenue"]])
    lines = tx.with_columns(cost=pl.col("amount") * 0.75)
    assert cohorts(lines, summary, max_age=2).table["margin"].to_list() == pytest.approx(
        [0.25 * v for v in with_margin["revenue"]])


@pytest.fixture(scope="module")
def shop():
    shop = sample_shop(20_000, seed=5)
    summary = rfm_summary(shop.transactions, unit="week", observation_end=shop.observation_end)
    return shop, summary, BGNBD().fit(summary), GammaGamma().fit(summary)


def test_predicted_curves_continue_the_historical_ones(shop):
    sample, summary, model, spend = shop
    result = cohorts(sample.transactions, summary, purchases=model, spend=spend)
    table = result.table
    assert table.filter(pl.col("age") == 0)["customers"].sum() == len(summary)
    assert (table.filter(pl.col("age") == 0)["retention"] == 1.0).all()
    seen = table.filter(pl.col("eligible") == pl.col("customers"))
    assert seen["predicted_cumulative_revenue_per_customer"].to_list() == pytest.approx(
        seen["cumulative_revenue_per_customer"].to_list())
    # past the observation end the curves keep rising, by less each period
    last = table.filter(pl.col("cohort") == pl.col("cohort").max()).sort("age")
    future = last.filter(pl.col("eligible") == 0)[
        "predicted_cumulative_revenue_per_customer"].to_numpy()
    steps = future[1:] - future[:-1]
    assert (steps > 0).all() and steps[-1] < steps[0]
    # the new-customer prediction tracks the pooled historical LTV curve
    curve = {r["months"]: r for r in result.curve.iter_rows(named=True)}
    for k in (1, 3, 6, 12):
        assert curve[k]["predicted_revenue_per_customer"] == pytest.approx(
            curve[k]["revenue_per_customer"], rel=0.1)
    assert curve[24]["customers_observed"] == 0 and curve[24]["revenue_per_customer"] is None


def test_channel_cohorts_rank_channels_by_value(shop):
    sample, summary, model, spend = shop
    result = cohorts(sample.transactions, summary, period="quarter", by="channel",
                     customers=sample.customers, purchases=model, spend=spend, max_age=8)
    at_two_years = result.table.filter(pl.col("age") == 8).sort(
        "predicted_cumulative_revenue_per_customer", descending=True)
    truth = sample.truth["channels"]
    assert at_two_years["channel"][0] == max(truth, key=lambda c: truth[c]["mean_true_value_2y"])
    assert at_two_years["channel"][-1] == min(truth, key=lambda c: truth[c]["mean_true_value_2y"])
