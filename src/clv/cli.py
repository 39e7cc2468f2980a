"""The ``clv`` command line: thin Typer commands over the library, Rich output, ``--json``.

User errors (bad files, columns, settings) exit with status 2 and one sentence naming the file,
row and column; they never print a traceback. Anything else is a bug: one line saying so, with
a reference and the file holding its traceback, and status 1.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import json
import math
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, NoReturn

import polars as pl
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from clv import formulas
from clv.data import Transactions, read_transactions
from clv.errors import ClvError
from clv.export import spreadsheet_safe
from clv.notes import Note
from clv.prep import UNIT_DAYS, Summary, check_horizon, rfm_summary

# rich_markup_mode=None: help texts are plain text, so brackets ("[campaign]", "clv[excel]")
# are shown as written instead of being read as Rich markup.
app = typer.Typer(help="clv: measure, predict and explain customer lifetime value.",
                  no_args_is_help=True, add_completion=False, rich_markup_mode=None)
calc = typer.Typer(help="Closed-form LTV formulas of each business model.",
                   no_args_is_help=True, rich_markup_mode=None)
app.add_typer(calc, name="calc")
# Piped output gets a fixed width instead of Rich's 80 columns, so tables are not truncated.
out = Console(width=None if sys.stdout.isatty() else 120)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 120)

# Options shared by every command that reads a file.
Customer = Annotated[str | None, typer.Option(help="Column holding the customer id.")]
DateCol = Annotated[str | None, typer.Option("--date", help="Column holding the date.")]
AmountCol = Annotated[str | None, typer.Option("--amount", help="Column holding the amount.")]
Preset = Annotated[str | None, typer.Option(help="Export preset: shopify, woocommerce, stripe.")]
DateFormat = Annotated[str | None, typer.Option(
    help="iso, dmy, mdy, ymd, epoch, epoch_ms, or a strftime format such as %d.%m.%Y.")]
Refunds = Annotated[str, typer.Option(help="Negative amounts: net, drop or error.")]
Strict = Annotated[bool, typer.Option(help="Fail on the first row that would be excluded.")]
Json = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
Source = Annotated[str, typer.Argument(
    metavar="FILE",
    help="A file (CSV/text, Parquet, Excel, JSON lines) or a database URL (with --table or "
         "--query).")]


Decimal = Annotated[str | None, typer.Option(help="Decimal separator: ',' or '.'.")]
Currency = Annotated[str | None, typer.Option(
    help="Keep this currency (default: the most frequent).")]
Timezone = Annotated[str, typer.Option(help="Zone all timestamps are converted to.")]
SourceZone = Annotated[str | None, typer.Option(
    help="Zone of timestamps written without offset (default: --timezone).")]
Separator = Annotated[str | None, typer.Option(help="CSV delimiter (default: sniffed).")]
Sheet = Annotated[str | None, typer.Option(help="Excel sheet name.")]
Table_ = Annotated[str | None, typer.Option("--table", help="Database table to read.")]
Query = Annotated[str | None, typer.Option(help="Database query to read.")]
Encoding = Annotated[str | None, typer.Option(
    help="Text encoding of the file, e.g. utf-8, cp1252, latin-1 (default: detected).")]
OrderId = Annotated[str | None, typer.Option(
    "--order-id", help="Column holding the order id (repeated rows of an order are lines).")]
ProductCol = Annotated[str | None, typer.Option("--product", help="Column holding the product.")]
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

# Canonical field of a MappingError -> the option that names its column.
FIELD_OPTIONS = {"customer_id": "--customer", "timestamp": "--date", "amount": "--amount",
                 "quantity": "--quantity", "price": "--price", "order_id": "--order-id",
                 "product": "--product", "channel": "--channel"}


def _check_reading(options: dict[str, Any]) -> None:
    """Refuse a reading option of unknown value before anything is read."""
    refunds, duplicates = options.get("refunds", "net"), options.get("duplicates", "auto")
    if refunds not in ("net", "drop", "error"):
        raise ClvError(f"--refunds must be net, drop or error, not '{refunds}'")
    if duplicates not in ("auto", "drop", "keep"):
        raise ClvError(f"--duplicates must be auto, drop or keep, not '{duplicates}'")
    if options.get("decimal") not in (None, ",", "."):
        raise ClvError(f"--decimal must be ',' or '.', not '{options['decimal']}'")
    earliest = options.get("earliest")
    if earliest is not None and earliest.strip().lower() != "none":
        try:
            dt.date.fromisoformat(earliest.strip())
        except ValueError:
            raise ClvError(f"--earliest must be a day such as 1970-01-01, or none, not "
                           f"'{earliest}'") from None
    amount = options.get("max_amount")
    if amount is not None and not 0 < amount < math.inf:
        raise ClvError(f"--max-amount must be a positive number, not {amount:g}")
    if options.get("encoding"):
        import codecs

        try:
            if not codecs.lookup(options["encoding"])._is_text_encoding:
                raise LookupError(options["encoding"])
        except LookupError:
            raise ClvError(f"--encoding '{options['encoding']}' is not a known encoding (e.g. "
                           "utf-8, cp1252, latin-1)") from None


UNITS = tuple(UNIT_DAYS)  # day, week, month, year


def _choose(value: str, option: str, allowed: tuple[str, ...] | Any) -> str:
    """``value`` when it is one of ``allowed``; else a user error naming the option, checked
    before anything is read."""
    if value not in allowed:
        raise ClvError(f"{option} must be one of {', '.join(allowed)}, not '{value}'")
    return value


def _existing(path: Path | None, option: str) -> Path | None:
    """A file an option names, refused before anything is read when it does not exist."""
    if path is not None and not path.exists():
        raise ClvError(f"{option} {path}: no such file")
    return path


def _read(source: str, customer: str | None, date: str | None, amount: str | None,
          preset: str | None, date_format: str | None, refunds: str, strict: bool,
          duplicates: str = "auto", **options: Any) -> Transactions:
    _check_reading({"refunds": refunds, "duplicates": duplicates, **options})
    if options.get("max_amount") is None:
        options.pop("max_amount", None)
    earliest = options.pop("earliest", None)
    if earliest is not None:  # 'none' switches the bound off
        options["earliest"] = None if earliest.strip().lower() == "none" else earliest
    return read_transactions(source, customer=customer, date=date, amount=amount,
                             preset=preset, date_format=date_format,
                             refunds=refunds,  # type: ignore[arg-type]
                             duplicates=duplicates,  # type: ignore[arg-type]
                             strict=strict, **options)


READ_OPTIONS: dict[str, tuple[Any, Any]] = {  # option name: (annotation, default)
    "customer": (Customer, None), "date": (DateCol, None), "amount": (AmountCol, None),
    "order_id": (OrderId, None), "product": (ProductCol, None),
    "channel": (ChannelCol, None), "quantity": (QuantityCol, None), "price": (PriceCol, None),
    "preset": (Preset, None), "date_format": (DateFormat, None), "refunds": (Refunds, "net"),
    "duplicates": (Duplicates, "auto"),
    "strict": (Strict, False), "decimal": (Decimal, None), "currency": (Currency, None),
    "timezone": (Timezone, "UTC"), "source_timezone": (SourceZone, None),
    "separator": (Separator, None), "encoding": (Encoding, None), "sheet": (Sheet, None),
    "table": (Table_, None), "query": (Query, None), "earliest": (Earliest, None),
    "max_amount": (MaxAmount, None),
}


@dataclass(frozen=True)
class Reading:
    """The mapping and reading options a command was given (see :func:`reads_data`)."""

    options: dict[str, Any]

    def transactions(self, source: str) -> Transactions:
        return _read(source, **self.options)

    @property
    def raw(self) -> dict[str, Any]:
        """The options of the raw readers (tables that are not transactions)."""
        return {k: self.options[k] for k in ("separator", "encoding", "sheet", "table", "query")}


def reads_data(func: Callable[..., None]) -> Callable[..., None]:
    """Give a command every mapping and reading option, after its own options, collected
    into its ``read: Reading`` parameter (Typer builds the options from ``__signature__``)."""
    signature = inspect.signature(func, eval_str=True)
    params = list(signature.parameters.values())
    rest = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in params[1:]
            if p.name != "read"]
    injected = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default,
                                  annotation=annotation)
                for name, (annotation, default) in READ_OPTIONS.items()]

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        options = {name: kwargs.pop(name) for name in READ_OPTIONS}
        _check_reading(options)
        func(*args, read=Reading(options), **kwargs)

    wrapper.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[params[0], *rest, *injected])
    return wrapper


def _print_json(payload: Any) -> None:
    def clean(v: Any) -> Any:
        if isinstance(v, float) and not math.isfinite(v):
            return None if math.isnan(v) else ("inf" if v > 0 else "-inf")
        if isinstance(v, dict):
            return {k: clean(x) for k, x in v.items()}
        if isinstance(v, list | tuple):
            return [clean(x) for x in v]
        if isinstance(v, dt.date):
            return v.isoformat()
        return v

    sys.stdout.write(json.dumps(clean(payload), indent=2, default=str) + "\n")


def _print_issues(tx: Transactions) -> None:
    iss = tx.issues
    # File names, column names and notes are the user's text: escaped, never read as markup.
    out.print(f"[bold]{escape(str(iss.source))}[/]: {iss.rows_read:,} rows read, "
              f"{iss.rows_kept:,} kept, {iss.rows_excluded:,} excluded")
    out.print("Columns: " + tx.mapping.describe(), markup=False)
    if iss.exclusions:
        t = Table(title="Excluded rows", title_justify="left")
        for c in ("reason", "rows", "amount", "first rows"):
            t.add_column(c, justify="right" if c in ("rows", "amount") else "left")
        for e in iss.exclusions:
            rows = ", ".join(str(x["row"]) for x in e.examples)
            t.add_row(escape(str(e.reason)), f"{e.count:,}", f"{e.amount:,.2f}", rows)
        out.print(t)
    out.print(f"Amounts: read {iss.amount_read:,.2f} = kept {iss.amount_kept:,.2f} + excluded "
              f"{iss.amount_excluded:,.2f}")
    for n in iss.notes:
        out.print(f"[dim]note: {escape(cli_words(str(n)))}[/]")


@app.command()
@reads_data
def check(
    file: Source,
    read: Reading,
    as_json: Json = False,
) -> None:
    """Read a transactions file and show the column mapping and the data-quality report."""
    tx = read.transactions(file)
    if as_json:
        _print_json(tx.issues.to_dict())
    else:
        _print_issues(tx)


@app.command()
@reads_data
def summary(
    file: Source,
    read: Reading,
    unit: Annotated[str, typer.Option(help="day, week, month (30.4375 days) or year.")] = "week",
    calibration_end: Annotated[str | None, typer.Option(help="Last day of calibration.")] = None,
    observation_end: Annotated[str | None, typer.Option(help="Last day observed.")] = None,
    merge: Annotated[str, typer.Option(help="Purchases in the same period are merged.")] = "day",
    output: Annotated[Path | None, typer.Option("-o", "--output",
                                                help="Write the summary (.csv/.parquet).")] = None,
    as_json: Json = False,
) -> None:
    """Per-customer RFM summary (frequency, recency, T, monetary), optionally with holdout."""
    _choose(unit, "--unit", UNITS)
    _choose(merge, "--merge", UNITS)
    tx = read.transactions(file)
    s = rfm_summary(tx, unit=unit, observation_end=observation_end,  # type: ignore[arg-type]
                    calibration_end=calibration_end, merge=merge)  # type: ignore[arg-type]
    if output is not None:
        s.write(str(output))
    stats = _summary_stats(s)
    if as_json:
        _print_json({"data": tx.issues.to_dict(), "summary": s.info(), "stats": stats,
                     "output": str(output) if output else None})
        return
    _print_issues(tx)
    t = Table(title=f"Summary ({s.unit}s; observation end {s.observation_end}"
                    + (f", calibration end {s.calibration_end})" if s.calibration_end else ")"),
              title_justify="left")
    t.add_column("figure")
    t.add_column("value", justify="right")
    for k, v in stats.items():
        t.add_row(k.replace("_", " "), f"{v:,.3f}" if isinstance(v, float) else f"{v:,}")
    out.print(t)
    for line in s.report.lines():
        out.print(f"[dim]{escape(str(line))}[/]")
    if output is not None:
        out.print(f"Summary written to {output}", markup=False)


def _summary_stats(s: Summary) -> dict[str, Any]:
    f = s.frame
    repeat = f.filter(pl.col("frequency") > 0)
    stats: dict[str, Any] = {
        "customers": f.height,
        "one_time_buyers": f.height - repeat.height,
        "repeat_buyers": repeat.height,
        "mean_frequency": float(f["frequency"].mean() or 0.0),
        "mean_recency": float(f["recency"].mean() or 0.0),
        "mean_T": float(f["T"].mean() or 0.0),
        "mean_monetary_of_repeat_buyers": float(repeat["monetary"].mean() or 0.0),
        "total_amount": float(f["total_amount"].sum()),
    }
    if s.has_holdout:
        stats["holdout_transactions"] = int(f["frequency_holdout"].sum())
        stats["holdout_duration"] = float(f["duration_holdout"][0]) if f.height else 0.0
    return stats


@app.command()
def demo(
    customers: Annotated[int, typer.Option(help="Customers to simulate.")] = 20_000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 7,
    report: Annotated[Path, typer.Option(help="Where to write the HTML report.")
                      ] = Path("clv-demo-report.html"),
    lang: Annotated[str, typer.Option(help="Language of the report: en or fr.")] = "en",
    as_json: Json = False,
    serve: Annotated[bool, typer.Option(help="Then open the dashboard on the analysis.")
                     ] = False,
    port: Annotated[int, typer.Option(help="Port of the dashboard (with --serve).")] = 8000,
) -> None:
    """The tour: simulate a shop (and a SaaS), read it back through validation, run every
    analysis, print the headline figures and write the HTML report; with --serve, start the
    dashboard on it (127.0.0.1)."""
    from rich.progress import Progress

    from clv.datasets import sample_saas, sample_shop
    from clv.pipeline import Settings, analyze
    from clv.report import LANGS, write

    _choose(lang, "--lang", LANGS)
    started = time.perf_counter()
    shop = sample_shop(customers, seed=seed)
    tx = read_transactions(shop.transactions, as_of=dt.datetime.combine(
        shop.observation_end, dt.time.max))
    s = rfm_summary(tx, unit="month", observation_end=shop.observation_end)
    headline = _headline(tx, s, shop.spend)
    with Progress(console=out, transient=True, disable=as_json) as bar:
        task = bar.add_task("analysis", total=1.0)
        analysis = analyze(tx, spend=shop.spend, customers=shop.customers,
                           subscriptions=sample_saas(max(1000, customers // 4),
                                                     seed=seed).subscriptions,
                           settings=Settings(margin=DEMO_MARGIN),
                           progress=lambda step, share: bar.update(
                               task, completed=share, description=f"done: {step}"))
    path = write(analysis, report, lang)
    elapsed = time.perf_counter() - started
    if as_json:
        _print_json({"data": tx.issues.to_dict(), "summary": s.info(), **headline,
                     "kpis": analysis.kpis, "report": str(path), "seconds": elapsed})
    else:
        _print_tour(analysis, tx, headline, customers, seed, shop, path, elapsed)
    if serve:
        from clv.store import DEFAULT_URL
        from clv.web import serve as run

        run(DEFAULT_URL, port=port, analyses=[(analysis, f"demo shop ({customers:,})")],
            announce=lambda text: out.print(text, markup=False, highlight=False))


def _print_tour(analysis: Any, tx: Transactions, headline: dict[str, Any], customers: int,
                seed: int, shop: Any, path: Path, elapsed: float) -> None:
    out.print(f"[bold]clv demo[/]: a simulated shop of {customers:,} customers, "
              f"{shop.start} to {shop.observation_end} (seed {seed})")
    _print_issues(tx)
    t = Table(title="Headline figures", title_justify="left")
    t.add_column("figure")
    t.add_column("value", justify="right")
    for k, v in headline["overall"].items():
        t.add_row(k.replace("_", " "), f"{v:,.2f}" if isinstance(v, float) else f"{v:,}")
    k = analysis.kpis
    t.add_row("predicted CLV per customer (12 months, 30% margin)", f"{k['predicted_clv']:,.2f}")
    t.add_row("value of a new customer", f"{k['new_customer_ltv']:,.2f}")
    out.print(t)
    c = Table(title="By acquisition channel", title_justify="left")
    for col in ("channel", "customers", "CAC", "LTV 12m (historical)", "LTV (predicted)",
                "LTV:CAC", "verdict", "payback (months)"):
        c.add_column(col, justify="left" if col in ("channel", "verdict") else "right")
    assert analysis.channels is not None
    for r in analysis.channels.channels.iter_rows(named=True):
        c.add_row(r["channel"], f"{r['customers']:,}", f"{r['cac'] or 0:,.2f}",
                  f"{r['historical_ltv_12m'] or 0:,.2f}", f"{r['predicted_ltv']:,.2f}",
                  f"{r['ltv_cac'] or 0:.2f}x", r["verdict"] or "-",
                  str(r["predicted_payback_months"] or "-"))
    out.print(c)
    out.print(f"Report written to [bold]{escape(str(path))}[/] (open it in a browser; it works "
              "offline)")
    out.print(f"[dim]Finished in {elapsed:.1f} s. Margins use 30%.[/]")


DEMO_MARGIN = 0.3


def _headline(tx: Transactions, s: Summary, spend: pl.DataFrame) -> dict[str, Any]:
    f = s.frame
    frame = tx.frame
    orders = frame.filter(pl.col("amount") > 0)
    years = (s.observation_end - frame["timestamp"].min().date()).days / 365.25
    purchases_per_year = float((f["n_periods"] / (f["T"] * 30.4375 / 365.25).clip(1 / 12))
                               .mean())
    aov = float(orders.group_by("order_id").agg(pl.col("amount").sum())["amount"].mean()) \
        if "order_id" in frame.columns else float(orders["amount"].mean())
    overall = {
        "customers": f.height,
        "transactions_after_same_day_merge": int(f["n_periods"].sum()),
        "net_revenue": float(frame["amount"].sum()),
        "refunds": float(-frame.filter(pl.col("amount") < 0)["amount"].sum()),
        "average_order_value": aov,
        "repeat_rate": float((f["frequency"] > 0).mean()),
        "purchases_per_customer_per_year": purchases_per_year,
        "revenue_per_customer_to_date": float(f["total_amount"].mean()),
        "years_observed": years,
    }
    by_channel = (
        frame.group_by("customer_id").agg(pl.col("channel").first(), pl.col("amount").sum())
        .group_by("channel").agg(pl.len().alias("customers"),
                                 pl.col("amount").mean().alias("revenue_per_customer"))
        .join(spend.group_by("channel").agg(pl.col("spend").sum(),
                                            pl.col("new_customers").sum()), on="channel")
        .sort("revenue_per_customer", descending=True)
    )
    channels = []
    for r in by_channel.iter_rows(named=True):
        cac = r["spend"] / r["new_customers"]
        margin = r["revenue_per_customer"] * DEMO_MARGIN
        verdict = formulas.ltv_cac_ratio(max(margin, 0.0), cac)
        channels.append({**r, "cac": cac, "margin_per_customer": margin,
                         "ltv_cac": verdict.ratio, "verdict": verdict.level})
    return {"overall": overall, "channels": channels, "margin": DEMO_MARGIN}


# --- formulas ---------------------------------------------------------------------------------

Margin = Annotated[float, typer.Option(help="Gross margin rate in [0, 1].")]


def _result(name: str, value: float, inputs: dict[str, Any], as_json: bool,
            unit: str = "") -> None:
    if as_json:
        _print_json({"formula": name, "inputs": inputs, "value": value})
    else:
        out.print(f"{name}: [bold]{value:,.2f}[/]{unit}")


@calc.command("service")
def calc_service(
    yearly_revenue: Annotated[float, typer.Option(help="Revenue per customer per year.")],
    years: Annotated[float, typer.Option(help="Years retained.")],
    margin: Margin = 1.0, as_json: Json = False,
) -> None:
    """Service business: yearly revenue x margin x years retained."""
    v = formulas.service_ltv(yearly_revenue, years, margin)
    _result("service LTV", v, {"yearly_revenue": yearly_revenue, "years": years,
                               "margin": margin}, as_json)


@calc.command("ecommerce")
def calc_ecommerce(
    basket: Annotated[float, typer.Option(help="Average basket per order.")],
    purchases: Annotated[float, typer.Option(help="Purchases over the lifetime.")],
    margin: Margin = 1.0,
    shipping: Annotated[float, typer.Option(help="Shipping included in the basket.")] = 0.0,
    as_json: Json = False,
) -> None:
    """E-commerce: (average basket - shipping) x margin x purchases."""
    v = formulas.ecommerce_ltv(basket, purchases, margin, shipping)
    _result("e-commerce LTV", v, {"basket": basket, "purchases": purchases, "margin": margin,
                                  "shipping": shipping}, as_json)


@calc.command("saas-churn")
def calc_saas_churn(
    mrr: Annotated[float, typer.Option(help="Monthly revenue per account (ARPA).")],
    churn: Annotated[float, typer.Option(help="Monthly churn rate, e.g. 0.05.")],
    margin: Margin = 1.0, as_json: Json = False,
) -> None:
    """SaaS: MRR x margin / monthly churn."""
    v = formulas.saas_ltv_churn(mrr, churn, margin)
    _result("SaaS LTV", v, {"mrr": mrr, "churn": churn, "margin": margin}, as_json)


@calc.command("saas-lifetime")
def calc_saas_lifetime(
    mrr: Annotated[float, typer.Option(help="Monthly revenue per account (ARPA).")],
    months: Annotated[float, typer.Option(help="Months retained.")],
    margin: Margin = 1.0, as_json: Json = False,
) -> None:
    """SaaS: MRR x margin x months retained."""
    v = formulas.saas_ltv_lifetime(mrr, months, margin)
    _result("SaaS LTV", v, {"mrr": mrr, "months": months, "margin": margin}, as_json)


@calc.command("generic")
def calc_generic(
    value: Annotated[float, typer.Option(help="Average purchase value.")],
    frequency: Annotated[float, typer.Option(help="Purchases per unit of time.")],
    lifespan: Annotated[float, typer.Option(help="Lifespan, in the same unit.")],
    margin: Margin = 1.0, as_json: Json = False,
) -> None:
    """Generic: average purchase value x frequency x lifespan x margin."""
    v = formulas.generic_ltv(value, frequency, lifespan, margin)
    _result("LTV", v, {"value": value, "frequency": frequency, "lifespan": lifespan,
                       "margin": margin}, as_json)


@calc.command("discounted")
def calc_discounted(
    margin_per_period: Annotated[float, typer.Option(help="Margin per customer per period.")],
    retention: Annotated[float, typer.Option(help="Retention rate per period.")],
    discount_rate: Annotated[float, typer.Option(help="Discount rate per period.")],
    periods: Annotated[int | None, typer.Option(help="Horizon (default: no end).")] = None,
    as_json: Json = False,
) -> None:
    """Geometric retention with discounting: sum of m (r / (1 + d))^t."""
    v = formulas.discounted_ltv(margin_per_period, retention, discount_rate, periods)
    _result("discounted LTV", v, {"margin_per_period": margin_per_period,
                                  "retention": retention, "discount_rate": discount_rate,
                                  "periods": periods}, as_json)


@calc.command("ratio")
def calc_ratio(
    ltv: Annotated[float, typer.Option(help="Lifetime value (margin).")],
    cac: Annotated[float, typer.Option(help="Customer acquisition cost.")],
    as_json: Json = False,
) -> None:
    """LTV:CAC with a verdict (healthy at 3x or more)."""
    r = formulas.ltv_cac_ratio(ltv, cac)
    if as_json:
        _print_json({"formula": "LTV:CAC", "inputs": {"ltv": ltv, "cac": cac},
                     "value": r.ratio, "level": r.level, "advice": r.advice})
    else:
        out.print(f"LTV:CAC = [bold]{escape(str(r))}[/]")


@calc.command("max-cac")
def calc_max_cac(
    ltv: Annotated[float, typer.Option(help="Lifetime value (margin).")],
    target: Annotated[float, typer.Option(help="Target LTV:CAC ratio.")] = 3.0,
    as_json: Json = False,
) -> None:
    """Largest CAC keeping the target LTV:CAC ratio."""
    v = formulas.max_cac(ltv, target)
    _result("maximum CAC", v, {"ltv": ltv, "target": target}, as_json)


@calc.command("payback")
def calc_payback(
    cac: Annotated[float, typer.Option(help="Customer acquisition cost.")],
    mrr: Annotated[float, typer.Option(help="Monthly revenue per customer.")],
    margin: Margin = 1.0,
    churn: Annotated[float, typer.Option(help="Monthly churn rate.")] = 0.0,
    as_json: Json = False,
) -> None:
    """Months until cumulative margin repays the CAC."""
    v = formulas.cac_payback_months(cac, mrr, margin, churn)
    _result("CAC payback", v, {"cac": cac, "mrr": mrr, "margin": margin, "churn": churn},
            as_json, unit=" months")


# --- models -----------------------------------------------------------------------------
ModelName = Annotated[str, typer.Option(
    "--model", help="bgnbd, mbgnbd, pnbd (transactions), gg (spend), bgbb (patterns: "
                    "frequency, recency, periods, weight), sbg (subscriptions: start, end).")]
# The commands that predict purchases take only the purchase models.
PurchaseModel = Annotated[str, typer.Option(
    "--model", help="Purchase model: bgnbd, mbgnbd or pnbd (the spend model is Gamma-Gamma).")]
Unit = Annotated[str, typer.Option(help="day, week, month (30.4375 days) or year.")]
CalEnd = Annotated[str | None, typer.Option(help="Last day of the calibration period.")]
ObsEnd = Annotated[str | None, typer.Option(help="Last day observed.")]
Midpoint = Annotated[bool, typer.Option(
    help="Add half a day to T (purchases at any time of day; see rfm_summary).")]
PURCHASE_MODELS = ("bgnbd", "mbgnbd", "pnbd")


def _purchase_class(name: str) -> Any:
    from clv.evaluate import MODELS

    if name not in MODELS:
        raise ClvError(f"--model must be one of {', '.join(MODELS)} here, not '{name}'")
    return MODELS[name]


def _model_payload(model: Any, label: str | None = None) -> dict[str, Any]:
    return {"model": model.NAME, "group": label, "params": model.params_,
            "stderr": model.stderr_, "loglik": model.loglik_, "aic": model.aic_,
            "bic": model.bic_, "n_customers": model.n_customers_, "unit": model.unit_,
            "boundary": dict(getattr(model, "boundary_", {})),
            "notes": list(getattr(model, "notes_", ()))}


def _print_model(model: Any, title: str) -> None:
    t = Table(title=title, title_justify="left")
    for col in model.summary().columns:
        t.add_column(col, justify="left" if col == "param" else "right")
    for row in model.summary().iter_rows():  # no standard error (a limit): '-', not nan
        t.add_row(row[0], *("-" if v is None or (isinstance(v, float) and math.isnan(v))
                            else v if isinstance(v, str) else f"{v:.4g}" for v in row[1:]))
    out.print(t)
    out.print(f"log-likelihood {model.loglik_:,.2f}, AIC {model.aic_:,.2f}, BIC {model.bic_:,.2f}, "
              f"{model.n_customers_:,} customers, unit {model.unit_ or 'period'}")
    _print_model_notes(model)


def _print_model_notes(model: Any) -> None:
    """A fitted model's notes (e.g. a fit at a limit: no dropout)."""
    for n in getattr(model, "notes_", ()):
        out.print(f"[yellow]note:[/] {escape(str(n))}")


@app.command()
@reads_data
def fit(
    file: Source,
    read: Reading,
    model: ModelName = "bgnbd",
    unit: Annotated[str | None, typer.Option(
        help="day, week, month or year (default: week; month for sbg).")] = None,
    calibration_end: CalEnd = None, observation_end: ObsEnd = None,
    midpoint: Midpoint = False,
    by: Annotated[str | None, typer.Option(
        help="sbg: fit one model per value of this column, or per start cohort ('cohort').")
    ] = None,
    as_of: Annotated[str | None, typer.Option(help="sbg: date the table describes.")] = None,
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="Save the fitted model to JSON.")] = None,
    as_json: Json = False,
) -> None:
    """Fit a model by maximum likelihood and show its estimates, standard errors and fit."""
    from clv.models import BGBB, GammaGamma
    from clv.models.sbg import fit_sbg

    if model not in (*PURCHASE_MODELS, "gg", "bgbb", "sbg"):
        raise ClvError(f"--model must be one of {', '.join(PURCHASE_MODELS)}, gg, bgbb or sbg, "
                       f"not '{model}'")
    if unit is not None:
        _choose(unit, "--unit", (*UNITS, "quarter") if model == "sbg" else UNITS)
    raw_opts = read.raw
    fitted: dict[Any, Any]
    tx: Transactions | None = None  # the transaction models' data, reported like elsewhere
    if model == "bgbb":
        from clv.data.tables import read_patterns

        fitted = {None: BGBB().fit(read_patterns(file, **raw_opts))}
    elif model == "sbg":
        from clv.data.tables import read_subscriptions

        subs = read_subscriptions(file, date_format=read.options["date_format"],
                                  keep=(by,) if by and by != "cohort" else (), **raw_opts)
        fitted = fit_sbg(subs, unit or "month", by=by, as_of=as_of)
    else:
        tx = read.transactions(file)
        s = rfm_summary(tx, unit=unit or "week",  # type: ignore[arg-type]
                        observation_end=observation_end, calibration_end=calibration_end,
                        midpoint=midpoint)
        cls = GammaGamma if model == "gg" else _purchase_class(model)
        fitted = {None: cls().fit(s)}
    if output is not None:
        if len(fitted) > 1:
            raise ClvError("-o saves one model; fit without --by to save the pooled model")
        next(iter(fitted.values())).save(output)
    if as_json:
        _print_json({**({"data": tx.issues.to_dict()} if tx is not None else {}),
                     "models": [_model_payload(m, None if k is None else str(k))
                                for k, m in fitted.items()],
                     "output": str(output) if output else None})
        return
    if tx is not None:
        _print_issues(tx)
    for key, m in fitted.items():
        _print_model(m, m.NAME + ("" if key is None else escape(f" ({by} = {key})")))
    if output is not None:
        out.print(f"Model saved to {output}", markup=False)


def _write_frame(frame: pl.DataFrame, path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        spreadsheet_safe(frame).write_csv(path)  # no cell a spreadsheet would run
    elif suffix == ".parquet":
        frame.write_parquet(path)
    elif suffix == ".xlsx":
        try:
            frame.write_excel(path)
        except ModuleNotFoundError as exc:
            raise ClvError(f"{path}: writing Excel needs xlsxwriter (pip install "
                           "'clv[excel]')") from exc
    else:
        raise ClvError(f"{path}: write to a .csv, .parquet or .xlsx file")


@app.command()
@reads_data
def predict(
    file: Source,
    read: Reading,
    model: PurchaseModel = "bgnbd",
    unit: Unit = "week", observation_end: ObsEnd = None, midpoint: Midpoint = False,
    horizon: Annotated[float, typer.Option(help="How far ahead.")] = 12.0,
    horizon_unit: Annotated[str, typer.Option(help="Unit of --horizon.")] = "month",
    margin: Annotated[float, typer.Option(help="Gross margin, 0 to 1.")] = 1.0,
    discount_rate: Annotated[float, typer.Option(help="Annual discount rate.")] = 0.0,
    interval: Annotated[float | None, typer.Option(
        help="Add intervals at this level (e.g. 0.9) from parameter draws.")] = None,
    draws: Annotated[int, typer.Option(help="Parameter draws for --interval.")] = 200,
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="Write per-customer predictions (.csv/.parquet/.xlsx).")] = None,
    as_json: Json = False,
) -> None:
    """Per-customer P(alive), expected purchases, expected spend and CLV over a horizon."""
    from clv.models import ConvergenceError, GammaGamma
    from clv.value import customer_value, value_intervals

    _purchase_class(model)
    _choose(unit, "--unit", UNITS)
    _choose(horizon_unit, "--horizon-unit", UNITS)
    if interval is not None and not 0 < interval < 1:
        raise ClvError(f"--interval is a level between 0 and 1 (e.g. 0.9), not {interval:g}")
    if draws < 10:
        raise ClvError(f"--draws must be at least 10, not {draws}")
    check_horizon(horizon, horizon_unit, "--horizon")  # at most 50 years
    tx = read.transactions(file)
    s = rfm_summary(tx, unit=unit, observation_end=observation_end,  # type: ignore[arg-type]
                    midpoint=midpoint)
    notes: list[str] = []
    try:
        purchases = _purchase_class(model)().fit(s)
    except ClvError as exc:  # one customer, or nobody bought twice: the NBD, as analyze does
        from clv.models.nbd import NBD

        purchases = NBD().fit(s)
        notes.append(Note("no_model", reason=str(exc)))
    spend: GammaGamma | float
    try:
        spend = GammaGamma().fit(s)
    except (ConvergenceError, ClvError) as exc:  # the mean spend per purchase, as analyze does
        repeat = s.frame.filter(pl.col("frequency") > 0)["monetary"]
        spend = float(repeat.mean()) if repeat.len() else float(
            s.frame["total_amount"].sum() / max(s.frame.height, 1))
        notes.append(Note("no_spend_model", reason=str(exc)))
    settings = {"spend": spend, "margin": margin, "discount_rate": discount_rate}
    frame = customer_value(purchases, s, horizon, horizon_unit, **settings)  # type: ignore[arg-type]
    total: dict[str, float] = {"clv": float(frame["clv"].sum())}
    if interval is not None:
        v = value_intervals(purchases, s, horizon, horizon_unit, level=interval, draws=draws,
                            **settings)  # type: ignore[arg-type]
        frame = frame.with_columns(v.customers["clv_lower"], v.customers["clv_upper"])
        total = v.total
        notes += v.notes
    frame = s.frame.select("customer_id", "frequency", "recency", "T", "monetary").join(
        frame, on="customer_id", how="left", maintain_order="left")
    if output is not None:
        _write_frame(frame, output)
    head = {"model": _model_payload(purchases),
            "spend": _model_payload(spend) if isinstance(spend, GammaGamma) else
            {"model": "mean spend per purchase", "value": spend},
            "horizon": horizon, "horizon_unit": horizon_unit, "margin": margin,
            "discount_rate": discount_rate, "customers": frame.height, "total": total,
            "notes": notes, "output": str(output) if output else None}
    if as_json:
        _print_json(head if output else {**head, "customers_table": frame.to_dicts()})
        return
    out.print(f"{purchases!r}\n" + (repr(spend) if isinstance(spend, GammaGamma) else
                                     f"mean spend per purchase {spend:,.2f}"), markup=False)
    _print_model_notes(purchases)
    if isinstance(spend, GammaGamma):
        _print_model_notes(spend)
    for n in notes:
        out.print(f"[yellow]note:[/] {escape(cli_words(str(n)))}")
    top = frame.sort("clv", descending=True).head(10).drop("monetary", "discounted_purchases")
    t = Table(title=f"Top customers by CLV over {horizon:g} {horizon_unit}(s) "
                    f"(margin {margin:g}, discount {discount_rate:g}/year)",
              title_justify="left")
    for col in top.columns:
        t.add_column(col, justify="left" if col == "customer_id" else "right")
    for row in top.iter_rows():
        t.add_row(*(f"{v:,.3f}" if isinstance(v, float) else escape(str(v)) for v in row))
    out.print(t)
    line = f"Total CLV of {frame.height:,} customers: {total['clv']:,.2f}"
    if "lower" in total:
        line += (f" ({interval:.0%} interval {total['lower']:,.2f} to {total['upper']:,.2f}; "
                 f"realised value {total['predictive_lower']:,.2f} to "
                 f"{total['predictive_upper']:,.2f})")
    out.print(line)
    if output is not None:
        out.print(f"Predictions written to {output}", markup=False)


@app.command()
@reads_data
def evaluate(
    file: Source,
    calibration_end: Annotated[str, typer.Option(help="Last day of the calibration period.")],
    read: Reading,
    unit: Unit = "week", observation_end: ObsEnd = None, midpoint: Midpoint = False,
    models: Annotated[str, typer.Option(
        help="Comma-separated purchase models to compare: bgnbd, mbgnbd, pnbd.")
                      ] = ",".join(PURCHASE_MODELS),
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="Write the cumulative tracking table (.csv/.parquet/.xlsx).")
    ] = None,
    as_json: Json = False,
) -> None:
    """Fit every model on the calibration period and score it on the holdout (scorecard)."""
    from clv.evaluate import MODELS
    from clv.evaluate import evaluate as run

    _choose(unit, "--unit", UNITS)
    names = tuple(m.strip() for m in models.split(",") if m.strip())
    for name in names or ("",):
        _choose(name, "each of --models", tuple(MODELS))
    tx = read.transactions(file)
    card = run(tx, calibration_end, unit=unit, observation_end=observation_end,
               models=names, midpoint=midpoint)
    if output is not None:
        _write_frame(card.tracking, output)
    if as_json:
        _print_json({"data": tx.issues.to_dict(),
                     "scorecard": card.table.to_dicts(), "best": card.best,
                     "criterion": card.criterion, "deciles": card.deciles.to_dicts(),
                     "tracking": card.tracking.to_dicts(), "failed": card.failed,
                     "naive_best": card.naive_best, "summary": card.summary.info()})
        return
    _print_issues(tx)
    t = Table(title=f"Holdout scorecard: {card.summary.frame.height:,} customers, calibration "
                    f"to {card.summary.calibration_end}, holdout to "
                    f"{card.summary.observation_end} ({card.summary.unit}s)",
              title_justify="left")
    show = ["model", "mae_transactions", "rmse_transactions", "total_transactions_error",
            "rmse_revenue", "total_revenue_error", "gini_revenue", "bic"]
    for col in show:
        t.add_column(col.replace("_", " "), justify="left" if col == "model" else "right")
    for row in card.table.select(show).iter_rows(named=True):
        t.add_row(*(_cell(k, v) for k, v in row.items()))
    out.print(t)
    out.print(f"Best: [bold]{card.models[card.best].NAME}[/] (lowest {card.criterion}); "
              "'naive' carries each customer's past rate forward. --json gives every measure, "
              "the deciles and the weekly tracking.")
    if card.naive_best:
        out.print("[yellow]The naive baseline beats every model[/] on this holdout: "
                  f"{card.models[card.best].NAME} is only the best of the models.")
    for model in card.models.values():
        _print_model_notes(model)
    for name, reason in card.failed.items():
        out.print(f"[yellow]{name} not fitted:[/] {escape(str(reason))}")
    if output is not None:
        out.print(f"Tracking written to {output}", markup=False)


def _cell(key: str, value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    if key.endswith("_error"):
        return f"{value:+.1%}"
    return f"{value:,.3f}" if abs(value) < 1e4 else f"{value:,.0f}"


def _fail(message: str) -> NoReturn:
    """Print ``error: message`` on one line of stderr (the message as written: no Rich markup)
    and exit with status 2."""
    err.print(Text.assemble(("error:", "red"), " ", " ".join(cli_words(str(message)).split())),
              highlight=False, soft_wrap=True)
    raise SystemExit(2)


_PARAMETER = re.compile(r"\b(date_format|decimal|preset|currency|refunds|duplicates|separator|"
                        r"encoding|quantity|price|amount|customer|strict)=(\.\.\.)?")


def cli_words(text: str) -> str:
    """The library's words for the command line: a reading parameter named as Python writes
    it (``date_format='dmy'``, ``preset=...``) becomes the option (``--date-format 'dmy'``,
    ``--preset``)."""
    return _PARAMETER.sub(lambda m: "--" + m.group(1).replace("_", "-")
                          + ("" if m.group(2) else " "), text)


def _is_click_exception(exc: BaseException) -> bool:
    """A click-style exception, from click itself or from the copy Typer bundles
    (``typer._click``, Typer >= 0.24): recognised by its module and its attributes, as the
    classes differ from one Typer/click version to the next."""
    module = type(exc).__module__.partition(".")[0]
    return module in ("click", "typer") and isinstance(getattr(exc, "exit_code", None), int)


def _usage_error(exc: BaseException) -> NoReturn:
    """Show a click-style exception: the help when no arguments were given (status 0),
    else its message in one sentence with where to find help (status 2)."""
    ctx = getattr(exc, "ctx", None)
    if type(exc).__name__ == "NoArgsIsHelpError" and ctx is not None:
        sys.stdout.write(ctx.get_help() + "\n")
        raise SystemExit(0)
    format_message = getattr(exc, "format_message", None)
    message = format_message() if callable(format_message) else str(exc)
    message = " ".join(message.split()).rstrip(".") or "invalid usage"
    path = getattr(ctx, "command_path", None)
    _fail(f"{message} (see '{path} --help')." if path else f"{message}.")


def _mapping_hint(exc: ClvError) -> str:
    """The message of a user error; a column that could not be mapped gets the option that
    names it (the library's message says nothing of the command line)."""
    from clv.errors import MappingError

    message = str(exc)
    option = FIELD_OPTIONS.get(getattr(exc, "field", None) or "") \
        if isinstance(exc, MappingError) else None
    if option and option not in message:
        message = f"{message} (name it with {option} COLUMN)"
    return message


def _internal_error(exc: BaseException) -> NoReturn:
    """A bug (not the user's input): one line saying so, with a reference and the file that
    holds the traceback, and exit status 1. ``CLV_DEBUG=1`` shows the traceback instead."""
    import os
    import secrets
    import tempfile
    import traceback

    if os.environ.get("CLV_DEBUG"):
        raise exc
    ref = secrets.token_hex(4)
    text = "".join(traceback.format_exception(exc))
    where = Path(tempfile.gettempdir()) / f"clv-error-{ref}.txt"
    args = " ".join(re.sub(r"(://[^:/@\s]*:)[^@\s]*@", r"\1***@", a) for a in sys.argv[1:])
    try:  # readable by the user only: the traceback may show data or paths
        fd = os.open(where, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(f"clv {_version()} {args}\n\n{text}")
        told = f"; the details are in {where}"
    except OSError:
        told = ""
    err.print(Text.assemble(
        ("error:", "red"), f" internal error ({type(exc).__name__}), a bug in clv: please "
        f"report it with reference {ref}{told} (CLV_DEBUG=1 shows the traceback)"),
        highlight=False, soft_wrap=True)
    raise SystemExit(1)


def _show_warning(message: Warning | str, category: type[Warning], *_: Any, **__: Any
                  ) -> None:
    """A warning the library gives (a model's assumption in doubt...) on one line of stderr,
    in words, not as Python prints it (file, line and source)."""
    err.print(Text.assemble(("warning:", "yellow"), " ",
                            " ".join(cli_words(str(message)).split())),
              highlight=False, soft_wrap=True)


def _version() -> str:
    from clv import __version__

    return __version__


_FILE_ERRORS = (FileNotFoundError, FileExistsError, PermissionError, IsADirectoryError,
                NotADirectoryError)


def main() -> None:
    """Entry point: run the app, turning user errors into one line and exit status 2.

    Usage errors (unknown option, missing argument, bad value) are click exceptions; they are
    recognised by duck typing (:func:`_is_click_exception`) so that any Typer release within
    the bounds of pyproject.toml, bundling its own click or not, gives one sentence too."""
    import warnings

    warnings.showwarning = _show_warning
    try:
        code = app(standalone_mode=False)
    except ClvError as exc:
        _fail(_mapping_hint(exc))
    except ValueError as exc:  # input checks of the formulas and settings
        _fail(str(exc))
    except _FILE_ERRORS as exc:  # an output file in a missing folder, a read-only place...
        _fail(f"{exc.filename}: {exc.strerror}" if exc.filename else str(exc))
    except typer.Exit as exc:  # --help, and ctx.exit()
        raise SystemExit(exc.exit_code) from None
    except (typer.Abort, KeyboardInterrupt):
        raise SystemExit(130) from None
    except Exception as exc:
        if not _is_click_exception(exc):
            _internal_error(exc)
        if not callable(getattr(exc, "format_message", None)):  # click's Exit, under any name
            raise SystemExit(exc.exit_code) from None  # type: ignore[attr-defined]
        _usage_error(exc)
    # Without standalone mode, Typer returns the status of an exit (--help: 0) instead of
    # raising it; a command returns None.
    if isinstance(code, int) and not isinstance(code, bool) and code:
        raise SystemExit(code)


# The decision commands (segments, cohorts, channels, timing, whatif, saas) register on app.
from clv import cli_analytics  # noqa: E402,F401
