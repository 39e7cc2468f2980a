"""Readers of the inputs that are not transaction logs: discrete-time patterns (BG/BB),
subscriptions (sBG, MRR), marketing spend and customer attributes. Same sources as
transactions (files, frames, databases); a value that cannot be read stops the read with the
file, row and column, since a model fitted on a silently shortened table would be wrong."""

from __future__ import annotations

from typing import Any

import polars as pl

from clv.data.amounts import parse_amounts
from clv.data.dates import parse_dates
from clv.data.ids import clean_ids, single_values
from clv.data.mapping import TABLE_REQUIRED, detect_columns, listed
from clv.data.readers import ROW, RawTable, read_raw
from clv.errors import DataError, MappingError
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


def _fields(raw: RawTable, kind: str, columns: dict[str, str | None] | None
            ) -> dict[str, str]:
    """The columns of a ``kind`` table's fields: those named in ``columns``, the others found
    by their English or French names (:data:`clv.data.mapping.TABLE_NAMES`); a missing
    required field is a :class:`MappingError` naming it and the columns there are."""
    have = [c for c in raw.frame.columns if c != ROW]
    found, _ = detect_columns(have, kind, columns)
    what = {"month": "the spend's month", "channel": "the acquisition channel",
            "spend": "the amount spent", "customer_id": "the customer id",
            "start": "the start date", "end": "the end date"}
    for fld in TABLE_REQUIRED[kind]:
        if fld not in found:
            raise MappingError(f"no column for {what.get(fld, fld)} ('{fld}'); columns: "
                               + listed(have), source=raw.source, field=fld)
    return {f: single_values(raw.frame, c, raw.source) for f, c in found.items()}


MONTHS: dict[str, int] = {
    **{name: i + 1 for i, names in enumerate((
        ("january", "jan", "janvier", "janv"), ("february", "feb", "fevrier", "fev", "fevr"),
        ("march", "mar", "mars"), ("april", "apr", "avril", "avr"), ("may", "mai"),
        ("june", "jun", "juin"), ("july", "jul", "juillet", "juil"),
        ("august", "aug", "aout"), ("september", "sep", "sept", "septembre"),
        ("october", "oct", "octobre"), ("november", "nov", "novembre"),
        ("december", "dec", "decembre"))) for name in names}}
"""Month names and their abbreviations, English and French, without accents."""


def _unaccented(text: pl.Expr) -> pl.Expr:
    """Lower-case text without the accents of French month names."""
    out = text.str.to_lowercase()
    for accented, plain in (("é", "e"), ("è", "e"), ("û", "u"), ("ô", "o"), ("â", "a")):
        out = out.str.replace_all(accented, plain, literal=True)
    return out


def read_months(values: pl.Series, date_format: str | None = None, *, source: str = "input",
                row: pl.Series | None = None) -> pl.Series:
    """The month of each value, as a date: ``05/2023``, ``5-2023``, ``2023-05``, ``2023/05``,
    ``mai 2023``, ``May 2023``, ``janv. 2023`` read as the first day of the month; any other
    value as a date (:func:`clv.data.dates.parse_dates`, ``date_format`` if given). A value
    that is none of these is a DataError naming it (and its ``row``)."""
    if values.dtype != pl.String:
        dates = parse_dates(values, date_format, source=source).values.dt.date()
    else:
        text = values.str.strip_chars()
        v = pl.col("v")
        name = _unaccented(v).str.extract(r"^([a-z]+)\.?[\s-]+\d{4}$", 1)
        month = pl.coalesce(
            pl.coalesce(v.str.extract(r"^(\d{1,2})[/.-]\d{4}$", 1),
                        v.str.extract(r"^\d{4}[/.-](\d{1,2})$", 1)).cast(pl.Int32, strict=False),
            name.replace_strict(MONTHS, default=None, return_dtype=pl.Int32))
        year = pl.coalesce(v.str.extract(r"(?:^|\D)(\d{4})$", 1),
                           v.str.extract(r"^(\d{4})[/.-]\d{1,2}$", 1))
        dates = pl.DataFrame({"v": text}).select(
            pl.format("{}-{}-01", year, month.cast(pl.String).str.zfill(2))
            .str.to_date("%Y-%m-%d", strict=False).alias("v"))["v"]
        rest = (dates.is_null() & text.is_not_null() & (text != "")).arg_true()
        if rest.len():
            try:
                full = parse_dates(text.gather(rest), date_format, source=source
                                   ).values.dt.date()
            except DataError:
                full = pl.Series(values.name, [None] * rest.len(), dtype=pl.Date)
            dates = dates.scatter(rest, full)
    bad = dates.is_null()
    if bad.any():
        first = int(bad.arg_max() or 0)
        raise DataError(f"'{values[first]}' is not a month (such as 05/2023, 2023-05 or "
                        f"May 2023) nor a date ({int(bad.sum())} such rows)", source=source,
                        row=None if row is None else int(row[first]), column=values.name)
    return dates.alias(values.name)


def _amounts(raw: RawTable, column: str, decimal: str | None, what: str = "an amount"
             ) -> pl.Series:
    """A column of amounts >= 0 written in any convention (``1573,74``, ``1 573,74 €``,
    ``$1,573.74``; :func:`clv.data.amounts.parse_amounts`), ``decimal`` forcing the
    separator; a value that is not one is a DataError naming its row."""
    values = raw.frame[column]
    if values.dtype != pl.String:
        return _numbers(raw, column, what)
    parsed = parse_amounts(values, decimal).amount
    bad = parsed.is_null() | ~parsed.is_finite().fill_null(False) | (parsed < 0).fill_null(False)
    if bad.any():
        first = int(bad.arg_max() or 0)
        raise DataError(f"'{values[first]}' is not {what} >= 0 ({int(bad.sum())} such rows)",
                        source=raw.source, row=int(raw.frame[ROW][first]), column=column)
    return parsed.alias(column)


def read_subscriptions(source: Any, *, customer: str | None = None, start: str | None = None,
                       end: str | None = None, date_format: str | None = None,
                       keep: tuple[str, ...] = (), mrr: str | None = None,
                       columns: dict[str, str | None] | None = None,
                       decimal: str | None = None, **options: Any) -> pl.DataFrame:
    """Subscriptions with their start and, once cancelled, end date (empty while active);
    ``keep`` names other columns to carry along (plan, channel...); ``mrr`` names the
    monthly revenue column, read as an amount >= 0 into ``mrr`` (``decimal``: its decimal
    separator, default read from the values). The columns are those named (``customer``,
    ``start``, ``end``, ``mrr``, or ``columns``: field -> column for ``customer_id``,
    ``start``, ``end``, ``mrr``, ``plan``, ``channel``), else found by their English or French
    names (``Client;Début;Fin;MRR;Offre``): a plan or channel found is kept as ``plan`` or
    ``channel``, and so is the monthly revenue when ``columns`` is given."""
    raw = read_raw(source, **options)
    given = dict(columns or {})
    for fld, name in (("customer_id", customer), ("start", start), ("end", end), ("mrr", mrr)):
        if name is not None:
            given[fld] = name
    names = _fields(raw, "subscriptions", given)
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
    if "mrr" in names and (mrr is not None or columns is not None):
        out["mrr"] = _amounts(raw, names["mrr"], decimal, "an amount")
    # a plan or channel found is carried when the columns were chosen (the dashboard's form)
    carried = {k: frame[c].cast(pl.String) for k, c in names.items()
               if columns is not None and k in ("plan", "channel") and k not in extra}
    return pl.DataFrame(out).with_columns(
        [frame[c].alias(k) for k, c in extra.items()]
        + [v.alias(k) for k, v in carried.items()])


def read_spend(source: Any, *, date_format: str | None = None,
               columns: dict[str, str | None] | None = None, decimal: str | None = None,
               **options: Any) -> pl.DataFrame:
    """Marketing spend: ``channel``, optional ``campaign``, the month (``month`` or
    ``period_start``: a month such as ``05/2023``, ``2023-05`` or ``mai 2023``, or any date
    in it), ``spend`` >= 0 (``1573,74`` or ``1,573.74``; ``decimal`` forces the separator)
    and optional ``leads`` or ``prospects``. The columns are named by ``columns`` (field ->
    column), else found by their English or French names (``Mois;Canal;Dépenses``)."""
    raw = read_raw(source, **options)
    names = _fields(raw, "spend", columns)
    month = names["month"]
    parsed = read_months(raw.frame[month], date_format, source=raw.source,
                         row=raw.frame[ROW])
    out = {"channel": raw.frame[names["channel"]].cast(pl.String), "month": parsed,
           "spend": _amounts(raw, names["spend"], decimal, "an amount")}
    if "campaign" in names:
        out["campaign"] = raw.frame[names["campaign"]].cast(pl.String)
    if "leads" in names:
        out["leads"] = _numbers(raw, names["leads"], "a count")
    return pl.DataFrame(out)


def read_customers(source: Any, *, customer: str | None = None,
                   columns: dict[str, str | None] | None = None, date_format: str | None = None,
                   **options: Any) -> pl.DataFrame:
    """Customer attributes: the id and every other column, as read (channel, campaign,
    country...); one row per customer (the first when repeated). The id, the acquisition
    date, channel and campaign are the columns named (``customer``, or ``columns``: field ->
    column), else found by their English or French names (``Client;Canal d'acquisition``),
    and are added under those names (``acquired_at`` read as a date)."""
    raw = read_raw(source, **options)
    given = dict(columns or {})
    if customer is not None:
        given["customer_id"] = customer
    names = _fields(raw, "customers", given)
    frame = raw.frame.drop(ROW)
    added = [clean_ids(raw.frame[names["customer_id"]]).alias("customer_id")]
    for fld in ("channel", "campaign"):
        if fld in names and names[fld] != fld:
            added.append(raw.frame[names[fld]].cast(pl.String).alias(fld))
    if "acquired_at" in names:
        values = raw.frame[names["acquired_at"]]
        added.append(parse_dates(values, date_format, source=raw.source).values.dt.date()
                     .alias("acquired_at"))
    return frame.with_columns(added).unique("customer_id", keep="first", maintain_order=True)


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
