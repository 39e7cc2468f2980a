"""Readers of the inputs that are not transaction logs: discrete-time patterns (BG/BB),
subscriptions (sBG, MRR), marketing spend and customer attributes. Same sources as
transactions (files, frames, databases); a value that cannot be read stops the read with the
file, row and column, since a model fitted on a silently shortened table would be wrong."""

from __future__ import annotations

from typing import Any

import polars as pl

from clv.data.dates import parse_dates
from clv.data.ids import clean_ids, single_values
from clv.data.mapping import listed
from clv.data.readers import ROW, RawTable, read_raw
from clv.errors import DataError
from clv.notes import Note


def _column(raw: RawTable, name: str, what: str) -> str:
    lower = {c.lower().strip(): c for c in raw.frame.columns if c != ROW}
    if name.lower() not in lower:
        raise DataError(f"no column '{name}' ({what}); columns: "
                        + listed([c for c in raw.frame.columns if c != ROW]),
                        source=raw.source)
    return single_values(raw.frame, lower[name.lower()], raw.source)


def _numbers(raw: RawTable, column: str, what: str = "a count or time") -> pl.Series:
    values = raw.frame[column]
    parsed = values.cast(pl.String).str.strip_chars().cast(pl.Float64, strict=False) \
        if values.dtype == pl.String else values.cast(pl.Float64, strict=False)
    bad = parsed.is_null() | ~parsed.is_finite().fill_null(False) | (parsed < 0).fill_null(False)
    if bad.any():
        first = int(bad.arg_max() or 0)
        raise DataError(f"'{values[first]}' is not {what} >= 0 ({int(bad.sum())} such rows)",
                        source=raw.source, row=int(raw.frame[ROW][first]), column=column)
    return parsed


WEIGHT_NAMES = ("weight", "weights", "count", "n", "customers")
"""Column names read as the number of customers of each pattern."""


def read_patterns(source: Any, *, frequency: str = "frequency", recency: str = "recency",
                  periods: str = "periods", weight: str | None = None, **options: Any
                  ) -> pl.DataFrame:
    """Discrete-time patterns (x, t_x, n) with their counts, as in the donations data of Fader,
    Hardie & Shang (2010); ``periods`` may also be lifetimes' ``n_periods``; ``weight``
    (default: a column named weight, weights, count, n or customers, else 1 per row) gives
    the number of customers of each row. Without ``weight``, a column that is none of these
    is refused, since it may be the weight under another name (a fit ignoring it would be
    wrong without a word)."""
    raw = read_raw(source, **options)
    names = {c.lower().strip(): c for c in raw.frame.columns if c != ROW}
    if periods == "periods" and "periods" not in names and "n_periods" in names:
        periods = "n_periods"
    cols = {"frequency": _column(raw, frequency, "transactions x"),
            "recency": _column(raw, recency, "last transaction t_x"),
            "periods": _column(raw, periods, "opportunities n")}
    if weight is None:
        found = [names[w] for w in WEIGHT_NAMES if w in names]
        if len(found) > 1:
            raise DataError(f"several columns could be the customers per row: "
                            f"{', '.join(found)}; name one with weight=...", source=raw.source)
        weight = found[0] if found else None
        unknown = [c for c in names.values() if c not in (*cols.values(), weight)]
        if unknown:
            raise DataError(f"column(s) {', '.join(unknown)} not understood: patterns have "
                            "frequency, recency, periods and the customers of each row in a "
                            "column named weight, weights, count, n or customers (or name it "
                            "with weight=...)", source=raw.source)
    else:
        weight = _column(raw, weight, "customers per row")
    out = pl.DataFrame({k: _numbers(raw, c) for k, c in cols.items()})
    out = out.with_columns(weight=_numbers(raw, weight) if weight else pl.lit(1.0))
    bad = out.with_row_index("i").filter(
        (pl.col("recency") > pl.col("periods")) | (pl.col("frequency") > pl.col("recency"))
        | ((pl.col("frequency") > 0) & (pl.col("recency") < 1)))
    if bad.height:
        i = int(bad["i"][0])
        raise DataError("needs frequency <= recency <= periods and recency >= 1 when frequency > "
                        f"0 ({bad.height} rows do not)", source=raw.source,
                        row=int(raw.frame[ROW][i]))
    return out


def read_subscriptions(source: Any, *, customer: str = "customer_id", start: str = "start",
                       end: str = "end", date_format: str | None = None,
                       keep: tuple[str, ...] = (), mrr: str | None = None,
                       **options: Any) -> pl.DataFrame:
    """Subscriptions with their start and, once cancelled, end date (empty while active);
    ``keep`` names other columns to carry along (plan, channel...); ``mrr`` names the
    monthly revenue column, read as a number >= 0 into ``mrr``."""
    raw = read_raw(source, **options)
    names = {"customer_id": _column(raw, customer, "customer id"),
             "start": _column(raw, start, "start date"), "end": _column(raw, end, "end date")}
    extra = {k: _column(raw, k, "kept column") for k in keep}
    frame = raw.frame
    out = {"customer_id": frame[names["customer_id"]].cast(pl.String)}
    for key in ("start", "end"):
        values = frame[names[key]]
        text = values.cast(pl.String).str.strip_chars()
        empty = text.is_null() | (text == "")
        parsed = parse_dates(values.set(empty, None) if values.dtype == pl.String else values,
                             date_format, source=raw.source).values.dt.date()
        bad = parsed.is_null() & ~empty if key == "end" else parsed.is_null()
        if bad.any():
            first = int(bad.arg_max() or 0)
            raise DataError(f"'{values[first]}' is not a date ({int(bad.sum())} such rows)",
                            source=raw.source, row=int(frame[ROW][first]), column=names[key])
        out[key] = parsed
    if mrr is not None:
        out["mrr"] = _numbers(raw, _column(raw, mrr, "monthly revenue"), "an amount")
    return pl.DataFrame(out).with_columns(
        [frame[c].alias(k) for k, c in extra.items()])


def read_spend(source: Any, *, date_format: str | None = None, **options: Any
               ) -> pl.DataFrame:
    """Marketing spend: ``channel``, optional ``campaign``, the month (``month`` or
    ``period_start``, any date in it), ``spend`` >= 0 and optional ``leads`` or
    ``prospects``."""
    raw = read_raw(source, **options)
    names = {c.lower().strip(): c for c in raw.frame.columns if c != ROW}
    month = names.get("month") or names.get("period_start")
    if month is None:
        raise DataError("no column 'month' (or 'period_start') for the spend's month",
                        source=raw.source)
    values = raw.frame[single_values(raw.frame, month, raw.source)]
    parsed = parse_dates(values, date_format, source=raw.source).values.dt.date()
    if parsed.is_null().any():
        first = int(parsed.is_null().arg_max() or 0)
        raise DataError(f"'{values[first]}' is not a date", source=raw.source,
                        row=int(raw.frame[ROW][first]), column=month)
    out = {"channel": raw.frame[_column(raw, "channel", "acquisition channel")]
           .cast(pl.String), "month": parsed,
           "spend": _numbers(raw, _column(raw, "spend", "amount spent"), "an amount")}
    if "campaign" in names:
        out["campaign"] = raw.frame[single_values(raw.frame, names["campaign"], raw.source)
                                    ].cast(pl.String)
    for extra in ("leads", "prospects"):
        if extra in names:
            out["leads"] = _numbers(raw, single_values(raw.frame, names[extra], raw.source),
                                    "a count")
            break
    return pl.DataFrame(out)


def read_customers(source: Any, *, customer: str = "customer_id", **options: Any
                   ) -> pl.DataFrame:
    """Customer attributes: the id and every other column, as read (channel, campaign,
    country...); one row per customer (the first when repeated)."""
    raw = read_raw(source, **options)
    key = _column(raw, customer, "customer id")
    return raw.frame.drop(ROW).with_columns(clean_ids(raw.frame[key]).alias("customer_id")
                                            ).unique("customer_id", keep="first",
                                                     maintain_order=True)


def join_customers(table: pl.DataFrame, customers: pl.DataFrame, columns: list[str]
                   ) -> tuple[pl.DataFrame, list[Note]]:
    """``table`` (one row per customer, with ``customer_id``) with the ``columns`` of the
    customer attributes table ``customers`` (its first row per id), every row of ``table``
    kept in its order, null where a customer has no row; and a note when no id of
    ``customers`` is a customer of ``table`` (ids written differently, such as '12345.0'
    against '12345'), which would otherwise leave every attribute empty without a word."""
    missing = [c for c in ("customer_id", *columns) if c not in customers.columns]
    if missing:
        raise DataError(f"no column(s) {', '.join(missing)} in the customers table",
                        source="customers")
    source = customers.select(clean_ids(customers["customer_id"]).alias("customer_id"),
                              *columns).unique("customer_id", keep="first",
                                               maintain_order=True)
    ids = table.select(pl.col("customer_id").cast(pl.String))
    notes = []
    if source.height and table.height and ids.join(source, on="customer_id",
                                                    how="semi").height == 0:
        notes.append(Note("customers_unmatched", rows=source.height,
                          example=source["customer_id"][0], known=ids["customer_id"][0],
                          columns=", ".join(f"'{c}'" for c in columns)))
    joined = table.with_columns(pl.col("customer_id").cast(pl.String)).join(
        source, on="customer_id", how="left", maintain_order="left").with_columns(
        pl.col("customer_id").cast(table.schema["customer_id"]))
    return joined, notes
