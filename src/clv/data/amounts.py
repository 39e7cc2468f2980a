"""Parsing money amounts written in any common convention.

Handles currency symbols and ISO codes before or after the number (``12,50 €``, ``$1,234.00``,
``EUR 9.90``), decimal comma or point, thousands separators (comma, point, space, no-break space,
apostrophe), negatives written ``-12``, ``12-`` or ``(12)``. Each value is read by its own
unambiguous evidence; a value such as ``1,234`` (thousands or decimals?) follows the convention
the rest of the column shows, and if the column shows none, the English reading with a note.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from clv.errors import DataError
from clv.notes import Note

SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY", "₹": "INR", "₩": "KRW", "₽": "RUB"}
_SYMBOL_CLASS = "[" + "".join(SYMBOLS) + "]"
_CODE = r"\b[A-Z]{3}\b"
_CURRENCY = rf"({_SYMBOL_CLASS}|{_CODE})"


@dataclass
class ParsedAmounts:
    """Amounts as floats (null where unparsable), currency per row (null when not written)."""

    amount: pl.Series
    currency: pl.Series
    notes: list[str] = field(default_factory=list)


def parse_amounts(values: pl.Series, decimal: str | None = None) -> ParsedAmounts:
    """Parse a column of amounts.

    ``decimal`` forces the decimal separator (``","`` or ``"."``); by default it is read from
    each value, and from the column's convention for values that are ambiguous on their own.
    Numeric columns pass through unchanged.
    """
    if values.dtype.is_numeric():
        return ParsedAmounts(values.cast(pl.Float64), pl.repeat(
            None, len(values), dtype=pl.String, eager=True).alias(values.name))
    if decimal not in (None, ",", "."):
        raise DataError(key="error_decimal")
    s = values.cast(pl.String).str.strip_chars()
    frame = pl.DataFrame({"s": s})
    cur = pl.col("s").str.extract(_CURRENCY, 1)
    currency = (
        pl.when(cur.is_in(list(SYMBOLS)))
        .then(cur.replace_strict(SYMBOLS, default=None, return_dtype=pl.String))
        .otherwise(cur.str.to_uppercase())
    )
    num = (
        pl.col("s")
        .str.replace_all(_CURRENCY, "")
        .str.replace_all(r"[\s\u00a0\u202f']", "")
    )
    frame = frame.with_columns(currency.alias("currency"), num.alias("n"))
    n = pl.col("n")
    paren = n.str.contains(r"^\(.*\)$")
    trailing_minus = n.str.contains(r"^[\d.,]+-$")
    core = n.str.replace_all(r"[()]", "").str.strip_chars_end("-")
    frame = frame.with_columns(
        (paren | trailing_minus).alias("neg"),
        pl.when(trailing_minus).then(core).otherwise(n.str.replace_all(r"[()]", "")).alias("n"),
    )
    commas = n.str.count_matches(",")
    dots = n.str.count_matches(r"\.")
    comma_last = n.str.contains(r",\d*$")
    amb_comma = n.str.contains(r"^[-+]?\d{1,3},\d{3}$")
    amb_dot = n.str.contains(r"^[-+]?\d{1,3}\.\d{3}$")
    # 'c' decimal comma, 'p' decimal point, 'C' comma thousands, 'P' point thousands,
    # '?c' / '?p' ambiguous single separator, 'i' integer.
    kind = (
        pl.when((commas > 0) & (dots > 0))
        .then(pl.when(comma_last).then(pl.lit("c")).otherwise(pl.lit("p")))
        .when((commas == 1) & (dots == 0))
        .then(pl.when(amb_comma).then(pl.lit("?c")).otherwise(pl.lit("c")))
        .when((commas > 1) & (dots == 0))
        .then(pl.lit("C"))
        .when((dots == 1) & (commas == 0))
        .then(pl.when(amb_dot).then(pl.lit("?p")).otherwise(pl.lit("p")))
        .when((dots > 1) & (commas == 0))
        .then(pl.lit("P"))
        .otherwise(pl.lit("i"))
    )
    frame = frame.with_columns(kind.alias("kind"))
    notes: list[str] = []
    if decimal is None:
        counts = dict(frame.group_by("kind").len().iter_rows())
        comma_evidence = counts.get("c", 0) + counts.get("P", 0)
        point_evidence = counts.get("p", 0) + counts.get("C", 0)
        ambiguous = counts.get("?c", 0) + counts.get("?p", 0)
        if comma_evidence and point_evidence:
            notes.append(Note("mixed_decimals", column=values.name, commas=comma_evidence,
                              points=point_evidence))
        decimal = "," if comma_evidence > point_evidence else "."
        if ambiguous and not (comma_evidence or point_evidence):
            notes.append(Note("ambiguous_decimals", column=values.name, n=ambiguous))
    # Resolve ambiguous values by the column's convention, or force the user's choice.
    amb = {"?c": "c", "?p": "P"} if decimal == "," else {"?c": "C", "?p": "p"}
    k = pl.col("kind").replace(amb)
    as_point = (
        pl.when(k == "c")
        .then(n.str.replace_all(r"\.", "").str.replace(",", ".", literal=True))
        .when(k.is_in(["p", "C"]))
        .then(n.str.replace_all(",", "", literal=True))
        .when(k == "P")
        .then(n.str.replace_all(r"\.", ""))
        .otherwise(n)
    )
    value = as_point.cast(pl.Float64, strict=False)
    value = pl.when(pl.col("neg")).then(-value.abs()).otherwise(value)
    out = frame.select(value.alias(values.name), pl.col("currency"))
    return ParsedAmounts(out[values.name], out["currency"], notes)
