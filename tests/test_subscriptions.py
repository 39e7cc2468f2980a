"""MRR movements, churn, revenue retention, cohorts and sBG per plan (clv.subscriptions)."""

import datetime as dt

import numpy as np
import polars as pl
import pytest

from clv import sample_saas
from clv.errors import ClvError
from clv.subscriptions import saas_metrics

d = dt.date


def _fixture():
    rows = [  # customer, plan, start, end, mrr
        ("A", "pro", d(2024, 1, 1), d(2024, 4, 1), 100.0),
        ("A", "pro", d(2024, 4, 1), None, 150.0),  # upgrade in April
        ("B", "basic", d(2024, 1, 15), d(2024, 3, 1), 50.0),  # paid January, February
        ("B", "basic", d(2024, 5, 1), None, 50.0),  # back in May
        ("C", "basic", d(2024, 2, 1), d(2024, 6, 1), 80.0),
        ("C", "basic", d(2024, 6, 1), None, 60.0),  # downgrade in June
    ]
    return pl.DataFrame(rows, schema=["customer_id", "plan", "start", "end", "mrr"],
                        orient="row")


def test_movements_by_hand():
    result = saas_metrics(_fixture(), as_of="2024-06-30", by=None)
    m = {r["month"]: r for r in result.months.iter_rows(named=True)}
    assert [r.month for r in m] == [1, 2, 3, 4, 5, 6]
    assert m[d(2024, 1, 1)]["mrr"] == 150.0 and m[d(2024, 1, 1)]["new"] == 150.0
    assert m[d(2024, 2, 1)]["new"] == 80.0 and m[d(2024, 2, 1)]["customers"] == 3
    assert m[d(2024, 3, 1)]["churn"] == 50.0 and m[d(2024, 3, 1)]["churned_customers"] == 1
    assert m[d(2024, 3, 1)]["customer_churn"] == pytest.approx(1 / 3)
    assert m[d(2024, 4, 1)]["expansion"] == 50.0
    assert m[d(2024, 5, 1)]["reactivation"] == 50.0 and m[d(2024, 5, 1)]["new"] == 0.0
    assert m[d(2024, 6, 1)]["contraction"] == 20.0
    # gross MRR churn counts the contraction: 1 - GRR
    assert m[d(2024, 6, 1)]["revenue_churn"] == pytest.approx(20 / 280)
    assert m[d(2024, 3, 1)]["revenue_churn"] == pytest.approx(50 / 230)
    assert m[d(2024, 1, 1)]["new_customers"] == 2 and m[d(2024, 2, 1)]["new_customers"] == 1
    assert m[d(2024, 5, 1)]["reactivated_customers"] == 1
    assert m[d(2024, 5, 1)]["new_customers"] == 0
    assert result.months["nrr_12m"].is_null().all()  # six months: no trailing year
    assert m[d(2024, 6, 1)]["grr"] == pytest.approx((280 - 20) / 280)
    assert m[d(2024, 4, 1)]["nrr"] == pytest.approx((180 + 50) / 180)
    assert m[d(2024, 6, 1)]["arpa"] == pytest.approx(260 / 3)
    months = result.months
    np.testing.assert_allclose(months["mrr"][1:].to_numpy(),
                               (months["mrr"][:-1] + months["net_new_mrr"][1:]).to_numpy())
    coh = {(r["cohort"], r["age"]): r for r in result.cohorts.iter_rows(named=True)}
    assert coh[d(2024, 1, 1), 2]["logo_retention"] == 0.5  # B gone in March
    assert coh[d(2024, 1, 1), 3]["revenue_retention"] == pytest.approx(150 / 150)
    # the plans' stays: A's upgrade and C's downgrade do not end their stay, B's gap does
    (pooled,) = result.plans.iter_rows(named=True)
    assert pooled["subscriptions"] == 4 and pooled["active_subscriptions"] == 3
    assert pooled["arpa"] == pytest.approx((150 + 50 + 60) / 3)  # the rows active now
    days = (181 + 46 + 60 + 150)  # A, B until March, B since May, C: to June 30th
    assert pooled["monthly_churn"] == pytest.approx(1 / (days / 30.4375))
    # June has not ended on the 29th: the last month is May
    early = saas_metrics(_fixture(), as_of="2024-06-29", by=None)
    assert early.months["month"][-1] == d(2024, 5, 1)
    with pytest.warns(UserWarning, match="plan = pro left out"):  # one customer: no fit
        per_plan = saas_metrics(_fixture(), as_of="2024-06-30")
    assert per_plan.plans.filter(plan="pro")["sbg_ltv"][0] is None


def test_trailing_year_and_cohorts_by_hand():
    rows = [  # customer, start, end, mrr; observed January 2024 to January 2025
        ("A", d(2024, 1, 1), d(2024, 12, 1), 100.0),
        ("A", d(2024, 12, 1), None, 200.0),  # expansion in December
        ("B", d(2024, 1, 1), d(2024, 3, 1), 50.0),  # churned in March,
        ("B", d(2024, 5, 1), None, 50.0),  # back in May
        ("C", d(2024, 1, 1), d(2024, 7, 1), 80.0),  # churned in July
        ("D", d(2024, 2, 1), None, 40.0),  # not a customer at the start of the year
        ("E", d(2024, 3, 1), d(2024, 4, 1), 30.0),  # paid March only
    ]
    subs = pl.DataFrame(rows, schema=["customer_id", "start", "end", "mrr"], orient="row")
    result = saas_metrics(subs, as_of="2025-01-31", by=None)
    m = {r["month"]: r for r in result.months.iter_rows(named=True)}
    assert len(m) == 13
    jan = m[d(2025, 1, 1)]
    # the customers paying at the end of January 2024: A 100, B 50, C 80 = 230; a year
    # later A pays 200 (capped at 100 for GRR), B 50 again (reactivated), C nothing
    assert jan["nrr_12m"] == pytest.approx(250 / 230)
    assert jan["grr_12m"] == pytest.approx(150 / 230)
    assert m[d(2024, 12, 1)]["nrr_12m"] is None  # no month twelve months before
    assert m[d(2024, 3, 1)]["revenue_churn"] == pytest.approx(50 / 270)
    assert m[d(2024, 4, 1)]["churned_customers"] == 1  # E
    coh = {(r["cohort"], r["age"]): r for r in result.cohorts.iter_rows(named=True)}
    first = d(2024, 1, 1)
    assert coh[first, 0]["customers"] == 3 and coh[first, 0]["mrr"] == 230.0
    assert coh[first, 2]["logo_retention"] == pytest.approx(2 / 3)  # B gone in March
    assert coh[first, 4]["logo_retention"] == 1.0  # B back in May
    assert coh[first, 6]["revenue_retention"] == pytest.approx(150 / 230)  # C gone
    assert coh[first, 12]["revenue_retention"] == pytest.approx(250 / 230)
    assert max(age for c, age in coh if c == first) == 12
    # a cohort nobody of which pays any more still has its ages, at 0%
    march = d(2024, 3, 1)
    assert coh[march, 1]["customers"] == 0 and coh[march, 1]["logo_retention"] == 0.0
    assert max(age for c, age in coh if c == march) == 10


def test_bad_rows_are_named():
    bad = _fixture().with_columns(pl.when(pl.col("customer_id") == "C").then(-1.0)
                                  .otherwise(pl.col("mrr")).alias("mrr"))
    with pytest.raises(ClvError, match="row 5 has a missing or negative MRR"):
        saas_metrics(bad)
    with pytest.raises(ClvError, match="no column"):
        saas_metrics(_fixture().drop("mrr"))


def test_sample_saas_plans():
    saas = sample_saas(40_000, seed=6)
    end = saas.observation_end - dt.timedelta(days=1)
    result = saas_metrics(saas.subscriptions, as_of=end, margin=0.8)
    months = result.months
    assert months["month"][-1] == d(end.year, end.month, 1)
    np.testing.assert_allclose(months["mrr"][1:].to_numpy(),
                               (months["mrr"][:-1] + months["net_new_mrr"][1:]).to_numpy())
    assert (months["expansion"] == 0).all()  # the sample has no plan changes
    for row in result.plans.iter_rows(named=True):
        truth = saas.truth["sbg"][row["plan"]]
        for name in ("alpha", "beta"):
            assert abs(row[name] - truth[name]) < 3 * row[f"{name}_se"], (row["plan"], name)
        assert row["arpa"] == saas.truth["price"][row["plan"]]
        # heterogeneity: the loyal customers who stay make sBG's LTV exceed the simple one
        assert row["sbg_ltv"] > row["simple_ltv"] > 0
        assert row["ltv_ratio"] == pytest.approx(row["sbg_ltv"] / row["simple_ltv"])
        plan = saas.subscriptions.filter(pl.col("plan") == row["plan"])
        assert row["active_subscriptions"] == plan["end"].is_null().sum()
    pooled = saas_metrics(saas.subscriptions, as_of=end, by=None)
    assert pooled.plans.height == 1


def test_sbg_per_start_cohort():
    saas = sample_saas(20_000, seed=8)
    end = saas.observation_end - dt.timedelta(days=1)
    with pytest.warns(UserWarning, match="left out"):  # the last cohorts are too young
        result = saas_metrics(saas.subscriptions, as_of=end, by="cohort")
    assert result.plans.height >= 30  # one row per start month
    fitted = result.plans.drop_nulls("alpha")
    assert fitted.height >= 20 and (fitted["sbg_ltv"] > 0).all()
