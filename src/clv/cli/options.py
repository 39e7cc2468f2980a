"""The options the commands share, as typed Annotated Typer options, and the two decorators that
give a command the reading options (:func:`reads_data`) or the reading and valuation options
(:func:`values_customers`).

The valuation options build one :class:`clv.valuation.Settings`; their defaults are the
Settings' (``clv.defaults``, which Settings takes them from: read there, they cost no import of
the models, so that ``clv --help`` starts at once). A setting out of range is refused by
Settings, before anything is read, in a sentence that names the option.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from clv import defaults as D
from clv.cli.output import w
from clv.errors import ClvError

if TYPE_CHECKING:
    import polars as pl

    from clv.data import Transactions
    from clv.data.issues import DataIssues
    from clv.prep import Summary
    from clv.valuation import Settings

# --- arguments and options of many commands -----------------------------------------------------
Source = Annotated[str, typer.Argument(
    metavar="FILE",
    help="A file (CSV/text, Parquet, Excel, JSON lines) or a database URL (with --table or "
         "--query).")]
Json = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
Output = Annotated[Path | None, typer.Option(
    "-o", "--output", help="Write the main table (.csv, .parquet or .xlsx).")]
CustomersFile = Annotated[Path | None, typer.Option(
    "--customers", help="Customer attributes (customer_id and any columns).")]
SpendFile = Annotated[Path | None, typer.Option("--spend", help="Spend table (channels).")]
SubsFile = Annotated[Path | None, typer.Option(
    help="Subscriptions table: customer_id, start, end, mrr, [plan].")]
Db = Annotated[str, typer.Option(help="Database of the history (SQLAlchemy URL).")]


def lang_callback(value: str | None) -> str:
    """``--lang``, read before the other options (so that their errors are said in it): the
    language of the words, numbers and dates (:func:`clv.cli.output.set_lang`)."""
    from clv.cli.output import set_lang

    return set_lang(value)


Lang = Annotated[str | None, typer.Option(
    "--lang", metavar="en|fr", callback=lang_callback, is_eager=True,
    help="Language of the words, numbers and dates: en or fr (default: the CLV_LANG "
         "variable, else the locale's, else en). --json is the same in every language.")]
Unit = Annotated[D.Unit, typer.Option(help="Time unit: day, week, month (30.4375 days) or year.")]
CalibrationEnd = Annotated[str | None, typer.Option(
    help="End of the calibration period: the models compared with --model auto are fitted up "
         "to it and scored after it (default: the last quarter of the data is held out).")]
ObservationEnd = Annotated[str | None, typer.Option(
    help="Last day observed (default: the last transaction's).")]
Midpoint = Annotated[bool, typer.Option(
    help="Add half a day to T (purchases at any time of day; see rfm_summary).")]
Model = Annotated[D.ModelChoice, typer.Option(
    help="Purchase model: auto (the best on a holdout, as clv evaluate ranks them), bgnbd, "
         "mbgnbd or pnbd (the spend model is Gamma-Gamma).")]
Days = Annotated[float, typer.Option(help="Window of the next-purchase probability, in days.")]
Period = Annotated[D.Period, typer.Option(help="Cohort period: week, month or quarter.")]
Target = Annotated[float, typer.Option(help="Target LTV:CAC ratio.")]

# --- reading ------------------------------------------------------------------------------------
Customer = Annotated[str | None, typer.Option(help="Column holding the customer id.")]
DateCol = Annotated[str | None, typer.Option("--date", help="Column holding the date.")]
AmountCol = Annotated[str | None, typer.Option("--amount", help="Column holding the amount.")]
Preset = Annotated[str | None, typer.Option(help="Export preset: shopify, woocommerce, stripe.")]
DateFormat = Annotated[str | None, typer.Option(
    help="iso, dmy, mdy, ymd, epoch, epoch_ms, or a strftime format such as %d.%m.%Y.")]
Refunds = Annotated[str, typer.Option(help="Negative amounts: net, drop or error.")]
Strict = Annotated[bool, typer.Option(help="Fail on the first row that would be excluded.")]
Decimal = Annotated[str | None, typer.Option(help="Decimal separator: ',' or '.'.")]
Currency = Annotated[str | None, typer.Option(
    help="Keep the rows in this currency, the currency of every figure (default: the most "
         "frequent).")]
Timezone = Annotated[str, typer.Option(help="Zone all timestamps are converted to.")]
SourceZone = Annotated[str | None, typer.Option(
    help="Zone of timestamps written without offset (default: --timezone).")]
Separator = Annotated[str | None, typer.Option(help="CSV delimiter (default: sniffed).")]
Sheet = Annotated[str | None, typer.Option(help="Excel sheet name.")]
Table = Annotated[str | None, typer.Option("--table", help="Database table to read.")]
Query = Annotated[str | None, typer.Option(help="Database query to read.")]
Encoding = Annotated[str | None, typer.Option(
    help="Text encoding of the file, e.g. utf-8, cp1252, latin-1 (default: detected).")]
OrderId = Annotated[str | None, typer.Option(
    "--order-id", help="Column holding the order id (repeated rows of an order are lines).")]
ProductCol = Annotated[str | None, typer.Option("--product", help="Column holding the product.")]
StatusCol = Annotated[str | None, typer.Option(
    "--status", help="Column holding the order or payment status (detected when named "
                     "status, financial status, state ...): rows not paid are excluded.")]
CancelledCol = Annotated[str | None, typer.Option(
    "--cancelled", help="Column holding the date an order was cancelled (detected when named "
                        "cancelled at, canceled at ...; Shopify's 'Cancelled at'): the rows "
                        "of a cancelled order are excluded as not paid.")]
ChannelCol = Annotated[str | None, typer.Option(
    "--channel", help="Column holding the acquisition channel.")]
QuantityCol = Annotated[str | None, typer.Option(
    "--quantity", help="Column holding the quantity of a line.")]
PriceCol = Annotated[str | None, typer.Option(
    "--price", help="Column holding the unit price; the amount is quantity x price (line-item "
                    "logs).")]
Earliest = Annotated[str | None, typer.Option(
    help="Rows dated before this day are placeholders and excluded (default 1970-01-01; "
         "'none': no bound).")]
MaxAmount = Annotated[float | None, typer.Option(
    help="Rows whose amount is larger (in absolute value) are excluded as out of range "
         "(default 1e12).")]
Duplicates = Annotated[str, typer.Option(
    help="Identical rows: auto (dropped when an order id is mapped, else kept and reported), "
         "drop or keep.")]
PaidStatus = Annotated[list[str] | None, typer.Option(
    "--paid-status", metavar="VALUES",
    help="The order statuses that mean paid, comma-separated (repeatable), e.g. "
         "'Complete,Processing': a row is kept only when its status is one of them (a blank "
         "status is kept). Compared trimmed, without case or accents.")]
UnpaidStatus = Annotated[list[str] | None, typer.Option(
    "--unpaid-status", metavar="VALUES",
    help="Order statuses that mean not paid, comma-separated (repeatable), e.g. 'open' "
         "(Mollie): excluded on top of the built-in ones (failed, cancelled, refunded, "
         "pending ...).")]

READ_OPTIONS: dict[str, tuple[Any, Any]] = {  # option name: (annotation, default)
    "customer": (Customer, None), "date": (DateCol, None), "amount": (AmountCol, None),
    "order_id": (OrderId, None), "product": (ProductCol, None), "status": (StatusCol, None),
    "cancelled": (CancelledCol, None),
    "channel": (ChannelCol, None), "quantity": (QuantityCol, None), "price": (PriceCol, None),
    "preset": (Preset, None), "date_format": (DateFormat, None), "refunds": (Refunds, "net"),
    "duplicates": (Duplicates, "auto"),
    "strict": (Strict, False), "decimal": (Decimal, None), "currency": (Currency, None),
    "timezone": (Timezone, "UTC"), "source_timezone": (SourceZone, None),
    "separator": (Separator, None), "encoding": (Encoding, None), "sheet": (Sheet, None),
    "table": (Table, None), "query": (Query, None), "earliest": (Earliest, None),
    "max_amount": (MaxAmount, None),
    "paid_status": (PaidStatus, None), "unpaid_status": (UnpaidStatus, None),
}


def statuses(values: list[str] | None) -> list[str] | None:
    """The status values of ``--paid-status`` or ``--unpaid-status`` (each given
    comma-separated, the option repeatable), blanks left out; None when not given."""
    if values is None:
        return None
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def check_reading(options: dict[str, Any]) -> None:
    """Refuse a reading option of unknown value before anything is read."""
    refunds, duplicates = options.get("refunds", "net"), options.get("duplicates", "auto")
    if refunds not in ("net", "drop", "error"):
        raise ClvError(w("cli_err_must_be", option="--refunds", allowed=_either(
            ("net", "drop", "error")), value=refunds))
    if duplicates not in ("auto", "drop", "keep"):
        raise ClvError(w("cli_err_must_be", option="--duplicates", allowed=_either(
            ("auto", "drop", "keep")), value=duplicates))
    if options.get("decimal") not in (None, ",", "."):
        raise ClvError(w("cli_err_must_be", option="--decimal", allowed=_either(
            ("','", "'.'")), value=options["decimal"]))
    earliest = options.get("earliest")
    if earliest is not None and earliest.strip().lower() != "none":
        try:
            dt.date.fromisoformat(earliest.strip())
        except ValueError:
            raise ClvError(w("cli_err_earliest", value=earliest)) from None
    amount = options.get("max_amount")
    if amount is not None and not 0 < amount < math.inf:
        raise ClvError(w("cli_err_positive", option="--max-amount", value=f"{amount:g}"))
    paid, unpaid = statuses(options.get("paid_status")), statuses(options.get("unpaid_status"))
    if paid is not None and not paid:
        raise ClvError(w("cli_err_statuses_empty"))
    both = _same_statuses(paid or [], unpaid or [])
    if both:
        raise ClvError(w("cli_err_statuses_both", values=", ".join(f"'{v}'" for v in both)))
    if options.get("encoding"):
        import codecs

        try:
            if not codecs.lookup(options["encoding"])._is_text_encoding:
                raise LookupError(options["encoding"])
        except LookupError:
            raise ClvError(w("cli_err_encoding", value=options["encoding"])) from None


NAMED = ("status", "cancelled")
"""The reading options that name a column the readers otherwise find by its name, given to
them in ``columns``."""


def named_columns(options: dict[str, Any]) -> dict[str, str]:
    """The columns ``--status`` and ``--cancelled`` name (field -> column), as the readers'
    and the Spark engine's ``columns`` take them."""
    return {f: options[f] for f in NAMED if options.get(f) is not None}


def _same_statuses(paid: list[str], unpaid: list[str]) -> list[str]:
    """The values of ``paid`` that ``unpaid`` names too, compared as the readers compare
    statuses (:func:`clv.data.transactions.status_text`: 'Open' is 'open', 'wc-open' too)."""
    if not paid or not unpaid:
        return []
    from clv.data.transactions import _compared

    said = _compared(unpaid)
    return [given for text, given in _compared(paid).items() if text in said]


def preload(*modules: str) -> None:
    """Import ``modules`` in a background thread, while the command reads its data.

    Reading a large file runs in Polars, which releases the interpreter, so the import of what
    the command needs next (the models import SciPy's optimize and special: 0.5-0.8 s) costs
    no wall time of its own. The import system's locks make the command's own later import of
    a module wait for this one to finish, never run it twice; an import that fails here is
    left to fail again, with its message, where the command imports it."""
    import importlib
    import threading

    def run() -> None:
        for module in modules:
            try:
                importlib.import_module(module)
            except Exception:  # noqa: BLE001 - raised again where the command imports it
                return

    threading.Thread(target=run, name="clv-preload", daemon=True).start()


@dataclass(frozen=True)
class Reading:
    """The mapping and reading options a command was given (see :func:`reads_data`)."""

    options: dict[str, Any]

    def _read(self, keep: tuple[str, ...] | None = None) -> dict[str, Any]:
        """The options of :func:`clv.data.read_transactions`."""
        options = dict(self.options)
        if keep is not None:
            options["keep"] = keep
        named = named_columns(options)
        for field in NAMED:
            options.pop(field, None)
        if named:  # the readers name them in ``columns``
            options["columns"] = named
        if options.get("max_amount") is None:
            options.pop("max_amount", None)
        for option, name in (("paid_status", "paid_statuses"),
                             ("unpaid_status", "unpaid_statuses")):
            values = statuses(options.pop(option, None))
            if values is not None:  # absent else: the database path takes no such option
                options[name] = values
        earliest = options.pop("earliest", None)
        if earliest is not None:  # 'none' switches the bound off
            options["earliest"] = None if earliest.strip().lower() == "none" else earliest
        return options

    def transactions(self, source: str, keep: tuple[str, ...] | None = None,
                     excluded_rows: bool = False) -> Transactions:
        """The transactions of ``source``; ``keep`` and ``excluded_rows`` as
        :func:`clv.data.read_transactions` (the optional columns carried: a command that uses
        none passes ``()``; every excluded row kept on the report)."""
        from clv.data import read_transactions

        return read_transactions(source, **self._read(keep), excluded_rows=excluded_rows)

    def summary(self, source: str, **options: Any
                ) -> tuple[Summary, DataIssues, Transactions | None]:
        """The RFM summary of ``source`` (``options``: those of :func:`clv.prep.rfm_summary`)
        and its data report: computed by the database when ``source`` is a database table
        it can summarise (:mod:`clv.prep.database`: one row per customer fetched), else from
        the rows read (then also returned); when a database table had to be read row by row,
        a note says why."""
        from clv.prep.database import summary_of_source

        summary, issues, tx, reason = summary_of_source(source, self._read(keep=()), options)
        if reason is not None:
            from clv.notes import Note

            issues.notes.append(Note("read_not_summarised", reason=reason))
        return summary, issues, tx

    @property
    def raw(self) -> dict[str, Any]:
        """The options of the raw readers (tables that are not transactions)."""
        return {k: self.options[k] for k in ("separator", "encoding", "sheet", "table", "query")}

    @property
    def currency(self) -> str | None:
        return self.options["currency"].upper() if self.options["currency"] else None

    def customers(self, path: Path | None) -> pl.DataFrame | None:
        """The customers table of ``--customers`` (None without it)."""
        if existing(path, "--customers") is None:
            return None
        from clv.data.tables import read_customers

        return read_customers(str(path), **self.raw)

    def spend(self, path: Path | None) -> pl.DataFrame | None:
        """The spend table of ``--spend`` (None without it). Rows left out (a month that
        cannot be read) are said on stderr in this run's language, with the first of them."""
        if existing(path, "--spend") is None:
            return None
        from clv.cli.output import number, say
        from clv.data.tables import read_spend_report

        read = read_spend_report(str(path), date_format=self.options["date_format"],
                                 **self.raw)
        for left in read.report.exclusions:
            if left.key == "empty_row":  # counted in the report, not worth a warning
                continue
            first = left.examples[0] if left.examples else None
            said = w("cli_the_first", example=w(
                "tbl_example_value", row=first["row"], column=first.get("column", ""),
                example=first.get("value", ""))) if first else ""
            say("cli_warning", "yellow", w(
                "cli_spend_left_out", source=read.report.source, n=left.count,
                count=number(left.count, 0), rows=number(read.report.rows_read, 0),
                reason=w(f"tbl_reason_{left.key}"), first=said))
        return read.frame

    def subscriptions(self, path: Path | None) -> pl.DataFrame | None:
        """The subscriptions table of ``--subscriptions`` (None without it). How it was read
        (the subscriptions still active, free or without a customer, the end column taken, a
        quantity left aside...) is said on stderr in this run's language, a note a line, as
        ``clv saas`` says it."""
        if existing(path, "--subscriptions") is None:
            return None
        from clv.cli.output import note_words, say
        from clv.data.table_reports import TableNote
        from clv.data.tables import read_subscriptions_report

        read = read_subscriptions_report(str(path), keep=("plan",), mrr="mrr", **self.raw)
        for note in read.report.notes:
            if isinstance(note, TableNote):
                say("cli_note", "yellow", f"{read.report.source}: {note_words(note)}")
        return read.frame


# --- valuation ----------------------------------------------------------------------------------
Horizon = Annotated[float, typer.Option(
    help="How far ahead the future value (CLV) looks, in --horizon-unit; LTV:CAC and the "
         "lifetime value look over the whole remaining lifetime.")]
HorizonUnit = Annotated[D.Unit, typer.Option(help="Unit of --horizon.")]
Margin = Annotated[float, typer.Option(help="Gross margin rate, in (0, 1].")]
DiscountRate = Annotated[float, typer.Option(help="Yearly discount rate of future value.")]
Level = Annotated[float, typer.Option(help="Level of the intervals, between 0 and 1.")]
Draws = Annotated[int, typer.Option(help="Parameter draws of the intervals (20 to 10,000).")]

VALUE_OPTIONS: dict[str, tuple[Any, Any]] = {  # Settings field: (annotation, default)
    "model": (Model, D.MODEL), "unit": (Unit, D.UNIT), "horizon": (Horizon, D.HORIZON),
    "horizon_unit": (HorizonUnit, D.HORIZON_UNIT), "margin": (Margin, D.MARGIN),
    "discount_rate": (DiscountRate, D.DISCOUNT_RATE),
    "calibration_end": (CalibrationEnd, None), "observation_end": (ObservationEnd, None),
    "midpoint": (Midpoint, False), "level": (Level, D.LEVEL), "draws": (Draws, D.DRAWS),
}
# The option of a Settings field, where it is not the field's name ("--horizon-unit").
OPTION_OF = {"next_days": "--days"}


def _day(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ClvError(w("cli_err_date", option=option, value=value)) from None


def settings(read: Reading, **fields: Any) -> Settings:
    """One :class:`clv.valuation.Settings` of ``fields`` (options of a command, by the name of
    their field) and the currency of ``--currency``; a value Settings refuses is a user error
    that names its option."""
    from clv.valuation import Settings

    for name in ("calibration_end", "observation_end"):
        if isinstance(fields.get(name), str):
            fields[name] = _day(fields[name], "--" + name.replace("_", "-"))
    try:
        return Settings(**fields, currency=read.currency)
    except ClvError as exc:  # Settings' messages begin with the field's name
        name, _, rest = str(exc).partition(" ")
        if name not in (*fields, "currency"):
            raise
        option = OPTION_OF.get(name, "--" + name.replace("_", "-"))
        if exc.key is not None and "name" in exc.values:  # its words kept: said in French too
            raise exc.with_values(name=option) from None
        raise ClvError(f"{option} {rest}") from None


@dataclass(frozen=True)
class Valuing:
    """The valuation options a command was given (see :func:`values_customers`)."""

    options: dict[str, Any]

    def settings(self, read: Reading, **more: Any) -> Settings:
        """The Settings of these options, ``--currency`` and ``more`` (the command's own
        settings, e.g. ``lever``)."""
        return settings(read, **{**self.options, **more})


# --- the decorators -----------------------------------------------------------------------------
Group = tuple[dict[str, tuple[Any, Any]], Callable[[dict[str, Any]], Any]]


def _with_options(func: Callable[..., None], groups: dict[str, Group]) -> Callable[..., None]:
    """Give ``func`` the options of each group after its own ones, collected into its
    parameter of the group's name by the group's function (Typer builds the options from
    ``__signature__``); and ``--lang`` unless it has its own (its callback sets the language:
    the value is not passed on)."""
    signature = inspect.signature(func, eval_str=True)
    params = list(signature.parameters.values())
    if "lang" not in signature.parameters:
        groups = {**groups, "lang": ({"lang": (Lang, None)}, lambda options: None)}
    own = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in params[1:]
           if p.name not in groups]
    injected = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default,
                                  annotation=annotation)
                for options, _ in groups.values() for name, (annotation, default)
                in options.items()]

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        for parameter, (options, collect) in groups.items():
            value = collect({name: kwargs.pop(name) for name in options})
            if parameter in signature.parameters:
                kwargs[parameter] = value
        func(*args, **kwargs)

    wrapper.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[params[0], *own, *injected])
    return wrapper


def _reading(options: dict[str, Any]) -> Reading:
    check_reading(options)
    return Reading(options)


def speaks(func: Callable[..., None]) -> Callable[..., None]:
    """Give a command that reads no data ``--lang`` (the decorators below give it too)."""
    return _with_options(func, {})


def reads_data(func: Callable[..., None]) -> Callable[..., None]:
    """Give a command every mapping and reading option, collected into its ``read: Reading``
    parameter."""
    return _with_options(func, {"read": (READ_OPTIONS, _reading)})


def values_customers(func: Callable[..., None]) -> Callable[..., None]:
    """Give a command the valuation options (collected into its ``valuing: Valuing``
    parameter) and every reading option (into ``read: Reading``): the same options, with the
    same defaults, on every command that values customers."""
    return _with_options(func, {"valuing": (VALUE_OPTIONS, Valuing),
                                "read": (READ_OPTIONS, _reading)})


def existing(path: Path | None, option: str) -> Path | None:
    """A file an option names, refused before anything is read when it does not exist."""
    if path is not None and not path.exists():
        raise ClvError(w("cli_err_no_file", option=option, path=str(path)))
    return path


def choose(value: str, option: str, allowed: tuple[str, ...] | Any) -> str:
    """``value`` when it is one of ``allowed``; else a user error naming the option, checked
    before anything is read."""
    if value not in allowed:
        raise ClvError(w("cli_err_one_of", option=option, allowed=", ".join(allowed),
                         value=value))
    return value


def _either(values: tuple[str, ...]) -> str:
    """``a, b or c`` (``a, b ou c``)."""
    return ", ".join(values[:-1]) + w("cli_or") + values[-1] if len(values) > 1 else values[0]
