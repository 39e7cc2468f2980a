"""Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005, "RFM and CLV: using
iso-value curves for customer base analysis", JMR 42(4), 415-430; Fader & Hardie 2013, "The
Gamma-Gamma model of monetary value", note 025).

A customer's transaction values are Gamma(p, nu) around their mean p / nu, and nu varies across
customers as Gamma(q, gamma). Fitted on repeat buyers' number of repeat transactions x and mean
repeat value m_x. It assumes spend is independent of purchase frequency; the fit measures that
correlation and warns when it is not small.
"""

from __future__ import annotations

import warnings
from typing import Any, ClassVar, cast

import numpy as np
import polars as pl
from numpy.typing import ArrayLike
from scipy.special import digamma, gammaln

from clv.errors import ClvError
from clv.models.base import CHUNK_ROWS, Data, FloatArray, Model

CORRELATION_LIMIT = 0.3


class DependenceWarning(UserWarning):
    """Frequency and spend are correlated: Gamma-Gamma's independence assumption is doubtful."""


class GammaGamma(Model):
    """Gamma-Gamma fitted on customers with at least one repeat purchase."""

    PARAMS: ClassVar[tuple[str, ...]] = ("p", "q", "gamma")
    COLUMNS: ClassVar[tuple[str, ...]] = ("frequency", "monetary")
    NAME: ClassVar[str] = "Gamma-Gamma"
    COMPRESS: ClassVar[bool] = False  # mean spends are continuous: rows are rarely identical
    AT_LIMIT: ClassVar[bool] = True  # e.g. q, gamma -> inf: every customer's mean spend alike

    def _select(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Repeat buyers with a positive mean repeat spend."""
        return frame.filter((pl.col("frequency") > 0) & (pl.col("monetary") > 0))

    def _check(self, data: Data) -> None:
        buyers = float(data.weights.sum())  # the rows are the repeat buyers (``_select``)
        if buyers == 0:
            raise ClvError(key="error_spend_no_repeat")
        if buyers < len(self.PARAMS) + 1:
            raise ClvError(key="error_spend_few_buyers", values={"n": buyers})
        x, m, w = data.columns["frequency"], data.columns["monetary"], data.weights
        mx, mm = (w @ x) / w.sum(), (w @ m) / w.sum()
        cov = w @ ((x - mx) * (m - mm))
        denom = np.sqrt((w @ (x - mx) ** 2) * (w @ (m - mm) ** 2))
        self.independence_ = float(cov / denom) if denom > 0 else 0.0
        if abs(self.independence_) > CORRELATION_LIMIT:
            warnings.warn(
                f"frequency and mean spend are correlated (Pearson {self.independence_:.2f}, "
                f"beyond +/-{CORRELATION_LIMIT}); Gamma-Gamma assumes they are independent, so "
                "its spend predictions may be biased", DependenceWarning, stacklevel=3)

    def _start(self, data: Data) -> np.ndarray:
        m, w = data.columns["monetary"], data.weights
        mean = float(w @ m / w.sum())
        return np.array([1.0, 2.0, mean])

    def _loglik(self, theta: np.ndarray, data: Data) -> tuple[np.ndarray, np.ndarray]:
        """ln f(m_x | x) = ln G(px+q) - ln G(px) - ln G(q) + q ln gamma + px ln x
        + (px-1) ln m_x - (px+q) ln(gamma + x m_x)  (Fader & Hardie 2013, eq. 4), and its
        gradient; special functions once per distinct x."""
        p, q, g = theta
        x, m = data.columns["frequency"], data.columns["monetary"]
        values, inverse, _ = self._groups(data, "frequency")
        front, front_grad = self._front(theta, values)
        px = p * x
        log_total = np.log(g + x * m)
        ll = front[inverse] + (px - 1) * np.log(m) - (px + q) * log_total
        grad = front_grad[:, inverse].T
        grad[:, 0] += x * (np.log(m) - log_total)
        grad[:, 1] -= log_total
        grad[:, 2] -= (px + q) / (g + x * m)
        return ll, grad

    @staticmethod
    def _front(theta: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The terms of x alone, ln G(px+q) - ln G(px) - ln G(q) + q ln gamma + px ln x, and
        their gradient (3 x values), per distinct x."""
        p, q, g = theta
        pv = p * values
        front = gammaln(pv + q) - gammaln(pv) - gammaln(q) + q * np.log(g) + pv * np.log(values)
        grad = np.stack([values * (digamma(pv + q) - digamma(pv) + np.log(values)),
                         digamma(pv + q) - digamma(q) + np.log(g), np.full(values.size, q / g)])
        return front, grad

    def _total_loglik(self, theta: np.ndarray, data: Data) -> tuple[float, np.ndarray]:
        """The weighted sum of ``_loglik``. The sums that do not depend on the parameters (of
        w ln m_x and w x ln m_x) are taken once; the rest needs, per row, only ln(gamma + x m_x)
        and 1/(gamma + x m_x), summed against the weights w x and w (two rows of one matrix)
        in chunks of rows that stay in the CPU cache."""
        p, q, g = theta
        if "rows" not in data.cache:
            x, m, w = data.columns["frequency"], data.columns["monetary"], data.weights
            log_m = np.log(m)
            data.cache["log m"] = (float(w @ log_m), float((w * x) @ log_m))
            data.cache["rows"] = (x * m, np.vstack((w * x, w)))
        sum_log_m, sum_x_log_m = data.cache["log m"]
        spent, weights = data.cache["rows"]
        logs, inverses = np.zeros(2), np.zeros(2)  # against w x and w
        for lo in range(0, spent.size, CHUNK_ROWS):
            total = spent[lo:lo + CHUNK_ROWS] + g
            chunk = weights[:, lo:lo + CHUNK_ROWS]
            logs += chunk @ np.log(total)
            inverses += chunk @ np.reciprocal(total, out=total)
        (wx_log, w_log), (wx_inv, w_inv) = logs, inverses
        values, _, by_value = self._groups(data, "frequency")
        front, front_grad = self._front(theta, values)
        ll = front @ by_value + p * sum_x_log_m - sum_log_m - p * wx_log - q * w_log
        grad = front_grad @ by_value + np.array([
            sum_x_log_m - wx_log, -w_log, -(p * wx_inv + q * w_inv)])
        return float(ll), grad

    def expected_spend(self, frequency: ArrayLike, monetary: ArrayLike) -> FloatArray:
        """E[M | x, m_x] = (gamma + x m_x) p / (p x + q - 1): a weighted mean of the population
        mean p gamma / (q - 1) and the customer's own mean (Fader, Hardie & Lee 2005, eq. 5).
        Customers without repeat purchases get the population mean."""
        p, q, g = self._fitted()
        x = np.asarray(frequency, dtype=np.float64)
        m = np.where(x > 0, np.asarray(monetary, dtype=np.float64), 0.0)
        return cast(FloatArray, (g + x * m) * p / (p * x + q - 1))  # p, q, g: Any

    def predict(self, summary: Any) -> pl.DataFrame:
        """Expected spend per transaction (:meth:`expected_spend`) of every customer of a
        Summary in the model's unit: frequency and mean spend count purchase periods, so a
        summary in another unit is refused."""
        from clv.prep.summary import Summary

        self._fitted()
        if not isinstance(summary, Summary):
            raise ClvError(key="error_predict_summary", values={"model": self.NAME})
        self.check_unit(summary.unit, "the summary")
        f = summary.frame
        return pl.DataFrame({
            "customer_id": f["customer_id"],
            "expected_spend": self.expected_spend(f["frequency"].cast(pl.Float64).to_numpy(),
                                                  f["monetary"].cast(pl.Float64).to_numpy())})

    def draw_spend_rate(self, rng: np.random.Generator, frequency: np.ndarray,
                        monetary: np.ndarray) -> FloatArray:
        """One draw of each customer's nu from its posterior Gamma(p x + q, gamma + x m_x)
        (rate), given x repeat purchases of mean value m_x; their transactions are then
        Gamma(p, nu), so y of them sum to Gamma(p y, nu) (Fader, Hardie & Lee 2005, "RFM and
        CLV", appendix)."""
        p, q, g = self._fitted()
        x = np.asarray(frequency, dtype=np.float64)
        m = np.where(x > 0, np.asarray(monetary, dtype=np.float64), 0.0)
        return cast(FloatArray, rng.gamma(p * x + q, 1.0 / (g + x * m)))  # p, q, g: Any
