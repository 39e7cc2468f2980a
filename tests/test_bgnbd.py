import numpy as np
import polars as pl
import pytest
from scipy.special import betainc

from clv import rfm_summary, sample_shop
from clv.models import BGNBD, MBGNBD, ConvergenceError, bgnbd


def test_published_cdnow_estimates_and_predictions(cdnow):
    """Fader, Hardie & Lee (2005): r = 0.2426, alpha = 4.4136, a = 0.7929, b = 2.4259,
    LL = -9582.43; E[Y(39)] = 1.226 for (2, 30.43, 38.86); 25.757 and P(alive) = 0.9689 for
    (26, 30.857, 31) over 52 weeks."""
    m = BGNBD().fit(cdnow)
    expected = {"r": 0.2426, "alpha": 4.4136, "a": 0.7929, "b": 2.4259}
    for name, value in expected.items():
        assert m.params_[name] == pytest.approx(value, rel=1e-3)
    assert m.loglik_ == pytest.approx(-9582.43, abs=0.01)
    assert m.expected_purchases(39, 2, 30.43, 38.86) == pytest.approx(1.226, abs=5e-4)
    assert m.expected_purchases(52, 26, 30.857, 31) == pytest.approx(25.757, abs=5e-3)
    assert m.p_alive(26, 30.857, 31) == pytest.approx(0.9689, abs=5e-5)
    assert m.n_customers_ == 2357 and m.unit_ == "week"
    assert m.aic_ == pytest.approx(2 * 4 + 2 * 9582.43, abs=0.02)
    assert set(m.summary()["param"]) == set(expected)
    assert all(v > 0 for v in m.stderr_.values())


def test_recovers_true_parameters_of_the_sample_shop():
    shop = sample_shop(100_000, seed=3)
    s = rfm_summary(shop.transactions, unit="week", observation_end=shop.observation_end)
    m = BGNBD().fit(s)
    for name, truth in shop.truth["bgnbd"].items():
        assert abs(m.params_[name] - truth) < 3 * m.stderr_[name], (name, m.params_, m.stderr_)


def test_log_space_stays_finite_for_extreme_histories(cdnow):
    m = BGNBD().fit(cdnow)
    x = np.array([0, 1, 5000, 5000, 20000])
    tx = np.array([0, 1e-3, 3000.0, 10.0, 4999.0])
    t_cap = np.array([5000.0, 5000, 5000, 5000, 5000])
    p = m.p_alive(x, tx, t_cap)
    assert np.all(np.isfinite(p)) and np.all((p >= 0) & (p <= 1))
    assert max(p[2], p[3]) < 1e-6  # thousands of purchases, then silent for years: gone
    assert p[4] > 0.5  # 20,000 purchases up to last week: alive
    e = m.expected_purchases(52, x, tx, t_cap)
    assert np.all(np.isfinite(e)) and e[4] > 100


def test_no_repeat_buyers_is_a_clear_convergence_error():
    frame = pl.DataFrame({"frequency": [0] * 50, "recency": [0.0] * 50,
                          "T": np.linspace(5, 50, 50)})
    with pytest.raises(ConvergenceError, match="BG/NBD"):
        BGNBD().fit(frame)
    with pytest.raises(Exception, match="not fitted"):
        BGNBD().p_alive(1, 1, 2)


# --- the limits of the mixing distributions: closed forms, rules and point masses -----------------
X = np.array([0.0, 1, 5, 20, 100, 1000])
TX = np.array([0.0, 0.5, 40, 49, 51, 59])
T_CAP = np.array([10.0, 30, 50, 50, 52, 60])


def _model(cls, **params):
    m = cls()
    m.params_ = params
    m.converged_, m.unit_ = True, "week"
    return m


@pytest.mark.parametrize("cls", [BGNBD, MBGNBD])
@pytest.mark.parametrize("rate, t", [(0.5, 52.0), (3.0, 52.0), (0.02, 10.0)])
@pytest.mark.parametrize("a, b", [(0.2, 25.0), (2.0, 50.0), (1e-3, 150.0), (0.5, 3.0)])
def test_the_rules_agree_with_the_closed_forms(cls, rate, t, a, b, monkeypatch):
    """E[Y(t) | alive] by the Gauss-Jacobi rule over p and by the 2F1 (up to r = 100, where
    the switch is; a + b below RULE_AB); P(X(t) = n) by log rising factorials and by ln Gamma
    differences (exact enough for r = 100)."""
    from scipy.special import betaln, gammaln

    for r in (0.3, 3.0, 30.0, 100.0):
        m = _model(cls, r=r, alpha=r / rate, a=a, b=b)
        rule = m._if_alive_rule(a, t, X, T_CAP, 1.0)
        monkeypatch.setattr(bgnbd, "RULE_R", np.inf)
        closed = m._if_alive_at(a, t, X, T_CAP, 1.0)
        monkeypatch.undo()
        np.testing.assert_allclose(rule, closed, rtol=1e-10)
        n = np.arange(0, 60, dtype=float)
        z, d = t / (r / rate + t), cls.D
        log_nb = gammaln(r + n) - gammaln(r) - gammaln(n + 1) + r * np.log1p(-z) + n * np.log(z)
        tail = np.where(n > 0, betainc(np.maximum(n, 1), r, z), 1.0)
        old = np.exp(betaln(a, b + n + d) - betaln(a, b) + log_nb) + np.where(
            n + d > 0, np.exp(betaln(a + 1, np.maximum(b + n + d - 1, 1e-300)) - betaln(a, b))
            * tail, 0.0)
        np.testing.assert_allclose(m.probability_of_purchases(n, t), old, rtol=1e-10,
                                   atol=1e-300)


@pytest.mark.parametrize("cls", [BGNBD, MBGNBD])
@pytest.mark.parametrize("rate, t", [(0.5, 52.0), (3.0, 52.0), (0.02, 10.0), (1.0, 365.0)])
@pytest.mark.parametrize("a, b", [(0.2, 25.0), (2.0, 50.0), (1e-3, 150.0), (3e5, 1e7)])
def test_every_prediction_holds_when_every_customer_buys_at_one_rate(cls, rate, t, a, b):
    """r, alpha -> inf with r/alpha fixed: lambda is a point mass at r/alpha (the 2F1 gave
    NaN). Each prediction against its point-mass formula: P(alive) = 1 / (1 + a/(b+x+d-1)
    e^(lambda (T - t_x))), E[Y(t) | alive] = C/(a-1) (1 - 1F1(a-1; C; -lambda t)),
    P(X(t) = n) = B(a, b+n+d)/B(a, b) Poisson(n) + B(a+1, b+n+d-1)/B(a, b) P(Poisson >= n)."""
    from scipy.special import betaln, gammainc, gammaln, hyp1f1

    r = 1e15
    m = _model(cls, r=r, alpha=r / rate, a=a, b=b)
    d = cls.D
    lam = (r + X) / (r / rate + T_CAP)  # the posterior mean, r/alpha to 1e-12
    second = X + d > 0
    odds = np.where(second, a / np.maximum(b + X + d - 1, 1e-300) * np.exp(lam * (T_CAP - TX)),
                    0.0)
    np.testing.assert_allclose(m.p_alive(X, TX, T_CAP), 1 / (1 + odds), rtol=1e-10)
    np.testing.assert_allclose(m.purchase_if_alive(t, X, T_CAP), -np.expm1(-lam * t),
                               rtol=1e-10)
    c = a + b + X + d - 1
    if a < 1e3:  # scipy's 1F1 fails for huge parameters
        limit = c / (a - 1) * (1 - hyp1f1(a - 1, c, -lam * t))
        np.testing.assert_allclose(m.expected_if_alive(t, X, T_CAP), limit, rtol=1e-10)
    else:  # and p a point mass too: (1 - e^(-lambda p t)) / p
        p = a / (a + b + X + d)
        np.testing.assert_allclose(m.expected_if_alive(t, X, T_CAP), -np.expm1(-lam * p * t) / p,
                                   rtol=1e-5)  # the Beta's spread: a relative 1/(a+b)
    n = np.arange(0, 80, dtype=float)
    mean = rate * t
    poisson = np.exp(n * np.log(mean) - mean - gammaln(n + 1))
    want = (np.exp(betaln(a, b + n + d) - betaln(a, b)) * poisson
            + np.where(n + d > 0, np.exp(betaln(a + 1, np.maximum(b + n + d - 1, 1e-300))
                                         - betaln(a, b)), 0.0)
            * np.where(n > 0, gammainc(np.maximum(n, 1), mean), 1.0))
    got = m.probability_of_purchases(n, t)
    np.testing.assert_allclose(got, want, rtol=1e-6 if a > 1e3 else 1e-9, atol=1e-300)
    for v in (m.expected_purchases_new(np.array([1.0, 52.0])),
              m.expected_purchases(t, X, TX, T_CAP), got):
        assert np.all(np.isfinite(v))
    rng = np.random.default_rng(0)
    sims = np.array([m.simulate_purchases(rng, X, TX, T_CAP, np.array([0.0, t])).sum(axis=0)
                     for _ in range(1000)])
    gap = np.abs(sims.mean(axis=0) - m.expected_purchases(t, X, TX, T_CAP))
    seen = m.p_alive(X, TX, T_CAP) > 0.05  # enough alive draws for a standard error
    assert np.all((gap <= 5 * sims.std(axis=0) / np.sqrt(1000) + 1e-6)[seen]), gap
