"""Shared maximum-likelihood machinery of the probabilistic models.

Each model supplies a vectorised log-likelihood with its analytic gradient in the natural
parameters; fitting maximises the weighted sum over compressed customer rows on log-parameters
(all parameters are positive), with L-BFGS-B. On many rows the fit is warm-started: the
estimates and the inverse Hessian from a systematic sample of the rows start BFGS (Nocedal &
Wright 2006, ch. 6) near the optimum with its curvature, so that a handful of iterations on
all rows replace about twenty. Standard errors come from the inverse of the
observed information, the Hessian of the negative log-likelihood obtained by central
differences of the analytic gradient, taken on log-parameters and mapped back by the delta
method (d theta = theta d log theta).
"""

from __future__ import annotations

import copy
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Self

import numpy as np
import polars as pl
from scipy import optimize, stats
from threadpoolctl import ThreadpoolController

from clv.errors import ClvError

BOUND = 20.0
"""Bound of the log-parameters: beyond it a model is not identified by its data."""
WARM_ROWS = 20_000
"""Rows of the sample whose estimates start the fits on more than twice as many rows."""
GTOL = 1e-9
"""Largest |gradient| of the mean log-likelihood (per log-parameter) at which fits stop."""
WARM_GTOL = 1e-8
"""The same for the warm-started fits (quasi-Newton steps reach it in a few iterations, and
finer ones are lost in rounding, which then costs dozens of line-search evaluations). Ten times
it is accepted; beyond, the fit restarts cold."""
CHUNK_ROWS = 1 << 15
"""Rows per pass in the likelihood sums: a pass's temporaries stay in the CPU cache."""


class ConvergenceError(ClvError):
    """The optimiser did not find a maximum of the likelihood."""


@dataclass(frozen=True)
class Data:
    """Compressed customer rows (columns named by the model) and their weights."""

    columns: dict[str, np.ndarray]
    weights: np.ndarray
    unit: str | None
    cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """Structures a model derives once from the rows and reuses at every evaluation."""


class Model:
    """Base of the fitted models: settings in ``__init__``, learning in ``fit``.

    Subclasses set ``PARAMS`` and ``COLUMNS`` and implement ``_loglik(theta, data)`` returning
    per-row log-likelihoods and their gradient (rows x params) in the natural parameters.
    """

    PARAMS: ClassVar[tuple[str, ...]] = ()
    COLUMNS: ClassVar[tuple[str, ...]] = ()
    NAME: ClassVar[str] = ""
    COMPRESS: ClassVar[bool] = True  # merge identical rows into weights before fitting

    def __init__(self, tol: float = 1e-10, max_iter: int = 2000) -> None:
        self.tol = tol
        self.max_iter = max_iter

    # --- to implement --------------------------------------------------------------------
    def _loglik(self, theta: np.ndarray, data: Data) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def _start(self, data: Data) -> np.ndarray:
        return np.ones(len(self.PARAMS))

    def _select(self, frame: pl.DataFrame) -> pl.DataFrame:
        """The rows the model fits on (all by default), chosen before compression."""
        return frame

    @staticmethod
    def _groups(data: Data, column: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Distinct values of ``column``, each row's index into them and the weight of each
        (cached): terms that depend on one column only (special functions of the frequency)
        are computed once per value."""
        key = f"groups {column}"
        if key not in data.cache:
            values, inverse = np.unique(data.columns[column], return_inverse=True)
            data.cache[key] = (values, inverse, np.bincount(inverse, data.weights, values.size))
        return data.cache[key]

    def _total_loglik(self, theta: np.ndarray, data: Data) -> tuple[float, np.ndarray]:
        """Weighted sum of the log-likelihood over rows and its gradient. Models with a faster
        route to the sum than per-row gradients override this."""
        ll, grad = self._loglik(theta, data)
        return float(data.weights @ ll), data.weights @ grad

    # --- fitting -------------------------------------------------------------------------
    def _data(self, summary: Any) -> Data:
        from clv.prep.summary import Summary, compress

        unit = summary.unit if isinstance(summary, Summary) else None
        frame = summary.frame if isinstance(summary, Summary) else summary
        if not isinstance(frame, pl.DataFrame):
            raise ClvError(f"{self.NAME} fits on a Summary or a Polars frame with columns "
                           + ", ".join(self.COLUMNS))
        missing = [c for c in self.COLUMNS if c not in frame.columns]
        if missing:
            raise ClvError(f"{self.NAME} needs column(s) {', '.join(missing)}")
        frame = self._select(frame)
        if "weight" not in frame.columns:
            frame = (compress(frame, self.COLUMNS) if self.COMPRESS
                     else frame.with_columns(weight=pl.lit(1, dtype=pl.Int64)))
        cols = {c: frame[c].cast(pl.Float64).to_numpy() for c in self.COLUMNS}
        return Data(cols, frame["weight"].cast(pl.Float64).to_numpy(), unit)

    def fit(self, summary: Any) -> Self:
        """Fit by maximum likelihood; returns ``self`` with the learned attributes set."""
        return self._fit(self._data(summary))

    def _fit(self, data: Data, start: np.ndarray | None = None, covariance: bool = True
             ) -> Self:
        """Maximise the weighted log-likelihood of prepared rows, from ``start`` (natural
        parameters) if given; ``covariance=False`` skips the standard errors (bootstrap).

        The BLAS is held to one thread meanwhile: its products here are vectors of rows, too
        short for threads to pay, and its idle threads spinning for work slowed fits by a
        quarter on two cores."""
        with _blas().limit(limits=1, user_api="blas"):
            return self._fit_serial(data, start, covariance)

    def _fit_serial(self, data: Data, start: np.ndarray | None, covariance: bool) -> Self:
        self._check(data)
        n = float(data.weights.sum())
        objective = self._objective(data)
        res = None
        warm = self._warm(data) if start is None else None
        if warm is not None:  # quasi-Newton from near the optimum, with its curvature
            res = optimize.minimize(objective, warm[0], jac=True, method="BFGS",
                                    options={"maxiter": self.max_iter, "gtol": WARM_GTOL,
                                             "hess_inv0": warm[1]})
            if not (np.isfinite(res.fun) and np.max(np.abs(res.jac)) <= 10 * WARM_GTOL):
                res = None  # left to the bounded method from the usual start
        if res is None:
            res = self._minimise(objective, self._start(data) if start is None else start)
        theta = np.exp(res.x)
        grad_norm = float(np.max(np.abs(res.jac))) if np.isfinite(res.fun) else np.inf
        if not np.isfinite(res.fun) or grad_norm > 1e-4:
            raise ConvergenceError(
                f"{self.NAME} did not converge ({res.message}; gradient {grad_norm:.2g}). "
                "Check that the summary's unit suits the data (e.g. weeks rather than days for "
                "rare purchases) and that there are enough repeat buyers.")
        if np.any(np.abs(res.x) >= BOUND - 0.1):
            raise ConvergenceError(
                f"{self.NAME}: a parameter went to its bound "
                f"({dict(zip(self.PARAMS, theta.round(4).tolist(), strict=True))}); "
                "the data do not identify the model")
        if covariance:
            hess = _hessian(objective, res.x) * n
            try:
                cov_log = np.linalg.inv(hess)
            except np.linalg.LinAlgError as exc:
                raise ConvergenceError(f"{self.NAME}: the information matrix is singular"
                                       ) from exc
            cov = cov_log * np.outer(theta, theta)
        else:
            cov = np.full((theta.size, theta.size), np.nan)
        self.params_ = dict(zip(self.PARAMS, theta.tolist(), strict=True))
        self.covariance_ = cov
        self.stderr_ = dict(zip(self.PARAMS, np.sqrt(np.clip(np.diag(cov), 0, None)).tolist(),
                                strict=True))
        self.loglik_ = -res.fun * n
        k = len(self.PARAMS)
        self.aic_ = 2 * k - 2 * self.loglik_
        self.bic_ = k * math.log(n) - 2 * self.loglik_
        self.n_customers_ = int(n)
        self.unit_ = data.unit
        self.converged_ = True
        return self

    def _objective(self, data: Data) -> Any:
        """The mean negative log-likelihood of ``data`` and its gradient, on log-parameters
        (inf where the likelihood is not finite or a log-parameter is beyond +/-``BOUND``)."""
        n = float(data.weights.sum())

        def objective(log_theta: np.ndarray) -> tuple[float, np.ndarray]:
            if np.max(np.abs(log_theta)) > BOUND:  # outside the box (unbounded search steps)
                return math.inf, np.zeros_like(log_theta)
            theta = np.exp(log_theta)
            total, grad = self._total_loglik(theta, data)
            value = -total / n
            gradient = -grad * theta / n
            if not np.isfinite(value) or not np.all(np.isfinite(gradient)):
                return math.inf, np.zeros_like(log_theta)
            return value, gradient

        return objective

    def _minimise(self, objective: Any, start: np.ndarray) -> Any:
        """L-BFGS-B from ``start`` (natural parameters), log-parameters within +/-``BOUND``."""
        x0 = np.log(start)
        return optimize.minimize(objective, x0, jac=True, method="L-BFGS-B",
                                 bounds=[(-BOUND, BOUND)] * len(x0),
                                 options={"maxiter": self.max_iter, "ftol": self.tol,
                                          "gtol": GTOL})

    def _warm(self, data: Data) -> tuple[np.ndarray, np.ndarray] | None:
        """On more than ``2 WARM_ROWS`` rows: the log-estimates from every k-th row (weights
        kept, so each sum is estimated without bias) and the inverse Hessian of the mean
        objective there, which approximates that of all rows. A quasi-Newton method started
        from both needs a handful of iterations on all rows instead of twenty."""
        step = data.weights.size // WARM_ROWS
        if step < 2:
            return None
        sub = Data({c: v[::step] for c, v in data.columns.items()}, data.weights[::step],
                   data.unit)
        objective = self._objective(sub)
        res = self._minimise(objective, self._start(sub))
        if not np.isfinite(res.fun) or np.max(np.abs(res.x)) >= BOUND - 0.1:
            return None
        try:
            inverse = np.linalg.inv(_hessian(objective, res.x))
        except np.linalg.LinAlgError:
            return None
        inverse = (inverse + inverse.T) / 2
        return (res.x, inverse) if np.all(np.linalg.eigvalsh(inverse) > 0) else None

    def _check(self, data: Data) -> None:
        if data.weights.sum() < len(self.PARAMS) + 1:
            raise ClvError(f"{self.NAME} needs more customers than parameters")

    # --- results -------------------------------------------------------------------------
    def _fitted(self) -> np.ndarray:
        if not getattr(self, "converged_", False):
            raise ClvError(f"{self.NAME} is not fitted yet: call fit(summary) first")
        return np.array([self.params_[p] for p in self.PARAMS])

    def summary(self, level: float = 0.95) -> pl.DataFrame:
        """Estimates, standard errors and Wald intervals on the log scale (always positive)."""
        self._fitted()
        z = stats.norm.ppf(0.5 + level / 2)
        rows = []
        for p in self.PARAMS:
            est, se = self.params_[p], self.stderr_[p]
            half = z * se / est
            rows.append({"param": p, "estimate": est, "stderr": se,
                         f"lower_{level:.0%}": est * math.exp(-half),
                         f"upper_{level:.0%}": est * math.exp(half)})
        return pl.DataFrame(rows)

    def __repr__(self) -> str:
        if not getattr(self, "converged_", False):
            return f"{type(self).__name__}()"
        params = ", ".join(f"{k}={v:.4g}" for k, v in self.params_.items())
        return (f"{type(self).__name__}({params}; loglik={self.loglik_:.2f}, "
                f"n={self.n_customers_:,}, unit={self.unit_})")

    def save(self, path: str | Path) -> None:
        """Write the fitted model to JSON."""
        self._fitted()
        Path(path).write_text(json.dumps({
            "model": self.NAME, "params": self.params_, "stderr": self.stderr_,
            "covariance": self.covariance_.tolist(), "loglik": self.loglik_,
            "n_customers": self.n_customers_, "unit": self.unit_}, indent=2))

    @classmethod
    def load(cls, path: str | Path) -> Self:
        """Read a model written by :meth:`save`."""
        doc = json.loads(Path(path).read_text())
        if doc.get("model") != cls.NAME:
            raise ClvError(f"{path} holds a {doc.get('model')} model, not {cls.NAME}")
        model = cls()
        model.params_ = doc["params"]
        model.stderr_ = doc["stderr"]
        model.covariance_ = np.array(doc["covariance"])
        model.loglik_ = doc["loglik"]
        model.n_customers_ = doc["n_customers"]
        model.unit_ = doc["unit"]
        k = len(cls.PARAMS)
        model.aic_ = 2 * k - 2 * model.loglik_
        model.bic_ = k * math.log(model.n_customers_) - 2 * model.loglik_
        model.converged_ = True
        return model

    def with_params(self, theta: Any) -> Self:
        """A copy of this fitted model with other parameter values (same order as ``PARAMS``):
        used to push parameter draws through the predictions."""
        self._fitted()
        clone = copy.copy(self)
        clone.params_ = dict(zip(self.PARAMS, np.asarray(theta, dtype=float).tolist(),
                                 strict=True))
        return clone

    def log_covariance(self) -> np.ndarray:
        """Covariance of the log-parameters (the scale on which they are estimated and drawn):
        Cov(ln theta_i, ln theta_j) = Cov(theta_i, theta_j) / (theta_i theta_j)."""
        theta = self._fitted()
        return self.covariance_ / np.outer(theta, theta)

    def check_unit(self, unit: str | None, what: str = "the input") -> None:
        """Refuse data or horizons in another unit than the one the model was fitted in."""
        if unit is not None and self.unit_ is not None and unit != self.unit_:
            raise ClvError(f"{self.NAME} was fitted in {self.unit_}s and {what} is in {unit}s; "
                           f"summarise the data with unit='{self.unit_}' or convert explicitly "
                           "(clv.prep.convert)")


_CONTROLLER: list[ThreadpoolController] = []


def _blas() -> ThreadpoolController:
    """The process's thread pools, inspected once (inspecting takes tens of milliseconds)."""
    if not _CONTROLLER:
        _CONTROLLER.append(ThreadpoolController())
    return _CONTROLLER[0]


def _hessian(objective: Any, x: np.ndarray) -> np.ndarray:
    """Hessian by central differences of the analytic gradient, symmetrised."""
    k = x.size
    h = np.empty((k, k))
    for i in range(k):
        step = 1e-5 * max(1.0, abs(x[i]))
        e = np.zeros(k)
        e[i] = step
        h[i] = (objective(x + e)[1] - objective(x - e)[1]) / (2 * step)
    return (h + h.T) / 2


class PurchaseModel(Model):
    """A model of repeat purchases on (frequency, recency, T) rows in continuous time.

    Subclasses give P(alive), the expected purchases of a customer known to be alive and of a
    new customer, and P(X(t) = n); the rest is shared.
    """

    COLUMNS: ClassVar[tuple[str, ...]] = ("frequency", "recency", "T")

    def p_alive(self, frequency: Any, recency: Any, T: Any) -> np.ndarray:  # noqa: N803
        raise NotImplementedError

    def expected_if_alive(self, t: float, frequency: Any, T: Any) -> np.ndarray:  # noqa: N803
        """E[Y(t) | x, T, alive at T]: expected purchases in (T, T + t] of a customer alive at
        T."""
        raise NotImplementedError

    def expected_purchases_new(self, t: Any) -> np.ndarray:
        raise NotImplementedError

    def probability_of_purchases(self, n: Any, t: float) -> np.ndarray:
        raise NotImplementedError

    def purchase_if_alive(self, t: float, frequency: Any, T: Any) -> np.ndarray:  # noqa: N803
        """P(at least one purchase in (T, T + t] | x, T, alive at T)."""
        raise NotImplementedError

    def expected_if_alive_levers(self, t: float, frequency: Any, T: Any,  # noqa: N803
                                 rate: float = 1.0, lifetime: float = 1.0) -> np.ndarray:
        """E[Y(t) | x, T, alive] when, from T on, every customer buys ``rate`` times as often
        and stays ``lifetime`` times as long (their dropout hazard or probability divided by
        it): the levers of ``clv.scenarios``."""
        raise NotImplementedError

    def probability_of_purchase(self, t: float, frequency: Any, recency: Any, T: Any  # noqa: N803
                                ) -> np.ndarray:
        """P(at least one purchase in (T, T + t] | x, t_x, T) = P(alive at T | x, t_x, T)
        x P(a purchase in t | x, T, alive)."""
        return self.p_alive(frequency, recency, T) * self.purchase_if_alive(t, frequency, T)

    def simulate_purchases(self, rng: np.random.Generator, frequency: np.ndarray,
                           recency: np.ndarray, T: np.ndarray, edges: np.ndarray,  # noqa: N803
                           alive: np.ndarray | None = None) -> np.ndarray:
        """One draw of each customer's future purchases in the intervals between ``edges``
        (times after T, starting at 0), from the posterior of their latent traits given their
        history: an array of intervals x customers. ``alive`` may pass P(alive) when it is
        already known."""
        prob = self.p_alive(frequency, recency, T) if alive is None else alive
        live = np.flatnonzero(rng.random(frequency.size) < prob)
        out = np.zeros((edges.size - 1, frequency.size))
        out[:, live] = self._simulate_alive(rng, frequency[live], T[live], edges)
        return out

    def _simulate_alive(self, rng: np.random.Generator, frequency: np.ndarray,
                        T: np.ndarray, edges: np.ndarray) -> np.ndarray:  # noqa: N803
        raise NotImplementedError

    def expected_purchases(self, t: float, frequency: Any, recency: Any, T: Any  # noqa: N803
                           ) -> np.ndarray:
        """E[Y(t) | x, t_x, T] = P(alive at T | x, t_x, T) E[Y(t) | x, T, alive]: expected
        repeat purchases in (T, T + t] given the customer's history."""
        return self.p_alive(frequency, recency, T) * self.expected_if_alive(t, frequency, T)

    def expected_repeat_purchases(self, T: Any) -> np.ndarray:  # noqa: N803
        """E[X(T)]: repeat purchases a customer acquired T units ago is expected to have made
        to date, to set against the observed frequency (the calibration-period fit)."""
        return self.expected_purchases_new(T)

    def predict(self, summary: Any, t: float, t_unit: str | None = None) -> pl.DataFrame:
        """P(alive), expected purchases in the next ``t`` units and expected repeat purchases
        to date, for every customer of a Summary in the model's unit."""
        from clv.prep.summary import Summary, convert

        self._fitted()
        if not isinstance(summary, Summary):
            raise ClvError(f"{self.NAME}.predict takes a Summary (clv.rfm_summary)")
        self.check_unit(summary.unit, "the summary")
        unit = self.unit_ or summary.unit
        span = convert(t, t_unit or unit, unit)
        f = summary.frame
        x, tx, t_cap = (f[c].cast(pl.Float64).to_numpy() for c in self.COLUMNS)
        alive = self.p_alive(x, tx, t_cap)
        return pl.DataFrame({
            "customer_id": f["customer_id"],
            "p_alive": alive,
            "expected_purchases": alive * self.expected_if_alive(span, x, t_cap),
            "expected_to_date": self.expected_repeat_purchases(t_cap),
            "frequency": f["frequency"],
        })
