"""Future value over a horizon and over the lifetime (clv.value): the quadrature of the
continuously discounted expected purchases against an adaptive integrator, Pareto/NBD's
lifetime value against the closed-form DERT of Fader, Hardie & Lee (2005), and the value of a
new customer converging as the horizon grows."""

import math

import numpy as np
import polars as pl
import pytest
from scipy import integrate, special

from clv import read_transactions, rfm_summary
from clv.datasets import load_cdnow
from clv.models import BGNBD, MBGNBD, ParetoNBD
from clv.value import LIFETIME, customer_value, discount_per_unit, quadrature

RATE = 0.15  # a yearly discount rate


@pytest.fixture(scope="module")
def cdnow():
    tx = read_transactions(load_cdnow(sample=True), customer="customer_id", date="date",
                           amount="amount")
    return rfm_summary(tx, unit="week", observation_end="1998-06-30")


def _by_parts(model, x, t_cap, span, delta):
    """integral_0^span e^(-delta t) dE(t) = e^(-delta h) E(h) + delta int e^(-delta t) E(t)
    dt, the second integral by scipy's adaptive quadrature (QUADPACK)."""
    def e(t):
        return float(model.expected_if_alive(t, np.array([x]), np.array([t_cap]))[0])

    inner, _ = integrate.quad(lambda t: math.exp(-delta * t) * e(t), 0, span, limit=400,
                              epsabs=0, epsrel=1e-11)
    return math.exp(-delta * span) * e(span) + delta * inner


@pytest.mark.parametrize("cls", [BGNBD, MBGNBD, ParetoNBD])
@pytest.mark.parametrize("weeks", [1.0, 52.0, 520.0])
def test_quadrature_matches_an_adaptive_integrator(cdnow, cls, weeks):
    model = cls().fit(cdnow)
    delta = discount_per_unit(RATE, "week")
    points, coef = quadrature(weeks, delta, 1 / 7)
    for x, t_cap in [(0, 0.0), (0, 30.0), (2, 38.9), (15, 70.0)]:
        ours = float(coef @ np.array([model.expected_if_alive(t, np.array([x]),
                                                               np.array([t_cap]))[0]
                                      for t in points]))
        assert ours == pytest.approx(_by_parts(model, x, t_cap, weeks, delta), rel=1e-8)


def test_pareto_nbd_lifetime_value_is_the_closed_form_dert(cdnow):
    """Over the lifetime, Pareto/NBD's value is DERT(delta | r, alpha, s, beta, x, t_x, T) =
    P(alive) (r+x)/(alpha+T) (beta+T) U(1, 2-s; delta(beta+T)) (Fader, Hardie & Lee 2005,
    eq. 2 after Kummer's transformation of their Psi(s, s; delta(beta+T))): for every CDNOW
    customer, the closed form equals the quadrature the other models use, to 1e-6, and the
    textbook formula with scipy's Tricomi U."""
    model = ParetoNBD().fit(cdnow)
    r, alpha, s, beta = (model.params_[k] for k in ("r", "alpha", "s", "beta"))
    f = cdnow.frame
    x, tx, t_cap = (f[c].cast(pl.Float64).to_numpy() for c in ("frequency", "recency", "T"))
    delta = discount_per_unit(RATE, "week")
    ours = customer_value(model, cdnow, LIFETIME, discount_rate=RATE)["discounted_purchases"]
    points, coef = quadrature(math.log(1e8) / delta, delta, 1 / 7)
    summed = model.p_alive(x, tx, t_cap) * sum(
        c * model.expected_if_alive(t, x, t_cap) for t, c in zip(points, coef, strict=True))
    np.testing.assert_allclose(ours.to_numpy(), summed, rtol=1e-6)
    textbook = (model.p_alive(x, tx, t_cap) * (r + x) / (alpha + t_cap) * (beta + t_cap)
                * special.hyperu(1.0, 2.0 - s, delta * (beta + t_cap)))
    np.testing.assert_allclose(ours.to_numpy(), textbook, rtol=1e-6)
    np.testing.assert_allclose(ours.to_numpy(), model.dert(delta, x, tx, t_cap), rtol=1e-12)


@pytest.mark.parametrize("cls", [BGNBD, MBGNBD, ParetoNBD])
def test_value_of_a_new_customer_converges_as_the_horizon_grows(cdnow, cls):
    """A customer just acquired (x = t_x = T = 0): the value over 1, 5, 20 and 50 years
    grows towards the lifetime value, and the gap shrinks at least as fast as the discount
    factor of the horizon."""
    model = cls().fit(cdnow)
    new = type(cdnow)(pl.DataFrame({"customer_id": ["new"], "frequency": [0], "recency": [0.0],
                                    "T": [0.0], "monetary": [0.0], "total_amount": [0.0]}),
                      "week", cdnow.observation_end, None, "day", cdnow.report)
    lifetime = customer_value(model, new, LIFETIME, discount_rate=RATE)["clv"][0]
    values = [customer_value(model, new, years, "year", discount_rate=RATE)["clv"][0]
              for years in (1, 5, 20, 50)]
    assert values == sorted(values) and values[-1] <= lifetime
    gaps = [lifetime - v for v in values]
    assert gaps == sorted(gaps, reverse=True)
    for years, gap in zip((1, 5, 20, 50), gaps, strict=True):
        assert gap <= lifetime * (1 + RATE) ** -years + 1e-12
    assert gaps[-1] / lifetime < 1e-2


@pytest.mark.parametrize("cls", [BGNBD, MBGNBD])
def test_far_horizons_stay_finite_where_the_closed_form_overflows(cls):
    """At a lifetime's span (10^4 weeks) scipy's 2F1 overflowed for these parameters (found
    on a real export: the lifetime value was -inf); the values come from the rule over the
    dropout probability there, rise with the horizon and stay below the t -> inf limit."""
    model = cls.from_params({"r": 0.282, "alpha": 1.509, "a": 7.776, "b": 157.9}, "week")
    x, t_cap = np.array([7.0, 1.0, 20.0]), np.array([13.0, 13.0, 13.0])
    spans = [10.0, 1e3, 3e3, 5e3, 10_083.0, 1e6]
    values = np.array([model.expected_if_alive(t, x, t_cap) for t in spans])
    assert np.all(np.isfinite(values)) and np.all(np.diff(values, axis=0) >= -1e-9)
    a, b = model.params_["a"], model.params_["b"]
    limit = (a + b + x + model.D - 1) / (a - 1)
    assert np.all(values <= limit * (1 + 1e-9))
    np.testing.assert_allclose(values[-2], model._if_alive_rule(a, spans[-2], x, t_cap, 1.0),
                               rtol=1e-9)
