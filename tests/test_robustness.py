"""Every model stays finite, silent and right on large times and counts, and recovers the
parameters of data simulated from it."""

import numpy as np
import polars as pl
import pytest

from clv import read_transactions, rfm_summary
from clv.models import BGBB, BGNBD, MBGNBD, GammaGamma, ParetoNBD


def simulate_bg(n, r, alpha, a, b, d, seed, t_range=(20.0, 100.0)):
    """BG/NBD (d = 0) or MBG/NBD (d = 1) histories: N ~ Poisson(lambda T) arrivals on (0, T];
    the customer drops out after purchase G (d = 0: G >= 1; d = 1: G >= 0, i.e. possibly right
    after the first purchase); x = min(N, G), t_x the x-th of N uniform arrival times."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(r, 1 / alpha, n)
    p = rng.beta(a, b, n)
    t_cap = rng.uniform(*t_range, n)
    arrivals = rng.poisson(lam * t_cap)
    x = np.minimum(arrivals, rng.geometric(p) - d)
    # the x-th smallest of N uniforms on (0, T) is T * Beta(x, N - x + 1)
    tx = np.where(x > 0, t_cap * rng.beta(np.maximum(x, 1), arrivals - x + 1), 0.0)
    return pl.DataFrame({"frequency": x, "recency": tx, "T": t_cap})


def simulate_bgbb(n, alpha, beta, gamma, delta, periods, seed):
    rng = np.random.default_rng(seed)
    p, theta = rng.beta(alpha, beta, n), rng.beta(gamma, delta, n)
    alive = np.ones(n, dtype=bool)
    x = np.zeros(n)
    last = np.zeros(n)
    for t in range(1, periods + 1):
        alive &= rng.random(n) >= theta
        buy = alive & (rng.random(n) < p)
        x += buy
        last = np.where(buy, t, last)
    frame = pl.DataFrame({"frequency": x, "recency": last, "periods": float(periods)})
    return frame.group_by(frame.columns).len("weight")


@pytest.mark.parametrize(("cls", "d", "truth"), [
    (BGNBD, 0, {"r": 0.6, "alpha": 5.0, "a": 0.9, "b": 3.0}),
    (MBGNBD, 1, {"r": 0.6, "alpha": 5.0, "a": 0.9, "b": 3.0}),
])
def test_bg_family_recovers_simulated_parameters(cls, d, truth):
    m = cls().fit(simulate_bg(100_000, **truth, d=d, seed=11))
    for name, value in truth.items():
        assert abs(m.params_[name] - value) < 3 * m.stderr_[name], (name, m.params_, m.stderr_)


def test_bgbb_recovers_simulated_parameters():
    truth = {"alpha": 1.2, "beta": 0.75, "gamma": 0.66, "delta": 2.8}
    m = BGBB().fit(simulate_bgbb(100_000, **truth, periods=6, seed=3))
    assert m.n_customers_ == 100_000
    for name, value in truth.items():
        assert abs(m.params_[name] - value) < 3 * m.stderr_[name], (name, m.params_, m.stderr_)


def _all_finite(model, x, tx, t_cap, t):
    values = [model.p_alive(x, tx, t_cap), model.expected_purchases(t, x, tx, t_cap),
              model.probability_of_purchases(np.arange(0, 50), t),
              model.expected_purchases_new(np.array([0.0, t]))]
    return all(np.all(np.isfinite(v)) for v in values)


def test_cdnow_master_in_days(reference_data):
    tx = read_transactions(reference_data / "CDNOW_master.txt")
    s = rfm_summary(tx, unit="day", observation_end="1998-06-30")
    f = s.frame
    x, tx_, t_cap = (f[c].to_numpy().astype(float) for c in ("frequency", "recency", "T"))
    for cls in (BGNBD, MBGNBD):
        m = cls().fit(s)
        assert all(np.isfinite(v) for v in (*m.params_.values(), *m.stderr_.values()))
        assert _all_finite(m, x, tx_, t_cap, 365.0)
    gg = GammaGamma().fit(s)
    assert np.all(np.isfinite(gg.expected_spend(x, f["monetary"].to_numpy())))


def test_thousands_of_purchases_over_years_in_days():
    """A daily population where heavy buyers make up to ~5,000 purchases in 4,000 days."""
    frame = simulate_bg(3_000, r=2.0, alpha=4.0, a=0.5, b=400.0, d=0, seed=2,
                        t_range=(1_000.0, 4_000.0))
    assert frame["frequency"].max() > 4_000
    x, tx, t_cap = (frame[c].to_numpy().astype(float) for c in ("frequency", "recency", "T"))
    monetary = np.random.default_rng(0).gamma(5.0, 8.0, x.size)
    for cls in (BGNBD, MBGNBD, ParetoNBD):
        m = cls().fit(frame)
        assert all(np.isfinite(v) for v in (*m.params_.values(), *m.stderr_.values())), cls
        assert _all_finite(m, x, tx, t_cap, 365.0), cls
        extreme = m.p_alive(np.array([5000.0, 5000.0]), np.array([4000.0, 10.0]),
                            np.array([4000.0, 4000.0]))
        assert extreme[0] > 0.5 and extreme[1] < 1e-6
    gg = GammaGamma().fit(frame.with_columns(monetary=pl.Series(monetary)))
    assert np.all(np.isfinite(gg.expected_spend(x, monetary)))
