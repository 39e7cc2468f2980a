"""Customer ids as the tables hold them: text, trimmed, blanks as null, and integral numbers
written as integers, so that the same customer is the same id in every table."""

from __future__ import annotations

from typing import cast

import polars as pl

from clv.errors import DataError


def single_values(frame: pl.DataFrame, column: str, source: str) -> str:
    """``column``, once checked to hold one value per row: a column of lists, records or
    Python objects (a frame's nested column) cannot be an id, a date or an amount, and is
    refused with its name rather than left to fail in a cast."""
    dtype = frame.schema[column]
    if dtype.is_nested() or dtype == pl.Object:
        raise DataError(key="error_nested", values={"dtype": str(dtype)}, source=source,
                        column=column)
    return column


def clean_text(expr: pl.Expr) -> pl.Expr:
    """Text trimmed, blank as null."""
    text = expr.cast(pl.String).str.strip_chars()
    return pl.when(text == "").then(None).otherwise(text)


def untrimmed(dtype: pl.DataType) -> bool:
    """True when values of ``dtype`` written as text can never start or end with whitespace
    nor be blank (numbers, dates, booleans), so that :func:`clean_text` is a cast (an Int64
    order id: 0.2 s on 10.8M rows instead of 0.6 s)."""
    return dtype.is_numeric() or dtype.is_temporal() or dtype == pl.Boolean


FEW_VALUES = 100
"""A text column whose first ``HEAD_ROWS`` rows hold at most this many distinct values is
checked on its distinct values (a product or channel: 8 of them on 10.8M rows)."""
HEAD_ROWS = 10_000


def clean_values(values: pl.Series) -> pl.Series:
    """:func:`clean_text` of a Series, by its cheapest exact path: a cast for numbers and
    dates; for text, the column itself when its distinct values are already clean (few of
    them: 0.08 s on 10.8M rows, and no copy), else the trimmed text, its blanks made null
    only when there are some (the conditional of :func:`clean_text` costs more than the
    trimming: 0.2 s on 10.8M rows). Each step is an expression over the column's chunks
    (which Polars runs in parallel; the same method of the Series runs on one thread)."""
    frame = values.to_frame("v")
    v = pl.col("v")
    if untrimmed(values.dtype):
        return frame.select(v.cast(pl.String)).to_series().alias(values.name)
    if values.dtype != pl.String:
        return frame.select(clean_text(v)).to_series().alias(values.name)
    if values.head(HEAD_ROWS).n_unique() <= FEW_VALUES:
        distinct = frame.select(v.unique().drop_nulls())
        if distinct.select(((v.str.strip_chars() == v) & (v != "")).all()).item():
            return values
    text = frame.select(v.str.strip_chars())
    if text.select((v.str.len_bytes() == 0).any()).item():
        text = text.select(pl.when(v != "").then(v))
    return text.to_series().alias(values.name)


INTEGRAL = r"^-?\d+(\.0+)?$"
"""An integer id, written as one (``12346``) or as a float (``12346.0``)."""
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
"""An email address (the shape only: something, ``@``, a domain with a dot)."""
EMAIL_SHARE = 0.9
"""A column is of emails when this share of its first ``HEAD_ROWS`` ids are emails."""


def clean_ids(values: pl.Series) -> pl.Series:
    """Customer ids as text: trimmed, blanks as null, integral numbers written as integers,
    and emails in lower case (:func:`clean_ids_merged`)."""
    return clean_ids_merged(values, count=False)[0]


def clean_ids_merged(values: pl.Series, *, count: bool = True) -> tuple[pl.Series, int]:
    """:func:`clean_ids`, and how many distinct ids lower-casing emails merged into others
    (0 when ``count`` is False, which skips counting them).

    - Integral numbers are written as integers (``12346.0`` -> ``12346``: a float column
      from Parquet or Excel, or text written from one, must join with a table keyed by
      integers), also in a text column mixing both forms (``12346`` and ``12346.0`` are one
      customer) when every id is an integer written either way (:data:`INTEGRAL`).
    - Emails are compared without case: in a column of emails (:data:`EMAIL_SHARE` of its
      first ids), every id is lower-cased (``ANNA@X.COM`` is ``anna@x.com``, as a mail
      server reads it). The first ids decide, as for the other rules, so that a column of
      other ids costs one look at its head."""
    if values.dtype.is_float():
        finite = values.drop_nulls().drop_nans()
        if finite.len() and bool((finite == finite.round(0)).all()) \
                and float(finite.abs().max()) < 2**53:
            values = values.fill_nan(None).cast(pl.Int64)
        return clean_values(values), 0
    text = clean_values(values)
    kind = values.dtype
    merged = 0
    if text.dtype == pl.String and not (kind.is_integer() or kind.is_temporal()
                                        or kind == pl.Boolean):  # never written '12.0'
        # the first ids decide whether the whole column is worth checking: one of them that
        # is not integral is enough to say no; a column without a '.' has nothing to strip
        head = text.head(HEAD_ROWS).drop_nulls()
        if (head.len() == 0 or bool(head.str.contains(INTEGRAL).all())) \
                and text.null_count() < text.len() \
                and _written_as_float(text) \
                and bool(text.drop_nulls().str.contains(INTEGRAL).all()):
            text = text.str.replace(r"\.0+$", "")
        elif head.len() and cast(float, head.str.contains(EMAIL).mean()) >= EMAIL_SHARE:
            text, merged = _lower_emails(text, count)
    return text.alias(values.name), merged


def _written_as_float(text: pl.Series) -> bool:
    """True when some id has a decimal point. Only those ending in 0 are looked at (an
    integer written as a float ends in '.0'): 0.2 s on 10.8M integer ids, where searching
    every id for a point takes 0.45 s (on a loaded machine)."""
    v = pl.col("v")
    return bool(text.to_frame("v").lazy().filter(v.str.ends_with("0"))
                .select(v.str.contains(".", literal=True).any()).collect().item())


def _lower_emails(text: pl.Series, count: bool) -> tuple[pl.Series, int]:
    """The ids lower-cased, and (``count``) the distinct ids fewer for it; the column itself
    when none has an upper-case letter.

    The count looks at the ids that change only: of the distinct ones with an upper-case
    letter (A), those whose lower case is another of them or an id written in lower case
    (B) are merged, |A| - |lower(A)| + |lower(A) in B|, without counting the distinct ids of
    the whole column twice (4 s more on 10.8M emails)."""
    v = pl.col("v")
    frame = text.to_frame("v").with_columns(v.str.to_lowercase().alias("lower"))
    changed = frame.select((v != pl.col("lower")).fill_null(False)).to_series()
    if not changed.any():
        return text, 0
    lower = frame["lower"].alias(text.name)
    if not count:
        return lower, 0
    upper = frame.filter(changed)["v"].unique()
    lowered = upper.str.to_lowercase().unique()
    # the ids written in lower case that some changed id becomes (a set of the few lowered
    # ids probed by the others, not a set of the others)
    met = frame.lazy().filter(~pl.lit(changed) & v.is_in(lowered.implode())).select(
        v.n_unique()).collect().item()
    return lower, upper.len() - lowered.len() + int(met)
