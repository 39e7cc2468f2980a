import numpy as np
import polars as pl
import pytest
from scipy.special import gammaln, hyp2f1

from clv import read_transactions, rfm_summary
from clv.models import ParetoNBD
from clv.models.base import Data
from conftest import assert_gradient_matches


def test_published_cdnow(cdnow):
    """Fader & Hardie (2005): r = 0.5532, alpha = 10.5763, s = 0.6062, beta = 11.6715,
    LL = -9594.98; for (26, 30.857, 31): 25.456 purchases in 52 weeks, P(alive) = 0.99787."""
    m = ParetoNBD().fit(cdnow)
    for name, value in {"r": 0.5532, "alpha": 10.5763, "s": 0.6062, "beta": 11.6715}.items():
        assert m.params_[name] == pytest.approx(value, rel=1e-3)
    assert m.loglik_ == pytest.approx(-9594.98, abs=0.01)
    assert m.expected_purchases(52, 26, 30.857, 31) == pytest.approx(25.456, abs=2e-3)
    assert m.p_alive(26, 30.857, 31) == pytest.approx(0.99787, abs=5e-6)


def _closed_form(theta, x, tx, t_cap):
    """Fader & Hardie (2005), eq. 19, for alpha >= beta, with scipy's 2F1."""
    r, alpha, s, beta = theta
    k = r + s + x

    def term(t):
        return hyp2f1(k, s + 1, k + 1, (alpha - beta) / (alpha + t)) / (alpha + t) ** k

    a0 = term(tx) - term(t_cap)
    return (gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
            + np.log((alpha + t_cap) ** -(r + x) * (beta + t_cap) ** -s + s / k * a0))


def test_quadrature_matches_the_hypergeometric_closed_form():
    rng = np.random.default_rng(3)
    x = rng.integers(0, 25, 300).astype(float)
    t_cap = rng.uniform(1, 60, 300)
    tx = np.where(x > 0, rng.uniform(0, 1, 300) * t_cap, 0.0)
    theta = np.array([0.55, 10.6, 0.61, 7.0])
    data = Data({"frequency": x, "recency": tx, "T": t_cap}, np.ones(300), None)
    ll, _ = ParetoNBD()._loglik(theta, data)
    np.testing.assert_allclose(ll, _closed_form(theta, x, tx, t_cap), rtol=1e-10, atol=1e-10)


def test_shared_integrals_fall_back_to_direct_ones_when_the_difference_cancels():
    """Rows whose interval (t_x, T] holds a tiny share of the frequency's integral beyond t_x
    are integrated directly; all rows still match the closed form, and the plan's suffix sums
    cover frequencies with one pair, with many pairs and with far apart times."""
    x = np.array([1, 1, 1, 1, 3, 3, 0, 0, 7, 40], dtype=float)
    tx = np.array([10, 10, 5, 10, 2, 2, 0, 0, 30, 1], dtype=float)
    t_cap = np.array([10.001, 1000, 10.001, 600, 2.0000001, 900, 1, 950, 31, 2])
    theta = np.array([0.55, 10.6, 0.61, 7.0])
    data = Data({"frequency": x, "recency": tx, "T": t_cap}, np.ones(x.size), None)
    plan = ParetoNBD._plan(data)
    ev = ParetoNBD._rows(theta, plan, ParetoNBD._pairs(theta, plan, False), slice(None), False)
    assert ev["direct"].size >= 2  # the two near-zero intervals
    ll, _ = ParetoNBD()._loglik(theta, data)
    np.testing.assert_allclose(ll, _closed_form(theta, x, tx, t_cap), rtol=1e-11, atol=1e-11)
    assert_gradient_matches(ParetoNBD(), theta, data)


def test_weighted_total_equals_the_sum_of_rows():
    rng = np.random.default_rng(8)
    n = 70_000  # more than one chunk of rows
    x = rng.integers(0, 60, n).astype(float)
    t_cap = rng.integers(1, 700, n).astype(float)
    tx = np.where(x > 0, np.floor(rng.uniform(0, 1, n) * t_cap), 0.0)
    w = rng.integers(1, 5, n).astype(float)
    data = Data({"frequency": x, "recency": tx, "T": t_cap}, w, None)
    theta = np.array([0.6, 40.0, 0.7, 300.0])
    ll, grad = ParetoNBD()._loglik(theta, data)
    total, total_grad = ParetoNBD()._total_loglik(theta, data)
    assert total == pytest.approx(float(w @ ll), rel=1e-12)
    np.testing.assert_allclose(total_grad, w @ grad, rtol=1e-9)


def test_p_alive_keeps_the_shape_of_its_inputs():
    m = ParetoNBD()
    m.params_ = {"r": 0.55, "alpha": 10.6, "s": 0.61, "beta": 11.7}
    m.converged_ = True
    one = m.p_alive(2, 10.0, 30.0)
    assert np.ndim(one) == 0
    many = m.p_alive(np.array([[2, 0], [5, 1]]), np.array([[10.0, 0.0], [29.0, 3.0]]), 30.0)
    assert many.shape == (2, 2) and many[0, 0] == pytest.approx(one)


def _simulate(n, r, alpha, s, beta, seed):
    """Pareto/NBD histories: Poisson purchases at rate lambda until min(death, T)."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(r, 1 / alpha, n)
    mu = rng.gamma(s, 1 / beta, n)
    t_cap = rng.uniform(20, 100, n)
    alive_for = np.minimum(rng.exponential(1 / mu), t_cap)
    x = rng.poisson(lam * alive_for)
    # the last of x uniform points on (0, alive_for)
    tx = np.where(x > 0, alive_for * rng.uniform(size=n) ** (1 / np.maximum(x, 1)), 0.0)
    return pl.DataFrame({"frequency": x, "recency": tx, "T": t_cap})


def test_recovers_simulated_parameters():
    truth = {"r": 0.8, "alpha": 8.0, "s": 0.7, "beta": 20.0}
    m = ParetoNBD().fit(_simulate(100_000, **truth, seed=5))
    for name, value in truth.items():
        assert abs(m.params_[name] - value) < 3 * m.stderr_[name], (name, m.params_, m.stderr_)


def test_no_overflow_in_days_and_with_thousands_of_purchases(reference_data):
    tx = read_transactions(reference_data / "CDNOW_master.txt")  # has a header
    s = rfm_summary(tx, unit="day", observation_end="1998-06-30")
    m = ParetoNBD().fit(s)
    assert all(np.isfinite(v) for v in m.params_.values()) and np.isfinite(m.loglik_)
    x = np.array([0.0, 5000, 5000, 1, 3000])
    tx_ = np.array([0.0, 4990, 100, 1e-6, 2999.9])
    t_cap = np.array([5000.0, 5000, 5000, 5000, 3000])
    p = m.p_alive(x, tx_, t_cap)
    e = m.expected_purchases(365, x, tx_, t_cap)
    assert np.all(np.isfinite(p)) and np.all(np.isfinite(e))
    assert p[2] < 1e-6 < p[1]


def test_no_dropout_boundary_stays_finite():
    """A fit heading for s, beta -> 0 (no dropout) evaluates the integrals and simulates
    without overflow: (beta + tau) / (alpha + tau) is a sum of two non-negative terms."""
    from clv.models.pareto_nbd import _integrals

    theta = np.array([1.6, 20.6, 1e-11, 1e-20])
    x = np.array([0.0, 1.0, 7.0, 30.0])
    lo = np.array([0.0, 0.0, 5.0, 40.0])
    hi = np.array([10.0, 90.0, 60.0, 100.0])
    log_i, log_m = _integrals(theta, x, lo, hi, 100.0)
    assert np.isfinite(log_i).all() and not np.isnan(log_m).any()
    m = ParetoNBD()
    m.params_ = dict(zip(("r", "alpha", "s", "beta"), theta, strict=True))
    m.unit_, m.converged_ = "week", True
    sims = m._simulate_alive(np.random.default_rng(0), x, hi, np.linspace(0, 52, 13))
    assert np.isfinite(sims).all()


def test_gamma_rule_holds_past_the_overflow_of_gamma():
    """The Gauss rule of the posterior expectations: equal to scipy's where that one is
    finite, and exact moments where Gamma(shape) overflows (s in the thousands, as a fit on a
    shop with nearly constant lifetimes gives)."""
    import numpy as np
    from scipy.special import roots_genlaguerre

    from clv.models import ParetoNBD
    from clv.models.pareto_nbd import gamma_rule

    for shape in (0.3, 1.0, 7.5, 120.0):
        u, w = gamma_rule(shape, 24)
        x, v = roots_genlaguerre(24, shape - 1)
        np.testing.assert_allclose(u, x, rtol=1e-12)
        np.testing.assert_allclose(w, v / v.sum(), atol=1e-13)
    for shape in (171.0, 500.0, 22227.0):
        u, w = gamma_rule(shape, 24)
        assert np.isclose((w * u).sum(), shape) and np.isclose((w * u**2).sum(),
                                                               shape * (shape + 1))
    m = ParetoNBD()
    m.params_ = {"r": 1.47, "alpha": 19.4, "s": 22227.7, "beta": 2344202.5}
    m.unit_, m.converged_ = "week", True
    p = m.purchase_if_alive(4.0, np.array([0.0, 3.0, 400.0]), np.array([30.0, 30.0, 60.0]))
    assert np.isfinite(p).all() and ((p > 0) & (p < 1)).all()
