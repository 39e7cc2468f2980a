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
    with pytest.warns(UserWarning, match="sBG left out"):  # too few customers to fit
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
    assert m[d(2024, 6, 1)]["grr"] == pytest.approx((280 - 20) / 280)
    assert m[d(2024, 4, 1)]["nrr"] == pytest.approx((180 + 50) / 180)
    assert m[d(2024, 6, 1)]["arpa"] == pytest.approx(260 / 3)
    months = result.months
    np.testing.assert_allclose(months["mrr"][1:].to_numpy(),
                               (months["mrr"][:-1] + months["net_new_mrr"][1:]).to_numpy())
    coh = {(r["cohort"], r["age"]): r for r in result.cohorts.iter_rows(named=True)}
    assert coh[d(2024, 1, 1), 2]["logo_retention"] == 0.5  # B gone in March
    assert coh[d(2024, 1, 1), 3]["revenue_retention"] == pytest.approx(150 / 150)
    # June has not ended on the 29th: the last month is May
    with pytest.warns(UserWarning, match="sBG left out"):
        early = saas_metrics(_fixture(), as_of="2024-06-29", by=None)
    assert early.months["month"][-1] == d(2024, 5, 1)
    with pytest.warns(UserWarning, match="plan = pro left out"):  # one customer: no fit
        per_plan = saas_metrics(_fixture(), as_of="2024-06-30")
    assert per_plan.plans.filter(plan="pro")["sbg_ltv"][0] is None


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
