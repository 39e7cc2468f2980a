"""clv.analyze: one call from data and settings to every result."""

import datetime as dt

import polars as pl
import pytest

import clv
from clv.errors import ClvError
from clv.scenarios import Levers


@pytest.fixture(scope="module")
def analysis():
    shop = clv.sample_shop(8_000, seed=31)
    saas = clv.sample_saas(3_000, seed=31)
    steps = []
    result = clv.analyze(
        shop.transactions, spend=shop.spend, customers=shop.customers,
        subscriptions=saas.subscriptions,
        settings=clv.Settings(margin=0.3, draws=40, lever=Levers(retention=0.05)),
        progress=lambda step, share: steps.append((step, share)))
    return shop, result, steps


def test_every_result_is_there(analysis):
    shop, a, steps = analysis
    n = a.summary.frame.height
    assert n == shop.customers.height
    assert a.value.height == n and {"clv", "clv_lower", "clv_upper", "p_alive"} <= set(
        a.value.columns)
    assert (a.value["clv_lower"] <= a.value["clv"] + 1e-9).all()
    assert a.scorecard is not None and a.model.NAME == a.scorecard.models[a.scorecard.best].NAME
    assert a.segments.tiers["customers"].sum() == n
    assert a.cohorts.table.height > 0 and a.cross_sell is not None
    assert a.channels is not None and a.channels.channels.height == 6
    assert a.subscriptions is not None and a.subscriptions.plans.height == 3
    assert a.scenario.scenario["total_clv"] > a.scenario.base["total_clv"]
    assert a.transactions.issues.rows_read == shop.transactions.height
    # progress: every step once, in order, ending at 1
    assert [s for s, _ in steps] == ["data", "models", "value", "segments", "cohorts",
                                     "timing", "channels", "levers", "subscriptions"]
    shares = [share for _, share in steps]
    assert shares[-1] == 1.0 and shares == sorted(set(shares))
    assert set(a.seconds) == {s for s, _ in steps}


def test_kpis(analysis):
    shop, a, _ = analysis
    k = a.kpis
    assert k["customers"] == shop.customers.height
    assert k["revenue"] == pytest.approx(shop.transactions["amount"].sum())
    assert 0 < k["repeat_rate"] < 1 and k["active_share"] + k["churn_share"] == pytest.approx(1)
    assert k["predicted_clv_total_lower"] < k["predicted_clv_total"] < k[
        "predicted_clv_total_upper"]
    assert k["ltv_cac"] == pytest.approx(k["new_customer_ltv"] / k["blended_cac"])
    assert {"mrr", "nrr", "arpa"} <= set(k)


def test_without_optional_tables_and_bad_settings():
    shop = clv.sample_shop(3_000, seed=32)
    a = clv.analyze(shop.transactions.drop("product", "channel"),
                    settings=clv.Settings(models=("bgnbd",), draws=20,
                                          calibration_end=dt.date(2025, 6, 30)))
    assert a.channels is None and a.subscriptions is None and a.cross_sell is None
    assert a.model.NAME == "BG/NBD" and a.scorecard is not None
    assert "ltv_cac" not in a.kpis
    with pytest.raises(ClvError, match="margin"):
        clv.Settings(margin=1.5)
    with pytest.raises(ClvError, match="models"):
        clv.Settings(models=("arima",))
    assert isinstance(a.value, pl.DataFrame)


def test_a_model_that_does_not_converge_on_all_the_history_gives_way(monkeypatch):
    """The holdout's best model is refitted on the whole history; when that fit does not
    converge, the next best is used and the notes say why."""
    from clv.models import BGNBD, NBD, ConvergenceError, ParetoNBD
    from clv.valuation import fit_purchases

    def refuse(self, summary):
        raise ConvergenceError("Pareto/NBD did not converge (test)")

    monkeypatch.setattr(ParetoNBD, "fit", refuse)
    s = clv.rfm_summary(clv.sample_shop(1_000, seed=4).transactions, unit="week")
    notes: list[str] = []
    model = fit_purchases(s, ["pnbd", "bgnbd"], notes)
    assert isinstance(model, BGNBD) and model.converged_
    assert notes[0] == ("Pareto/NBD did not converge on the whole history (Pareto/NBD did "
                        "not converge (test)); BG/NBD is tried next")
    notes = []  # the last candidate failing too: the NBD, said in the notes
    assert isinstance(fit_purchases(s, ["pnbd"], notes), NBD)
    assert notes[0].key == "no_model" and "did not converge (test)" in notes[0]


def test_a_customers_table_matching_nobody_is_a_note_of_the_analysis():
    import clv

    shop = clv.sample_shop(800, seed=12)
    other = shop.customers.with_columns(("X" + pl.col("customer_id")).alias("customer_id"))
    a = clv.analyze(shop.transactions, spend=shop.spend, customers=other)
    assert any(getattr(n, "key", "") == "customers_unmatched" for n in a.notes)
    a = clv.analyze(shop.transactions, spend=shop.spend, customers=shop.customers)
    assert not any(getattr(n, "key", "") == "customers_unmatched" for n in a.notes)
