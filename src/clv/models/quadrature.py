"""Gauss rules for expectations under the posteriors of the models' latent rates, and
integrals of log-concave functions (``log_concave_integral``: the discounted lifetimes).

The two Gauss rules come from the Jacobi matrix of the orthogonal polynomials of their weight
(Golub & Welsch 1969, "Calculation of Gauss quadrature rules", Math. Comp. 23): the nodes are its
eigenvalues and the weights the squared first components of its eigenvectors, which are 1 /
sum_k p_k(x)^2 at each node x for the orthonormal polynomials p_k of the matrix's three-term
recurrence (Gautschi 2004, Orthogonal Polynomials, section 3.1.1): the eigenvalues alone cost
O(n^2), where the eigenvectors cost O(n^3) (2,000 nodes: 0.17 s by the eigenvectors, 0.06 s by
the recurrence, measured; a rule is asked for at every monthly step of every draw). No weight
passes through Gamma or Beta functions of the shape parameters, which overflow for the shapes a
fit at the edge of the parameter space gives (Gamma(171) is past the largest double; a BG/NBD
fit with a and b in the millions).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np
from scipy.linalg import eigvalsh_tridiagonal

from clv.models.base import FloatArray


def _gauss(diagonal: np.ndarray, off: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nodes (the eigenvalues of the symmetric tridiagonal Jacobi matrix) and weights
    (summing to 1) of its Gauss rule, the weights from the orthonormal recurrence
    b_{k+1} p_{k+1}(x) = (x - a_k) p_k(x) - b_k p_{k-1}(x) at the nodes."""
    # a measure on fewer points than nodes (a Beta with a shape near 0: a point mass) ends its
    # recurrence with a zero: its rule is that of the leading block
    ends = np.flatnonzero(~(off > 1e-300 * np.maximum(1.0, np.abs(diagonal[1:]))))
    if ends.size:
        diagonal, off = diagonal[: ends[0] + 1], off[: ends[0]]
    if diagonal.size == 1:
        return diagonal.copy(), np.ones(1)
    x = eigvalsh_tridiagonal(diagonal, off)
    previous, current = np.zeros_like(x), np.ones_like(x)
    total = np.ones_like(x)
    # at the outermost nodes of a long rule p_k can pass the largest double: their weight is
    # then 0 to double precision (1/inf), the rest is unaffected
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(len(off)):
            below = off[k - 1] if k else 0.0
            previous, current = current, ((x - diagonal[k]) * current - below * previous) \
                / off[k]
            total += current * current
    weights = np.where(np.isfinite(total), 1.0 / total, 0.0)
    return x, weights / weights.sum()


def gamma_rule(shape: float, nodes: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights (summing to 1) of the Gauss rule for E[f(U)], U ~ Gamma(shape, 1):
    the generalised Gauss-Laguerre rule of weight u^(shape-1) e^-u (Jacobi matrix: diagonal
    2k + shape, off-diagonal sqrt(k (k + shape - 1)), k >= 1)."""
    k = np.arange(nodes, dtype=float)
    off = np.sqrt(k[1:] * (k[1:] + shape - 1.0))
    return _gauss(2.0 * k + shape, off)


@lru_cache(maxsize=4096)
def beta_rule(a: float, b: float, nodes: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights (summing to 1) of the Gauss rule for E[f(P)], P ~ Beta(a, b): the
    Gauss-Jacobi rule of weight (1-x)^al (1+x)^be on [-1, 1] with al = b - 1, be = a - 1,
    mapped by p = (1 + x) / 2 (Jacobi matrix of the monic Jacobi polynomials: diagonal
    (be^2 - al^2) / ((2k+s)(2k+s+2)), off-diagonal sqrt(4k(k+al)(k+be)(k+s) / ((2k+s)^2
    (2k+s+1)(2k+s-1))), s = al + be; Gautschi 2004, Orthogonal Polynomials, table 1.1).
    Cached (read-only arrays): a prediction asks for the same rule at every monthly step."""
    al, be = b - 1.0, a - 1.0
    s = al + be
    k = np.arange(nodes, dtype=float)
    two = 2.0 * k + s
    with np.errstate(divide="ignore", invalid="ignore"):  # k = 0 when s = 0: limit below
        diagonal = (be * be - al * al) / (two * (two + 2.0))
    if abs(s) < 1e-12:
        diagonal[0] = (be - al) / (s + 2.0)
    kk, tk = k[1:], two[1:]
    off = np.sqrt(4.0 * kk * (kk + al) * (kk + be) * (kk + s)
                  / (tk * tk * (tk + 1.0) * (tk - 1.0)))
    x, w = _gauss(diagonal, off)
    p = (1.0 + x) / 2.0
    p.setflags(write=False)
    w.setflags(write=False)
    return p, w


LEVELS = np.array([0.125, 0.25, 0.5, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 11.0, 15.0, 20.0, 26.0,
                   33.0, 40.0, 48.0])
"""Falls of ln f below its peak at which the panels of ``log_concave_integral`` end, on each
side of the mode: narrow near the peak, wider in the tails. Past the last, f < e^-48 x peak
(1.4e-21): a share of the integral below 1e-18 for any tail shorter than a thousand panel
widths, which a log-concave tail is (it falls at least linearly in ln f)."""


def _legendre(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre nodes and weights on [0, 1]."""
    nodes, weights = np.polynomial.legendre.leggauss(n)
    return (nodes + 1) / 2, weights / 2


PANEL_NODES, PANEL_WEIGHTS = _legendre(16)
"""16-node Gauss-Legendre rule on [0, 1], one per panel: f changes by at most e^-8 across a
panel (past the first levels), whose rule error is then below 1e-15 of the panel."""
GRADES = 2.0 ** np.arange(-4, 7)
"""Distances from the mode (1/16 to 64) that also end panels: an integrand nearly flat in ln f
can still bend on the unit scale of the variable's own nonlinearity (e^x, the logistic), which
the level sets alone would leave inside one wide panel (2e-9 on Gamma(0.001) as the integral
of exp(a u - e^u), whose first level lies 126 units out)."""
BISECTIONS = 48
"""Bisection steps for each panel edge: the edges need not be exact, only fall near the level
sets (48 steps place them within 4e-15 of the bracket)."""
SEARCH_STEPS = 1100
"""Halvings or doublings at most while bracketing the last level: from 1, past the range of
doubles either way."""


def log_concave_integral(log_f: Callable[[FloatArray], FloatArray], lo: FloatArray,
                         hi: FloatArray, mode: FloatArray) -> FloatArray:
    """ln of the integral of f over [lo, hi] (ends may be infinite), for log-concave f with its
    maximum at ``mode``, vectorised over rows: ``log_f`` maps an array u of shape (rows, k) to
    ln f(u) row by row (its parameters shaped (rows, 1)).

    A log-concave f falls monotonically on each side of its mode, at least linearly in ln f,
    so the points where ln f has fallen by ``LEVELS`` below the peak cut each side into panels
    that follow its scale whatever it is (a narrow Gaussian-like peak, a long exponential or a
    double-exponential tail): each is found by bisection, after halving or doubling a step from
    1 until ln f has fallen by more than the last level (or the end is reached). The distances
    ``GRADES`` from the mode end panels too, and each panel takes a 16-node Gauss-Legendre
    rule. The sum is taken relative to the peak, so that nothing
    overflows: the result is ln(peak) + ln(sum)."""
    rows = mode.size
    total = np.zeros(rows)
    with np.errstate(over="ignore"):  # ln f at points far in a tail: -inf is f = 0
        peak = log_f(mode[:, None])[:, 0]
        for side, end in ((1.0, hi), (-1.0, lo)):
            room = np.abs(end - mode)

            def fall(h: FloatArray, side: float = side) -> FloatArray:
                return peak[:, None] - log_f(mode[:, None] + side * h)

            h = np.minimum(1.0, room)
            for _ in range(SEARCH_STEPS):  # a peak narrower than 1: halve
                far = fall(h[:, None])[:, 0] > LEVELS[-1]
                if not far.any():
                    break
                h = np.where(far, h / 2, h)
            for _ in range(SEARCH_STEPS):  # then double until past the last level or the end
                near = (fall(h[:, None])[:, 0] <= LEVELS[-1]) & (h < room)
                if not near.any():
                    break
                h = np.where(near, np.minimum(2 * h, room), h)
            below, above = np.zeros((rows, LEVELS.size)), np.repeat(h[:, None], LEVELS.size, 1)
            for _ in range(BISECTIONS):
                mid = (below + above) / 2
                inside = fall(mid) < LEVELS
                below, above = np.where(inside, mid, below), np.where(inside, above, mid)
            grades = np.minimum(GRADES[None, :], above[:, -1:])
            edges = np.sort(np.concatenate((np.zeros((rows, 1)), grades, above), axis=1),
                            axis=1)
            width = np.diff(edges, axis=1)
            u = mode[:, None, None] + side * (edges[:, :-1, None]
                                              + width[:, :, None] * PANEL_NODES)
            weights = (width[:, :, None] * PANEL_WEIGHTS).reshape(rows, -1)
            total += (np.exp(log_f(u.reshape(rows, -1)) - peak[:, None]) * weights).sum(axis=1)
    with np.errstate(divide="ignore"):  # an empty interval: ln 0
        return peak + np.log(total)
