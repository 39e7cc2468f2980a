"""clv: measure, predict and explain customer lifetime value.

The public names are imported on first use, so that ``import clv`` (and ``clv --help``,
``clv calc``) does not pay for Polars, NumPy, SciPy and the models until they are needed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_LAZY = {
    "DataIssues": "clv.data", "Transactions": "clv.data", "read_transactions": "clv.data",
    "sample_saas": "clv.datasets", "sample_shop": "clv.datasets",
    "AmbiguousDateError": "clv.errors", "ClvError": "clv.errors", "DataError": "clv.errors",
    "MappingError": "clv.errors", "Summary": "clv.prep", "compress": "clv.prep",
    "rfm_summary": "clv.prep", "analyze": "clv.pipeline", "Analysis": "clv.pipeline",
    "Settings": "clv.valuation", "value_customers": "clv.valuation",
}

if TYPE_CHECKING:
    from clv.data import DataIssues, Transactions, read_transactions
    from clv.datasets import sample_saas, sample_shop
    from clv.errors import AmbiguousDateError, ClvError, DataError, MappingError
    from clv.pipeline import Analysis, analyze
    from clv.prep import Summary, compress, rfm_summary
    from clv.valuation import Settings, value_customers


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'clv' has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


__all__ = [
    "AmbiguousDateError", "Analysis", "ClvError", "DataError", "DataIssues", "MappingError",
    "Settings", "Summary", "Transactions", "analyze", "compress", "read_transactions",
    "rfm_summary", "sample_saas", "sample_shop", "value_customers",
]
