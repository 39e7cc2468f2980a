"""The decision commands of the ``clv`` command line: segments, cohorts, channels, timing,
whatif and saas. Each is a thin call into the library (``clv.segments``, ``clv.cohorts``,
``clv.acquisition``, ``clv.timing``, ``clv.scenarios``, ``clv.subscriptions``) that prints
Rich tables, or every table with ``--json``, and writes its main table with ``-o`` (.csv,
.parquet or .xlsx). Registered on ``clv.cli.app``."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import polars as pl
import typer
from rich.markup import escape
from rich.table import Table

from clv.cli import (
    UNITS,
    PurchaseModel,
    Reading,
    Source,
    Unit,
    _choose,
    _existing,
    _model_payload,
    _print_json,
    _purchase_class,
    _write_frame,
    app,
    cli_words,
    out,
    reads_data,
)
from clv.errors import ClvError
from clv.prep import Summary, check_horizon, rfm_summary
from clv.store import DEFAULT_URL as DEFAULT_DB

Horizon = Annotated[float, typer.Option(help="How far ahead the predicted value looks.")]
HorizonUnit = Annotated[str, typer.Option(help="Unit of --horizon.")]
MarginRate = Annotated[float, typer.Option(help="Gross margin, 0 to 1.")]
Discount = Annotated[float, typer.Option(help="Annual discount rate.")]
Output = Annotated[Path | None, typer.Option(
    "-o", "--output", help="Write the main table (.csv, .parquet or .xlsx).")]
AsJson = Annotated[bool, typer.Option("--json", help="Print every table as JSON.")]
CustomersFile = Annotated[Path | None, typer.Option(
    "--customers", help="Customer attributes (customer_id and any columns).")]


@dataclass(frozen=True)
class _Valued:
    """Transactions summarised, the models fitted, and each customer's predicted value."""

    transactions: Any
    summary: Summary
    purchases: Any
    spend: Any
    value: pl.DataFrame
    predicted: str
    notes: list[str]


def _fit_or_nbd(cls: Any, summary: Summary, notes: list[str]) -> Any:
    """The purchase model ``cls`` fitted on ``summary``, or, when it cannot be (one customer,
    nobody bought twice), the NBD, as analyze does; its notes (and why) added to ``notes``."""
    from clv.models.nbd import NBD
    from clv.notes import Note

    try:
        fitted = cls().fit(summary)
    except ClvError as exc:
        fitted = NBD().fit(summary)
        notes.append(Note("no_model", reason=str(exc)))
    notes += fitted.notes_
    return fitted


def _valued(file: str, read: Reading, unit: str, model: str, horizon: float,
            horizon_unit: str, margin: float, discount_rate: float) -> _Valued:
    from clv.models import ConvergenceError, GammaGamma
    from clv.notes import Note
    from clv.value import customer_value

    cls = _purchase_class(model)
    _choose(unit, "--unit", UNITS)
    _choose(horizon_unit, "--horizon-unit", UNITS)
    check_horizon(horizon, horizon_unit, "--horizon")  # at most 50 years
    tx = read.transactions(file)
    summary = rfm_summary(tx, unit=unit)  # type: ignore[arg-type]
    notes: list[str] = []
    purchases = _fit_or_nbd(cls, summary, notes)
    try:
        spend: Any = GammaGamma().fit(summary)
        notes += spend.notes_
        spend_name = "Gamma-Gamma"
    except (ConvergenceError, ClvError) as exc:  # the mean spend, as analyze does
        repeat = summary.frame.filter(pl.col("frequency") > 0)["monetary"]
        spend = float(repeat.mean()) if repeat.len() else float(
            summary.frame["total_amount"].sum() / max(summary.frame.height, 1))
        notes.append(Note("no_spend_model", reason=str(exc)))
        spend_name = "mean spend"
    value = customer_value(purchases, summary, horizon, horizon_unit, spend=spend,
                           margin=margin, discount_rate=discount_rate)
    label = (f"{purchases.NAME} + {spend_name} CLV over {horizon:g} {horizon_unit}(s), margin "
             f"{margin:.0%}, discount {discount_rate:.0%}/year")
    return _Valued(tx, summary, purchases, spend, value, label, notes)


def _notes(notes: list[str]) -> dict[str, str]:
    """The notes of a result, as one line of the printed extras (nothing when none)."""
    return {"notes": cli_words("; ".join(notes))} if notes else {}


def _customers(path: Path | None, read: Reading) -> pl.DataFrame | None:
    if _existing(path, "--customers") is None:
        return None
    from clv.data.tables import read_customers

    return read_customers(str(path), **read.raw)


def _attribute(by: str, tx: Any, file: str, read: Reading,
               customers: Path | None) -> pl.DataFrame:
    """``customer_id`` and the column ``by`` per customer: from --customers when it has the
    column, else from the transactions: a mapped column (channel, product..., by its
    canonical or its own name) at the customer's first purchase, or any other column of the
    file at the customer's first row."""
    from clv.data.readers import ROW, read_raw

    attrs = _customers(customers, read)
    if attrs is not None and by in attrs.columns:
        return attrs.select("customer_id", by)
    frame = tx.frame
    field = by if by in frame.columns else \
        {col: fld for fld, col in tx.mapping.columns.items()}.get(by)
    if field is not None and field in frame.columns:
        return (frame.sort("timestamp").group_by("customer_id")
                .agg(pl.col(field).first().alias(by)))
    raw = read_raw(file, **read.raw).frame
    if by in raw.columns and by != ROW:
        from clv.data.ids import clean_ids

        cid = clean_ids(raw[tx.mapping.columns["customer_id"]])
        return (raw.select(pl.lit(cid).alias("customer_id"), pl.col(by))
                .filter(pl.col("customer_id").is_not_null() & (pl.col("customer_id") != ""))
                .group_by("customer_id", maintain_order=True)
                .agg(pl.col(by).drop_nulls().first()))
    available = [c for c in raw.columns if c != ROW]
    if attrs is not None:
        available += [c for c in attrs.columns if c not in available]
    raise ClvError(f"--by {by}: no such column in the transactions"
                   + (" or --customers" if attrs is not None else "")
                   + "; columns are: " + ", ".join(available))


def _percent(text: str, name: str) -> float:
    """'+5%', '-10%', '5', '0.05' -> 0.05, -0.1, 0.05, 0.05 (a bare number above 1 is read as
    percent)."""
    raw = text.strip().replace(",", ".")
    try:
        value = float(raw.rstrip("%"))
    except ValueError:
        raise ClvError(f"--{name} must be a change such as +5% or -0.1, not '{text}'") from None
    return value / 100 if raw.endswith("%") or abs(value) > 1 else value


def _is_share(column: str) -> bool:
    """Columns holding a rate or a share, printed as percentages."""
    return (column.startswith(("share", "p_", "mean_p_")) or column in ("grr", "nrr", "lift_pct")
            or column.endswith(("_rate", "retention", "_churn", "conversion", "_pct")))


def _fmt(column: str, value: Any, percent: bool = False) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        if not math.isfinite(value):
            return "-" if math.isnan(value) else "inf"
        if percent or _is_share(column):
            return f"{value:.1%}"
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _table(frame: pl.DataFrame, title: str, limit: int = 30, percent: bool = False) -> None:
    # Titles, column names and values hold the user's text: escaped, never read as markup.
    t = Table(title=escape(title), title_justify="left")
    for col in frame.columns:
        numeric = frame.schema[col].is_numeric()
        t.add_column(escape(col.replace("_", " ")), justify="right" if numeric else "left")
    for row in frame.head(limit).iter_rows(named=True):
        t.add_row(*(escape(_fmt(k, v, percent)) for k, v in row.items()))
    out.print(t)
    if frame.height > limit:
        out.print(f"[dim]... {frame.height - limit:,} more rows (-o or --json for all)[/]")


def _emit(tables: dict[str, pl.DataFrame], titles: dict[str, str], main: str,
          output: Path | None, as_json: bool, extra: dict[str, Any] | None = None,
          show: dict[str, list[str]] | None = None, percent: tuple[str, ...] = ()) -> None:
    """Write ``tables[main]`` to ``output``; print every table as JSON, or the titled ones
    (their ``show`` columns) as Rich tables, then the ``extra`` notes."""
    if output is not None:
        _write_frame(tables[main], output)
    if as_json:
        _print_json({**(extra or {}), **{k: v.to_dicts() for k, v in tables.items()},
                     "output": str(output) if output else None})
        return
    for key, frame in tables.items():
        if key in titles:
            cols = (show or {}).get(key)
            _table(frame.select(cols) if cols else frame, titles[key], percent=key in percent)
    for key, text in (extra or {}).items():
        if isinstance(text, str):
            out.print(f"[dim]{key}: {escape(text)}[/]")
    if output is not None:
        out.print(f"{titles.get(main, main)} written to {output}", markup=False)


@app.command()
@reads_data
def segments(
    file: Source, read: Reading, unit: Unit = "week", model: PurchaseModel = "bgnbd",
    horizon: Horizon = 12.0, horizon_unit: HorizonUnit = "month", margin: MarginRate = 1.0,
    discount_rate: Discount = 0.0, customers: CustomersFile = None,
    by: Annotated[str | None, typer.Option(
        help="Also profile by this column of --customers (or of the transactions).")] = None,
    output: Output = None, as_json: AsJson = False,
) -> None:
    """RFM segments, value tiers and concentration, historical next to predicted."""
    from clv.segments import profile, profile_by, segment_customers

    _existing(customers, "--customers")
    v = _valued(file, read, unit, model, horizon, horizon_unit, margin, discount_rate)
    result = segment_customers(v.summary, v.value, predicted=v.predicted)
    tables = {"customers": result.customers, "segments": result.segments.drop("rule"),
              "tiers": result.tiers}
    notes: list[str] = []
    if by is not None:
        if by in result.customers.columns:
            tables[f"by_{by}"] = profile(result.customers, by)
        else:
            tables[f"by_{by}"], notes = profile_by(
                result.customers, _attribute(by, v.transactions, file, read, customers), by)
    conc = {k: {"gini": c.gini, "top_shares": {f"{q:.0%}": s for q, s in c.top.items()}}
            for k, c in result.concentration.items()}
    titles = {"segments": "Segments (revenue to date and predicted CLV)",
              "tiers": "Value tiers by predicted CLV", f"by_{by}": f"Profile by {by}"}
    gini = (f"historical {result.concentration['historical'].gini:.2f}, predicted "
            f"{result.concentration['predicted'].gini:.2f}; the top 10% hold "
            f"{result.concentration['predicted'].top[0.1]:.0%} of predicted value")
    brief = ["customers", "share_customers", "mean_revenue_to_date", "mean_predicted_clv",
             "mean_p_alive", "share_predicted_clv"]
    _emit(tables, titles, "customers", output, as_json,
          {"basis": result.basis, "concentration": conc, "model": _model_payload(v.purchases),
           "gini": gini, **_notes(v.notes + notes)},
          show={"segments": ["segment", *brief], f"by_{by}": [by or "", *brief],
                "tiers": ["tier", "customers", "share_revenue_to_date", "predicted_clv",
                          "share_predicted_clv", "min_predicted_clv"]})


@app.command()
@reads_data
def cohorts(
    file: Source, read: Reading, unit: Unit = "week", model: PurchaseModel = "bgnbd",
    period: Annotated[str, typer.Option(help="Cohort period: week, month or quarter.")
                      ] = "month",
    by: Annotated[str | None, typer.Option(
        help="Group by this customer attribute instead of the acquisition period.")] = None,
    customers: CustomersFile = None,
    margin: Annotated[float | None, typer.Option(help="Gross margin rate for the margin "
                                                 "column.")] = None,
    output: Output = None, as_json: AsJson = False,
) -> None:
    """Cohort retention, revenue and cumulative revenue per customer, historical and
    predicted, with repeat rates and the pooled LTV curve."""
    from clv.cohorts import PERIODS
    from clv.cohorts import cohorts as run

    _choose(period, "--period", PERIODS)
    _existing(customers, "--customers")
    v = _valued(file, read, unit, model, 12, "month", 1.0, 0.0)
    result = run(v.transactions, v.summary, period=period, by=by,
                 customers=_customers(customers, read), purchases=v.purchases, spend=v.spend,
                 margin=margin)
    key = result.by
    wide = result.table.pivot(on="age", index=key, values="retention").sort(key)
    ages = [c for c in wide.columns if c != key]
    heat = wide.select(key, *ages[:13])
    tables = {"table": result.table, "retention": heat, "curve": result.curve,
              "repeat": result.repeat}
    titles = {"retention": f"Retention by {period}s since acquisition (observed customers)",
              "curve": "Revenue per customer within k months of acquisition",
              "repeat": "Repeat purchase"}
    _emit(tables, titles, "table", output, as_json,
          {"basis": result.basis, **_notes(v.notes + result.notes)}, percent=("retention",))


@app.command()
@reads_data
def channels(
    file: Source,
    spend: Annotated[Path, typer.Option("--spend", help="Spend table: channel, [campaign], "
                                        "month, spend, [leads].")],
    read: Reading, unit: Unit = "week", model: PurchaseModel = "bgnbd",
    horizon: Horizon = 24.0, horizon_unit: HorizonUnit = "month", margin: MarginRate = 1.0,
    discount_rate: Discount = 0.0, customers: CustomersFile = None,
    campaign: Annotated[bool, typer.Option(help="Per campaign as well as channel.")] = False,
    target: Annotated[float, typer.Option(help="Target LTV:CAC ratio.")] = 3.0,
    output: Output = None, as_json: AsJson = False,
) -> None:
    """CAC, conversion, LTV (historical and predicted), LTV:CAC, payback and maximum CAC per
    acquisition channel."""
    from clv.acquisition import channels as run
    from clv.data.tables import read_spend

    _existing(spend, "--spend")
    _existing(customers, "--customers")
    v = _valued(file, read, unit, model, horizon, horizon_unit, margin, discount_rate)
    costs = read_spend(str(spend), date_format=read.options["date_format"], **read.raw)
    result = run(v.transactions, v.summary, costs, v.value,
                 customers=_customers(customers, read), campaign=campaign, margin=margin,
                 purchases=v.purchases, spend_model=v.spend, target_ratio=target,
                 predicted=v.predicted)
    keys = ["channel", "campaign"] if campaign else ["channel"]
    show = result.channels.select(*keys, "new_customers", "cac", "conversion",
                                  "historical_ltv_12m", "predicted_ltv", "ltv_cac", "verdict",
                                  "payback_months", "predicted_payback_months", "max_cac")
    tables = {"channels": result.channels, "summary": show, "by_month": result.by_month,
              "next_euro": result.next_euro}
    titles = {"summary": "Acquisition channels", "next_euro": "Where the next euro pays best"}
    _emit(tables, titles, "channels", output, as_json,
          {"basis": result.basis, "blended_cac": result.blended_cac,
           "paid_cac": result.paid_cac, **_notes(v.notes + result.notes)})


@app.command()
@reads_data
def timing(
    file: Source, read: Reading, unit: Unit = "week", model: PurchaseModel = "bgnbd",
    days: Annotated[float, typer.Option(help="Window of the purchase probability.")] = 30.0,
    min_customers: Annotated[int, typer.Option(
        help="Fewest customers buying B after A for a pair to be shown.")] = 30,
    next_output: Annotated[Path | None, typer.Option(
        help="Write each customer's next-purchase prediction (.csv/.parquet/.xlsx).")] = None,
    output: Output = None, as_json: AsJson = False,
) -> None:
    """Cross-sell windows (A then B: share, lift, delay) and each customer's next purchase
    (the products are the column --product names, else one detected by its name)."""
    from clv.timing import cross_sell, next_purchase

    cls = _purchase_class(model)
    _choose(unit, "--unit", UNITS)
    tx = read.transactions(file)
    if "product" not in tx.frame.columns:
        raise ClvError(f"{tx.issues.source}: no product column was found; name it with "
                       "--product COLUMN")
    pairs = cross_sell(tx, product="product", min_customers=min_customers)
    summary = rfm_summary(tx, unit=unit)  # type: ignore[arg-type]
    notes: list[str] = []
    fitted = _fit_or_nbd(cls, summary, notes)
    nxt = next_purchase(fitted, summary, days)
    if next_output is not None:
        _write_frame(nxt, next_output)
    col = f"p_purchase_{days:g}d"
    likely = nxt.sort(col, descending=True).head(10)
    _emit({"pairs": pairs, "likely_buyers": likely}, {
        "pairs": "Cross-sell windows", "likely_buyers": f"Most likely to buy in {days:g} days"},
        "pairs", output, as_json,
        {"expected_buyers": f"{float(nxt[col].sum()):,.0f} customers expected to buy within "
                            f"{days:g} days",
         "next_output": str(next_output) if next_output else None,
         **_notes(notes)},
        show={"pairs": ["product_a", "product_b", "customers_then_b", "share", "lift",
                        "median_days", "q1_days", "q3_days"]})
    if not as_json:
        if pairs.height == 0:
            out.print(f"No cross-sell window: no pair of products was bought one after the "
                      f"other by {min_customers:,} customers or more with a lift of at least 1 "
                      "(--min-customers sets how many).", markup=False)
        for text in pairs["recommendation"].head(10):
            out.print(f"- {text}", markup=False)


@app.command()
@reads_data
def whatif(
    file: Source, read: Reading, unit: Unit = "week", model: PurchaseModel = "bgnbd",
    horizon: Horizon = 24.0, horizon_unit: HorizonUnit = "month", margin: MarginRate = 1.0,
    discount_rate: Discount = 0.0,
    retention: Annotated[str, typer.Option(help="Change of lifetime, e.g. +5%.")] = "0",
    frequency: Annotated[str, typer.Option(help="Change of purchase rate.")] = "0",
    basket: Annotated[str, typer.Option(help="Change of spend per purchase.")] = "0",
    margin_change: Annotated[str, typer.Option(help="Change of margin.")] = "0",
    discount_change: Annotated[str, typer.Option(help="Change of discount rate.")] = "0",
    cac_change: Annotated[str, typer.Option(help="Change of acquisition cost.")] = "0",
    cac: Annotated[float | None, typer.Option(help="Acquisition cost per new customer.")
                   ] = None,
    output: Output = None, as_json: AsJson = False,
) -> None:
    """What a change of retention, frequency, basket, margin, discount or CAC is worth, on the
    fitted models; with the sensitivity of value to each lever."""
    from clv.scenarios import Levers, sensitivity, what_if

    levers = Levers(retention=_percent(retention, "retention"),
                    frequency=_percent(frequency, "frequency"),
                    basket=_percent(basket, "basket"),
                    margin=_percent(margin_change, "margin-change"),
                    discount_rate=_percent(discount_change, "discount-change"),
                    cac=_percent(cac_change, "cac-change"))
    v = _valued(file, read, unit, model, horizon, horizon_unit, margin, discount_rate)
    kw = {"spend": v.spend, "margin": margin, "discount_rate": discount_rate}
    result = what_if(v.purchases, v.summary, horizon, horizon_unit, levers=levers, cac=cac, **kw)
    table = pl.DataFrame([{"figure": k, "base": result.base.get(k), "scenario": val}
                          for k, val in result.scenario.items()
                          if isinstance(val, int | float) and not isinstance(val, bool)])
    sens = sensitivity(v.purchases, v.summary, horizon, horizon_unit, **kw)
    changes = ", ".join(f"{k} {x:+.1%}" for k, x in vars(levers).items() if x) or "no change"
    _emit({"customers": result.customers, "figures": table, "sensitivity": sens},
          {"figures": f"What if ({changes}) over {result.horizon}",
           "sensitivity": "Change of predicted value per +1% of each lever"},
          "customers", output, as_json,
          {"levers": vars(levers), "verdict": result.scenario.get("verdict"),
           "basis": v.predicted, **_notes(v.notes)})


@app.command()
def saas(
    file: Source,
    by: Annotated[str | None, typer.Option(help="Fit sBG per value of this column.")
                  ] = "plan",
    mrr: Annotated[str, typer.Option(help="Column of monthly revenue.")] = "mrr",
    as_of: Annotated[str | None, typer.Option(help="Date the table describes.")] = None,
    margin: MarginRate = 1.0, discount_rate: Discount = 0.1,
    date_format: Annotated[str | None, typer.Option(help="strftime format of the dates.")
                           ] = None,
    separator: Annotated[str | None, typer.Option(help="CSV delimiter.")] = None,
    output: Output = None, as_json: AsJson = False,
) -> None:
    """MRR and its movements, churn, revenue retention, cohorts, and sBG LTV per plan."""
    from clv.data.readers import read_raw
    from clv.data.tables import read_subscriptions
    from clv.subscriptions import saas_metrics

    columns = read_raw(file, separator=separator).frame.columns
    keep = tuple(c for c in ([by] if by else []) if c in columns)
    subs = read_subscriptions(file, date_format=date_format, keep=keep, mrr=mrr,
                              separator=separator)
    result = saas_metrics(subs, as_of=as_of, by=by if keep else None, margin=margin,
                          discount_rate=discount_rate)
    key = result.plans.columns[0]
    _emit({"months": result.months, "plans": result.plans, "cohorts": result.cohorts},
          {"months": "MRR movements by month", "plans": "sBG per plan and LTV"},
          "months", output, as_json, {"basis": result.basis},
          show={"months": ["month", "mrr", "customers", "new", "expansion", "contraction",
                           "churn", "reactivation", "arpa", "customer_churn", "grr", "nrr"],
                "plans": [c for c in (key, "subscriptions", "arpa", "monthly_churn", "alpha",
                                      "beta", "discounted_lifetime_months", "sbg_ltv",
                                      "simple_ltv") if c in result.plans.columns]})


def _analysis(file: str, read: Reading, settings: Any, spend: Path | None,
              subscriptions: Path | None, customers: Path | None, quiet: bool) -> Any:
    """Read the tables and run :func:`clv.analyze` with a progress bar."""
    from rich.progress import Progress

    from clv.data.tables import read_spend, read_subscriptions
    from clv.pipeline import analyze as run

    _existing(spend, "--spend")
    _existing(subscriptions, "--subscriptions")
    _existing(customers, "--customers")
    tx = read.transactions(file)
    costs = read_spend(str(spend), date_format=read.options["date_format"], **read.raw) \
        if spend else None
    subs = read_subscriptions(str(subscriptions), keep=("plan",), mrr="mrr", **read.raw) \
        if subscriptions else None
    with Progress(console=out, transient=True, disable=quiet) as bar:
        task = bar.add_task("analysis", total=1.0)
        return run(tx, spend=costs, subscriptions=subs, customers=_customers(customers, read),
                   settings=settings, progress=lambda step, share: bar.update(
                       task, completed=share, description=f"done: {step}"))


Db = Annotated[str, typer.Option(help="Database of the history (SQLAlchemy URL).")]
SpendFile = Annotated[Path | None, typer.Option("--spend", help="Spend table (channels).")]
SubsFile = Annotated[Path | None, typer.Option(
    help="Subscriptions table: customer_id, start, end, mrr, [plan].")]
CalibrationEnd = Annotated[str | None, typer.Option(
    help="End of the calibration period of the model comparison (default: the last quarter "
         "is held out).")]


def _settings(unit: str, horizon: float, horizon_unit: str, margin: float,
              discount_rate: float, calibration_end: str | None) -> Any:
    import datetime as dt

    from clv.pipeline import Settings

    _choose(unit, "--unit", UNITS)
    _choose(horizon_unit, "--horizon-unit", UNITS)
    end = None
    if calibration_end:
        try:
            end = dt.date.fromisoformat(calibration_end)
        except ValueError:
            raise ClvError(f"--calibration-end must be a date such as 2024-06-30, not "
                           f"'{calibration_end}'") from None
    check_horizon(horizon, horizon_unit, "--horizon")  # at most 50 years
    return Settings(unit=unit, horizon=horizon, horizon_unit=horizon_unit, margin=margin,
                    discount_rate=discount_rate, calibration_end=end)


@app.command()
@reads_data
def analyze(
    file: Source, read: Reading, unit: Unit = "week",
    horizon: Horizon = 12.0, horizon_unit: HorizonUnit = "month", margin: MarginRate = 1.0,
    discount_rate: Discount = 0.1, spend: SpendFile = None, subscriptions: SubsFile = None,
    customers: CustomersFile = None, calibration_end: CalibrationEnd = None,
    save: Annotated[bool, typer.Option(help="Record the analysis in the history (--db).")
                    ] = False,
    db: Db = DEFAULT_DB, as_json: AsJson = False,
) -> None:
    """Every analysis at once, with a progress bar: the headline KPIs (--json: and the
    model scorecard); --save records it in the history."""
    result = _analysis(file, read, _settings(unit, horizon, horizon_unit, margin,
                                             discount_rate, calibration_end),
                       spend, subscriptions, customers, as_json)
    unsaved = None
    if save:  # a store that cannot be opened or stays locked must not cost the analysis
        from clv.store import Store, StoreError

        try:
            with Store(db) as store:
                result.kpis["analysis_id"] = store.save(result, str(file))
                result.notes.extend(store.notes)  # a long source name cut, a table made again
        except StoreError as exc:
            unsaved = exc.reason
        except ClvError as exc:
            unsaved = str(exc)
    shares = {"repeat_rate", "active_share", "churn_share", "nrr", "customer_churn"}
    kpis = pl.DataFrame({"kpi": list(result.kpis), "value": [
        _fmt(k, v, percent=k in shares) for k, v in result.kpis.items()]})
    if as_json:
        _print_json({"kpis": result.kpis, "seconds": result.seconds, "notes": result.notes,
                     "scorecard": result.scorecard.table.to_dicts()
                     if result.scorecard is not None else None,
                     **({"not_saved": unsaved} if unsaved is not None else {})})
        if unsaved is not None:
            raise ClvError(f"the analysis was not saved to the history: {unsaved}")
        return
    _emit({"kpis": kpis}, {"kpis": "Headline figures"}, "kpis", None, False,
          {"notes": cli_words("; ".join(result.notes)) or "none",
           "seconds": f"{sum(result.seconds.values()):.1f} s"})
    if unsaved is not None:
        raise ClvError(f"the analysis above was not saved to the history: {unsaved}")


@app.command()
@reads_data
def report(
    file: Source, read: Reading,
    output: Annotated[Path, typer.Option("-o", "--output", help="The HTML file to write.")],
    unit: Unit = "week", horizon: Horizon = 12.0, horizon_unit: HorizonUnit = "month",
    margin: MarginRate = 1.0, discount_rate: Discount = 0.1, spend: SpendFile = None,
    subscriptions: SubsFile = None, customers: CustomersFile = None,
    calibration_end: CalibrationEnd = None,
    lang: Annotated[str, typer.Option(help="Language of the report: en or fr.")] = "en",
) -> None:
    """Write the self-contained HTML report (opens offline, prints to PDF)."""
    from clv.report import LANGS, write

    if lang not in LANGS:
        raise ClvError(f"--lang must be one of {', '.join(LANGS)}, not '{lang}'")
    result = _analysis(file, read, _settings(unit, horizon, horizon_unit, margin,
                                             discount_rate, calibration_end),
                       spend, subscriptions, customers, False)
    path = write(result, output, lang)
    out.print(f"Report written to {path} ({path.stat().st_size / 1e6:.1f} MB)", markup=False)


@app.command()
def history(db: Db = DEFAULT_DB, as_json: AsJson = False) -> None:
    """How LTV, CAC, LTV:CAC, churn and repeat rate moved from one saved analysis to the
    next."""
    from clv.store import Store

    with Store(db) as store:
        frame = store.history()
    if as_json:
        _print_json({"history": frame.to_dicts()})
        return
    if frame.is_empty():
        out.print(f"No analysis saved in {db} yet (clv analyze FILE --save).", markup=False)
        return
    show = ["id", "created_at", "source", "model", "customers", "predicted_clv",
            "predicted_clv_change", "ltv_cac", "ltv_cac_change", "churn_share",
            "repeat_rate"]
    _table(frame.select(show), f"History of analyses in {db}")


@app.command()
@reads_data
def score(
    file: Source, read: Reading,
    to: Annotated[str, typer.Option(help="Database URL to write the scores to, optionally "
                                         "followed by /TABLE (postgresql://host/db/scores).")],
    scores_table: Annotated[str | None, typer.Option(
        help="Table of the scores (replaced); default: the one the URL names, else "
             "clv_scores.")] = None,
    unit: Unit = "week", horizon: Horizon = 12.0, horizon_unit: HorizonUnit = "month",
    margin: MarginRate = 1.0, discount_rate: Discount = 0.1,
    calibration_end: CalibrationEnd = None,
) -> None:
    """Write each customer's P(alive), expected purchases and spend and CLV (with its
    interval) to a database table, and record the analysis in that database's history."""
    from clv.store import Store, split_table

    result = _analysis(file, read, _settings(unit, horizon, horizon_unit, margin,
                                             discount_rate, calibration_end),
                       None, None, None, False)
    to, named = split_table(to)
    scores_table = scores_table or named or "clv_scores"
    with Store(to) as store:
        rows = store.write_scores(result, scores_table, store.save(result, str(file)))
        notes = list(store.notes)
    out.print(f"{rows:,} customer scores written to table {scores_table}", markup=False)
    for note in notes:
        out.print(f"note: {note}", markup=False)


Host = Annotated[str, typer.Option(help="Address to listen on; beyond 127.0.0.1 a token is "
                                        "required.")]
Port = Annotated[int, typer.Option(help="Port to listen on.")]
Token = Annotated[str | None, typer.Option(help="Access token (default: none on 127.0.0.1, "
                                                "else a new one, printed).")]
MaxUpload = Annotated[int, typer.Option(help="Largest upload, in MB.")]


@app.command()
def serve(db: Db = DEFAULT_DB, host: Host = "127.0.0.1", port: Port = 8000,
          token: Token = None, max_upload: MaxUpload = 1024,
          allow_host: Annotated[list[str] | None, typer.Option(
              help="A host name the dashboard answers to besides the loopback names and "
                   "--host (repeat it; '*' for any, behind a proxy that checks names).")
          ] = None,
          job_minutes: Annotated[float, typer.Option(
              help="Time limit of one analysis, in minutes (then it is stopped).")] = 30.0,
          max_analyses: Annotated[int, typer.Option(
              help="Finished analyses kept in memory (the others are put aside on disk).")
          ] = 8) -> None:
    """The web dashboard: upload a file, confirm its columns, explore the analysis, export
    it; the history of analyses is kept in --db."""
    from clv.web import serve as run

    if max_upload < 1:
        raise ClvError(f"--max-upload must be at least 1 (MB), not {max_upload}")
    if not job_minutes > 0:
        raise ClvError(f"--job-minutes must be positive, not {job_minutes:g}")
    if max_analyses < 1:
        raise ClvError(f"--max-analyses must be at least 1, not {max_analyses}")
    run(db, host=host, port=port, token=token, upload_limit=max_upload * (1 << 20),
        allowed_hosts=allow_host or (), job_time_limit=job_minutes * 60,
        max_analyses=max_analyses,
        announce=lambda text: out.print(text, markup=False, highlight=False))
