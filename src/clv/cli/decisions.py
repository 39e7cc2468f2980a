"""The decision commands: segments, cohorts, channels, timing, whatif and saas. Each is a thin
call into the library (``clv.segments``, ``clv.cohorts``, ``clv.acquisition``, ``clv.timing``,
``clv.scenarios``, ``clv.subscriptions``) on the one valuation of ``clv.valuation`` (the
figures ``clv analyze`` gives under the same options), that prints Rich tables, or every table
with ``--json``, and writes its main table with ``-o`` (.csv, .parquet or .xlsx)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from clv import defaults as D
from clv.cli.options import (
    CalibrationEnd,
    CustomersFile,
    Days,
    Json,
    Midpoint,
    Model,
    ObservationEnd,
    Output,
    Period,
    Reading,
    Source,
    Target,
    Unit,
    Valuing,
    existing,
    reads_data,
    settings,
    values_customers,
)
from clv.cli.output import emit, figure, heading, model_payload, notes_text, out, write_frame
from clv.cli.valued import CHANNEL_FIGURES, acquisition_extra, valuation
from clv.errors import ClvError

if TYPE_CHECKING:
    import polars as pl

commands = typer.Typer()


def _notes(notes: list[Any]) -> dict[str, str]:
    """The notes of a result, as one line of the printed extras (nothing when none)."""
    return {"notes": "; ".join(notes_text(notes))} if notes else {}


def _attribute(by: str, tx: Any, file: str, read: Reading,
               customers: Path | None) -> pl.DataFrame:
    """``customer_id`` and the column ``by`` per customer: from --customers when it has the
    column, else from the transactions: a mapped column (channel, product..., by its
    canonical or its own name) at the customer's first purchase, or any other column of the
    file at the customer's first row."""
    import polars as pl

    from clv.data.readers import ROW, read_raw

    attrs = read.customers(customers)
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


@commands.command()
@values_customers
def segments(
    file: Source, read: Reading, valuing: Valuing, customers: CustomersFile = None,
    by: Annotated[str | None, typer.Option(
        help="Also profile by this column of --customers (or of the transactions).")] = None,
    output: Output = None, as_json: Json = False,
) -> None:
    """RFM segments, value tiers and concentration, historical next to predicted."""
    from clv.pipeline import segments_of
    from clv.segments import profile, profile_by

    cfg = valuing.settings(read)
    existing(customers, "--customers")
    val = valuation(file, read, cfg)
    result = segments_of(val)  # as analyze: the activity views' informative P(alive)
    tables = {"customers": result.customers, "segments": result.segments.drop("rule"),
              "tiers": result.tiers}
    notes: list[Any] = []
    if by is not None:
        if by in result.customers.columns:
            tables[f"by_{by}"] = profile(result.customers, by)
        else:
            tables[f"by_{by}"], notes = profile_by(
                result.customers, _attribute(by, val.transactions, file, read, customers), by)
    conc = {k: {"gini": c.gini, "top_shares": {f"{q:.0%}": s for q, s in c.top.items()}}
            for k, c in result.concentration.items()}
    titles = {"segments": "Segments (revenue to date and predicted CLV)",
              "tiers": "Value tiers by predicted CLV", f"by_{by}": f"Profile by {by}"}
    gini = (f"historical {result.concentration['historical'].gini:.2f}, predicted "
            f"{result.concentration['predicted'].gini:.2f}; the top 10% hold "
            f"{result.concentration['predicted'].top[0.1]:.0%} of predicted value")
    brief = ["customers", "share_customers", "mean_revenue_to_date", "mean_predicted_clv",
             "mean_p_alive", "share_predicted_clv"]
    emit(tables, titles, "customers", output, as_json,
         {"basis": result.basis, "concentration": conc, "model": model_payload(val.model),
          "currency": val.currency, "gini": gini, **_notes(val.notes + notes)},
         show={"segments": ["segment", *brief], f"by_{by}": [by or "", *brief],
               "tiers": ["tier", "customers", "share_revenue_to_date", "predicted_clv",
                         "share_predicted_clv", "min_predicted_clv"]})


@commands.command()
@values_customers
def cohorts(
    file: Source, read: Reading, valuing: Valuing, period: Period = D.PERIOD,
    by: Annotated[str | None, typer.Option(
        help="Group by this customer attribute instead of the acquisition period.")] = None,
    customers: CustomersFile = None, output: Output = None, as_json: Json = False,
) -> None:
    """Cohort retention, revenue and cumulative revenue per customer, historical and
    predicted, with repeat rates and the pooled LTV curve."""
    from clv.cohorts import cohorts as run

    cfg = valuing.settings(read, period=period)
    existing(customers, "--customers")
    val = valuation(file, read, cfg)
    result = run(val.transactions, val.summary, period=cfg.period, by=by,
                 customers=read.customers(customers), purchases=val.model, spend=val.spend,
                 margin=cfg.margin)
    key = result.by
    wide = result.table.pivot(on="age", index=key, values="retention").sort(key)
    ages = [c for c in wide.columns if c != key]
    tables = {"table": result.table, "retention": wide.select(key, *ages[:13]),
              "curve": result.curve, "repeat": result.repeat}
    titles = {"retention": f"Retention by {period}s since acquisition (observed customers)",
              "curve": "Revenue per customer within k months of acquisition",
              "repeat": "Repeat purchase"}
    emit(tables, titles, "table", output, as_json,
         {"basis": result.basis, "currency": val.currency,
          **_notes(val.notes + result.notes)}, percent=("retention",))


@commands.command()
@values_customers
def channels(
    file: Source,
    spend: Annotated[Path, typer.Option("--spend", help="Spend table: channel, [campaign], "
                                        "month, spend, [leads].")],
    read: Reading, valuing: Valuing, customers: CustomersFile = None,
    campaign: Annotated[bool, typer.Option(help="Per campaign as well as channel.")] = False,
    target: Target = D.TARGET_RATIO, output: Output = None, as_json: Json = False,
) -> None:
    """CAC, conversion, LTV of a new customer (historical and predicted), LTV:CAC, payback and
    maximum CAC per acquisition channel, and blended."""
    from clv.acquisition import channels as run

    cfg = valuing.settings(read)
    existing(spend, "--spend")
    existing(customers, "--customers")
    val = valuation(file, read, cfg)
    costs = read.spend(spend)
    result = run(val.transactions, val.summary, costs, val.value,
                 customers=read.customers(customers), campaign=campaign, margin=cfg.margin,
                 purchases=val.model, spend_model=val.spend, target_ratio=target,
                 predicted=val.basis)
    keys = ["channel", "campaign"] if campaign else ["channel"]
    tables = {"channels": result.channels,
              "summary": result.channels.select(*keys, *CHANNEL_FIGURES),
              "by_month": result.by_month, "next_euro": result.next_euro}
    titles = {"summary": "Acquisition channels",
              "next_euro": "Where acquisition spend pays best (LTV per unit of CAC)"}
    extra = acquisition_extra(result)
    # the blended figures in the vocabulary's words (the paid channels' CAC is a CAC)
    named = {"blended_ltv": "new_customer_ltv", "paid_cac": "cac"}
    shown = {heading(named.get(k, k), cfg) + (" (paid channels)" if k == "paid_cac" else ""):
             figure(named.get(k, k), v, val.currency) for k, v in extra.items() if v is not None}
    emit(tables, titles, "channels", output, as_json,
         {"basis": result.basis, **(extra if as_json else shown), "currency": val.currency,
          **_notes(val.notes + result.notes)}, settings=cfg, currency=val.currency)


@commands.command()
@reads_data
def timing(
    file: Source, read: Reading, model: Model = D.MODEL, unit: Unit = D.UNIT,
    calibration_end: CalibrationEnd = None, observation_end: ObservationEnd = None,
    midpoint: Midpoint = False, days: Days = D.NEXT_DAYS,
    min_customers: Annotated[int, typer.Option(
        help="Fewest customers buying B after A for a pair to be shown.")] = 30,
    next_output: Annotated[Path | None, typer.Option(
        help="Write each customer's next-purchase prediction (.csv/.parquet/.xlsx).")] = None,
    output: Output = None, as_json: Json = False,
) -> None:
    """Cross-sell windows (A then B: share, lift, delay) and each customer's next purchase
    (the products are the column --product names, else one detected by its name)."""
    from clv.timing import cross_sell, next_purchase
    from clv.valuation import purchase_model

    cfg = settings(read, model=model, unit=unit, calibration_end=calibration_end,
                   observation_end=observation_end, midpoint=midpoint, next_days=days)
    tx = read.transactions(file)
    if "product" not in tx.frame.columns:
        raise ClvError(f"{tx.issues.source}: no product column was found; name it with "
                       "--product COLUMN")
    pairs = cross_sell(tx, product="product", min_customers=min_customers)
    summary, model, _, notes = purchase_model(tx, cfg)  # analyze's under the same options
    nxt = next_purchase(model, summary, cfg.next_days)
    if next_output is not None:
        write_frame(nxt, next_output)
    col = f"p_purchase_{days:g}d"
    likely = nxt.sort(col, descending=True).head(10)
    emit({"pairs": pairs, "likely_buyers": likely}, {
        "pairs": "Cross-sell windows", "likely_buyers": f"Most likely to buy in {days:g} days"},
        "pairs", output, as_json,
        {"expected_buyers": f"{float(nxt[col].sum()):,.0f} customers expected to buy within "
                            f"{days:g} days",
         "model": model.NAME,
         "next_output": str(next_output) if next_output else None, **_notes(notes)},
        show={"pairs": ["product_a", "product_b", "customers_then_b", "share", "lift",
                        "median_days", "q1_days", "q3_days"]})
    if not as_json:
        if pairs.height == 0:
            out().print(f"No cross-sell window: no pair of products was bought one after the "
                        f"other by {min_customers:,} customers or more with a lift of at least "
                        "1 (--min-customers sets how many).", markup=False)
        for text in pairs["recommendation"].head(10):
            out().print(f"- {text}", markup=False)


@commands.command()
@values_customers
def whatif(
    file: Source, read: Reading, valuing: Valuing,
    retention: Annotated[str, typer.Option(help="Change of lifetime, e.g. +5%.")] = "0",
    frequency: Annotated[str, typer.Option(help="Change of purchase rate.")] = "0",
    basket: Annotated[str, typer.Option(help="Change of spend per purchase.")] = "0",
    margin_change: Annotated[str, typer.Option(help="Change of margin.")] = "0",
    discount_change: Annotated[str, typer.Option(help="Change of discount rate.")] = "0",
    cac_change: Annotated[str, typer.Option(help="Change of acquisition cost.")] = "0",
    cac: Annotated[float | None, typer.Option(help="Acquisition cost per new customer.")
                   ] = None,
    output: Output = None, as_json: Json = False,
) -> None:
    """What a change of retention, frequency, basket, margin, discount or CAC is worth, on the
    fitted models; with the sensitivity of value to each lever."""
    import polars as pl

    from clv.pipeline import levers_of
    from clv.scenarios import Levers

    levers = Levers(retention=_percent(retention, "retention"),
                    frequency=_percent(frequency, "frequency"),
                    basket=_percent(basket, "basket"),
                    margin=_percent(margin_change, "margin-change"),
                    discount_rate=_percent(discount_change, "discount-change"),
                    cac=_percent(cac_change, "cac-change"))
    cfg = valuing.settings(read, lever=levers, cac=cac)
    val = valuation(file, read, cfg)
    # as analyze: the LTV of the customers acquired lately anchors the new customer's figures
    result, sens = levers_of(val, cfg.cac)
    table = pl.DataFrame([{"figure": k, "base": result.base.get(k), "scenario": v}
                          for k, v in result.scenario.items()
                          if isinstance(v, int | float) and not isinstance(v, bool)])
    changes = ", ".join(f"{k} {x:+.1%}" for k, x in vars(levers).items() if x) or "no change"
    emit({"customers": result.customers, "figures": table, "sensitivity": sens},
         {"figures": f"What if ({changes}) over {result.horizon}",
          "sensitivity": "Change of predicted value per +1% of each lever"},
         "customers", output, as_json,
         {"levers": vars(levers), "verdict": result.scenario.get("verdict"),
          "basis": val.basis, "currency": val.currency, **_notes(val.notes)})


@commands.command()
def saas(
    file: Source,
    by: Annotated[str | None, typer.Option(help="Fit sBG per value of this column.")
                  ] = "plan",
    mrr: Annotated[str, typer.Option(help="Column of monthly revenue.")] = "mrr",
    as_of: Annotated[str | None, typer.Option(help="Date the table describes.")] = None,
    margin: Annotated[float, typer.Option(help="Gross margin rate, in (0, 1].")] = D.MARGIN,
    discount_rate: Annotated[float, typer.Option(
        help="Yearly discount rate of future value.")] = D.DISCOUNT_RATE,
    date_format: Annotated[str | None, typer.Option(help="strftime format of the dates.")
                           ] = None,
    separator: Annotated[str | None, typer.Option(help="CSV delimiter.")] = None,
    output: Output = None, as_json: Json = False,
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
    emit({"months": result.months, "plans": result.plans, "cohorts": result.cohorts},
         {"months": "MRR movements by month", "plans": "sBG per plan and LTV"},
         "months", output, as_json, {"basis": result.basis},
         show={"months": ["month", "mrr", "customers", "new", "expansion", "contraction",
                          "churn", "reactivation", "arpa", "customer_churn", "grr", "nrr"],
               "plans": [c for c in (key, "subscriptions", "arpa", "monthly_churn", "alpha",
                                     "beta", "discounted_lifetime_months", "sbg_ltv",
                                     "simple_ltv") if c in result.plans.columns]})

