"""Validation of raw rows into the canonical Transactions table.

Every row read ends either in the table or under exactly one exclusion reason in the
:class:`~clv.data.issues.DataIssues` report, with its amount: the sum of amounts read equals the
sum kept plus the sum excluded. ``strict=True`` raises on the first excluded row instead.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import polars as pl

from clv.data import issues as why
from clv.data.amounts import ParsedAmounts, parse_amounts
from clv.data.dates import parse_dates
from clv.data.ids import clean_ids, clean_ids_merged, clean_values, single_values, untrimmed
from clv.data.ids import clean_text as _clean_text
from clv.data.issues import DataIssues, Exclusion
from clv.data.mapping import (
    ACTIVITY_CREDIT,
    ACTIVITY_DONE,
    ACTIVITY_OTHER,
    ACTIVITY_PAYMENT,
    ACTIVITY_REFUND,
    DOMINANT_IDS,
    DOMINANT_SHARE,
    LEDGER_CUSTOMER_ACCOUNT,
    LEDGER_REVENUE_ACCOUNT,
    NOT_PAID,
    NOT_PAID_PREFIXES,
    ONE_CUSTOMER_ROWS,
    PAID_PREFIXES,
    PAID_WORDS,
    PRESET_DATE_ORDERS,
    SALES_JOURNALS,
    STATUS_PREFIXES,
    WALK_IN_IDS,
    WALK_IN_SPELLINGS,
    ZERO_DECIMAL,
    Mapping,
    is_flagged,
    resolve_mapping,
    zone_column,
)
from clv.data.readers import ROW, RawTable, read_raw, sheet_names
from clv.errors import AmbiguousDateError, ClvError, DataError, MappingError, Words
from clv.notes import Note

RefundPolicy = Literal["net", "drop", "error"]
DuplicatePolicy = Literal["auto", "drop", "keep"]
N_EXAMPLES = 3
OPTIONAL = ("order_id", "product", "channel", "quantity")
MAX_AMOUNT = 1e12
"""The default bound on the absolute amount of a row (``read_transactions(max_amount=...)``).

No real order reaches a trillion in any currency a shop invoices in (a 10^12 Vietnamese dong
order is some 40 million dollars), while a placeholder (9.99e307, 1e308) or an overflowed
cell makes every sum infinite. Below it, every amount is exact to the cent in float64
(10^14 cents < 2^53), and a sum of 10^9 such rows (at most 10^21) is nowhere near overflow
(1.8e308) and keeps 15 significant digits."""
OUTLIER_FACTOR = 1_000
"""An amount is an outlier when it exceeds this multiple of the 99th percentile of the other
amounts ..."""
OUTLIER_SHARE = 0.01
"""... and is more than this share of the revenue ..."""
OUTLIER_MIN_ROWS = 10
"""... among at least this many other positive amounts (fewer tell no typical order)."""


@dataclass(frozen=True)
class Transactions:
    """The canonical transactions table and the report of how it was read.

    ``frame`` has ``customer_id`` (String), ``timestamp`` (naive Datetime in one zone),
    ``amount`` (Float64, negative = refund) and, when mapped, ``order_id``, ``product``,
    ``channel``, ``quantity``. ``currency``: the ISO code of the amounts kept (the one
    asked, else the most frequent one written in the data), None when the data say none.
    """

    frame: pl.DataFrame
    issues: DataIssues
    mapping: Mapping
    timezone: str = "UTC"
    currency: str | None = None

    def __len__(self) -> int:
        return self.frame.height


def read_transactions(
    source: Any,
    *,
    customer: str | None = None,
    date: str | None = None,
    amount: str | None = None,
    order_id: str | None = None,
    currency_column: str | None = None,
    product: str | None = None,
    channel: str | None = None,
    quantity: str | None = None,
    price: str | None = None,
    columns: dict[str, str | None] | None = None,
    detect: bool = True,
    preset: str | None = None,
    date_format: str | None = None,
    decimal: str | None = None,
    currency: str | None = None,
    refunds: RefundPolicy = "net",
    duplicates: DuplicatePolicy = "auto",
    timezone: str = "UTC",
    source_timezone: str | None = None,
    as_of: dt.datetime | None = None,
    earliest: dt.date | str | None = why.EARLIEST,
    max_amount: float = MAX_AMOUNT,
    strict: bool = False,
    separator: str | None = None,
    has_header: bool | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
    table: str | None = None,
    query: str | None = None,
    read_only: bool = False,
    keep: Iterable[str] | None = None,
    excluded_rows: bool = False,
    paid_statuses: Iterable[str] | None = None,
    unpaid_statuses: Iterable[str] | None = None,
) -> Transactions:
    """Read and validate transactions from a file, frame or database.

    Parameters name the source columns (``customer``, ``date``, ``amount`` ...) or a ``preset``
    (``shopify``, ``woocommerce``, ``stripe``, ``stripe_api``, ``prestashop``, ``amazon``,
    ``paypal``, ``etsy``, ``square``, ``fec``, ``ledger``); missing ones are detected, and a
    preset is chosen when the headers match one. Stripe API charges (``stripe_api``) are in
    the currency's minor unit: their amounts are divided by 100 (but in zero-decimal
    currencies, JPY, KRW ...). PayPal's activity download (``paypal``): the payments received
    from buyers are purchases, refunds are the refunded buyer's ('To Email Address'), every
    other movement (withdrawals, conversions, holds, fees, payments sent) is excluded as
    ``not a sales journal entry``. Etsy's Sold Orders (``etsy``): the 'Adjusted Order Total'
    where filled, else the 'Order Total'; dates read either way are month first. A till's
    placeholder customer ('WALKIN', 'Client de passage' ...) is excluded as a guest
    checkout; a ledger's account column keeps its customer accounts (411...) only. A column of
    booleans is never taken for an amount by its name.

    Ambiguous dates (01/02/2023, no value past 12) are refused, unless the file shows itself
    French or European (a French header such as 'Montant', or decimal commas): they are then
    read day first, said in the note ``dates_day_first``. A spreadsheet's totals row at the
    end ('Total', 'Totaux', or no customer and the sum of the others, above any empty lines)
    is excluded as ``totals row``; a row with no value in any column (a blank line, ``,,,``)
    as ``empty row``, never as a missing id or a duplicate. A currency cell holding a
    spreadsheet error ('#REF!', '#N/A') is unreadable, blank: no currency (note
    ``currency_cell_errors``).

    Line items: with ``quantity`` and ``price`` (a unit price) and no amount column, each
    line's amount is quantity x unit price, and the lines kept are grouped into orders by order
    id, else by customer and time (an ``order_id`` is made of both). A cancelled line (negative
    quantity, or an order id prefixed ``C`` among numeric ids) is a refund of its customer,
    handled by ``refunds``. Free lines (unit price 0) and negative unit prices (adjustments)
    are excluded under their own reasons. A price column is never taken for an amount without
    a note. ``columns`` names the column of any canonical field (``status``, ``time``,
    ``debit``, ``credit`` ...; see :data:`clv.data.mapping.FIELDS`), as the named parameters do;
    ``detect=False`` reads the named columns only (no preset or common name fills the rest).

    ``currency`` keeps rows in that currency (default: the most frequent one). ``refunds``:
    ``net`` keeps negative amounts, to be netted against the same customer's purchases of the
    same period by the summary; ``drop`` excludes them (counted); ``error`` raises.
    ``duplicates``: identical rows are duplicated order lines and are dropped when an order id
    is mapped (``auto``) or always (``drop``); without an order id they are kept and reported.
    Rows dated after ``as_of`` (default: now) are excluded, and so are rows dated before
    ``earliest`` (default 1970-01-01; a date or ISO text, None for no bound), under
    ``date before <earliest> (a placeholder)``: systems write 0001-01-01, 1900-01-01 or the
    Unix epoch for an unknown date, and one such row would stretch the history over
    centuries (a cohort table of 24,000 months). ``max_amount`` (default
    :data:`MAX_AMOUNT`, 1e12) bounds the absolute amount of a row: larger ones (and infinite
    ones, from ``1e400`` or ``inf`` written in the file) are excluded as ``amount out of
    range`` and add nothing to the sums. An amount kept that dwarfs the rest (over
    :data:`OUTLIER_FACTOR` times the 99th percentile of the others and over 1% of revenue) is
    named in a note, not excluded. ``timezone`` is the zone every timestamp is converted to;
    ``source_timezone`` the zone of timestamps written without offset (default:
    ``timezone``). ``read_only`` (a database source): the ``query`` must be one SELECT, run
    in a read-only transaction with a time limit (see :func:`clv.data.readers.read_sql`).

    ``keep`` names the optional columns (of ``order_id``, ``product``, ``channel``,
    ``quantity``) the frame carries when they are mapped; default all of them. A job that
    needs none (a fit: ``keep=()``) saves writing them out (0.35 s and 0.5 GB on 10.8M
    lines); the rows, exclusions, notes and sums are the same, since every mapped column is
    read and checked whatever is kept.

    A row of an order cancelled (the field ``cancelled``: Shopify's and Squarespace's
    'Cancelled at', a date when the order was cancelled, blank otherwise) is excluded as
    ``order status not paid``, whatever its status says; a further line of an order (its
    cancellation blank) takes its order's, as a blank status or currency does.

    ``paid_statuses`` and ``unpaid_statuses`` say what a platform's order states mean, where
    the built-in words cannot (Mollie's 'open' is a payment not yet made, a shop's 'open' a
    normal order; Magento's 'Closed' an order refunded): values of the status column,
    compared as :func:`unpaid` compares them. With ``paid_statuses``, a row is kept only when
    its status is one of them: every other status is excluded as ``order status not paid``;
    ``unpaid_statuses`` are excluded on top of the built-in rules; a blank status is kept
    either way. A value in both is refused, and so is either without a status column; a value
    that never occurs in the column is named in the note ``statuses_not_found`` (a typo?).

    ``excluded_rows=True`` keeps every excluded row on the report, not only the first
    :data:`N_EXAMPLES` of each reason: ``issues.excluded_rows``, a frame of ``row`` (the
    file's line or the sheet's row, as the errors number it), ``reason`` (the English text of
    :mod:`clv.data.issues`), ``amount`` (as parsed, before any sum leaves it out; null when it
    could not be parsed), then the mapped columns as read (a column of the source named
    ``row``, ``reason`` or ``amount`` is written ``<name> (file)``), ordered by row. Off by
    default (None): the list costs nothing then.
    """
    kept_optional = OPTIONAL if keep is None else tuple(keep)
    unknown = [f for f in kept_optional if f not in OPTIONAL]
    if unknown:
        raise DataError(key="error_keep", values={"known": list(OPTIONAL), "value": unknown})
    if refunds not in ("net", "drop", "error"):  # a DataError is a ValueError, as before
        raise DataError(key="error_refunds")
    if duplicates not in ("auto", "drop", "keep"):
        raise DataError(key="error_duplicates")
    if isinstance(max_amount, bool) or not isinstance(max_amount, int | float) \
            or not 0 < max_amount < math.inf:
        raise ClvError(key="error_max_amount", values={"value": max_amount})
    floor = _earliest(earliest)
    statuses = _statuses(paid_statuses, unpaid_statuses)
    for name, zone in (("timezone", timezone), ("source_timezone", source_timezone)):
        if zone is not None:
            try:
                ZoneInfo(zone)
            except (ZoneInfoNotFoundError, ValueError) as exc:
                raise ClvError(key="error_time_zone",
                               values={"name": name, "zone": zone}) from exc
    raw = read_raw(source, separator=separator, has_header=has_header, encoding=encoding,
                   sheet=sheet, table=table, query=query, read_only=read_only)
    if raw.frame.height == 0:  # before the parsers, which would blame the formats
        below = not raw.headerless and not raw.source.endswith(" frame")
        raise DataError(key="error_no_row_below" if below else "error_no_row",
                        source=raw.source)
    explicit = {"customer_id": customer, "timestamp": date, "amount": amount,
                "order_id": order_id, "currency": currency_column, "product": product,
                "channel": channel, "quantity": quantity, "price": price}
    explicit |= {k: v for k, v in (columns or {}).items() if v}
    data = raw.frame.drop(ROW)
    try:
        mapping = resolve_mapping(data, explicit, preset, source=raw.source,
                                  headerless=raw.headerless, detect=detect)
    except MappingError as exc:
        raise _with_sheets(exc, source, sheet) from None
    for column in dict.fromkeys(mapping.columns.values()):
        single_values(data, column, raw.source)  # a column of lists fails in any cast
    if statuses is not None and "status" not in mapping.columns:
        raise DataError(key="error_statuses_no_column", source=raw.source,
                        values={"columns": ", ".join(data.columns)})
    return _validate(raw, mapping, date_format=date_format, decimal=decimal, currency=currency,
                     refunds=refunds, duplicates=duplicates, timezone=timezone,
                     source_timezone=source_timezone, as_of=as_of, earliest=floor,
                     max_amount=float(max_amount), strict=strict, keep=kept_optional,
                     listed=excluded_rows, statuses=statuses)


def _with_sheets(exc: MappingError, source: Any, sheet: str | int | None) -> MappingError:
    """A mapping error on a workbook of several sheets read at its first (no ``sheet``
    given), naming its sheets and how to choose one: the data are often on another sheet than
    the first (a 'Read me' or a title page). Else the error as it was."""
    if sheet is not None or exc.key != "error_column_not_found" \
            or not isinstance(source, str | Path) \
            or Path(source).suffix.lower() not in (".xlsx", ".xlsm"):
        return exc
    names = sheet_names(source)
    columns = exc.values.get("columns")
    if len(names) < 2 or not isinstance(columns, str):
        return exc
    sheets = ", ".join(f"'{n}'" for n in names)
    return exc.with_values(columns=Words("error_columns_first_sheet", columns=columns,
                                         sheets=sheets))


def _earliest(earliest: dt.date | str | None) -> dt.datetime | None:
    """The floor of ``earliest`` as a naive datetime (midnight of a date)."""
    if earliest is None:
        return None
    if isinstance(earliest, str):
        try:
            earliest = dt.date.fromisoformat(earliest.strip())
        except ValueError as exc:
            raise ClvError(key="error_earliest", values={"value": earliest}) from exc
    if isinstance(earliest, dt.datetime):
        return earliest.replace(tzinfo=None)
    if isinstance(earliest, dt.date):
        return dt.datetime.combine(earliest, dt.time())
    raise ClvError(key="error_earliest_kind", values={"value": earliest})


def _validate(
    raw: RawTable,
    mapping: Mapping,
    *,
    date_format: str | None,
    decimal: str | None,
    currency: str | None,
    refunds: RefundPolicy,
    duplicates: DuplicatePolicy,
    timezone: str,
    source_timezone: str | None,
    as_of: dt.datetime | None,
    earliest: dt.datetime | None,
    max_amount: float,
    strict: bool,
    keep: tuple[str, ...] = OPTIONAL,
    listed: bool = False,
    statuses: Statuses | None = None,
) -> Transactions:
    frame = raw.frame
    src = raw.source
    notes = list(raw.notes) + list(mapping.notes)
    m = mapping.columns
    frame = _order_lines_filled(frame, m, notes)
    when = _date_values(frame, m, notes)
    try:
        dates = parse_dates(when, date_format, tz=timezone, source_tz=source_timezone,
                            source=src)
    except AmbiguousDateError as exc:
        example = str(exc.values.get("examples", "")).split(", ")[0].strip("'")
        order = PRESET_DATE_ORDERS.get(mapping.preset or "")
        evidence = _european(frame, m, decimal) if order is None else None
        if order is None and evidence is None:
            raise
        dates = parse_dates(when, order or "dmy", tz=timezone, source_tz=source_timezone,
                            source=src)
        if order is not None:
            notes.append(Note("dates_preset_order", column=m["timestamp"], example=example,
                              preset=mapping.preset))
        else:
            notes.append(Note("dates_day_first", column=m["timestamp"], example=example,
                              evidence=evidence))
    notes += dates.notes
    if source_timezone is None:
        notes += _zone_note(frame, m, timezone)
    kinds = _activity_kinds(frame, mapping, decimal) if mapping.activity else None
    frame = _refunded_orders(frame, mapping, kinds)
    cid, guest = _customer_ids(_refunded_buyers(frame, mapping, kinds), mapping, notes)
    cols: dict[str, pl.Series | pl.Expr] = {"_cid": cid, "_ts": dates.values}
    if kinds is not None:
        cols["_kind"] = kinds
    walk_in = _walk_ins(cid, mapping.columns["customer_id"], notes)
    counterparts = _counterparts(cid, mapping, notes)
    if counterparts is not None:
        cols["_counter"] = counterparts
    if walk_in is not None:
        cols["_walkin"] = walk_in
    if guest is not None:
        cols["_guest"] = guest
    qty = _quantities(frame[m["quantity"]], decimal) if "quantity" in m else None
    if mapping.line_items:
        assert qty is not None
        price = parse_amounts(frame[m["price"]], decimal=decimal)
        notes += qty.notes + price.notes
        cols |= {"_qty": qty.amount, "_price": price.amount,
                 "_amount": qty.amount * price.amount, "_cur": price.currency}
    elif mapping.ledger:
        voters = _ledger_voters(frame, m)
        if counterparts is not None:
            voters = voters & ~counterparts
        cols |= _ledger_amounts(frame, m, decimal, notes, voters=voters)
    else:
        amounts = parse_amounts(frame[m["amount"]], decimal=decimal)
        notes += amounts.notes
        if mapping.adjusted is not None:
            amounts = _adjusted(amounts, frame, mapping, decimal, notes)
        units = _minor_units(frame, m, notes) if mapping.minor_units else None
        amount = amounts.amount if units is None else amounts.amount / units
        amount, credit = _credit_notes(amount, frame, notes)
        if credit is not None:
            cols["_credit"] = credit
        cols |= {"_amount": _net_of_refunds(amount, frame, mapping, decimal, notes, units),
                 "_cur": amounts.currency}
    if qty is not None and not mapping.line_items:
        cols["_qty"] = qty.amount
    work = frame.with_columns(**cols)
    if "currency" in m:
        written = _clean_text(pl.col(m["currency"]))
        failed = written.str.contains(EXCEL_ERRORS.pattern).fill_null(False)
        n_failed = int(work.select(failed.sum()).item())
        if n_failed:  # unreadable, not a currency: the amount's own symbol, if any, says it
            notes.append(Note("currency_cell_errors", n=n_failed, column=m["currency"],
                              example=work.filter(failed)[m["currency"]][0]))
            written = pl.when(failed).then(None).otherwise(written)
        work = work.with_columns(
            pl.coalesce(written.str.to_uppercase(), pl.col("_cur")).alias("_cur"))
    work, cancelled_how = _cancellations(work, m)
    if "order_id" in m:
        work = _order_values(work, frame, m)
    work = work.with_columns(pl.lit(False).alias("_line0"))

    # A line whose amount is blank, in an order that has its amount on another line (Shopify
    # writes order totals on the first line only), is a line item: kept, worth 0.
    line_note = None
    if "order_id" in m and "amount" in m and _has_blank(frame, m["amount"]):
        blank_amount = _clean_text(pl.col(m["amount"])).is_null() if \
            frame[m["amount"]].dtype == pl.String else pl.col(m["amount"]).is_null()
        oid = _clean_text(pl.col(m["order_id"]))
        # the orders of the blank lines, then those of them with an amount on some line: a
        # window over every order (.any().over(oid)) took 11 s on 10.8M lines without blanks
        blank_orders = work.filter(blank_amount & oid.is_not_null()).select(oid.unique())
        paid = work.filter(pl.col("_amount").is_not_null()
                           & oid.is_in(blank_orders.to_series().implode())
                           ).select(oid.unique()).to_series() if blank_orders.height else None
        line_item = blank_amount & oid.is_not_null() & oid.is_in(
            paid.implode() if paid is not None else [])
        n_lines = int(work.select(line_item.sum()).item()) if paid is not None else 0
        if n_lines:
            work = work.with_columns(
                pl.when(line_item).then(0.0).otherwise(pl.col("_amount")).alias("_amount"),
                line_item.alias("_line0"))
            line_note = len(notes)  # said once the lines kept are known

    repeated = _repeated_totals(work, frame, m, decimal) if "order_id" in m and "amount" in m \
        else None
    if repeated is not None:
        orders_repeated, lines, repeat = repeated
        work = work.with_columns(repeat.alias("_repeat"))
        work = work.with_columns(
            pl.when(pl.col("_repeat")).then(0.0).otherwise(pl.col("_amount")).alias("_amount"),
            (pl.col("_line0") | pl.col("_repeat")).alias("_line0")).drop("_repeat")
        notes.append(Note("order_total_repeated", n=orders_repeated, lines=lines,
                          column=m["amount"], order=m["order_id"]))

    # Target currency: the user's, else the most frequent one written.
    written = work["_cur"].drop_nulls()
    if currency is None and written.len():
        counts = written.value_counts(sort=True)
        currency = counts[0, 0]
        if counts.height > 1:
            notes.append(Note("currencies", currency=currency))
    currency = currency.upper() if currency else None

    now = as_of or dt.datetime.now(ZoneInfo(timezone)).replace(tzinfo=None)
    empty = _empty_rows(work, frame.columns)
    repeats = _repeats(frame)
    if empty:  # an empty row repeats another, but is no order line
        repeats = repeats & ~frame[ROW].is_in(empty)
    if duplicates == "drop" or (duplicates == "auto" and "order_id" in m):
        dup = pl.lit(repeats) if repeats.any() else pl.lit(False)
    else:
        dup = pl.lit(False)
        n_identical = int(repeats.sum())
        if n_identical:
            notes.append(Note("identical_rows", n=n_identical))

    # each row's reason as its index in `reasons` (one byte a row; the texts, for the rows
    # excluded only)
    reasons: list[str] = []

    def code(text: str) -> pl.Expr:
        reasons.append(text)
        return pl.lit(len(reasons) - 1, dtype=pl.UInt8)

    reason = pl.when(pl.lit(False)).then(pl.lit(None, dtype=pl.UInt8))
    # a totals row is an artefact of spreadsheets and the text files written from them; a
    # frame, Parquet or a database table (what the Spark and database engines read too) has none
    # (above a text file's trailing empty lines, as a workbook's, whose reader leaves them out)
    totals = _totals_rows(work.filter(~pl.col(ROW).is_in(empty)) if empty else work, m) \
        if Path(raw.source).suffix.lower() in TOTALS_SOURCES else []
    if empty:  # the same type as the chain below (a first then, then chained ones)
        reason = pl.when(pl.col(ROW).is_in(empty)).then(code(why.EMPTY_ROW))
    if totals:
        reason = (reason.when(pl.col(ROW).is_in(totals)) if empty
                  else pl.when(pl.col(ROW).is_in(totals))).then(code(why.TOTALS_ROW))
    if mapping.ledger and "journal" in m and work.select(_sales_journal(m).any()).item():
        # a ledger's other journals (bank, purchases) are not sales
        reason = reason.when(~_sales_journal(m).fill_null(False)).then(code(why.NOT_SALES))
    if kinds is not None:  # an activity's withdrawals, conversions, holds, fees, payments sent
        reason = reason.when(pl.col("_kind") == OTHER).then(code(why.NOT_SALES))
    if mapping.line_items:
        # before the customer: a bad-debt adjustment or a free line usually names nobody
        reason = (reason.when(pl.col("_price") == 0).then(code(why.FREE_LINE))
                  .when(pl.col("_price") < 0).then(code(why.NEGATIVE_PRICE)))
    if guest is not None:
        reason = reason.when(pl.col("_guest")).then(code(why.GUEST_CHECKOUT))
    if walk_in is not None:  # a till's anonymous sales: no customer's
        reason = reason.when(pl.col("_walkin")).then(code(why.GUEST_CHECKOUT))
    if counterparts is not None:  # a journal's revenue and tax lines: no customer's
        reason = reason.when(pl.col("_counter")).then(code(why.MISSING_CUSTOMER))
    reason = reason.when(pl.col("_cid").is_null()).then(code(why.MISSING_CUSTOMER))
    if "status" in m or "cancelled" in m:
        # an order cancelled (a date in its cancellation column, on its line or, filled by
        # _order_values, on its order's) is not paid whatever its status says
        in_cancelled = _cancellation(frame, m).is_not_null() if "cancelled" in m else None
        not_paid = in_cancelled
        if "status" in m:
            not_paid = _activity_unfinished(pl.col(m["status"])) if kinds is not None \
                else unpaid(pl.col(m["status"]))
            if statuses is not None:
                not_paid = statuses.rule(not_paid, pl.col(m["status"]))
                notes += statuses.absent(frame, m["status"])
            if in_cancelled is not None:  # a blank status (null) and a cancellation: True
                not_paid = not_paid | in_cancelled
        assert not_paid is not None
        reason = reason.when(not_paid).then(code(why.STATUS_NOT_PAID))
    reason = reason.when(pl.col("_ts").is_null()).then(code(why.BAD_DATE))
    if mapping.line_items:
        reason = reason.when(pl.col("_qty").is_null() | ~pl.col("_qty").is_finite()) \
            .then(code(why.BAD_QUANTITY))
    reason = reason.when(pl.col("_amount").is_null() | pl.col("_amount").is_nan()) \
        .then(code(why.BAD_AMOUNT))
    # infinite amounts ('1e400', 'inf', or a quantity x price overflowing) too
    reason = reason.when(pl.col("_amount").abs() > max_amount).then(code(why.AMOUNT_RANGE))
    if currency is not None:
        reason = reason.when(pl.col("_cur").is_not_null() & (pl.col("_cur") != currency)) \
            .then(code(why.OTHER_CURRENCY))
    if earliest is not None:
        early = why.early_date(earliest.date())
        reason = reason.when(pl.col("_ts") < earliest).then(code(early))
    reason = (
        reason.when(pl.col("_ts") > now).then(code(why.FUTURE_DATE))
        .when(dup).then(code(why.DUPLICATE))
    )
    if refunds == "drop":
        reason = reason.when(pl.col("_amount") < 0).then(code(why.REFUND_DROPPED))
    work = work.with_columns(reason.otherwise(None).alias("_code"))
    # what the sums take of a row: its amount when parsed and within range, else 0, whatever
    # the row's reason (two amounts of 1e308 make any sum infinite)
    finite = pl.when(pl.col("_amount").abs() <= max_amount).then(pl.col("_amount")) \
        .otherwise(0.0)

    if refunds == "error":
        bad = _rows(work, pl.col("_code").is_null() & (pl.col("_amount") < 0),
                    [ROW, "_amount", *(["_qty"] if "_qty" in work.columns else [])])
        if bad.height:
            raise DataError(
                key="error_refund_found",
                values={"amount": float(bad["_amount"][0]), "n": bad.height},
                source=src, row=int(bad[ROW][0]),
                column=m["quantity"] if "quantity" in m and (bad["_qty"][0] or 0) < 0
                else _amount_column(m))

    # the examples show the mapped columns, and the email that keys a guest
    email = [mapping.guest_email] if mapping.guests and mapping.guest_email else []
    email += list(mapping.activity.values())  # an activity's type, side and refunded buyer
    shown = [ROW] + list(dict.fromkeys([*m.values(), *email]))
    excluded = _rows(work, pl.col("_code").is_not_null(), ["_code", "_amount", "_cur", *shown]) \
        .with_columns(pl.col("_code").replace_strict(dict(enumerate(reasons)),
                                                     return_dtype=pl.String).alias("_reason"))
    if strict and excluded.height:
        first = excluded.sort(ROW).row(0, named=True)
        column = _reason_column(first["_reason"], m, first)
        raise DataError(
            key="error_strict",
            values={"reason": first["_reason"], "value": first[column], "n": excluded.height},
            source=src, row=int(first[ROW]), column=column)

    report = (
        excluded.group_by("_reason", maintain_order=True)
        .agg(pl.len().alias("n"), finite.sum().alias("amount"),
             pl.struct(shown).sort_by(ROW).head(N_EXAMPLES).alias("examples"))
    )
    # the rows in other currencies: their amounts per currency, never one sum of several
    others = dict(excluded.filter(pl.col("_reason") == why.OTHER_CURRENCY).group_by("_cur")
                  .agg(finite.sum()).sort("_cur").iter_rows())
    exclusions = sorted(
        (Exclusion(r["_reason"], int(r["n"]), float(r["amount"]),
                   [{("row" if k == ROW else k): v for k, v in ex.items()}
                    for ex in r["examples"]],
                   {str(c): float(v) for c, v in others.items()}
                   if r["_reason"] == why.OTHER_CURRENCY else None)
         for r in report.iter_rows(named=True)),
        key=lambda e: why.rank(e.reason),
    )

    # the optional columns written out: those kept, and the order id that groups line items
    # into orders (dropped after, when not kept)
    wanted = [f for f in OPTIONAL if f in m and f != "quantity"
              and (f in keep or (f == "order_id" and mapping.line_items))]
    # refunds that an order id may link to their order (see _refund_orders)
    linkable = refunds == "net" and "order_id" in m and bool(work.select(
        (pl.col("_code").is_null() & (pl.col("_amount") < 0)).any()).item())
    kept = _rows(work, pl.col("_code").is_null(), [
        ROW, "_cid", "_ts", "_amount", "_line0", *(["_qty"] if "_qty" in work.columns else []),
        *(m[f] for f in wanted), *([m["order_id"]] if linkable else [])])
    if kept.height == 0 and exclusions:
        _nothing_kept(exclusions, m, src)
    if line_note is not None:  # the lines of excluded orders are excluded with them
        n_kept_lines = int(kept["_line0"].sum())
        if n_kept_lines:
            notes.insert(line_note, Note("line_items", n=n_kept_lines))
    out = kept.select(
        pl.col("_cid").alias("customer_id"),
        pl.col("_ts").alias("timestamp"),
        pl.col("_amount").alias("amount"),
        *[clean_values(kept[m[f]]).alias(f) for f in wanted],
        *([pl.col("_qty").alias("quantity")] if "quantity" in m and "quantity" in keep else []),
    )
    if linkable:
        order_time = _refund_orders(kept, m["order_id"], out["order_id"]
                                    if "order_id" in out.columns else None)
        if order_time is not None:
            out = out.with_columns(order_time)
            linked = out.filter(pl.col("order_time").is_not_null())
            notes.append(Note("refunds_linked", n=linked.height,
                              total=float(linked["amount"].sum())))
    if mapping.line_items:
        out = _orders(out, notes)
        if "order_id" not in keep:
            out = out.drop("order_id")
    cancelled = 0
    if cancelled_how:
        dropped = reasons.index(why.REFUND_DROPPED) if why.REFUND_DROPPED in reasons else -1
        counted = pl.col("_cancel") & (pl.col("_code").is_null() | (pl.col("_code") == dropped))
        cancelled, total = work.select(counted.sum(),
                                       pl.col("_amount").filter(counted).sum()).row(0)
        if cancelled:
            notes.append(Note("cancellations", n=cancelled, how=cancelled_how,
                              total=float(total), policy=refunds))
    # zero-value rows, but for the lines whose order's amount is on another line
    n_zero = int(kept.select(((pl.col("_amount") == 0) & ~pl.col("_line0")).sum()).item())
    if n_zero:
        notes.append(Note("zero_rows", n=n_zero))
    # the refunds netted within their period (those linked to their order have their note)
    unlinked = (pl.col("amount") < 0) & (pl.col("order_time").is_null()
                                         if "order_time" in out.columns else pl.lit(True))
    n_refunds, refunded = out.select(unlinked.sum().alias("n"),
                                     pl.col("amount").filter(unlinked).sum()).row(0)
    if n_refunds and n_refunds != cancelled:  # else the cancellations' note says it
        notes.append(Note("refunds", n=int(n_refunds), total=float(refunded)))
    if kinds is not None:
        notes.append(_activity_note(work, mapping))
    notes += _one_customer(kept["_cid"], m["customer_id"], list(frame.columns))
    outlier = _outlier(kept, m)
    if outlier is not None:
        notes.append(outlier)
    if _within(work["_amount"], max_amount):
        finite = pl.col("_amount")  # the same values, in the same chunks: the same sums
    read, magnitude = work.select(finite.sum().alias("read"),
                                  finite.abs().sum().alias("magnitude")).row(0)
    issues = DataIssues(
        source=src,
        rows_read=frame.height,
        rows_kept=out.height,
        amount_read=float(read),
        amount_kept=float(out["amount"].sum()),
        exclusions=exclusions,
        notes=notes,
        mapping=dict(m),
        mapping_origin=dict(mapping.origin),
        amount_magnitude=float(magnitude),
        excluded_rows=_listed(frame, work, reasons, shown) if listed else None,
    )
    if not issues.balanced:  # an internal invariant: failing it is a bug, said in a sentence
        raise DataError(
            key="error_not_conserved",
            values={"read": issues.rows_read, "kept": issues.rows_kept,
                    "excluded": issues.rows_excluded, "amount_read": issues.amount_read,
                    "amount_kept": issues.amount_kept,
                    "amount_excluded": issues.amount_excluded},
            source=src)
    return Transactions(out, issues, mapping, timezone, currency)


def unpaid(status: pl.Expr) -> pl.Expr:
    """True for an order status that is not revenue (:data:`clv.data.mapping.NOT_PAID` and
    :data:`~clv.data.mapping.NOT_PAID_PREFIXES`, compared trimmed, without case or accents,
    and without a system's prefix (:data:`~clv.data.mapping.STATUS_PREFIXES`:
    ``wc-refunded`` is ``refunded``); null for a blank one."""
    text = status_text(status)
    waiting = pl.lit(False)
    for prefix in NOT_PAID_PREFIXES:
        waiting = waiting | text.str.starts_with(prefix)
    paid = pl.lit(False)
    for prefix in PAID_PREFIXES:
        paid = paid | text.str.starts_with(prefix)
    for word in PAID_WORDS:
        paid = paid | text.str.contains(word, literal=True)
    return text.is_in(sorted(NOT_PAID)) | (waiting & ~paid)


def status_text(status: pl.Expr) -> pl.Expr:
    """An order status as :func:`unpaid` compares it: trimmed, lower case, without accents,
    '_' as a space, without a system's prefix; null for a blank one."""
    text = _clean_text(status).str.to_lowercase().str.normalize("NFKD") \
        .str.replace_all(r"\p{Mn}", "").str.replace_all("_", " ", literal=True)
    for system in STATUS_PREFIXES:
        text = text.str.strip_prefix(system)
    return text


@dataclass(frozen=True)
class Statuses:
    """The status values a user said are paid (None: not said) and not paid, as given and
    as compared (:func:`status_text`)."""

    paid: dict[str, str] | None  # compared: as given (the first way it was written)
    unpaid: dict[str, str]

    def rule(self, builtin: pl.Expr, status: pl.Expr) -> pl.Expr:
        """True for a status not paid: not one of ``paid`` when they were said, else
        ``builtin`` or one of ``unpaid``; null for a blank one (kept, as the built-in rule
        keeps it)."""
        text = status_text(status)
        if self.paid is not None:
            return pl.when(text.is_null()).then(None).otherwise(
                ~text.is_in(sorted(self.paid)))
        return pl.when(text.is_null()).then(None).otherwise(
            builtin | text.is_in(sorted(self.unpaid)))

    def absent(self, frame: pl.DataFrame, column: str) -> list[Note]:
        """The note ``statuses_not_found`` naming the values said that never occur in
        ``column`` (a typo?); none when every one does."""
        found = set(frame.select(status_text(pl.col(column)).unique().drop_nulls())
                    .to_series().to_list())
        said = {**(self.paid or {}), **self.unpaid}
        missing = [given for text, given in said.items() if text not in found]
        if not missing:
            return []
        return [Note("statuses_not_found", n=len(missing), column=column,
                     values=", ".join(f"'{v}'" for v in missing))]


def _statuses(paid: Iterable[str] | None, not_paid: Iterable[str] | None) -> Statuses | None:
    """The :class:`Statuses` of ``paid_statuses`` and ``unpaid_statuses`` (None when neither
    is given); a value in both, or ``paid_statuses`` naming none, refused."""
    if paid is None and not_paid is None:
        return None
    said = {name: _compared(values) for name, values
            in (("paid_statuses", paid), ("unpaid_statuses", not_paid)) if values is not None}
    if "paid_statuses" in said and not said["paid_statuses"]:
        raise DataError(key="error_statuses_empty")
    both = [given for text, given in said.get("paid_statuses", {}).items()
            if text in said.get("unpaid_statuses", {})]
    if both:
        raise DataError(key="error_statuses_both",
                        values={"values": ", ".join(f"'{v}'" for v in both)})
    return Statuses(said.get("paid_statuses"), said.get("unpaid_statuses", {}))


def _compared(values: Iterable[str]) -> dict[str, str]:
    """Status values given (one text is one value) as compared: as given, blanks left out."""
    given = [values] if isinstance(values, str) else [str(v) for v in values]
    texts = pl.select(status_text(pl.lit(pl.Series(given, dtype=pl.String)))).to_series()
    compared: dict[str, str] = {}
    for text, value in zip(texts.to_list(), given, strict=True):
        if text is not None:
            compared.setdefault(text, value)
    return compared


def _adjusted(amounts: ParsedAmounts, frame: pl.DataFrame, mapping: Mapping,
              decimal: str | None, notes: list[str]) -> ParsedAmounts:
    """The amounts with the adjusted amount of ``mapping.adjusted`` where it is filled (a
    refund or an adjustment changed the order: Etsy's 'Adjusted Order Total'), said in the
    note ``adjusted_amounts``."""
    assert mapping.adjusted is not None
    twin = parse_amounts(frame[mapping.adjusted], decimal=decimal)
    filled = twin.amount.is_not_null()
    n = int(filled.sum())
    if not n:
        return amounts
    amount = pl.select(pl.when(pl.lit(filled)).then(pl.lit(twin.amount))
                       .otherwise(pl.lit(amounts.amount))).to_series()
    before = float(amounts.amount.filter(filled).fill_null(0.0).sum())
    notes.append(Note("adjusted_amounts", n=n, adjusted=mapping.adjusted,
                      column=mapping.columns["amount"], before=before,
                      after=float(twin.amount.filter(filled).sum())))
    currency = pl.select(pl.coalesce(pl.lit(amounts.currency), pl.lit(twin.currency))) \
        .to_series()
    return ParsedAmounts(amount, currency)


def _counterparts(ids: pl.Series, mapping: Mapping, notes: list[str]) -> pl.Series | None:
    """In a ledger whose customer column holds account numbers (EBP's sales journal with one
    'Compte' column: 411DURAND, 706000, 445710), the lines of accounts other than customers'
    (:data:`clv.data.mapping.LEDGER_CUSTOMER_ACCOUNT`), said in the note
    ``ledger_accounts``: an invoice's revenue and tax lines, which would else be customers
    706000 and 445710. None for any other column (no revenue account of class 7 in it)."""
    if not mapping.ledger or ids.dtype != pl.String:
        return None
    accounts = ids.to_frame("a").select(
        pl.col("a").str.contains(LEDGER_REVENUE_ACCOUNT).fill_null(False).alias("revenue"),
        (pl.col("a").is_not_null()
         & ~pl.col("a").str.contains(LEDGER_CUSTOMER_ACCOUNT)).alias("other"))
    if not accounts["revenue"].any():
        return None
    other = accounts["other"]
    customers = ids.filter(~other).drop_nulls()
    if not customers.len():
        return None
    examples = ids.filter(other).unique(maintain_order=True).head(3).to_list()
    notes.append(Note("ledger_accounts", n=int(other.sum()),
                      column=mapping.columns["customer_id"], customer=str(customers[0]),
                      example=", ".join(f"'{e}'" for e in examples)))
    return other


WALK_IN_SAMPLE = 50_000
"""The rows (the first ones and a uniform draw) whose ids are looked at for till
placeholders (see :func:`_walk_ins`)."""


def _look_at(ids: pl.Series) -> pl.Series:
    """The distinct ids of the first and of a uniform draw of :data:`WALK_IN_SAMPLE` rows
    (every id of a smaller log): a comparison of every id costs a pass over the column
    (0.5 s on 10.8M ids), and a placeholder or an id holding most rows is among them."""
    if ids.len() <= 2 * WALK_IN_SAMPLE:
        return ids.drop_nulls().unique()
    return pl.concat([ids.head(WALK_IN_SAMPLE), ids.sample(WALK_IN_SAMPLE, seed=0)]) \
        .drop_nulls().unique()


def _walk_ins(ids: pl.Series, column: str, notes: list[str]) -> pl.Series | None:
    """The rows whose customer is a till's placeholder for an anonymous sale
    (:data:`clv.data.mapping.WALK_IN_IDS`: 'WALKIN', 'Walk-in Customer', 'Client de
    passage' ...), said in the note ``walk_ins``; None when there is none. The placeholders
    are looked for among the ids of :func:`_look_at` (every id of a log of up to 100,000
    rows), and their usual spellings (:data:`clv.data.mapping.WALK_IN_SPELLINGS`) among
    every id, so that a rare one in a large log is not missed; then every row holding one is
    found."""
    if ids.dtype != pl.String:
        return None
    distinct = _look_at(ids)
    folded = distinct.to_frame("v").select(
        pl.col("v").str.to_lowercase().str.normalize("NFKD").str.replace_all(r"[^a-z0-9]", "")
    ).to_series()
    found = distinct.filter(folded.is_in(sorted(WALK_IN_IDS)))
    if ids.len() > 2 * WALK_IN_SAMPLE:  # a smaller log's ids were all looked at
        spelled = ids.to_frame("v").lazy().filter(
            pl.col("v").is_in(pl.Series(WALK_IN_SPELLINGS).implode())).select(
            pl.col("v").unique()).collect().to_series()
        found = pl.concat([found, spelled]).unique()
    if not found.len():
        return None
    rows = ids.is_in(found.implode()).fill_null(False)
    notes.append(Note("walk_ins", n=int(rows.sum()), column=column,
                      example=", ".join(f"'{v}'" for v in sorted(found.to_list())[:3])))
    return rows


def _one_customer(ids: pl.Series, column: str, columns: list[str]) -> list[str]:
    """The note of a customer column that cannot tell customers apart: one value on every
    row kept (at least :data:`clv.data.mapping.ONE_CUSTOMER_ROWS` of them: SumUp's 'Email'
    is the merchant's own on every sale), or one id holding over
    :data:`~clv.data.mapping.DOMINANT_SHARE` of the rows of a log of at least
    :data:`~clv.data.mapping.DOMINANT_IDS` ids. The candidate is the most frequent id of a
    sample; only it is counted over the whole column (the counts of every id took 10 s on
    10.8M rows)."""
    rows = ids.len() - ids.null_count()
    if rows < ONE_CUSTOMER_ROWS:
        return []
    sample = ids.drop_nulls()
    if sample.len() > 2 * WALK_IN_SAMPLE:
        sample = sample.sample(2 * WALK_IN_SAMPLE, seed=0)
    counts = sample.value_counts(sort=True, name="n")
    top = str(counts[0, 0])
    if counts[0, "n"] <= 0.4 * sample.len():  # no id near half of the rows
        return []
    n = int((ids == top).sum())
    others = ", ".join(f"'{c}'" for c in columns if c not in (column, ROW)) or "-"
    if n == rows:
        return [Note("one_customer", column=column, rows=rows, example=top, columns=others)]
    # the ids of the sample are a lower bound of the column's (a count of every distinct id
    # took 7 s on 22.8M rows), counted in full only when the sample has too few
    if n > DOMINANT_SHARE * rows and (counts.height >= DOMINANT_IDS
                                      or ids.drop_nulls().n_unique() >= DOMINANT_IDS):
        return [Note("dominant_customer", column=column, rows=rows, count=n, example=top,
                     percent=round(100 * n / rows))]
    return []


def _zone_note(frame: pl.DataFrame, m: dict[str, str], timezone: str) -> list[str]:
    """The note ``zone_column`` when a column not mapped names the dates' time zone (PayPal's
    'TimeZone'): the dates are taken as written, not converted from that zone."""
    column = zone_column([c for c in frame.columns if c != ROW and c not in m.values()])
    if column is None:
        return []
    zones = frame.head(10_000).select(  # the first rows name the zone (a pass: 0.3 s)
        _clean_text(pl.col(column)).drop_nulls().unique(maintain_order=True).head(3)
    ).to_series().to_list()
    if not zones:
        return []
    return [Note("zone_column", column=column, example=", ".join(f"'{z}'" for z in zones),
                 zone=timezone)]


SALE, REFUND, OTHER = "sale", "refund", "other"
"""The kinds of a payment account's movements (see :func:`_activity_kinds`)."""


def _folded(expr: pl.Expr) -> pl.Expr:
    """Text trimmed, lower-cased and without accents ('Crédit' is 'credit')."""
    return _clean_text(expr).str.to_lowercase().str.normalize("NFKD") \
        .str.replace_all(r"\p{Mn}", "")


def _activity_kinds(frame: pl.DataFrame, mapping: Mapping, decimal: str | None) -> pl.Series:
    """The kind of each movement of a payment account's activity (PayPal's activity
    download: :data:`clv.data.mapping.ACTIVITY_PRESETS`): ``sale`` for a payment received
    (into the account) from a buyer, ``refund`` for a refund leaving it to a buyer, ``other``
    for the rest (withdrawals, currency conversions, holds and releases, fees, transfers,
    payments the shop sent, memo lines). The side is the 'Balance Impact' column, else the
    sign of the gross amount."""
    act, m = mapping.activity, mapping.columns
    if "impact" in act:
        into = _folded(pl.col(act["impact"])).is_in(sorted(ACTIVITY_CREDIT)).fill_null(False)
        out_of = _folded(pl.col(act["impact"])).str.starts_with("deb").fill_null(False)
        side = frame.select(into.alias("in"), out_of.alias("out"))
    else:
        gross = parse_amounts(frame[m["amount"]], decimal=decimal).amount
        side = pl.DataFrame({"in": (gross > 0).fill_null(False),
                             "out": (gross < 0).fill_null(False)})
    kind = pl.col("_type")
    typed = frame.select((_folded(pl.col(act["type"])) if "type" in act
                          else pl.repeat("payment", frame.height)).alias("_type")).select(
        kind.str.contains(ACTIVITY_OTHER).fill_null(True).alias("other"),
        kind.str.contains(ACTIVITY_REFUND).fill_null(False).alias("refund"),
        kind.str.contains(ACTIVITY_PAYMENT).fill_null(False).alias("payment"))
    both = pl.concat([side, typed], how="horizontal")
    return both.select(
        pl.when(pl.col("other")).then(pl.lit(OTHER))
        .when(pl.col("refund") & pl.col("out")).then(pl.lit(REFUND))
        .when(pl.col("payment") & pl.col("in")).then(pl.lit(SALE))
        .otherwise(pl.lit(OTHER)).alias("_kind")).to_series()


def _refunded_buyers(frame: pl.DataFrame, mapping: Mapping, kinds: pl.Series | None
                     ) -> pl.DataFrame:
    """``frame`` with the customer of an activity's refunds taken from the column of the
    buyer refunded ('To Email Address'): the customer column ('From Email Address') holds
    the shop's own email on them. Else ``frame`` as it is."""
    if kinds is None or "refunded_to" not in mapping.activity:
        return frame
    customer = mapping.columns["customer_id"]
    return frame.with_columns(
        pl.when(pl.lit(kinds) == REFUND).then(pl.col(mapping.activity["refunded_to"]))
        .otherwise(pl.col(customer)).alias(customer))


def _refunded_orders(frame: pl.DataFrame, mapping: Mapping, kinds: pl.Series | None
                     ) -> pl.DataFrame:
    """``frame`` with an activity's refund taking as order id the transaction it refers to
    (PayPal's 'Reference Txn ID': the payment refunded), so that a refund made in a later
    period is netted against its payment's (see :func:`_refund_orders`); else as it is."""
    m = mapping.columns
    if kinds is None or "reference" not in mapping.activity or "order_id" not in m:
        return frame
    order, reference = m["order_id"], mapping.activity["reference"]
    refund = (pl.lit(kinds) == REFUND) & _clean_text(pl.col(reference)).is_not_null()
    return frame.with_columns(
        pl.when(refund).then(_clean_text(pl.col(reference)))
        .otherwise(pl.col(order).cast(pl.String)).alias(order))


def _activity_unfinished(status: pl.Expr) -> pl.Expr:
    """True for a movement of an activity not done (pending, denied, incomplete, cancelled
    ...: not in :data:`clv.data.mapping.ACTIVITY_DONE`); null for a blank state."""
    text = _folded(status)
    return pl.when(text.is_not_null()).then(~text.is_in(sorted(ACTIVITY_DONE)))


def _activity_note(work: pl.DataFrame, mapping: Mapping) -> Note:
    """The note saying how an activity's movements were taken (purchases, refunds, the
    others excluded)."""
    counts = dict(work.group_by("_kind").len().iter_rows())
    return Note("payment_activity", sales=int(counts.get(SALE, 0)),
                refunds=int(counts.get(REFUND, 0)), other=int(counts.get(OTHER, 0)),
                buyer=mapping.columns["customer_id"],
                refunded=mapping.activity.get("refunded_to", mapping.columns["customer_id"]),
                type=mapping.activity.get("type", "-"))


def _within(amount: pl.Series, max_amount: float) -> bool:
    """True when every amount is a number within +-max_amount (nothing for the sums to set
    to 0): told by the null count, a NaN test and the extremes, without the conditional
    column of every row (0.07 s and 0.2 GB on 10.8M rows)."""
    if amount.null_count() or amount.len() == 0 or bool(amount.is_nan().any()):
        return False
    low, high = amount.min(), amount.max()
    return isinstance(low, float) and isinstance(high, float) \
        and -max_amount <= low and high <= max_amount


def _rows(work: pl.DataFrame, condition: pl.Expr, columns: list[str]) -> pl.DataFrame:
    """The ``columns`` of the rows of ``work`` meeting ``condition`` (only those columns are
    filtered: the work table holds every column read besides the parsed ones)."""
    return work.lazy().filter(condition).select(list(dict.fromkeys(columns))).collect()


LISTED = ("row", "reason", "amount")
"""The first columns of ``DataIssues.excluded_rows``, before the source's columns."""


def _listed(frame: pl.DataFrame, work: pl.DataFrame, reasons: list[str], shown: list[str]
            ) -> pl.DataFrame:
    """Every excluded row of ``work`` (``_code`` set): its row number, reason text, parsed
    amount (null when unparsed or NaN) and the ``shown`` columns of ``frame``, the source as
    read (``work`` may have filled a line's blank status from its order), ordered by row."""
    columns = [c for c in shown if c != ROW]
    names = {c: _free_name(c, columns) for c in columns}
    amount = pl.col("_amount")
    return (
        frame.lazy().select(ROW, *columns)
        .with_columns(work["_code"], work["_amount"])
        .filter(pl.col("_code").is_not_null())
        .select(
            pl.col(ROW).alias("row"),
            pl.col("_code").replace_strict(dict(enumerate(reasons)), return_dtype=pl.String)
            .alias("reason"),
            pl.when(amount.is_nan()).then(None).otherwise(amount).alias("amount"),
            *[pl.col(c).alias(names[c]) for c in columns])
        .sort("row")
        .collect()
    )


def _free_name(column: str, columns: list[str]) -> str:
    """``column``, or ``<column> (file)`` when it is one of :data:`LISTED` (then with more
    ``(file)`` while it is still taken)."""
    name = column
    while name in LISTED or (name != column and name in columns):
        name += " (file)"
    return name


def _outlier(kept: pl.DataFrame, m: dict[str, str]) -> Note | None:
    """The note of a kept amount that dwarfs the rest: over OUTLIER_FACTOR times the 99th
    percentile of the other positive amounts and over OUTLIER_SHARE of the positive revenue
    (a typo, a test order, a price in cents), or None. The share is checked first: it needs
    a max and a sum, the percentile a sort."""
    positive = kept.lazy().filter(pl.col("_amount") > 0)
    top, total, n = positive.select(pl.col("_amount").max().alias("top"),
                                    pl.col("_amount").sum().alias("total"),
                                    pl.len()).collect().row(0)
    if n <= OUTLIER_MIN_ROWS or top <= OUTLIER_SHARE * total:
        return None
    first = positive.filter(pl.col("_amount") == top).sort(ROW).head(1).collect()
    row = int(first[ROW][0])
    typical = positive.filter(pl.col(ROW) != row).select(
        pl.col("_amount").quantile(0.99, interpolation="linear")).collect().item()
    if top <= OUTLIER_FACTOR * typical:
        return None
    return Note("outlier_amount", row=row, amount=float(top), customer=first["_cid"][0],
                ratio=round(top / typical), typical=float(typical),
                percent=round(100 * top / total))


def _nothing_kept(exclusions: list[Exclusion], m: dict[str, str], src: str) -> None:
    """Every row excluded: the first reason, its column and an example, as an error (an
    empty table would only fail later, further from its cause)."""
    first = max(exclusions, key=lambda e: e.count)
    column = _reason_column(first.reason, m, first.examples[0] if first.examples else None)
    example = next((ex.get(column) for ex in first.examples if ex.get(column) is not None),
                   None)
    total = sum(e.count for e in exclusions)
    raise DataError(
        key="error_nothing_kept",
        values={"n": total, "count": first.count, "reason": first.reason,
                "example": "" if example is None else Words("error_example", value=example)},
        source=src, column=column)


def _quantities(values: pl.Series, decimal: str | None) -> ParsedAmounts:
    """Quantities: plain numbers ('3', '-1', '2.5') by a cast; a column with any other form
    ('1,5', '2 pcs') by the amounts' parser (a cast of 10.8M quantities: 0.3 s; the parser:
    3 s and 0.4 GB)."""
    if values.dtype == pl.String:
        text = values.str.strip_chars()
        cast = text.cast(pl.Float64, strict=False)
        if cast.null_count() == int((text.is_null() | (text == "")).sum()):
            return ParsedAmounts(cast, pl.repeat(None, len(values), dtype=pl.String,
                                                 eager=True))
    return parse_amounts(values, decimal=decimal)


GUEST_ID = "0"
"""The customer id of a guest checkout in a user-id column (see :class:`Mapping`)."""


def _customer_ids(frame: pl.DataFrame, mapping: Mapping, notes: list[str]
                  ) -> tuple[pl.Series, pl.Series | None]:
    """The customer ids (:func:`clv.data.ids.clean_ids`; emails that differ only by case
    merged, said in the note ``email_ids_merged``) and, when the column is a user id
    where 0 marks a guest (``mapping.guests``), the rows to exclude as guest checkouts
    (else None).

    A guest row (id 0 or blank) is keyed by its email (trimmed, lower-cased) when the file
    has an email column and the row an email, said in the note ``guest_emails``: else every
    guest would be one customer ``0`` with all their purchases. A row of id 0 without an
    email is a guest checkout to exclude; a blank id without an email stays a missing id."""
    column = mapping.columns["customer_id"]
    ids, merged = clean_ids_merged(frame[column])
    if merged:
        notes.append(Note("email_ids_merged", n=merged, column=column))
    if not mapping.guests:
        return ids, None
    zero = ids == GUEST_ID
    if mapping.guest_zero and not zero.any():
        return ids, None
    if mapping.guest_email is None:
        if zero.any() and mapping.guest_zero:
            notes.append(Note("guest_ids_excluded", n=int(zero.sum()), column=column))
        return ids, zero.fill_null(False) if zero.any() else None
    if not zero.any() and not ids.null_count():
        return ids, None
    email = frame.select(_clean_text(pl.col(mapping.guest_email)).str.to_lowercase()) \
        .to_series()
    guest = (zero | ids.is_null()).fill_null(True)
    by_email = guest & email.is_not_null()
    n = int(by_email.sum())
    if n:
        ids = pl.select(pl.when(pl.lit(by_email)).then(pl.lit(email)).otherwise(pl.lit(ids))
                        .alias(ids.name)).to_series()
        notes.append(Note("guest_emails", n=n, column=column, email=mapping.guest_email))
    unknown = zero.fill_null(False) & email.is_null()
    return ids, unknown if unknown.any() else None


def _date_values(frame: pl.DataFrame, m: dict[str, str], notes: list[str]) -> pl.Series:
    """The timestamp column, with the time-of-day column appended where the date holds only
    the day (point-of-sale exports write them apart)."""
    values = frame[m["timestamp"]]
    if "time" not in m or m["time"] == m["timestamp"]:
        return values
    day = _clean_text(pl.col(m["timestamp"]))
    clock = _clean_text(pl.col(m["time"]))
    joined = frame.select(
        pl.when(clock.is_null() | day.str.contains(r"\d:\d")).then(day)
        .otherwise(day + pl.lit(" ") + clock).alias(m["timestamp"])).to_series()
    notes.append(Note("date_and_time", date=m["timestamp"], time=m["time"]))
    return joined


FRENCH_HEADER_WORDS = {"montant", "commande", "facture", "devise", "statut", "etat", "produit",
                       "quantite", "qte", "prix", "achat", "remboursement", "rembourse",
                       "canal", "libelle", "ttc", "ht", "reglement", "numero", "societe",
                       "remise",
                       # German headers: German files write dates day first too
                       "betrag", "gesamtbetrag", "bruttobetrag", "datum", "bestelldatum",
                       "rechnungsdatum", "kunde", "kundennummer", "bestellnummer",
                       "rechnungsnummer", "menge", "preis", "waehrung", "summe"}
"""Words of French (and German) headers that English headers do not write (compared
without case or accents, once a header is split at spaces and punctuation: 'Montant TTC',
'N° facture'): one of them shows a European file, whose dates are day first. 'Client',
'Date', 'Total' are written in both."""
EUROPEAN_SAMPLE = 1_000
"""The first rows of the amount column looked at for decimal commas (see :func:`_european`)."""


TOTAL_WORDS = re.compile(
    r"(?i)^\s*(grand[\s-]+|sous[\s-]*|sub[\s-]*)?(total|totals|totaux|totale|totales|sum|"
    r"somme)(\s+(g[ée]n[ée]ral|generale?|ttc|ht|tva))?\s*:?\s*$")
"""A cell that names a totals row: 'Total', 'TOTAL', 'Totaux', 'Grand total', 'Total
général', 'Sous-total', 'Total TTC:' (the whole cell: 'Total Energies SA' is a customer)."""
TOTALS_TAIL = 3
"""The last rows of a table looked at for totals rows."""


TOTALS_SOURCES = frozenset({".csv", ".txt", ".tsv", ".tab", ".xlsx", ".xlsm", ".xls", ".ods"})
"""The files whose last rows may be a totals row (:func:`_totals_rows`): spreadsheets and
delimited text; not Parquet, JSON lines, frames or database tables."""


def _totals_rows(work: pl.DataFrame, m: dict[str, str]) -> list[int]:
    """The row numbers of a spreadsheet's totals rows at the end of the table: among its last
    TOTALS_TAIL rows, those whose customer, date or order cell is a word of
    :data:`TOTAL_WORDS`; and the last row when it has no customer and its amount is the sum of
    the other rows' (a total under the amounts, unlabelled). Such a row is no purchase: as a
    'missing customer id' it would double the revenue read. Looks at the last rows, and sums
    the amounts only when the last row has no customer."""
    if work.height < 2:
        return []
    tail = work.tail(TOTALS_TAIL)
    cells = [pl.col(c).cast(pl.String).str.contains(TOTAL_WORDS.pattern).fill_null(False)
             for c in dict.fromkeys(m[f] for f in ("customer_id", "timestamp", "order_id")
                                    if f in m)]
    rows: list[int] = tail.filter(pl.any_horizontal(cells))[ROW].to_list()
    last_row, cid, amount = tail.select(ROW, "_cid", "_amount").row(-1)
    if last_row not in rows and cid is None and amount is not None and amount > 0 \
            and work.height >= 3:
        # the amounts as written: a credit note's line, made negative, is positive in its
        # file's totals row
        written = pl.when(pl.col("_credit")).then(-pl.col("_amount")).otherwise(
            pl.col("_amount")) if "_credit" in work.columns else pl.col("_amount")
        others = float(work.filter(~pl.col(ROW).is_in([last_row, *rows]))
                       .select(written.sum()).item() or 0.0)
        if abs(amount - others) <= max(0.01, 1e-9 * abs(others)):
            rows.append(last_row)
    return rows


EXCEL_ERRORS = re.compile(r"(?i)^#(REF!|N/A|VALUE!|DIV/0!|NAME\?|NUM!|NULL!|SPILL!|CALC!|"
                          r"FIELD!|BLOCKED!|UNKNOWN!|GETTING_DATA|CONNECT!|BUSY!)$")
"""A spreadsheet's error value, written in a cell by the formula that failed ('#REF!',
'#N/A', '#VALUE!'...): an unreadable cell, not a value (a currency 'N/A')."""


def _empty_rows(work: pl.DataFrame, columns: list[str]) -> list[int]:
    """The row numbers of the rows with no value in any of ``columns`` (a blank line, ``,,,``):
    looked for among the rows without a customer only."""
    cells = [c for c in columns if c != ROW]
    unnamed = work.filter(pl.col("_cid").is_null())
    if not cells or not unnamed.height:
        return []
    rows: list[int] = unnamed.filter(pl.all_horizontal(
        [_clean_text(pl.col(c)).is_null() for c in cells]))[ROW].to_list()
    return rows


def _european(frame: pl.DataFrame, m: dict[str, str], decimal: str | None) -> str | None:
    """What shows a file written the French or European way, whose ambiguous dates
    (01/02/2023) are then read day first: a header in French (:data:`FRENCH_HEADER_WORDS`, such
    as 'Montant'), decimal commas (``decimal=','``, or most of the first EUROPEAN_SAMPLE amounts
    ending in a comma and one or two digits: '1 234,56 €'), said as the evidence; None when
    nothing shows it (the dates stay ambiguous). Looks at the headers and a sample only."""
    import unicodedata

    for column in frame.columns:
        folded = unicodedata.normalize("NFKD", str(column).lower())
        words = set(re.split(r"[^a-z0-9]+", "".join(
            ch for ch in folded if not unicodedata.combining(ch))))
        if words & FRENCH_HEADER_WORDS:
            return f"'{column}'"
    amount = m.get("amount") or m.get("price") or m.get("debit") or m.get("credit")
    if decimal == ",":
        return "decimal=','"
    if amount is None or frame[amount].dtype != pl.String:
        return None
    head = frame[amount].head(EUROPEAN_SAMPLE).str.strip_chars().drop_nulls()
    head = head.filter(head != "")
    comma = head.str.contains(r"\d,\d{1,2}\D*$")
    point = head.str.contains(r"\d\.\d{1,2}\D*$")
    if head.len() and 2 * int(comma.sum()) >= head.len() and comma.sum() > point.sum():
        return f"'{head.filter(comma)[0]}'"
    return None


def _minor_units(frame: pl.DataFrame, m: dict[str, str], notes: list[str]) -> pl.Series:
    """The divisor of each row's amounts written in the currency's minor unit (Stripe's API:
    14950 is 149.50 USD): 100, but 1 for a zero-decimal currency (JPY, KRW ...:
    :data:`clv.data.mapping.ZERO_DECIMAL`) named in the row's currency column."""
    if "currency" in m:
        code = frame.select(_clean_text(pl.col(m["currency"]).cast(pl.String))
                            .str.to_uppercase()).to_series()
        units = pl.select(pl.when(pl.lit(code).is_in(sorted(ZERO_DECIMAL))).then(1.0)
                          .otherwise(100.0)).to_series()
    else:
        units = pl.repeat(100.0, frame.height, eager=True)
    notes.append(Note("minor_units", column=m["amount"], refunded=m.get("refunded", "-")))
    return units


def _net_of_refunds(amount: pl.Series, frame: pl.DataFrame, mapping: Mapping,
                    decimal: str | None, notes: list[str],
                    units: pl.Series | None = None) -> pl.Series:
    """The amount less the amount refunded on the same row (Stripe's 'Amount Refunded'), in
    the amount's units (``units``: the divisor of amounts in minor units).

    A refund written on another basis than the amount (``mapping.refund_total``: Shopify's
    'Refunded Amount' is money refunded, tax and shipping included, while the amount is the
    'Subtotal') is scaled by amount / total of its row's order: revenue without tax and
    shipping is what a Shopify merchant's CLV counts, and deducting the whole refund from the
    subtotal would take off tax and shipping that were never in it (a refunded order of 100
    + 20 tax + 5 shipping would net to -25). An order without a positive total keeps its
    refund as written."""
    m = mapping.columns
    if "refunded" not in m and mapping.refund_flag is None:
        return amount
    if "refunded" in m:
        refunded = parse_amounts(frame[m["refunded"]], decimal=decimal).amount.fill_null(0.0)
        if units is not None:
            refunded = refunded / units
    else:
        refunded = pl.repeat(0.0, frame.height, eager=True, dtype=pl.Float64)
    if mapping.refund_flag is not None:
        # a payment flagged refunded without an amount refunded is wholly refunded
        # (Gumroad's 'Fully Refunded?' / 'Refunded?' beside 'Partial Refund ($)' of 0)
        whole = is_flagged(frame[mapping.refund_flag]) & (refunded == 0) \
            & amount.is_not_null() & (amount != 0)
        if whole.any():
            notes.append(Note("refund_flag_whole", n=int(whole.sum()),
                              flag=mapping.refund_flag, total=float(amount.filter(whole).sum())))
            refunded = pl.select(pl.when(pl.lit(whole)).then(pl.lit(amount))
                                 .otherwise(pl.lit(refunded))).to_series()
    partial = (refunded != 0) & amount.is_not_null()
    if mapping.refund_total is not None and partial.any():
        total = parse_amounts(frame[mapping.refund_total], decimal=decimal).amount
        share = pl.select(pl.when(pl.lit(total) > 0).then(pl.lit(amount) / pl.lit(total))
                          .otherwise(1.0).fill_null(1.0)).to_series()
        written = float(refunded.filter(partial).sum())
        refunded = refunded * share
        notes.append(Note("refund_basis", column=m["refunded"], basis=m["amount"],
                          gross=mapping.refund_total, written=written,
                          deducted=float(refunded.filter(partial).sum())))
    if partial.any() and "refunded" in m:
        notes.append(Note("refunded_netted", n=int(partial.sum()), column=m["refunded"],
                          total=float(refunded.filter(partial).sum())))
    return amount - refunded


def _sales_journal(m: dict[str, str]) -> pl.Expr:
    return _clean_text(pl.col(m["journal"])).str.to_lowercase().is_in(sorted(SALES_JOURNALS))


def _ledger_voters(frame: pl.DataFrame, m: dict[str, str]) -> pl.Series:
    """The entries that tell a ledger's sales side: those of a customer, in a sales journal
    when the ledger has journals (an invoice's revenue and tax lines, on the other side, name
    no customer; the bank journal's payments are not sales)."""
    voters = clean_ids(frame[m["customer_id"]]).is_not_null()
    if "journal" in m:
        sales = frame.select(_sales_journal(m).fill_null(False)).to_series()
        if sales.any():
            voters = voters & sales
    return voters


def _ledger_amounts(frame: pl.DataFrame, m: dict[str, str], decimal: str | None,
                    notes: list[str], voters: pl.Series) -> dict[str, pl.Series]:
    """A ledger's amount: the sales side minus the other side, the sales side being the one
    most of the ``voters`` (the customers' sales entries) are on: debit for a customer
    account (an invoice is owed by the customer), credit for a revenue account."""
    sides: dict[str, pl.Series] = {}
    currency = None
    for side in ("debit", "credit"):
        if side in m:
            parsed = parse_amounts(frame[m[side]], decimal=decimal)
            notes += parsed.notes
            sides[side] = parsed.amount
            currency = parsed.currency if currency is None else \
                pl.select(pl.coalesce(pl.lit(currency), pl.lit(parsed.currency))).to_series()
    counts = {k: int(((v.fill_null(0) > 0) & voters).sum()) for k, v in sides.items()}
    plus = max(counts, key=lambda k: (counts[k], k == "credit"))
    minus = "debit" if plus == "credit" else "credit"
    present = pl.repeat(False, frame.height, eager=True)
    for v in sides.values():
        present = present | v.is_not_null()
    amount = sides[plus].fill_null(0.0) - (sides[minus].fill_null(0.0) if minus in sides
                                           else 0.0)
    amount = pl.select(pl.when(pl.lit(present)).then(pl.lit(amount))).to_series()
    total = sum(counts.values())
    notes.append(Note("ledger_sides", plus=m[plus], minus=m.get(minus, minus),
                      percent=round(100 * counts[plus] / total) if total else 100))
    assert currency is not None
    return {"_amount": amount, "_cur": currency}


def _cancellations(work: pl.DataFrame, m: dict[str, str]) -> tuple[pl.DataFrame, str | None]:
    """Mark cancelled lines (``_cancel``) and make their amounts refunds (negative).

    A line is cancelled when its quantity is negative, or its order id is a numeric id
    prefixed ``C`` (``C536379``) in a log whose ids are mostly plain numbers: the convention of
    invoicing systems that number a cancellation after the invoice it cancels."""
    flags: dict[str, pl.Expr] = {}
    if "_qty" in work.columns:
        flags["negative quantity"] = pl.col("_qty") < 0
    if "order_id" in m and not untrimmed(work.schema[m["order_id"]]):  # numbers have no C
        raw_id = pl.col(m["order_id"]).cast(pl.String)
        oid = raw_id.str.strip_chars()
        # a first pass that fails fast: most logs have no id with a C
        maybe = work.select(raw_id.str.contains("C", literal=True).any()
                            | raw_id.str.contains("c", literal=True).any())
        shares = work.select(oid.str.contains(r"^\d+$").mean().alias("digits"),
                             oid.str.contains(r"^[Cc]\d+$").any().alias("prefixed")) \
            if maybe.item() else None
        if shares is not None and shares["prefixed"][0] and (shares["digits"][0] or 0) >= 0.5:
            flags["order id prefixed 'C'"] = oid.str.contains(r"^[Cc]\d+$")
    if not flags:
        return work.with_columns(pl.lit(False).alias("_cancel")), None
    cancel = pl.any_horizontal(*flags.values()).fill_null(False)
    work = work.with_columns(cancel.alias("_cancel"))
    if not work["_cancel"].any():
        return work, None
    how = " or ".join(k for k in ("order id prefixed 'C'", "negative quantity") if k in flags)
    return work.with_columns(
        pl.when(pl.col("_cancel")).then(-pl.col("_amount").abs()).otherwise(pl.col("_amount"))
        .alias("_amount")), how


def _refund_orders(kept: pl.DataFrame, column: str, cleaned: pl.Series | None = None
                   ) -> pl.Series | None:
    """``order_time`` of the kept rows: for a refund (negative amount) whose order id, in
    ``column``, is that of a purchase (positive amount) of the same customer at an earlier
    time, the time of that order (its first positive row); null for every other row. None
    when no refund is so linked.

    A refund of an order made on a later day (a return) then nets against the order's
    period in the summary (:func:`clv.prep.rfm_summary`), so that a refunded order is not
    a purchase: else it would stay a repeat transaction with its full amount in frequency and
    monetary, and the customer's predicted value would count an order they gave back. Only
    the refunds are looked at, and only the orders they name. ``cleaned``: the order ids
    already cleaned (the column the frame carries), else they are cleaned here. Measured on
    10.8M lines with 2% of refunds (a loaded machine): 0.23 s with integer ids, 0.86 s with
    text ids to clean."""
    raw = kept[column]
    numeric = untrimmed(raw.dtype)  # numbers and dates: compared as themselves, not as text
    refunds = kept.lazy().with_row_index("_i").filter(pl.col("_amount") < 0).select(
        "_i", "_cid", "_ts", pl.col(column).alias("_oid")).collect()
    if not numeric:
        refunds = refunds.with_columns(clean_values(refunds["_oid"]))
    refunds = refunds.drop_nulls("_oid")
    if refunds.height == 0:
        return None
    ids = raw if numeric else cleaned if cleaned is not None else clean_values(raw)
    wanted = refunds["_oid"].unique()
    orders = (
        pl.DataFrame({"_cid": kept["_cid"], "_oid": ids, "_ts": kept["_ts"],
                      "_amount": kept["_amount"]}).lazy()
        .filter((pl.col("_amount") > 0) & pl.col("_oid").is_in(wanted.implode()))
        .group_by("_cid", "_oid").agg(pl.col("_ts").min().alias("order_time"))
        .collect()
    )
    linked = refunds.join(orders, on=["_cid", "_oid"], how="inner") \
        .filter(pl.col("order_time") < pl.col("_ts"))
    if linked.height == 0:
        return None
    empty = pl.Series("order_time", [None], dtype=kept["_ts"].dtype)
    return empty.extend_constant(None, kept.height - 1).scatter(
        linked["_i"], linked["order_time"])


def _order_values(work: pl.DataFrame, frame: pl.DataFrame, m: dict[str, str]
                  ) -> pl.DataFrame:
    """A line's blank status, cancellation or currency taken from its order (the first line
    of the same order id that has one), before the exclusions, so that an order's lines are
    excluded together, under the order's reason.

    Shopify writes the Financial Status, the Cancelled at and the Currency on an order's
    first line only (Squarespace its Cancelled at): the other lines of a pending, refunded,
    cancelled or other-currency order would otherwise be kept as lines worth 0, making
    customers of their own and purchases earlier than any paid one. Only the orders of lines
    with a blank are looked at, and a status column without blank (told on its few distinct
    values by :func:`clv.data.ids.clean_values`) or currencies all given or all missing are
    not (most logs: 0.2 s on 10.8M lines). A cancellation is blank on most lines: the orders
    of the few lines that have one are looked at instead, and a column without any (most
    orders logs) is not. The Spark engine's counterpart is
    :meth:`clv.spark.core._Amounts._from_order`, the database's
    :meth:`clv.prep.database._Amounts._from_order`."""
    oid = _clean_text(pl.col(m["order_id"]))
    targets: list[tuple[str, pl.Expr, bool]] = []  # column, value, whether values are few
    if "status" in m and clean_values(frame[m["status"]]).null_count():
        targets.append((m["status"], _clean_text(pl.col(m["status"])), False))
    if "cancelled" in m:
        value = _cancellation(frame, m)
        given = int(work.select(value.is_not_null().sum()).item())
        if 0 < given < work.height:
            targets.append((m["cancelled"], value, True))
    if 0 < work["_cur"].null_count() < work.height:
        targets.append(("_cur", pl.col("_cur"), False))
    for target, value, few in targets:
        blank = value.is_null()
        with_value = value.is_not_null() & oid.is_not_null()
        if not few:  # the orders of the blanks (few of them)
            orders = work.filter(blank & oid.is_not_null()).select(oid.unique()).to_series()
            with_value = with_value & oid.is_in(orders.implode())
        known = work.filter(with_value).group_by(
            oid.alias("_oid"), maintain_order=True).agg(value.first().alias("_value"))
        if known.height:
            work = work.with_columns(
                pl.when(blank).then(oid.replace_strict(known["_oid"], known["_value"],
                                                       default=None))
                .otherwise(value).alias(target))
    return work


LINE_PRICE_NAMES = {"price", "unitprice", "itemprice", "lineitemprice", "priceeach",
                    "prixunitaire", "pu", "puht", "putc", "prix"}
"""Columns of a line's own price (compared as :func:`clv.data.mapping._norm` writes names):
beside them, an amount equal on every line of an order and above a line's price is the
order's total, repeated (see :func:`_repeated_totals`)."""
ORDER_TOTAL_NAMES = {"ordertotal", "ordertotalamount", "grandtotal", "ordertotalinctax",
                     "ordertotalextax", "totalcommande", "montanttotalcommande"}
"""Amount columns that say they hold the order's total."""
REPEAT_SAMPLE = 10_000
"""The first rows in which an order repeating its amount is looked for before all rows."""


def _repeated_totals(work: pl.DataFrame, frame: pl.DataFrame, m: dict[str, str],
                     decimal: str | None) -> tuple[int, int, pl.Series] | None:
    """The lines after an order's first that repeat its order-level total (Wix writes one row
    per item and the order's 'Total' on each): the number of such orders and lines, and the
    rows of ``work`` that are such lines (the caller keeps them as line items worth 0, as
    Shopify's lines without an amount); None when there are none.

    Only where the file says the amount is the order's: a column of the lines' own prices
    (:data:`LINE_PRICE_NAMES`) beside it, with the amount above a price on some line of the
    order, or an amount column named for the order's total (:data:`ORDER_TOTAL_NAMES`).
    An order's lines repeat its total when they are several, all of the same non-zero
    amount. Logs without such columns are not looked at, and the first
    :data:`REPEAT_SAMPLE` rows must hold such an order before every row is."""
    from clv.data.mapping import _norm

    price = next((c for c in frame.columns if _norm(str(c)) in LINE_PRICE_NAMES
                  and c != m["amount"]), None)
    if price is None and _norm(m["amount"]) not in ORDER_TOTAL_NAMES:
        return None
    oid = _clean_text(pl.col(m["order_id"]).cast(pl.String))

    def marks(rows: pl.DataFrame) -> pl.DataFrame:
        group = [oid]
        several = (pl.len().over(group) > 1) & (pl.col("_amount").n_unique().over(group) == 1) \
            & (pl.col("_amount").null_count().over(group) == 0) & (pl.col("_amount") != 0) \
            & oid.is_not_null()
        if price is not None:
            line = parse_amounts(rows[price], decimal=decimal).amount
            rows = rows.with_columns(line.alias("_lprice"))
            several = several & (pl.col("_amount") > pl.col("_lprice")).any().over(group)
        return rows.with_columns(
            (several & (pl.int_range(pl.len()).over(group) > 0)).fill_null(False)
            .alias("_repeat"))

    head = marks(work.head(REPEAT_SAMPLE))
    if not head["_repeat"].any():
        return None
    marked = marks(work)
    lines = int(marked["_repeat"].sum())
    if not lines:
        return None
    orders = int(marked.filter(pl.col("_repeat")).select(oid.n_unique()).item())
    return orders, lines, marked["_repeat"]


def order_totals_repeated(columns: list[str], m: dict[str, str],
                          first_rows: Callable[[list[str]], pl.DataFrame]) -> bool:
    """Whether the readers find, in a log of ``columns`` mapped as ``m``, orders that write
    their total again on each of their lines (:func:`_repeated_totals`: only beside a column
    of the lines' prices or with an amount named for the order's total, and only when the
    first :data:`REPEAT_SAMPLE` rows hold such an order). For the engines that compute in
    Spark or in a database, which do not apply the rule (each line's copy of the total would
    be counted): ``first_rows(names)`` fetches the columns ``names`` of the log's first
    :data:`REPEAT_SAMPLE` rows, in the readers' order, and is called only when the columns
    allow the rule."""
    from clv.data.mapping import _norm

    if "order_id" not in m or "amount" not in m:
        return False
    price = next((c for c in columns if _norm(str(c)) in LINE_PRICE_NAMES
                  and c != m["amount"]), None)
    if price is None and _norm(m["amount"]) not in ORDER_TOTAL_NAMES:
        return False
    names = list(dict.fromkeys(c for c in (m["order_id"], m["amount"], price) if c))
    rows = first_rows(names).head(REPEAT_SAMPLE)
    work = rows.with_columns(parse_amounts(rows[m["amount"]]).amount.alias("_amount"))
    return _repeated_totals(work, rows, m, None) is not None


DOCUMENT_TYPE_COLUMNS = {"typedepiece", "typepiece", "typededocument", "typedocument",
                         "documenttype", "doctype", "belegart", "invoicetype"}
"""Columns of an accounting export naming each line's document (Sage's and Cegid's 'Type de
pièce': 'Facture', 'Avoir'), compared as :func:`clv.data.mapping._norm` writes names."""
CREDIT_NOTES = {"avoir", "avoirs", "facture d'avoir", "creditnote", "credit note", "credit memo",
                "creditmemo", "gutschrift", "note de credit", "avoir client"}
"""Document types that are credit notes (compared lower-cased, without accents): their
amounts, written positive, are refunds (:func:`_credit_notes`)."""


def _credit_notes(amount: pl.Series, frame: pl.DataFrame, notes: list[str]
                  ) -> tuple[pl.Series, pl.Series | None]:
    """``amount`` with the lines of credit notes (a document type of :data:`CREDIT_NOTES` in
    a column of :data:`DOCUMENT_TYPE_COLUMNS`) made negative, said in the note
    ``credit_notes``: Sage writes an 'Avoir' with a positive amount, which counted as a
    purchase. The column's distinct values are looked at first. Returns the amounts and the
    lines made negative (None without any)."""
    from clv.data.mapping import _norm

    column = next((c for c in frame.columns if _norm(str(c)) in DOCUMENT_TYPE_COLUMNS), None)
    if column is None or frame[column].dtype != pl.String:
        return amount, None
    kinds = frame[column].drop_nulls().unique()
    folded = {k: _fold(k) for k in kinds.to_list()}
    credit = [k for k, f in folded.items() if f in CREDIT_NOTES]
    if not credit:
        return amount, None
    lines = frame[column].is_in(credit).fill_null(False) & (amount > 0).fill_null(False)
    n = int(lines.sum())
    if n:
        notes.append(Note("credit_notes", n=n, column=column, example=credit[0],
                          total=float(amount.filter(lines).sum())))
        amount = pl.select(pl.when(pl.lit(lines)).then(-pl.lit(amount))
                           .otherwise(pl.lit(amount))).to_series().alias(amount.name)
        return amount, lines
    return amount, None


def _fold(text: str) -> str:
    """``text`` trimmed, lower-cased, without accents."""
    import unicodedata
    folded = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


def _order_lines_filled(frame: pl.DataFrame, m: dict[str, str], notes: list[str]
                        ) -> pl.DataFrame:
    """A line without a date, of an order whose date is on another line, takes its date, its
    customer and its time from the order's first dated line, said in the note
    ``order_lines_filled``: Squarespace (as Shopify for its amounts) writes the order's
    columns on its first line only, and its other lines were excluded as 'unparsable date'.
    A log whose date column has no blank is not looked at (a Datetime column: its null
    count)."""
    if "order_id" not in m or not _has_blank(frame, m["timestamp"]):
        return frame
    oid = _clean_text(pl.col(m["order_id"]).cast(pl.String))

    def blank(column: str) -> pl.Expr:
        return _clean_text(pl.col(column)) if frame[column].dtype == pl.String \
            else pl.col(column)

    undated = blank(m["timestamp"]).is_null()
    orders = frame.filter(undated & oid.is_not_null()).select(oid.unique()).to_series()
    dated = frame.filter(~undated & oid.is_in(orders.implode())).select(oid.unique())
    if not dated.height:
        return frame
    line = undated & oid.is_in(dated.to_series().implode())
    n = int(frame.select(line.sum()).item())
    fills = [c for c in dict.fromkeys((m["timestamp"], m["customer_id"], m.get("time")))
             if c is not None]
    frame = frame.with_columns(
        pl.when(line).then(blank(c).fill_null(strategy="forward").over(oid))
        .otherwise(pl.col(c)).alias(c) for c in fills)
    notes.append(Note("order_lines_filled", n=n, column=m["timestamp"],
                      order=m["order_id"]))
    return frame


def _has_blank(frame: pl.DataFrame, column: str) -> bool:
    """True when ``column`` has a blank cell (null, or blank text), which is then a line
    item when its order has an amount on another line. Most logs have none, and the orders'
    check, which writes every order id as text, is then skipped (0.9 s on 10.8M lines)."""
    values = frame[column]
    if values.dtype != pl.String:
        return values.null_count() > 0
    return bool(frame.select(_clean_text(pl.col(column)).is_null().any()).item())


def _orders(out: pl.DataFrame, notes: list[str]) -> pl.DataFrame:
    """Group kept line items into orders: by order id, else by customer and time (an order id
    is then made of both)."""
    if "order_id" in out.columns:
        key = "by order id"
        n = out.select(pl.struct("customer_id", "order_id").n_unique()).item()
    else:
        key = "by customer and time"
        out = out.with_columns(
            (pl.col("customer_id") + pl.lit(" ") + pl.col("timestamp").dt.to_string(
                "%Y-%m-%dT%H:%M:%S")).alias("order_id"))
        n = out["order_id"].n_unique()
    notes.append(Note("line_item_orders", lines=out.height, orders=int(n), by=key))
    return out


def _repeats(frame: pl.DataFrame) -> pl.Series:
    """True for each row that repeats an earlier row in every column of the file (mapped or
    not: two lines of one order differing only in an unmapped SKU are not duplicates).

    Rows are compared exactly, but only those whose 64-bit hash (of every column's hash) is
    shared: comparing every row's struct directly row-encodes the whole table (+3.2 GB and
    2.5 s on 10.8M lines of 7 text columns). The rows' hashes are Polars' own
    (``DataFrame.hash_rows``: each column hashed natively into one UInt64 per row, no
    expression, so its cost is linear in the columns: one expression nesting every column
    took 40 s on 20,000 rows of 2,000 columns, its planning growing with the square of the
    depth; hash_rows takes 0.2 s). The hashes are sorted (NumPy's sort of 64-bit integers:
    0.26 s of CPU on 10.8M rows, where Polars' count of distinct values took 0.83 s and
    marking the repeated values 1 s); when no two neighbours are equal, no row repeats
    another; else only the rows of the shared hashes are compared.

    Before hashing, a column without nulls whose values strictly increase (or strictly
    decrease) down the file proves every row distinct: an order or line number as most
    exports write it (0.02 s on 10.8M rows, where the hashes and their count take 0.4 s)."""
    cols = [c for c in frame.columns if c != ROW]
    out = pl.repeat(False, frame.height, dtype=pl.Boolean, eager=True)
    if any(_strictly_monotonic(frame[c]) for c in cols[:MONOTONIC_TRIES]):
        return out
    key = frame.select(cols).hash_rows(seed=0x9E3779B9)
    import numpy as np

    ordered = np.sort(key.to_numpy())
    twins = ordered[1:] == ordered[:-1]
    if not twins.any():
        return out
    repeated = pl.Series("key", np.unique(ordered[1:][twins]))
    shared = key.is_in(repeated.implode()).arg_true()
    if shared.len():
        out = out.scatter(shared, frame[shared].select(
            ~pl.struct(cols).is_first_distinct()).to_series())
    return out


MONOTONIC_TRIES = 8
"""The first columns of a file looked at for a strictly monotonic one (see :func:`_repeats`)."""


def _strictly_monotonic(values: pl.Series) -> bool:
    """True when ``values`` (numbers or dates, no null) strictly increase or strictly
    decrease from each row to the next, so that no two rows share a value. Floats must be
    ordered by ``<`` (a NaN or a zero of either sign next to its twin says no). The first rows
    decide whether the whole column is worth comparing; text is not compared (an export's
    ``#999`` comes before ``#1000``, and comparing text costs more than the hashes save)."""
    dtype = values.dtype
    if values.len() < 2 or values.null_count() or dtype == pl.Boolean \
            or not (dtype.is_numeric() or dtype.is_temporal()):
        return False
    head = values.head(1000)
    for up in (True, False):  # the direction the first rows take, then the whole column
        if all(bool(((rows.slice(1) > rows.slice(0, rows.len() - 1)) if up
                     else (rows.slice(1) < rows.slice(0, rows.len() - 1))).all())
               for rows in (head, values)):
            return True
    return False


def _cancellation(frame: pl.DataFrame, m: dict[str, str]) -> pl.Expr:
    """Each row's cancellation (the mapped field ``cancelled``: the date its order was
    cancelled, Shopify's and Squarespace's 'Cancelled at'), null when blank: text trimmed, a
    date or a number as itself. A row with one is excluded as not paid; the Spark engine
    (:class:`clv.spark.core._Amounts`) and the database's (:class:`clv.prep.database._Amounts`)
    apply the same rule."""
    column = m["cancelled"]
    return pl.col(column) if untrimmed(frame.schema[column]) else _clean_text(pl.col(column))


def _reason_column(reason: str, m: dict[str, str], row: dict[str, Any] | None = None) -> str:
    """The column that shows why a row was excluded for ``reason`` (an error names it); for a
    row not paid, its cancellation column when ``row`` (the row's shown values) has one, else
    the status column."""
    if why.rank(reason) == why.rank(why.EARLY_DATE):
        reason = why.EARLY_DATE
    not_paid = m.get("status", m.get("cancelled", _amount_column(m)))
    if "cancelled" in m and row is not None and row.get(m["cancelled"]) is not None \
            and str(row[m["cancelled"]]).strip():
        not_paid = m["cancelled"]
    return {
        why.MISSING_CUSTOMER: m["customer_id"],
        why.GUEST_CHECKOUT: m["customer_id"],
        why.BAD_DATE: m["timestamp"],
        why.FUTURE_DATE: m["timestamp"],
        why.EARLY_DATE: m["timestamp"],
        why.STATUS_NOT_PAID: not_paid,
        why.OTHER_CURRENCY: m.get("currency", _amount_column(m)),
        why.DUPLICATE: m.get("order_id", m["customer_id"]),
        why.BAD_QUANTITY: m.get("quantity", ""),
        why.NOT_SALES: m.get("journal", ""),
        why.FREE_LINE: m.get("price", ""),
        why.NEGATIVE_PRICE: m.get("price", ""),
    }.get(reason, _amount_column(m))


def _amount_column(m: dict[str, str]) -> str:
    """The column an amount comes from (the unit price for line items, a ledger's side)."""
    return m.get("amount") or m.get("price") or m.get("credit") or m.get("debit") or ""
