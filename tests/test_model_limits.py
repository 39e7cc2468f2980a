"""A fit at a limit is labelled as what its estimates are: the dropout's a -> 0 (b finite) or
b -> inf is no dropout; a and b both -> inf, a/(a+b) kept, is one dropout probability shared
by every customer (Pareto/NBD: s, beta -> inf, s/beta); r and alpha both -> inf is one purchase
rate. Checked on data simulated with known parameters, in English and French."""

import numpy as np
import polars as pl
import pytest

from clv.models import BGNBD, MBGNBD, ParetoNBD
from clv.models.base import PurchaseModel
from clv.report.text import note

SEEDS = (1, 2, 3, 4)


def simulate_bg(n: int, p: float, d: int, seed: int, r: float | None = 0.8,
                alpha: float = 8.0) -> pl.DataFrame:
    """BG/NBD (d = 0) or MBG/NBD (d = 1) histories whose every customer drops out with the
    same probability ``p`` after a purchase; rates Gamma(r, alpha), or all 1/alpha when r is
    None."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(r, 1 / alpha, n) if r else np.full(n, 1 / alpha)
    t_cap = rng.uniform(20.0, 100.0, n)
    arrivals = rng.poisson(lam * t_cap)
    x = np.minimum(arrivals, rng.geometric(p, n) - d) if p > 0 else arrivals
    tx = np.where(x > 0, t_cap * rng.beta(np.maximum(x, 1), arrivals - x + 1), 0.0)
    return pl.DataFrame({"frequency": x, "recency": tx, "T": t_cap})


def simulate_pareto(n: int, mu: float, seed: int, r: float = 0.8, alpha: float = 8.0
                    ) -> pl.DataFrame:
    """Pareto/NBD histories whose every customer has the same dropout rate ``mu``."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(r, 1 / alpha, n)
    t_cap = rng.uniform(20.0, 100.0, n)
    alive_for = np.minimum(rng.exponential(1 / mu, n), t_cap)
    x = rng.poisson(lam * alive_for)
    tx = np.where(x > 0, alive_for * rng.uniform(size=n) ** (1 / np.maximum(x, 1)), 0.0)
    return pl.DataFrame({"frequency": x, "recency": tx, "T": t_cap})


def keys(model: PurchaseModel) -> list[str]:
    return [n.key for n in model.notes_]


def said(model: PurchaseModel, key: str) -> tuple[str, str]:
    (one,) = [n for n in model.notes_ if n.key == key]
    return note(one, "en"), note(one, "fr")


def no_dropout_is_true(model: PurchaseModel) -> None:
    """'no dropout' only where the estimates are a dropout that vanishes."""
    shape, scale = model.DROPOUT_PAIR or ("", "")
    limits = model.boundary_
    if "no_dropout" in keys(model):
        assert ((limits.get(shape) == "0" and limits.get(scale) != "0")
                or (limits.get(scale) == "inf" and limits.get(shape) != "inf")), limits
        assert model.params_[shape] / (model.params_[shape] + model.params_[scale]) < 0.01


@pytest.mark.parametrize(("cls", "d"), [(BGNBD, 0), (MBGNBD, 1), (MBGNBD, 0)])
def test_one_dropout_probability_is_said_as_such(cls, d):
    """Every customer drops out with p = 0.3: at the limit the fit says one dropout
    probability shared by every customer (a/(a+b) near p), never no dropout."""
    at_limit = 0
    for seed in SEEDS:
        m = cls().fit(simulate_bg(5000, 0.3, d, seed))
        a, b = m.params_["a"], m.params_["b"]
        assert "no_dropout" not in keys(m) and m.boundary_.get("a") != "0", (seed, m.params_)
        if d == 1 or cls is BGNBD:  # the model the data come from: p recovered
            assert a / (a + b) == pytest.approx(0.3, abs=0.03), (seed, m.params_)
        if m.boundary_.get("a") == "inf":
            at_limit += 1
            assert m.boundary_ == {"a": "inf", "b": "inf"}
            assert keys(m) == ["same_dropout"]
            en, fr = said(m, "same_dropout")
            shown = f"{a / (a + b):.3g}"
            assert "every customer has the same dropout (" + shown + " per purchase" in en
            assert "a -> inf, b -> inf" in en and "no evidence of customer dropout" not in en
            assert "tous les clients ont le même abandon (" + shown.replace(".", ",") in fr
            assert "aucun signe d'attrition" not in fr
        else:  # not at the limit: a and b finite, no label
            assert not m.boundary_ and not keys(m)
    assert at_limit >= 2  # the limit is the truth: most fits end there


def test_one_dropout_rate_pareto():
    """Pareto/NBD on one dropout rate mu = 0.02: s, beta -> inf, s/beta near mu."""
    at_limit = 0
    for seed in SEEDS:
        m = ParetoNBD().fit(simulate_pareto(5000, 0.02, seed))
        s, beta = m.params_["s"], m.params_["beta"]
        assert "no_dropout" not in keys(m) and m.boundary_.get("s") != "0"
        assert s / beta == pytest.approx(0.02, rel=0.25), (seed, m.params_)
        if m.boundary_.get("s") == "inf":
            at_limit += 1
            assert m.boundary_ == {"s": "inf", "beta": "inf"} and keys(m) == ["same_dropout"]
            en, fr = said(m, "same_dropout")
            assert "every customer has the same dropout" in en and "même abandon" in fr
    assert at_limit >= 1


def test_no_dropout_is_said_when_dropout_vanishes():
    """Nobody drops out: a -> 0 or b -> inf with the other not at the same end."""
    for cls in (BGNBD, MBGNBD):
        m = cls().fit(simulate_bg(4000, 0.0, 0, 5))
        assert "no_dropout" in keys(m), (m.params_, dict(m.boundary_))
        no_dropout_is_true(m)
        en, fr = said(m, "no_dropout")
        assert "no evidence of customer dropout" in en and "aucun signe d'attrition" in fr


def test_one_purchase_rate_is_said():
    """Every customer buys at the rate 1/8 a week: r, alpha -> inf, r/alpha near 1/8."""
    seen = 0
    for seed in SEEDS:
        m = BGNBD().fit(simulate_bg(4000, 0.3, 0, seed, r=None))
        no_dropout_is_true(m)
        if m.boundary_.get("r") == "inf":
            seen += 1
            assert m.boundary_.get("alpha") == "inf"
            (same,) = [n for n in m.notes_ if n.key == "same_rate"]
            assert same.values["value"] == pytest.approx(1 / 8, rel=0.1)
            en, fr = said(m, "same_rate")
            assert "every customer buys at the same rate" in en
            assert "tous les clients achètent au même rythme" in fr
    assert seen >= 2


def test_a_and_b_towards_0_together_are_not_no_dropout():
    """A rare dropout (p = 0.05) hardly bounds the Beta: the search may drift with a and b
    towards 0 together, their ratio kept; that is no absence of dropout (it was labelled
    'no dropout (a -> 0, b -> 0)' with a = 4.1, b = 77): a, b are said not identified."""
    m = BGNBD().fit(simulate_bg(2000, 0.05, 0, 1, r=None))
    a, b = m.params_["a"], m.params_["b"]
    assert a / (a + b) == pytest.approx(0.05, abs=0.02)
    assert "no_dropout" not in keys(m), (m.params_, dict(m.boundary_))
    assert m.boundary_.get("a") != "0" and m.boundary_.get("b") != "0"
    if m.boundary_.get("a") == "unidentified":
        en, fr = said(m, "unidentified")
        assert "a, b" in en and "a, b" in fr
