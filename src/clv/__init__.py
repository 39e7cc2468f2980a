"""clv: measure, predict and explain customer lifetime value."""

from clv.data import DataIssues, Transactions, read_transactions
from clv.datasets import sample_saas, sample_shop
from clv.errors import AmbiguousDateError, ClvError, DataError, MappingError
from clv.prep import Summary, compress, rfm_summary

__version__ = "0.1.0"

_LAZY = {"analyze", "Analysis", "Settings"}  # clv.pipeline imports every model: on first use


def __getattr__(name: str) -> object:
    if name in _LAZY:
        from clv import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'clv' has no attribute {name!r}")

__all__ = [
    "AmbiguousDateError",
    "Analysis",
    "ClvError",
    "DataError",
    "DataIssues",
    "MappingError",
    "Summary",
    "Settings",
    "Transactions",
    "analyze",
    "compress",
    "read_transactions",
    "rfm_summary",
    "sample_saas",
    "sample_shop",
]
