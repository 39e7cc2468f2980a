"""Reading and validating input data: sources, column mapping, the DataIssues report."""

from clv.data.issues import DataIssues, Exclusion
from clv.data.mapping import PRESETS, Mapping, resolve_mapping
from clv.data.transactions import Transactions, read_transactions

__all__ = ["PRESETS", "DataIssues", "Exclusion", "Mapping", "Transactions", "read_transactions",
           "resolve_mapping"]
