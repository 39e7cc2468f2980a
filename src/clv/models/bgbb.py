"""BG/BB model for discrete-time non-contractual data (Fader, Hardie & Shang 2010, "Customer-
base analysis in a discrete-time noncontractual setting", Marketing Science 29(6), 1086-1108).

In each of n transaction opportunities an alive customer transacts with probability
p ~ Beta(alpha, beta); at the start of each following opportunity they drop out with
probability theta ~ Beta(gamma, delta). Data per customer: x transactions, the last at
opportunity t_x, out of n.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from scipy.special import betaln, digamma, logsumexp, softmax

from clv.models.base import Data, Model


def _lbeta_ratio(a: float, b: float, da: np.ndarray, db: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ln B(a+da, b+db) - ln B(a, b) and its derivatives in a and b."""
    value = betaln(a + da, b + db) - betaln(a, b)
    common = digamma(a + b) - digamma(a + b + da + db)
    return value, digamma(a + da) - digamma(a) + common, digamma(b + db) - digamma(b) + common


class BGBB(Model):
    """BG/BB fitted on (frequency, recency, periods) patterns with their counts as weights."""

    PARAMS: ClassVar[tuple[str, ...]] = ("alpha", "beta", "gamma", "delta")
    COLUMNS: ClassVar[tuple[str, ...]] = ("frequency", "recency", "periods")
    NAME: ClassVar[str] = "BG/BB"

    def _loglik(self, theta: np.ndarray, data: Data) -> tuple[np.ndarray, np.ndarray]:
        """ln L = ln[ B(alpha+x, beta+n-x)/B(alpha,beta) B(gamma, delta+n)/B(gamma,delta)
        + sum_{i=0}^{n-t_x-1} B(alpha+x, beta+t_x-x+i)/B(alpha,beta)
        B(gamma+1, delta+t_x+i)/B(gamma,delta) ]  (Fader, Hardie & Shang 2010, eq. 5),
        as a log-sum-exp of its terms; the gradient is the terms' softmax-weighted gradients."""
        al, be, ga, de = theta
        x, tx, n = (data.columns[c] for c in self.COLUMNS)
        width = int(np.max(n - tx)) + 1
        i = np.arange(width - 1)[None, :]
        alive = i <= (n - tx - 1)[:, None]
        # column 0: alive through n; column 1 + i: dropped out after opportunity t_x + i
        y = np.concatenate(((n - x)[:, None], (tx - x)[:, None] + i), axis=1)
        z = np.concatenate((n[:, None], tx[:, None] + i), axis=1)
        one = np.concatenate((np.zeros((x.size, 1)), np.ones((x.size, width - 1))), axis=1)
        p_val, p_da, p_db = _lbeta_ratio(al, be, x[:, None], y)
        d_val, d_dg, d_dd = _lbeta_ratio(ga, de, one, z)
        valid = np.concatenate((np.ones((x.size, 1), dtype=bool), alive), axis=1)
        terms = np.where(valid, p_val + d_val, -np.inf)
        ll = logsumexp(terms, axis=1)
        w = softmax(terms, axis=1)
        grad = np.stack([(w * np.where(valid, g, 0.0)).sum(axis=1)
                         for g in (p_da, p_db, d_dg, d_dd)], axis=1)
        return ll, grad
