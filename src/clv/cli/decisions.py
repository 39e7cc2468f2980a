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
    speaks,
    values_customers,
)
from clv.cli.output import (
    emit,
    figure,
    heading,
    lang,
    model_payload,
    notes_said,
    notes_text,
    number,
    out,
    print_notes,
    share,
    unit_words,
    w,
    words_of,
    write_frame,
)
from clv.cli.valued import CHANNEL_FIGURES, acquisition_extra, basis_words, valuation
from clv.errors import ClvError

if TYPE_CHECKING:
    import polars as pl

commands = typer.Typer()


def _notes(notes: list[Any]) -> dict[str, str]:
    """The notes of a result, for ``--json`` (nothing when none)."""
    return {"notes": "; ".join(notes_text(notes))} if notes else {}


def _said_notes(notes: list[Any]) -> dict[str, str | None]:
    """The notes of a result, as one printed line in this run's language."""
    return {w("cli_label_notes"): notes_said(notes)}


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
    raise ClvError(w("cli_err_by_customers" if attrs is not None else "cli_err_by", by=by,
                     columns=", ".join(available)))


def _percent(text: str, name: str) -> float:
    """'+5%', '-10%', '5', '0.05' -> 0.05, -0.1, 0.05, 0.05 (a bare number above 1 is read as
    percent)."""
    raw = text.strip().replace(",", ".")
    try:
        value = float(raw.rstrip("%"))
    except ValueError:
        raise ClvError(w("cli_err_change", option=f"--{name}", value=text)) from None
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
    titles = {"segments": w("cli_title_segments"), "tiers": w("cli_title_tiers"),
              f"by_{by}": w("cli_title_profile", by=by)}
    hist, pred = result.concentration["historical"], result.concentration.get("predicted")

    def gini(lang_: str) -> str:  # no prediction possible: the historical concentration only
        if pred is None:
            return w("cli_gini_historical", lang_, historical=number(hist.gini, 2, lang_),
                     top=share(hist.top[0.1], 0, lang_))
        return w("cli_gini", lang_, historical=number(hist.gini, 2, lang_),
                 predicted=number(pred.gini, 2, lang_), top=share(pred.top[0.1], 0, lang_))

    brief = ["customers", "share_customers", "mean_revenue_to_date", "mean_predicted_clv",
             "mean_p_alive", "share_predicted_clv"]
    emit(tables, titles, "customers", output, as_json,
         {"basis": result.basis, "concentration": conc, "model": model_payload(val.model),
          "currency": val.currency, "gini": gini("en"), **_notes(val.notes + notes)},
         show={"segments": ["segment", *brief], f"by_{by}": [by or "", *brief],
               "tiers": ["tier", "customers", "share_revenue_to_date", "predicted_clv",
                         "share_predicted_clv", "min_predicted_clv"]},
         said={w("cli_label_gini"): gini(lang()), **_said_notes(val.notes + notes)},
         currency=val.currency, money=("mean_revenue_to_date", "mean_predicted_clv",
                                       "predicted_clv", "min_predicted_clv"))


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
    titles = {"retention": w("cli_title_retention", period=unit_words(period, True)),
              "curve": w("cli_title_curve"), "repeat": w("cli_title_repeat")}
    emit(tables, titles, "table", output, as_json,
         {"basis": result.basis, "currency": val.currency,
          **_notes(val.notes + result.notes)}, percent=("retention",),
         said=_said_notes(val.notes + result.notes), currency=val.currency,
         money=("revenue_per_customer", "predicted_revenue_per_customer"))


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
    titles = {"summary": w("cli_title_channels"), "next_euro": w("cli_title_next_euro")}
    extra = acquisition_extra(result)
    # the blended figures in the vocabulary's words (the paid channels' CAC is a CAC)
    named = {"blended_ltv": "new_customer_ltv", "paid_cac": "cac"}
    shown = {heading(named.get(k, k), cfg) + (w("cli_paid_channels") if k == "paid_cac"
                                               else ""):
             figure(named.get(k, k), v, val.currency) for k, v in extra.items() if v is not None}
    emit(tables, titles, "channels", output, as_json,
         {"basis": result.basis, **extra, "currency": val.currency,
          **_notes(val.notes + result.notes)}, settings=cfg, currency=val.currency,
         said={**shown, **_said_notes(val.notes + result.notes)}, money=("cac_headroom",))


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
        raise ClvError(w("cli_err_no_product", source=tx.issues.source))
    pairs = cross_sell(tx, product="product", min_customers=min_customers)
    summary, model, _, notes = purchase_model(tx, cfg)  # analyze's under the same options
    nxt = next_purchase(model, summary, cfg.next_days)
    if next_output is not None:
        write_frame(nxt, next_output)
    col = f"p_purchase_{days:g}d"
    likely = nxt.sort(col, descending=True).head(10)
    buyers = float(nxt[col].sum())

    def expected(lang_: str) -> str:
        return w("cli_expected_buyers", lang_, n=round(buyers), count=number(buyers, 0, lang_),
                 days=number(days, 0, lang_) if days == int(days) else number(days, 1, lang_))

    emit({"pairs": pairs, "likely_buyers": likely}, {
        "pairs": w("cli_title_pairs"), "likely_buyers": w("cli_title_likely", n=days,
                                                          days=f"{days:g}")},
        "pairs", output, as_json,
        {"expected_buyers": expected("en"), "model": model.NAME,
         "next_output": str(next_output) if next_output else None, **_notes(notes)},
        show={"pairs": ["product_a", "product_b", "customers_then_b", "share", "lift",
                        "median_days", "q1_days", "q3_days"]},
        said={"": expected(lang()), w("cli_label_model"): model.NAME, **_said_notes(notes)},
        names={col: w("cli_p_purchase", n=days, days=f"{days:g}")})
    if not as_json:
        if pairs.height == 0:
            out().print(w("cli_no_pairs", n=min_customers, count=number(min_customers, 0)),
                        markup=False, highlight=False)
        for text in _proposals(pairs.head(10)):
            out().print(f"- {text}", markup=False, highlight=False)


def _proposals(pairs: pl.DataFrame) -> list[str]:
    """The cross-sell windows read as recommendations (``clv.timing``'s ``recommendation``),
    in this run's language."""
    import polars as pl

    if lang() == "en":
        return list(pairs["recommendation"])
    rounded = pairs.select("product_a", "product_b", pl.col("q1_days").round(0),
                           pl.col("q3_days").round(0), pl.col("share"), pl.col("lift"))
    return [w("cli_propose", a=a, b=b, q1=number(q1, 0), q3=number(q3, 0),
              share=share(sh, 0), lift=number(lift, 1))
            for a, b, q1, q3, sh, lift in rounded.iter_rows()]


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

    from clv.measures import horizon_words
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
    changes = ", ".join(f"{words_of('lever', k)} {_signed(x)}"
                        for k, x in vars(levers).items() if x) or w("cli_no_change")
    shown = pl.DataFrame(
        [{"figure": _whatif_name(k, cfg), "base": _whatif_value(k, base, val.currency),
          "scenario": _whatif_value(k, scenario, val.currency)}
         for k, base, scenario in table.iter_rows()],
        schema={"figure": pl.String, "base": pl.String, "scenario": pl.String})
    verdict = result.scenario.get("verdict")
    emit({"customers": result.customers, "figures": table, "sensitivity": sens},
         {"figures": w("cli_title_whatif", changes=changes, horizon=horizon_words(
             cfg.horizon, cfg.horizon_unit, lang())),
          "sensitivity": w("cli_title_sensitivity")},
         "customers", output, as_json,
         {"levers": vars(levers), "verdict": verdict,
          "basis": val.basis, "currency": val.currency, **_notes(val.notes)},
         shown={"figures": shown}, currency=val.currency, money=("total_change",),
         names={"figure": w("cli_figure"), "base": w("cli_base"),
                "scenario": w("cli_scenario")},
         said={w("cli_label_verdict"): None if verdict is None else words_of("verdict", verdict),
               w("cli_label_basis"): basis_words(val), **_said_notes(val.notes)})


WHATIF_FIGURES = {"total_clv": "predicted_clv_total", "mean_clv": "predicted_clv",
                  "new_customer_ltv": "new_customer_ltv", "ltv_cac": "ltv_cac",
                  "payback_months": "payback_months", "cac": "cac"}
"""The what-if's figures that are figures of the vocabulary (as the dashboard names them)."""
WHATIF_MONEY = ("profit_per_new_customer", "total_change")
WHATIF_SHARES = ("margin", "discount_rate", "total_change_pct")


def _whatif_name(key: str, cfg: Any) -> str:
    """A what-if figure's name in this run's language."""
    return heading(WHATIF_FIGURES[key], cfg) if key in WHATIF_FIGURES else heading(key)


def _whatif_value(key: str, value: float | None, currency: str | None) -> str:
    """A what-if figure's value as its kind says (an amount, a share, a ratio...)."""
    import math

    from clv.cli.output import amount, fmt

    if value is None or not math.isfinite(value):
        return fmt(key, value)
    if key in WHATIF_FIGURES:
        return figure(WHATIF_FIGURES[key], value, currency)
    if key in WHATIF_MONEY:
        return amount(value, currency)
    if key in WHATIF_SHARES:
        return share(value)
    return fmt(key, value)


def _signed(value: float) -> str:
    """+5.0% / -10.0% (+5,0 % in French)."""
    return ("+" if value >= 0 else "-") + share(abs(value))


@commands.command()
@speaks
def saas(
    file: Source,
    by: Annotated[str | None, typer.Option(help="Fit sBG per value of this column.")
                  ] = "plan",
    mrr: Annotated[str | None, typer.Option(
        help="Column of monthly revenue (default: found by its name: mrr, monthly_revenue, "
             "revenu_mensuel...).")] = None,
    customer: Annotated[str | None, typer.Option(
        help="Column of the customer (default: found by its name).")] = None,
    start: Annotated[str | None, typer.Option(
        help="Column of the subscription's start date (default: found by its name).")] = None,
    end: Annotated[str | None, typer.Option(
        help="Column of the date the subscription ended or ends, empty while active "
             "(default: found by its name).")] = None,
    as_of: Annotated[str | None, typer.Option(help="Date the table describes.")] = None,
    margin: Annotated[float, typer.Option(help="Gross margin rate, in (0, 1].")] = D.MARGIN,
    discount_rate: Annotated[float, typer.Option(
        help="Yearly discount rate of future value.")] = D.DISCOUNT_RATE,
    date_format: Annotated[str | None, typer.Option(help="strftime format of the dates.")
                           ] = None,
    separator: Annotated[str | None, typer.Option(help="CSV delimiter.")] = None,
    output: Output = None, as_json: Json = False,
) -> None:
    """MRR and its movements, churn, revenue retention, cohorts, and sBG LTV per plan; then
    the notes of how the table was read and counted (the end column taken, seats applied or
    not, subscriptions ending after the date described)."""
    from clv.data.readers import read_raw
    from clv.data.table_reports import TableNote
    from clv.data.tables import read_subscriptions_report
    from clv.subscriptions import saas_metrics

    columns = read_raw(file, separator=separator).frame.columns
    keep = tuple(c for c in ([by] if by else []) if c in columns)
    subs, report = read_subscriptions_report(
        file, date_format=date_format, keep=keep, mrr=mrr, customer=customer, start=start,
        end=end, separator=separator, columns={})  # the monthly revenue found by its name too
    if "mrr" not in subs.columns:
        raise ClvError(w("cli_err_no_mrr", source=str(file) if "://" not in str(file)
                         else "--table", columns=", ".join(columns)))
    result = saas_metrics(subs, as_of=as_of, by=by if keep else None, margin=margin,
                          discount_rate=discount_rate)
    notes = [n for n in report.notes if isinstance(n, TableNote)] + list(result.notes)
    key = result.plans.columns[0]
    emit({"months": result.months, "plans": result.plans, "cohorts": result.cohorts},
         {"months": w("cli_title_mrr"), "plans": w("cli_title_plans")},
         "months", output, as_json, {"basis": result.basis, **_notes(notes)},
         money=("mrr", "new", "expansion", "contraction", "churn", "reactivation", "arpa",
                "sbg_ltv", "simple_ltv"),
         show={"months": ["month", "mrr", "customers", "new", "expansion", "contraction",
                          "churn", "reactivation", "arpa", "customer_churn", "grr", "nrr"],
               "plans": [c for c in (key, "subscriptions", "arpa", "monthly_churn", "alpha",
                                     "beta", "discounted_lifetime_months", "sbg_ltv",
                                     "simple_ltv") if c in result.plans.columns]})
    if not as_json:
        print_notes(notes)

