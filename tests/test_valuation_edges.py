"""The one valuation path on the data that trips models up (clv.valuation): no dropout, a
Gamma-Gamma without a finite mean spend, a spend table whose months acquire nobody."""

import datetime as dt

import numpy as np
import polars as pl
import pytest

import clv
from clv.acquisition import channels
from clv.models import GammaGamma
from clv.valuation import Settings, fit_spend, value_customers


def _once(n: int = 200) -> pl.DataFrame:
    return pl.DataFrame({
        "customer_id": [f"c{i}" for i in range(n)],
        "timestamp": [dt.datetime(2024, 1, 1) + dt.timedelta(days=i) for i in range(n)],
        "amount": [10.0 + i % 7 for i in range(n)]})


def test_no_dropout_leaves_p_alive_unjudged_and_likely_active_blank():
    """Every customer bought once: the NBD, under which everyone is alive by assumption; the
    activity views do not count them as likely active."""
    a = clv.analyze(_once(), settings=Settings(draws=20))
    assert a.value["p_alive_activity"].null_count() == a.value.height
    assert a.kpis["active_share"] is None and a.kpis["not_judged"] == a.value.height
    assert any(getattr(n, "key", "") == "p_alive_no_dropout" for n in a.notes)
    assert np.isfinite(a.value["lifetime_value"].to_numpy()).all()


def test_gamma_gamma_without_a_finite_mean_spend_falls_back(monkeypatch):
    """A Gamma-Gamma fit with q <= 1 has no finite mean spend: the fallback (mean amount of
    a repeat purchase) is used, with a note, and no customer gets a negative value."""
    shop = clv.sample_shop(500, seed=3)
    summary = clv.rfm_summary(shop.transactions, unit="week")
    real_fit = GammaGamma.fit

    def heavy(self, data):
        fitted = real_fit(self, data)
        fitted.params_ = {**fitted.params_, "q": 0.65}
        return fitted

    monkeypatch.setattr(GammaGamma, "fit", heavy)
    notes: list[str] = []
    model, per = fit_spend(summary, notes)
    repeat = summary.frame.filter(pl.col("frequency") > 0)
    assert model is None and notes[0].key == "spend_mean_infinite" and "q = 0.65 <= 1" in notes[0]
    assert per == pytest.approx((repeat["monetary"] * repeat["frequency"]).sum()
                                / repeat["frequency"].sum())
    val = value_customers(shop.transactions, Settings(draws=20))
    assert (val.value["clv"] >= 0).all() and (val.value["lifetime_value"] >= 0).all()


def test_a_spend_table_acquiring_nobody_has_no_blended_ratio():
    shop = clv.sample_shop(300, seed=5)
    val = value_customers(shop.transactions, Settings(draws=20))
    later = shop.spend.with_columns(pl.col("month").dt.offset_by("10y"))
    acq = channels(shop.transactions, val.summary, later, val.value)
    assert acq.blended_ltv is None and acq.blended_ltv_cac is None and acq.paid_ltv_cac is None


def test_paid_ratio_lies_among_the_paid_channels():
    shop = clv.sample_shop(2000, seed=9)
    a = clv.analyze(shop.transactions, spend=shop.spend, customers=shop.customers,
                    settings=Settings(draws=20))
    ch = a.channels.channels.filter(pl.col("spend") > 0)
    assert ch["ltv_cac"].min() <= a.channels.paid_ltv_cac <= ch["ltv_cac"].max()
    assert a.channels.paid_ltv_cac == pytest.approx(
        (ch["new_customers"] * ch["ltv"]).sum() / ch["spend"].sum(), rel=1e-12)
