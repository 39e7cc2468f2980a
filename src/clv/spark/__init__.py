"""clv on Apache Spark: the same reading rules, summary, fit, scores and whole analysis for
logs beyond one machine (extra ``clv[spark]``: pyspark, and a Java runtime).

The rules are those of the Polars path, written as Spark expressions, and tested equal to it
row for row (``tests/test_spark.py``, ``tests/test_spark_report.py``):

- :func:`read_transactions` validates a Spark DataFrame of transactions (or a Parquet path,
  or a catalogue table) with the readers' exclusion reasons, in their order, their counts,
  amounts and examples, the conservation check (:class:`SparkTransactions`) and the notes
  (an outlier amount's among them), ids and labels trimmed of the whitespace Polars trims
  (Unicode's, not only spaces); with an order id, a refund that names an earlier order of
  its customer is linked to it (``order_time``) as the readers link it; the shapes of real
  exports as the readers take them (``tests/test_spark_exports.py``): line items (quantity
  x unit price, free lines and negative prices excluded), cancellations (negative
  quantities, invoices prefixed C), a status column (its distinct values classified on the
  driver by the readers' rule), a currency column (one currency kept), blank-amount lines
  of an order with an amount elsewhere (Shopify), customer ids written as whole floats;
- :func:`rfm_summary` merges the purchases of a customer and period and computes frequency,
  recency, T, monetary and the holdout columns per customer (:class:`SparkSummary`, whose
  ``report`` is the Polars summary's); a linked refund nets against its order's period;
- :func:`compress` brings the distinct (frequency, recency, T) rows and their weights to the
  driver, where :func:`fit` fits the purchase model with clv's own fitters, and the spend
  model on the repeat buyers' (frequency, monetary);
- :func:`choose_model` (``model="auto"``, the default of every command) ranks the candidate
  models on a holdout by the Polars scorecard's criterion, RMSE of holdout transactions per
  customer, computed exactly from the distinct calibration rows with the count, sum and sum
  of squares of their customers' holdout purchases;
- :func:`score` values each distinct (frequency, recency, T) once on the driver with
  :func:`clv.value.customer_value` (P(alive) and the activity views', expected and
  discounted purchases over the horizon and over the lifetime) and joins the values back in
  Spark; the expected spend of each customer is the Gamma-Gamma expectation written as a
  Spark expression; with a ``level``, each customer's CLV interval, drawn by
  :func:`clv.value.value_intervals` once per distinct (frequency, recency, T, and under
  Gamma-Gamma the mean spend) row (``clv score --engine spark`` writes them to a Parquet
  directory or a Spark table);
- :func:`analyze` builds the :class:`clv.pipeline.Analysis` of the report (``clv report
  --engine spark``): read, summarised, fitted and scored in Spark, the customer-level results
  collected, the lines reduced in Spark to one row per customer and purchase day (cohorts,
  channels) and per customer and product (cross-sell), and every analysis made by the Polars
  path's own functions on the driver (see :mod:`clv.spark.analysis`); with ``model="auto"``,
  the Polars scorecard (errors per model, deciles, and the tracking of cumulative repeat
  purchases whose actual counts per unit of time are made in Spark), which the report draws.

What travels to the driver for a summary, a fit or scores: the first rows (to detect the
columns), a few rows of counts and examples, the distinct (frequency, recency, T) with weights
(at the week, some 0.3M rows for 20M customers), the repeat buyers' (frequency, monetary) for
the spend model (16 bytes each), and with intervals under Gamma-Gamma the repeat buyers'
distinct (frequency, recency, T, monetary). Nothing per transaction. :func:`analyze` collects
more (one row per customer, and per customer and purchase day): it is for customers in the
millions.
"""

from __future__ import annotations

from clv.spark.analysis import analyze
from clv.spark.core import (
    SparkChoice,
    SparkScores,
    SparkSummary,
    SparkTransactions,
    choose_model,
    compress,
    fit,
    purchase_model,
    read_transactions,
    rfm_summary,
    score,
    session,
)

__all__ = ["SparkChoice", "SparkScores", "SparkSummary", "SparkTransactions", "analyze",
           "choose_model", "compress", "fit", "purchase_model", "read_transactions",
           "rfm_summary", "score", "session"]
