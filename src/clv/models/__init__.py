"""Probabilistic customer-base models fitted by maximum likelihood."""

from clv.models.base import ConvergenceError, Model, NotFittedError, PurchaseModel
from clv.models.bgbb import BGBB
from clv.models.bgnbd import BGNBD, MBGNBD
from clv.models.gamma_gamma import DependenceWarning, GammaGamma
from clv.models.nbd import NBD
from clv.models.pareto_nbd import ParetoNBD
from clv.models.registry import ALL_MODELS, MODELS
from clv.models.sbg import SBG

__all__ = ["ALL_MODELS", "BGBB", "BGNBD", "MBGNBD", "MODELS", "NBD", "SBG", "ConvergenceError",
           "DependenceWarning", "GammaGamma", "Model", "NotFittedError", "ParetoNBD",
           "PurchaseModel"]
