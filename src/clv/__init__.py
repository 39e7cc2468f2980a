"""clv: measure, predict and explain customer lifetime value."""

from clv.data import DataIssues, Transactions, read_transactions
from clv.datasets import sample_saas, sample_shop
from clv.errors import AmbiguousDateError, ClvError, DataError, MappingError
from clv.prep import Summary, compress, rfm_summary

__version__ = "0.1.0"

__all__ = [
    "AmbiguousDateError",
    "ClvError",
    "DataError",
    "DataIssues",
    "MappingError",
    "Summary",
    "Transactions",
    "compress",
    "read_transactions",
    "rfm_summary",
    "sample_saas",
    "sample_shop",
]
