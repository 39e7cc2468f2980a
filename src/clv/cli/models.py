"""The model commands: ``fit`` (one model by maximum likelihood), ``predict`` (each customer's
figures from the one valuation path) and ``evaluate`` (the holdout scorecard)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, cast, get_args

import typer

from clv import defaults as D
from clv.cli.options import (
    Json,
    Midpoint,
    ObservationEnd,
    Reading,
    Source,
    Unit,
    Valuing,
    choose,
    preload,
    reads_data,
    values_customers,
)
from clv.cli.output import (
    amount,
    day,
    escape,
    figure,
    heading,
    issues_payload,
    lang,
    model_line,
    model_payload,
    number,
    out,
    print_issues,
    print_json,
    print_model,
    print_notes,
    share,
    table,
    unit_words,
    w,
    write_frame,
    written,
)
from clv.cli.spark import Engine, SparkConf, SparkMaster
from clv.cli.valued import basis_payload, print_basis, too_little, valuation
from clv.errors import ClvError

commands = typer.Typer()

FIT_MODELS = (*D.CANDIDATES, "gg", "bgbb", "sbg")
FitModel = Annotated[str, typer.Option(
    "--model", help="bgnbd, mbgnbd, pnbd (transactions), gg (spend), bgbb (patterns: "
                    "frequency, recency, periods, weight), sbg (subscriptions: start, end).")]


@commands.command()
@reads_data
def fit(
    file: Source,
    read: Reading,
    model: FitModel = "bgnbd",
    unit: Annotated[str | None, typer.Option(
        help=f"day, week, month or year (default: {D.UNIT}; month for sbg).")] = None,
    calibration_end: Annotated[str | None, typer.Option(
        help="Last day of the calibration period (the model is fitted up to it).")] = None,
    observation_end: ObservationEnd = None,
    midpoint: Midpoint = False,
    by: Annotated[str | None, typer.Option(
        help="sbg: fit one model per value of this column, or per start cohort ('cohort').")
    ] = None,
    as_of: Annotated[str | None, typer.Option(help="sbg: date the table describes.")] = None,
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="Save the fitted model to JSON.")] = None,
    as_json: Json = False,
    engine: Engine = "polars",
    spark_master: SparkMaster = "local[*]",
    spark_conf: SparkConf = None,
) -> None:
    """Fit a model by maximum likelihood and show its estimates, standard errors and fit."""
    if model not in FIT_MODELS:
        raise ClvError(w("cli_err_one_of", option="--model", allowed=", ".join(D.CANDIDATES)
                         + ", gg, bgbb" + w("cli_or") + "sbg", value=model))
    if unit is not None:
        choose(unit, "--unit", (*get_args(D.Unit), "quarter") if model == "sbg"
               else get_args(D.Unit))
    fitted: dict[Any, Any]
    issues = None  # the data report of the transaction models' data, shown as elsewhere
    if engine == "spark" and model not in (*D.CANDIDATES, "nbd"):
        raise ClvError(w("cli_err_spark_fit", models=", ".join(D.CANDIDATES), model=model))
    if model == "bgbb":
        from clv.data.tables import read_patterns
        from clv.models import BGBB

        fitted = {None: BGBB().fit(read_patterns(file, **read.raw))}
    elif model == "sbg":
        from clv.data.tables import read_subscriptions
        from clv.models.sbg import fit_sbg

        subs = read_subscriptions(file, date_format=read.options["date_format"],
                                  keep=(by,) if by and by != "cohort" else (), **read.raw)
        fitted = fit_sbg(subs, unit or "month", by=by, as_of=as_of)
    elif engine == "spark":  # summarised and compressed in Spark, fitted here
        from clv import spark as cs
        from clv.cli import spark as engine_of

        stx = engine_of.transactions(file, read, spark_master, spark_conf, keep=())
        issues = stx.issues
        ss = cs.rfm_summary(stx, unit=unit or D.UNIT,  # type: ignore[arg-type]
                            observation_end=observation_end,
                            calibration_end=calibration_end, midpoint=midpoint)
        fitted = {None: cs.fit(ss, model).purchases}
    else:
        preload("clv.models", "clv.prep")  # imported while the file is read
        # a database table is summarised by the database when it can be
        # a model fitted on compressed rows sorts them: the summary's own order is not needed
        s, issues, _ = read.summary(file, unit=unit or D.UNIT, observation_end=observation_end,
                                    calibration_end=calibration_end, midpoint=midpoint,
                                    ordered=model in FITS_IN_ORDER)
        from clv.models import ALL_MODELS

        with too_little(file, customers=len(s)):
            fitted = {None: ALL_MODELS[model]().fit(s)}
    if output is not None:
        if len(fitted) > 1:
            raise ClvError(w("cli_err_one_model"))
        next(iter(fitted.values())).save(output)
    if as_json:
        print_json({**({"data": issues_payload(issues)} if issues is not None else {}),
                    "models": [model_payload(m, None if k is None else str(k))
                               for k, m in fitted.items()],
                    "output": str(output) if output else None})
        return
    if issues is not None:
        print_issues(issues)
    for key, m in fitted.items():
        print_model(m, m.NAME + ("" if key is None else escape(f" ({by} = {key})")))
    if output is not None:
        out().print(w("cli_model_saved", path=str(output)), markup=False, highlight=False)


FITS_IN_ORDER = ("gg",)
"""The models (``--model``) that fit the summary's rows as they come (``COMPRESS`` False:
their sum depends on the rows' order); the others compress and sort the rows themselves.
Named here rather than read from the models, which are imported while the file is read."""


@commands.command()
@values_customers
def predict(
    file: Source,
    read: Reading,
    valuing: Valuing,
    interval: Annotated[float | None, typer.Option(
        hidden=True, help="The same as --level (the intervals are always given).")] = None,
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="Write per-customer predictions (.csv/.parquet/.xlsx; with "
                               "--engine spark a Parquet directory).")] = None,
    as_json: Json = False,
    engine: Engine = "polars",
    spark_master: SparkMaster = "local[*]",
    spark_conf: SparkConf = None,
) -> None:
    """Per-customer P(alive), expected purchases and spend, future value (CLV) over the horizon
    with its interval, and lifetime value (margin to date + future value over the lifetime)."""
    from clv.measures import horizon_words

    if interval is not None and not 0 < interval < 1:
        raise ClvError(w("cli_err_interval", value=f"{interval:g}"))
    cfg = valuing.settings(read, **({"level": interval} if interval is not None else {}))
    if engine == "spark":
        _predict_spark(file, read, cfg, spark_master, spark_conf, output, as_json)
        return
    val = valuation(file, read, cfg)
    frame = val.summary.frame.select("customer_id", "frequency", "recency", "T", "monetary").join(
        val.value, on="customer_id", how="left", maintain_order="left")
    unpredictable = val.no_prediction
    if unpredictable is not None:  # the figures of the future are not given (the note says why)
        import polars as pl

        from clv.valuation import FUTURE_COLUMNS

        frame = frame.with_columns(pl.lit(None, pl.Float64).alias(c) for c in FUTURE_COLUMNS)
    if output is not None:
        write_frame(frame, output)
    total: dict[str, Any] = dict(val.intervals.total)
    if unpredictable is not None:
        total = dict.fromkeys(total)
    head = {**basis_payload(val), "horizon": cfg.horizon, "horizon_unit": cfg.horizon_unit,
            "margin": cfg.margin, "discount_rate": cfg.discount_rate, "level": cfg.level,
            "customers": frame.height, "total": total,
            "output": str(output) if output else None,
            **({"no_prediction": unpredictable.key} if unpredictable is not None else {})}
    if as_json:
        print_json(head if output else {**head, "customers_table": frame.to_dicts()})
        return
    out().print(model_line(val.model), markup=False, highlight=False)
    out().print(model_line(val.spend_model) if val.spend_model is not None
                else w("cli_mean_spend", amount=amount(cast(float, val.spend), val.currency)),
                markup=False, highlight=False)
    print_basis(val)
    if unpredictable is not None:
        out().print(w("cli_predict_none", label=heading("predicted_clv_total", cfg),
                      customers=customers(frame.height)), markup=False, highlight=False)
        if output is not None:
            written(w("cli_the_predictions"), output)
        return
    shown = ["customer_id", "frequency", "p_alive", "expected_purchases", "expected_spend",
             "clv", "lifetime_value"]  # -o and --json give every column
    table(frame.sort("clv", descending=True).head(10).select(shown),
          w("cli_top_customers", horizon=horizon_words(cfg.horizon, cfg.horizon_unit, lang()),
            margin=share(cfg.margin, 0), discount=share(cfg.discount_rate, 0)),
          settings=cfg, currency=val.currency)

    def money(value: float) -> str:
        return figure("clv", value, val.currency)

    out().print(w("cli_predict_total", label=heading("predicted_clv_total", cfg),
                  customers=customers(frame.height), value=money(total["clv"]),
                  level=share(cfg.level, 0), lower=money(total["lower"]),
                  upper=money(total["upper"]), plower=money(total["predictive_lower"]),
                  pupper=money(total["predictive_upper"])), markup=False, highlight=False)
    if output is not None:
        written(w("cli_the_predictions"), output)


def customers(n: int) -> str:
    """``3,000 customers`` (``3 000 clients``)."""
    return w("cli_customers", n=n, count=number(n, 0))


def _predict_spark(file: str, read: Reading, cfg: Any, master: str, conf: list[str] | None,
                   output: Path | None, as_json: bool) -> None:
    """``clv predict --engine spark``: summarised, fitted and scored with :mod:`clv.spark`
    (with ``--output``, each customer's CLV interval drawn where the rows are; the total's
    from the same draws on the driver, each distinct row weighed by its customers). The
    totals are summed over the predictions written, read back (the bounds are not drawn
    twice), or without ``--output`` over predictions without the customers' bounds."""
    from pyspark.sql import functions as F

    from clv import spark as cs
    from clv.cli import spark as engine_of
    from clv.measures import horizon_words

    stx = engine_of.transactions(file, read, master, conf, keep=())
    ss = cs.rfm_summary(stx, unit=cfg.unit, observation_end=cfg.observation_end,
                        midpoint=cfg.midpoint)
    choice = cs.purchase_model(stx, cfg)
    fitted = cs.fit(ss, choice)
    scores = cs.score(ss, fitted, cfg.horizon, cfg.horizon_unit, margin=cfg.margin,
                      discount_rate=cfg.discount_rate, level=cfg.level, draws=cfg.draws,
                      bounds=output is not None)
    card = None if isinstance(choice, str) else choice.table  # RMSE per model, on a holdout
    frame = scores.frame
    if output is not None:
        frame.write.mode("overwrite").parquet(str(output))
        frame = frame.sparkSession.read.parquet(str(output))
    sums = ("clv", "future_value_lifetime", "lifetime_value", "revenue_to_date",
            "margin_to_date", "expected_purchases")
    row = frame.agg(F.count(F.lit(1)), *(F.sum(c).alias(c) for c in sums)).first()
    total = {c: float(row[c] or 0.0) for c in sums}
    bounds = {k: v for k, v in (scores.total or {}).items() if k != "clv"}
    total |= bounds  # the total's interval (Polars: val.intervals.total), drawn on the driver
    notes = list(scores.notes)
    head = {"engine": "spark", "model": model_payload(fitted.purchases),
            "spend": model_payload(fitted.spend_model) if fitted.spend_model is not None
            else {"model": "mean repeat purchase", "value": fitted.spend},
            "scorecard": card.to_dicts() if card is not None else None,
            "horizon": cfg.horizon, "horizon_unit": cfg.horizon_unit, "margin": cfg.margin,
            "discount_rate": cfg.discount_rate, "level": cfg.level, "customers": int(row[0]),
            "distinct_rows": scores.distinct_rows, "total": total,
            "data": issues_payload(stx.issues),
            "notes": [str(n) for n in notes], "output": str(output) if output else None}
    if as_json:
        print_json(head)
        return
    print_issues(stx.issues)
    out().print(model_line(fitted.purchases), markup=False, highlight=False)
    if card is not None:
        out().print(w("cli_chosen_holdout"), markup=False, highlight=False)
    currency = read.currency
    out().print(w("cli_spark_total", label=heading("predicted_clv_total", cfg),
                  customers=customers(int(row[0])), n=scores.distinct_rows,
                  rows=number(scores.distinct_rows, 0),
                  value=figure("clv", total["clv"], currency),
                  horizon=horizon_words(cfg.horizon, cfg.horizon_unit, lang()),
                  margin=share(cfg.margin, 0), discount=share(cfg.discount_rate, 0)),
                markup=False, highlight=False)
    if bounds:
        def money(value: float) -> str:
            return figure("clv", value, currency)

        out().print(w("cli_spark_total_interval", level=share(cfg.level, 0),
                      lower=money(bounds["lower"]), upper=money(bounds["upper"]),
                      plower=money(bounds["predictive_lower"]),
                      pupper=money(bounds["predictive_upper"])), markup=False, highlight=False)
    print_notes(scores.notes)
    if output is not None:
        written(w("cli_the_predictions"), output)


@commands.command()
@reads_data
def evaluate(
    file: Source,
    calibration_end: Annotated[str, typer.Option(help="Last day of the calibration period.")],
    read: Reading,
    unit: Unit = D.UNIT, observation_end: ObservationEnd = None, midpoint: Midpoint = False,
    models: Annotated[str, typer.Option(
        help="Comma-separated purchase models to compare: bgnbd, mbgnbd, pnbd.")
                      ] = ",".join(D.CANDIDATES),
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="Write the cumulative tracking table (.csv/.parquet/.xlsx).")
    ] = None,
    as_json: Json = False,
) -> None:
    """Fit every model on the calibration period and score it on the holdout (scorecard)."""
    from rich.table import Table
    from rich.text import Text

    from clv.evaluate import evaluate as run

    names = tuple(m.strip() for m in models.split(",") if m.strip())
    for name in names or ("",):
        choose(name, "each of --models", D.CANDIDATES)
    tx = read.transactions(file, keep=())  # the scorecard uses no optional column
    card = run(tx, calibration_end, unit=unit, observation_end=observation_end,
               models=names, midpoint=midpoint)
    if output is not None:
        write_frame(card.tracking, output)
    if as_json:
        print_json({"data": issues_payload(tx.issues),
                    "scorecard": card.table.to_dicts(), "best": card.best,
                    "criterion": card.criterion, "deciles": card.deciles.to_dicts(),
                    "tracking": card.tracking.to_dicts(), "failed": card.failed,
                    "naive_best": card.naive_best, "summary": card.summary.info()})
        return
    print_issues(tx)
    t = Table(title=escape(w("cli_scorecard_title", customers=customers(
        card.summary.frame.height), calibration=day(card.summary.calibration_end),
        end=day(card.summary.observation_end), unit=unit_words(card.summary.unit, True))),
        title_justify="left")
    show = ["model", "mae_transactions", "rmse_transactions", "total_transactions_error",
            "rmse_revenue", "total_revenue_error", "gini_revenue", "bic"]
    for col in show:
        t.add_column(escape(heading(col)), justify="left" if col == "model" else "right")
    for row in card.table.select(show).iter_rows(named=True):
        t.add_row(*(escape(_cell(k, v)) for k, v in row.items()))
    out().print(t)
    best = card.models[card.best].NAME
    said = Text(w("cli_best", model=best, criterion=w("cli_criterion_rmse")
                  if card.criterion.startswith("RMSE of holdout transactions")
                  else card.criterion, naive=w("cli_naive")))
    said.highlight_words([best], "bold")
    out().print(said)
    if card.naive_best:
        out().print(w("cli_naive_wins", model=best), style="yellow", markup=False,
                    highlight=False)
    for model in card.models.values():
        print_notes(list(getattr(model, "notes_", ())))
    for name, reason in card.failed.items():
        out().print(f"[yellow]{escape(w('cli_not_fitted', model=name))}[/] "
                    f"{escape(str(reason))}")
    if output is not None:
        written(w("cli_the_tracking"), output)


def _cell(key: str, value: Any) -> str:
    """A cell of the scorecard: the naive baseline named in words, errors on the total as
    signed percentages."""
    from clv.evaluate import BASELINE

    if value is None:
        return "-"
    if isinstance(value, str):
        return w("cli_naive") if value == BASELINE else value
    if key.endswith("_error"):
        return ("+" if value >= 0 else "-") + share(abs(value))
    return number(value, 3) if abs(value) < 1e4 else number(value, 0)
