"""Gauss rules for expectations under the posteriors of the models' latent rates.

Both rules come from the eigen-decomposition of the Jacobi matrix of the orthogonal
polynomials of their weight (Golub & Welsch 1969, "Calculation of Gauss quadrature rules",
Math. Comp. 23): the nodes are its eigenvalues and the weights the squared first components
of its eigenvectors. No weight passes through Gamma or Beta functions of the shape
parameters, which overflow for the shapes a fit at the edge of the parameter space gives
(Gamma(171) is past the largest double; a BG/NBD fit with a and b in the millions).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.linalg import eigh_tridiagonal


def gamma_rule(shape: float, nodes: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights (summing to 1) of the Gauss rule for E[f(U)], U ~ Gamma(shape, 1):
    the generalised Gauss-Laguerre rule of weight u^(shape-1) e^-u (Jacobi matrix: diagonal
    2k + shape, off-diagonal sqrt(k (k + shape - 1)), k >= 1)."""
    k = np.arange(nodes, dtype=float)
    off = np.sqrt(k[1:] * (k[1:] + shape - 1.0))
    u, vectors = eigh_tridiagonal(2.0 * k + shape, off)
    weights = vectors[0] ** 2
    return u, weights / weights.sum()


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
    x, vectors = eigh_tridiagonal(diagonal, off)
    weights = vectors[0] ** 2
    p, w = (1.0 + x) / 2.0, weights / weights.sum()
    p.setflags(write=False)
    w.setflags(write=False)
    return p, w
