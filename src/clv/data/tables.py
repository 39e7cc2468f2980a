"""Readers of the inputs that are not transaction logs: discrete-time patterns (BG/BB),
subscriptions (sBG, MRR), marketing spend and customer attributes. Same sources as
transactions (files, frames, databases); a value that cannot be read stops the read with the
file, row and column, since a model fitted on a silently shortened table would be wrong.

Nothing is dropped silently: the ``read_*_report`` readers of the spend, customers and
subscriptions tables also give a :class:`clv.data.table_reports.TableReport` of what they
read, kept and left out (an empty row; in the customers table, a row without an id or an id
repeated, the first row being kept), and notes on how they read it (months, decimal commas,
acquisition dates left blank and why...)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

import polars as pl

from clv.data.amounts import parse_amounts
from clv.data.dates import parse_dates
from clv.data.ids import clean_ids, single_values
from clv.data.mapping import (
    TABLE_REQUIRED,
    ZERO_DECIMAL,
    cancel_asked,
    detect_columns,
    in_minor_units,
    is_unit_price,
    listed_words,
    subscription_currency,
    subscription_quantity,
)
from clv.data.readers import ROW, RawTable, read_raw
from clv.data.table_reports import TableExclusion, TableNote, TableReport
from clv.errors import DataError, MappingError, Words
from clv.notes import Note


def _column(raw: RawTable, name: str, what: str) -> str:
    """The column ``name`` (any case) of ``raw``; ``what``: the key of the errors' words
    saying what it holds."""
    lower = {c.lower().strip(): c for c in raw.frame.columns if c != ROW}
    if name.lower() not in lower:
        raise DataError(key="error_table_no_column", values={
            "name": name, "what": Words(what),
            "columns": listed_words([c for c in raw.frame.columns if c != ROW])},
            source=raw.source)
    return single_values(raw.frame, lower[name.lower()], raw.source)


def _numbers(raw: RawTable, column: str, what: str = "error_what_count_or_time"
             ) -> pl.Series:
    """The numbers >= 0 of ``column``; ``what``: the key of the errors' words saying what
    they are."""
    values = raw.frame[column]
    parsed = values.cast(pl.String).str.strip_chars().cast(pl.Float64, strict=False) \
        if values.dtype == pl.String else values.cast(pl.Float64, strict=False)
    bad = parsed.is_null() | ~parsed.is_finite().fill_null(False) | (parsed < 0).fill_null(False)
    if bad.any():
        first = int(bad.arg_max() or 0)
        raise DataError(key="error_table_not_number", values={
            "value": Words("error_cell", value=str(values[first])), "what": Words(what),
            "n": int(bad.sum())}, source=raw.source, row=int(raw.frame[ROW][first]),
            column=column)
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
    cols = {"frequency": _column(raw, frequency, "error_what_transactions_x"),
            "recency": _column(raw, recency, "error_what_last_transaction"),
            "periods": _column(raw, periods, "error_what_opportunities")}
    if weight is None:
        found = [names[w] for w in WEIGHT_NAMES if w in names]
        if len(found) > 1:
            raise DataError(key="error_patterns_weights", values={"columns": found},
                            source=raw.source)
        weight = found[0] if found else None
        unknown = [c for c in names.values() if c not in (*cols.values(), weight)]
        if unknown:
            raise DataError(key="error_patterns_unknown", values={"columns": unknown},
                            source=raw.source)
    else:
        weight = _column(raw, weight, "error_what_customers_per_row")
    out = pl.DataFrame({k: _numbers(raw, c) for k, c in cols.items()})
    out = out.with_columns(weight=_numbers(raw, weight) if weight else pl.lit(1.0))
    bad = out.with_row_index("i").filter(
        (pl.col("recency") > pl.col("periods")) | (pl.col("frequency") > pl.col("recency"))
        | ((pl.col("frequency") > 0) & (pl.col("recency") < 1)))
    if bad.height:
        i = int(bad["i"][0])
        raise DataError(key="error_patterns_order", values={"n": bad.height},
                        source=raw.source, row=int(raw.frame[ROW][i]))
    return out


def _fields(raw: RawTable, kind: str, columns: dict[str, str | None] | None
            ) -> dict[str, str]:
    """The columns of a ``kind`` table's fields: those named in ``columns``, the others found
    by their English or French names (:data:`clv.data.mapping.TABLE_NAMES`); a missing
    required field is a :class:`MappingError` naming it and the columns there are."""
    have = [c for c in raw.frame.columns if c != ROW]
    found, _ = detect_columns(have, kind, columns)
    for fld in TABLE_REQUIRED[kind]:
        if fld not in found:
            what = Words(f"error_what_{fld}") if fld in _WHAT_FIELDS else fld
            raise MappingError(key="error_table_no_field", values={
                "what": what, "field": fld, "columns": listed_words(have)},
                source=raw.source, field=fld)
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
EXAMPLES = 3
"""Example rows kept per reason a table's rows are left out."""


class TableRead(NamedTuple):
    """A table as read, and the report of its reading."""

    frame: pl.DataFrame
    report: TableReport


def _unaccented(text: pl.Expr) -> pl.Expr:
    """Lower-case text without the accents of French month names."""
    out = text.str.to_lowercase()
    for accented, plain in (("é", "e"), ("è", "e"), ("û", "u"), ("ô", "o"), ("â", "a")):
        out = out.str.replace_all(accented, plain, literal=True)
    return out


_WHAT_FIELDS = ("month", "channel", "spend", "customer_id", "start", "end")
"""The required fields whose errors' words say what they hold (``error_what_<field>``)."""


def _said(value: Any) -> Words:
    """A value as an error quotes it: an empty cell said so, not as 'None'."""
    if value is None or str(value).strip() == "":
        return Words("error_empty_cell")
    return Words("error_cell", value=str(value))


def read_months(values: pl.Series, date_format: str | None = None, *, source: str = "input",
                row: pl.Series | None = None) -> pl.Series:
    """The month of each value, as a date: ``05/2023``, ``5-2023``, ``2023-05``, ``2023/05``,
    ``mai 2023``, ``May 2023``, ``janv. 2023`` read as the first day of the month; any other
    value as a date (:func:`clv.data.dates.parse_dates`, ``date_format`` if given). A value
    that is none of these is a DataError naming it (and its ``row``)."""
    dates = _months(values, date_format, source=source, row=row)[0]
    if dates.is_null().any():
        raise _not_month(values, dates.is_null(), source, row)
    return dates


def _months(values: pl.Series, date_format: str | None, *, source: str,
            row: pl.Series | None) -> tuple[pl.Series, list[str]]:
    """:func:`read_months`, and notes on how the months were written (how many as month and
    year, year and month, with the month's name, as dates, with an example of each) and on
    the dates read (their order, a date format that leaves some unread)."""
    notes: list[str] = []
    column = str(values.name)
    if values.dtype != pl.String:
        parsed = parse_dates(values, date_format, source=source)
        dates = parsed.values.dt.date()
        notes += parsed.notes
        read = dates.drop_nulls()
        if read.len():
            notes.append(TableNote("months_typed", column=column, example=str(read[0])))
    else:
        text = values.str.strip_chars()
        v = pl.col("v")
        name = _unaccented(v).str.extract(r"^([a-z]+)\.?[\s-]+\d{4}$", 1)
        numeric = v.str.extract(r"^(\d{1,2})[/.-]\d{4}$", 1)
        year_first = v.str.extract(r"^\d{4}[/.-](\d{1,2})$", 1)
        named = name.replace_strict(MONTHS, default=None, return_dtype=pl.Int32)
        month = pl.coalesce(pl.coalesce(numeric, year_first).cast(pl.Int32, strict=False),
                            named)
        year = pl.coalesce(v.str.extract(r"(?:^|\D)(\d{4})$", 1),
                           v.str.extract(r"^(\d{4})[/.-]\d{1,2}$", 1))
        found = pl.DataFrame({"v": text}).select(
            pl.format("{}-{}-01", year, month.cast(pl.String).str.zfill(2))
            .str.to_date("%Y-%m-%d", strict=False).alias("v"),
            pl.when(numeric.is_not_null()).then(pl.lit("months_numeric"))
            .when(year_first.is_not_null()).then(pl.lit("months_year_first"))
            .when(named.is_not_null()).then(pl.lit("months_named")).alias("form"))
        dates, form = found["v"], found["form"]
        rest = (dates.is_null() & text.is_not_null() & (text != "")).arg_true()
        if rest.len():
            try:
                full = parse_dates(text.gather(rest), date_format, source=source)
                notes += full.notes
                days = full.values.dt.date()
            except DataError:
                days = pl.Series(values.name, [None] * rest.len(), dtype=pl.Date)
            dates = dates.scatter(rest, days)
            form = form.scatter(rest, pl.Series([None] * rest.len(), dtype=pl.String))
            form = form.scatter(rest.filter(days.is_not_null()), "months_dates")
        forms = pl.DataFrame({"form": form, "text": text}).filter(
            dates.is_not_null() & form.is_not_null())
        written = []
        for key in ("months_numeric", "months_year_first", "months_named", "months_dates"):
            these = forms.filter(pl.col("form") == key)
            if these.height:
                written.append(TableNote(key, n=these.height, column=column,
                                         example=these["text"][0]))
        notes = [*written, *notes]
    return dates.alias(values.name), notes


def _not_month(values: pl.Series, bad: pl.Series, source: str, row: pl.Series | None
               ) -> DataError:
    """The error of the ``bad`` values of ``values`` that are no month: the first named,
    with its row, and how many there are (of how many rows, when some months were read)."""
    first = int(bad.arg_max() or 0)
    n = int(bad.sum())
    key, more = ("error_table_not_month", {}) if n == values.len() else (
        "error_table_months_most", {"rows": values.len()})
    return DataError(key=key, values={"value": _said(values[first]), "n": n, **more},
                     source=source, row=None if row is None else int(row[first]),
                     column=values.name)


def _amounts(raw: RawTable, column: str, decimal: str | None,
             what: str = "error_what_amount",
             report: TableReport | None = None) -> pl.Series:
    """A column of amounts >= 0 written in any convention (``1573,74``, ``1 573,74 €``,
    ``$1,573.74``; :func:`clv.data.amounts.parse_amounts`), ``decimal`` forcing the
    separator; a value that is not one is a DataError naming its row. With a ``report``:
    its notes say the amounts written with a decimal comma and amounts in several
    currencies, and its currency is theirs when they name one."""
    values = raw.frame[column]
    if values.dtype != pl.String:
        return _numbers(raw, column, what)
    amounts = parse_amounts(values, decimal)
    parsed = amounts.amount
    bad = parsed.is_null() | ~parsed.is_finite().fill_null(False) | (parsed < 0).fill_null(False)
    if bad.any():
        first = int(bad.arg_max() or 0)
        raise DataError(key="error_table_not_number", values={
            "value": _said(values[first]), "what": Words(what), "n": int(bad.sum())},
            source=raw.source, row=int(raw.frame[ROW][first]), column=column)
    if report is not None:
        report.notes += amounts.notes
        text = values.str.strip_chars()
        # a decimal comma: the amount read is not the one read with the commas left out
        # ('1 573,74' -> 1573.74, not 157374; '1,573.74' and '1,234,567' -> as read)
        digits = text.str.replace_all(r"[^0-9.]", "").cast(pl.Float64, strict=False)
        comma = text.str.contains(",", literal=True) & (digits.is_null()
                                                        | (digits != parsed.abs()))
        if comma.any():
            first = int(comma.arg_max() or 0)
            report.notes.append(TableNote("decimal_comma", n=int(comma.sum()), column=column,
                                          example=text[first], value=float(parsed[first])))
        named = amounts.currency.drop_nulls().unique(maintain_order=True)
        if named.len() > 1:
            report.notes.append(TableNote("currencies", column=column,
                                          currencies=", ".join(named.to_list())))
        elif named.len() == 1:
            report.currency = str(named[0])
    return parsed.alias(column)


def _report(raw: RawTable, kind: str) -> TableReport:
    """The report of a table being read: its rows read and the file reader's notes."""
    return TableReport(kind, raw.source, rows_read=raw.frame.height, notes=list(raw.notes))


def _blank(column: pl.Series) -> pl.Series:
    """True where a cell is empty (null, or text of spaces only)."""
    if column.dtype == pl.String:
        return column.str.strip_chars().fill_null("") == ""
    return column.is_null()


def _without_empty_rows(raw: RawTable, report: TableReport) -> RawTable:
    """``raw`` without its empty rows (no value in any column: a spreadsheet's trailing
    lines, ``;;;``), counted in ``report`` with their row numbers."""
    columns = [c for c in raw.frame.columns if c != ROW]
    if not columns or raw.frame.height == 0:
        return raw
    empty = raw.frame.select(pl.all_horizontal(
        [pl.col(c).cast(pl.String).str.strip_chars().fill_null("") == ""
         if raw.frame.schema[c] == pl.String else pl.col(c).is_null() for c in columns]
    )).to_series()
    if not empty.any():
        return raw
    rows = raw.frame[ROW].filter(empty)
    report.exclusions.append(TableExclusion("empty_row", int(empty.sum()),
                                            [{"row": int(r)} for r in rows.head(EXAMPLES)]))
    return replace(raw, frame=raw.frame.filter(~empty))


def _dates(raw: RawTable, column: str, date_format: str | None, report: TableReport,
           kept: pl.Series) -> pl.Series:
    """The dates of ``column`` (null where a value is empty or not a date) on the rows
    ``kept``, the notes of their reading in ``report`` with how many were left blank and
    why. The dates are read on every row (as before rows are left out: the same reading)."""
    parsed = parse_dates(raw.frame[column], date_format, source=raw.source)
    report.notes += parsed.notes
    dates = parsed.values.dt.date().filter(kept)
    frame = raw.frame.filter(kept)
    values = frame[column]
    empty = _blank(values)
    unread = dates.is_null() & ~empty
    if unread.any():
        first = int(unread.arg_max() or 0)
        report.notes.append(TableNote("dates_unread", n=int(unread.sum()), column=column,
                                      example=str(values[first]),
                                      row=int(frame[ROW][first])))
    if empty.any():
        report.notes.append(TableNote("dates_empty", n=int(empty.sum()), column=column))
    return dates


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
    ``channel``, and so is the monthly revenue when ``columns`` is given. Among several end
    columns, the date service stopped is taken before the date a cancellation was asked
    (Recurly's ``expires_at`` before its ``canceled_at``: the order of
    :data:`clv.data.mapping.TABLE_NAMES`). A monthly revenue column whose name says it is a
    price per unit (``unit_amount``, ``Plan Unit Price``:
    :func:`clv.data.mapping.is_unit_price`) is multiplied by the table's quantity (seats)
    column when it has one (``quantity``, ``Plan Quantity``); any other monthly revenue is
    taken as it is, all units included. Empty rows are left out
    (:func:`read_subscriptions_report` counts them, and says which end column was taken and
    whether a quantity was applied)."""
    return read_subscriptions_report(source, customer=customer, start=start, end=end,
                                     date_format=date_format, keep=keep, mrr=mrr,
                                     columns=columns, decimal=decimal, **options).frame


def read_subscriptions_report(source: Any, *, customer: str | None = None,
                              start: str | None = None, end: str | None = None,
                              date_format: str | None = None, keep: tuple[str, ...] = (),
                              mrr: str | None = None,
                              columns: dict[str, str | None] | None = None,
                              decimal: str | None = None, **options: Any) -> TableRead:
    """:func:`read_subscriptions`, and the report of its reading: empty rows left out, and
    notes on the subscriptions still active (no end), without a customer id, at a monthly
    revenue of 0, the amounts' decimal commas and currencies, the dates' order, the end
    column taken over one that may be the date a cancellation was asked, and the quantity
    column multiplied by a unit price or left aside."""
    raw = read_raw(source, **options)
    report = _report(raw, "subscriptions")
    raw = _without_empty_rows(raw, report)
    given = dict(columns or {})
    for fld, name in (("customer_id", customer), ("start", start), ("end", end), ("mrr", mrr)):
        if name is not None:
            given[fld] = name
    names = _fields(raw, "subscriptions", given)
    extra = {k: _column(raw, k, "error_what_kept_column") for k in keep}
    frame = raw.frame
    out = {"customer_id": frame[names["customer_id"]].cast(pl.String)}
    for key in ("start", "end"):
        values = frame[names[key]]
        empty = _blank(values)
        if key == "end" and empty.all():  # nobody has left yet: every subscription active
            dates = pl.Series(key, [None] * len(values), dtype=pl.Date)
        else:
            parsed = parse_dates(values.set(empty, None) if values.dtype == pl.String
                                 else values, date_format, source=raw.source)
            report.notes += parsed.notes
            dates = parsed.values.dt.date()
        bad = dates.is_null() & ~empty if key == "end" else dates.is_null()
        if bad.any():
            first = int(bad.arg_max() or 0)
            raise DataError(key="error_table_not_date", values={
                "value": _said(values[first]), "n": int(bad.sum())}, source=raw.source,
                row=int(frame[ROW][first]), column=names[key])
        out[key] = dates
        if key == "end" and empty.any():
            report.notes.append(TableNote("subs_active", n=int(empty.sum()),
                                          column=names[key]))
    asked = cancel_asked([c for c in frame.columns if c != ROW], names["end"]) \
        if not given.get("end") else None
    if asked is not None:
        report.notes.append(TableNote("subs_end_preferred", column=names["end"], other=asked))
    if "mrr" in names and (mrr is not None or columns is not None):
        out["mrr"] = _per_unit(raw, names, _in_major_units(raw, names, _amounts(
            raw, names["mrr"], decimal, "error_what_amount", report), report), report)
        free = out["mrr"] == 0
        if free.any():
            report.notes.append(TableNote("subs_free", n=int(free.sum()),
                                          row=int(frame[ROW][int(free.arg_max() or 0)])))
    nobody = _blank(frame[names["customer_id"]])
    if nobody.any():
        report.notes.append(TableNote("subs_no_customer", n=int(nobody.sum()),
                                      row=int(frame[ROW][int(nobody.arg_max() or 0)])))
    # a plan or channel found is carried when the columns were chosen (the dashboard's form)
    carried = {k: frame[c].cast(pl.String) for k, c in names.items()
               if columns is not None and k in ("plan", "channel") and k not in extra}
    read = pl.DataFrame(out).with_columns(
        [frame[c].alias(k) for k, c in extra.items()]
        + [v.alias(k) for k, v in carried.items()])
    report.columns, report.rows_kept = dict(names), read.height
    return TableRead(read, report)


def _in_major_units(raw: RawTable, names: dict[str, str], mrr: pl.Series,
                    report: TableReport) -> pl.Series:
    """The monthly revenue ``mrr`` of each row of a subscriptions table in the currency's
    unit: divided by 100 when the column read (``names["mrr"]``) says it is in the minor unit
    (:func:`clv.data.mapping.in_minor_units`: Recurly's 'unit_amount_in_cents'), but on the
    rows whose currency (the table's currency column, when it has one) has no minor unit
    (:data:`clv.data.mapping.ZERO_DECIMAL`: 1000 JPY is written 1000). ``report`` says so."""
    if not in_minor_units(names["mrr"]):
        return mrr
    currency = subscription_currency([c for c in raw.frame.columns
                                      if c != ROW and c not in names.values()])
    whole = pl.repeat(False, len(mrr), dtype=pl.Boolean, eager=True) if currency is None else \
        raw.frame[currency].cast(pl.String).str.strip_chars().str.to_uppercase() \
        .is_in(sorted(ZERO_DECIMAL)).fill_null(False)
    if not whole.all() or not len(whole):
        report.notes.append(TableNote("subs_minor_units", column=names["mrr"]))
    if whole.any():
        report.notes.append(TableNote("subs_minor_units_whole", n=int(whole.sum()),
                                      column=names["mrr"], currency=currency))
    return pl.select(pl.when(whole).then(mrr).otherwise(mrr / 100).alias(mrr.name)) \
        .to_series()


def _per_unit(raw: RawTable, names: dict[str, str], mrr: pl.Series, report: TableReport
              ) -> pl.Series:
    """The monthly revenue ``mrr`` of each row of a subscriptions table, times its quantity
    when the column read (``names["mrr"]``) is a price per unit and the table has a quantity
    column (:func:`clv.data.mapping.subscription_quantity`; a quantity that is not a number
    >= 0 is a DataError naming its row). A quantity beside any other monthly revenue is left
    aside: ``report`` says which, so that seats are never ignored without a word."""
    quantity = subscription_quantity([c for c in raw.frame.columns
                                      if c != ROW and c not in names.values()])
    if quantity is None:
        return mrr
    if not is_unit_price(names["mrr"]):
        report.notes.append(TableNote("subs_quantity_not_applied", column=names["mrr"],
                                      quantity=quantity))
        return mrr
    seats = _numbers(raw, quantity, "error_what_quantity")
    names["quantity"] = quantity
    report.notes.append(TableNote("subs_unit_price", column=names["mrr"], quantity=quantity))
    return (mrr * seats).alias(mrr.name)


MONTHS_UNREAD_LIMIT = 0.5
"""Share of a spend table's rows without a month that can be read from which the read stops
(the column is then not taken for the months'); below it, those rows are left out and
counted (:func:`read_spend_report`)."""


@dataclass
class SpendExclusion(TableExclusion):
    """Rows of a spend table left out for one reason, as :class:`TableExclusion`, with whose
    spend they held: ``channels``, one entry per channel (and campaign, when the table has
    one) of the rows left out, in the order first met: ``channel`` (None when blank),
    ``campaign`` (None when blank or not mapped), ``rows``, ``spend`` (the sum of their
    amounts that can be read) and ``unread`` (rows of it whose amount cannot be read). The
    rows of ``channels`` add up to ``count``."""

    channels: list[dict[str, Any]] = field(default_factory=list)


def _spend_of(raw: RawTable, names: dict[str, str], bad: pl.Series,
              decimal: str | None) -> list[dict[str, Any]]:
    """The channels (and campaigns) of the ``bad`` rows of a spend table, each with its rows,
    the sum of their amounts that can be read and the rows whose amount cannot be
    (:class:`SpendExclusion`)."""
    frame = raw.frame.filter(bad)
    values = raw.frame[names["spend"]]  # read as a column: its convention (1,250)
    amounts = (parse_amounts(values, decimal).amount if values.dtype == pl.String
               else values.cast(pl.Float64, strict=False)).filter(bad)
    readable = amounts.is_not_null() & amounts.is_finite().fill_null(False) \
        & (amounts >= 0).fill_null(False)

    def named(column: str | None) -> pl.Expr:
        if column is None:
            return pl.lit(None, dtype=pl.String)
        text = pl.col(column).cast(pl.String).str.strip_chars()
        return pl.when(text == "").then(None).otherwise(text)

    lost = frame.select(named(names["channel"]).alias("channel"),
                        named(names.get("campaign")).alias("campaign"),
                        amounts.cast(pl.Float64).alias("spend"), readable.alias("read")
                        ).with_columns(pl.when(pl.col("read")).then(pl.col("spend")),
                                       (~pl.col("read")).alias("unread"))
    grouped = lost.group_by("channel", "campaign", maintain_order=True).agg(
        pl.len().alias("rows"), pl.col("spend").sum(), pl.col("unread").sum())
    return [{"channel": r["channel"], "campaign": r["campaign"], "rows": int(r["rows"]),
             "spend": float(r["spend"] or 0.0), "unread": int(r["unread"])}
            for r in grouped.iter_rows(named=True)]


def _without_unread_months(raw: RawTable, names: dict[str, str], months: pl.Series,
                           report: TableReport, decimal: str | None = None
                           ) -> tuple[RawTable, pl.Series]:
    """``raw`` and its ``months`` without the rows whose month cannot be read, left out in
    ``report`` with example rows (row, column, value) and the channels (and campaigns) whose
    spend they held (:class:`SpendExclusion`, ``decimal`` reading their amounts); a
    DataError naming the first when they are :data:`MONTHS_UNREAD_LIMIT` of the rows or
    more (all of them: none to read)."""
    column = names["month"]
    bad = months.is_null()
    if not bad.any():
        return raw, months
    values, rows = raw.frame[column], raw.frame[ROW]
    if bad.sum() >= MONTHS_UNREAD_LIMIT * raw.frame.height:
        raise _not_month(values, bad, raw.source, rows)
    report.exclusions.append(SpendExclusion("month_unread", int(bad.sum()), [
        {"row": int(r), "column": column, "value": "" if v is None else str(v)}
        for r, v in zip(rows.filter(bad).head(EXAMPLES), values.filter(bad).head(EXAMPLES),
                        strict=True)], _spend_of(raw, names, bad, decimal)))
    return replace(raw, frame=raw.frame.filter(~bad)), months.filter(~bad)


def _warn_left_out(report: TableReport) -> None:
    """A warning of the rows of a table left out for a value that cannot be read (empty rows
    aside), for the callers of the readers without the report (the command line says it)."""
    for left in report.exclusions:
        if left.key == "empty_row":
            continue
        first = left.examples[0] if left.examples else {}
        such = f"; the first: row {first['row']}, '{first.get('column', '')}': " \
               f"'{first.get('value', '')}'" if first else ""
        warnings.warn(f"{report.source}: {left.count:,} of the {report.rows_read:,} rows of the "
                      f"{report.kind} table left out: {left.reason}{such}", UserWarning,
                      stacklevel=3)


def read_spend(source: Any, *, date_format: str | None = None,
               columns: dict[str, str | None] | None = None, decimal: str | None = None,
               **options: Any) -> pl.DataFrame:
    """Marketing spend: ``channel``, optional ``campaign``, the month (``month`` or
    ``period_start``: a month such as ``05/2023``, ``2023-05`` or ``mai 2023``, or any date
    in it), ``spend`` >= 0 (``1573,74`` or ``1,573.74``; ``decimal`` forces the separator)
    and optional ``leads`` or ``prospects``. The columns are named by ``columns`` (field ->
    column), else found by their English or French names (``Mois;Canal;Dépenses``). Empty
    rows are left out (:func:`read_spend_report` counts them), and so are rows whose month
    cannot be read (such as ``13/2023``), with a warning saying how many and which, unless
    they are half the rows or more: the read then stops, naming the first."""
    read = read_spend_report(source, date_format=date_format, columns=columns,
                             decimal=decimal, **options)
    _warn_left_out(read.report)
    return read.frame


def read_spend_report(source: Any, *, date_format: str | None = None,
                      columns: dict[str, str | None] | None = None,
                      decimal: str | None = None, **options: Any) -> TableRead:
    """:func:`read_spend`, and the report of its reading: empty rows and rows without a month
    that can be read left out (with example rows; half the rows or more without one stop the
    read: the column is not the months'), and notes on
    how the months were written, the amounts' decimal commas and currencies, rows without a
    channel, and rows of the same channel (and campaign) and month, whose spends the
    channels add together."""
    raw = read_raw(source, **options)
    report = _report(raw, "spend")
    raw = _without_empty_rows(raw, report)
    names = _fields(raw, "spend", columns)
    month = names["month"]
    parsed, said = _months(raw.frame[month], date_format, source=raw.source,
                           row=raw.frame[ROW])
    report.notes += said
    raw, parsed = _without_unread_months(raw, names, parsed, report, decimal)
    out = {"channel": raw.frame[names["channel"]].cast(pl.String), "month": parsed,
           "spend": _amounts(raw, names["spend"], decimal, "error_what_amount", report)}
    if "campaign" in names:
        out["campaign"] = raw.frame[names["campaign"]].cast(pl.String)
    if "leads" in names:
        out["leads"] = _numbers(raw, names["leads"], "error_what_count")
    read = pl.DataFrame(out)
    nameless = _blank(read["channel"])
    if nameless.any():
        report.notes.append(TableNote("no_channel", n=int(nameless.sum()),
                                      column=names["channel"],
                                      row=int(raw.frame[ROW][int(nameless.arg_max() or 0)])))
    keys = ["channel", *(["campaign"] if "campaign" in read.columns else []), "month"]
    rows = read.select(*keys).with_columns(raw.frame[ROW].alias("_row"))
    twice = rows.filter(pl.len().over(keys) > 1)
    if twice.height:
        first = twice.filter(pl.all_horizontal(pl.col(k).eq_missing(twice[k][0])
                                               for k in keys))
        report.notes.append(TableNote(
            "repeated_month", n=twice.height - twice.select(keys).n_unique(),
            rows=", ".join(str(r) for r in first["_row"].head(EXAMPLES)),
            channel=str(first["channel"][0]), month=first["month"][0].strftime("%m/%Y")))
    report.columns, report.rows_kept = dict(names), read.height
    return TableRead(read, report)


def read_customers(source: Any, *, customer: str | None = None,
                   columns: dict[str, str | None] | None = None, date_format: str | None = None,
                   **options: Any) -> pl.DataFrame:
    """Customer attributes: the id and every other column, as read (channel, campaign,
    country...); one row per customer (the first when repeated; a row without an id is left
    out). The id, the acquisition date, channel and campaign are the columns named
    (``customer``, or ``columns``: field -> column), else found by their English or French
    names (``Client;Canal d'acquisition``), and are added under those names (``acquired_at``
    read as a date; a value that is not one is left blank, and
    :func:`read_customers_report` says so)."""
    return read_customers_report(source, customer=customer, columns=columns,
                                 date_format=date_format, **options).frame


def read_customers_report(source: Any, *, customer: str | None = None,
                          columns: dict[str, str | None] | None = None,
                          date_format: str | None = None, **options: Any) -> TableRead:
    """:func:`read_customers`, and the report of its reading: rows left out (empty, without
    a customer id, an id repeated), with example rows, and notes on the acquisition dates
    left blank (not dates, or empty) and the customers without a channel."""
    raw = read_raw(source, **options)
    report = _report(raw, "customers")
    raw = _without_empty_rows(raw, report)
    given = dict(columns or {})
    if customer is not None:
        given["customer_id"] = customer
    names = _fields(raw, "customers", given)
    ids = clean_ids(raw.frame[names["customer_id"]]).alias("customer_id")
    missing = ids.is_null()
    repeated = ~missing & ~ids.is_first_distinct()
    rows = raw.frame[ROW]
    if missing.any():
        report.exclusions.append(TableExclusion(
            "missing_id", int(missing.sum()), [{"row": int(r)} for r in
                                               rows.filter(missing).head(EXAMPLES)]))
    if repeated.any():
        report.exclusions.append(TableExclusion(
            "repeated_id", int(repeated.sum()),
            [{"row": int(r), "customer_id": c} for r, c in
             zip(rows.filter(repeated).head(EXAMPLES), ids.filter(repeated).head(EXAMPLES),
                 strict=True)]))
    kept = ~missing & ~repeated
    for fld in ("channel", "acquired_at"):
        if fld in names:
            _repeated_other(raw, ids, repeated, names[fld], report)
    acquired = _dates(raw, names["acquired_at"], date_format, report, kept) \
        if "acquired_at" in names else None
    raw = replace(raw, frame=raw.frame.filter(kept))
    added = [ids.filter(kept)]
    for fld in ("channel", "campaign"):
        if fld in names and names[fld] != fld:
            added.append(raw.frame[names[fld]].cast(pl.String).alias(fld))
    if acquired is not None:
        added.append(acquired.alias("acquired_at"))
    if "channel" in names:
        nameless = _blank(raw.frame[names["channel"]])
        if nameless.any():
            report.notes.append(TableNote("customers_no_channel", n=int(nameless.sum()),
                                          column=names["channel"]))
    read = raw.frame.drop(ROW).with_columns(added)
    report.columns, report.rows_kept = dict(names), read.height
    return TableRead(read, report)


def _repeated_other(raw: RawTable, ids: pl.Series, repeated: pl.Series, column: str,
                    report: TableReport) -> None:
    """A note in ``report`` when rows of a repeated customer id give another value of
    ``column`` (a channel, a date) than the customer's first row, whose value is kept."""
    values = raw.frame[column].cast(pl.String).str.strip_chars()
    first = pl.DataFrame({"id": ids, "v": values}).with_columns(
        pl.col("v").first().over("id").alias("first"))
    other = repeated & ~first["v"].eq_missing(first["first"])
    if other.any():
        i = int(other.arg_max() or 0)
        report.notes.append(TableNote(
            "repeated_other", n=int(other.sum()), column=column, example=str(values[i]),
            row=int(raw.frame[ROW][i])))


def join_customers(table: pl.DataFrame, customers: pl.DataFrame, columns: list[str]
                   ) -> tuple[pl.DataFrame, list[Note]]:
    """``table`` (one row per customer, with ``customer_id``) with the ``columns`` of the
    customer attributes table ``customers`` (its first row per id), every row of ``table``
    kept in its order, null where a customer has no row; and a note when no id of
    ``customers`` is a customer of ``table`` (ids written differently, such as '12345.0'
    against '12345'), which would otherwise leave every attribute empty without a word."""
    missing = [c for c in ("customer_id", *columns) if c not in customers.columns]
    if missing:
        raise DataError(key="error_customers_columns", values={"columns": missing},
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
