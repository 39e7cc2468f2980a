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

A fit may end at the edge of the parameter space: on data without dropout BG/NBD's a goes to 0
and b to infinity, so that it becomes the NBD; a shape parameter may run away. There the
Hessian is singular or indefinite and its inverse no covariance. The directions in which the
log-likelihood is flat are found (coordinate axes and eigenvectors of small curvature, each
tried a few steps out on both sides): flat on one side, the parameters along it are at a limit
(``boundary_``: '0' or 'inf'), flat on both, not identified. The covariance is then the inverse
of the information on the other directions (the draws keep those parameters at their limit),
their standard errors are NaN and ``summary`` gives one-sided likelihood intervals; the model's
``notes_`` say what the limit means (e.g. no dropout).
"""

from __future__ import annotations

import copy
import json
import math
import sys
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, ClassVar, Self, cast

import numpy as np
import polars as pl
from numpy.typing import ArrayLike, NDArray
from scipy import optimize
from scipy.special import gammaln, ndtri
from threadpoolctl import ThreadpoolController

from clv.errors import ClvError, Words
from clv.notes import Note

FloatArray = NDArray[np.float64]
"""An array of floats: the models' predictions, and their inputs once converted."""
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
CURVATURE = 1.0
"""Directions (log-parameters) whose observed information is below this are tried for a
limit: a standard error of more than one unit of log-parameter (a factor e)."""
FLAT = 0.1
"""Log-likelihood (total, plus 1e-9 of its size for rounding) that steps of ``STEPS`` may lose
and still count as flat: a likelihood ratio of 1.1 over a factor e^8 of the parameters, no
evidence either way (a 95% likelihood interval needs a loss of 1.92)."""
STEPS = (2.0, 8.0)
"""Steps (log-parameters) at which a direction is tried for flatness."""
CURVE_STEPS = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0)
"""Steps away from a limit at which the log-likelihood is kept for one-sided intervals."""
POISSON_CAP = 1e15
"""Largest Poisson mean of the simulations (numpy refuses means near 2^63; only parameter
draws far in a tail of a weakly identified model get there)."""
LOG_MAX = math.log(sys.float_info.max)
LIMIT_LABELS = {"0": "-> 0", "inf": "-> inf", "unidentified": "not identified"}
CAPPED = "upper end capped at inf"
"""``summary``'s bound column for a Wald interval whose upper end is past the largest float."""


_WHAT_KEYS = {"the summary": "error_what_summary", "the input": "error_what_input"}
"""The words of the errors (:mod:`clv.messages.errors_data`) of what :meth:`Model.check_unit`
checks, said in the error's language."""


class ConvergenceError(ClvError):
    """The optimiser did not find a maximum of the likelihood."""


class NotFittedError(ClvError):
    """A prediction or summary was asked of a model that has no parameters yet."""


@dataclass(frozen=True)
class Data:
    """Compressed customer rows (columns named by the model) and their weights."""

    columns: dict[str, np.ndarray]
    weights: np.ndarray
    unit: str | None
    cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """Structures a model derives once from the rows and reuses at every evaluation."""


class Model(ABC):
    """Base of the fitted models: settings in ``__init__``, learning in ``fit``.

    Subclasses set ``PARAMS`` and ``COLUMNS`` and implement ``_loglik(theta, data)`` returning
    per-row log-likelihoods and their gradient (rows x params) in the natural parameters, and
    ``_start(data)``, the natural parameters the search starts from. A model has parameters
    once fitted (``fit``), loaded (``load``) or given them (``from_params``); before, every
    prediction and summary raises :class:`NotFittedError`.
    """

    PARAMS: ClassVar[tuple[str, ...]] = ()
    COLUMNS: ClassVar[tuple[str, ...]] = ()
    NAME: ClassVar[str] = ""
    COMPRESS: ClassVar[bool] = True  # merge identical rows into weights before fitting
    LIMITS: ClassVar[dict[str, str]] = {}
    """Limits ('0' or 'inf') of parameters that a fit tries first, each parameter moved on its
    own to the edge of the box: where the likelihood stays as high, the fit is at that limit."""
    AT_LIMIT: ClassVar[bool] = False
    """A fit at a limit is a result (recorded in ``boundary_``, said in ``notes_``); without,
    a ``ConvergenceError`` (the data do not identify the model), as for sBG and BG/BB."""
    # learned by fit (a model given its parameters by hand has no limit and no note)
    boundary_: Mapping[str, str] = MappingProxyType({})
    notes_: Sequence[Note] = ()
    _curves: Mapping[str, list[tuple[float, float]]] = MappingProxyType({})

    def __init__(self, tol: float = 1e-10, max_iter: int = 2000) -> None:
        self.tol = tol
        self.max_iter = max_iter

    # --- to implement --------------------------------------------------------------------
    @abstractmethod
    def _loglik(self, theta: np.ndarray, data: Data) -> tuple[np.ndarray, np.ndarray]:
        """Per-row log-likelihood at the natural parameters ``theta`` and its gradient
        (rows x params)."""

    @abstractmethod
    def _start(self, data: Data) -> np.ndarray:
        """Natural parameters the search starts from."""

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
        return cast("tuple[np.ndarray, np.ndarray, np.ndarray]", data.cache[key])

    def _total_loglik(self, theta: np.ndarray, data: Data) -> tuple[float, np.ndarray]:
        """Weighted sum of the log-likelihood over rows and its gradient. Models with a faster
        route to the sum than per-row gradients override this."""
        ll, grad = self._loglik(theta, data)
        return float(data.weights @ ll), data.weights @ grad

    # --- fitting -------------------------------------------------------------------------
    def _data(self, data: Any) -> Data:
        """The compressed rows of a Summary (or of a Polars frame with the model's columns)."""
        from clv.prep.summary import Summary, compress

        unit = data.unit if isinstance(data, Summary) else None
        frame = data.frame if isinstance(data, Summary) else data
        if not isinstance(frame, pl.DataFrame):
            raise ClvError(key="error_model_fits_on",
                           values={"model": self.NAME, "columns": list(self.COLUMNS)})
        missing = [c for c in self.COLUMNS if c not in frame.columns]
        if missing:
            raise ClvError(key="error_model_needs_columns",
                           values={"model": self.NAME, "columns": missing})
        frame = self._select(frame)
        if "weight" not in frame.columns:
            frame = (compress(frame, self.COLUMNS) if self.COMPRESS
                     else frame.with_columns(weight=pl.lit(1, dtype=pl.Int64)))
        cols = {c: frame[c].cast(pl.Float64).to_numpy() for c in self.COLUMNS}
        return Data(cols, frame["weight"].cast(pl.Float64).to_numpy(), unit)

    def fit(self, data: Any) -> Self:
        """Fit by maximum likelihood on ``data`` (a Summary for the models of transactions;
        each model says what else it takes); returns ``self`` with the learned attributes
        set."""
        return self._fit(self._data(data))

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
        failure = ConvergenceError(key="error_not_converged", values={
            "model": self.NAME, "detail": str(res.message), "gradient": grad_norm})
        edge = np.abs(res.x) >= BOUND - 0.1  # at the box: at a limit (the search went there)
        self.boundary_ = {}
        self._curves = {}
        if not np.isfinite(res.fun) or (grad_norm > 1e-4 and not (covariance and self.AT_LIMIT)):
            raise failure
        if not self.AT_LIMIT and np.any(edge):
            raise ConvergenceError(key="error_at_bound", values={
                "model": self.NAME,
                "params": dict(zip(self.PARAMS, theta.round(4).tolist(), strict=True))})
        if not covariance:  # bootstrap refits: no standard errors
            self.boundary_ = {p: "inf" if v > 0 else "0"
                              for p, v, e in zip(self.PARAMS, res.x, edge, strict=True) if e}
            cov = np.full((theta.size, theta.size), np.nan)
        elif not self.AT_LIMIT:  # the plain inverse of the observed information
            try:
                cov = np.linalg.inv(_hessian(objective, res.x) * n) * np.outer(theta, theta)
            except np.linalg.LinAlgError as exc:
                raise ConvergenceError(key="error_singular",
                                       values={"model": self.NAME}) from exc
        else:
            cov_log = self._information(objective, res.x, n, edge)
            # a search that crawls towards a limit (a shape parameter running away) stops
            # with a gradient along the flat directions: accepted when a Newton step on the
            # others would gain almost nothing
            gradient = np.asarray(res.jac) * n
            if grad_norm > 1e-4 and not (self.boundary_ and gradient @ cov_log @ gradient / 2
                                         <= 0.01):
                raise failure
            cov = cov_log * np.outer(theta, theta)
        self.params_ = dict(zip(self.PARAMS, theta.tolist(), strict=True))
        self.covariance_ = cov
        self.stderr_ = {p: math.nan if p in self.boundary_ else v for p, v in zip(
            self.PARAMS, np.sqrt(np.clip(np.diag(cov), 0, None)).tolist(), strict=True)}
        self.unit_ = data.unit  # before the notes, which may speak of rates per unit
        self.notes_ = self._limit_notes()
        self.loglik_ = -res.fun * n
        k = len(self.PARAMS)
        self.aic_ = 2 * k - 2 * self.loglik_
        self.bic_ = k * math.log(n) - 2 * self.loglik_
        self.n_customers_ = int(n)
        self.converged_ = True
        return self

    def _information(self, objective: Any, x: np.ndarray, n: float, edge: np.ndarray
                     ) -> FloatArray:
        """Covariance of the log-parameters at the optimum ``x``, after finding the directions
        in which the log-likelihood is flat (sets ``boundary_`` and the curves of the
        one-sided intervals; see the module docstring).

        Tried: first the model's known ``LIMITS`` (of parameters at the box or of information
        below ``CURVATURE``: a limit has a vanishing curvature); then the axes of log-parameters
        at the box or of information below ``CURVATURE``, and the eigenvectors of the
        information below it (without their components at the box). A direction is flat on a
        side when steps of ``STEPS`` lose at most ``FLAT`` of total log-likelihood; flat on
        both, it points to a limit on the side that stays flat up to the box, and is not
        identified if both do or neither does. A tried eigen-direction that is not flat gets,
        instead of its eigenvalue if that is smaller, the secant curvature max over steps of 2 x
        loss / step^2 of its flatter side (positive, since a step lost more than ``FLAT``):
        where the quadratic approximation fails (near a limit, or where the search stopped short
        of the maximum on a nearly flat ridge) the variance then reflects the likelihood steps
        away rather than a vanishing or negative curvature at the point."""
        k = x.size
        hess = _hessian(objective, x) * n
        f0 = objective(x)[0]
        tol = FLAT + 1e-9 * abs(f0) * n

        def room(d: np.ndarray) -> float:  # largest step along d inside the box
            with np.errstate(divide="ignore", invalid="ignore"):
                gaps = np.where(d > 0, (BOUND - x) / d, np.where(d < 0, (-BOUND - x) / d,
                                                                  np.inf))
            return float(gaps.min())

        def loss(d: np.ndarray, t: float) -> float:  # total log-likelihood lost at x + t d
            return float((objective(x + t * d)[0] - f0) * n)

        def trial(d: np.ndarray) -> tuple[bool, bool, float]:
            """Flat along d at the steps, flat up to the box, and the largest secant curvature
            2 x loss / step^2 at the steps."""
            reach = room(d) * (1 - 1e-9)
            if reach <= 0.05:  # at the box already, pointing out of it
                return True, True, 0.0
            steps = [t for t in sorted({min(t, reach) for t in STEPS}) if t > 0.05]
            losses: list[float] = []
            for t in steps:  # stop at the first step that is not flat
                losses.append(loss(d, t))
                if losses[-1] > tol:
                    break
            near = losses[-1] <= tol
            return (near, near and (reach in steps or loss(d, reach) <= tol),
                    max(2 * v / t ** 2 for v, t in zip(losses, steps, strict=False)))

        flat: list[np.ndarray] = []
        limits: dict[int, str] = {}
        towards: dict[int, np.ndarray] = {}  # the flat direction that leads to each limit
        for name, limit in self.LIMITS.items():  # known limits, each parameter on its own
            i = self.PARAMS.index(name)
            d = np.eye(k)[i] * (1.0 if limit == "inf" else -1.0)
            if (edge[i] or hess[i, i] < CURVATURE) and all(trial(d)[:2]):
                flat.append(d)
                limits[i], towards[i] = limit, d
        w, v = np.linalg.eigh(hess)
        tried: list[tuple[np.ndarray, int | None]] = []
        for i in range(k):
            if i not in limits and (edge[i] or hess[i, i] < CURVATURE):
                tried.append((np.eye(k)[i] * (1.0 if x[i] >= 0 else -1.0), None))
        for low in np.flatnonzero(w < CURVATURE):
            d = np.where(edge, 0.0, v[:, low])
            norm = float(np.linalg.norm(d))
            if norm >= 0.5:
                tried.append((d / norm, int(low)))
        for d, j in tried:
            up, down = trial(d), trial(-d)
            if not (up[0] or down[0]):
                if j is not None:
                    w[j] = max(w[j], min(up[2], down[2]))
                continue
            # flat on one side: a limit there; on both: a limit on the side flat up to the
            # box if only one is, else not identified
            one = up[0] != down[0] or up[1] != down[1]
            side = d if (up[1] if up[0] and down[0] else up[0]) else -d
            involved = np.abs(d) >= 0.3  # the flat direction is theirs alone
            flat.append(np.where(involved, side, 0.0) / np.linalg.norm(side[involved]))
            for axis in np.flatnonzero(involved):
                label = ("inf" if side[axis] > 0 else "0") if one else "unidentified"
                if limits.get(int(axis), "unidentified") == "unidentified":
                    limits[int(axis)], towards[int(axis)] = label, flat[-1]
        for pair in self._limit_pairs():  # one of a pair at its limit drags the other
            i, j = (self.PARAMS.index(p) for p in pair)
            joint = np.zeros(k)
            joint[[i, j]] = math.sqrt(0.5)
            for this, other in ((i, j), (j, i)):
                if limits.get(this) == "inf" and other not in limits and x[other] > BOUND / 2:
                    limits[other], towards[other] = "inf", joint
            # both past e^(BOUND/2): the estimates are at the pair's joint limit (one value
            # shared by every customer), whatever label a direction tried alone gave them (a
            # shape also flat towards 0 when the data hardly bound it is not 'shape -> 0')
            if (x[i] > BOUND / 2 and x[j] > BOUND / 2
                    and not limits.get(i) == limits.get(j) == "inf"
                    and (i in limits or j in limits or trial(joint)[0])):
                limits[i] = limits[j] = "inf"
                towards[i] = towards[j] = joint
                flat.append(joint)
            # both towards 0 (their ratio kept): not one of the limits of the pair alone (the
            # dropout's a -> 0 with b finite is no dropout; a, b -> 0 is not), the data do not
            # tell how different the customers are
            elif limits.get(i) == limits.get(j) == "0":
                limits[i] = limits[j] = "unidentified"
        self.boundary_ = {self.PARAMS[i]: limits[i] for i in sorted(limits)}
        curves: dict[str, list[tuple[float, float]]] = {}
        for i, limit in limits.items():  # back from each limit along its flat direction
            if limit == "unidentified":
                continue
            away = -towards[i]
            reach = room(away) * (1 - 1e-9)
            curves[self.PARAMS[i]] = [
                (float(x[i] + away[i] * t), loss(away, t)) for t in
                sorted({min(t, reach) for t in CURVE_STEPS}) if t > 0]
        self._curves = curves
        # the information on the directions that are not flat, inverted there
        basis = np.eye(k)
        if flat:
            u, sv, _ = np.linalg.svd(np.array(flat).T)
            basis = u[:, int(np.sum(sv > 1e-6)):]
        sub = basis.T @ ((v * w) @ v.T) @ basis
        ws, vs = np.linalg.eigh((sub + sub.T) / 2)
        keep = ws > 1e-12 * max(1.0, float(np.max(np.abs(ws), initial=0.0)))
        inverse = (vs[:, keep] / ws[keep]) @ vs[:, keep].T
        cov = basis @ inverse @ basis.T
        return cast(FloatArray, (cov + cov.T) / 2)  # eigh's stubs type its arrays' dtype Any

    def _limit_pairs(self) -> tuple[tuple[str, str], ...]:
        """Pairs of parameters (shape and scale of one mixing distribution) that run to inf
        together, their ratio fixed: when the search leaves one at the edge of the box and the
        other past e^(BOUND/2), both are at that limit (``_information``), the other's
        one-sided interval taken along the pair's joint direction."""
        return ()

    def _limit_notes(self) -> list[Note]:
        """The notes of a fit at a limit (models say more about their own limits: see
        ``PurchaseModel``), and of a Wald interval capped at inf."""
        return _edge_notes(self.NAME, self.boundary_) + self._capped_notes()

    def _capped_notes(self, level: float = 0.95) -> list[Note]:
        """A note naming the parameters whose Wald interval at ``level`` runs past the
        largest float, shown as inf by ``summary``."""
        if not hasattr(self, "stderr_"):
            return []
        z = float(ndtri(0.5 + level / 2))  # normal quantile, without scipy.stats
        capped = [p for p in self.PARAMS if p not in self.boundary_
                  and _capped(self.params_[p], self.stderr_[p], z)]
        return [Note("interval_capped", model=self.NAME, params=", ".join(capped),
                     names=", ".join(capped), level=f"{level:.0%}")] if capped else []

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
            raise ClvError(key="error_few_customers", values={"model": self.NAME})

    # --- results -------------------------------------------------------------------------
    def _fitted(self) -> FloatArray:
        """The parameters in the order of ``PARAMS``; :class:`NotFittedError` before there are
        any. Unpacked (``r, alpha = self._fitted()``) they are ``Any`` to the type checker, as
        are scipy's special functions: the predictions built from them are cast to
        ``FloatArray`` where they are returned."""
        if getattr(self, "params_", None) is None:
            raise NotFittedError(key="error_not_fitted", values={
                "model": self.NAME, "cls": type(self).__name__})
        return np.array([self.params_[p] for p in self.PARAMS])

    def summary(self, level: float = 0.95) -> pl.DataFrame:
        """Estimates, standard errors and intervals at ``level``.

        Wald intervals on the log scale (always positive), computed in log space: an end
        beyond the largest float is inf, never an overflow. A parameter at a limit
        (``bound``: '-> 0', '-> inf', or 'not identified') has no standard error (NaN) and a
        one-sided interval: from its limit to where the log-likelihood, moving back from the
        limit along the flat direction that leads to it (the parameter's own axis, or a ridge
        such as q and gamma together) with the other directions at the estimate, has fallen by
        chi2_1(level)/2 (0 to inf when not identified, or when it never falls that far)."""
        self._fitted()
        z = float(ndtri(0.5 + level / 2))  # the normal quantile
        cut = z * z / 2  # chi2_1(level) / 2: a chi-square with one degree of freedom is z^2
        rows = []
        for p in self.PARAMS:
            est, se = self.params_[p], self.stderr_[p]
            limit = self.boundary_.get(p)
            if limit is None:  # ln est -/+ z se / est, the half-width taken in log space
                half = (_exp(math.log(z) + math.log(se) - math.log(est)) if 0 < se < math.inf
                        else 0.0 if se == 0 else math.inf if se > 0 else math.nan)
                lower, upper = _exp(math.log(est) - half), _exp(math.log(est) + half)
            else:
                lower, upper = self._one_sided(p, limit, cut)
            label = LIMIT_LABELS.get(limit or "")
            if limit is None and _capped(est, se, z):
                label = CAPPED  # an upper end past the largest float: inf, and said so
            rows.append({"param": p, "estimate": est, "stderr": se,
                         f"lower_{level:.0%}": lower, f"upper_{level:.0%}": upper,
                         "bound": label})
        return pl.DataFrame(rows, schema={"param": pl.String, "estimate": pl.Float64,
                                          "stderr": pl.Float64,
                                          f"lower_{level:.0%}": pl.Float64,
                                          f"upper_{level:.0%}": pl.Float64,
                                          "bound": pl.String})

    def _one_sided(self, param: str, limit: str, cut: float) -> tuple[float, float]:
        """The interval of a parameter at a limit: from the limit to where the log-likelihood
        curve kept at fit time (log-parameter, loss) has lost ``cut`` (linear interpolation)."""
        if limit == "unidentified":
            return 0.0, math.inf
        end = math.inf if limit == "0" else 0.0
        last_log, last_loss = math.log(self.params_[param]), 0.0
        for log_value, lost in self._curves.get(param, []):
            if lost >= cut:
                share = (cut - last_loss) / (lost - last_loss) if math.isfinite(lost) else 0.0
                end = _exp(last_log + share * (log_value - last_log))
                break
            last_log, last_loss = log_value, max(lost, last_loss)
        return (0.0, end) if limit == "0" else (end, math.inf)

    def __repr__(self) -> str:
        if getattr(self, "params_", None) is None:
            return f"{type(self).__name__}()"
        params = ", ".join(f"{k}={v:.4g}" for k, v in self.params_.items())
        limits = (f"; at a limit: {_limits(self.boundary_, list(self.boundary_))}"
                  if self.boundary_ else "")
        return (f"{type(self).__name__}({params}; loglik={self.loglik_:.2f}, "
                f"n={self.n_customers_:,}, unit={self.unit_}{limits})")

    def save(self, path: str | Path) -> None:
        """Write the model to JSON: its settings and everything it learned (parameters,
        standard errors, covariance, log-likelihood, AIC, BIC, customers, unit, convergence,
        limits and their likelihood curves, notes, and any other fitted attribute such as
        Gamma-Gamma's ``independence_``). A number that is not finite is written as null
        (NaN) or as the text "inf" / "-inf", so that the file is standard JSON."""
        self._fitted()
        shared = {"params_", "stderr_", "covariance_", "loglik_", "aic_", "bic_",
                  "n_customers_", "unit_", "converged_", "boundary_", "notes_"}
        extra = {k: v for k, v in vars(self).items()
                 if k.endswith("_") and not k.startswith("_") and k not in shared}
        bad = [k for k, v in extra.items() if not isinstance(v, int | float | str)]
        if bad:  # a fitted attribute that save does not know how to write: say so
            raise ClvError(f"{self.NAME}.save cannot write the attribute(s) {', '.join(bad)}")
        doc = {
            "model": self.NAME, "settings": {"tol": self.tol, "max_iter": self.max_iter},
            "params": self.params_, "stderr": self.stderr_,
            "covariance": np.asarray(self.covariance_, dtype=float).tolist(),
            "loglik": self.loglik_, "aic": self.aic_, "bic": self.bic_,
            "n_customers": self.n_customers_, "unit": self.unit_,
            "converged": bool(self.converged_), "boundary": dict(self.boundary_),
            "curves": dict(self._curves),
            "notes": [{"key": n.key, "values": n.values} for n in self.notes_],
            "fitted": extra}
        Path(path).write_text(json.dumps(_encode(doc), indent=2, allow_nan=False))

    @classmethod
    def load(cls, path: str | Path) -> Self:
        """Read a model written by :meth:`save`, with all it had learned (files written before
        notes, AIC, BIC and settings were saved get them recomputed or at their defaults)."""
        doc = json.loads(Path(path).read_text())
        if doc.get("model") != cls.NAME:
            raise ClvError(key="error_model_file_kind", values={
                "path": str(path), "found": str(doc.get("model")), "model": cls.NAME})
        model = cls(**doc.get("settings", {}))
        model.params_ = {k: float(v) for k, v in doc["params"].items()}
        model.stderr_ = {k: float(_decode(v)) for k, v in doc["stderr"].items()}
        model.covariance_ = np.array(_decode(doc["covariance"]), dtype=float)
        model.boundary_ = doc.get("boundary", {})
        model._curves = {k: [(a, b) for a, b in _decode(v)]
                         for k, v in doc.get("curves", {}).items()}
        model.loglik_ = float(_decode(doc["loglik"]))
        model.n_customers_ = doc["n_customers"]
        model.unit_ = doc["unit"]
        k = len(cls.PARAMS)
        model.aic_ = float(_decode(doc.get("aic", 2 * k - 2 * model.loglik_)))
        model.bic_ = float(_decode(doc.get(
            "bic", k * math.log(max(model.n_customers_, 1)) - 2 * model.loglik_)))
        model.converged_ = doc.get("converged", True)
        for name, value in doc.get("fitted", {}).items():
            setattr(model, name, _decode(value))
        model.notes_ = ([Note(n["key"], **_decode(n["values"])) for n in doc["notes"]]
                        if "notes" in doc else model._limit_notes())
        return model

    @classmethod
    def from_params(cls, params: Mapping[str, float] | Sequence[float] | np.ndarray,
                    unit: str | None = None) -> Self:
        """A model that predicts with known parameters: published estimates, or a fit made
        elsewhere. ``params`` by name (exactly the names of ``PARAMS``) or as numbers in the
        order of ``PARAMS``; each finite and > 0. ``unit`` is the time unit the parameters are
        in (as if fitted on a summary in that unit: data in another unit are refused).

        Nothing is estimated, so what a fit would also learn is unknown: the standard errors
        and the covariance are NaN (intervals from parameter draws then have no width: every
        draw is the estimate), the log-likelihood, AIC and BIC are NaN, ``n_customers_`` is 0,
        ``converged_`` is False (no optimiser ran) and there is no limit and no note."""
        names = cls.PARAMS
        if isinstance(params, Mapping):
            missing = [p for p in names if p not in params]
            unknown = [str(p) for p in params if p not in names]
            if missing or unknown:
                raise ClvError(f"{cls.NAME} has the parameters {', '.join(names)}"
                               + (f"; missing: {', '.join(missing)}" if missing else "")
                               + (f"; unknown: {', '.join(unknown)}" if unknown else ""))
            values = [params[p] for p in names]
        elif isinstance(params, str | bytes):
            raise ClvError(f"{cls.NAME}.from_params takes numbers or a mapping of names to "
                           "numbers, not text")
        else:
            values = list(np.asarray(params, dtype=object).ravel()) if np.ndim(params) else []
            if len(values) != len(names):
                raise ClvError(f"{cls.NAME} has {len(names)} parameters ({', '.join(names)}), "
                               f"not {len(values)}")
        theta: dict[str, float] = {}
        for name, value in zip(names, values, strict=True):
            try:
                number = float(value)
            except (TypeError, ValueError):
                raise ClvError(f"{cls.NAME}: parameter {name} must be a number, not "
                               f"{value!r}") from None
            if not (math.isfinite(number) and number > 0):
                raise ClvError(f"{cls.NAME}: parameter {name} must be finite and > 0, not "
                               f"{number}")
            theta[name] = number
        check_unit_name(unit)
        model = cls()
        k = len(names)
        model.params_ = theta
        model.stderr_ = dict.fromkeys(names, math.nan)
        model.covariance_ = np.full((k, k), math.nan)
        model.loglik_ = model.aic_ = model.bic_ = math.nan
        model.n_customers_ = 0
        model.unit_ = unit
        model.converged_ = False
        model.boundary_ = {}
        model._curves = {}
        model.notes_ = []
        return model

    def with_params(self, theta: Any) -> Self:
        """A copy of this fitted model with other parameter values (same order as ``PARAMS``):
        used to push parameter draws through the predictions."""
        self._fitted()
        clone = copy.copy(self)
        clone.params_ = dict(zip(self.PARAMS, np.asarray(theta, dtype=float).tolist(),
                                 strict=True))
        return clone

    def log_covariance(self) -> FloatArray:
        """Covariance of the log-parameters (the scale on which they are estimated and drawn):
        Cov(ln theta_i, ln theta_j) = Cov(theta_i, theta_j) / (theta_i theta_j), projected on
        the positive semi-definite matrices (symmetrised, negative eigenvalues set to 0: the
        nearest such matrix in Frobenius norm, Higham 1988), so that draws from it exist.
        Entries that are not finite (a model saved without standard errors) count as 0."""
        theta = self._fitted()
        cov = self.covariance_ / np.outer(theta, theta)
        cov = np.where(np.isfinite(cov), cov, 0.0)
        w, v = np.linalg.eigh((cov + cov.T) / 2)
        return cast(FloatArray, (v * np.clip(w, 0.0, None)) @ v.T)  # eigh: dtype Any

    def check_unit(self, unit: str | None, what: str = "the input") -> None:
        """Refuse data or horizons in another unit than the one the model was fitted in."""
        if unit is not None and self.unit_ is not None and unit != self.unit_:
            said = Words(_WHAT_KEYS[what]) if what in _WHAT_KEYS else what
            raise ClvError(key="error_unit_mismatch", values={
                "model": self.NAME, "fitted": self.unit_, "what": said, "unit": unit})


_CONTROLLER: list[ThreadpoolController] = []


def _blas() -> ThreadpoolController:
    """The process's thread pools, inspected once (inspecting takes tens of milliseconds)."""
    if not _CONTROLLER:
        _CONTROLLER.append(ThreadpoolController())
    return _CONTROLLER[0]


def _encode(value: Any) -> Any:
    """``value`` for standard JSON: NaN as null, +/-inf as "inf" / "-inf", numpy numbers as
    Python numbers, tuples as lists (recursively)."""
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None if math.isnan(value) else "inf" if value > 0 else "-inf"
    return value


def _decode(value: Any) -> Any:
    """The inverse of ``_encode`` for numbers (null as NaN), recursively."""
    if isinstance(value, dict):
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if value is None:
        return math.nan
    return {"inf": math.inf, "-inf": -math.inf}.get(value, value) if isinstance(value, str) \
        else value


def check_unit_name(unit: str | None) -> None:
    """Refuse a time unit that no summary has (``quarter`` is sBG's)."""
    from clv.prep.summary import UNIT_DAYS

    if unit is not None and unit not in (*UNIT_DAYS, "quarter"):
        raise ClvError(key="error_model_unit", values={"units": list(UNIT_DAYS),
                                                       "value": unit})


def _hessian(objective: Any, x: np.ndarray) -> np.ndarray:
    """Hessian by central differences of the analytic gradient, symmetrised; one-sided for a
    log-parameter at the box (the objective is not defined beyond it)."""
    k = x.size
    h = np.empty((k, k))
    here: np.ndarray | None = None
    for i in range(k):
        step = 1e-5 * max(1.0, abs(x[i]))
        e = np.zeros(k)
        e[i] = step
        if abs(x[i]) + step <= BOUND:
            h[i] = (objective(x + e)[1] - objective(x - e)[1]) / (2 * step)
        else:
            here = objective(x)[1] if here is None else here
            h[i] = ((here - objective(x - e)[1]) if x[i] > 0
                    else (objective(x + e)[1] - here)) / step
    return (h + h.T) / 2


STIRLING = 100.0
"""From this argument on, ``log_rising`` takes Stirling's series (its first omitted term is
below 1e-21 there) instead of a difference of ln Gamma, which loses |ln Gamma(x)| x 1e-16."""


def log_rising(x: ArrayLike, n: ArrayLike) -> FloatArray:
    """ln Gamma(x + n) - ln Gamma(x) (x > 0, n >= 0), with its digits kept for large x: a
    difference of ln Gamma loses them (1e-8 at x = 1e7, where r and alpha -> inf), Stirling's
    series arranged as (x - 1/2) ln(1 + n/x) + n ln(x + n) - n + S(x + n) - S(x) does not."""
    x, n = np.broadcast_arrays(np.asarray(x, dtype=np.float64), np.asarray(n, dtype=np.float64))
    small = x < STIRLING
    out = np.empty(x.shape)
    xs, ns = x[small], n[small]
    out[small] = gammaln(xs + ns) - gammaln(xs)
    xl, nl = x[~small], n[~small]
    y = xl + nl

    def series(z: FloatArray) -> FloatArray:
        inv2 = 1.0 / (z * z)
        return (1.0 / 12.0 - inv2 * (1.0 / 360.0 - inv2 / 1260.0)) / z

    out[~small] = (xl - 0.5) * np.log1p(nl / xl) + nl * np.log(y) - nl + series(y) - series(xl)
    return out if out.ndim else out[()]


def _capped(est: float, se: float, z: float) -> bool:
    """The Wald upper end ln est + z se / est is past the largest float (finite se)."""
    if not (0 < se < math.inf and 0 < est < math.inf):
        return False
    half = math.log(z) + math.log(se) - math.log(est)
    return half < LOG_MAX and math.log(est) + math.exp(half) > LOG_MAX or half >= LOG_MAX


def _exp(value: float) -> float:
    """exp, inf beyond the largest float (no overflow)."""
    return math.inf if value > LOG_MAX else math.exp(value)


def _limits(boundary: Mapping[str, str], params: list[str]) -> str:
    """'a -> 0, b -> inf' for the parameters at a limit (the notes carry the names alone
    too, ``names``, for a face that says the limit in words)."""
    return ", ".join(f"{p} {LIMIT_LABELS[boundary[p]]}" for p in params)


def _edge_notes(model: str, boundary: Mapping[str, str]) -> list[Note]:
    """Parameters at the edge of the parameter space, and parameters not identified."""
    edge = [p for p, v in boundary.items() if v != "unidentified"]
    loose = [p for p, v in boundary.items() if v == "unidentified"]
    return ([Note("at_bound", model=model, params=_limits(boundary, edge),
                  names=", ".join(edge))] if edge else []) + (
        [Note("unidentified", model=model, params=", ".join(loose), names=", ".join(loose))]
        if loose else [])


class PurchaseModel(Model):
    """A model of repeat purchases on (frequency, recency, T) rows in continuous time.

    Subclasses give P(alive), the expected purchases of a customer known to be alive and of a
    new customer, and P(X(t) = n); the rest is shared.
    """

    COLUMNS: ClassVar[tuple[str, ...]] = ("frequency", "recency", "T")
    AT_LIMIT: ClassVar[bool] = True
    LIMITS: ClassVar[dict[str, str]] = {}
    """Here the limits at which the dropout process vanishes (BG/NBD: a -> 0 or b -> inf, the
    dropout probability a/(a+b) -> 0; Pareto/NBD: s -> 0 or beta -> inf, the dropout rate
    -> 0): there the model is the NBD."""

    def _check(self, data: Data) -> None:
        super()._check(data)
        if not np.any((data.columns["frequency"] > 0) & (data.weights > 0)):
            raise ConvergenceError(key="error_no_repeat", values={"model": self.NAME})

    RATE_PAIR: ClassVar[tuple[str, str]] = ("r", "alpha")
    """The shape and scale of the purchase rate's Gamma: both running to inf together is every
    customer buying at one rate r/alpha (a Poisson process), not a failure."""
    DROPOUT_PAIR: ClassVar[tuple[str, str] | None] = None
    """The two parameters of the dropout's mixing distribution (BG/NBD: a, b of the Beta;
    Pareto/NBD: s, beta of the Gamma): both running to inf together, their ratio fixed, is
    not the end of dropout but every customer sharing one dropout probability or rate."""

    def shared_dropout(self) -> tuple[float, str]:
        """The dropout every customer shares at the limit of ``DROPOUT_PAIR``: its value and
        what it is per ('purchase', or the time unit). Models with a ``DROPOUT_PAIR`` define
        it; the others never reach that limit."""
        self._fitted()
        raise NotImplementedError(f"{self.NAME} has no dropout to share")

    def _limit_notes(self) -> list[Note]:
        """A fit at a no-dropout limit says so (the model is then the NBD: every customer
        counts as alive, P(alive) tells nothing); a fit where the dropout's mixing
        distribution shrinks to a point says every customer shares one dropout, and one where
        the purchase rate's does (r, alpha -> inf) that every customer buys at one rate;
        other limits as in ``Model``."""
        notes: list[Note] = []
        rest = dict(self.boundary_)
        pair = self.RATE_PAIR
        if all(rest.get(p) == "inf" for p in pair):
            r, alpha = (self.params_[p] for p in pair)
            notes.append(Note("same_rate", model=self.NAME, params=_limits(rest, list(pair)),
                              names=", ".join(pair), value=r / alpha,
                              per=self.unit_ or "period"))
            rest = {p: v for p, v in rest.items() if p not in pair}
        dropout = self.DROPOUT_PAIR
        if dropout and all(rest.get(p) == "inf" for p in dropout):
            value, per = self.shared_dropout()
            notes.append(Note("same_dropout", model=self.NAME,
                              params=_limits(rest, list(dropout)), names=", ".join(dropout),
                              value=value, per=per))
            rest = {p: v for p, v in rest.items() if p not in dropout}
        gone = [p for p, v in rest.items() if self.LIMITS.get(p) == v]
        if gone:
            notes.append(Note("no_dropout", model=self.NAME, params=_limits(rest, gone),
                              names=", ".join(gone)))
            rest = {p: v for p, v in rest.items() if p not in self.LIMITS}
        return notes + _edge_notes(self.NAME, rest) + self._capped_notes()

    def _limit_pairs(self) -> tuple[tuple[str, str], ...]:
        return (self.RATE_PAIR,) + ((self.DROPOUT_PAIR,) if self.DROPOUT_PAIR else ())

    @abstractmethod
    def p_alive(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike  # noqa: N803
                ) -> FloatArray:
        """P(alive at T | x, t_x, T)."""

    @abstractmethod
    def expected_if_alive(self, t: float, frequency: ArrayLike, T: ArrayLike  # noqa: N803
                          ) -> FloatArray:
        """E[Y(t) | x, T, alive at T]: expected purchases in (T, T + t] of a customer alive at
        T."""

    @abstractmethod
    def expected_purchases_new(self, t: ArrayLike) -> FloatArray:
        """E[X(t)]: expected repeat purchases in (0, t] of a customer just acquired."""

    @abstractmethod
    def probability_of_purchases(self, n: ArrayLike, t: float) -> FloatArray:
        """P(X(t) = n) for a customer just acquired."""

    @abstractmethod
    def purchase_if_alive(self, t: float, frequency: ArrayLike, T: ArrayLike  # noqa: N803
                          ) -> FloatArray:
        """P(at least one purchase in (T, T + t] | x, T, alive at T)."""

    @abstractmethod
    def expected_if_alive_levers(self, t: float, frequency: ArrayLike, T: ArrayLike,  # noqa: N803
                                 rate: float = 1.0, lifetime: float = 1.0) -> FloatArray:
        """E[Y(t) | x, T, alive] when, from T on, every customer buys ``rate`` times as often
        and stays ``lifetime`` times as long (their dropout hazard or probability divided by
        it): the levers of ``clv.scenarios``."""

    def probability_of_purchase(self, t: float, frequency: ArrayLike, recency: ArrayLike,
                                T: ArrayLike) -> FloatArray:  # noqa: N803
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

    @abstractmethod
    def _simulate_alive(self, rng: np.random.Generator, frequency: np.ndarray,
                        T: np.ndarray, edges: np.ndarray) -> np.ndarray:  # noqa: N803
        """One draw of the future purchases of customers alive at T in the intervals between
        ``edges`` (intervals x customers)."""

    def expected_purchases(self, t: float, frequency: ArrayLike, recency: ArrayLike,
                           T: ArrayLike) -> FloatArray:  # noqa: N803
        """E[Y(t) | x, t_x, T] = P(alive at T | x, t_x, T) E[Y(t) | x, T, alive]: expected
        repeat purchases in (T, T + t] given the customer's history."""
        return self.p_alive(frequency, recency, T) * self.expected_if_alive(t, frequency, T)

    def expected_repeat_purchases(self, T: ArrayLike) -> FloatArray:  # noqa: N803
        """E[X(T)]: repeat purchases a customer acquired T units ago is expected to have made
        to date, to set against the observed frequency (the calibration-period fit)."""
        return self.expected_purchases_new(T)

    def predict(self, summary: Any, t: float, t_unit: str | None = None) -> pl.DataFrame:
        """P(alive), expected purchases in the next ``t`` units and expected repeat purchases
        to date, for every customer of a Summary in the model's unit."""
        from clv.prep.summary import Summary, check_horizon, convert

        self._fitted()
        if not isinstance(summary, Summary):
            raise ClvError(key="error_predict_summary", values={"model": self.NAME})
        self.check_unit(summary.unit, "the summary")
        unit = self.unit_ or summary.unit
        check_horizon(t, t_unit or unit, "t")  # far beyond, the models' closed forms give NaN
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
