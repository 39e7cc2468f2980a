"""NBD: purchases without dropout (Ehrenberg 1959, "The pattern of consumer purchases",
Applied Statistics 8(1), 26-41; Morrison & Schmittlein 1988, "Generalizing the NBD model for
customer purchases", JBES 6(2), 145-159).

Each customer buys at a constant rate lambda ~ Gamma(r, alpha) for ever. It is the limit that
BG/NBD, MBG/NBD and Pareto/NBD reach when their dropout vanishes, and what ``clv.analyze``
falls back on when none of them can be fitted (one customer, or no repeat purchase at all): it
needs one customer, and where nobody bought twice its rate goes to its limit 0 and the fit says
so (``boundary_``).

Data per customer: x repeat purchases observed over T (t_x is not used: without dropout the
time of the last purchase tells nothing).
"""

from __future__ import annotations

from typing import ClassVar, cast

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import digamma, gammaln

from clv.errors import ClvError
from clv.models.base import POISSON_CAP, Data, FloatArray, PurchaseModel


class NBD(PurchaseModel):
    """NBD fitted by maximum likelihood on compressed (frequency, recency, T) rows."""

    PARAMS: ClassVar[tuple[str, ...]] = ("r", "alpha")
    NAME: ClassVar[str] = "NBD"

    def _check(self, data: Data) -> None:
        """One customer is enough (with none buying twice, the rate is at its limit 0)."""
        if data.weights.sum() < 1:
            raise ClvError(key="error_one_customer", values={"model": self.NAME})

    def _start(self, data: Data) -> np.ndarray:
        x, t_cap, w = data.columns["frequency"], data.columns["T"], data.weights
        rate = max(float(w @ x) / max(float(w @ t_cap), 1e-12), 1e-6)
        return np.array([1.0, 1.0 / rate])

    def _loglik(self, theta: np.ndarray, data: Data) -> tuple[np.ndarray, np.ndarray]:
        """ln L = ln G(r+x) - ln G(r) + r ln alpha - (r+x) ln(alpha+T): the BG/NBD likelihood
        (Fader, Hardie & Lee 2005, eq. 6) without its dropout term, i.e. the Poisson-gamma
        mixture of x purchases in (0, T] up to the factor T^x / x! that does not depend on the
        parameters."""
        r, alpha = theta
        x, t_cap = data.columns["frequency"], data.columns["T"]
        values, inverse, _ = self._groups(data, "frequency")
        front = (gammaln(r + values) - gammaln(r))[inverse]
        log_t = np.log(alpha + t_cap)
        ll = front + r * np.log(alpha) - (r + x) * log_t
        grad = np.stack([(digamma(r + values) - digamma(r))[inverse] + np.log(alpha) - log_t,
                         r / alpha - (r + x) / (alpha + t_cap)], axis=1)
        return ll, grad

    # --- predictions ----------------------------------------------------------------------
    def p_alive(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike  # noqa: N803
                ) -> FloatArray:
        """1: nobody drops out."""
        self._fitted()
        return np.ones(np.broadcast(np.asarray(frequency, dtype=np.float64),
                                    np.asarray(recency, dtype=np.float64),
                                    np.asarray(T, dtype=np.float64)).shape)

    def expected_if_alive(self, t: float, frequency: ArrayLike, T: ArrayLike  # noqa: N803
                          ) -> FloatArray:
        """E[Y(t) | x, T] = (r+x) t / (alpha+T): the posterior mean rate, Gamma(r+x, alpha+T),
        times t (Morrison & Schmittlein 1988)."""
        r, alpha = self._fitted()
        x, t_cap = np.asarray(frequency, dtype=np.float64), np.asarray(T, dtype=np.float64)
        return cast(FloatArray, (r + x) / (alpha + t_cap) * t)  # r, alpha: Any (from an array)

    def expected_if_alive_levers(self, t: float, frequency: ArrayLike, T: ArrayLike,  # noqa: N803
                                 rate: float = 1.0, lifetime: float = 1.0) -> FloatArray:
        """E[Y(t) | x, T] with the purchase rate times ``rate``; lifetimes are already endless,
        so ``lifetime`` changes nothing."""
        return rate * self.expected_if_alive(t, frequency, T)

    def purchase_if_alive(self, t: float, frequency: ArrayLike, T: ArrayLike  # noqa: N803
                          ) -> FloatArray:
        """P(a purchase in (T, T + t] | x, T) = 1 - ((alpha+T)/(alpha+T+t))^(r+x)."""
        r, alpha = self._fitted()
        x, t_cap = np.asarray(frequency, dtype=np.float64), np.asarray(T, dtype=np.float64)
        return cast(FloatArray,
                    -np.expm1((r + x) * (np.log(alpha + t_cap) - np.log(alpha + t_cap + t))))

    def expected_purchases_new(self, t: ArrayLike) -> FloatArray:
        """E[X(t)] = r t / alpha."""
        r, alpha = self._fitted()
        return cast(FloatArray, r / alpha * np.asarray(t, dtype=np.float64))

    def probability_of_purchases(self, n: ArrayLike, t: float) -> FloatArray:
        """P(X(t) = n) = G(r+n)/(G(r) n!) (alpha/(alpha+t))^r (t/(alpha+t))^n."""
        r, alpha = self._fitted()
        n = np.asarray(n, dtype=np.float64)
        log_p = (gammaln(r + n) - gammaln(r) - gammaln(n + 1) + r * (np.log(alpha)
                 - np.log(alpha + t)) + n * (np.log(t) - np.log(alpha + t)))
        return cast(FloatArray, np.exp(log_p))  # scipy's gammaln is untyped

    def _simulate_alive(self, rng: np.random.Generator, frequency: np.ndarray,
                        T: np.ndarray, edges: np.ndarray) -> FloatArray:  # noqa: N803
        """lambda ~ Gamma(r+x, alpha+T), then Poisson(lambda h) purchases in each interval of
        length h (means capped at ``POISSON_CAP``)."""
        r, alpha = self._fitted()
        lam = rng.gamma(r + frequency, 1.0 / (alpha + T))
        return cast(FloatArray, rng.poisson(np.minimum(lam[None, :] * np.diff(edges)[:, None],
                                                       POISSON_CAP)).astype(float))
