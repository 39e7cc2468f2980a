"""Gamma-Gamma, sBG and the fitters against simulated truths, warnings and input checks (the
published estimates, gradients and round trips of every model are in test_model_battery.py)."""

import datetime as dt

import numpy as np
import polars as pl
import pytest

from clv import rfm_summary, sample_saas, sample_shop
from clv.models import BGNBD, SBG, DependenceWarning, GammaGamma, ParetoNBD, base


def test_gamma_gamma_recovers_the_sample_shop_truth():
    shop = sample_shop(100_000, seed=3)
    s = rfm_summary(shop.transactions, unit="week", observation_end=shop.observation_end)
    m = GammaGamma().fit(s)
    for name, truth in shop.truth["gamma_gamma"].items():
        assert abs(m.params_[name] - truth) < 3 * m.stderr_[name], (name, m.params_)


def test_sbg_recovers_each_plan_of_the_saas_sample():
    saas = sample_saas(60_000, seed=4)
    subs = saas.subscriptions
    horizon = 18  # cohorts started in the first 18 months, each followed for 18 months
    early = subs.filter(pl.col("start") < dt.date(2024, 7, 1))
    paid = ((pl.col("end").dt.year() - pl.col("start").dt.year()) * 12
            + pl.col("end").dt.month() - pl.col("start").dt.month())
    for plan, truth in saas.truth["sbg"].items():
        months = early.filter(plan=plan).select(paid.fill_null(10_000).alias("m"))["m"]
        survivors = [int((months > k).sum()) for k in range(horizon + 1)]
        survivors[0] = months.len()
        m = SBG().fit(survivors, unit="month")
        for name, value in truth.items():
            assert abs(m.params_[name] - value) < 3 * m.stderr_[name], (plan, m.params_)


def test_gamma_gamma_warns_when_spend_depends_on_frequency():
    rng = np.random.default_rng(2)
    x = rng.integers(1, 30, 2000)
    frame = pl.DataFrame({"frequency": x, "monetary": 10.0 * x * rng.gamma(20, 1 / 20, 2000)})
    with pytest.warns(DependenceWarning, match="correlated"):
        GammaGamma().fit(frame)


def test_sbg_input_checks():
    with pytest.raises(Exception, match="at least two periods"):
        SBG().fit([100])
    with pytest.raises(Exception, match="must not increase"):
        SBG().fit([100, 120])


def _simulated_rows(n, seed):
    """Pareto/NBD customers in days with continuous spends: many distinct rows."""
    rng = np.random.default_rng(seed)
    lam, mu = rng.gamma(0.6, 1 / 20.0, n), rng.gamma(0.8, 1 / 200.0, n)
    t_cap = rng.integers(30, 731, n).astype(float)
    alive = np.minimum(rng.exponential(1 / mu), t_cap)
    x = rng.poisson(lam * alive).astype(float)
    tx = np.where(x > 0, np.ceil(alive * rng.uniform(size=n) ** (1 / np.maximum(x, 1))), 0.0)
    monetary = np.where(x > 0, rng.gamma(6.0 * np.maximum(x, 1), 1.0) / np.maximum(x, 1), 0.0)
    return pl.DataFrame({"frequency": x, "recency": np.minimum(tx, t_cap), "T": t_cap,
                         "monetary": monetary})


@pytest.mark.parametrize("cls", [BGNBD, ParetoNBD, GammaGamma])
def test_warm_started_fits_equal_cold_fits(cls, monkeypatch):
    """Fits on many rows start from a sample's estimates and curvature (BFGS); they reach the
    optimum of the cold L-BFGS-B fits, and a failed warm start falls back to the cold fit."""
    frame = _simulated_rows(30_000, seed=7)
    monkeypatch.setattr(base, "WARM_ROWS", 2_000)
    calls = []
    real_warm = cls._warm

    def spy(self, data):
        calls.append(data.weights.size)
        return real_warm(self, data)

    monkeypatch.setattr(cls, "_warm", spy)
    warm = cls().fit(frame)
    assert calls and calls[0] > 4_000  # the warm start was taken
    monkeypatch.setattr(base, "WARM_ROWS", 10**9)
    cold = cls().fit(frame)
    assert warm.loglik_ == pytest.approx(cold.loglik_, rel=1e-10)  # the fitter's tolerance
    for name in cls.PARAMS:
        assert warm.params_[name] == pytest.approx(cold.params_[name], rel=1e-4), name
        # NaN for both when at a limit (these spends are Gamma(6x, 1)/x: q, gamma -> inf)
        assert warm.stderr_[name] == pytest.approx(cold.stderr_[name], rel=1e-3,
                                                   nan_ok=True), name
    assert warm.boundary_ == cold.boundary_
    # a useless curvature: BFGS cannot move, so the fit starts again cold
    monkeypatch.setattr(cls, "_warm", lambda self, data: (
        np.log(self._start(data)), np.eye(len(self.PARAMS)) * 1e-12))
    real_minimise, cold_starts = cls._minimise, []

    def counted(self, objective, start):
        cold_starts.append(start)
        return real_minimise(self, objective, start)

    monkeypatch.setattr(cls, "_minimise", counted)
    again = cls().fit(frame)
    assert len(cold_starts) == 1
    assert again.loglik_ == pytest.approx(cold.loglik_, abs=1e-9)
