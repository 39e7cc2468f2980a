"""MBG/NBD, Gamma-Gamma, sBG and BG/BB against published results, simulated truths and their
own analytic gradients."""

import datetime as dt

import numpy as np
import polars as pl
import pytest

from clv import rfm_summary, sample_saas, sample_shop
from clv.models import BGBB, BGNBD, MBGNBD, SBG, DependenceWarning, GammaGamma, ParetoNBD, base
from clv.models.base import Data
from conftest import assert_gradient_matches

REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241]  # Fader & Hardie (2007), 'regular'


def _check(model, expected, loglik, rel=1e-3):
    for name, value in expected.items():
        assert model.params_[name] == pytest.approx(value, rel=rel), name
    assert model.loglik_ == pytest.approx(loglik, abs=0.02)
    assert all(se > 0 for se in model.stderr_.values())


def test_mbgnbd_published(cdnow):
    """Batislam et al. (2007) on CDNOW: r = 0.525, alpha = 6.183, a = 0.891, b = 1.614."""
    m = MBGNBD().fit(cdnow)
    _check(m, {"r": 0.525, "alpha": 6.183, "a": 0.891, "b": 1.614}, -9582.13, rel=2e-3)
    # unlike BG/NBD, a customer without repeat purchases may be gone
    assert m.p_alive(0, 0.0, 30.0) < 1.0 == BGNBD().fit(cdnow).p_alive(0, 0.0, 30.0)


def test_gamma_gamma_published(cdnow):
    """Fader, Hardie & Lee (2005, RFM and CLV) on the 946 repeat buyers: p = 6.25,
    q = 3.74, gamma = 15.44, LL = -4055.92."""
    m = GammaGamma().fit(cdnow)
    _check(m, {"p": 6.25, "q": 3.74, "gamma": 15.44}, -4055.92, rel=2e-3)
    assert m.n_customers_ == 946
    assert abs(m.independence_) < 0.3
    mean = m.params_["p"] * m.params_["gamma"] / (m.params_["q"] - 1)
    assert m.expected_spend(0, 0.0) == pytest.approx(mean)
    # shrinks a customer's own mean towards the population mean
    own = m.expected_spend(2, 100.0)
    assert mean < own < 100.0


def test_sbg_published():
    """Fader & Hardie (2007), 'regular' segment: alpha = 0.704, beta = 1.182, LL = -1680.27."""
    m = SBG().fit(REGULAR, unit="year")
    _check(m, {"alpha": 0.704, "beta": 1.182}, -1680.27)
    assert m.retention(1) == pytest.approx(m.survival(1))
    assert m.survival(3) == pytest.approx(m.survival(2) * m.retention(3))
    assert np.all(np.diff(m.retention(np.arange(1, 10))) > 0)  # retention rises with tenure


def test_bgbb_published(reference_data):
    """Fader, Hardie & Shang (2010) on the donations data: alpha = 1.204, beta = 0.750,
    gamma = 0.657, delta = 2.783, LL = -33225.58."""
    d = pl.read_csv(reference_data / "donations.csv").rename({"weights": "weight"})
    m = BGBB().fit(d)
    _check(m, {"alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783}, -33225.58)
    assert m.n_customers_ == 11104


def _random_rows(rng, size=150):
    x = rng.integers(0, 12, size).astype(float)
    t_cap = rng.uniform(2, 80, size)
    return x, np.where(x > 0, rng.uniform(0.05, 1, size) * t_cap, 0.0), t_cap


@pytest.mark.parametrize("case", ["bgnbd", "mbgnbd", "gg", "sbg", "bgbb"])
def test_analytic_gradients(case):
    rng = np.random.default_rng(1)
    x, tx, t_cap = _random_rows(rng)
    if case in ("bgnbd", "mbgnbd"):
        model = BGNBD() if case == "bgnbd" else MBGNBD()
        cols = {"frequency": x, "recency": tx, "T": t_cap}
        theta = np.array([0.6, 9.0, 0.8, 2.7])
    elif case == "gg":
        model, theta = GammaGamma(), np.array([5.0, 3.5, 20.0])
        cols = {"frequency": x + 1, "monetary": rng.uniform(5, 200, x.size)}
    elif case == "sbg":
        model, theta = SBG(), np.array([0.8, 1.3])
        cols = {"period": rng.integers(1, 9, x.size).astype(float),
                "churned": rng.integers(0, 2, x.size).astype(float)}
    else:
        model, theta = BGBB(), np.array([1.1, 0.8, 0.7, 2.5])
        n = rng.integers(1, 8, x.size).astype(float)
        freq = np.floor(rng.uniform(0, 1, x.size) * (n + 1))
        rec = np.where(freq > 0, np.maximum(freq, np.floor(rng.uniform(0, 1, x.size) * n) + 1),
                       0.0)
        cols = {"frequency": freq, "recency": np.minimum(rec, n), "periods": n}
    assert_gradient_matches(model, theta, Data(cols, np.ones(x.size), None))
    # the weighted total used by the fitter (some models sum it their own faster way)
    weights = rng.integers(1, 6, x.size).astype(float)
    data = Data(cols, weights, None)
    ll, grad = model._loglik(theta, data)
    total, total_grad = model._total_loglik(theta, data)
    assert total == pytest.approx(float(weights @ ll), rel=1e-12)
    np.testing.assert_allclose(total_grad, weights @ grad, rtol=1e-10, atol=1e-10)


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
