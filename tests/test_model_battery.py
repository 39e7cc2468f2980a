"""One battery for every model of ``clv.models.ALL_MODELS``, fitted once each on the data of
its published estimates: analytic gradients against finite differences, published values,
save and load, NotFittedError before parameters exist, the unit guard, and from_params."""

from __future__ import annotations

import inspect
import math
from typing import Any

import numpy as np
import polars as pl
import pytest

from clv import rfm_summary
from clv.datasets import load_cdnow, load_donations
from clv.errors import ClvError
from clv.models import (
    ALL_MODELS,
    MODELS,
    SBG,
    GammaGamma,
    Model,
    NotFittedError,
    ParetoNBD,
    PurchaseModel,
)
from clv.models.base import Data
from conftest import assert_gradient_matches

REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241]  # Fader & Hardie (2007), 'regular'
HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491]  # and 'high end'


def _cdnow(unit: str = "week") -> Any:
    """CDNOW_sample as in the published papers: calibration to 1997-09-30."""
    tx = load_cdnow().rename({"date": "timestamp"})
    return rfm_summary(tx, unit=unit, calibration_end="1997-09-30",
                       observation_end="1998-06-30")


CDNOW = _cdnow()
DATA: dict[str, Any] = {"cdnow": CDNOW, "donations": load_donations(), "regular": REGULAR,
                        "high end": HIGH_END}
SOURCE = {"bgnbd": "cdnow", "mbgnbd": "cdnow", "pnbd": "cdnow", "nbd": "cdnow", "gg": "cdnow",
          "bgbb": "donations", "sbg": "regular"}


def _fit(key: str, source: str | None = None) -> Model:
    data = DATA[source or SOURCE[key]]
    cls = ALL_MODELS[key]
    return cls().fit(data, unit="year") if cls is SBG else cls().fit(data)


FITS: dict[tuple[str, str], Model] = {}


def fitted(key: str, source: str | None = None) -> Model:
    """Each model fitted once for the whole module (fits are not modified by the tests)."""
    name = (key, source or SOURCE[key])
    if name not in FITS:
        FITS[name] = _fit(key, source)
    return FITS[name]


def _rows(model: Model, key: str) -> Data:
    data = DATA[SOURCE[key]]
    return model._data(data, "year") if isinstance(model, SBG) else model._data(data)


# --- public methods, called with arguments chosen by their names ------------------------------
NOT_PREDICTIONS = {"fit", "fit_lifetimes", "from_params", "load", "save", "check_unit",
                   "with_params"}
"""Public methods that learn, read, write or check rather than predict."""
X = np.array([0.0, 2.0, 26.0, 7.0])
ARGS: dict[str, Any] = {  # the published CDNOW customers and a few more
    "frequency": X, "recency": np.array([0.0, 30.43, 30.857, 35.0]),
    "T": np.array([38.86, 38.86, 31.0, 77.86]), "t": 39.0, "n": np.arange(6.0),
    "monetary": np.array([0.0, 20.0, 35.5, 12.0]), "summary": CDNOW, "delta": 0.0027,
    "d": np.array([0.0, 0.1]), "renewals": np.array([0, 3]), "edges": np.array([0, 13, 52.0]),
    "level": 0.9}
OVERRIDES: dict[str, dict[str, Any]] = {  # BG/BB's patterns: x <= t_x <= n opportunities
    "bgbb": {"frequency": np.array([0.0, 2, 6, 3]), "recency": np.array([0.0, 5, 6, 4]),
             "periods": 6, "future": 5, "x": np.arange(7.0)}}


def _methods(cls: type[Model]) -> list[str]:
    return sorted(name for name, _ in inspect.getmembers(cls, inspect.isfunction)
                  if not name.startswith("_") and name not in NOT_PREDICTIONS)


def _call(model: Model, key: str, name: str, **more: Any) -> Any:
    """``model.name(...)`` with every argument without a default taken from ``ARGS`` (or
    ``more``) by its name (a fresh seeded generator for ``rng``)."""
    args = {**ARGS, **OVERRIDES.get(key, {}), **more, "rng": np.random.default_rng(0)}
    params = [p for p in inspect.signature(getattr(model, name)).parameters.values()
              if p.default is inspect.Parameter.empty]
    missing = [p.name for p in params if p.name not in args]
    assert not missing, f"{name}: add an argument for {missing} to ARGS"
    return getattr(model, name)(*(args[p.name] for p in params))


def _outputs(model: Model, key: str, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    out = {}
    for name in _methods(type(model)):
        if name in skip or (name == "shared_dropout" and not model.boundary_):
            continue  # the shared dropout exists only at its limit
        out[name] = _call(model, key, name)
    return out


def _assert_same(left: dict[str, Any], right: dict[str, Any]) -> None:
    assert left.keys() == right.keys()
    for name, value in left.items():
        if isinstance(value, pl.DataFrame):
            assert value.equals(right[name], null_equal=True), name
        else:
            np.testing.assert_array_equal(value, right[name], err_msg=name)


# --- the registry ---------------------------------------------------------------------------------
def test_the_registry():
    from clv import evaluate

    assert evaluate.MODELS is MODELS  # re-exported, not a second list
    assert list(MODELS) == ["bgnbd", "mbgnbd", "pnbd"]
    assert set(ALL_MODELS) == {*MODELS, "nbd", "gg", "bgbb", "sbg"}
    assert all(issubclass(cls, PurchaseModel) for cls in MODELS.values())
    assert all(ALL_MODELS[k] is cls for k, cls in MODELS.items())
    assert not any(inspect.isabstract(cls) for cls in ALL_MODELS.values())
    with pytest.raises(TypeError):
        Model()  # type: ignore[abstract]

    class Half(PurchaseModel):  # a model without its likelihood and predictions
        PARAMS = ("r",)

    with pytest.raises(TypeError, match="abstract"):
        Half()  # type: ignore[abstract]


# --- gradients ------------------------------------------------------------------------------------
@pytest.mark.parametrize("key", ALL_MODELS)
@pytest.mark.parametrize("where", ["estimate", "perturbed"])
def test_analytic_gradient_equals_central_differences(key, where):
    """Per row and for the weighted total the fitter maximises (which some models sum their
    own faster way), at the estimate and at a point away from it."""
    model = fitted(key)
    data = _rows(model, key)
    theta = model._fitted()
    if where == "perturbed":
        theta = theta * np.array([1.3, 0.8, 1.15, 0.9])[: theta.size]
    assert_gradient_matches(model, theta, data)
    _, grad = model._total_loglik(theta, data)
    _, rows = model._loglik(theta, data)
    scale = data.weights @ np.abs(rows)  # the size of the terms the total sums
    for i in range(theta.size):
        step = np.zeros(theta.size)
        step[i] = 1e-6 * theta[i]
        numeric = (model._total_loglik(theta + step, data)[0]
                   - model._total_loglik(theta - step, data)[0]) / (2 * step[i])
        assert grad[i] == pytest.approx(numeric, rel=1e-5, abs=1e-7 * scale[i]), (key, i)


# --- published estimates --------------------------------------------------------------------------
PUBLISHED = [  # model, data, estimates, log-likelihood (None: not published), tolerance, source
    ("bgnbd", "cdnow", {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}, -9582.4, 1e-3,
     "Fader, Hardie & Lee 2005, Marketing Science 24(2)"),
    ("mbgnbd", "cdnow", {"r": 0.525, "alpha": 6.183, "a": 0.891, "b": 1.614}, None, 2e-3,
     "Batislam, Denizel & Filiztekin 2007, IJRM 24(3)"),
    ("pnbd", "cdnow", {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}, -9595.0,
     1e-3, "Fader, Hardie & Lee 2005, JMR 42(4)"),
    ("nbd", "cdnow", {"r": 0.385, "alpha": 12.072}, -9763.7, 1e-3,
     "Fader, Hardie & Lee 2005, Marketing Science 24(2), the NBD benchmark"),
    ("gg", "cdnow", {"p": 6.25, "q": 3.74, "gamma": 15.44}, -4055.92, 2e-3,
     "Fader, Hardie & Lee 2005, JMR 42(4), 946 repeat buyers"),
    ("bgbb", "donations", {"alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783},
     -33225.58, 1e-3, "Fader, Hardie & Shang 2010, Marketing Science 29(6)"),
    ("sbg", "regular", {"alpha": 0.704, "beta": 1.182}, -1680.27, 1e-3,
     "Fader & Hardie 2007, JIM 21(1), regular"),
    ("sbg", "high end", {"alpha": 0.668, "beta": 3.806}, -1611.16, 1e-3,
     "Fader & Hardie 2007, JIM 21(1), high end"),
]


@pytest.mark.parametrize(("key", "source", "estimates", "loglik", "rel", "paper"), PUBLISHED,
                         ids=[f"{p[0]}-{p[1]}" for p in PUBLISHED])
def test_published_estimates(key, source, estimates, loglik, rel, paper):
    """Each estimate within half a unit of its last published digit, or within ``rel`` (the
    papers' optimisers stopped a little apart on flat likelihoods: Pareto/NBD's beta is
    11.669 in the JMR paper, 11.6715 in Fader & Hardie's note)."""
    model = fitted(key, source)

    def published(value: float) -> Any:
        digits = len(f"{value}".split(".")[1])
        return pytest.approx(value, rel=rel, abs=0.5 * 10.0 ** -digits + 1e-12)

    for name, value in estimates.items():
        assert model.params_[name] == published(value), (paper, name)
    if loglik is not None:  # as precise as published
        assert model.loglik_ == pytest.approx(loglik, abs=0.51 * 10.0 ** -len(
            f"{loglik}".split(".")[1])), paper
    assert model.converged_ and not model.boundary_
    assert all(se > 0 for se in model.stderr_.values())


def test_every_model_has_published_estimates():
    assert {p[0] for p in PUBLISHED} == set(ALL_MODELS)


# --- save and load --------------------------------------------------------------------------------
@pytest.mark.parametrize("key", ALL_MODELS)
def test_save_and_load_keep_everything_learned(key, tmp_path):
    model = fitted(key)
    model.save(tmp_path / "m.json")
    text = (tmp_path / "m.json").read_text()
    assert "NaN" not in text and "Infinity" not in text  # standard JSON
    back = type(model).load(tmp_path / "m.json")
    learned = {k for k in vars(model) if k.endswith("_") and not k.startswith("_")}
    assert learned >= {"params_", "stderr_", "covariance_", "loglik_", "aic_", "bic_",
                       "n_customers_", "unit_", "converged_", "boundary_", "notes_"}
    assert {k for k in vars(back) if k.endswith("_") and not k.startswith("_")} == learned
    for name in learned - {"covariance_"}:
        assert getattr(back, name) == getattr(model, name), name
    np.testing.assert_array_equal(back.covariance_, model.covariance_)
    assert back._curves == model._curves
    assert (back.tol, back.max_iter) == (model.tol, model.max_iter)
    _assert_same(_outputs(back, key), _outputs(model, key))
    with pytest.raises(ClvError, match="not"):
        (ALL_MODELS["nbd"] if key != "nbd" else ALL_MODELS["bgnbd"]).load(tmp_path / "m.json")


def test_a_model_from_params_saves_and_loads(tmp_path):
    m = ParetoNBD.from_params([0.55, 10.6, 0.61, 11.7], unit="week")
    m.save(tmp_path / "m.json")
    back = ParetoNBD.load(tmp_path / "m.json")
    assert back.params_ == m.params_ and back.unit_ == "week" and not back.converged_
    assert all(math.isnan(v) for v in (*back.stderr_.values(), back.loglik_, back.aic_))
    assert np.isnan(back.covariance_).all() and back.n_customers_ == 0


# --- before any parameters ------------------------------------------------------------------------
@pytest.mark.parametrize("key", ALL_MODELS)
def test_not_fitted_error_before_fit(key, tmp_path):
    cls = ALL_MODELS[key]
    names = [*_methods(cls), "save", "with_params"]
    assert "summary" in names
    for name in names:
        with pytest.raises(NotFittedError, match=rf"{cls.NAME} .*not fitted.* fit\(\)"):
            _call(cls(), key, name, path=tmp_path / "m.json", theta=np.ones(len(cls.PARAMS)))
    assert not (tmp_path / "m.json").exists()
    assert repr(cls()) == f"{cls.__name__}()"


# --- units ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("key", [k for k, c in ALL_MODELS.items()
                                 if issubclass(c, PurchaseModel) or c is GammaGamma])
def test_a_model_fitted_in_weeks_refuses_a_summary_in_days(key):
    model = fitted(key)
    assert model.unit_ == "week"
    days = _cdnow("day")
    args = (days, 39.0) if isinstance(model, PurchaseModel) else (days,)
    with pytest.raises(ClvError, match="fitted in weeks and the summary is in days"):
        model.predict(*args)
    assert model.predict(*((CDNOW, 39.0) if isinstance(model, PurchaseModel) else (CDNOW,))
                         ).height == CDNOW.frame.height


# --- from_params ----------------------------------------------------------------------------------
@pytest.mark.parametrize("key", ALL_MODELS)
def test_from_params_predicts_as_the_fitted_model(key):
    model = fitted(key)
    by_name = type(model).from_params(model.params_, unit=model.unit_)
    in_order = type(model).from_params(list(model.params_.values()), unit=model.unit_)
    # what needs the fit's uncertainty or limits is not asked of a model given its parameters
    skip = ("summary", "log_covariance", "shared_dropout")
    want = _outputs(model, key, skip)
    _assert_same(_outputs(by_name, key, skip), want)
    _assert_same(_outputs(in_order, key, skip), want)
    assert not by_name.converged_ and by_name.n_customers_ == 0
    assert all(math.isnan(v) for v in by_name.stderr_.values())
    assert np.isnan(by_name.covariance_).all() and math.isnan(by_name.loglik_)
    assert by_name.summary()["estimate"].to_list() == list(model.params_.values())


@pytest.mark.parametrize(("params", "unit", "message"), [
    ({"r": 1.0, "alpha": 2.0, "a": 1.0}, None, "missing: b"),
    ({"r": 1.0, "alpha": 2.0, "a": 1.0, "b": 1.0, "s": 1.0}, None, "unknown: s"),
    ([1.0, 2.0, 3.0], None, "4 parameters"),
    ([1.0, 2.0, 3.0, 0.0], None, "b must be finite and > 0"),
    ([1.0, -2.0, 3.0, 1.0], None, "alpha must be finite and > 0"),
    ([1.0, 2.0, math.inf, 1.0], None, "a must be finite and > 0"),
    ([1.0, 2.0, math.nan, 1.0], None, "a must be finite and > 0"),
    ([1.0, 2.0, "x", 1.0], None, "a must be a number"),
    ("1234", None, "not text"),
    ([1.0, 2.0, 3.0, 1.0], "fortnight", "unit must be one of"),
])
def test_from_params_checks_its_input(params, unit, message):
    with pytest.raises(ClvError, match=message):
        ALL_MODELS["bgnbd"].from_params(params, unit=unit)
