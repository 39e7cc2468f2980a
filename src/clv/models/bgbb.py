"""BG/BB model for discrete-time non-contractual data (Fader, Hardie & Shang 2010, "Customer-
base analysis in a discrete-time noncontractual setting", Marketing Science 29(6), 1086-1108).

In each of n transaction opportunities an alive customer transacts with probability
p ~ Beta(alpha, beta); at the start of each following opportunity they drop out with
probability theta ~ Beta(gamma, delta). Data per customer: x transactions, the last at
opportunity t_x, out of n.

The data are patterns (``frequency``, ``recency``, ``periods``) with the number of customers of
each in a weight column, under the names of ``clv.read_patterns`` or of lifetimes (whose
donations data has ``n_periods`` and ``weights``); any other column is refused, since a weight
under an unknown name would otherwise be ignored and the fit silently wrong.
"""

from __future__ import annotations

from typing import Any, ClassVar, cast

import numpy as np
import polars as pl
from numpy.typing import ArrayLike
from scipy.special import betaln, digamma, gammaln, logsumexp, softmax

from clv.errors import ClvError
from clv.models.base import Data, FloatArray, Model

WEIGHTS = ("weight", "weights", "count", "n", "customers")
"""Names of the column holding the number of customers of each pattern."""
PERIODS = ("periods", "n_periods")
"""Names of the column holding the number of transaction opportunities n."""


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

    def _data(self, data: Any) -> Data:
        """The patterns (see :func:`patterns`) as weighted rows."""
        return super()._data(patterns(data))

    def _start(self, data: Data) -> np.ndarray:
        """alpha = beta = gamma = delta = 1: transaction and dropout probabilities uniform
        across customers."""
        return np.ones(len(self.PARAMS))

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

    # --- predictions ----------------------------------------------------------------------
    def _loglik_fitted(self, x: np.ndarray, tx: np.ndarray, n: np.ndarray) -> np.ndarray:
        data = Data({"frequency": x, "recency": tx, "periods": n}, np.ones(x.size), None)
        return self._loglik(self._fitted(), data)[0]

    @staticmethod
    def _arrays(*values: ArrayLike) -> tuple[FloatArray, ...]:
        return tuple(np.atleast_1d(np.asarray(v, dtype=np.float64)) for v in values)

    def p_alive(self, frequency: ArrayLike, recency: ArrayLike, periods: ArrayLike
                ) -> FloatArray:
        """P(alive at opportunity n+1 | x, t_x, n) = B(alpha+x, beta+n-x)/B(alpha, beta)
        B(gamma, delta+n+1)/B(gamma, delta) / L (Fader, Hardie & Shang 2010, eq. 11)."""
        al, be, ga, de = self._fitted()
        x, tx, n = np.broadcast_arrays(*self._arrays(frequency, recency, periods))
        log_alive = (betaln(al + x, be + n - x) - betaln(al, be)
                     + betaln(ga, de + n + 1) - betaln(ga, de))
        return cast(FloatArray, np.exp(log_alive - self._loglik_fitted(x, tx, n)))  # betaln

    def expected_purchases(self, future: ArrayLike, frequency: ArrayLike, recency: ArrayLike,
                           periods: ArrayLike) -> FloatArray:
        """E[X(n, n+n*) | x, t_x, n], transactions in the next n* opportunities
        (Fader, Hardie & Shang 2010, eq. 13):

        1/L B(alpha+x+1, beta+n-x)/B(alpha, beta) delta/(gamma-1) G(gamma+delta)/G(1+delta)
        [G(1+delta+n)/G(gamma+delta+n) - G(1+delta+n+n*)/G(gamma+delta+n+n*)].
        """
        al, be, ga, de = self._fitted()
        x, tx, n, fut = np.broadcast_arrays(*self._arrays(frequency, recency, periods, future))
        log_front = (betaln(al + x + 1, be + n - x) - betaln(al, be) + np.log(de)
                     + gammaln(ga + de) - gammaln(1 + de) - self._loglik_fitted(x, tx, n))
        return cast(FloatArray, np.exp(log_front + _log_gamma_difference(ga, de, n, fut)))

    def expected_purchases_new(self, periods: ArrayLike) -> FloatArray:
        """E[X(n)] = alpha/(alpha+beta) delta/(gamma-1) [1 - G(gamma+delta) G(1+delta+n)
        / (G(gamma+delta+n) G(1+delta))] for a new customer over n opportunities (Fader,
        Hardie & Shang 2010, eq. 9)."""
        al, be, ga, de = self._fitted()
        n = np.asarray(periods, dtype=np.float64)
        log_front = np.log(de) + gammaln(ga + de) - gammaln(1 + de)
        return cast(FloatArray, al / (al + be) * np.exp(log_front + _log_gamma_difference(
            ga, de, np.zeros_like(n), n)))

    def probability_of_purchases(self, x: ArrayLike, periods: int) -> FloatArray:
        """P(X(n) = x) for a new customer over n opportunities (Fader, Hardie & Shang 2010,
        eq. 8): C(n, x) B(alpha+x, beta+n-x)/B(alpha, beta) B(gamma, delta+n)/B(gamma, delta)
        + sum_{i=x}^{n-1} C(i, x) B(alpha+x, beta+i-x)/B(alpha, beta)
        B(gamma+1, delta+i)/B(gamma, delta)."""
        al, be, ga, de = self._fitted()
        x = np.atleast_1d(np.asarray(x, dtype=np.float64))[:, None]
        n = float(periods)
        i = np.arange(n)[None, :]

        def log_choose(top: float | FloatArray, k: FloatArray) -> FloatArray:
            return cast(FloatArray,  # gammaln (scipy): untyped
                        gammaln(top + 1) - gammaln(k + 1) - gammaln(np.maximum(top - k, 0) + 1))

        alive = (log_choose(n, x) + betaln(al + x, be + n - x) - betaln(al, be)
                 + betaln(ga, de + n) - betaln(ga, de))[:, 0]
        with np.errstate(invalid="ignore"):
            dropped = np.where(i >= x, log_choose(i, x) + betaln(al + x, be + np.maximum(i - x, 0))
                               - betaln(al, be) + betaln(ga + 1, de + i) - betaln(ga, de),
                               -np.inf)
        out = np.exp(np.logaddexp(alive, logsumexp(dropped, axis=1)))
        return np.where(x[:, 0] <= n, out, 0.0)


def _log_gamma_difference(ga: float, de: float, n: FloatArray, future: FloatArray
                          ) -> FloatArray:
    """ln of [G(1+delta+n)/G(gamma+delta+n) - G(1+delta+n+n*)/G(gamma+delta+n+n*)] /
    (gamma - 1) (positive for every gamma; -inf when n* = 0), in logs so that the products
    with the large factors before it (G(gamma+delta)/G(1+delta) for large gamma) cannot
    overflow; written with expm1 to stay accurate for small n*; at gamma = 1, its limit
    psi(1+delta+n+n*) - psi(1+delta+n)."""
    with np.errstate(divide="ignore"):
        if abs(ga - 1) < 1e-9:
            return cast(FloatArray, np.log(digamma(1 + de + n + future) - digamma(1 + de + n)))
        first = gammaln(1 + de + n) - gammaln(ga + de + n)
        second = gammaln(1 + de + n + future) - gammaln(ga + de + n + future)
        return cast(FloatArray,  # gammaln (scipy): untyped
                    first + np.log(np.abs(np.expm1(second - first))) - np.log(abs(ga - 1)))


def patterns(data: Any) -> pl.DataFrame:
    """The patterns a BG/BB fits on: ``frequency``, ``recency``, ``periods`` and ``weight``
    (customers per row) from a frame with these columns or other names of them
    (``n_periods``; ``weights``, ``count``, ``n`` or ``customers``), checked: no other column,
    whole numbers, frequency <= recency <= periods, recency >= 1 when frequency > 0,
    weights >= 0."""
    from clv.prep.summary import Summary

    if isinstance(data, Summary):
        raise ClvError(key="error_bgbb_summary")
    if not isinstance(data, pl.DataFrame):
        raise ClvError(key="error_bgbb_frame")
    columns = {c.lower().strip(): c for c in data.columns}
    weights = [columns[w] for w in WEIGHTS if w in columns]
    periods = [columns[p] for p in PERIODS if p in columns]
    if len(weights) > 1 or len(periods) > 1:
        what, several = ("weight", weights) if len(weights) > 1 else ("periods", periods)
        raise ClvError(key=f"error_bgbb_several_{what}",
                       values={"columns": ", ".join(several)})
    names = {c: c.lower().strip() for c in data.columns}
    known = {"frequency", "recency", *PERIODS, *WEIGHTS}
    unknown = [c for c, low in names.items() if low not in known]
    if unknown:
        raise ClvError(key="error_bgbb_unknown", values={"columns": ", ".join(unknown)})
    missing = [c for c in ("frequency", "recency") if c not in columns] + (
        [] if periods else ["periods"])
    if missing:
        raise ClvError(key="error_model_needs_columns",
                       values={"model": "BG/BB", "columns": ", ".join(missing)})
    rename = {columns["frequency"]: "frequency", columns["recency"]: "recency",
              periods[0]: "periods", **({weights[0]: "weight"} if weights else {})}
    try:
        frame = data.rename(rename).select(
            pl.col("frequency", "recency", "periods", *(["weight"] if weights else []))
            .cast(pl.Float64, strict=True))
    except (pl.exceptions.InvalidOperationError, pl.exceptions.ComputeError) as exc:
        raise ClvError(key="error_bgbb_numbers", values={"detail": str(exc)}) from exc
    x, tx, n = pl.col("frequency"), pl.col("recency"), pl.col("periods")
    values = [x, tx, n, *([pl.col("weight")] if weights else [])]
    bad = frame.select(
        pl.any_horizontal(*(v.is_null() | ~v.is_finite() | (v < 0) for v in values)).sum()
        .alias("invalid"),
        pl.any_horizontal(*(v != v.round(0) for v in (x, tx, n))).sum().alias("fractional"),
        ((x > tx) | (tx > n) | ((x > 0) & (tx < 1))).sum().alias("inconsistent"),
    ).row(0, named=True)
    found = {k: int(v) for k, v in bad.items() if v}
    if found:  # the first kind of problem found, with its count (the others follow)
        kind, rows = next(iter(found.items()))
        raise ClvError(key=f"error_bgbb_{kind}", values={"n": rows})
    return frame
