"""clv on Apache Spark: the same reading rules, summary, fit and scores for logs beyond one
machine (extra ``clv[spark]``: pyspark, and a Java runtime).

The rules are those of the Polars path, written as Spark expressions, and tested equal to it
row for row (``tests/test_spark.py``):

- :func:`read_transactions` validates a Spark DataFrame of transactions (or a Parquet path,
  or a catalogue table) with the readers' exclusion reasons, in their order, their counts,
  amounts and examples, and the conservation check (:class:`SparkTransactions`);
- :func:`rfm_summary` merges the purchases of a customer and period and computes frequency,
  recency, T, monetary and the holdout columns per customer (:class:`SparkSummary`, whose
  ``report`` is the Polars summary's);
- :func:`compress` brings the distinct (frequency, recency, T) rows and their weights to the
  driver, where :func:`fit` fits the purchase model with clv's own fitters, and the spend
  model on the repeat buyers' (frequency, monetary);
- :func:`score` values each distinct (frequency, recency, T) once on the driver with
  :func:`clv.value.customer_value` (P(alive), expected and discounted purchases over the
  horizon and over the lifetime) and joins the values back in Spark; the expected spend of
  each customer is the Gamma-Gamma expectation written as a Spark expression.

What travels to the driver: the first rows (to detect the columns), a few rows of counts and
examples, the distinct (frequency, recency, T) with weights (at the week, some 0.3M rows for
20M customers) and the repeat buyers' (frequency, monetary) for the spend model (16 bytes
each). Nothing per transaction.
"""

from __future__ import annotations

from clv.spark.analysis import analyze
from clv.spark.core import (
    SparkScores,
    SparkSummary,
    SparkTransactions,
    compress,
    fit,
    read_transactions,
    rfm_summary,
    score,
    session,
)

__all__ = ["SparkScores", "SparkSummary", "SparkTransactions", "analyze", "compress", "fit",
           "read_transactions", "rfm_summary", "score", "session"]
