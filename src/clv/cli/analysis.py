"""The commands of the whole analysis (``clv.analyze``): ``analyze`` (the headline figures),
``report`` (the HTML report), ``score`` (per-customer scores to a database), ``history`` (the
saved analyses), ``serve`` (the dashboard) and ``demo`` (the tour on a simulated shop)."""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from clv import defaults as D
from clv.cli.options import (
    CustomersFile,
    Db,
    Json,
    Lang,
    Reading,
    Source,
    SpendFile,
    SubsFile,
    Valuing,
    existing,
    lang_callback,
    speaks,
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
    notes_said,
    notes_text,
    number,
    out,
    print_extras,
    print_issues,
    print_json,
    print_notes,
    share,
    table,
    times,
    w,
)
from clv.cli.spark import Engine, SparkConf, SparkMaster, spark_report, spark_score
from clv.cli.valued import CHANNEL_FIGURES, acquisition_extra, too_little
from clv.errors import ClvError

if TYPE_CHECKING:
    from clv.data import Transactions
    from clv.pipeline import Analysis
    from clv.prep import Summary
    from clv.valuation import Settings

commands = typer.Typer()


def _analysis(file: str, read: Reading, settings: Settings, spend: Path | None,
              subscriptions: Path | None, customers: Path | None, quiet: bool) -> Analysis:
    """Read the tables and run :func:`clv.analyze` with a progress bar."""
    from rich.progress import Progress

    from clv.pipeline import analyze as run

    for path, option in ((spend, "--spend"), (subscriptions, "--subscriptions"),
                         (customers, "--customers")):
        existing(path, option)  # before anything is read
    tx = read.transactions(file)
    costs, subs = read.spend(spend), read.subscriptions(subscriptions)
    with too_little(file, tx), Progress(console=out(), transient=True, disable=quiet) as bar:
        task = bar.add_task(w("cli_progress"), total=1.0)
        return run(tx, spend=costs, subscriptions=subs, customers=read.customers(customers),
                   settings=settings, progress=lambda step, done: bar.update(
                       task, completed=done, description=w("cli_done", step=step)))


def channel_rows(analysis: Analysis) -> list[dict[str, Any]]:
    """The channels of an analysis, as ``clv channels --json`` gives them."""
    return analysis.channels.channels.to_dicts() if analysis.channels is not None else []


def _print_channels(analysis: Analysis) -> None:
    if analysis.channels is not None:
        table(analysis.channels.channels.select("channel", *CHANNEL_FIGURES),
              w("cli_title_channels_blended"), settings=analysis.settings,
              currency=analysis.currency)


def _print_kpis(analysis: Analysis) -> None:
    """The headline figures, named and formatted as the vocabulary says."""
    from rich.table import Table

    t = Table(title=escape(w("cli_title_headline")), title_justify="left")
    t.add_column(escape(w("cli_figure")))
    t.add_column(escape(w("cli_value")), justify="right")
    for key, value in analysis.kpis.items():
        if key in ("no_prediction", "no_dropout"):  # said by a note, below for no_dropout
            continue
        if key in ("date", "observation_end") and isinstance(value, str):
            with contextlib.suppress(ValueError):  # not a day: shown as written
                value = dt.date.fromisoformat(value)
        t.add_row(escape(heading(key, analysis.settings)),
                  escape(figure(key, value, analysis.currency)))
    out().print(t)
    if analysis.kpis.get("no_dropout"):  # the lifetime figures are a perpetuity
        out().print(escape(w("cli_no_dropout", model=analysis.model.NAME)))


@commands.command()
@values_customers
def analyze(
    file: Source, read: Reading, valuing: Valuing, spend: SpendFile = None,
    subscriptions: SubsFile = None, customers: CustomersFile = None,
    save: Annotated[bool, typer.Option(help="Record the analysis in the history (--db).")
                    ] = False,
    db: Db = D.HISTORY_URL, as_json: Json = False,
) -> None:
    """Every analysis at once, with a progress bar: the headline KPIs and, with --spend, the
    acquisition channels (--json: and the model scorecard); --save records it in the
    history."""
    cfg = valuing.settings(read)
    result = _analysis(file, read, cfg, spend, subscriptions, customers, as_json)
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
    if as_json:
        print_json({"kpis": result.kpis, "seconds": result.seconds,
                    "notes": notes_text(result.notes), "settings": asdict(result.settings),
                    "scorecard": result.scorecard.table.to_dicts()
                    if result.scorecard is not None else None,
                    **({"channels": channel_rows(result),
                        **acquisition_extra(result.channels)}
                       if result.channels is not None else {}),
                    **({"not_saved": unsaved} if unsaved is not None else {})})
        if unsaved is not None:
            raise ClvError(w("cli_not_saved", reason=unsaved))
        return
    _print_kpis(result)
    _print_channels(result)
    print_extras({w("cli_label_basis"): settings_words(result.model.NAME, result.settings),
                  w("cli_label_notes"): notes_said(result.notes) or w("cli_none"),
                  w("cli_label_seconds"): number(sum(result.seconds.values()), 1) + " s"})
    if unsaved is not None:
        raise ClvError(w("cli_above_not_saved", reason=unsaved))


def settings_words(model: str, cfg: Settings) -> str:
    """The model and the settings a future value depends on (``Settings.basis``), in this
    run's language."""
    from clv.measures import horizon_words

    return w("cli_settings_basis", model=model, margin=share(cfg.margin, 0),
             discount=share(cfg.discount_rate, 0),
             horizon=horizon_words(cfg.horizon, cfg.horizon_unit, lang()))


@commands.command()
@values_customers
def report(
    file: Source, read: Reading, valuing: Valuing,
    output: Annotated[Path, typer.Option("-o", "--output", help="The HTML file to write.")],
    spend: SpendFile = None, subscriptions: SubsFile = None, customers: CustomersFile = None,
    lang: Lang = None,
    engine: Engine = "polars", spark_master: SparkMaster = "local[*]",
    spark_conf: SparkConf = None,
) -> None:
    """Write the self-contained HTML report (opens offline, prints to PDF), in the language of
    --lang."""
    if engine == "spark":  # read, summarised, fitted and scored in Spark
        spark_report(file, read, valuing.settings(read), output, spend, subscriptions, customers,
                     lang, spark_master, spark_conf)
        return
    from clv.report import write

    cfg = valuing.settings(read)
    result = _analysis(file, read, cfg, spend, subscriptions, customers, False)
    path = write(result, output, lang or "en")  # --lang's callback chose it
    out().print(w("cli_report_written", path=str(path),
                  size=number(path.stat().st_size / 1e6, 1)), markup=False, highlight=False)


@commands.command()
@speaks
def history(db: Db = D.HISTORY_URL, as_json: Json = False) -> None:
    """How LTV, CAC, LTV:CAC, churn and repeat rate moved from one saved analysis to the
    next."""
    from clv.store import Store

    with Store(db) as store:
        frame = store.history()
    if as_json:
        print_json({"history": frame.to_dicts()})
        return
    if frame.is_empty():
        out().print(w("cli_no_history", db=db), markup=False, highlight=False)
        return
    show = ["id", "created_at", "source", "model", "customers", "predicted_clv",
            "predicted_clv_change", "ltv_cac", "ltv_cac_change", "churn_share",
            "repeat_rate"]
    import polars as pl

    table(frame.select(show).with_columns(pl.col("customers").cast(pl.Int64)),
          w("cli_title_history", db=db),
          names={"predicted_clv": w("cli_hist_predicted_clv"),
                 "predicted_clv_change": w("cli_hist_predicted_clv_change")})


@commands.command()
@values_customers
def score(
    file: Source, read: Reading, valuing: Valuing,
    to: Annotated[str, typer.Option(help="Database URL to write the scores to, optionally "
                                         "followed by /TABLE (postgresql://host/db/scores); "
                                         "with --engine spark, a Parquet directory (a path: "
                                         "./scores, s3a://...) or a Spark table (db.scores).")],
    scores_table: Annotated[str | None, typer.Option(
        help="Table of the scores (replaced); default: the one the URL names, else "
             "clv_scores.")] = None,
    engine: Engine = "polars", spark_master: SparkMaster = "local[*]",
    spark_conf: SparkConf = None,
) -> None:
    """Write each customer's P(alive), expected purchases and spend and CLV (with its
    interval) to a database table, and record the analysis in that database's history."""
    if engine == "spark":  # to a Parquet directory or a Spark table
        spark_score(file, read, valuing.settings(read), spark_master, spark_conf, to,
                    scores_table)
        return
    from clv.store import Store, split_table

    cfg = valuing.settings(read)
    result = _analysis(file, read, cfg, None, None, None, False)
    to, named = split_table(to)
    scores_table = scores_table or named or "clv_scores"
    with Store(to) as store:
        rows = store.write_scores(result, scores_table, store.save(result, str(file)))
        notes = list(store.notes)
    out().print(w("cli_scores_written", n=rows, count=number(rows, 0), table=scores_table),
                markup=False, highlight=False)
    print_notes(notes)


Host = Annotated[str, typer.Option(help="Address to listen on; beyond 127.0.0.1 a token is "
                                        "required.")]
Port = Annotated[int, typer.Option(help="Port to listen on.")]
Token = Annotated[str | None, typer.Option(help="Access token (default: none on 127.0.0.1, "
                                                "else a new one, printed).")]
MaxUpload = Annotated[int, typer.Option(help="Largest upload, in MB.")]


ServeLang = Annotated[str | None, typer.Option(
    "--lang", metavar="en|fr", callback=lang_callback, is_eager=True,
    help="Language of the pages for a browser that asks for neither (each page offers the "
         "other) and of what this command prints: en or fr (default: the CLV_LANG variable, "
         "else the locale's, else en).")]


@commands.command()
def serve(db: Db = D.HISTORY_URL, host: Host = "127.0.0.1", port: Port = 8000,
          token: Token = None, max_upload: MaxUpload = 1024,
          allow_host: Annotated[list[str] | None, typer.Option(
              help="A host name the dashboard answers to besides the loopback names and "
                   "--host (repeat it; '*' for any, behind a proxy that checks names).")
          ] = None,
          job_minutes: Annotated[float, typer.Option(
              help="Time limit of one analysis, in minutes (then it is stopped).")] = 30.0,
          max_analyses: Annotated[int, typer.Option(
              help="Finished analyses kept in memory (the others are put aside on disk).")
          ] = 8,
          lang: ServeLang = None) -> None:
    """The web dashboard: upload a file, confirm its columns, explore the analysis, export
    it; the history of analyses is kept in --db."""
    if max_upload < 1:
        raise ClvError(w("cli_err_at_least", option="--max-upload", least="1 (MB)",
                         value=max_upload))
    if not job_minutes > 0:
        raise ClvError(w("cli_err_positive", option="--job-minutes", value=f"{job_minutes:g}"))
    if max_analyses < 1:
        raise ClvError(w("cli_err_at_least", option="--max-analyses", least="1",
                         value=max_analyses))
    from clv.web import serve as run

    run(db, host=host, port=port, token=token, upload_limit=max_upload * (1 << 20),
        allowed_hosts=allow_host or (), job_time_limit=job_minutes * 60,
        max_analyses=max_analyses, lang=lang or "en",
        announce=lambda text: out().print(text, markup=False, highlight=False))


DEMO_MARGIN = 0.3


@commands.command()
def demo(
    customers: Annotated[int, typer.Option(help="Customers to simulate.")] = 20_000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 7,
    report: Annotated[Path, typer.Option(help="Where to write the HTML report.")
                      ] = Path("clv-demo-report.html"),
    lang: Lang = None,
    as_json: Json = False,
    serve: Annotated[bool, typer.Option(help="Then open the dashboard on the analysis.")
                     ] = False,
    port: Annotated[int, typer.Option(help="Port of the dashboard (with --serve).")] = 8000,
) -> None:
    """The tour: simulate a shop (and a SaaS), read it back through validation, run every
    analysis, print the headline figures and write the HTML report; with --serve, start the
    dashboard on it (127.0.0.1)."""
    from rich.progress import Progress

    from clv.data import read_transactions
    from clv.datasets import sample_saas, sample_shop
    from clv.pipeline import Settings, analyze
    from clv.prep import rfm_summary
    from clv.report import write

    started = time.perf_counter()
    shop = sample_shop(customers, seed=seed)
    tx = read_transactions(shop.transactions, as_of=dt.datetime.combine(
        shop.observation_end, dt.time.max))
    s = rfm_summary(tx, unit="month", observation_end=shop.observation_end)
    with Progress(console=out(), transient=True, disable=as_json) as bar:
        task = bar.add_task(w("cli_progress"), total=1.0)
        analysis = analyze(tx, spend=shop.spend, customers=shop.customers,
                           subscriptions=sample_saas(max(1000, customers // 4),
                                                     seed=seed).subscriptions,
                           settings=Settings(margin=DEMO_MARGIN),
                           progress=lambda step, done: bar.update(
                               task, completed=done, description=w("cli_done", step=step)))
    path = write(analysis, report, lang or "en")
    elapsed = time.perf_counter() - started
    overall = _overall(tx, s)
    if as_json:
        print_json({"data": issues_payload(tx.issues), "summary": s.info(), "overall": overall,
                    "channels": channel_rows(analysis), "margin": DEMO_MARGIN,
                    "kpis": analysis.kpis, "report": str(path), "seconds": elapsed})
    else:
        _print_tour(analysis, tx, overall, customers, seed, shop, path, elapsed)
    if serve:
        from clv.web import serve as run

        run(D.HISTORY_URL, port=port, analyses=[(analysis, w("cli_demo_name", count=number(
            customers, 0)))], lang=lang or "en",
            announce=lambda text: out().print(text, markup=False, highlight=False))


def _print_tour(analysis: Analysis, tx: Transactions, overall: dict[str, Any], customers: int,
                seed: int, shop: Any, path: Path, elapsed: float) -> None:
    from rich.table import Table

    from clv.measures import horizon_words

    cfg, k, currency = analysis.settings, analysis.kpis, analysis.currency
    out().print("[bold]clv demo[/]" + escape(w("cli_colon") + w(
        "cli_demo_shop", customers=w("cli_customers", n=customers, count=number(customers, 0)),
        start=day(shop.start), end=day(shop.observation_end), seed=seed)))
    print_issues(tx)
    t = Table(title=escape(w("cli_title_headline")), title_justify="left")
    t.add_column(escape(w("cli_figure")))
    t.add_column(escape(w("cli_value")), justify="right")
    for key, v in overall.items():
        value = (amount(v, currency) if key in DEMO_MONEY else share(v) if key == "repeat_rate"
                 else number(v) if isinstance(v, float) else number(v, 0))
        t.add_row(escape(heading(key)), escape(value))
    t.add_row(escape(w("cli_demo_future", horizon=horizon_words(
        cfg.horizon, cfg.horizon_unit, lang()), margin=share(cfg.margin, 0))),
        escape(amount(k["predicted_clv"], currency)))
    t.add_row(escape(w("cli_demo_new_ltv")), escape(amount(k["new_customer_ltv"], currency)))
    if k.get("ltv_cac") is not None:
        t.add_row(escape(heading("blended_ltv_cac")), times(k["ltv_cac"]))
    out().print(t)
    _print_channels(analysis)
    out().print(escape(w("cli_demo_report", path="\x00")).replace(
        "\x00", f"[bold]{escape(str(path))}[/]"))
    done = w("cli_demo_done", seconds=number(elapsed, 1), margin=share(cfg.margin, 0))
    out().print(f"[dim]{escape(done)}[/]")


DEMO_MONEY = ("net_revenue", "refunds", "average_order_value", "revenue_per_customer_to_date")
"""The amounts of money of the demo's overall figures."""


def _overall(tx: Transactions, s: Summary) -> dict[str, Any]:
    """What the simulated shop looks like (counts and means of the data, no model)."""
    import polars as pl

    f = s.frame
    frame = tx.frame
    orders = frame.filter(pl.col("amount") > 0)
    years = (s.observation_end - frame["timestamp"].min().date()).days / 365.25
    purchases_per_year = float((f["n_periods"] / (f["T"] * 30.4375 / 365.25).clip(1 / 12))
                               .mean())
    aov = float(orders.group_by("order_id").agg(pl.col("amount").sum())["amount"].mean()) \
        if "order_id" in frame.columns else float(orders["amount"].mean())
    return {
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
