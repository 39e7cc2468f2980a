"""What-if levers on the fitted models (clv.scenarios) and the models' lever expectations."""

import numpy as np
import pytest

from clv import rfm_summary, sample_shop
from clv.errors import ClvError
from clv.models import BGNBD, MBGNBD, GammaGamma, ParetoNBD
from clv.scenarios import Levers, break_even, sensitivity, what_if
from clv.value import customer_value


@pytest.fixture(scope="module")
def shop():
    shop = sample_shop(20_000, seed=21)
    summary = rfm_summary(shop.transactions, unit="week", observation_end=shop.observation_end)
    return summary, BGNBD().fit(summary), ParetoNBD().fit(summary), GammaGamma().fit(summary)


def _model(cls):
    m = cls()
    m.params_ = ({"r": 0.55, "alpha": 10.6, "s": 0.61, "beta": 11.7} if cls is ParetoNBD
                 else {"r": 0.24, "alpha": 4.4, "a": 0.79, "b": 2.43})
    m.converged_ = True
    return m


@pytest.mark.parametrize("cls", [BGNBD, MBGNBD, ParetoNBD])
def test_lever_expectations_against_simulation(cls):
    """E[Y(t) | alive] with 1.2x the purchase rate and 1.5x the lifetime, against the mean of
    simulated customers drawn from the posterior the lever defines."""
    m = _model(cls)
    x, t_cap, t = np.array([0.0, 3.0, 20.0]), np.array([30.0, 35.0, 31.0]), 52.0
    np.testing.assert_allclose(m.expected_if_alive_levers(t, x, t_cap),
                               m.expected_if_alive(t, x, t_cap), rtol=1e-12)
    got = m.expected_if_alive_levers(t, x, t_cap, rate=1.2, lifetime=1.5)
    rng = np.random.default_rng(4)
    n = 400_000
    for i in range(x.size):
        if cls is ParetoNBD:
            r, alpha, s, beta = m._fitted()
            lam = 1.2 * rng.gamma(r + x[i], 1 / (alpha + t_cap[i]), n)
            mu = rng.gamma(s, 1 / ((beta + t_cap[i]) * 1.5), n)
            mean = lam / mu * -np.expm1(-mu * t)
        else:
            r, alpha, a, b = m._fitted()
            c = 1.5 * (a + b + x[i] + cls.D - 1)  # a + B' - 1
            lam = 1.2 * rng.gamma(r + x[i], 1 / (alpha + t_cap[i]), n)
            p = rng.beta(a, c - a + 1, n)
            mean = -np.expm1(-lam * p * t) / p
        assert got[i] == pytest.approx(mean.mean(), rel=5 * mean.std() / mean.mean() / n**0.5
                                       + 1e-3)


def test_no_lever_is_the_customer_value(shop):
    summary, bg, _, gg = shop
    base = customer_value(bg, summary, 12, "month", spend=gg, margin=0.3, discount_rate=0.1)
    w = what_if(bg, summary, 12, "month", levers=Levers(), spend=gg, margin=0.3,
                discount_rate=0.1)
    np.testing.assert_allclose(w.customers["clv"].to_numpy(), base["clv"].to_numpy(),
                               rtol=1e-12)
    assert (w.customers["change"] == 0).all()


def test_retention_lever_grows_with_the_horizon(shop):
    summary, bg, pnbd, gg = shop
    for model in (bg, pnbd):
        gains = []
        for months in (6, 12, 36):
            w = what_if(model, summary, months, "month", levers=Levers(retention=0.05),
                        spend=gg, margin=0.3, discount_rate=0.1, cac=40.0)
            assert w.scenario["total_clv"] > w.base["total_clv"]
            assert (w.customers["change"] >= -1e-9).all()
            assert w.scenario["new_customer_ltv"] > w.base["new_customer_ltv"]
            gains.append(w.scenario["total_change_pct"])
        assert gains[0] < gains[1] < gains[2], gains


def test_basket_margin_frequency_and_cac_levers(shop):
    summary, bg, pnbd, gg = shop
    kw = {"spend": gg, "margin": 0.3, "discount_rate": 0.1, "cac": 40.0}
    basket = what_if(bg, summary, 12, "month", levers=Levers(basket=0.1), **kw)
    assert basket.scenario["total_clv"] == pytest.approx(1.1 * basket.base["total_clv"])
    margin = what_if(bg, summary, 12, "month", levers=Levers(margin=0.1), **kw)
    assert margin.scenario["total_clv"] == pytest.approx(1.1 * margin.base["total_clv"])
    capped = what_if(bg, summary, 12, "month", levers=Levers(margin=9.0), **kw)
    assert capped.scenario["margin"] == 1.0
    # Pareto/NBD's expected purchases are proportional to the purchase rate
    freq = what_if(pnbd, summary, 12, "month", levers=Levers(frequency=0.1), **kw)
    assert freq.scenario["total_clv"] == pytest.approx(1.1 * freq.base["total_clv"])
    cac = what_if(bg, summary, 12, "month", levers=Levers(cac=0.25), **kw)
    assert cac.scenario["total_clv"] == cac.base["total_clv"]
    assert cac.scenario["ltv_cac"] == pytest.approx(cac.base["ltv_cac"] / 1.25)
    assert cac.scenario["payback_months"] >= cac.base["payback_months"]
    dearer = what_if(bg, summary, 12, "month", levers=Levers(discount_rate=1.0), **kw)
    assert dearer.scenario["total_clv"] < dearer.base["total_clv"]
    with pytest.raises(ClvError, match="above -100%"):
        Levers(retention=-1.0)


def test_sensitivity_and_break_even(shop):
    summary, bg, _, gg = shop
    kw = {"spend": gg, "margin": 0.3, "discount_rate": 0.1}
    table = sensitivity(bg, summary, 24, "month", **kw)
    rows = {r["lever"]: r for r in table.iter_rows(named=True)}
    assert rows["basket"]["total_pct_per_pct"] == pytest.approx(1.0, rel=1e-9)
    assert 0 < rows["retention"]["total_pct_per_pct"] < 1
    assert 0 < rows["frequency"]["total_pct_per_pct"] <= 1 + 1e-9
    assert rows["discount_rate"]["total_pct_per_pct"] < 0
    assert table["rank"].to_list() == list(range(1, table.height + 1))
    k = break_even(bg, summary, 24, "month", lever="frequency", offset=Levers(basket=-0.1),
                   **kw)
    assert k is not None and k > 0.1  # a 10% cheaper basket needs over 10% more purchases
    back = what_if(bg, summary, 24, "month", levers=Levers(basket=-0.1, frequency=k), **kw)
    assert back.scenario["total_clv"] == pytest.approx(back.base["total_clv"], rel=1e-5)
    assert break_even(bg, summary, 24, "month", lever="retention",
                      offset=Levers(basket=-0.9), limit=0.5, **kw) is None


def test_formula_levers():
    from clv.scenarios import formula_what_if

    out = formula_what_if(3.0, 260.0, 2.0, 0.5, Levers(retention=0.05, basket=0.1), cac=300.0)
    assert out["base"]["ltv"] == pytest.approx(3 * 260 * 2 * 0.5)
    assert out["scenario"]["ltv"] == pytest.approx(3 * 1.1 * 260 * 2 * 1.05 * 0.5)
    assert out["base"]["verdict"] == "thin"  # 780 / 300 = 2.6x
    assert out["scenario"]["verdict"] == "healthy"  # 900.9 / 300 = 3.0x
