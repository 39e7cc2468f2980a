"""Shifted-beta-geometric (sBG) model of contractual retention (Fader & Hardie 2007, "How to
project customer retention", Journal of Interactive Marketing 21(1), 76-90).

Each customer renews at the end of every period until they churn, with a churn probability
theta ~ Beta(alpha, beta) that varies across customers and stays fixed over time, so the
retention of a cohort rises as the least loyal leave. Fitted on the number of customers still
active at the start of each period, n_0 >= n_1 >= ... >= n_T.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
from scipy.special import digamma, gammaln

from clv.errors import ClvError
from clv.models.base import Data, Model


class SBG(Model):
    """sBG fitted on survivor counts of one cohort (or of cohorts pooled period by period)."""

    PARAMS: ClassVar[tuple[str, ...]] = ("alpha", "beta")
    COLUMNS: ClassVar[tuple[str, ...]] = ("period", "churned")
    NAME: ClassVar[str] = "sBG"

    def fit(self, survivors: Sequence[float] | Any, unit: str | None = None) -> SBG:  # type: ignore[override]
        """Fit on survivors n_0..n_T (customers active at the start of periods 0..T)."""
        n = np.asarray(survivors, dtype=float)
        if n.ndim != 1 or n.size < 2:
            raise ClvError("sBG needs survivor counts for at least two periods (n_0, n_1, ...)")
        if np.any(np.diff(n) > 0) or n[-1] < 0:
            raise ClvError("survivor counts must not increase from one period to the next")
        periods = np.arange(1, n.size)
        # one row per churn period t (weight n_{t-1} - n_t) and one for still active at T
        cols = {"period": np.concatenate((periods, [periods[-1]])).astype(float),
                "churned": np.concatenate((np.ones(periods.size), [0.0]))}
        weights = np.concatenate((n[:-1] - n[1:], [n[-1]]))
        return self._fit(Data(cols, weights, unit))

    def _loglik(self, theta: np.ndarray, data: Data) -> tuple[np.ndarray, np.ndarray]:
        """ln P(T = t) = ln B(alpha+1, beta+t-1) - ln B(alpha, beta) for a churn in period t,
        ln S(t) = ln B(alpha, beta+t) - ln B(alpha, beta) for still active after t
        (Fader & Hardie 2007, eqs. 4-5), with their gradients."""
        alpha, beta = theta
        t, churned = data.columns["period"], data.columns["churned"] > 0
        base = gammaln(alpha + beta) - gammaln(alpha) - gammaln(beta)
        d_base_a = digamma(alpha + beta) - digamma(alpha)
        d_base_b = digamma(alpha + beta) - digamma(beta)
        ll = np.where(
            churned,
            gammaln(alpha + 1) + gammaln(beta + t - 1) - gammaln(alpha + beta + t),
            gammaln(alpha) + gammaln(beta + t) - gammaln(alpha + beta + t),
        ) + base
        grad = np.empty((t.size, 2))
        grad[:, 0] = np.where(churned, digamma(alpha + 1), digamma(alpha)) \
            - digamma(alpha + beta + t) + d_base_a
        grad[:, 1] = np.where(churned, digamma(beta + t - 1), digamma(beta + t)) \
            - digamma(alpha + beta + t) + d_base_b
        return ll, grad

    def survival(self, t: Any) -> np.ndarray:
        """S(t) = B(alpha, beta+t) / B(alpha, beta): share of a cohort still active after t
        periods (Fader & Hardie 2007, eq. 5)."""
        alpha, beta = self._fitted()
        t = np.asarray(t, dtype=float)
        return np.exp(gammaln(beta + t) + gammaln(alpha + beta)
                      - gammaln(beta) - gammaln(alpha + beta + t))

    def retention(self, t: Any) -> np.ndarray:
        """r_t = S(t) / S(t-1) = (beta + t - 1) / (alpha + beta + t - 1), the share of those
        active in period t-1 who renew into period t (Fader & Hardie 2007, eq. 6)."""
        alpha, beta = self._fitted()
        t = np.asarray(t, dtype=float)
        return (beta + t - 1) / (alpha + beta + t - 1)
