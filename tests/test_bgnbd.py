import numpy as np
import polars as pl
import pytest

from clv import rfm_summary, sample_shop
from clv.models import BGNBD, ConvergenceError
from clv.models.base import Data
from conftest import assert_gradient_matches


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


def test_analytic_gradient_matches_finite_differences():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 40, 200).astype(float)
    t_cap = rng.uniform(1, 300, 200)
    tx = np.where(x > 0, rng.uniform(0, 1, 200) * t_cap, 0.0)
    data = Data({"frequency": x, "recency": tx, "T": t_cap}, np.ones(200), "week")
    assert_gradient_matches(BGNBD(), np.array([0.7, 12.0, 0.9, 3.1]), data)


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


def test_save_load_round_trip(cdnow, tmp_path):
    m = BGNBD().fit(cdnow)
    m.save(tmp_path / "bgnbd.json")
    back = BGNBD.load(tmp_path / "bgnbd.json")
    assert back.params_ == m.params_ and back.unit_ == "week"
    np.testing.assert_allclose(back.covariance_, m.covariance_)
    assert back.p_alive(3, 20.0, 30.0) == pytest.approx(m.p_alive(3, 20.0, 30.0))


def test_no_repeat_buyers_is_a_clear_convergence_error():
    frame = pl.DataFrame({"frequency": [0] * 50, "recency": [0.0] * 50,
                          "T": np.linspace(5, 50, 50)})
    with pytest.raises(ConvergenceError, match="BG/NBD"):
        BGNBD().fit(frame)
    with pytest.raises(Exception, match="not fitted"):
        BGNBD().p_alive(1, 1, 2)
