"""The RFM summary computed by the database: only one row per customer is fetched.

:func:`database_summary` reads a table of a database named by a SQLAlchemy URL (PostgreSQL and
DuckDB are tested) and has the database do what :func:`clv.data.read_transactions` and
:func:`clv.prep.rfm_summary` do on the rows: each row's exclusion reason (the same reasons,
in the same order, with their counts, amounts and example rows), the conservation of rows and
amounts, the purchases of one customer and period merged, and the per-customer aggregates
(first purchase, positive periods, their amounts, the holdout's). The rules that turn those
aggregates into frequency, recency, T and monetary are applied by the same function as for a
Polars summary (:func:`clv.prep.summary.customer_rows`), so both give the same summary; the
queries are built with SQLAlchemy Core, never by writing SQL text.

What is fetched: the table's first rows (to detect the columns, as the file readers do), one
row per customer, one per customer with holdout purchases, a few rows of counts and at most
``N_EXAMPLES`` example rows per exclusion reason; never the transactions.

The database path takes typed columns (a date or timestamp, a number for the amount,
quantity and price, text or a number for the customer id, text for a status or currency) and
the mappings whose rules are written here: customer, date, amount and order id (identical
rows are duplicated order lines when an order id is mapped, else kept and counted, as
``read_transactions(duplicates="auto")``; a refund that names the order id of an earlier
purchase of its customer nets against that order's period, as :func:`clv.prep.rfm_summary`
nets the ``order_time`` the readers write; a blank amount on a line of an order with an
amount elsewhere is a line item worth 0), line items (quantity x unit price, free lines and
negative prices excluded), cancellations (a negative quantity, invoice numbers prefixed C),
a status (the states that are not revenue: the column's distinct values are fetched and
classified by the readers' rule), a cancellation (a row of an order cancelled is not paid,
whatever its status) and a currency column (the rows in another currency than the one asked
for, else the most frequent, excluded), a blank status, cancellation or currency taken from
the order's other lines, customer ids as the readers clean them (integers written as ints or
floats, emails compared without case, guest checkouts of a user-id column keyed by their
email or excluded), the amount refunded on a row deducted from it, amounts in a currency's
minor unit (Stripe's API: divided by 100, but in zero-decimal currencies, per row's
currency) and dates written as Unix seconds (integers). Anything else (dates or amounts
written as text, a ledger, a refund on another basis than the amount, a separate time
column, customer ids with fractions, a source time zone, an order whose lines have blank and
different statuses, cancellations or currencies, emails or ids beyond ASCII where the
rules depend on them)
raises :class:`NotInDatabase` with the reason, and the caller reads the rows instead
(:func:`summary_of_source` does).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import polars as pl

from clv.data import issues as why
from clv.data.issues import DataIssues, Exclusion
from clv.data.mapping import ZERO_DECIMAL
from clv.errors import ClvError, DataError
from clv.notes import Note
from clv.prep.summary import (
    NET_ZERO,
    UNIT_DAYS,
    Summary,
    SummaryReport,
    Unit,
    _floor,
    _to_date,
    customer_rows,
)

if TYPE_CHECKING:
    import sqlalchemy as sa

    from clv.data.transactions import Transactions

HANDLED = ("customer_id", "timestamp", "amount", "order_id", "product", "channel", "quantity",
           "price", "status", "cancelled", "currency", "refunded")
"""The mapped fields the database path handles (product and channel are not used by the
summary, and so need no rule)."""
MINOR = 100.0
"""The divisor of amounts written in a currency's minor unit (the readers' ``_minor_units``)."""
ZERO_DECIMAL_CODES = sorted(ZERO_DECIMAL)
"""The currencies whose amounts in minor units are in units (divisor 1): those of the
readers' :data:`clv.data.mapping.ZERO_DECIMAL`, as a list the engines compare codes with."""
EPOCH_SECONDS = (10**8, 10**10)
"""The integers the readers read as Unix seconds (their ``epoch`` family: 9 or 10 digits,
1973-03-03 to 2286-11-20): a column of integers all within is read as such by both engines;
another (compact dates, milliseconds, serial days, a mixture) is left to the readers."""
MAX_STATUSES = 10_000
"""Distinct values of a status column fetched to be classified (paid or not) by the readers'
rule; a column with more is read as rows."""
HEAD_ROWS = 1000
"""Rows fetched to detect the columns (as a file's first rows are)."""
ROW_COLUMN = "__clv_row__"
"""The row number given to a table's rows when the rows excluded are listed."""


class NotInDatabase(ClvError):
    """The source cannot be summarised by the database (the message says why); its rows must
    be read instead."""


@dataclass(frozen=True)
class DatabaseSummary:
    """The summary and the data report of a table summarised by its database, and the number
    of rows fetched to make them (``fetched``: the customers, their holdout rows, the head
    used to detect the columns, the examples, the distinct values of a status column; never
    one per transaction); ``currency``: that of the amounts kept (the one asked for, else the
    most frequent of the currency column; None without either)."""

    summary: Summary
    issues: DataIssues
    fetched: int
    currency: str | None = None


def is_database(source: Any) -> bool:
    """True when ``source`` is a database URL (``dialect://...``) rather than a path."""
    return isinstance(source, str) and "://" in source


def summary_of_source(source: Any, read: dict[str, Any], summary: dict[str, Any]
                      ) -> tuple[Summary, DataIssues, Transactions | None, str | None]:
    """The summary of ``source``: by its database when it is a database table the database
    path handles (``read``: the options of :func:`clv.data.read_transactions`, ``summary``:
    those of :func:`clv.prep.rfm_summary`), else from its rows read and validated. Returns the
    summary, the data report, the transactions when they were read (None when the database
    summarised them) and the reason the rows were read instead of summarised in the database
    (None when they were not, or the source is a file)."""
    from clv.data import read_transactions
    from clv.prep import rfm_summary

    reason = None
    if is_database(source) and read.get("table") and not read.get("query"):
        try:  # its rows come sorted whatever ``ordered`` says (a sort of what was fetched)
            in_sql = {k: v for k, v in summary.items() if k != "ordered"}
            done = database_summary(source, **_database_options(read), **in_sql)
            return done.summary, done.issues, None, None
        except NotInDatabase as exc:
            reason = str(exc)
    tx = read_transactions(source, **read)
    return rfm_summary(tx, **summary), tx.issues, tx, reason


TAKEN = ("customer", "date", "amount", "order_id", "table", "as_of", "earliest", "max_amount",
         "timezone", "duplicates", "currency", "currency_column", "quantity", "price",
         "columns", "preset")
"""The options of :func:`clv.data.read_transactions` the database path takes."""
UNUSED = {"product": None, "channel": None, "keep": None, "separator": None, "encoding": None,
          "sheet": None, "has_header": None, "decimal": None, "date_format": None,
          "read_only": None, "detect": True, "strict": False, "refunds": "net",
          "query": None, "source_timezone": None}
"""Options it leaves aside at these values (those of files and of text, which typed columns
do not need, and the columns the summary does not use)."""


def _database_options(read: dict[str, Any]) -> dict[str, Any]:
    """The options of :func:`read_transactions` the database path takes, or NotInDatabase
    naming the first it cannot apply."""
    out: dict[str, Any] = {}
    for key, value in read.items():
        if key in TAKEN:
            if value is not None:
                out[key] = value
        elif key in ("product", "channel", "keep", "separator", "encoding", "sheet",
                     "has_header", "decimal", "date_format", "read_only"):
            continue  # unused by the summary, or meaningful for text only
        elif key not in UNUSED or value != UNUSED[key]:
            raise NotInDatabase(f"the option {key}={value!r} is applied to the rows read")
    return out


def database_summary(
    url: str,
    table: str,
    *,
    customer: str | None = None,
    date: str | None = None,
    amount: str | None = None,
    order_id: str | None = None,
    quantity: str | None = None,
    price: str | None = None,
    currency_column: str | None = None,
    columns: dict[str, str] | None = None,
    currency: str | None = None,
    duplicates: str = "auto",
    unit: Unit = "week",
    observation_end: dt.date | str | None = None,
    calibration_end: dt.date | str | None = None,
    merge: Unit = "day",
    midpoint: bool = False,
    as_of: dt.datetime | None = None,
    earliest: dt.date | str | None = why.EARLIEST,
    max_amount: float | None = None,
    timezone: str = "UTC",
    preset: str | None = None,
    text_dates: bool = False,
    excluded_rows: bool = False,
    date_format: str | None = None,
) -> DatabaseSummary:
    """The summary of the transactions of ``table`` computed by the database at ``url``.

    The options mean what they mean for :func:`clv.data.read_transactions` (``customer``,
    ``date``, ``amount``, ``order_id``, ``quantity``, ``price``, ``currency_column`` and
    ``columns`` (e.g. ``{"status": ...}``) name the columns, detected when not given;
    ``currency``, ``duplicates``, ``as_of``, ``earliest``, ``max_amount``, ``timezone``) and
    :func:`clv.prep.rfm_summary` (``unit``, ``observation_end``, ``calibration_end``,
    ``merge``, ``midpoint``), and give the same summary and the same counts, amounts and
    reasons (see the module docstring for what is fetched and what raises
    :class:`NotInDatabase`).

    ``text_dates``: dates written as text are read by the readers' own parser on the
    column's distinct values (at most :data:`MAX_TEXT_DATES`, fetched: :func:`text_dates`),
    which decides day first or month first as the readers do (the same days, notes and
    errors), and joined to the rows. Off by default: such a table raises
    :class:`NotInDatabase` and :func:`summary_of_source` reads its rows. ``date_format``
    reads them as the readers' option does (``dmy``, ``mdy``, a strftime format).

    ``excluded_rows``: every excluded row is fetched (those only) onto
    ``issues.excluded_rows``, as :func:`clv.data.read_transactions(excluded_rows=True)
    <clv.data.read_transactions>` lists them: ``row`` (from 1, in the order of the table's
    scan, as the readers number the rows they read), ``reason``, ``amount`` (as computed,
    null when unparsed), then the mapped columns as stored (:func:`listed`)."""
    import sqlalchemy as sa

    from clv.data.mapping import resolve_mapping
    from clv.data.readers import _redact
    from clv.data.transactions import MAX_AMOUNT, N_EXAMPLES, _earliest, order_totals_repeated

    for name, value in (("unit", unit), ("merge", merge)):
        if value not in UNIT_DAYS:
            raise ClvError(f"{name} must be one of {', '.join(UNIT_DAYS)}, not '{value}'")
    if duplicates not in ("auto", "drop", "keep"):
        raise ValueError("duplicates must be 'auto', 'drop' or 'keep'")
    bound = MAX_AMOUNT if max_amount is None else float(max_amount)
    if not 0 < bound < math.inf:
        raise ClvError(f"max_amount must be a positive number, not {max_amount!r}")
    floor = _earliest(earliest)
    where = f"{_redact(url)} table {table}"
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            tbl, head = _table(conn, table, where, numbered=excluded_rows)
            source_columns = [c for c in tbl.c if c.name != ROW_COLUMN]
            explicit = {"customer_id": customer, "timestamp": date, "amount": amount,
                        "order_id": order_id, "quantity": quantity, "price": price,
                        "currency": currency_column}
            explicit |= {k: v for k, v in (columns or {}).items() if v}
            mapping = resolve_mapping(head, explicit, preset, source=where)
            other = [f for f in mapping.columns if f not in HANDLED]
            if mapping.refund_total is not None:  # a refund scaled by its order's total
                other.append("refunded")
            if mapping.refund_flag is not None:  # a payment flagged refunded, none refunded
                raise NotInDatabase(f"the refund flag '{mapping.refund_flag}' needs rules "
                                    "applied to the rows read")
            if other or mapping.ledger:
                raise NotInDatabase(
                    f"the column{'s' if len(other) > 1 else ''} "
                    f"{', '.join(mapping.columns[f] for f in other) or 'of a ledger'} "
                    "need rules applied to the rows read")
            m = mapping.columns
            if order_totals_repeated([c.name for c in source_columns], m,
                                     lambda names: _first_rows(conn, tbl, names)):
                raise NotInDatabase(f"orders write their total '{m['amount']}' again on each "
                                    f"of their lines (same '{m['order_id']}'): a rule applied "
                                    "to the rows read")
            customers = _CustomerIds(conn, tbl, mapping, head, where)
            cid = customers.ids
            if _walk_ins(conn, tbl, cid):
                raise NotInDatabase(f"the customers of {m['customer_id']} include a till's "
                                    "placeholders ('WALKIN', 'Walk-in Customer' ...): a rule "
                                    "applied to the rows read")
            if _undated_lines(conn, tbl, m):
                raise NotInDatabase(f"lines of an order ('{m['order_id']}') have no date in "
                                    f"'{m['timestamp']}' (further lines, which take their "
                                    "order's): a rule applied to the rows read")
            stamp = _timestamp(tbl.c[m["timestamp"]], timezone, where, conn, text_dates)
            dated: Any = None
            date_notes: list[Any] = []
            n_dates = 0
            if stamp is None:  # dates written as text: the readers' parser reads them
                dated, date_notes, n_dates = _text_dates(conn, tbl, head, m, timezone, where,
                                                         date_format)
                stamp = dated.c.t
            ts = stamp
            oid = _order_id(tbl.c[m["order_id"]]) if "order_id" in m else None
            amounts = _Amounts(conn, tbl, m, mapping.line_items, oid, currency, where,
                               mapping.minor_units)
            source = amounts.source
            if dated is not None:
                source = source.outerjoin(dated, _trimmed(tbl.c[m["timestamp"]]) == dated.c.v)
            amt = amounts.amount
            now = as_of or dt.datetime.now(ZoneInfo(timezone)).replace(tzinfo=None)
            drop_dup = duplicates == "drop" or (duplicates == "auto" and "order_id" in m)
            repeat = sa.func.row_number().over(
                partition_by=source_columns, order_by=source_columns) > 1
            nan = sa.cast(sa.literal("NaN"), sa.Float(53))
            reasons = [*amounts.before_customer, *customers.guest,
                       (why.MISSING_CUSTOMER, cid.is_(None)),
                       *amounts.status, (why.BAD_DATE, ts.is_(None)), *amounts.quantity,
                       (why.BAD_AMOUNT, sa.or_(amt.is_(None), amt == nan)),
                       (why.AMOUNT_RANGE, sa.func.abs(amt) > bound), *amounts.currency]
            if floor is not None:
                reasons.append((why.early_date(floor.date()), ts < floor))
            reasons.append((why.FUTURE_DATE, ts > now))
            if drop_dup:
                reasons.append((why.DUPLICATE, repeat))
            code = sa.case(*((cond, i) for i, (_, cond) in enumerate(reasons)), else_=None)
            finite = sa.case((sa.and_(amt.is_not(None), amt != nan,
                                      sa.func.abs(amt) <= bound), amt), else_=None)
            shown = _shown(m, customers.shown)
            listing = listed_columns(m, customers.shown) if excluded_rows else []
            rows = sa.select(
                cid.label("cid"), ts.label("ts"), amt.label("amt"), finite.label("fin"),
                code.label("code"), *([oid.label("oid")] if oid is not None else []),
                amounts.line0.label("line0"), amounts.cancel.label("cancel"),
                *([] if drop_dup else [repeat.label("rep")]),
                *([amounts.cur.label("cur")] if amounts.cur is not None else []),
                *(amounts.shown.get(c, tbl.c[c]).label(f"shown_{i}")
                  for i, c in enumerate(shown)),
                *([tbl.c[ROW_COLUMN].label("row")] if excluded_rows else []),
                *(tbl.c[c].label(f"listed_{i}") for i, c in enumerate(listing))
            ).select_from(source).cte("rows")
            links = _Links(rows) if oid is not None else None
            issues, kept = _report(conn, rows, reasons, shown, m, where, drop_dup, N_EXAMPLES,
                                   linked=links.count(conn) if links else (0, 0.0),
                                   line_items=mapping.line_items,
                                   cancelled_how=amounts.cancelled_how)
            if kept == 0:
                raise DataError("no row is kept: see the data report", source=where)
            lines = []
            if amounts.zero_lines:  # the readers count the lines kept (an order's excluded
                n_lines = conn.execute(sa.select(sa.func.count()).select_from(rows).where(
                    rows.c.code.is_(None), rows.c.line0)).scalar()  # are excluded with it)
                lines = [Note("line_items", n=int(n_lines or 0))] if n_lines else []
            issues.notes = date_notes + customers.notes + lines + amounts.notes + issues.notes
            summary, fetched = _summarise(conn, rows, unit, observation_end, calibration_end,
                                          merge, midpoint, where, links)
            if excluded_rows:
                c = rows.c
                found = conn.execute(
                    sa.select(c.row, c.code, c.amt,
                              *(c[f"listed_{i}"] for i in range(len(listing))))
                    .where(c.code.is_not(None)).order_by(c.row)).all()
                issues.excluded_rows = listed(found, [r for r, _ in reasons], listing)
                fetched += len(found)
    except sa.exc.SQLAlchemyError as exc:
        raise DataError(f"the database refused the summary: {exc.__class__.__name__}: "
                        f"{str(exc).splitlines()[0]}", source=where) from exc
    finally:
        engine.dispose()
    issues.mapping = dict(m)
    issues.mapping_origin = dict(mapping.origin)
    issues.notes = list(mapping.notes) + issues.notes
    examples = sum(len(e.examples) for e in issues.exclusions)
    return DatabaseSummary(summary, issues, fetched + head.height + examples + amounts.fetched
                           + customers.fetched + n_dates, amounts.target)


def _table(conn: sa.Connection, table: str, where: str, numbered: bool = False
           ) -> tuple[Any, pl.DataFrame]:
    """The table, its columns typed from the values of its first rows (a date or timestamp, a
    number, text: what the database's driver gives, so that no catalogue query is needed, which
    some databases' SQLAlchemy dialects do not answer), and those rows as a frame (for the
    detection of the columns). ``numbered``: the table as a subquery of its rows with their
    number (:data:`ROW_COLUMN`, from 1 in the order of the table's scan, the order in which
    the readers read and number them), for the list of the rows excluded."""
    import sqlalchemy as sa

    schema, _, name = table.rpartition(".")
    bare = sa.table(name, schema=schema or None)
    try:
        result = conn.execute(sa.select(sa.text("*")).select_from(bare).limit(HEAD_ROWS))
        names = list(result.keys())
        data = [tuple(r) for r in result]
    except sa.exc.SQLAlchemyError as exc:
        raise DataError(f"cannot read the table {table}: {str(exc).splitlines()[0]}",
                        source=where) from exc
    kinds = [sa.column(n, _type_of([r[i] for r in data if r[i] is not None]))
             for i, n in enumerate(names)]
    head = head_frame(names, data)
    typed = sa.table(name, *kinds, schema=schema or None)
    if numbered:
        rows = sa.select(*typed.c, sa.func.row_number().over().label(ROW_COLUMN))
        return rows.subquery(name), head
    return typed, head


def _walk_ins(conn: sa.Connection, tbl: Any, ids: Any) -> bool:
    """Whether an id of ``ids`` (the customers as the readers write them) is a till's
    placeholder for an anonymous sale (:data:`clv.data.mapping.WALK_IN_IDS`), compared as
    the Spark engine's ``_walk_in`` folds them (lower case, accents off, a to z and 0 to 9
    only): the readers exclude their rows (:func:`clv.data.transactions._walk_ins`), which
    this engine leaves to the rows read. Ids that are numbers are none."""
    import sqlalchemy as sa

    from clv.data.mapping import ACCENTED, UNACCENTED, WALK_IN_IDS

    if not isinstance(ids.type, sa.String | sa.types.NullType):
        return False
    folded = sa.func.regexp_replace(sa.func.translate(sa.func.lower(ids), ACCENTED, UNACCENTED),
                                    "[^a-z0-9]", "", "g")
    found = conn.execute(sa.select(sa.literal(1)).select_from(tbl)
                         .where(folded.in_(sorted(WALK_IN_IDS))).limit(1)).first()
    return found is not None


def _undated_lines(conn: sa.Connection, tbl: Any, m: dict[str, str]) -> bool:
    """Whether a row names its order (``m["order_id"]``) but has no date (null, or blank
    text) while another row of that order has one: the readers give such a further line its
    order's date and customer (:func:`clv.data.transactions._order_lines_filled`), which
    this engine leaves to the rows read. An order without any date is no such order (its
    rows are excluded for their date here as there)."""
    import sqlalchemy as sa

    if "order_id" not in m:
        return False

    def cleaned(col: Any) -> Any:  # trimmed of any white space, a blank as null
        return _trimmed(col) if isinstance(col.type, sa.String | sa.types.NullType) else col

    line, other = tbl.alias("line"), tbl.alias("other")
    ts, oid = m["timestamp"], m["order_id"]
    dated = sa.exists().where(cleaned(other.c[oid]) == cleaned(line.c[oid]),
                              cleaned(other.c[ts]).is_not(None))
    found = conn.execute(sa.select(sa.literal(1)).select_from(line)
                         .where(cleaned(line.c[ts]).is_(None), cleaned(line.c[oid]).is_not(None),
                                dated).limit(1)).first()
    return found is not None


def _first_rows(conn: sa.Connection, tbl: Any, names: list[str]) -> pl.DataFrame:
    """The columns ``names`` of the first :data:`clv.data.transactions.REPEAT_SAMPLE` rows
    of ``tbl``, in the order of the table's scan (that of the readers), as a frame."""
    import sqlalchemy as sa

    from clv.data.transactions import REPEAT_SAMPLE

    result = conn.execute(sa.select(*(tbl.c[n] for n in names)).limit(REPEAT_SAMPLE))
    return head_frame(names, [tuple(r) for r in result])


def _type_of(values: list[Any]) -> Any:
    """The SQL type of a column from its first values (NullType when they say nothing)."""
    import decimal

    import sqlalchemy as sa

    if values and all(isinstance(v, dt.datetime) for v in values):
        return sa.DateTime(timezone=any(v.tzinfo is not None for v in values))
    if values and all(isinstance(v, dt.date) and not isinstance(v, dt.datetime)
                      for v in values):
        return sa.Date()
    if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return sa.BigInteger()
    if values and all(isinstance(v, int | float | decimal.Decimal)
                      and not isinstance(v, bool) for v in values):
        return sa.Float(53)
    if values and all(isinstance(v, str) for v in values):
        return sa.String()
    return sa.types.NullType()


def head_frame(names: list[str], rows: list[Any]) -> pl.DataFrame:
    """The first rows of a table (a database's or Spark's) as a frame the column detection
    reads: decimals as floats, numbers, text and dates as they are, anything else as text."""
    import decimal

    def plain(value: Any) -> Any:
        if isinstance(value, decimal.Decimal):
            return float(value)
        if value is None or isinstance(value, int | float | str | dt.date):
            return value
        return str(value)

    return pl.DataFrame({n: [plain(r[i]) for r in rows] for i, n in enumerate(names)},
                        strict=False)


class _Links:
    """Refunds linked to their order, as :func:`clv.data.transactions._refund_orders` links
    them: a kept row with a negative amount whose order id is that of a kept row of the same
    customer with a positive amount at an earlier time. ``kept``: the rows kept (customer,
    time, amount, order id); ``orders``: the first time (``order_ts``) of each order that a
    refund names; ``on``: the condition joining a kept refund to its order."""

    def __init__(self, rows: Any) -> None:
        import sqlalchemy as sa

        c = rows.c
        self.kept = sa.select(c.cid, c.ts, c.amt, c.oid).where(c.code.is_(None)).cte("kept_rows")
        k = self.kept.c
        named = sa.select(k.oid).where(k.amt < 0, k.oid.is_not(None)).distinct()
        self.orders = sa.select(k.cid, k.oid, sa.func.min(k.ts).label("order_ts")).where(
            k.amt > 0, k.oid.in_(named)).group_by(k.cid, k.oid).cte("orders")
        o = self.orders.c
        self.on = sa.and_(o.cid == k.cid, o.oid == k.oid, k.amt < 0, o.order_ts < k.ts)

    def count(self, conn: sa.Connection) -> tuple[int, float]:
        """The number of refunds linked to their order, and their amount."""
        import sqlalchemy as sa

        n, total = conn.execute(sa.select(sa.func.count(), sa.func.sum(self.kept.c.amt))
                                .select_from(self.kept.join(self.orders, self.on))).one()
        return int(n or 0), float(total or 0.0)


def _order_id(col: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    """The order id as :func:`clv.data.ids.clean_values` writes it for the comparison: text
    trimmed, a blank as null; a number as itself."""
    import sqlalchemy as sa

    if isinstance(col.type, sa.String):
        return _trimmed(col)
    return col


NON_ASCII = "[^\\x01-\\x7f]"
"""A character beyond ASCII (a regular expression that PostgreSQL and DuckDB read alike)."""


def email_ids(first: list[Any], more: Callable[[], list[Any]] | None = None,
              at_signs: Callable[[], int] | None = None) -> bool:
    """True when a text column of customer ids is a column of emails by the readers' rule
    (:func:`clv.data.ids.clean_ids_merged`: :data:`~clv.data.ids.EMAIL_SHARE` of its first
    :data:`~clv.data.ids.HEAD_ROWS` ids, trimmed and not blank, are emails), decided by the
    readers' own expressions on those ids. ``first``: the first values of the column, as the
    source gives them; ``more``: the first ``HEAD_ROWS`` of them, called when ``first`` may
    be fewer than the readers look at (None when it is the whole column) and does not
    already decide; ``at_signs``: how many of those first ``HEAD_ROWS`` ids hold an '@' (an
    email has one), counted where they are, called before ``more``: fewer than an email share
    of the first ids that are not blank decide (no email column) without fetching the ids.
    The database's and Spark's engines decide with it."""
    from clv.data import ids

    def head(values: list[Any]) -> pl.Series:
        text = pl.Series("v", [None if v is None else str(v) for v in values], dtype=pl.String)
        return ids.clean_values(text).head(ids.HEAD_ROWS).drop_nulls()

    found = head(first)
    if more is not None and len(first) < ids.HEAD_ROWS:
        # the ids that are not emails among the first may be too many for any ids after them
        # to make the share (10% of the HEAD_ROWS ids at most, some of them maybe blank)
        others = int((~found.str.contains(ids.EMAIL)).sum())
        most = found.len() + ids.HEAD_ROWS - len(first)
        if others > (1 - ids.EMAIL_SHARE) * most + 1:
            return False
        # the emails are among the ids with an '@', and the ids not blank at least those of
        # the first: too few of them, and the share cannot be made (ids that are no emails,
        # the usual case, decided without fetching 10,000 of them)
        if at_signs is not None and at_signs() < ids.EMAIL_SHARE * found.len():
            return False
        found = head(more())
    share = found.str.contains(ids.EMAIL).cast(pl.Float64).mean()
    return bool(found.len()) and isinstance(share, float) and share >= ids.EMAIL_SHARE


class CustomerIdRules:
    """The customer ids and what the readers say of them, as their ``_customer_ids``
    (:mod:`clv.data.transactions`) makes them, decided here once for both engines (this
    class's ``_CustomerIds`` and Spark's, :class:`clv.spark.core._CustomerIds`), which write
    each step in their own expressions (the methods below): ``ids`` as the engine's
    ``_written`` makes them (emails compared without case, the note ``email_ids_merged``
    when some ids were merged); when the column is a user id where 0 or a blank marks a
    guest checkout (``mapping.guests``, :data:`clv.data.mapping.GUEST_ID_COLUMNS`), a guest
    row keyed by its email (``mapping.guest_email``, trimmed and lower-cased; the note
    ``guest_emails``) and a row of id 0 without an email excluded as a guest checkout
    (``guest``: the reason and its condition, checked before the missing ids). ``shown``:
    the email column, which the examples show beside the mapped ones. The conditions are
    combined with ``&``, ``|`` and ``~``, which Spark's columns and SQLAlchemy's
    expressions both take."""

    def __init__(self, mapping: Any) -> None:
        column = mapping.columns["customer_id"]
        self.ids, merged = self._written(column)
        self.notes: list[Any] = []
        if merged:
            self.notes.append(Note("email_ids_merged", n=merged, column=column))
        self.guest: list[tuple[str, Any]] = []
        self.shown: list[str] = []
        if not mapping.guests:
            return
        zero = self._zero(self.ids)
        if mapping.guest_email is None:
            self.guest = [(why.GUEST_CHECKOUT, zero)]
            return
        self.shown = [mapping.guest_email]
        email = self._guest_email(mapping.guest_email)
        by_email = (self._is_null(self.ids) | zero) & ~self._is_null(email)
        n = self._count(by_email, mapping.guest_email)
        if n:
            self.ids = self._choose(by_email, email, self.ids)
            self.notes.append(Note("guest_emails", n=n, column=column,
                                   email=mapping.guest_email))
        self.guest = [(why.GUEST_CHECKOUT, zero & self._is_null(email))]

    def _written(self, column: str) -> tuple[Any, int]:
        """The ids of ``column`` as the readers write them, and how many distinct ids
        lower-casing emails merged."""
        raise NotImplementedError

    def _zero(self, ids: Any) -> Any:
        """True where the id is a guest's (:data:`clv.data.transactions.GUEST_ID`), never
        null."""
        raise NotImplementedError

    def _guest_email(self, column: str) -> Any:
        """The email of ``column`` trimmed and lower-cased, a blank as null (or the
        engine's refusal of such a column)."""
        raise NotImplementedError

    def _is_null(self, value: Any) -> Any:
        raise NotImplementedError

    def _count(self, condition: Any, column: str) -> int:
        """The rows meeting ``condition`` (the guests keyed by the email of ``column``)."""
        raise NotImplementedError

    def _choose(self, condition: Any, then: Any, otherwise: Any) -> Any:
        raise NotImplementedError


class _CustomerIds(CustomerIdRules):
    """:class:`CustomerIdRules` in SQL; ``fetched``: the ids fetched to tell emails."""

    def __init__(self, conn: sa.Connection, tbl: Any, mapping: Any, head: pl.DataFrame,
                 where: str) -> None:
        self.conn, self.tbl, self.head, self.where = conn, tbl, head, where
        self.fetched = 0
        super().__init__(mapping)

    def _written(self, column: str) -> tuple[Any, int]:
        import sqlalchemy as sa

        from clv.data import ids

        conn, col = self.conn, self.tbl.c[column]

        def more() -> list[Any]:
            values = [v for (v,) in conn.execute(sa.select(col).limit(ids.HEAD_ROWS))]
            self.fetched += len(values)
            return values

        def at_signs() -> int:
            first = sa.select(col.label("v")).limit(ids.HEAD_ROWS).subquery()
            self.fetched += 1
            return int(conn.execute(sa.select(sa.func.count()).select_from(first).where(
                first.c.v.contains("@"))).scalar() or 0)

        emails = isinstance(col.type, sa.String) and email_ids(
            self.head[column].to_list(), more if self.head.height == HEAD_ROWS else None,
            at_signs)
        return _customer(conn, col, self.where, emails)

    def _zero(self, ids: Any) -> Any:
        import sqlalchemy as sa

        from clv.data.transactions import GUEST_ID

        return sa.func.coalesce(ids == GUEST_ID, sa.false())

    def _guest_email(self, column: str) -> Any:
        import sqlalchemy as sa

        named = self.tbl.c[column]
        if not isinstance(named.type, sa.String | sa.types.NullType):
            raise NotInDatabase(f"the email column {named.name} is {named.type}, not text")
        return sa.func.lower(_trimmed(named))

    def _is_null(self, value: Any) -> Any:
        return value.is_(None)

    def _count(self, condition: Any, column: str) -> int:
        import sqlalchemy as sa

        # lower-cased by the database's locale: ASCII only (see _ascii_only)
        _ascii_only(self.conn, _trimmed(self.tbl.c[column]), condition,
                    f"the guests' emails in {column}")
        return int(self.conn.execute(sa.select(sa.func.count()).select_from(self.tbl)
                                     .where(condition)).scalar() or 0)

    def _choose(self, condition: Any, then: Any, otherwise: Any) -> Any:
        import sqlalchemy as sa

        return sa.case((condition, then), else_=otherwise)


def _ascii_only(conn: sa.Connection, text: Any, where_: Any, what: str) -> None:
    """NotInDatabase when some ``text`` (of the rows meeting ``where_``) has a character
    beyond ASCII: compared without case, such text is lower-cased by the readers (Unicode's
    lower case, whatever the locale), which a database's ``lower`` does by its locale."""
    import sqlalchemy as sa

    if conn.execute(sa.select(sa.literal(1)).where(
            where_, text.regexp_match(NON_ASCII)).limit(1)).first():
        raise NotInDatabase(f"{what} hold characters beyond ASCII, which clv's readers "
                            "compare without case by Unicode's rules (a database's lower() "
                            "follows its locale)")


def _customer(conn: sa.Connection, col: sa.ColumnElement[Any], where: str,
              emails: bool = False) -> tuple[sa.ColumnElement[Any], int]:
    """The customer id as text, as :func:`clv.data.ids.clean_ids_merged` writes it, and the
    number of distinct ids that lower-casing emails merged into others: trimmed, a blank as
    null, an integral number written as an integer (a column of floats whose values are all
    whole, such as ``12346.0``, or text of integers written as ones or with a fraction of
    zeros, ``12346`` and ``12346.0``: :data:`clv.data.ids.INTEGRAL`); a column of emails
    (``emails``: :func:`email_ids`) lower-cased. Text ids beyond ASCII that decide either
    rule (digits of another script, emails to lower-case) raise NotInDatabase."""
    import sqlalchemy as sa

    from clv.data import ids

    kind = col.type
    if isinstance(kind, sa.Integer):
        return sa.cast(col, sa.String), 0
    if isinstance(kind, sa.String):
        text = _trimmed(col)
        # every id an integer, some written with a point (else there is nothing to strip)
        if conn.execute(sa.select(sa.literal(1)).where(
                text.contains(".", autoescape=True)).limit(1)).first():
            other = sa.and_(text.is_not(None),
                            ~text.regexp_match(ids.INTEGRAL.replace(r"\d", "[0-9]")))
            if not conn.execute(sa.select(sa.literal(1)).where(
                    other, ~text.regexp_match(NON_ASCII)).limit(1)).first():
                # the ids that are not integers in ASCII digits all have other characters
                # (the readers' \d takes any script's digits): decided on the rows read
                _ascii_only(conn, text, other, f"the customer ids of {col.name}")
                return sa.func.regexp_replace(text, r"\.0+$", ""), 0
        if emails:
            lower = sa.func.lower(text)
            _ascii_only(conn, text, text.is_not(None), f"the emails of {col.name}")
            n, n_lower = conn.execute(sa.select(sa.func.count(sa.distinct(text)),
                                                sa.func.count(sa.distinct(lower)))).one()
            return lower, int(n or 0) - int(n_lower or 0)
        return text, 0
    if isinstance(kind, sa.Numeric | sa.Float):
        number = sa.cast(col, sa.Float(53))
        nan = sa.cast(sa.literal("NaN"), sa.Float(53))
        # NaN, an infinity (not below 2^53) or a fraction: written as rows, not here
        if conn.execute(sa.select(sa.literal(1)).where(
                number.is_not(None), number != nan,
                sa.or_(number != sa.func.floor(number),
                       ~(sa.func.abs(number) < float(2**53)))).limit(1)).first():
            raise NotInDatabase(f"the customer id column {col.name} holds numbers that are "
                                "not whole")
        whole = sa.case((number == nan, None), else_=number)
        return sa.cast(sa.cast(whole, sa.BigInteger), sa.String), 0
    raise NotInDatabase(f"the customer id column {col.name} is {kind}, not text or a number")


def _timestamp(col: sa.ColumnElement[Any], zone: str, where: str,
               conn: sa.Connection | None = None, text: bool = False
               ) -> sa.ColumnElement[Any] | None:
    """The time of the row as a timestamp without zone, in ``zone`` (a date at midnight;
    integers that are all Unix seconds, :data:`EPOCH_SECONDS`, as the readers read them)."""
    import sqlalchemy as sa

    kind = col.type
    if isinstance(kind, sa.Integer) and conn is not None:
        low, high = EPOCH_SECONDS
        if conn.execute(sa.select(sa.literal(1)).where(
                col.is_not(None), sa.or_(col < low, col >= high)).limit(1)).first():
            raise NotInDatabase(f"the date column {col.name} holds integers that are not all "
                                "Unix seconds: read by clv's parsers")
        return sa.func.timezone(zone, sa.func.to_timestamp(sa.cast(col, sa.Float(53))))
    if isinstance(kind, sa.String) and conn is not None and text:
        return None  # read by the readers' parser (database_summary joins _text_dates)
    if isinstance(kind, sa.DateTime):
        if getattr(kind, "timezone", False):
            return sa.func.timezone(zone, col)
        return col
    if isinstance(kind, sa.Date):
        return sa.cast(col, sa.DateTime)
    raise NotInDatabase(f"the date column {col.name} is {kind}: dates written as text are "
                        "read by clv's parsers; type the column as a date or timestamp in the "
                        "database to summarise it there")


MAX_TEXT_DATES = 20_000
"""Distinct dates written as text that the engines bring to the driver to be read by the
readers' own parser (:func:`clv.data.dates.parse_dates`, which decides the column's order,
day or month first, on up to as many distinct values: ``DETECTION_SAMPLE``); a column with
more is left to the readers."""


def text_dates(values: list[str], head: pl.DataFrame, m: dict[str, str], timezone: str,
               where: str, date_format: str | None = None) -> tuple[pl.DataFrame, list[Any]]:
    """The dates of a text column read as the readers read them: ``values`` are its distinct
    values, trimmed, not blank, in the order they first appear (at most
    :data:`MAX_TEXT_DATES`: then they are the values the readers decide on), parsed by
    :func:`clv.data.dates.parse_dates`, which picks the family (ISO, day first, month first,
    compact, Unix seconds ...) and raises the readers' error when none reads them, or
    :class:`~clv.errors.AmbiguousDateError` when day first and month first read them all and
    disagree, unless the table shows a European file (French headers, decimal commas in the
    first rows ``head``: :func:`clv.data.transactions._european`), whose dates are then read
    day first with the note ``dates_day_first``; ``date_format`` (``dmy``, ``mdy``, a
    strftime format ...) reads them so, as the readers' option. Returns the lookup of each
    value read (``v``, ``t``: a naive timestamp in ``timezone``) and the readers' notes of
    the dates.
    The Spark engine and the database join the column to the lookup."""
    from clv.data.dates import parse_dates
    from clv.data.transactions import _european
    from clv.errors import AmbiguousDateError

    column = m["timestamp"]
    series = pl.Series(column, values, dtype=pl.String)
    notes: list[Any] = []
    try:
        dates = parse_dates(series, date_format, tz=timezone, source=where)
    except AmbiguousDateError as exc:
        evidence = _european(head, m, None)
        if evidence is None or date_format is not None:
            raise
        dates = parse_dates(series, "dmy", tz=timezone, source=where)
        example = str(exc.values.get("examples", "")).split(", ")[0].strip("'")
        notes.append(Note("dates_day_first", column=column, example=example,
                          evidence=evidence))
    notes += dates.notes
    lookup = pl.DataFrame({"v": series, "t": dates.values.cast(pl.Datetime("us"))})
    return lookup.filter(pl.col("t").is_not_null()), notes


def _text_dates(conn: sa.Connection, tbl: Any, head: pl.DataFrame, m: dict[str, str],
                timezone: str, where: str, date_format: str | None = None
                ) -> tuple[Any, list[Any], int]:
    """The lookup of a text date column (:func:`text_dates`) as a table of values
    (``v``, ``t``) to join the rows to, the notes of the dates and the number of values
    fetched; NotInDatabase when the column has more than :data:`MAX_TEXT_DATES` distinct
    values. The values come in the order of the table's scan (its rows have no other)."""
    import sqlalchemy as sa

    col = tbl.c[m["timestamp"]]
    numbered = sa.select(_trimmed(col).label("v"),
                         sa.func.row_number().over().label("r")).subquery()
    values = [v for (v,) in conn.execute(
        sa.select(numbered.c.v).where(numbered.c.v.is_not(None)).group_by(numbered.c.v)
        .order_by(sa.func.min(numbered.c.r)).limit(MAX_TEXT_DATES + 1))]
    if len(values) > MAX_TEXT_DATES:
        raise NotInDatabase(f"the date column {col.name} holds more than {MAX_TEXT_DATES:,} "
                            "distinct dates written as text: read by clv's parsers (type the "
                            "column as a date or timestamp to summarise it in the database)")
    lookup, notes = text_dates(values, head, m, timezone, where, date_format)
    if not lookup.height:  # no value read: every row's date is unparsable
        empty = sa.select(sa.cast(sa.null(), sa.String).label("v"),
                          sa.cast(sa.null(), sa.DateTime).label("t")).where(sa.false())
        return empty.subquery("dates"), notes, len(values)
    table = sa.values(sa.column("v", sa.String), sa.column("t", sa.DateTime),
                      name="dates").data(lookup.rows())
    return table, notes, len(values)


def _amount(col: sa.ColumnElement[Any], where: str, what: str = "amount"
            ) -> sa.ColumnElement[Any]:
    import sqlalchemy as sa

    kind = col.type
    if isinstance(kind, sa.Numeric | sa.Float | sa.Integer):
        return sa.cast(col, sa.Float(53))
    raise NotInDatabase(f"the {what} column {col.name} is {kind}: {what}s written as text "
                        "are read by clv's parsers; type the column as a number in the "
                        "database to summarise it there")


def _trimmed(col: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    """Text trimmed, a blank as null (:func:`clv.data.ids.clean_text`)."""
    import sqlalchemy as sa

    return sa.func.nullif(sa.func.regexp_replace(col, r"^\s+|\s+$", "", "g"), "")


class _Amounts:
    """Each row's amount and the reasons and notes that come with how it is made, as
    :func:`clv.data.read_transactions` makes them from typed columns:

    - line items (a quantity and a unit price, no amount): quantity x price; a free line
      (price 0) and a negative price are excluded before the customer is looked at, an
      unreadable quantity (null, infinite or NaN) after the date;
    - cancelled lines: a negative quantity (beside an amount, or of a line item), or an
      invoice number prefixed C (:func:`_cancelled_ids`); their amounts made refunds
      (-|amount|);
    - a blank amount on a line of an order that has an amount on another line is a line item
      worth 0 (Shopify writes the order's total on its first line only);
    - a status: the statuses that are not revenue (:func:`clv.data.transactions.unpaid`,
      applied to the column's distinct values, fetched) excluded after the customer;
    - a cancellation (the field ``cancelled``, Shopify's 'Cancelled at'): a row with one is
      not paid whatever its status says, under the status's reason (the readers'
      ``_cancellation``); a blank one takes its order's (:meth:`_from_order`);
    - a currency column: the rows in another currency than ``currency`` (default: the most
      frequent one written) excluded after the amount's range.

    ``line0`` and ``cancel`` are the flags of the zero-value line items and of the
    cancelled lines; ``notes`` the readers' notes on them (line items, currencies)."""

    def __init__(self, conn: sa.Connection, tbl: Any, m: dict[str, str], line_items: bool,
                 oid: sa.ColumnElement[Any] | None, currency: str | None, where: str,
                 minor_units: bool = False) -> None:
        import sqlalchemy as sa

        from clv.data.transactions import unpaid

        self.notes: list[Any] = []
        self.fetched = 0
        self.before_customer: list[tuple[str, Any]] = []
        self.status: list[tuple[str, Any]] = []
        self.quantity: list[tuple[str, Any]] = []
        self.currency: list[tuple[str, Any]] = []
        self.cur: Any = None  # the row's currency, when rows in others are excluded
        self.line0: Any = sa.false()
        zero_lines = False
        qty = _amount(tbl.c[m["quantity"]], where, "quantity") if "quantity" in m else None
        if line_items:
            assert qty is not None
            price = _amount(tbl.c[m["price"]], where, "price")
            amount = qty * price
            self.before_customer = [(why.FREE_LINE, price == 0),
                                    (why.NEGATIVE_PRICE, price < 0)]
            infinity = sa.cast(sa.literal("Infinity"), sa.Float(53))
            # NaN and infinities are not below infinity (NaN sorts above every number)
            self.quantity = [(why.BAD_QUANTITY, sa.or_(qty.is_(None),
                                                       ~(sa.func.abs(qty) < infinity)))]
        else:
            raw = tbl.c[m["amount"]]
            amount = _amount(raw, where)
            if minor_units or "refunded" in m:
                amount = self._net_refunds(conn, tbl, m, where, amount, minor_units)
            if oid is not None and conn.execute(
                    sa.select(sa.literal(1)).where(raw.is_(None)).limit(1)).first():
                paid = sa.select(oid).where(raw.is_not(None), oid.is_not(None))
                self.line0 = sa.and_(raw.is_(None), oid.is_not(None), oid.in_(paid))
                if conn.execute(sa.select(sa.literal(1)).select_from(tbl)
                                .where(self.line0).limit(1)).first():
                    zero_lines = True  # their note counts those kept (database_summary)
                else:
                    self.line0 = sa.false()
        flags = {}
        invoices = _cancelled_ids(conn, tbl.c[m["order_id"]]) if "order_id" in m else None
        if invoices is not None:
            flags["order id prefixed 'C'"] = invoices
        if qty is not None:
            flags["negative quantity"] = sa.func.coalesce(qty < 0, sa.false())
        self.cancel: Any = sa.or_(*flags.values()) if flags else sa.false()
        self.cancelled_how = " or ".join(flags)
        whens: list[tuple[Any, Any]] = []
        if zero_lines:
            whens.append((self.line0, 0.0))
        if flags:
            whens.append((self.cancel, -sa.func.abs(amount)))
        self.zero_lines = zero_lines
        self.amount = sa.case(*whens, else_=amount) if whens else amount
        # a blank status or currency is its order's, as the readers' _order_values takes it
        self.source: Any = tbl  # the table, joined to the orders' values when some are taken
        self.shown: dict[str, Any] = {}  # the values an example shows, when not the table's
        if "status" in m:
            col = tbl.c[m["status"]]
            if not isinstance(col.type, sa.String | sa.types.NullType):
                raise NotInDatabase(f"the status column {col.name} is {col.type}, not text")
            status = _trimmed(col)  # unpaid() trims as well
            values = [v for (v,) in conn.execute(
                sa.select(status).distinct().limit(MAX_STATUSES + 2))]
            blank = None in values
            values = [v for v in values if v is not None]
            if len(values) > MAX_STATUSES:
                raise NotInDatabase(f"the status column {col.name} has more than "
                                    f"{MAX_STATUSES:,} distinct values")
            self.fetched += len(values)
            if blank and oid is not None:
                filled = self._from_order(conn, tbl, oid, status, "order_status", "status")
                if filled is not None:  # the readers show the status so written
                    status = self.shown[col.name] = filled
            found = pl.Series("s", [str(v) for v in values], dtype=pl.String).to_frame() \
                .filter(unpaid(pl.col("s")).fill_null(False))["s"].to_list()
            self.status = [(why.STATUS_NOT_PAID, status.in_(found))]
        if "cancelled" in m:  # an order cancelled is not paid, whatever its status says
            cancelled = self._cancelled(conn, tbl, tbl.c[m["cancelled"]], oid)
            self.status = [(why.STATUS_NOT_PAID, sa.or_(*(c for _, c in self.status),
                                                        cancelled.is_not(None)))]
        self.target = currency.upper() if currency else None
        if "currency" in m:
            col = tbl.c[m["currency"]]
            if not isinstance(col.type, sa.String | sa.types.NullType):
                raise NotInDatabase(f"the currency column {col.name} is {col.type}, not text")
            cur = sa.func.upper(_trimmed(col))
            if oid is not None:
                blanks, given = conn.execute(sa.select(
                    sa.func.max(sa.case((cur.is_(None), 1), else_=0)),
                    sa.func.max(sa.case((cur.is_not(None), 1), else_=0)))).one()
                if blanks and given:
                    filled = self._from_order(conn, tbl, oid, cur, "order_currency", "currency")
                    cur = cur if filled is None else filled
            if self.target is None:
                n = sa.func.count().label("n")
                top = conn.execute(sa.select(cur.label("c"), n).select_from(self.source)
                                   .where(cur.is_not(None))
                                   .group_by(cur).order_by(n.desc(), cur).limit(2)).all()
                if top:
                    self.target = str(top[0][0])
                    if len(top) > 1:
                        self.notes.append(Note("currencies", currency=self.target))
            if self.target is not None:
                self.currency = [(why.OTHER_CURRENCY,
                                  sa.and_(cur.is_not(None), cur != self.target))]
                self.cur = cur


    def _net_refunds(self, conn: sa.Connection, tbl: Any, m: dict[str, str], where: str,
                     amount: Any, minor_units: bool) -> Any:
        """The amount in units less the amount refunded on its row, as the readers'
        ``_minor_units`` and ``_net_of_refunds`` make it: with ``minor_units`` (Stripe's API)
        both divided by :data:`MINOR`, but by 1 in a zero-decimal currency
        (:data:`ZERO_DECIMAL_CODES`) of the row's currency column (the note
        ``minor_units``); a blank refund counts 0 (the note ``refunded_netted`` counts the
        rows with a refund and an amount)."""
        import sqlalchemy as sa

        units: Any = sa.literal(MINOR, sa.Float(53))
        if minor_units:
            if "currency" in m:
                col = tbl.c[m["currency"]]
                text = _trimmed(col) if isinstance(col.type, sa.String) \
                    else sa.cast(col, sa.String)
                units = sa.case((sa.func.upper(text).in_(ZERO_DECIMAL_CODES), 1.0),
                                else_=units)
            amount = amount / units
            self.notes.append(Note("minor_units", column=m["amount"],
                                   refunded=m.get("refunded", "-")))
        if "refunded" not in m:
            return amount
        refunded = sa.func.coalesce(_amount(tbl.c[m["refunded"]], where, "refund"), 0.0)
        if minor_units:
            refunded = refunded / units
        partial = sa.and_(refunded != 0, amount.is_not(None))
        n, total = conn.execute(sa.select(sa.func.count(), sa.func.sum(refunded))
                                .select_from(tbl).where(partial)).one()
        if n:
            self.notes.append(Note("refunded_netted", n=int(n), column=m["refunded"],
                                   total=float(total)))
        return amount - refunded

    def _cancelled(self, conn: sa.Connection, tbl: Any, col: Any, oid: Any) -> Any:
        """Each row's cancellation, null when blank (text trimmed, a date as itself: the
        readers' ``_cancellation``): a blank one takes its order's (:meth:`_from_order`),
        shown so in the examples, as the readers' ``_order_values`` fills it. The orders
        are looked at only when some line has a cancellation and some has none."""
        import sqlalchemy as sa

        value = _trimmed(col) if isinstance(col.type, sa.String | sa.types.NullType) else col
        if oid is None:
            return value
        blanks, given = conn.execute(sa.select(
            sa.func.max(sa.case((value.is_(None), 1), else_=0)),
            sa.func.max(sa.case((value.is_not(None), 1), else_=0)))).one()
        if not (blanks and given):
            return value
        filled = self._from_order(conn, tbl, oid, value, "order_cancelled", "cancellation")
        if filled is None:
            return value
        self.shown[col.name] = filled  # the readers show the cancellation so written
        return filled

    def _from_order(self, conn: sa.Connection, tbl: Any, oid: Any, value: Any, name: str,
                    what: str) -> Any | None:
        """``value`` where it is not null, else its order's: the value of the lines of the
        same order id that have one, as the readers' ``_order_values`` takes the first of
        them (Shopify writes an order's financial status and currency on its first line
        only); None when no order with a blank has a value elsewhere. A table's rows have no
        order: an order whose lines have a blank and different values raises NotInDatabase
        (which is the first is the rows' order, read by the readers). ``source`` gets the
        orders' values, joined by their id."""
        import sqlalchemy as sa

        blanks = sa.select(oid).select_from(tbl).where(value.is_(None), oid.is_not(None))
        known = sa.select(oid.label("o"), sa.func.min(value).label("v"),
                          sa.func.max(value).label("hi")).select_from(tbl).where(
            value.is_not(None), oid.in_(blanks)).group_by(oid).subquery(name)
        k = known.c
        if not conn.execute(sa.select(k.o).limit(1)).first():
            return None
        odd = conn.execute(sa.select(k.o).where(k.v != k.hi).limit(1)).first()
        if odd:
            raise NotInDatabase(f"the lines of order {odd[0]} have blank and different "
                                f"{what} values; a blank takes the order's first line's, and "
                                "a table's rows have no order (the rows read have one)")
        self.source = self.source.outerjoin(known, k.o == oid)
        return sa.func.coalesce(value, k.v)


def _cancelled_ids(conn: sa.Connection, col: sa.ColumnElement[Any]
                   ) -> sa.ColumnElement[Any] | None:
    """The condition of a cancelled invoice, as :func:`clv.data.transactions._cancellations`
    finds them: text order ids of which some are a number prefixed C (``C536379``) while at
    least half are plain numbers; None when the ids are not so."""
    import sqlalchemy as sa

    if not isinstance(col.type, sa.String):
        return None
    if conn.execute(sa.select(sa.literal(1)).where(
            sa.or_(col.contains("C", autoescape=True), col.contains("c", autoescape=True))
    ).limit(1)).first() is None:  # most logs have no C at all
        return None
    text = sa.func.regexp_replace(col, r"^\s+|\s+$", "", "g")
    prefixed = text.regexp_match(r"^[Cc]\d+$")
    digits, found = conn.execute(sa.select(
        sa.func.avg(sa.case((text.regexp_match(r"^\d+$"), 1.0), else_=0.0)),
        sa.func.max(sa.case((prefixed, 1), else_=0))).where(col.is_not(None))).one()
    if found and float(digits or 0) >= 0.5:
        return sa.func.coalesce(prefixed, sa.false())
    return None


def listed_columns(m: dict[str, str], more: list[str]) -> list[str]:
    """The source's columns a list of the rows excluded shows after their row, reason and
    amount, as the readers' ``_listed``: the mapped ones in the mapping's order, then
    ``more`` (the email that keys a guest), each once."""
    return list(dict.fromkeys([*m.values(), *more]))


def listed(found: Sequence[Any], reasons: list[str], columns: list[str]) -> pl.DataFrame:
    """The rows excluded as :attr:`clv.data.issues.DataIssues.excluded_rows` lists them:
    ``found`` holds each row's number, reason (its index in ``reasons``), amount and the
    values of ``columns``, ordered by row; a NaN amount is null, and a column named ``row``,
    ``reason`` or ``amount`` is written ``<name> (file)`` (the readers' ``_free_name``). The
    database's and Spark's engines list them with it."""
    from clv.data.transactions import _free_name

    names = [_free_name(c, columns) for c in columns]
    data: dict[str, list[Any]] = {"row": [], "reason": [], "amount": []}
    values: list[list[Any]] = [[] for _ in columns]
    for row, code, amount, *rest in found:
        data["row"].append(int(row))
        data["reason"].append(reasons[int(code)])
        data["amount"].append(None if amount is None or math.isnan(amount) else float(amount))
        for i, v in enumerate(rest):
            values[i].append(v)
    frame = pl.DataFrame(data, schema={"row": pl.Int64, "reason": pl.String,
                                       "amount": pl.Float64})
    shown = head_frame(names, list(zip(*values, strict=True)) if found else [])
    return pl.concat([frame, shown], how="horizontal")


def _shown(m: dict[str, str], more: list[str]) -> list[str]:
    """The columns an example row shows: the mapped ones, and ``more`` (the email that keys
    a guest), each once."""
    return list(dict.fromkeys([*(m[f] for f in ("customer_id", "timestamp", "amount",
                                                "order_id", "quantity", "price", "status",
                                                "cancelled", "currency") if f in m),
                               *more]))


def _report(conn: sa.Connection, rows: Any, reasons: list[tuple[str, Any]],
            shown: list[str], m: dict[str, str], where: str, drop_dup: bool, n_examples: int,
            linked: tuple[int, float] = (0, 0.0), line_items: bool = False,
            cancelled_how: str = "negative quantity") -> tuple[DataIssues, int]:
    """The data report: rows and amounts read, kept and excluded by reason, with examples
    (and, for line items, the number of orders kept: by order id, else by customer and time
    to the second, as :func:`clv.data.read_transactions` counts them)."""
    import sqlalchemy as sa

    c = rows.c
    kept_row = c.code.is_(None)
    counted = sa.and_(kept_row, c.cancel)
    cancelled = conn.execute(sa.select(sa.func.count(), sa.func.sum(c.amt)).where(counted)
                             ).one()
    orders = None
    if line_items:
        key = [c.cid, c.oid] if "order_id" in m else [c.cid, sa.func.date_trunc("second", c.ts)]
        distinct = sa.select(*key).where(kept_row).distinct().subquery()
        orders = (conn.execute(sa.select(sa.func.count()).select_from(distinct)).scalar(),
                  "by order id" if "order_id" in m else "by customer and time")
    counts = conn.execute(
        sa.select(c.code, sa.func.count(), sa.func.sum(c.fin),
                  sa.func.sum(sa.func.abs(c.fin)),
                  sa.func.sum(sa.case((sa.and_(c.code.is_(None), c.amt < 0), 1), else_=0)),
                  sa.func.sum(sa.case((sa.and_(c.code.is_(None), c.amt < 0), c.amt),
                                      else_=0.0)),
                  sa.func.sum(sa.case((sa.and_(c.code.is_(None), c.amt == 0, ~c.line0), 1),
                                      else_=0)),
                  *([] if drop_dup else [sa.func.sum(sa.case((c.rep, 1), else_=0))]))
        .group_by(c.code).order_by(c.code.nulls_first())).all()
    exclusions, rows_read, read, magnitude = [], 0, 0.0, 0.0
    kept, kept_amount, refunds, refunds_total, zeros, identical = 0, 0.0, 0, 0.0, 0, 0
    for row in counts:
        code, n, total, absolute = row[0], int(row[1]), float(row[2] or 0.0), float(row[3] or 0)
        rows_read, read, magnitude = rows_read + n, read + total, magnitude + absolute
        if not drop_dup:
            identical += int(row[7] or 0)
        if code is None:
            kept, kept_amount = n, total
            refunds, refunds_total, zeros = int(row[4] or 0), float(row[5] or 0), int(row[6] or 0)
            continue
        examples = conn.execute(
            sa.select(*(c[f"shown_{i}"] for i in range(len(shown))))
            .where(c.code == code).order_by(*(c[f"shown_{i}"] for i in range(len(shown))))
            .limit(n_examples)).all()
        others = None
        if reasons[code][0] == why.OTHER_CURRENCY and "cur" in c:  # per currency, never summed
            others = {str(k): float(v or 0.0) for k, v in conn.execute(
                sa.select(c.cur, sa.func.sum(c.fin)).where(c.code == code).group_by(c.cur)
                .order_by(c.cur)).all()}
        exclusions.append(Exclusion(reasons[code][0], n, total,
                                    [dict(zip(shown, e, strict=True)) for e in examples],
                                    others))
    exclusions.sort(key=lambda e: why.rank(e.reason))
    issues = engine_report(where, rows_read, kept, read, kept_amount, magnitude, exclusions,
                           zeros=zeros, refunds=(refunds, refunds_total), identical=identical,
                           linked=linked, cancelled=(int(cancelled[0] or 0),
                                                     float(cancelled[1] or 0.0)),
                           how=cancelled_how)
    if orders is not None:
        at = next((i + 1 for i, n in enumerate(issues.notes)
                   if getattr(n, "key", "") == "refunds_linked"), 0)
        issues.notes.insert(at, Note("line_item_orders", lines=kept, orders=int(orders[0]),
                                     by=orders[1]))
    return issues, kept


def engine_report(where: str, rows_read: int, kept: int, read: float, kept_amount: float,
                  magnitude: float, exclusions: list[Exclusion], *, zeros: int,
                  refunds: tuple[int, float], identical: int,
                  cancelled: tuple[int, float] = (0, 0.0),
                  linked: tuple[int, float] = (0, 0.0),
                  how: str = "negative quantity") -> DataIssues:
    """The data report of rows validated by an engine (the database's, Spark's), with the
    readers' notes (refunds linked to their order, cancelled lines, zero-value rows, the other
    refunds when not all cancellations, identical rows) and their conservation check.
    ``refunds`` counts every refund kept, ``linked`` those linked to their order; ``how``
    says how the cancelled lines were found."""
    notes: list[Any] = []
    if linked[0]:
        notes.append(Note("refunds_linked", n=linked[0], total=linked[1]))
        refunds = (refunds[0] - linked[0], refunds[1] - linked[1])
    if cancelled[0]:
        notes.append(Note("cancellations", n=cancelled[0], how=how,
                          total=cancelled[1], policy="net"))
    if zeros:
        notes.append(Note("zero_rows", n=zeros))
    if refunds[0] and refunds[0] != cancelled[0]:  # else the cancellations' note says it
        notes.append(Note("refunds", n=refunds[0], total=refunds[1]))
    if identical:
        notes.append(Note("identical_rows", n=identical))
    issues = DataIssues(source=where, rows_read=rows_read, rows_kept=kept, amount_read=read,
                        amount_kept=kept_amount, exclusions=exclusions, notes=notes,
                        amount_magnitude=magnitude)
    if not issues.balanced:  # an internal invariant, as read_transactions's
        raise DataError("rows or amounts are not conserved: this is a bug of clv, please "
                        "report it", source=where)
    return issues


def _summarise(conn: sa.Connection, rows: Any, unit: str,
               observation_end: dt.date | str | None, calibration_end: dt.date | str | None,
               merge: str, midpoint: bool, where: str, links: _Links | None = None
               ) -> tuple[Summary, int]:
    """The summary of the rows kept, aggregated by the database (see the module docstring)."""
    import sqlalchemy as sa

    days = UNIT_DAYS[unit]
    c = rows.c

    def period(ts: Any) -> Any:
        stamp = ts if merge == "day" else sa.func.date_trunc(_TRUNC_SQL[merge], ts)
        return sa.cast(stamp, sa.Date)

    # the last period is the period of the last time of a row kept (periods do not decrease)
    last = conn.execute(sa.select(period(sa.func.max(c.ts))).where(c.code.is_(None))).scalar()
    if last is None:
        raise DataError("no transactions to summarise", source=where)
    obs = _to_date(observation_end, "observation_end") or _as_date(last)
    cal = _to_date(calibration_end, "calibration_end")
    if cal is not None and cal >= obs:
        raise ClvError(f"calibration_end {cal} must be before observation_end {obs}")
    obs_p = _floor(obs, merge)
    cal_p = _floor(cal, merge) if cal is not None else None
    end_p = cal_p if cal_p is not None else obs_p

    if links is None:
        kept = sa.select(c.cid, period(c.ts).label("period"), c.amt) \
            .where(c.code.is_(None)).cte("kept")
    else:  # a refund linked to its order counts in the order's period (clv.prep.summary)
        def window(p: Any) -> Any:
            return sa.case((p <= cal_p, 0), (p <= obs_p, 1), else_=2) if cal_p is not None \
                else sa.case((p <= obs_p, 1), else_=2)

        k, o = links.kept.c, links.orders.c
        own, order = period(k.ts), period(o.order_ts)
        netted = sa.case((sa.and_(o.order_ts.is_not(None), window(order) == window(own)),
                          order), else_=own)
        kept = sa.select(k.cid, netted.label("period"), k.amt).select_from(
            links.kept.outerjoin(links.orders, links.on)).cte("kept")
    periods = sa.select(kept.c.cid, kept.c.period, sa.func.sum(kept.c.amt).label("amount"),
                        sa.func.count().label("n")).group_by(kept.c.cid, kept.c.period) \
        .cte("periods")
    p = periods.c

    buy = p.amount > NET_ZERO
    seen_q = sa.select(
        p.cid.label("customer_id"),
        sa.func.min(sa.case((p.amount >= -NET_ZERO, p.period))).label("first_purchase"),
        sa.func.sum(p.amount).label("total_amount"),
        sa.func.min(sa.case((buy, p.period))).label("_first_pos"),
        sa.func.max(sa.case((buy, p.period))).label("_last_pos"),
        sa.func.sum(sa.case((buy, 1), else_=0)).label("_n_pos"),
        sa.func.sum(sa.case((buy, p.amount), else_=0.0)).label("_pos_sum"),
    ).where(p.period <= end_p).group_by(p.cid).cte("seen")
    s = seen_q.c
    first_amount = sa.select(*s, periods.c.amount.label("_first_pos_amount")).select_from(
        seen_q.outerjoin(periods, sa.and_(periods.c.cid == s.customer_id,
                                          periods.c.period == s._first_pos)))
    seen = _frame(conn.execute(first_amount), {
        "customer_id": pl.String, "first_purchase": pl.Date, "total_amount": pl.Float64,
        "_first_pos": pl.Date, "_last_pos": pl.Date, "_n_pos": pl.Int64, "_pos_sum": pl.Float64,
        "_first_pos_amount": pl.Float64})
    fetched = seen.height
    frame, no_purchase = customer_rows(seen, end_p, days)

    in_obs = p.period <= obs_p
    stats = conn.execute(sa.select(
        sa.func.sum(p.n), sa.func.sum(p.amount), sa.func.count(),
        sa.func.sum(sa.case((sa.and_(p.amount <= NET_ZERO, in_obs), 1), else_=0)),
        sa.func.sum(sa.case((~in_obs, p.n), else_=0)),
        sa.func.sum(sa.case((~in_obs, p.amount), else_=0.0)),
    )).one()
    none_bought = seen_q.c.first_purchase.is_(None)
    without = conn.execute(sa.select(sa.func.sum(p.amount)).where(in_obs, p.cid.in_(
        sa.select(s.customer_id).where(none_bought)))).scalar()
    report: dict[str, Any] = {
        "transactions": int(stats[0]), "amount": float(stats[1]),
        "merged_transactions": int(stats[0]) - int(stats[2]),
        "non_positive_periods": int(stats[3] or 0),
        "rows_after_observation_end": int(stats[4] or 0),
        "amount_after_observation_end": float(stats[5] or 0.0),
        "customers_without_purchase": no_purchase.height,
        "amount_without_purchase": float(without or 0.0),
        "customers_first_seen_in_holdout": 0, "amount_first_seen_in_holdout": 0.0}
    if cal_p is not None:
        in_hold = sa.and_(p.period > cal_p, in_obs)
        known = p.cid.in_(sa.select(s.customer_id))
        unknown = conn.execute(sa.select(sa.func.count(sa.distinct(p.cid)),
                                         sa.func.sum(p.amount)).where(in_hold, ~known)).one()
        report["customers_first_seen_in_holdout"] = int(unknown[0] or 0)
        report["amount_first_seen_in_holdout"] = float(unknown[1] or 0.0)
        bought = p.cid.in_(sa.select(s.customer_id).where(~none_bought))
        hold = _frame(conn.execute(sa.select(
            p.cid.label("customer_id"),
            sa.func.sum(sa.case((buy, 1), else_=0)).label("frequency_holdout"),
            sa.func.avg(sa.case((buy, p.amount))).label("monetary_holdout"),
            sa.func.sum(p.amount).label("total_amount_holdout"),
        ).where(in_hold, bought).group_by(p.cid)), {
            "customer_id": pl.String, "frequency_holdout": pl.Int64,
            "monetary_holdout": pl.Float64, "total_amount_holdout": pl.Float64})
        fetched += hold.height
        frame = frame.join(hold, on="customer_id", how="left").with_columns(
            pl.col("frequency_holdout").fill_null(0),
            pl.col("monetary_holdout").fill_null(0.0),
            pl.col("total_amount_holdout").fill_null(0.0),
            pl.lit((obs_p - cal_p).days / days).alias("duration_holdout"))
    if midpoint:
        frame = frame.with_columns(pl.col("T") + UNIT_DAYS[merge] / 2 / days)
    summary = Summary(frame.sort("customer_id"), unit, obs, cal, merge,
                      SummaryReport(**report), metadata={"computed_by": "database"})
    return summary, fetched


_TRUNC_SQL = {"week": "week", "month": "month", "year": "year"}


def _as_date(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value  # type: ignore[no-any-return]


def _frame(result: Any, schema: dict[str, Any]) -> pl.DataFrame:
    """The rows of a result as a frame of ``schema`` (decimals read as floats)."""
    names = list(schema)
    data = [tuple(r) for r in result]
    columns = {n: [_number(r[i]) for r in data] for i, n in enumerate(names)}
    return pl.DataFrame(columns, schema=schema, strict=False)


def _number(value: Any) -> Any:
    import decimal

    return float(value) if isinstance(value, decimal.Decimal) else value
