"""RFM scores, named segments, value tiers, concentration and profiles (clv.segments)."""


import numpy as np
import polars as pl
import pytest

from clv import rfm_summary, sample_shop
from clv.errors import ClvError
from clv.models import BGNBD, GammaGamma
from clv.segments import (
    SEGMENTS,
    concentration,
    profile,
    rfm_scores,
    segment_customers,
    value_tiers,
)
from clv.value import customer_value


@pytest.fixture(scope="module")
def shop():
    shop = sample_shop(20_000, seed=11)
    summary = rfm_summary(shop.transactions, unit="week", observation_end=shop.observation_end)
    value = customer_value(BGNBD().fit(summary), summary, 12, "month",
                           spend=GammaGamma().fit(summary), margin=0.3, discount_rate=0.1)
    return shop, summary, value


def test_rfm_scores_rank_customers_and_share_ties(shop):
    _, summary, _ = shop
    scores = rfm_scores(summary)
    assert scores.height == len(summary)
    for col in ("r_score", "f_score", "m_score"):
        assert scores[col].min() == 1 and scores[col].max() == 5
    # one-time buyers all tie on F: they share the lowest score
    assert scores.filter(pl.col("purchases") == 1)["f_score"].unique().to_list() == [1]
    # scores never decrease with the dimension they rank (R: with shorter idle time)
    by_f = scores.sort("purchases")
    assert (np.diff(by_f["f_score"].to_numpy()) >= 0).all()
    by_r = scores.sort("idle", descending=True)
    assert (np.diff(by_r["r_score"].to_numpy()) >= 0).all()
    # the share strictly worse sets the score: 1 + floor(5 x share)
    share = (scores["purchases"].rank("min").to_numpy() - 1) / scores.height
    np.testing.assert_array_equal(scores["f_score"].to_numpy(), 1 + np.floor(5 * share))
    assert scores["rfm"][0] == "".join(str(scores[c][0]) for c in
                                       ("r_score", "f_score", "m_score"))


def test_named_segments_follow_their_rules(shop):
    _, summary, _ = shop
    scores = rfm_scores(summary)
    assert scores["segment"].null_count() == 0  # the rules cover the whole grid
    r, f, seg = (scores[c].to_numpy() for c in ("r_score", "f_score", "segment"))
    assert ((r[seg == "champions"] >= 4) & (f[seg == "champions"] >= 4)).all()
    assert ((r[seg == "cannot_lose"] <= 2) & (f[seg == "cannot_lose"] >= 4)).all()
    assert ((r[seg == "new"] >= 4) & (f[seg == "new"] == 1)).all()
    assert ((r[seg == "lost"] == 1) & (f[seg == "lost"] == 1)).all()
    grid = {(ri, fi): s for ri, fi, s in zip(r, f, seg, strict=True)}
    assert grid.get((5, 5)) == "champions" and grid.get((3, 1)) == "hibernating"
    assert set(seg) <= {name for name, _ in SEGMENTS}


def test_concentration_of_known_distributions():
    equal = concentration(np.full(1000, 3.0))
    assert equal.gini == pytest.approx(0.0, abs=1e-12)
    assert equal.top[0.1] == pytest.approx(0.1)
    one = concentration(np.r_[np.zeros(99), 5.0])
    assert one.gini == pytest.approx(0.99)  # (n - 1) / n for one customer holding everything
    assert one.top[0.01] == pytest.approx(1.0)
    # exponential values: Gini 1/2
    rng = np.random.default_rng(0)
    assert concentration(rng.exponential(size=400_000)).gini == pytest.approx(0.5, abs=0.005)
    lorenz = equal.lorenz
    assert lorenz["share_value"][0] == 0.0 and lorenz["share_value"][-1] == pytest.approx(1.0)
    with pytest.raises(ClvError, match="sum to zero"):
        concentration(np.zeros(3))


def test_value_tiers_hold_their_share_and_add_up(shop):
    _, summary, value = shop
    tiers = value_tiers(summary, value)
    n = len(summary)
    assert tiers["customers"].to_list() == [200, 1800, 2000, 16000]
    assert tiers["customers"].sum() == n
    assert tiers["predicted_clv"].sum() == pytest.approx(value["clv"].sum())
    assert tiers["revenue_to_date"].sum() == pytest.approx(summary.frame["total_amount"].sum())
    assert tiers["share_predicted_clv"].sum() == pytest.approx(1.0)
    # ordered by value: each tier's floor is above the next one's
    assert (np.diff(tiers["min_predicted_clv"].to_numpy()) < 0).all()
    assert tiers["share_predicted_clv"][0] > 0.01  # the top 1% hold more than 1% of value
    with pytest.raises(ClvError, match="cuts"):
        value_tiers(summary, value, cuts=(0.2, 0.1))


def test_segments_and_profiles_show_history_and_prediction(shop):
    sample, summary, value = shop
    result = segment_customers(summary, value, predicted="CLV over 12 months")
    assert result.customers.height == len(summary)
    assert result.segments["customers"].sum() == len(summary)
    assert set(result.segments["segment"]) == {name for name, _ in SEGMENTS}
    for column in ("revenue_to_date", "predicted_clv", "rule"):
        assert column in result.segments.columns
    assert result.basis["predicted"] == "CLV over 12 months"
    assert str(sample.observation_end) in result.basis["historical"]
    # champions are worth more, per customer, than the lost, in history and in prediction
    seg = {r["segment"]: r for r in result.segments.iter_rows(named=True)}
    assert seg["champions"]["mean_predicted_clv"] > seg["lost"]["mean_predicted_clv"]
    assert seg["champions"]["mean_revenue_to_date"] > seg["lost"]["mean_revenue_to_date"]
    assert 0 < result.concentration["predicted"].gini < 1
    # profile by an attribute: the channel that brings the most valuable customers leads
    table = result.customers.join(sample.customers.select("customer_id", "channel"),
                                  on="customer_id")
    by_channel = profile(table, "channel")
    assert by_channel["customers"].sum() == len(summary)
    truth = sample.truth["channels"]
    best = max(truth, key=lambda c: truth[c]["mean_true_value_2y"])
    assert by_channel.sort("mean_predicted_clv", descending=True)["channel"][0] == best
    assert abs(sum(by_channel[f"share_{name}"].dot(by_channel["customers"]) for name, _ in
                   SEGMENTS) - len(summary)) < 1e-6


def test_missing_predictions_are_an_error(shop):
    _, summary, value = shop
    with pytest.raises(ClvError, match="no predicted value"):
        segment_customers(summary, value.head(10))
    with pytest.raises(ClvError, match="profile"):
        profile(pl.DataFrame({"revenue": [1.0], "clv": [2.0]}), "channel")


def test_customers_who_bought_in_the_last_period_are_the_most_recent():
    """A log of one day: every customer bought on its last day, so all are new, not lost
    (the share strictly worse gave them all R = 1: 'one purchase, long ago', a trial on a
    one-day export). Where most customers bought last in the last week, those get R = 5
    (3 by the share strictly worse: 4 customers of 10 are less recent), and the others rank
    below them as before."""
    from clv.data import read_transactions

    one_day = pl.DataFrame({
        "customer_id": [f"c{i % 40}" for i in range(100)],
        "timestamp": [f"2024-05-10 {8 + i % 12:02d}:{i % 60:02d}" for i in range(100)],
        "amount": [10.0 + i % 7 for i in range(100)]})
    scores = rfm_scores(rfm_summary(read_transactions(one_day), unit="week"))
    assert set(scores["r_score"]) == {5} and set(scores["segment"]) == {"new"}
    recent = pl.DataFrame({  # 6 of 10 customers buy in the last week, 4 long before
        "customer_id": [f"c{i}" for i in range(10)] * 2,
        "timestamp": [f"2024-01-0{1 + i % 9}" for i in range(10)]
        + ["2024-06-28"] * 6 + [f"2024-02-0{1 + i}" for i in range(4)],
        "amount": [20.0] * 20})
    scores = rfm_scores(rfm_summary(read_transactions(recent), unit="week")).sort("idle")
    assert scores["r_score"].head(6).to_list() == [5] * 6
    # the others by the share of customers strictly worse, as before (idle 21 to 22 weeks)
    assert scores["r_score"].tail(4).to_list() == [2, 2, 1, 1]
