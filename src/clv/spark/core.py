"""The Spark engine (see :mod:`clv.spark`): validation, summary, compression, fit, scores."""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import sys
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast
from zoneinfo import ZoneInfo

import polars as pl

from clv import defaults as D
from clv.data import issues as why
from clv.data.issues import DataIssues, Exclusion
from clv.errors import ClvError, DataError
from clv.notes import Note
from clv.prep.database import CustomerIdRules
from clv.prep.summary import NET_ZERO, UNIT_DAYS, Summary, SummaryReport, Unit, _floor, _to_date

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame, SparkSession

    from clv.data.mapping import Mapping
    from clv.data.transactions import Statuses

HANDLED = ("customer_id", "timestamp", "amount", "order_id", "product", "channel", "quantity",
           "price", "status", "cancelled", "currency", "refunded")
"""The mapped fields the Spark engine handles (product and channel carried for
:func:`clv.spark.analyze`, unused by the summary; the order id links refunds to their order
and finds invoices prefixed C; a quantity beside the amount marks cancelled lines, and with a
unit price makes line items; a status, a cancellation (an order cancelled is not paid) and a
currency exclude rows, as the readers do; the amount refunded on a row is deducted from its
amount, in minor units too). A mapped field not here makes the engine refuse the log."""
HEAD_ROWS = 1000
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?)?$")
WHITESPACE = ("\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
              "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
"""The characters Polars' ``str.strip_chars()`` (no argument: Rust's ``char::is_whitespace``,
Unicode's White_Space property) trims, which the readers trim ids, labels, dates and numbers
of: tab, line feed, vertical tab, form feed, carriage return, space, next line (U+0085),
no-break space (U+00A0), Ogham space mark (U+1680), the spaces U+2000 to U+200A, line and
paragraph separators (U+2028, U+2029), narrow no-break space (U+202F), medium mathematical
space (U+205F) and ideographic space (U+3000); found by stripping each of the code points 0 to
0x10FFFF with Polars (``tests/test_spark_reader.py`` checks the set again). Not zero-width
space (U+200B) nor the information separators U+001C to U+001F, which Python's ``str.strip``
takes and Polars does not. Spark's ``trim`` takes spaces only: the Spark engine trims with
:func:`_strip` (``btrim`` with this set, which compares whole characters, not bytes)."""
PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def _strip(F: Any, col: Column) -> Column:
    """``col`` (text) without the :data:`WHITESPACE` it starts or ends with, as Polars'
    ``str.strip_chars()``."""
    # trimmed only when it starts or ends with such a character (rare): btrim with a set of
    # 25 characters looks each character up in the set and costs some 1 s per 10M rows
    spaces = list(WHITESPACE)
    out: Column = F.when(F.substring(col, 1, 1).isin(spaces)
                         | F.substring(col, -1, 1).isin(spaces),
                         F.btrim(col, F.lit(WHITESPACE))).otherwise(col)
    return out


def _stripped(value: str) -> str:
    """A value of the first rows trimmed as :func:`_strip` trims (not ``str.strip``, which
    takes more characters)."""
    return value.strip(WHITESPACE)


def _functions() -> Any:
    try:
        from pyspark.sql import functions as F
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ClvError("the Spark engine needs pyspark and a Java runtime: pip install "
                       "'clv[spark]'") from exc
    return F


def first(frame: DataFrame) -> Any:
    """The first row of ``frame`` (an aggregate's one row), which must exist."""
    row = frame.first()
    if row is None:  # pragma: no cover - an aggregate without groups has one row
        raise ClvError("Spark returned no row for an aggregate")
    return row


def session(master: str = "local[*]", conf: dict[str, str] | None = None,
            timezone: str = "UTC") -> SparkSession:
    """A Spark session for clv (``master``: ``local[*]`` by default, or a cluster's URL),
    its time zone ``timezone`` (the zone of the timestamps read, as ``read_transactions``'s),
    ``conf`` added (``spark.executor.memory`` ...). The user interface is off; joins may
    use a partitioning on part of their keys (:data:`CO_PARTITION`); caches are not
    compressed; a local driver's JVM maps the archive of the classes an earlier run loaded,
    or writes it when it exits (:mod:`clv.spark.jvm`). ``conf`` overrides any of these."""
    _functions()
    from pyspark import SparkContext
    from pyspark.errors import PySparkRuntimeError
    from pyspark.sql import SparkSession

    from clv.spark.jvm import OPTIONS, QUIET, after_start, forget, start_options

    conf = conf or {}
    builder = SparkSession.builder.master(master).appName("clv") \
        .config("spark.sql.session.timeZone", timezone) \
        .config("spark.ui.enabled", "false") \
        .config("spark.ui.showConsoleProgress", "false") \
        .config(CO_PARTITION, "false") \
        .config("spark.sql.inMemoryColumnarStorage.compressed", "false")
    # CO_PARTITION: joins by customer and order where the rows are (_link_refunds). Caches
    # uncompressed: the columns clv caches (ids, times, amounts, hashes, mostly distinct)
    # compress little, and compressing them costs time (10M lines, bench/README.md: the
    # validated rows 545 MB against 473 MB; clv summary --engine spark 3 to 4 s faster)
    if master.startswith("local"):  # the driver on loopback: nothing listens beyond it
        # a few shuffle partitions for a few cores (Spark's 200 are tiny tasks here); on a
        # cluster Spark's setting or the user's stands (docs/scale.md: some 200 MB each)
        builder = builder.config("spark.driver.host", "127.0.0.1") \
            .config("spark.driver.bindAddress", "127.0.0.1") \
            .config("spark.sql.shuffle.partitions", "8")
        if "spark.driver.memory" not in conf:  # local mode: the driver does the work
            builder = builder.config("spark.driver.memory", _local_memory())
        if not os.environ.get("PYSPARK_PYTHON"):  # the CLV intervals' Python workers
            # run clv's own Python (PySpark takes the first python3 on the PATH, read from
            # this variable when the context starts); on a cluster, the executors' Python
            # is the cluster's, with clv installed
            os.environ["PYSPARK_PYTHON"] = sys.executable
    # a local driver's JVM starts from the archive of the classes an earlier run loaded
    # (clv.spark.jvm: 4 to 8 s of a run at 10M lines)
    archive = start_options(master, conf)
    for key, value in {**archive, **conf}.items():
        builder = builder.config(key, value)
    try:
        spark = builder.getOrCreate()
    except PySparkRuntimeError as error:  # the JVM did not start: once more without the
        if not archive or error.getCondition() != "JAVA_GATEWAY_EXITED":  # archive, which
            raise  # is removed when the JVM then starts (the next session writes it again)
        spark = builder.config(OPTIONS, QUIET).getOrCreate()
        forget(archive)
        archive = {}
    spark.sparkContext.setLogLevel("ERROR")
    if archive:  # an archive HotSpot did not map is written again by the next session
        proc = getattr(SparkContext._gateway, "proc", None)
        after_start(archive, proc.pid if proc is not None else None,
                    str(spark.sparkContext._jvm.java.lang.System.getProperty("java.vm.info")))
    return spark


def _local_memory() -> str:
    """Half of this machine's memory, at most 16 GB, for a local driver (Spark's default,
    1 GB, spills a 10M-line log to disk)."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not POSIX
        return "2g"
    return f"{max(1, min(16, int(total / 2**30 / 2)))}g"


@dataclass(frozen=True)
class SparkTransactions:
    """Validated transactions in Spark: ``frame`` has ``customer_id`` (string), ``timestamp``
    (timestamp without zone, in ``timezone``) and ``amount`` (double); when mapped,
    ``product`` and ``channel`` (trimmed, a blank as null; with a channel, ``_row``, the
    lines' order in the source); ``order_time`` when a refund is linked to its order (see
    :func:`read_transactions`). ``issues`` is the readers' report (counts, amounts and
    examples by reason); ``currency`` that of the amounts kept (the one asked for, else the
    most frequent of a currency column; None without either), as
    :attr:`clv.data.Transactions.currency`. ``excluded_rows``: with
    ``read_transactions(excluded_rows=True)``, every excluded row as a Spark DataFrame (not
    collected: there may be millions; ``.toPandas()``, ``.toArrow()`` or ``.write`` it), with
    the columns and values of :attr:`clv.data.issues.DataIssues.excluded_rows` (``row``,
    ``reason``, ``amount``, the mapped columns as read), ordered by row; else None."""

    frame: DataFrame
    issues: DataIssues
    mapping: Mapping
    timezone: str = "UTC"
    currency: str | None = None
    excluded_rows: DataFrame | None = None
    last_time: tuple[DataFrame, dt.datetime | None] | None = None
    """The last time of the rows kept, found by the data report's pass, with the frame it is
    that of (the summary takes it when ``frame`` is still that frame)."""
    refund_links: tuple[DataFrame, DataFrame, DataFrame] | None = None
    """The refunds linked to their order, with the frame they are those of and that frame
    without ``order_time``: ``(frame, rows, links)``, ``links`` one row per customer,
    order and time of a refund (``customer_id``, ``timestamp``, ``order_time``, ``_n`` the
    refunds, ``_sum`` their amount). The summary moves them to their order's period from
    ``links`` instead of joining every row to them (when ``frame`` is still that frame)."""


READS = "the Spark engine reads a Parquet file or folder, a Delta table or a catalog table"
"""What the Spark engine reads, as its refusals of a source say it."""


def _source(source: Any, spark: SparkSession | None) -> DataFrame:
    from pyspark.sql import DataFrame as SparkFrame

    if isinstance(source, SparkFrame):
        return source
    if not isinstance(source, str):
        raise ClvError("the Spark engine reads a Spark DataFrame, a Parquet path or a table name")
    spark = spark or session()
    from pathlib import Path

    path = Path(source)
    delta = (path / "_delta_log").is_dir()
    if path.is_file():  # looked at before Spark, whose failed task logs a Java stack
        with path.open("rb") as f:
            if f.read(4) != b"PAR1":
                raise ClvError(f"{source} is not a Parquet file: {READS} (read CSV and Excel "
                               "files without --engine spark)")
    try:
        if delta:
            return spark.read.format("delta").load(source)
        if path.exists() or source.endswith(".parquet") or "://" in source:
            return spark.read.parquet(source)
        if not _table_exists(spark, source):
            raise ClvError(f"'{source}' is neither a file or folder nor a table of Spark's "
                           f"catalog: {READS}")
        return spark.table(source)
    except ClvError:
        raise
    except Exception as e:  # noqa: BLE001 - Spark's errors (py4j's, or captured) as the user's
        said = _spark_message(e)
        if delta and "DATA_SOURCE_NOT_FOUND" in said:
            raise ClvError(f"{source} is a Delta table (it has a _delta_log folder), and this "
                           "Spark session has no Delta Lake reader: install delta-spark and give "
                           "the session its jars and its extension (--spark-conf "
                           "spark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension, "
                           "--spark-conf spark.jars=...), or read a Parquet copy") from e
        raise ClvError(f"Spark could not read {source}: {said} ({READS}; read CSV and "
                       "Excel files without --engine spark)") from e


def _table_exists(spark: SparkSession, name: str) -> bool:
    """Whether ``name`` is a table of Spark's catalog (False when it cannot be one: a path
    that does not exist, such as ``data/orders``, is no table name Spark parses)."""
    try:
        return bool(spark.catalog.tableExists(name))
    except Exception:  # noqa: BLE001 - Spark's parse error of a name that is no identifier
        return False


def _spark_message(error: BaseException) -> str:
    """The first line of what Spark says of ``error`` (a JVM's error through py4j, or one
    PySpark captured), without the Java stack: e.g. ``[PATH_NOT_FOUND] Path does not exist:
    ...``."""
    text = str(getattr(error, "java_exception", None) or error)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    line = next((x for x in lines if "[" in x and "]" in x), lines[0] if lines else repr(error))
    return line.removeprefix(": ").split("Exception: ", 1)[-1]


def read_transactions(
    source: Any,
    spark: SparkSession | None = None,
    *,
    customer: str | None = None,
    date: str | None = None,
    amount: str | None = None,
    order_id: str | None = None,
    quantity: str | None = None,
    price: str | None = None,
    currency_column: str | None = None,
    columns: dict[str, str | None] | None = None,
    currency: str | None = None,
    duplicates: str = "auto",
    as_of: dt.datetime | None = None,
    earliest: dt.date | str | None = why.EARLIEST,
    max_amount: float | None = None,
    timezone: str = "UTC",
    preset: str | None = None,
    excluded_rows: bool = False,
    date_format: str | None = None,
    keep: Iterable[str] | None = None,
    paid_statuses: Iterable[str] | None = None,
    unpaid_statuses: Iterable[str] | None = None,
) -> SparkTransactions:
    """Validate transactions in Spark with the rules of :func:`clv.data.read_transactions`:
    the same column detection (on the first rows), the same exclusion reasons in the same
    order (free line, negative unit price, missing customer, status not paid, unparsable
    date, unparsable quantity, unparsable amount, amount out of range, other currency, date
    before ``earliest``, date after ``as_of``, duplicated order line; a guest checkout
    without an email before the missing customer), the same counts,
    amounts and examples, the same notes and conservation check. Columns must be typed (a
    timestamp or date; a number; text, an integer or a whole float for the customer; text
    for a status or a currency), or text in a form Spark reads as clv does (ISO dates, plain
    numbers): anything else is refused with the column's name. Dates written otherwise as
    text (day first ``31/01/2024`` or ``31.01.2024 13:45``, month first, compact) are read
    by the readers' own parser on their distinct values (:func:`_text_dates`: the same
    decision of day or month first, the same days, notes and errors; ``date_format`` as the
    readers' option, ``dmy``, ``mdy`` or a strftime format), and integer dates as Unix
    seconds when they all are.

    The shapes of real exports, as the readers take them (see :class:`_Amounts` for each
    rule and where its Polars counterpart lives): line items (``quantity`` x unit ``price``),
    cancelled lines (a negative quantity, invoice numbers prefixed C), a blank amount on a
    line of an order with an amount elsewhere (a line item worth 0), a status column
    (``columns={"status": ...}`` or detected), a currency column (``currency_column``; the
    rows in another currency than ``currency``, default the most frequent, excluded;
    :attr:`SparkTransactions.currency`), a blank status or currency taken from the first
    line of its order that has one (Shopify writes them on an order's first line only),
    customer ids written as whole floats (``12346.0``, or text mixing ``12346`` and
    ``12346.0``) made integers, emails as ids compared without case, guest checkouts of a
    user-id column (WooCommerce's 'Customer User ID' 0) keyed by their email or excluded
    (:class:`_CustomerIds`), the amount refunded on a row (Stripe's ``amount_refunded``)
    deducted from its amount, amounts in the currency's minor unit (``preset="stripe_api"``,
    or detected: divided by 100, but in zero-decimal currencies, per row's currency) and
    dates written as Unix seconds (integers).

    With an order id, a refund that names the order of an earlier purchase of its customer is
    linked to it as the readers link it (``order_time``, the note ``refunds_linked``): the
    summary nets it against the order's period.

    ``paid_statuses`` and ``unpaid_statuses``: what a platform's order states mean, as the
    readers' options (the rows of a state not paid excluded; the note
    ``statuses_not_found``).

    ``keep``: the optional columns the frame carries when they are mapped (of ``order_id``,
    ``product``, ``channel``, ``quantity``, as the readers' ``keep``; the Spark frame has
    ``product`` and ``channel``); default all of them. A job that needs neither (a summary, a
    fit: ``keep=()``) neither trims nor caches them (some 6 s of 30 on 10M lines); the rows,
    exclusions, notes and sums are the same.

    ``excluded_rows=True``: :attr:`SparkTransactions.excluded_rows`, every excluded row as
    the readers list them (a Spark DataFrame; rows numbered from 1 in the order Spark reads
    the source, that of a single file's rows)."""
    F = _functions()
    from pyspark import StorageLevel

    from clv.data.mapping import resolve_mapping
    from clv.data.transactions import (
        MAX_AMOUNT,
        N_EXAMPLES,
        OPTIONAL,
        REPEAT_SAMPLE,
        _earliest,
        _statuses,
        order_totals_repeated,
    )
    from clv.prep.database import head_frame

    if duplicates not in ("auto", "drop", "keep"):
        raise ValueError("duplicates must be 'auto', 'drop' or 'keep'")
    kept_optional = OPTIONAL if keep is None else tuple(keep)
    unknown = [f for f in kept_optional if f not in OPTIONAL]
    if unknown:
        raise DataError(key="error_keep", values={"known": list(OPTIONAL), "value": unknown})
    bound = MAX_AMOUNT if max_amount is None else float(max_amount)
    if not 0 < bound < math.inf:
        raise ClvError(f"max_amount must be a positive number, not {max_amount!r}")
    floor = _earliest(earliest)
    statuses = _statuses(paid_statuses, unpaid_statuses)
    df = _source(source, spark)
    where = source if isinstance(source, str) else "Spark DataFrame"
    _check_zone(df, timezone)
    rows = df.limit(HEAD_ROWS).collect()
    head = head_frame(df.columns, rows)
    explicit = {"customer_id": customer, "timestamp": date, "amount": amount,
                "order_id": order_id, "quantity": quantity, "price": price,
                "currency": currency_column}
    explicit |= {k: v for k, v in (columns or {}).items() if v}
    mapping = resolve_mapping(head, explicit, preset, source=where)
    other = [f for f in mapping.columns if f not in HANDLED]
    if mapping.refund_total is not None:  # Shopify's refund scaled by its order's total
        other.append("refunded")
    if mapping.refund_flag is not None:  # a payment flagged refunded, no amount refunded
        raise ClvError(f"the Spark engine does not apply the rule of the refund flag "
                       f"'{mapping.refund_flag}' (a payment flagged refunded without an amount "
                       "refunded is wholly refunded): read this log with clv's readers "
                       "(without --engine spark)")
    if other or mapping.ledger:
        raise ClvError(f"the Spark engine does not apply the rules of the column(s) "
                       f"{', '.join(mapping.columns[f] for f in other) or 'of a ledger'}: "
                       "read this log with clv's readers (without --engine spark)")
    m = mapping.columns
    if order_totals_repeated(df.columns, m, lambda names: head_frame(names, df.select(
            *(F.col(f"`{c}`") for c in names)).limit(REPEAT_SAMPLE).collect())):
        raise ClvError(f"the Spark engine does not apply the rule of orders that write their "
                       f"total '{m['amount']}' again on each of their lines (same "
                       f"'{m['order_id']}'): read this log with clv's readers (without "
                       "--engine spark)")
    if statuses is not None and "status" not in m:
        raise DataError(key="error_statuses_no_column", source=where,
                        values={"columns": ", ".join(df.columns)})
    types = dict(df.dtypes)
    every = [F.col(f"`{c}`") for c in df.columns]  # the source's columns (identical rows)
    # the lines' order in the source: a customer's first line's channel, the outlier's row
    df = df.withColumn("_row", F.monotonically_increasing_id())
    # one pass over the source before the rules, in one aggregate over every partition at
    # once (a limit scans them a few at a time): whether an order has further lines without
    # a date, and whether a till's placeholder is among the ids. Folded in the validation's
    # pass for every log, the placeholders made that pass 60% slower at 1M lines and the
    # summary 4x the hand-written job at 10M (bench/README.md). The ids as written: the fold
    # drops what the engine's ids trim and lower-cases them (a column of numbers holds no
    # placeholder), and a further line's customer is another line's
    raw = m["customer_id"]
    looks = {"walk_in": _walk_in(F, F.col(f"`{raw}`")) if types[raw] == "string" else None,
             "undated": _undated_lines(F, m, types)}
    asked = {k: v for k, v in looks.items() if v is not None}
    seen = dict(zip(asked, first(df.agg(*(F.max(v.cast("int")) for v in asked.values())))
                    if asked else [], strict=True))
    fill_notes: list[Any] = []
    if seen.get("undated"):  # the readers' _order_lines_filled
        df, filled = _order_lines_filled(F, df, m, types)
        fill_notes = [filled] if filled is not None else []
    customers = _CustomerIds(F, df, mapping, types, head, where)
    cid = customers.ids
    # a till's placeholder: nobody's sale (the readers' _walk_ins); the guests' emails, when
    # taken for ids, looked at as the engine writes them, in a pass of their own
    walk_in = _walk_in(F, cid)
    tills = bool(seen.get("walk_in"))
    if any(getattr(n, "key", "") == "guest_emails" for n in customers.notes):
        tills = bool(first(df.agg(F.max(walk_in.cast("int"))))[0])
    if not tills:
        walk_in = F.lit(False)
    text = types[m["timestamp"]] == "string"
    stamp = None if text and date_format is not None else \
        _timestamp(F, df, m["timestamp"], types, head, where, timezone)
    date_notes: list[Any] = []
    if stamp is None:  # dates written as text: read by the readers' parser
        df, stamp, date_notes = _text_dates(F, df, m, head, timezone, where, date_format)
    ts = stamp
    made = _Amounts(F, df, m, types, head, where, mapping.line_items, currency,
                    mapping.minor_units, statuses)
    df, amt = made.frame, made.amount
    now = as_of or dt.datetime.now(ZoneInfo(timezone)).replace(tzinfo=None)
    drop_dup = duplicates == "drop" or (duplicates == "auto" and "order_id" in m)
    carried = []  # the order id (refunds linked to their order) and the channel, cleaned
    if "order_id" in m:
        carried.append(_text(F, m["order_id"], types).alias("_oid"))
    extras = [f for f in ("product", "channel") if f in m and f in kept_optional]
    carried += [_text(F, m[f], types).alias(f) for f in extras]
    carried.append(F.col("_row"))
    nan_or_null = amt.isNull() | F.isnan(amt)
    reasons: list[tuple[str, Column]] = [
        *made.before_customer, *customers.guest, (why.GUEST_CHECKOUT, walk_in),
        (why.MISSING_CUSTOMER, cid.isNull()),
        *made.status,
        (why.BAD_DATE, ts.isNull()), *made.quantity, (why.BAD_AMOUNT, nan_or_null),
        (why.AMOUNT_RANGE, F.abs(amt) > bound), *made.currency]
    if floor is not None:
        reasons.append((why.early_date(floor.date()), ts < F.lit(floor).cast("timestamp_ntz")))
    reasons.append((why.FUTURE_DATE, ts > F.lit(now).cast("timestamp_ntz")))
    # the first reason met (its index; null when none): every condition is evaluated, so
    # that Spark computes the expressions they share (the trimmed id, the amount) once per
    # row, where a chain of CASE WHEN recomputes them in each branch. A repeated row, the
    # last reason, is found once the rows are partitioned and cached (:func:`_repeats`)
    found = F.array_position(F.array(*(F.coalesce(c, F.lit(False)) for _, c in reasons)),
                             True)
    code = F.when(found > 0, (found - 1).cast("int"))
    duplicate = len(reasons) if drop_dup else None
    if drop_dup:
        reasons.append((why.DUPLICATE, F.lit(False)))
    # the mapped columns, and the email that keys a guest (as the readers show them)
    shown = list(dict.fromkeys([*(m[f] for f in ("customer_id", "timestamp", "amount",
                                                 "order_id", "quantity", "price", "status",
                                                 "cancelled", "currency") if f in m),
                                *customers.shown]))
    from clv.prep.database import listed_columns

    listing = listed_columns(m, customers.shown) if excluded_rows else []
    # the rows validated, sent once to their customer's partition and kept there in memory
    # (spilled to disk beyond it) for the passes of the identical rows, the report, the
    # links and the summary, which then group where the rows are (no shuffle of the rows
    # again). A row without a customer (excluded) is keyed by its hash, so that such rows
    # spread over the partitions and identical ones meet. The source's values shown as
    # examples (and the currency of a row excluded) only on the rows excluded, in one
    # column, null elsewhere: as a column each, their nulls made the shuffle's rows 40
    # bytes longer and the pass 2 s slower at 10M lines (bench/README.md). The flag of a
    # till's placeholder is shuffled only when the log has one
    df = df.withColumn("_h", F.xxhash64(*every))
    key = F.coalesce(cid, F.concat(F.lit(NO_CUSTOMER), F.col("_h").cast("string")))
    values = {f"_shown_{i}": made.shown.get(c, F.col(f"`{c}`")) for i, c in enumerate(shown)}
    values |= {f"_listed_{i}": F.col(f"`{c}`") for i, c in enumerate(listing)}
    packed = {**values, **({"_cur": made.cur} if made.cur is not None else {})}
    work = df.select(key.alias("customer_id"), ts.alias("timestamp"), amt.alias("amount"),
                     code.alias("_code"), made.cancel.alias("_cancel"),
                     made.line0.alias("_line0"), *([walk_in.alias("_walkin")] if tills else []),
                     "_h", *([F.when(code.isNotNull(), F.struct(
                         *(v.alias(n) for n, v in packed.items()))).alias("_packed")]
                             if packed else []),
                     *carried).repartition("customer_id").persist(StorageLevel.MEMORY_AND_DISK)
    work = work.select(*(c for c in work.columns if c != "_packed"),
                       *([] if tills else [F.lit(False).alias("_walkin")]),
                       *(F.col("_packed")[n].alias(n) for n in packed))
    work = _repeats(F, df, every, work, key, duplicate, values)
    rows_kept = work.filter(F.col("_code").isNull())
    kept = rows_kept.select("customer_id", "timestamp", "amount",
                            *(["product"] if "product" in extras else []),
                            *(["channel", "_row"] if "channel" in extras else []))
    linked, refund_links = (0, 0.0), None
    if "order_id" in m:
        plain = kept
        kept, linked, links = _link_refunds(F, rows_kept, kept)
        refund_links = None if links is None else (kept, plain, links)
    issues, blank_lines, positive, last, walk_ins = _issues(
        F, work, reasons, shown, where, drop_dup, N_EXAMPLES, bound, linked, made.how)
    notes = fill_notes + date_notes + customers.notes + list(made.notes)
    if blank_lines:  # the readers' note of the blank lines kept as line items
        notes.insert(len(fill_notes) + len(date_notes) + len(customers.notes),
                     Note("line_items", n=blank_lines))
    if walk_ins:  # the readers' note, after the customers' (their ids, their first three)
        found = [r[0] for r in work.filter(F.col("_walkin")).select("customer_id").distinct()
                 .orderBy("customer_id").limit(3).collect()]
        notes.insert(len(fill_notes) + len(date_notes) + len(customers.notes), Note(
            "walk_ins", n=walk_ins, column=m["customer_id"],
            example=", ".join(f"'{v}'" for v in found)))
    if mapping.line_items:  # the readers group the lines kept into orders (_orders)
        notes_at = next((i + 1 for i, n in enumerate(issues.notes)
                         if getattr(n, "key", "") == "refunds_linked"), 0)
        issues.notes.insert(notes_at, _line_item_orders(F, rows_kept, "order_id" in m))
    issues.mapping, issues.mapping_origin = dict(m), dict(mapping.origin)
    issues.notes = list(mapping.notes) + notes + issues.notes
    outlier = _outlier(F, work, rows_kept, positive)
    if outlier is not None:  # the readers' last note of the rows kept
        issues.notes.append(outlier)
    excluded = _excluded(F, work, [r for r, _ in reasons], listing) if excluded_rows \
        else None
    return SparkTransactions(kept, issues, mapping, timezone, made.target, excluded,
                             last_time=(kept, last), refund_links=refund_links)


def _excluded(F: Any, work: DataFrame, reasons: list[str], listing: list[str]) -> DataFrame:
    """Every excluded row of ``work`` as the readers list them
    (:func:`clv.prep.database.listed`): its number from 1 in the source's order (``_row``,
    Spark's increasing id: the partition in the upper 31 bits, the row within it in the
    lower 33; the rows of the partitions before it counted, on the driver), its reason's
    text, its amount (null when unparsed or NaN) and the ``listing`` columns as read."""
    from clv.data.transactions import _free_name

    part = F.shiftright(F.col("_row"), 33)
    offsets, at = [], 0
    for p, n in sorted(tuple(r) for r in work.groupBy(part.alias("_part")).count().collect()):
        offsets.append((int(p), at))
        at += int(n)
    table = work.sparkSession.createDataFrame(offsets, "_part long, _offset long")
    within = F.col("_row").bitwiseAND(F.lit((1 << 33) - 1))
    amount = F.col("amount")
    names = [_free_name(c, listing) for c in listing]
    rows: DataFrame = work.filter(F.col("_code").isNotNull()).withColumn("_part", part) \
        .join(F.broadcast(table), "_part") \
        .select((F.col("_offset") + within + 1).alias("row"),
                F.element_at(F.array(*(F.lit(r) for r in reasons)), F.col("_code") + 1)
                .alias("reason"),
                F.when(~F.isnan(amount), amount).alias("amount"),
                *(F.col(f"_listed_{i}").alias(n) for i, n in enumerate(names))) \
        .orderBy("row")
    return rows


def _outlier(F: Any, work: DataFrame, rows_kept: DataFrame,
             positive: tuple[float | None, float | None, int]) -> Note | None:
    """The readers' note ``outlier_amount`` (:func:`clv.data.transactions._outlier`), by its
    rule: among the n positive amounts kept (n > ``OUTLIER_MIN_ROWS``), the largest, ``top``
    (the first row with it in the source's order), when it is over ``OUTLIER_SHARE`` of their
    sum and over ``OUTLIER_FACTOR`` times ``typical``, the exact 99th percentile of the n - 1
    others with linear interpolation (as Polars' ``quantile(0.99, "linear")``: at position
    h = 0.99 (n - 2) of the others sorted, v[floor h] + (h - floor h) (v[ceil h] - v[floor h])).
    The note names the row's position in the source (1 + the rows read before it, in the
    order of ``_row``: a Parquet file's order) and its customer; ``ratio`` is
    round(top / typical), ``percent`` round(100 top / sum).

    ``positive``: the max, sum and count of the positive amounts kept, from the pass of the
    data report (:func:`_issues`); the rest only when the share is met (rare): the row, one
    count, and the two order statistics of the percentile found from the top, streaming
    the distinct amounts with their counts in decreasing order until position h is reached
    (some 1% of the amounts; Spark's ``percentile_approx`` is not the readers' figure)."""
    from clv.data.transactions import OUTLIER_FACTOR, OUTLIER_MIN_ROWS, OUTLIER_SHARE

    amount = F.col("amount")
    top, total, n = positive
    if n <= OUTLIER_MIN_ROWS or top is None or total is None or top <= OUTLIER_SHARE * total:
        return None
    amounts = rows_kept.filter(amount > 0).select("customer_id", "amount", "_row")
    hit = first(amounts.filter(amount == top).agg(F.min_by("customer_id", "_row"),
                                                  F.min("_row")))
    customer, at = hit[0], int(hit[1])
    typical = _quantile_from_top(amounts.filter(F.col("_row") != at), n - 1, 0.99)
    if top <= OUTLIER_FACTOR * typical:
        return None
    row = work.filter(F.col("_row") < at).count() + 1
    return Note("outlier_amount", row=row, amount=float(top), customer=customer,
                ratio=round(top / typical), typical=float(typical),
                percent=round(100 * top / total))


def _quantile_from_top(frame: DataFrame, n: int, q: float) -> float:
    """The ``q`` quantile of the ``n`` values of ``frame``'s ``amount`` with linear
    interpolation, exactly as Polars computes it (position h = q (n - 1) in the values sorted
    in increasing order, v[floor h] + (h - floor h) (v[ceil h] - v[floor h])), reading the
    distinct values with their counts from the largest down until position floor h."""
    F = _functions()
    h = (n - 1) * q
    low, high = math.floor(h), math.ceil(h)
    # positions counted from the top: the value at increasing position i is at n - 1 - i
    want = {n - 1 - high: 0.0, n - 1 - low: 0.0}
    seen = 0
    found: dict[int, float] = {}
    values = frame.groupBy("amount").count().orderBy(F.col("amount").desc())
    for value, count in values.toLocalIterator():
        seen += int(count)
        for at in want:
            if at not in found and at < seen:
                found[at] = float(value)
        if len(found) == len(want):
            break
    lower, upper = found[n - 1 - low], found[n - 1 - high]
    return lower if lower == upper else (h - low) * (upper - lower) + lower


LINKS_BROADCAST = 2_000_000
"""Refunds linked to their order up to this many are sent whole to each executor (else
joined by a shuffle), when the session does not let joins run where the rows are
(:data:`CO_PARTITION`)."""
CO_PARTITION = "spark.sql.requireAllClusterKeysForCoPartition"
"""Spark's setting that, false, lets a join on (customer, order) use the rows' partitioning
by customer: :func:`session` sets it false (Spark's default is true)."""


def _link_refunds(F: Any, rows: DataFrame, kept: DataFrame
                  ) -> tuple[DataFrame, tuple[int, float], DataFrame | None]:
    """``kept`` with ``order_time`` (the readers' rule, :mod:`clv.data.transactions`): a kept
    row with a negative amount whose order id (``_oid`` of ``rows``, cleaned as the readers
    compare it) is that of a kept row of the same customer with a positive amount at an
    earlier time is a refund of that order; its ``order_time`` is the first time of the
    order's positive rows, null on every other row. The column is added only when a refund is
    so linked; also the number of linked refunds and their amount, and the links (one row
    per customer, order and time of refunds linked: ``customer_id``, ``timestamp``,
    ``order_time``, ``_n``, ``_sum``; None when none is). Only the orders that a
    refund names are grouped; the refunds of one customer, order and time are counted and
    summed as they are grouped, so that one pass over the links gives the note's figures.

    ``rows`` are partitioned by customer (:func:`read_transactions`). When the session lets a
    join use a partitioning on part of its keys (:data:`CO_PARTITION` false, as
    :func:`session` sets it), the orders and the links are joined where the rows are, with a
    hash table of each partition's refunds (no row shuffled, nothing sent through the
    driver); else the orders named, and the links, are sent to each executor when they are
    not too many (:data:`LINKS_BROADCAST`)."""
    amount, oid, ts = F.col("amount"), F.col("_oid"), F.col("timestamp")
    local = str(rows.sparkSession.conf.get(CO_PARTITION, "true")).strip().lower() == "false"
    refunds = rows.filter((amount < 0) & oid.isNotNull()).groupBy(
        "customer_id", "_oid", "timestamp").agg(F.count(F.lit(1)).alias("_n"),
                                                F.sum(amount).alias("_sum"))
    n_refunds = 0  # counted only to choose how the orders are joined (not where they are)
    if not local:
        refunds = refunds.persist()
        n_refunds = refunds.count()
        if n_refunds == 0:
            refunds.unpersist()
            return kept, (0, 0.0), None
    # the orders named, with their customer, met where the rows are, else sent to each
    # executor when they are not too many: the purchases are filtered where they are read
    # (only those of an order a refund of the same customer names go on), never shuffled
    # whole to meet them
    named = refunds.select("customer_id", "_oid").distinct()

    def small(frame: DataFrame, n: int) -> DataFrame:  # the side joined to many rows
        hinted: DataFrame = frame.hint("shuffle_hash") if local else \
            F.broadcast(frame) if n <= LINKS_BROADCAST else frame
        return hinted

    orders = rows.filter(amount > 0).join(small(named, n_refunds), ["customer_id", "_oid"],
                                          "left_semi") \
        .groupBy("customer_id", "_oid").agg(F.min(ts).alias("order_time"))
    links = refunds.join(orders.hint("shuffle_hash") if local else orders,
                         ["customer_id", "_oid"]) \
        .filter(F.col("order_time") < ts).persist()
    n_links, n, total = first(links.agg(F.count(F.lit(1)), F.sum("_n"), F.sum("_sum")))
    if not local:  # persisted above, to be counted
        refunds.unpersist()
    if n_links == 0:
        links.unpersist()
        return kept, (0, 0.0), None
    on = ["customer_id", "_oid", "timestamp"]
    joined = rows.join(small(links.select(*on, "order_time"), n_links), on, "left")
    frame = joined.select(*kept.columns,
                          F.when(amount < 0, F.col("order_time")).alias("order_time"))
    return frame, (int(n), float(total or 0.0)), \
        links.select("customer_id", "timestamp", "order_time", "_n", "_sum")


def _text(F: Any, column: str, types: dict[str, str]) -> Column:
    """A column of ids or labels as the readers compare them: text trimmed, a blank as null;
    numbers, dates and booleans as themselves."""
    col: Column = F.col(f"`{column}`")
    if types[column] == "string":
        col = F.nullif(_strip(F, col), F.lit(""))  # the trimmed text computed once
    return col


MAX_STATUSES = 10_000
"""Distinct values of a status column brought to the driver to be classified (paid or not)
by the readers' rule (as :data:`clv.prep.database.MAX_STATUSES`); a column with more is
refused."""
NUMBERS = ("double", "float", "int", "bigint", "smallint", "tinyint")


class _Amounts:
    """Each row's amount and the reasons and notes that come with how it is made, as
    :func:`clv.data.read_transactions` makes them (``src/clv/data/transactions.py``, its
    ``_validate``; the database's counterpart is :class:`clv.prep.database._Amounts`):

    - line items (a quantity and a unit price, no amount): quantity x price; a free line
      (price 0) and a negative price are excluded before the customer is looked at, an
      unreadable quantity (null, NaN or infinite) after the date;
    - cancelled lines (the readers' ``_cancellations``): a negative quantity (beside an
      amount, or of a line item), or an invoice number prefixed C among mostly numeric
      invoice numbers (:func:`_cancelled_ids`); their amounts made refunds (-|amount|);
    - a blank amount on a line of an order that has an amount on another line is a line item
      worth 0 (Shopify writes the order's total on its first line only): ``line0``;
    - a status: the statuses that are not revenue (:func:`clv.data.transactions.unpaid`,
      or the user's ``statuses``' rule, applied on the driver to the column's distinct
      values, the note ``statuses_not_found`` naming those said that never occur) excluded
      after the customer;
    - a cancellation (the field ``cancelled``, Shopify's 'Cancelled at'; the readers'
      ``_cancellation``): a row with one is not paid, whatever its status says, under the
      status's reason;
    - with an order id, a line whose status, cancellation or currency is blank takes its
      order's (the first line of the order that has one: :meth:`_from_order`), before the
      exclusions, so that the lines of an order not paid, cancelled or in another currency
      are excluded with it;
    - a currency column: the rows in another currency than ``currency`` (default: the most
      frequent one written, the note ``currencies`` when there are several) excluded after
      the amount's range (``target``: the currency kept).

    ``frame`` is the source with the column ``_line0`` when blank lines are looked for (and
    the orders' statuses and currencies when blanks take them); ``shown`` the values the
    examples show instead of the source's (the status as its order's, as the readers);
    ``notes`` the notes of the reading (currencies); ``how`` says how cancelled lines are
    found (the note ``cancellations``)."""

    def __init__(self, F: Any, df: DataFrame, m: dict[str, str], types: dict[str, str],
                 head: pl.DataFrame, where: str, line_items: bool, currency: str | None,
                 minor_units: bool = False, statuses: Statuses | None = None) -> None:
        from clv.data.transactions import unpaid

        self.frame = df
        self.notes: list[Any] = []
        self.before_customer: list[tuple[str, Column]] = []
        self.status: list[tuple[str, Column]] = []
        self.quantity: list[tuple[str, Column]] = []
        self.currency: list[tuple[str, Column]] = []
        self.cur: Column | None = None  # the row's currency, when rows in others are excluded
        self.line0: Column = F.lit(False)
        qty = _amount(F, df, m["quantity"], types, head, where, "quantities") if "quantity" in m \
            else None
        if line_items:
            assert qty is not None
            price = _amount(F, df, m["price"], types, head, where, "price")
            amount = qty * price
            self.before_customer = [(why.FREE_LINE, price == 0),
                                    (why.NEGATIVE_PRICE, price < 0)]
            self.quantity = [(why.BAD_QUANTITY, qty.isNull() | F.isnan(qty)
                              | (F.abs(qty) == F.lit(math.inf)))]
        else:
            amount = _amount(F, df, m["amount"], types, head, where)
            if minor_units or "refunded" in m:
                amount = self._net_refunds(F, m, types, head, where, amount, minor_units)
            if "order_id" in m:
                self._blank_lines(F, m, types, amount)
        flags: dict[str, Column] = {}
        if "order_id" in m:
            invoices = _cancelled_ids(F, df, m["order_id"], types)
            if invoices is not None:
                flags["order id prefixed 'C'"] = invoices
        if qty is not None:
            flags["negative quantity"] = F.coalesce(qty < 0, F.lit(False))
        self.cancel: Column = F.lit(False)
        for flag in flags.values():
            self.cancel = self.cancel | flag
        self.how = " or ".join(flags) or "negative quantity"
        if flags:
            amount = F.when(self.cancel, -F.abs(amount)).otherwise(amount)
        self.amount: Column = F.when(self.line0, F.lit(0.0)).otherwise(amount)
        # a blank status or currency is its order's (the first line of the order that has
        # one), as the readers' _order_values takes it, before the exclusions
        oid = _text(F, m["order_id"], types) if "order_id" in m else None
        self.shown: dict[str, Column] = {}  # the values an example shows, when not the source's
        if "status" in m:
            column = m["status"]
            if types[column] != "string":
                raise DataError(f"is {types[column]}; the Spark engine takes a status as text "
                                "(cast the column to text, or read the log without --engine "
                                "spark)", source=where, column=column)
            status = _text(F, column, types)  # trimmed: unpaid() trims the same way
            values = [r[0] for r in self.frame.select(status.alias("s")).distinct()
                      .limit(MAX_STATUSES + 2).collect()]
            blank = None in values
            values = [v for v in values if v is not None]
            if len(values) > MAX_STATUSES:
                raise DataError(f"has more than {MAX_STATUSES:,} distinct statuses, which the "
                                "Spark engine classifies one by one on the driver: map the "
                                "statuses to fewer values, or read the log without --engine "
                                "spark", source=where, column=column)
            if blank and oid is not None:
                filled = self._from_order(F, oid, status, "_order_status")
                if filled is not None:  # the readers show the status so written
                    status = self.shown[column] = filled
            written = pl.Series(column, values, dtype=pl.String).to_frame()
            rule = unpaid(pl.col(column))
            if statuses is not None:  # the user's paid and not paid states
                rule = statuses.rule(rule, pl.col(column))
                self.notes += statuses.absent(written, column)
            found = written.filter(rule.fill_null(False))[column].to_list()
            if found:
                self.status = [(why.STATUS_NOT_PAID, F.coalesce(status.isin(found),
                                                                F.lit(False)))]
        if "cancelled" in m:  # an order cancelled is not paid, whatever its status says
            column = m["cancelled"]
            cancelled = _text(F, column, types)  # trimmed, a blank as null, a date as itself
            if oid is not None:
                filled = self._from_order(F, oid, cancelled, "_order_cancelled", few=True)
                if filled is not None:  # the readers show the cancellation so written
                    cancelled = self.shown[column] = filled
            is_cancelled = cancelled.isNotNull()
            for _, not_paid in self.status:
                is_cancelled = not_paid | is_cancelled
            self.status = [(why.STATUS_NOT_PAID, is_cancelled)]
        self.target = currency.upper() if currency else None
        if "currency" in m:
            column = m["currency"]
            if types[column] != "string":
                raise DataError(f"is {types[column]}; the Spark engine takes currencies as text "
                                "(ISO codes such as EUR)", source=where, column=column)
            cur = F.upper(_text(F, column, types))

            def counted(c: Column, blanks: bool) -> list[Any]:
                # the two most frequent currencies (after the blank, first, with ``blanks``)
                rows = self.frame.select(c.alias("c"))
                if not blanks:
                    rows = rows.where(F.col("c").isNotNull())
                return rows.groupBy("c").count().orderBy(
                    F.col("c").isNotNull(), F.col("count").desc(), F.col("c")) \
                    .limit(3 if blanks else 2).collect()

            top = counted(cur, oid is not None)
            if top and top[0][0] is None:
                top = top[1:]
                if top and oid is not None:  # blanks and currencies: blanks take the order's
                    filled = self._from_order(F, oid, cur, "_order_currency")
                    if filled is not None:
                        cur = filled
                        top = counted(cur, False) if self.target is None else top
            if self.target is None and top:
                self.target = str(top[0][0])
                if len(top) > 1:
                    self.notes.append(Note("currencies", currency=self.target))
            if self.target is not None:
                self.currency = [(why.OTHER_CURRENCY, cur.isNotNull()
                                  & (cur != F.lit(self.target)))]
                self.cur = cur

    def _net_refunds(self, F: Any, m: dict[str, str], types: dict[str, str],
                     head: pl.DataFrame, where: str, amount: Column, minor_units: bool
                     ) -> Column:
        """The amount in units less the amount refunded on its row, as the readers'
        ``_minor_units`` and ``_net_of_refunds`` make it: with ``minor_units`` (Stripe's API)
        both divided by the row's divisor (:func:`clv.prep.database.minor_unit`: 100, 1 in a
        zero-decimal currency of the row's currency column; the note ``minor_units``); a
        refund that is blank counts 0 (the note ``refunded_netted`` counts the rows with a
        refund and an amount)."""
        from clv.prep.database import MINOR, ZERO_DECIMAL_CODES

        units: Column = F.lit(MINOR)
        if minor_units:
            if "currency" in m:
                code = F.upper(_text(F, m["currency"], types).cast("string"))
                units = F.when(code.isin(ZERO_DECIMAL_CODES), F.lit(1.0)).otherwise(units)
            amount = amount / units
            self.notes.append(Note("minor_units", column=m["amount"],
                                   refunded=m.get("refunded", "-")))
        if "refunded" not in m:
            return amount
        refunded = F.coalesce(_amount(F, self.frame, m["refunded"], types, head, where, "refunds"),
                              F.lit(0.0))
        if minor_units:
            refunded = refunded / units
        partial = (refunded != 0) & amount.isNotNull()
        n, total = first(self.frame.agg(F.sum(partial.cast("long")),
                                        F.sum(F.when(partial, refunded))))
        if n:
            self.notes.append(Note("refunded_netted", n=int(n), column=m["refunded"],
                                   total=float(total)))
        netted: Column = amount - refunded
        return netted

    def _from_order(self, F: Any, oid: Column, value: Column, name: str,
                    few: bool = False) -> Column | None:
        """``value`` where it is not null, else that of its order: the value of the first
        line (in the source's order, ``_row``) of the same order id that has one, as the
        readers' ``_order_values`` (Shopify writes an order's financial status, cancellation
        and currency on its first line only); None when no order with a blank has a value
        elsewhere. Only the orders of lines with a blank are grouped, or with ``few`` (a
        cancellation, blank on most lines) the orders of the lines with a value; ``frame``
        gets their values in the column ``name``."""
        df = self.frame.withColumn("_fill_oid", oid)
        key = F.col("_fill_oid")
        known = df.filter(value.isNotNull() & key.isNotNull())
        if not few:
            blanks = df.filter(value.isNull() & key.isNotNull()).select("_fill_oid").distinct()
            known = known.join(blanks, "_fill_oid", "left_semi")
        known = known.groupBy("_fill_oid").agg(F.min_by(value, F.col("_row")).alias(name))
        if not known.limit(1).collect():
            return None
        self.frame = df.join(known, "_fill_oid", "left").drop("_fill_oid")
        filled: Column = F.coalesce(value, F.col(name))
        return filled

    def _blank_lines(self, F: Any, m: dict[str, str], types: dict[str, str],
                     amount: Column) -> None:
        """``line0``: a blank amount (null, or blank text) on a line whose order id is that
        of a line with an amount (the readers' rule, in ``_validate``: Shopify writes an
        order's total on its first line only). Looked for only when some amount is blank (one
        count); the orders with an amount are joined to the lines."""
        raw = F.col(f"`{m['amount']}`")
        blank = _text(F, m["amount"], types).isNull() if types[m["amount"]] == "string" \
            else raw.isNull()
        # counted in one job over every split (a limit runs one job on a split first, then
        # more); a typed amount's null is looked for in Parquet's statistics of each row group
        if not first(self.frame.filter(blank).agg(F.count(F.lit(1))))[0]:
            return
        oid = _text(F, m["order_id"], types)
        df = self.frame.withColumn("_blank_oid", F.when(blank, oid))
        blanks = df.filter(F.col("_blank_oid").isNotNull()).select("_blank_oid").distinct()
        paid = df.filter(amount.isNotNull() & oid.isNotNull()) \
            .select(oid.alias("_blank_oid")).distinct() \
            .join(blanks, "_blank_oid", "left_semi").withColumn("_line0", F.lit(True))
        self.frame = df.join(paid, "_blank_oid", "left").drop("_blank_oid")
        self.line0 = F.coalesce(F.col("_line0"), F.lit(False))


def _cancelled_ids(F: Any, df: DataFrame, column: str, types: dict[str, str]
                   ) -> Column | None:
    """The condition of a cancelled invoice, as the readers' ``_cancellations``
    (``src/clv/data/transactions.py``) finds them: text order ids of which some are a number
    prefixed C (``C536379``) while at least half of the ids are plain numbers; None when the
    ids are not so (numbers have no C)."""
    if types[column] != "string":
        return None
    col = F.col(f"`{column}`")
    if not df.filter(col.contains("C") | col.contains("c")).limit(1).collect():
        return None  # most logs have no C at all: a pass that stops at the first
    text = _strip(F, col)
    prefixed = text.rlike(r"^[Cc]\d+$")
    digits, found = first(df.agg(F.avg(text.rlike(r"^\d+$").cast("double")),
                                 F.max(prefixed.cast("int"))))
    if found and float(digits or 0) >= 0.5:
        flag: Column = F.coalesce(prefixed, F.lit(False))
        return flag
    return None


def _line_item_orders(F: Any, rows_kept: DataFrame, by_id: bool) -> Note:
    """The readers' note of the orders the line items kept make (``_orders``): by order id,
    else by customer and time to the second."""
    key = F.col("_oid") if by_id else F.date_trunc("second", F.col("timestamp"))
    lines, orders = rows_kept.count(), rows_kept.select("customer_id", key.alias("_k")) \
        .distinct().count()
    return Note("line_item_orders", lines=int(lines), orders=int(orders),
                by="by order id" if by_id else "by customer and time")


SHARED_HASHES = 100_000
"""Up to this many hashes shared by several rows (usually none) are brought to the driver
once and sent to each executor; beyond, the rows are compared by a join on the hashes."""


NO_CUSTOMER = "\u0000"
"""The partition key of a row without a customer (excluded) is this character followed by the
row's hash: such rows spread over the partitions, and identical ones share a key. A real id
that began with it would only share a partition with them: the key is not the customer of
any row kept."""


def _repeats(F: Any, df: DataFrame, every: list[Column], work: DataFrame, key: Column,
             duplicate: int | None, values: dict[str, Column]) -> DataFrame:
    """``work`` (the validated rows, partitioned by ``customer_id`` and cached, with ``_h``,
    the 64-bit hash of every column of the source ``df``) with ``_rep`` true on each row
    that repeats an earlier identical row of the source (every column equal, nulls equal to
    nulls; earlier in the source's order, ``_row``), as the readers' identical-row check;
    with ``duplicate`` (the index of the reason), such a row not excluded otherwise is
    excluded for it (``_code``), with the values its examples show (``values``, computed on
    the source as ``_shown_*`` and ``_listed_*`` are).

    Identical rows have one customer key (``key``), so the hashes shared by several rows
    are found where the rows are, in one pass over the cache that shuffles nothing
    (usually none is shared). Only the rows of the source with a shared hash are then read
    again and compared column by column (a window over them alone); the repeats are joined
    to ``work`` by customer and row, which keeps its partitioning."""
    from pyspark.sql import Window

    # (customer, hash) pairs of several rows, counted where the rows are; their hashes are
    # made distinct only when brought to the driver, or by the join below
    shared = work.groupBy("customer_id", "_h").count().filter(F.col("count") > 1) \
        .select("_h").persist()
    n_shared = first(shared.agg(F.count(F.lit(1))))[0]
    if n_shared == 0:
        shared.unpersist()
        return work.withColumn("_rep", F.lit(False))
    hashes = shared.distinct()
    if n_shared <= SHARED_HASHES:
        hashes = df.sparkSession.createDataFrame(sorted({(r[0],) for r in shared.collect()}),
                                                 "_h long")
        hashes = F.broadcast(hashes)
    number = F.row_number().over(Window.partitionBy("_h", *every).orderBy("_row"))
    twins = df.join(hashes, "_h", "left_semi").withColumn("_n", number) \
        .filter(F.col("_n") > 1) \
        .select(key.alias("customer_id"), "_row", F.lit(True).alias("_rep"),
                *(v.alias(f"_rep{n}") for n, v in values.items())).persist()
    n_twins = first(twins.agg(F.count(F.lit(1))))[0]
    shared.unpersist()
    marked = work.join(F.broadcast(twins) if n_twins <= LINKS_BROADCAST else twins,
                       ["customer_id", "_row"], "left")
    rep = F.coalesce(F.col("_rep"), F.lit(False))
    if duplicate is None:
        return marked.select(*work.columns, rep.alias("_rep"))
    code = F.col("_code")
    out = marked.select(
        *(c for c in work.columns if c != "_code" and c not in values),
        F.coalesce(code, F.when(rep, F.lit(duplicate))).alias("_code"),
        *(F.when(code.isNotNull(), F.col(n)).otherwise(F.col(f"_rep{n}")).alias(n)
          for n in values),
        rep.alias("_rep"))
    return out


def _undated_lines(F: Any, m: dict[str, str], types: dict[str, str]) -> Column | None:
    """True on a line without a date that names its order (None when the log has no order
    id): the lines :func:`_order_lines_filled` may fill."""
    if "order_id" not in m:
        return None
    undated: Column = _text(F, m["timestamp"], types).isNull() \
        & _text(F, m["order_id"], types).isNotNull()
    return undated


def _order_lines_filled(F: Any, df: DataFrame, m: dict[str, str], types: dict[str, str]
                        ) -> tuple[DataFrame, Note | None]:
    """The readers' rule of an order's further lines
    (:func:`clv.data.transactions._order_lines_filled`): a line without a date, of an order
    whose date is on another line, takes its date and its customer from the order's lines
    before it in the source's order (the last one written, trimmed; Squarespace writes the
    order's columns on its first line only), said in the note ``order_lines_filled``; None
    when no such order has a dated line. Only the lines of the orders with an undated line
    are grouped by order (a window over them, in the order of ``_row``); their values are
    joined back to the source by ``_row``, sent to each executor when few."""
    from pyspark.sql import Window

    ts, oid = _text(F, m["timestamp"], types), _text(F, m["order_id"], types)
    orders = df.filter(ts.isNull() & oid.isNotNull()).select(oid.alias("_o")).distinct()
    dated = df.filter(ts.isNotNull()).select(oid.alias("_o")) \
        .join(orders, "_o", "left_semi").distinct()
    fills = list(dict.fromkeys((m["timestamp"], m["customer_id"])))
    before = Window.partitionBy("_o").orderBy("_row") \
        .rowsBetween(Window.unboundedPreceding, Window.currentRow)
    lines = df.select(oid.alias("_o"), "_row", ts.isNull().alias("_undated"),
                      *(_text(F, c, types).alias(f"_fill{i}") for i, c in enumerate(fills))) \
        .join(dated, "_o", "left_semi") \
        .select("_row", "_undated", *(F.last(f"_fill{i}", ignorenulls=True).over(before)
                                      .alias(f"_fill{i}") for i in range(len(fills)))) \
        .filter(F.col("_undated")).select("_row", F.lit(True).alias("_line"),
                                          *(f"_fill{i}" for i in range(len(fills)))).persist()
    n = lines.count()
    if n == 0:
        lines.unpersist()
        return df, None
    joined = df.join(F.broadcast(lines) if n <= LINKS_BROADCAST else lines, "_row", "left")
    line = F.col("_line").isNotNull()  # such a line takes the value before it, even none
    out = joined.select(*(F.when(line, F.col(f"_fill{fills.index(c)}"))
                          .otherwise(F.col(f"`{c}`")).alias(c) if c in fills
                          else F.col(f"`{c}`") for c in df.columns))
    return out, Note("order_lines_filled", n=n, column=m["timestamp"], order=m["order_id"])


def _walk_in(F: Any, ids: Column) -> Column:
    """True where the customer id is a till's placeholder for an anonymous sale
    (:data:`clv.data.mapping.WALK_IN_IDS`: 'WALKIN', 'Walk-in Customer', 'Client de passage'
    ...), compared as the readers' :func:`clv.data.transactions._walk_ins` compares them:
    lower case, accents off (:data:`clv.data.mapping.ACCENTED`), only a to z and 0 to 9
    kept; an id with a digit is none (the placeholders are words) and is not folded. Every
    row is looked at, as the readers look at every id of a log of up to 100,000 rows
    (beyond, they look at a sample of the ids and at every row for the usual spellings, so
    that a placeholder spelled otherwise and rare in a large log may be found here and not
    there). Ids beyond Latin letters with accents (a ligature, a full-width letter) are
    folded otherwise than by Unicode's decomposition."""
    from clv.data.mapping import ACCENTED, UNACCENTED, WALK_IN_IDS

    folded = F.regexp_replace(F.translate(F.lower(ids), ACCENTED, UNACCENTED), "[^a-z0-9]", "")
    found: Column = F.when(~ids.rlike("[0-9]"), folded.isin(sorted(WALK_IN_IDS))) \
        .otherwise(F.lit(False))
    return F.coalesce(found, F.lit(False))


def _check_zone(df: DataFrame, timezone: str) -> None:
    """Timestamps with a zone are read in the session's zone: it must be ``timezone``."""
    zone = df.sparkSession.conf.get("spark.sql.session.timeZone")
    if any(t == "timestamp" for _, t in df.dtypes) and zone != timezone:
        raise ClvError(f"the Spark session's time zone is {zone}, not {timezone}: set "
                       f"spark.sql.session.timeZone to {timezone} (clv.spark.session does)")


class _CustomerIds(CustomerIdRules):
    """The readers' rules of customer ids (:class:`clv.prep.database.CustomerIdRules`,
    shared with the database's engine) in Spark's expressions: ``ids`` as :func:`_customer`
    writes them, the guests of a user-id column keyed by their email or excluded."""

    def __init__(self, F: Any, df: DataFrame, mapping: Mapping, types: dict[str, str],
                 head: pl.DataFrame, where: str) -> None:
        self.F, self.df, self.types, self.head, self.where = F, df, types, head, where
        super().__init__(mapping)

    def _written(self, column: str) -> tuple[Column, int]:
        return _customer(self.F, self.df, column, self.types, self.head, self.where)

    def _zero(self, ids: Column) -> Column:
        from clv.data.transactions import GUEST_ID

        zero: Column = self.F.coalesce(ids == self.F.lit(GUEST_ID), self.F.lit(False))
        return zero

    def _guest_email(self, column: str) -> Column:
        if self.types[column] != "string":
            raise DataError(f"is {self.types[column]}; the Spark engine takes the email of a "
                            "guest checkout as text", source=self.where, column=column)
        email: Column = self.F.lower(_text(self.F, column, self.types))
        return email

    def _is_null(self, value: Column) -> Column:
        return value.isNull()

    def _count(self, condition: Column, column: str) -> int:
        return int(first(self.df.agg(self.F.sum(condition.cast("long"))))[0] or 0)

    def _choose(self, condition: Column, then: Column, otherwise: Column) -> Column:
        chosen: Column = self.F.when(condition, then).otherwise(otherwise)
        return chosen


def email_head(F: Any, df: DataFrame, column: str, head: pl.DataFrame) -> bool:
    """True when ``column`` (text) is a column of emails by the readers' rule
    (:func:`clv.data.ids.clean_ids_merged`: :data:`~clv.data.ids.EMAIL_SHARE` of its first
    :data:`~clv.data.ids.HEAD_ROWS` ids, trimmed and not blank, are emails), decided by
    :func:`clv.prep.database.email_ids` on those ids (fetched when ``head`` has fewer and
    does not decide)."""
    from clv.data import ids
    from clv.prep.database import email_ids

    def more() -> list[Any]:
        return [r[0] for r in df.select(F.col(f"`{column}`")).limit(ids.HEAD_ROWS).collect()]

    # the first rows are all the rows when they are fewer than asked for
    return email_ids(head[column].to_list(), more if head.height == HEAD_ROWS else None)


def _customer(F: Any, df: DataFrame, column: str, types: dict[str, str], head: pl.DataFrame,
              where: str) -> tuple[Column, int]:
    """The customer id as text, as :func:`clv.data.ids.clean_ids_merged` writes it, and the
    number of distinct ids that lower-casing emails merged into others: an integer as
    itself; text trimmed, a blank as null, and when every id is an integer written as one
    or with a fraction of zeros (``12346`` and ``12346.0``: :data:`clv.data.ids.INTEGRAL`)
    without the fraction; a column of emails (:func:`email_head`) lower-cased (Spark's
    ``lower``, Java's lower case of the default locale where the readers take Rust's
    locale-free one: the same for any email but in a Turkish or Lithuanian locale); a column
    of floats (or decimals) whose values are all whole (below 2^53) as integers, NaN as
    null. Floats with a fraction (or infinite) are refused: Spark writes them as text
    otherwise than Polars does."""
    from clv.data import ids

    kind = types[column]
    col: Column = F.col(f"`{column}`")
    if kind in ("int", "bigint", "smallint", "tinyint"):
        return col.cast("string"), 0
    if kind == "string":
        text = _text(F, column, types)
        # the first ids decide whether the whole column is worth checking (as clean_ids);
        # (?U): Java's \d and \s as the readers' (Unicode digits and white space)
        firsts = pl.Series([_stripped(v) for v in head[column].drop_nulls().to_list()
                            if _stripped(v)], dtype=pl.String)
        if bool(firsts.str.contains(ids.INTEGRAL).all()):
            n, integral, pointed = first(df.agg(
                F.count(text), F.sum(text.rlike("(?U)" + ids.INTEGRAL).cast("long")),
                F.max(text.contains(".").cast("int"))))
            if n and n == integral and pointed:
                written: Column = F.regexp_replace(text, r"\.0+$", "")
                return written, 0
        if email_head(F, df, column, head):
            lower: Column = F.lower(text)
            n_ids, n_lower = first(df.agg(F.countDistinct(text), F.countDistinct(lower)))
            return lower, int(n_ids) - int(n_lower)
        return text, 0
    if kind in ("double", "float") or kind.startswith("decimal"):
        number = col.cast("double")
        finite = number.isNotNull() & ~F.isnan(number)
        fractions, finites, nans = first(df.agg(
            F.max((finite & ((F.abs(number) >= F.lit(2.0**53))
                             | (number != F.floor(number).cast("double")))).cast("int")),
            F.max(finite.cast("int")), F.max(F.isnan(number).cast("int"))))
        # Polars writes such ids as text ('12.5', 'NaN' when no id is a number), Spark
        # otherwise ('1.0E20'): refused rather than read as other customers
        if fractions or (nans and not finites):
            raise DataError(f"is {kind} with customer ids that are not whole numbers; the "
                            "Spark engine takes customer ids as text, integers or whole "
                            "floats (cast the column to text, or read the log without "
                            "--engine spark)", source=where, column=column)
        whole: Column = F.when(~F.isnan(number), number.cast("bigint").cast("string"))
        return whole, 0
    raise DataError(f"is {kind}; the Spark engine takes customer ids as text, integers or "
                    "whole floats", source=where, column=column)


def _timestamp(F: Any, df: DataFrame, column: str, types: dict[str, str],
               head: pl.DataFrame, where: str, timezone: str = "UTC") -> Column | None:
    """The time of a row as a timestamp without zone: typed timestamps and dates; text of
    ISO dates (the first rows tell); integers that are all Unix seconds
    (:data:`clv.prep.database.EPOCH_SECONDS`: the readers' ``epoch`` family then reads every
    value), in ``timezone``; None for other text, read by the readers' parser
    (:func:`_text_dates`)."""
    from clv.prep.database import EPOCH_SECONDS

    kind = types[column]
    col: Column = F.col(f"`{column}`")
    if kind in ("timestamp_ntz", "timestamp", "date"):
        return col.cast("timestamp_ntz")
    if kind in ("int", "bigint", "smallint", "tinyint"):
        low, high = EPOCH_SECONDS
        outside = first(df.agg(F.max((col.isNotNull() & ((col < low) | (col >= high)))
                                     .cast("int"))))[0]
        if not outside:
            zone = df.sparkSession.conf.get("spark.sql.session.timeZone")
            if zone != timezone:
                raise ClvError(f"the Spark session's time zone is {zone}, not {timezone}: "
                               f"set spark.sql.session.timeZone to {timezone} "
                               "(clv.spark.session does)")
            seconds: Column = F.timestamp_seconds(col).cast("timestamp_ntz")
            return seconds
        raise DataError(f"is {kind} with values that are not Unix seconds (dates from 1973 "
                        "to 2286 written as 9 or 10 digits); type the column as a timestamp "
                        "or read the log without --engine spark", source=where, column=column)
    if kind == "string":
        values = [_stripped(v) for v in head[column].drop_nulls().to_list() if _stripped(v)]
        if all(ISO_DATE.match(v) for v in values):
            # try_cast: a blank or malformed value is a null (an unparsable date, excluded as
            # the readers exclude it), where to_timestamp_ntz fails the job under ANSI mode
            parsed: Column = F.regexp_replace(_strip(F, col), "T", " ").try_cast("timestamp_ntz")
            return parsed
        return None
    raise DataError(f"is {kind}; the Spark engine takes dates as timestamps, dates, text or "
                    "integers of Unix seconds", source=where, column=column)


def _text_dates(F: Any, df: DataFrame, m: dict[str, str], head: pl.DataFrame,
                timezone: str, where: str, date_format: str | None = None
                ) -> tuple[DataFrame, Column, list[Any]]:
    """Dates written as text (day first ``31/01/2024``, ``31.01.2024 13:45``, month first,
    compact ...) read as the readers read them: the column's distinct values, trimmed, in
    the order they first appear (``_row``), at most
    :data:`clv.prep.database.MAX_TEXT_DATES`, brought to the driver and parsed by the
    readers' own parser (:func:`clv.prep.database.text_dates`: the same decision of day or
    month first, the same days, notes and errors, such as ambiguous dates), then joined to
    the rows (broadcast). Returns the rows with the column ``_date_ts``, that column, and
    the notes of the dates. A column of more distinct values is refused, naming it."""
    from clv.prep.database import MAX_TEXT_DATES, text_dates

    column = m["timestamp"]
    text = _strip(F, F.col(f"`{column}`"))
    values = [r[0] for r in df.select(text.alias("_date_text"), "_row")
              .where(F.col("_date_text") != "")
              .groupBy("_date_text").agg(F.min("_row").alias("_first"))
              .orderBy("_first").limit(MAX_TEXT_DATES + 1).collect()]
    if len(values) > MAX_TEXT_DATES:
        raise DataError(f"has more than {MAX_TEXT_DATES:,} distinct dates written as text, "
                        "which the Spark engine reads one by one with clv's parser on the "
                        "driver: type the column as a timestamp, or read the log without "
                        "--engine spark", source=where, column=column)
    lookup, notes = text_dates(values, head, m, timezone, where, date_format)
    table = df.sparkSession.createDataFrame(
        lookup.rows(), "_date_text string, _date_ts timestamp_ntz")
    joined = df.join(F.broadcast(table), text == F.col("_date_text"), "left") \
        .drop("_date_text")
    return joined, F.col("_date_ts"), notes


ODD_NUMBERS = 1_000
"""Distinct values of a column of numbers written as text that are not plain numbers
(blank aside) brought to the driver to be read by the readers' parser; a column with more is
refused."""


def _amount(F: Any, df: DataFrame, column: str, types: dict[str, str], head: pl.DataFrame,
            where: str, what: str = "amounts") -> Column:
    """A column of numbers (amounts, quantities, unit prices) as doubles: typed numbers, or
    text of plain numbers (the first rows tell). A value of such text that is no plain number
    (``PLAIN_NUMBER``; a blank aside) is a null, which the readers also make of it (an
    unparsable amount, excluded), when their parser (:func:`clv.data.amounts.parse_amounts`)
    reads no number in it either: one pass over the column finds such values, and a value the
    readers read ('12,50', '$1,200.00') refuses the column, naming it, as do more than
    :data:`ODD_NUMBERS` distinct ones. Under Spark's ANSI mode a cast of one such value
    failed the whole job."""
    from clv.data.amounts import parse_amounts

    kind = types[column]
    col: Column = F.col(f"`{column}`")
    if kind in NUMBERS or kind.startswith("decimal"):
        return col.cast("double")

    def refused(example: str | None = None) -> DataError:
        such = f" (such as '{example}')" if example is not None else ""
        return DataError(f"is {kind} with {what} Spark cannot read as clv does{such} (plain "
                         "numbers with a decimal point only); type the column as a number or "
                         "read the log without --engine spark", source=where, column=column)

    if kind != "string":
        raise refused()
    values = [_stripped(v) for v in head[column].drop_nulls().to_list() if _stripped(v)]
    odd_head = next((v for v in values if not PLAIN_NUMBER.match(v)), None)
    if odd_head is not None:
        raise refused(odd_head)
    text = F.nullif(_strip(F, col), F.lit(""))
    plain = text.rlike(PLAIN_NUMBER.pattern)
    odd = [r[0] for r in df.select(text.alias("_v")).filter(text.isNotNull() & ~plain)
           .distinct().limit(ODD_NUMBERS + 1).collect()]
    if len(odd) > ODD_NUMBERS:
        raise refused(sorted(odd)[0])
    read = parse_amounts(pl.Series(odd, dtype=pl.String)).amount if odd else None
    if read is not None and read.is_not_null().any():
        raise refused(odd[int(read.is_not_null().arg_max() or 0)])
    number: Column = F.when(plain, text.try_cast("double"))
    return number


def _issues(F: Any, work: DataFrame, reasons: list[tuple[str, Column]], shown: list[str],
            where: str, drop_dup: bool, n_examples: int, bound: float,
            linked: tuple[int, float] = (0, 0.0), how: str = "negative quantity"
            ) -> tuple[DataIssues, int, tuple[float | None, float | None, int],
                       dt.datetime | None, int]:
    """The data report of ``work`` (the validated rows, ``_code`` the index of their reason
    of exclusion in ``reasons``, null when kept): the counts and amounts by reason in one
    pass, then the examples of every reason in one more when rows are excluded; and the
    number of blank lines made line items worth 0 that are kept (``_line0``: the lines of an
    order excluded are excluded with it, as the readers count them), and the max, sum and
    count of the positive amounts kept (the outlier note's first figures), and the last time
    of the rows kept (the summary's last period), and the number of rows whose customer is a
    till's placeholder (``_walkin``: the note ``walk_ins``, excluded or not). ``how``: how
    cancelled lines were found (the note ``cancellations``)."""
    from pyspark.sql import Window

    kept = F.col("_code").isNull()
    amount = F.col("amount")
    fin = F.when(~(amount.isNull() | F.isnan(amount)) & (F.abs(amount) <= bound), amount)
    counts = work.groupBy("_code").agg(
        F.count(F.lit(1)).alias("n"), F.sum(fin).alias("fin"),
        F.sum(F.abs(fin)).alias("abs"),
        F.sum(F.when(kept & (F.col("amount") < 0), 1).otherwise(0)).alias("neg"),
        F.sum(F.when(kept & (F.col("amount") < 0), F.col("amount")).otherwise(0.0))
        .alias("neg_sum"),
        F.sum(F.when(kept & (F.col("amount") == 0) & ~F.col("_line0"), 1).otherwise(0))
        .alias("zero"),
        F.sum(F.col("_line0").cast("long")).alias("line0"),
        F.max(F.when(kept & (amount > 0), amount)).alias("pos_max"),
        F.sum(F.when(kept & (amount > 0), amount)).alias("pos_sum"),
        F.sum(F.when(kept & (amount > 0), 1).otherwise(0)).alias("pos_n"),
        F.sum(F.when(kept & F.col("_cancel"), 1).otherwise(0)).alias("cancel"),
        F.sum(F.when(kept & F.col("_cancel"), F.col("amount")).otherwise(0.0))
        .alias("cancel_sum"),
        F.max(F.when(kept, F.col("timestamp"))).alias("last"),
        F.sum(F.col("_walkin").cast("long")).alias("walkin"),
        *([] if drop_dup else [F.sum(F.when(F.col("_rep"), 1).otherwise(0)).alias("rep")]),
    ).collect()
    exclusions, rows_read, read, magnitude = [], 0, 0.0, 0.0
    kept_n, kept_amount, refunds, refunds_total, zeros, identical = 0, 0.0, 0, 0.0, 0, 0
    positive: tuple[float | None, float | None, int] = (None, None, 0)
    cancelled, cancelled_total, line0, last = 0, 0.0, 0, None
    cols = [f"_shown_{i}" for i in range(len(shown))]
    examples: dict[int, list[Any]] = {}
    if any(row["_code"] is not None for row in counts):  # the first rows of each reason
        rank = F.row_number().over(Window.partitionBy("_code").orderBy(*cols))
        for e in work.filter(~kept).select("_code", *cols, rank.alias("_rank")) \
                .filter(F.col("_rank") <= n_examples).collect():
            examples.setdefault(e["_code"], []).append(e)
    for row in sorted(counts, key=lambda r: -1 if r["_code"] is None else r["_code"]):
        n, total = int(row["n"]), float(row["fin"] or 0.0)
        rows_read, read, magnitude = rows_read + n, read + total, magnitude + float(row["abs"] or 0)
        if not drop_dup:
            identical += int(row["rep"] or 0)
        if row["_code"] is None:
            kept_n, kept_amount, line0 = n, total, int(row["line0"] or 0)
            refunds, refunds_total, zeros = int(row["neg"]), float(row["neg_sum"]), int(row["zero"])
            cancelled, cancelled_total = int(row["cancel"]), float(row["cancel_sum"])
            positive = (row["pos_max"], row["pos_sum"], int(row["pos_n"]))
            last = row["last"]
            continue
        first_rows = sorted(examples.get(row["_code"], []), key=lambda e: e["_rank"])
        reason = reasons[row["_code"]][0]
        others = None
        if reason == why.OTHER_CURRENCY and "_cur" in work.columns:  # per currency, not summed
            others = {str(r[0]): float(r[1] or 0.0) for r in sorted(
                work.filter(F.col("_code") == row["_code"]).groupBy("_cur")
                .agg(F.sum(fin)).collect(), key=lambda r: r[0])}
        exclusions.append(Exclusion(reason, n, total,
                                    [{s: e[c] for s, c in zip(shown, cols, strict=True)}
                                     for e in first_rows], others))
    # the reasons met under two conditions (a guest and a till's placeholder) are one, as
    # the readers report them
    by_reason: dict[str, Exclusion] = {}
    for e in exclusions:
        was = by_reason.get(e.reason)
        by_reason[e.reason] = e if was is None else Exclusion(
            e.reason, was.count + e.count, was.amount + e.amount,
            (was.examples + e.examples)[:n_examples], was.amounts)
    exclusions = sorted(by_reason.values(), key=lambda e: why.rank(e.reason))
    from clv.prep.database import engine_report

    issues = engine_report(where, rows_read, kept_n, read, kept_amount, magnitude, exclusions,
                           zeros=zeros, refunds=(refunds, refunds_total), identical=identical,
                           cancelled=(cancelled, cancelled_total), linked=linked, how=how)
    if kept_n == 0:
        raise DataError("no row is kept: see the data report", source=where)
    return issues, line0, positive, last, sum(int(r["walkin"] or 0) for r in counts)


@dataclass(frozen=True)
class SparkSummary:
    """The RFM summary in Spark: ``frame`` has the columns of :func:`clv.prep.rfm_summary`'s
    frame, one row per customer; ``report`` is its :class:`SummaryReport`."""

    frame: DataFrame
    unit: str
    observation_end: dt.date
    calibration_end: dt.date | None
    merge: str
    report: SummaryReport
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def has_holdout(self) -> bool:
        return self.calibration_end is not None

    def to_polars(self) -> Summary:
        """The summary collected to the driver, as the Polars path gives it (sorted by
        customer id)."""
        rows = self.frame.collect()
        columns = self.frame.columns
        data = {c: [r[i] for r in rows] for i, c in enumerate(columns)}
        frame = pl.DataFrame(data, schema={c: _POLARS.get(c, pl.Float64) for c in columns},
                             strict=False).sort("customer_id")
        return Summary(frame, self.unit, self.observation_end, self.calibration_end,
                       self.merge, self.report, metadata={"computed_by": "spark"})


_POLARS: dict[str, Any] = {
    "customer_id": pl.String, "frequency": pl.Int64, "n_periods": pl.Int64,
    "first_purchase": pl.Date, "last_purchase": pl.Date, "frequency_holdout": pl.Int64}


def rfm_summary(
    transactions: SparkTransactions | DataFrame,
    unit: Unit = D.UNIT,
    observation_end: dt.date | str | None = None,
    calibration_end: dt.date | str | None = None,
    merge: Unit = "day",
    midpoint: bool = False,
) -> SparkSummary:
    """The summary of :func:`clv.prep.rfm_summary`, computed in Spark with its rules (see
    :mod:`clv.prep.summary`): purchases of a customer in one ``merge`` period merged, the
    relationship starting at the first period with a net amount >= 0, repeat purchases the
    later positive periods, times in ``unit``; the holdout columns with ``calibration_end``.
    A refund linked to its order (``order_time``, see :func:`read_transactions`) counts in
    its order's period when both fall in the same window (calibration, holdout, after the
    observation end), else in its own, as the Polars summary counts it."""
    F = _functions()
    from pyspark import StorageLevel

    for name, value in (("unit", unit), ("merge", merge)):
        if value not in UNIT_DAYS:
            raise ClvError(f"{name} must be one of {', '.join(UNIT_DAYS)}, not '{value}'")
    days = UNIT_DAYS[unit]
    kept = transactions.frame if isinstance(transactions, SparkTransactions) else transactions

    def period_of(ts: Column) -> Column:
        day: Column = F.to_date(ts if merge == "day" else F.date_trunc(merge, ts))
        return day

    def merged(period: Column, moved: DataFrame | None = None) -> DataFrame:
        # the rows sent once to their customer's partition: the merge of the periods and the
        # customers' figures below are then grouped where the rows are (one shuffle, not two).
        # Rows of read_transactions are there already: Spark leaves this repartition out.
        # ``moved``: refunds taken out of their own period (negative ``n``) and put in their
        # order's; a period left with no row is no period
        rows = kept.select("customer_id", period.alias("period"), "amount",
                           F.lit(1).alias("n")).repartition("customer_id")
        if moved is not None:  # of the same partitioning: the union keeps it
            rows = rows.unionByName(moved)
        out = rows.groupBy("customer_id", "period").agg(
            F.sum("amount").alias("amount"), F.sum("n").alias("n"))
        return out if moved is None else out.filter(F.col("n") > 0)

    own = period_of(F.col("timestamp"))
    linked = "order_time" in kept.columns  # refunds linked to their order (read_transactions)
    # the last period is that of the last row's own time (a period grows with the time): a
    # pass over the rows, not over their periods, which are grouped once below
    known = transactions.last_time if isinstance(transactions, SparkTransactions) else None
    if known is not None and known[0] is kept:  # found by read_transactions's report
        last = None if known[1] is None else _floor(known[1].date(), merge)
    else:
        last = first(kept.agg(F.max("timestamp").alias("_t"))
                     .select(period_of(F.col("_t"))))[0]
    if last is None:
        raise DataError("no transactions to summarise", source="transactions")
    links = transactions.refund_links if isinstance(transactions, SparkTransactions) else None
    if links is not None and links[0] is kept:
        # the rows without the links' column, and the links apart: a refund moved to its
        # order's period from the links (a few rows) instead of every row joined to them
        kept, links_rows = links[1], links[2]
    else:
        links_rows = None
    obs = _to_date(observation_end, "observation_end") or last
    cal = _to_date(calibration_end, "calibration_end")
    if cal is not None and cal >= obs:
        raise ClvError(f"calibration_end {cal} must be before observation_end {obs}")
    obs_p = _floor(obs, merge)
    cal_p = _floor(cal, merge) if cal is not None else None
    end_p = cal_p if cal_p is not None else obs_p
    periods = merged(own)
    if linked:  # a linked refund counts in its order's period when both are in one window
        def window(p: Column) -> Column:
            after: Column = (p > F.lit(obs_p)).cast("int")
            return after if cal_p is None else (p > F.lit(cal_p)).cast("int") + after

        order = period_of(F.col("order_time"))
        if links_rows is None:
            periods = merged(F.when(order.isNotNull() & (window(order) == window(own)), order)
                             .otherwise(own))
        else:
            move = links_rows.filter((window(order) == window(own)) & (order != own))
            n, total = F.col("_n").cast("int"), F.col("_sum")
            moved = move.select("customer_id", own.alias("period"), (-total).alias("amount"),
                                (-n).alias("n")).unionByName(
                move.select("customer_id", order.alias("period"), total.alias("amount"),
                            n.alias("n")))
            periods = merged(own, moved)
    p, amount = F.col("period"), F.col("amount")
    buy = amount > NET_ZERO
    in_cal, in_obs = p <= F.lit(end_p), p <= F.lit(obs_p)
    hold = (p > F.lit(cal_p)) & in_obs if cal_p is not None else F.lit(False)
    # one pass over the periods: each customer's calibration figures (the rows up to the end
    # of calibration), holdout figures and the report's shares, summed below in one action
    per = periods.groupBy("customer_id").agg(
        F.max(in_cal).alias("_seen"),
        F.min(F.when((amount >= -NET_ZERO) & in_cal, p)).alias("first_purchase"),
        F.sum(F.when(in_cal, amount)).alias("total_amount"),
        F.min(F.when(buy & in_cal, p)).alias("_first_pos"),
        F.max(F.when(buy & in_cal, p)).alias("_last_pos"),
        F.sum(F.when(buy & in_cal, 1).otherwise(0)).cast("long").alias("_n_pos"),
        F.sum(F.when(buy & in_cal, amount).otherwise(0.0)).alias("_pos_sum"),
        # the amount of that first positive period (min_by keeps the grouping a hash
        # aggregation: the min of a struct of the two made Spark sort the periods)
        F.min_by(amount, F.when(buy & in_cal, p)).alias("_first_amount"),
        F.sum("n").alias("_n"), F.sum(amount).alias("_amount"),
        F.count(F.lit(1)).alias("_periods"),
        F.sum(F.when((amount <= NET_ZERO) & in_obs, 1).otherwise(0)).alias("_non_positive"),
        F.sum(F.when(~in_obs, F.col("n")).otherwise(0)).alias("_n_after"),
        F.sum(F.when(~in_obs, amount).otherwise(0.0)).alias("_amount_after"),
        F.sum(F.when(in_obs, amount)).alias("_amount_obs"),
        F.max(hold).alias("_held"),
        F.sum(F.when(hold & buy, 1).otherwise(0)).cast("long").alias("frequency_holdout"),
        F.avg(F.when(hold & buy, amount)).alias("monetary_holdout"),
        F.sum(F.when(hold, amount)).alias("total_amount_holdout"),
    ).persist(StorageLevel.MEMORY_AND_DISK)
    seen, held = F.col("_seen"), F.col("_held")
    nobody = seen & F.col("first_purchase").isNull()
    stats = first(per.agg(
        F.sum("_n"), F.sum("_amount"), F.sum("_periods"), F.sum("_non_positive"),
        F.sum("_n_after"), F.sum("_amount_after"),
        F.sum(F.when(nobody, 1).otherwise(0)), F.sum(F.when(nobody, F.col("_amount_obs"))),
        F.sum(F.when(~seen & held, 1).otherwise(0)),
        F.sum(F.when(~seen & held, F.col("total_amount_holdout")))))
    start = F.coalesce(F.col("_first_pos") == F.col("first_purchase"), F.lit(False))
    frequency = F.coalesce(F.col("_n_pos"), F.lit(0)) - start.cast("long")
    repeat_amount = F.col("_pos_sum") - F.when(start, F.col("_first_amount")).otherwise(0.0)
    with_f = per.filter(seen & F.col("first_purchase").isNotNull()) \
        .withColumn("frequency", frequency).withColumn("_repeat", repeat_amount)
    last_p = F.when(F.col("frequency") > 0, F.col("_last_pos")).otherwise(F.col("first_purchase"))
    frame = with_f.select(
        "customer_id", "frequency",
        (F.datediff(last_p, F.col("first_purchase")).cast("double") / F.lit(days))
        .alias("recency"),
        (F.datediff(F.lit(end_p), F.col("first_purchase")).cast("double") / F.lit(days))
        .alias("T"),
        F.when(F.col("frequency") > 0, F.col("_repeat") / F.col("frequency")).otherwise(0.0)
        .alias("monetary"),
        (F.col("frequency") + 1).alias("n_periods"),
        "total_amount", "first_purchase", last_p.alias("last_purchase"),
        *([] if cal_p is None else [
            "frequency_holdout",
            F.coalesce(F.col("monetary_holdout"), F.lit(0.0)).alias("monetary_holdout"),
            F.coalesce(F.col("total_amount_holdout"), F.lit(0.0)).alias("total_amount_holdout"),
            F.lit((obs_p - cal_p).days / days).alias("duration_holdout")]))
    report: dict[str, Any] = {
        "transactions": int(stats[0]), "amount": float(stats[1]),
        "merged_transactions": int(stats[0]) - int(stats[2]),
        "non_positive_periods": int(stats[3] or 0),
        "rows_after_observation_end": int(stats[4] or 0),
        "amount_after_observation_end": float(stats[5] or 0.0),
        "customers_without_purchase": int(stats[6] or 0),
        "amount_without_purchase": float(stats[7] or 0.0),
        "customers_first_seen_in_holdout": int(stats[8] or 0) if cal_p is not None else 0,
        "amount_first_seen_in_holdout": float(stats[9] or 0.0) if cal_p is not None else 0.0}
    if midpoint:
        frame = frame.withColumn("T", F.col("T") + F.lit(UNIT_DAYS[merge] / 2 / days))
    # the customers' figures are kept (``per``): the frame is a projection of them
    return SparkSummary(frame, unit, obs, cal, merge, SummaryReport(**report),
                        metadata={"computed_by": "spark"})


def compress(summary: SparkSummary, columns: tuple[str, ...] = ("frequency", "recency", "T"),
             *, mean: str | None = None) -> pl.DataFrame:
    """The distinct rows of ``columns`` with their ``weight`` (customers), computed in Spark
    and brought to the driver through Arrow, sorted as :func:`clv.prep.compress` sorts them;
    with ``mean``, also the mean of that column over each row's customers (named as it)."""
    F = _functions()
    means = [F.avg(mean).cast("double").alias(mean)] if mean is not None else []
    table = summary.frame.groupBy(*columns).agg(F.count(F.lit(1)).alias("weight"),
                                                *means).toArrow()
    schema = ({c: _POLARS.get(c, pl.Float64) for c in columns} | {"weight": pl.Int64}
              | ({mean: pl.Float64} if mean is not None else {}))
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return frame.select(pl.col(c).cast(t) for c, t in schema.items()).sort(list(columns))


def _driver_summary(summary: SparkSummary, frame: pl.DataFrame) -> Summary:
    return Summary(frame, summary.unit, summary.observation_end, summary.calibration_end,
                   summary.merge, summary.report, metadata={"computed_by": "spark"})


@dataclass(frozen=True)
class SparkFit:
    """The purchase model fitted on the distinct rows, the spend model (None when the mean
    repeat purchase stands for it: ``spend`` is then that amount) and the notes."""

    purchases: Any
    spend_model: Any
    spend: Any
    notes: list[str]


SPEND_SAMPLE = 10_000_000
"""Beyond this many repeat buyers, Gamma-Gamma is fitted on a uniform sample of this many (16
bytes each to the driver: 160 MB; the standard errors of its three parameters shrink as
1/sqrt(n), so a sample this large leaves them far below the model's own error)."""
SAMPLE_SEED = 20_261_202


def fit(summary: SparkSummary, model: str | SparkChoice = "bgnbd", *,
        spend_sample: int = SPEND_SAMPLE) -> SparkFit:
    """The purchase model ``model`` (bgnbd, mbgnbd, pnbd, nbd; or the first of a
    :func:`choose_model` ranking that can be fitted, its notes first) fitted by clv's fitter on
    the distinct (frequency, recency, T) rows and their weights, and the spend model by
    :func:`clv.valuation.fit_spend` (Gamma-Gamma, else the mean repeat purchase) on the repeat
    buyers' (frequency, monetary), brought to the driver through Arrow; beyond
    ``spend_sample`` repeat buyers, on a uniform sample of that many (said in a note)."""
    F = _functions()
    from clv.valuation import fit_purchases, fit_spend

    ranked = [model] if isinstance(model, str) else list(model.ranking)
    if not ranked or any(m not in D.CANDIDATES and m != "nbd" for m in ranked):
        raise ClvError(f"model must be a purchase model ({', '.join(D.CANDIDATES)}) or the "
                       f"choice of one on a holdout (choose_model), not {model!r}")
    notes: list[str] = [] if isinstance(model, str) else list(model.notes)
    # the valuation's policy: the first model of the ranking that can be fitted, else the NBD
    purchases = fit_purchases(_driver_summary(summary, compress(summary)), ranked, notes)
    repeat = summary.frame.filter(F.col("frequency") > 0)
    n_repeat = repeat.count()
    # in the Polars summary's order (by customer id): Gamma-Gamma is fitted on its rows as
    # they come, and another order sums its likelihood in another order
    ordered = repeat.orderBy("customer_id")
    if n_repeat > spend_sample:
        ordered = repeat.sample(fraction=min(1.0, 1.05 * spend_sample / n_repeat),
                                seed=SAMPLE_SEED).orderBy("customer_id").limit(spend_sample)
    collected = pl.DataFrame(ordered.select("frequency", "monetary", "total_amount").toArrow())
    spend_frame = collected.select(
        pl.int_range(pl.len()).cast(pl.String).alias("customer_id"),
        pl.col("frequency").cast(pl.Int64), pl.col("monetary").cast(pl.Float64),
        pl.col("total_amount").cast(pl.Float64))
    if n_repeat > spend_sample:
        notes.append(Note("spend_sample", n=spend_frame.height, repeat=n_repeat))
    if spend_frame.height == 0:  # nobody repeated: the mean per customer (fit_spend's rule)
        total, n = first(summary.frame.agg(F.sum("total_amount"), F.count(F.lit(1))))
        notes.append(Note("no_spend_model", reason="no customer bought twice"))
        return SparkFit(purchases, None, float(total or 0.0) / max(int(n), 1), notes)
    spend_model, spend = fit_spend(_driver_summary(summary, spend_frame), notes)
    return SparkFit(purchases, spend_model, spend, notes)


@dataclass(frozen=True)
class SparkChoice:
    """The purchase models ranked on a holdout in Spark (:func:`choose_model`): ``ranking``
    the candidates' keys, best first (those that could not be fitted on the calibration
    period left out; every candidate, in the order asked, when there was no comparison);
    ``table`` one row per model fitted and the naive baseline (``model``,
    ``rmse_transactions``); ``calibration_end`` the split; ``notes`` what the Polars path
    notes of the comparison (no comparison and why, the naive baseline better);
    ``summary`` the calibration summary in Spark (with its holdout columns) the ranking was
    computed from, for the scorecard of :func:`clv.spark.analyze` (None without a
    comparison)."""

    ranking: list[str]
    table: pl.DataFrame | None
    calibration_end: dt.date | None
    notes: list[str]
    summary: SparkSummary | None = None


def choose_model(transactions: SparkTransactions, *, unit: Unit = D.UNIT,
                 observation_end: dt.date | str | None = None,
                 calibration_end: dt.date | str | None = None, midpoint: bool = False,
                 models: tuple[str, ...] = D.CANDIDATES) -> SparkChoice:
    """``model="auto"`` on Spark: the candidate ``models`` ranked by the criterion of
    :func:`clv.evaluate.evaluate` (RMSE of holdout transactions per customer), as
    :func:`clv.valuation.choose_model` ranks them, with what travels to the driver bounded
    by the distinct calibration rows.

    The calibration end is the one given, else :func:`clv.valuation.default_calibration_end`
    of the first and last times (one pass in Spark). The calibration summary is computed in
    Spark with its holdout columns; per distinct (frequency, recency, T) the driver gets the
    customers' count w, the sum S1 and the sum of squares S2 of their holdout purchases
    y_i. Each model is fitted on those rows (the rows the Polars comparison compresses its
    summary to: the same fit) and predicts E[Y(t) | x, t_x, T] = p for the row; then

        sum_i (p - y_i)^2 = w (p - S1 / w)^2 + (S2 - S1^2 / w)

    summed over the rows and divided by the customers gives the mean squared error exactly
    (the per-customer form of the Polars scorecard, grouped). The naive baseline predicts
    x / T t. Ties keep the order of ``models`` (:func:`clv.evaluate.rank`)."""
    F = _functions()
    import numpy as np

    from clv.evaluate import BASELINE, rank
    from clv.models.registry import MODELS
    from clv.valuation import _reason, default_calibration_end

    notes: list[str] = []
    try:
        cal = _to_date(calibration_end, "calibration_end")
        if cal is None:
            first_time, last_time = first(transactions.frame.agg(F.min("timestamp"),
                                                                 F.max("timestamp")))
            if first_time is None:
                return SparkChoice(list(models), None, None, notes)
            cal = default_calibration_end(first_time, last_time)
        ss = rfm_summary(transactions, unit=unit, observation_end=observation_end,
                         calibration_end=cal, midpoint=midpoint)
        y = F.col("frequency_holdout").cast("double")
        grouped = ss.frame.groupBy("frequency", "recency", "T").agg(
            F.count(F.lit(1)).alias("weight"), F.sum(y).alias("_s1"),
            F.sum(y * y).alias("_s2")).collect()
        rows = pl.DataFrame(
            {c: [r[c] for r in grouped] for c in ("frequency", "recency", "T", "weight",
                                                    "_s1", "_s2")},
            schema={"frequency": pl.Int64, "recency": pl.Float64, "T": pl.Float64,
                    "weight": pl.Int64, "_s1": pl.Float64, "_s2": pl.Float64},
        ).sort("frequency", "recency", "T")
        if rows.height == 0:
            raise ClvError("no customer in the calibration period")
        assert ss.calibration_end is not None
        duration = (_floor(ss.observation_end, ss.merge) - _floor(ss.calibration_end, ss.merge)
                    ).days / UNIT_DAYS[unit]
        x, tx, t_cap, w, s1, s2 = (rows[c].cast(pl.Float64).to_numpy() for c in (
            "frequency", "recency", "T", "weight", "_s1", "_s2"))
        n = w.sum()

        def rmse(predicted: Any) -> float:
            within = s2 - s1 * s1 / w  # sum of (y_i - mean)^2 in each row's group
            return float(((w * (predicted - s1 / w) ** 2 + within).sum() / n) ** 0.5)

        distinct = _driver_summary(ss, rows.select("frequency", "recency", "T", "weight"))
        scores: dict[str, float] = {}
        named: dict[str, str] = {}
        for key in models:
            try:
                model = MODELS[key]().fit(distinct)
            except ClvError:  # not ranked, as the Polars comparison leaves it out
                continue
            scores[key] = rmse(model.expected_purchases(duration, x, tx, t_cap))
            named[key] = model.NAME
        if not scores:
            raise ClvError("no model could be fitted on the calibration period")
        naive = rmse(np.where(t_cap > 0, x / np.maximum(t_cap, 1e-12), 0.0) * duration)
    except ClvError as exc:
        notes.append(Note("no_comparison", **_reason(exc), model=MODELS[models[0]].NAME))
        return SparkChoice(list(models), None, None, notes)
    ranking = rank(scores)
    best = scores[ranking[0]]
    if np.isfinite(naive) and not naive >= best:
        notes.append(Note("naive_best", naive=naive, best=best, model=named[ranking[0]]))
    table = pl.DataFrame({"model": [*(named[k] for k in ranking), BASELINE],
                          "rmse_transactions": [*(scores[k] for k in ranking), naive]})
    return SparkChoice(ranking, table, cal, notes, ss)


def purchase_model(transactions: SparkTransactions, settings: Any) -> str | SparkChoice:
    """What :func:`fit` fits for ``settings`` (:class:`clv.valuation.Settings`): the model
    named, or with ``model="auto"`` the candidates ranked on a holdout (:func:`choose_model`
    with the settings' unit, dates, midpoint and candidates), as the Polars valuation
    chooses."""
    if settings.model != "auto":
        return cast(str, settings.model)
    return choose_model(transactions, unit=settings.unit,
                        observation_end=settings.observation_end,
                        calibration_end=settings.calibration_end, midpoint=settings.midpoint,
                        models=tuple(settings.models))


@dataclass(frozen=True)
class SparkScores:
    """Per-customer values in Spark (``frame``: the columns :meth:`clv.store.Store.write_scores`
    writes, in its order: customer_id, p_alive, p_alive_activity, expected_purchases,
    expected_spend, clv, clv_lower and clv_upper (with intervals), revenue_to_date,
    margin_to_date, future_value_lifetime, lifetime_value; and discounted_purchases), the
    number of distinct rows valued on the driver and the notes of the valuation, as
    :func:`clv.valuation.value_customers` gives them; with intervals, ``total`` is the total
    CLV with its interval (``clv``, ``lower``, ``upper``, ``predictive_lower``,
    ``predictive_upper``), as :attr:`clv.value.ValueIntervals.total`."""

    frame: DataFrame
    distinct_rows: int
    notes: list[str]
    total: dict[str, float] | None = None


def score(summary: SparkSummary, fitted: SparkFit, horizon: float = D.HORIZON,
          horizon_unit: str = D.HORIZON_UNIT, *, margin: float = D.MARGIN,
          discount_rate: float = D.DISCOUNT_RATE, level: float | None = None,
          draws: int = D.DRAWS, bounds: bool = True) -> SparkScores:
    """The values of :func:`clv.valuation.value_customers` for every customer, in Spark: each
    distinct (frequency, recency, T) valued once on the driver (P(alive), expected and
    discounted purchases over the horizon, discounted purchases over the lifetime, the
    activity views' P(alive) by the valuation's rule), joined back; the expected spend per
    purchase as the Gamma-Gamma expectation E[M | x, m] = (gamma + x m) p / (p x + q - 1)
    (Fader, Hardie & Lee 2005, eq. 5) in Spark; CLV = margin x spend x discounted purchases;
    lifetime value = margin x revenue to date + the future value over the lifetime.

    With ``level``, the CLV intervals of :func:`clv.value.value_intervals` (``draws``
    parameter draws, its seed). The draws are pushed through the expected purchases once per
    distinct (frequency, T) on the driver (:class:`clv.value.Draws`), then broadcast: each
    customer's bounds (``clv_lower``, ``clv_upper``) are drawn where the rows are
    (``mapInArrow``), the same bounds as the Polars path's. The interval of the total is
    drawn on the driver over the distinct (frequency, recency, T) rows, each weighed by its
    customers and valued at their mean spend (E[M | x, m] is linear in m, so a row's value is
    the sum of its customers'): its parameter-uncertainty bounds are those of the Polars
    path. Its realised-value bounds take the normal approximation on a uniform sample of
    ``SAMPLE_CUSTOMERS`` customers drawn in Spark (the Polars path samples customers itself,
    or simulates each one below 300,000 customers: the same law, other draws).
    ``bounds=False`` draws the total's interval only (no ``clv_lower``, ``clv_upper``)."""
    F = _functions()
    from pyspark.sql.types import DoubleType, StructField, StructType

    from clv.models.gamma_gamma import GammaGamma
    from clv.prep.summary import MAX_HORIZON_MONTHS
    from clv.valuation import _activity
    from clv.value import LIFETIME, customer_value, value_intervals

    rows = compress(summary, mean="monetary" if level is not None else None)
    distinct = _driver_summary(summary, rows.with_columns(
        pl.int_range(pl.len()).cast(pl.String).alias("customer_id")))
    near = customer_value(fitted.purchases, distinct, horizon, horizon_unit,
                          discount_rate=discount_rate)
    whole = customer_value(fitted.purchases, distinct, LIFETIME, discount_rate=discount_rate)
    notes = list(fitted.notes)
    keys = ["frequency", "recency", "T"]
    values = rows.select(keys).with_columns(
        near["p_alive"], near["expected_purchases"], near["discounted_purchases"],
        whole["discounted_purchases"].alias("_lifetime"))
    total = plan = None
    if level is not None:  # the valuation's notes in its order: intervals, lifetime, activity
        drawn = value_intervals(
            fitted.purchases, distinct, horizon, horizon_unit, spend=fitted.spend,
            margin=margin, discount_rate=discount_rate, level=level, draws=draws,
            weights="weight", sample=_sample(summary, int(rows["weight"].sum())),
            per_row=False)
        notes.extend(drawn.notes)
        total, plan = drawn.total, drawn.plan
    if discount_rate == 0:
        notes.append(Note("lifetime_capped", months=MAX_HORIZON_MONTHS))
    activity = _activity(fitted.purchases, distinct, near, notes)
    values = values.with_columns(activity)
    spark = summary.frame.sparkSession
    table = spark.createDataFrame(values.to_arrow())
    joined = summary.frame.select(*keys, "customer_id", "monetary", "total_amount").join(
        F.broadcast(table) if values.height < 5_000_000 else table, keys, "left")
    if plan is not None and bounds:  # each customer's, where the rows are, the draws broadcast
        shared = spark.sparkContext.broadcast((plan, fitted.spend))
        with warnings.catch_warnings():
            # PySpark 4 checks pandas' version to build mapInArrow's function and warns that
            # it does not yet fully support pandas 3; the function gets Arrow batches and
            # never a pandas frame, so that warning alone is silenced
            warnings.filterwarnings("ignore", "PySpark does not yet fully support pandas",
                                    FutureWarning)
            joined = joined.mapInArrow(_bounds_of(shared), StructType(
                [*joined.schema.fields, StructField("clv_lower", DoubleType()),
                 StructField("clv_upper", DoubleType())]))
    elif level is not None and bounds:  # no usable draw: no interval (its note says why)
        joined = joined.withColumns({"clv_lower": F.lit(math.nan), "clv_upper": F.lit(math.nan)})
    gg = isinstance(fitted.spend, GammaGamma)
    if gg:
        p, q, g = (fitted.spend.params_[k] for k in ("p", "q", "gamma"))
        x = F.col("frequency").cast("double")
        m = F.when(x > 0, F.col("monetary")).otherwise(0.0)
        spend = (F.lit(g) + x * m) * F.lit(p) / (F.lit(p) * x + F.lit(q - 1))
    else:
        spend = F.lit(float(fitted.spend))
    revenue = F.col("total_amount").cast("double")
    future = F.lit(margin) * F.col("_lifetime") * spend
    out = joined.select(
        "customer_id", "p_alive", "p_alive_activity", "expected_purchases",
        spend.alias("expected_spend"),
        (F.lit(margin) * F.col("discounted_purchases") * spend).alias("clv"),
        *(["clv_lower", "clv_upper"] if level is not None and bounds else []),
        revenue.alias("revenue_to_date"), (F.lit(margin) * revenue).alias("margin_to_date"),
        future.alias("future_value_lifetime"),
        (F.lit(margin) * revenue + future).alias("lifetime_value"),
        "discounted_purchases")
    return SparkScores(out, rows.height, notes, total)


def _sample(summary: SparkSummary, customers: int) -> Summary:
    """A uniform sample of ``clv.value.SAMPLE_CUSTOMERS`` of the summary's ``customers``
    (all of them below that), brought to the driver: those whose simulated values estimate the
    variance of the realised total (:func:`clv.value.value_intervals`)."""
    from clv.value import SAMPLE_CUSTOMERS

    columns = ("frequency", "recency", "T", "monetary")
    frame = summary.frame.select(*columns)
    if customers > SAMPLE_CUSTOMERS:
        frame = frame.sample(fraction=min(1.0, 1.05 * SAMPLE_CUSTOMERS / customers),
                             seed=SAMPLE_SEED).limit(SAMPLE_CUSTOMERS)
    got = pl.from_arrow(frame.toArrow())
    assert isinstance(got, pl.DataFrame)
    return _driver_summary(summary, got.select(
        pl.int_range(pl.len()).cast(pl.String).alias("customer_id"),
        *(pl.col(c).cast(_POLARS.get(c, pl.Float64)) for c in columns)))


def _bounds_of(shared: Any) -> Any:
    """The function ``mapInArrow`` runs on each batch of customers (frequency, recency, T,
    monetary, discounted_purchases, ...): the batch with each customer's ``clv_lower`` and
    ``clv_upper`` (:meth:`clv.value.Draws.bounds`, around the point estimate margin x
    discounted purchases x E[spend]), from the broadcast (draws, spend model)."""

    def bounded(batches: Iterable[Any]) -> Iterable[Any]:
        import numpy as np
        import pyarrow as pa

        from clv.value import _spend_at

        plan, spend = shared.value
        for batch in batches:
            x, tx, t, m, discounted = (
                batch.column(c).to_numpy(zero_copy_only=False).astype(np.float64)
                for c in ("frequency", "recency", "T", "monetary", "discounted_purchases"))
            point = plan.margin * discounted * _spend_at(spend, x, m)
            lower, upper = plan.bounds(x, tx, t, m, point)
            yield pa.RecordBatch.from_arrays(
                [*batch.columns, pa.array(lower), pa.array(upper)],
                names=[*batch.schema.names, "clv_lower", "clv_upper"])

    return bounded
