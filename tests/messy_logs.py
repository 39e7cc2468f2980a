"""A log with a row of every exclusion reason the database and Spark engines apply, shared by
their tests (tests/test_database_summary.py, tests/test_spark.py)."""

from __future__ import annotations

import datetime as dt

import polars as pl


def messy(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` (customer_id, timestamp, amount, order_id) with a row of every exclusion
    reason (no customer, a blank one, no date, no amount, NaN, out of range, infinite, a
    placeholder date, a future date), a padded id, a zero-value row and four order lines
    repeated (duplicates)."""
    first = frame.row(0, named=True)
    bad = [
        {**first, "customer_id": None, "order_id": 10**9 + 1},
        {**first, "customer_id": "   ", "order_id": 10**9 + 2},
        {**first, "timestamp": None, "order_id": 10**9 + 3},
        {**first, "amount": None, "order_id": 10**9 + 4},
        {**first, "amount": float("nan"), "order_id": 10**9 + 5},
        {**first, "amount": 5e13, "order_id": 10**9 + 6},
        {**first, "amount": float("inf"), "order_id": 10**9 + 7},
        {**first, "timestamp": dt.datetime(1900, 1, 1), "order_id": 10**9 + 8},
        {**first, "timestamp": dt.datetime(2030, 5, 1), "order_id": 10**9 + 9},
        {**first, "customer_id": f"  {first['customer_id']}\t", "order_id": 10**9 + 10},
        {**first, "amount": 0.0, "order_id": 10**9 + 11},
    ]
    return pl.concat([frame, pl.DataFrame(bad, schema=frame.schema), frame.slice(5, 4)])
