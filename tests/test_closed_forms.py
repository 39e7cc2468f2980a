"""Discounted lifetimes in closed form: Pareto/NBD's DERT (Fader, Hardie & Lee 2005, "RFM and
CLV") and sBG's DEL and DERL (Fader & Hardie 2010), against the integrals and sums they
stand for, the papers' own forms, and their limits."""

import math

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.special import gammaln, hyp2f1, hyperu

from clv.errors import ClvError
from clv.models import SBG, NotFittedError, ParetoNBD
from clv.models.base import Data, log_rising
from clv.models.quadrature import log_concave_integral

CDNOW = {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}  # Fader, Hardie & Lee 2005
DELTA = math.log(1.15) / 52  # 15% a year, continuously compounded per week, as in the paper


def _integral(f, end, first):
    """int_0^end f by adaptive quadrature on pieces growing fourfold from ``first``, so that
    every scale of the integrand (a narrow start, a long slow tail) gets its own pieces."""
    edges = [0.0]
    while edges[-1] * 4 < end and len(edges) < 60:
        edges.append(first if len(edges) == 1 else edges[-1] * 4)
    edges.append(end)
    return math.fsum(quad(f, a, b, epsabs=0, epsrel=1e-13, limit=200)[0]
                     for a, b in zip(edges[:-1], edges[1:], strict=True))


def _reference(params, delta, x, t_cap):
    """int_0^inf e^(-delta t) (r+x)/(alpha+T) ((beta+T)/(beta+T+t))^s dt by quadrature, to
    where e^(-delta t) < e^-60."""
    r, alpha, s, beta = params

    def rate(t):
        return (r + x) / (alpha + t_cap) * math.exp(-delta * t - s * math.log1p(t / (beta + t_cap)))

    return _integral(rate, 60 / delta, min(1e-3 * (beta + t_cap), 1e-3 / delta))


GRID = [  # (r, alpha, s, beta): CDNOW, s near and at 1, s > 1, tiny and huge shapes and scales
    (0.553, 10.578, 0.606, 11.669),
    (0.8, 3.0, 1 - 1e-7, 20.0),
    (0.8, 3.0, 1.0, 20.0),
    (0.8, 3.0, 1 + 1e-7, 20.0),
    (2.0, 40.0, 2.5, 6.0),
    (0.3, 0.5, 7.0, 400.0),
    (0.05, 9.0, 0.05, 0.01),
    (1.5, 15.0, 5e4, 5e5),  # s, beta -> inf: one dropout rate, 0.1 per unit
]


@pytest.mark.parametrize("params", GRID)
def test_pareto_discounted_if_alive_equals_the_integral(params):
    m = ParetoNBD.from_params(params, unit="week")
    x = np.array([0.0, 2.0, 40.0])
    for t_cap in (0.5, 38.86, 400.0):
        for delta in (1e-6, DELTA, 0.1, 5.0):
            got = m.discounted_if_alive(delta, x, t_cap)
            want = [_reference(params, delta, xi, t_cap) for xi in x]
            np.testing.assert_allclose(got, want, rtol=1e-8, err_msg=f"T={t_cap}, d={delta}")


def test_dert_is_the_papers_form_with_kummers_psi():
    """DERT = alpha^r beta^s delta^(s-1) G(r+x+1) Psi(s, s; delta(beta+T)) / (G(r)
    (alpha+T)^(r+x+1) L(r, alpha, s, beta | x, t_x, T)) (Fader, Hardie & Lee 2005, eq. 2),
    with scipy's U where it is accurate (s = 0.606) and the model's own likelihood."""
    m = ParetoNBD.from_params(CDNOW, unit="week")
    r, alpha, s, beta = CDNOW.values()
    rows = [(2, 30.43, 38.86), (26, 30.857, 31.0), (0, 0.0, 38.86), (7, 35.0, 77.86)]
    for delta in (DELTA, 0.01, 0.3):
        for x, tx, t_cap in rows:
            data = Data({"frequency": np.array([x], float), "recency": np.array([tx]),
                         "T": np.array([t_cap])}, np.ones(1), None)
            log_l = m._loglik(np.array([r, alpha, s, beta]), data)[0][0]
            paper = math.exp(r * math.log(alpha) + s * math.log(beta) + (s - 1) * math.log(delta)
                             + gammaln(r + x + 1) + math.log(hyperu(s, s, delta * (beta + t_cap)))
                             - gammaln(r) - (r + x + 1) * math.log(alpha + t_cap) - log_l)
            assert m.dert(delta, x, tx, t_cap) == pytest.approx(paper, rel=1e-10)


def test_dert_limits_and_shapes():
    r, alpha, s, beta = 0.8, 3.0, 2.5, 6.0
    m = ParetoNBD.from_params([r, alpha, s, beta], unit="week")
    x, t_cap = np.array([0.0, 3.0]), np.array([10.0, 52.0])
    undiscounted = (r + x) / (alpha + t_cap) * (beta + t_cap) / (s - 1)  # s > 1: finite
    np.testing.assert_allclose(m.discounted_if_alive(0.0, x, t_cap), undiscounted, rtol=1e-15)
    # near 0 the first correction is -z / ((s-1)(s-2)), z = delta (beta+T): 6e-12 here
    np.testing.assert_allclose(m.discounted_if_alive(1e-13, x, t_cap), undiscounted, rtol=1e-10)
    # a very high rate: only the rate at T counts, (r+x)/(alpha+T) / delta
    np.testing.assert_allclose(m.discounted_if_alive(1e9, x, t_cap) * 1e9,
                               (r + x) / (alpha + t_cap), rtol=1e-7)
    assert np.isinf(ParetoNBD.from_params(CDNOW).discounted_if_alive(0.0, 1, 5.0))  # s < 1
    # s, beta -> inf with s/beta = mu: every customer drops out at rate mu
    mu = 0.05
    point = ParetoNBD.from_params([r, alpha, 1e9, 1e9 / mu])
    np.testing.assert_allclose(point.discounted_if_alive(DELTA, x, t_cap),
                               (r + x) / (alpha + t_cap) / (DELTA + mu), rtol=1e-6)
    # scalars give a scalar, arrays broadcast, and dert is P(alive) times the rest
    one = m.dert(DELTA, 2, 30.0, 40.0)
    assert np.ndim(one) == 0
    grid = m.dert(DELTA, np.array([[2], [5]]), np.array([[30.0], [39.0]]), np.array([40.0, 60.0]))
    assert grid.shape == (2, 2) and grid[0, 0] == pytest.approx(one, rel=1e-15)
    np.testing.assert_allclose(grid, m.p_alive(np.array([[2], [5]]), np.array([[30.0], [39.0]]),
                                               np.array([40.0, 60.0]))
                               * m.discounted_if_alive(DELTA, np.array([[2], [5]]),
                                                       np.array([40.0, 60.0])), rtol=1e-15)


def test_dert_is_the_limit_of_discounted_expected_purchases():
    """Summing the increments of E[Y(t) | alive] over fine steps, each discounted at its
    middle, tends to the closed form."""
    m = ParetoNBD.from_params(CDNOW, unit="week")
    edges = np.linspace(0.0, 60 / DELTA, 400_001)
    increments = np.diff(m.expected_if_alive(edges, 2.0, 38.86))
    summed = increments @ np.exp(-DELTA * (edges[:-1] + edges[1:]) / 2)
    assert summed == pytest.approx(m.discounted_if_alive(DELTA, 2.0, 38.86), rel=1e-6)


def test_dert_input_checks():
    with pytest.raises(NotFittedError, match="Pareto/NBD"):
        ParetoNBD().dert(DELTA, 1, 2.0, 3.0)
    m = ParetoNBD.from_params(CDNOW, unit="week")
    for bad in (-0.1, math.nan, math.inf, np.array([0.1, 0.2])):
        with pytest.raises(ClvError, match="discount rate >= 0 per week"):
            m.discounted_if_alive(bad, 1, 5.0)


# --- sBG: DEL and DERL --------------------------------------------------------------------------
def _derl_sum(alpha, beta, d, n):
    """sum_{k>=0} S(n+k)/S(n-1) (1+d)^-k, each ratio a product of retention rates
    r_t = (beta+t-1)/(alpha+beta+t-1), to where (1+d)^-k < e^-50."""
    k = np.arange(int(50 / math.log1p(d)) + 100, dtype=float)
    t = n + k
    logs = np.cumsum(np.log(beta + t - 1) - np.log(alpha + beta + t - 1)) - k * math.log1p(d)
    return math.fsum(np.exp(logs))


@pytest.mark.parametrize("alpha", [0.05, 0.704, 1.0, 2.0, 5.0, 300.0])
@pytest.mark.parametrize("beta", [0.3, 1.182, 3.806, 1e5])
def test_sbg_discounted_lifetimes_equal_the_discounted_survival_sums(alpha, beta):
    m = SBG.from_params({"alpha": alpha, "beta": beta}, unit="year")
    d = np.array([1e-3, 0.1, 2.0])[:, None]
    renewals = np.array([0, 1, 4, 30])
    got = m.discounted_residual_lifetime(d, renewals)
    assert got.shape == (3, 4)
    for i, di in enumerate(d[:, 0]):
        for j, ren in enumerate(renewals):
            assert got[i, j] == pytest.approx(_derl_sum(alpha, beta, di, ren + 1), rel=1e-9)
        # DEL = S(0) + the sum from the first renewal on, one period later
        assert m.discounted_expected_lifetime(di) == pytest.approx(
            1 + _derl_sum(alpha, beta, di, 1) / (1 + di), rel=1e-9)


def test_sbg_del_and_derl_as_the_papers_write_them():
    """DEL(d) = 2F1(1, beta; alpha+beta; 1/(1+d)) and DERL(d | n-1) = (beta+n-1)/(alpha+beta+
    n-1) 2F1(1, beta+n; alpha+beta+n; 1/(1+d)) (Fader & Hardie 2010, eqs. 3 and 6), with scipy's
    2F1 on the segments of Fader & Hardie 2007 (where it is accurate), and at d = 0 the means."""
    for alpha, beta in ((0.704, 1.182), (0.668, 3.806)):  # regular, high end
        m = SBG.from_params([alpha, beta], unit="year")
        for d in (0.1, 0.2):
            assert m.discounted_expected_lifetime(d) == pytest.approx(
                hyp2f1(1, beta, alpha + beta, 1 / (1 + d)), rel=1e-12)
            n = np.array([1.0, 3.0, 8.0])
            np.testing.assert_allclose(
                m.discounted_residual_lifetime(d, n - 1),
                (beta + n - 1) / (alpha + beta + n - 1) * hyp2f1(1, beta + n, alpha + beta + n,
                                                                 1 / (1 + d)), rtol=1e-12)
        assert np.isinf(m.discounted_expected_lifetime(0.0))  # alpha < 1: no finite mean
    m = SBG.from_params([2.5, 4.0])
    assert m.discounted_expected_lifetime(0.0) == pytest.approx((2.5 + 4.0 - 1) / 1.5)
    assert m.discounted_residual_lifetime(0.0, 3) == pytest.approx((4.0 + 3) / 1.5)
    assert m.derl(0.1, 2) == m.discounted_residual_lifetime(0.1, 2)  # the former names
    assert m.del_(0.1) == m.discounted_expected_lifetime(0.1)


def test_sbg_discounted_lifetime_input_checks():
    with pytest.raises(NotFittedError, match="sBG"):
        SBG().discounted_expected_lifetime(0.1)
    m = SBG.from_params([0.7, 1.2])
    with pytest.raises(ClvError, match="discount rate"):
        m.discounted_residual_lifetime(-0.1)
    with pytest.raises(ClvError, match="renewals"):
        m.discounted_residual_lifetime(0.1, -1)


# --- the integrator behind both -----------------------------------------------------------------
def test_log_concave_integral_on_known_integrals():
    """Gamma and Beta functions (their log densities in log and logit scale), a Gaussian cut
    at its mode, and an exponential on a finite interval, over scales from 1e-6 to 1e6."""
    a = np.array([1e-3, 0.5, 1.0, 7.0, 1e6])
    shape = a[:, None]

    def log_gamma(u):  # int e^(a u - e^u) du over R = Gamma(a)
        return shape * u - np.exp(u)

    got = log_concave_integral(log_gamma, np.full(a.size, -np.inf), np.full(a.size, np.inf),
                               np.log(a))
    np.testing.assert_allclose(got, gammaln(a), rtol=1e-13, atol=1e-13)
    b = np.array([0.2, 3.0, 1e-2, 5e5, 2.0])
    other = b[:, None]

    def log_beta(u):  # int sigma(u)^a sigma(-u)^b du over R = B(a, b)
        return -shape * np.logaddexp(0, -u) - other * np.logaddexp(0, u)

    got = log_concave_integral(log_beta, np.full(a.size, -np.inf), np.full(a.size, np.inf),
                               np.log(a / b))
    # ln B(a, b) as ln G(small) - ln G(big + small)/G(big): the difference of three ln G
    # loses 1e-10 when an argument is in the hundred thousands
    small, big = np.minimum(a, b), np.maximum(a, b)
    np.testing.assert_allclose(got, gammaln(small) - log_rising(big, small), rtol=1e-13)
    sigma = np.array([1e-6, 1.0, 1e6])
    got = log_concave_integral(lambda u: -(u / sigma[:, None]) ** 2 / 2, np.zeros(3),
                               np.full(3, np.inf), np.zeros(3))
    np.testing.assert_allclose(got, np.log(sigma * math.sqrt(math.pi / 2)), rtol=1e-14)
    got = log_concave_integral(lambda u: -u, np.zeros(2), np.array([0.0, 3.0]), np.zeros(2))
    assert got[0] == -np.inf and got[1] == pytest.approx(math.log(-math.expm1(-3.0)))
