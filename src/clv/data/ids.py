"""Customer ids as the tables hold them: text, trimmed, blanks as null, and integral numbers
written as integers, so that the same customer is the same id in every table."""

from __future__ import annotations

import polars as pl

from clv.errors import DataError


def single_values(frame: pl.DataFrame, column: str, source: str) -> str:
    """``column``, once checked to hold one value per row: a column of lists, records or
    Python objects (a frame's nested column) cannot be an id, a date or an amount, and is
    refused with its name rather than left to fail in a cast."""
    dtype = frame.schema[column]
    if dtype.is_nested() or dtype == pl.Object:
        raise DataError(f"holds {dtype} values (lists or records), not one value per row; "
                        "flatten it first (e.g. with explode or unnest)", source=source,
                        column=column)
    return column


def clean_text(expr: pl.Expr) -> pl.Expr:
    """Text trimmed, blank as null."""
    text = expr.cast(pl.String).str.strip_chars()
    return pl.when(text == "").then(None).otherwise(text)


def clean_ids(values: pl.Series) -> pl.Series:
    """Customer ids as text: trimmed, blanks as null, and integral numbers written as integers
    (``12346.0`` -> ``12346``: a float column from Parquet or Excel, or text written from one,
    must join with a table keyed by integers)."""
    if values.dtype.is_float():
        finite = values.drop_nulls().drop_nans()
        if finite.len() and bool((finite == finite.round(0)).all()) \
                and float(finite.abs().max()) < 2**53:
            values = values.fill_nan(None).cast(pl.Int64)
        return pl.select(clean_text(pl.lit(values))).to_series().alias(values.name)
    text = pl.select(clean_text(pl.lit(values))).to_series()
    if text.dtype == pl.String:
        present = text.drop_nulls()
        integral = r"^-?\d+\.0+$"
        # the first ids decide whether the whole column is worth checking
        if present.len() and bool(present.head(1000).str.contains(integral).all()) \
                and bool(present.str.contains(integral).all()):
            text = text.str.replace(r"\.0+$", "")
    return text.alias(values.name)
