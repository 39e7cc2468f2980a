"""Probabilistic customer-base models fitted by maximum likelihood."""

from clv.models.base import ConvergenceError, Model
from clv.models.bgnbd import BGNBD

__all__ = ["BGNBD", "ConvergenceError", "Model"]
