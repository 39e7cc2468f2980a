"""The commands of the whole analysis (``clv.analyze``): ``analyze`` (the headline figures),
``report`` (the HTML report), ``score`` (per-customer scores to a database), ``history`` (the
saved analyses), ``serve`` (the dashboard) and ``demo`` (the tour on a simulated shop)."""

from __future__ import annotations

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
    choose,
    existing,
    values_customers,
)
from clv.cli.output import (
    escape,
    figure,
    heading,
    notes_text,
    out,
    print_extras,
    print_issues,
    print_json,
    table,
)
from clv.cli.valued import CHANNEL_FIGURES, acquisition_extra
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
    with Progress(console=out(), transient=True, disable=quiet) as bar:
        task = bar.add_task("analysis", total=1.0)
        return run(tx, spend=costs, subscriptions=subs, customers=read.customers(customers),
                   settings=settings, progress=lambda step, share: bar.update(
                       task, completed=share, description=f"done: {step}"))


def channel_rows(analysis: Analysis) -> list[dict[str, Any]]:
    """The channels of an analysis, as ``clv channels --json`` gives them."""
    return analysis.channels.channels.to_dicts() if analysis.channels is not None else []


def _print_channels(analysis: Analysis) -> None:
    if analysis.channels is not None:
        table(analysis.channels.channels.select("channel", *CHANNEL_FIGURES),
              "Acquisition channels (blended LTV:CAC = sum of new customers x LTV of a new "
              "customer / total spend)", settings=analysis.settings,
              currency=analysis.currency)


def _print_kpis(analysis: Analysis) -> None:
    """The headline figures, named and formatted as the vocabulary says."""
    from rich.table import Table

    t = Table(title="Headline figures", title_justify="left")
    t.add_column("figure")
    t.add_column("value", justify="right")
    for key, value in analysis.kpis.items():
        t.add_row(escape(heading(key, analysis.settings)),
                  escape(figure(key, value, analysis.currency)))
    out().print(t)


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
            raise ClvError(f"the analysis was not saved to the history: {unsaved}")
        return
    _print_kpis(result)
    _print_channels(result)
    print_extras({"basis": f"{result.model.NAME}, {result.settings.basis}",
                  "notes": "; ".join(notes_text(result.notes)) or "none",
                  "seconds": f"{sum(result.seconds.values()):.1f} s"})
    if unsaved is not None:
        raise ClvError(f"the analysis above was not saved to the history: {unsaved}")


@commands.command()
@values_customers
def report(
    file: Source, read: Reading, valuing: Valuing,
    output: Annotated[Path, typer.Option("-o", "--output", help="The HTML file to write.")],
    spend: SpendFile = None, subscriptions: SubsFile = None, customers: CustomersFile = None,
    lang: Lang = "en",
) -> None:
    """Write the self-contained HTML report (opens offline, prints to PDF)."""
    from clv.report import LANGS, write

    choose(lang, "--lang", LANGS)
    cfg = valuing.settings(read)
    result = _analysis(file, read, cfg, spend, subscriptions, customers, False)
    path = write(result, output, lang)
    out().print(f"Report written to {path} ({path.stat().st_size / 1e6:.1f} MB)", markup=False)


@commands.command()
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
        out().print(f"No analysis saved in {db} yet (clv analyze FILE --save).", markup=False)
        return
    show = ["id", "created_at", "source", "model", "customers", "predicted_clv",
            "predicted_clv_change", "ltv_cac", "ltv_cac_change", "churn_share",
            "repeat_rate"]
    table(frame.select(show), f"History of analyses in {db}")


@commands.command()
@values_customers
def score(
    file: Source, read: Reading, valuing: Valuing,
    to: Annotated[str, typer.Option(help="Database URL to write the scores to, optionally "
                                         "followed by /TABLE (postgresql://host/db/scores).")],
    scores_table: Annotated[str | None, typer.Option(
        help="Table of the scores (replaced); default: the one the URL names, else "
             "clv_scores.")] = None,
) -> None:
    """Write each customer's P(alive), expected purchases and spend and CLV (with its
    interval) to a database table, and record the analysis in that database's history."""
    from clv.store import Store, split_table

    cfg = valuing.settings(read)
    result = _analysis(file, read, cfg, None, None, None, False)
    to, named = split_table(to)
    scores_table = scores_table or named or "clv_scores"
    with Store(to) as store:
        rows = store.write_scores(result, scores_table, store.save(result, str(file)))
        notes = list(store.notes)
    out().print(f"{rows:,} customer scores written to table {scores_table}", markup=False)
    for note in notes:
        out().print(f"note: {note}", markup=False)


Host = Annotated[str, typer.Option(help="Address to listen on; beyond 127.0.0.1 a token is "
                                        "required.")]
Port = Annotated[int, typer.Option(help="Port to listen on.")]
Token = Annotated[str | None, typer.Option(help="Access token (default: none on 127.0.0.1, "
                                                "else a new one, printed).")]
MaxUpload = Annotated[int, typer.Option(help="Largest upload, in MB.")]


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
          lang: Annotated[str, typer.Option(
              help="Language of the pages (en or fr) for a browser that asks for neither; "
                   "each page offers the other.")] = "en") -> None:
    """The web dashboard: upload a file, confirm its columns, explore the analysis, export
    it; the history of analyses is kept in --db."""
    from clv.i18n import LANGS

    choose(lang, "--lang", LANGS)
    if max_upload < 1:
        raise ClvError(f"--max-upload must be at least 1 (MB), not {max_upload}")
    if not job_minutes > 0:
        raise ClvError(f"--job-minutes must be positive, not {job_minutes:g}")
    if max_analyses < 1:
        raise ClvError(f"--max-analyses must be at least 1, not {max_analyses}")
    from clv.web import serve as run

    run(db, host=host, port=port, token=token, upload_limit=max_upload * (1 << 20),
        allowed_hosts=allow_host or (), job_time_limit=job_minutes * 60,
        max_analyses=max_analyses, lang=lang,
        announce=lambda text: out().print(text, markup=False, highlight=False))


DEMO_MARGIN = 0.3


@commands.command()
def demo(
    customers: Annotated[int, typer.Option(help="Customers to simulate.")] = 20_000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 7,
    report: Annotated[Path, typer.Option(help="Where to write the HTML report.")
                      ] = Path("clv-demo-report.html"),
    lang: Lang = "en",
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
    from clv.report import LANGS, write

    choose(lang, "--lang", LANGS)
    started = time.perf_counter()
    shop = sample_shop(customers, seed=seed)
    tx = read_transactions(shop.transactions, as_of=dt.datetime.combine(
        shop.observation_end, dt.time.max))
    s = rfm_summary(tx, unit="month", observation_end=shop.observation_end)
    with Progress(console=out(), transient=True, disable=as_json) as bar:
        task = bar.add_task("analysis", total=1.0)
        analysis = analyze(tx, spend=shop.spend, customers=shop.customers,
                           subscriptions=sample_saas(max(1000, customers // 4),
                                                     seed=seed).subscriptions,
                           settings=Settings(margin=DEMO_MARGIN),
                           progress=lambda step, share: bar.update(
                               task, completed=share, description=f"done: {step}"))
    path = write(analysis, report, lang)
    elapsed = time.perf_counter() - started
    overall = _overall(tx, s)
    if as_json:
        print_json({"data": tx.issues.to_dict(), "summary": s.info(), "overall": overall,
                    "channels": channel_rows(analysis), "margin": DEMO_MARGIN,
                    "kpis": analysis.kpis, "report": str(path), "seconds": elapsed})
    else:
        _print_tour(analysis, tx, overall, customers, seed, shop, path, elapsed)
    if serve:
        from clv.web import serve as run

        run(D.HISTORY_URL, port=port, analyses=[(analysis, f"demo shop ({customers:,})")],
            lang=lang, announce=lambda text: out().print(text, markup=False, highlight=False))


def _print_tour(analysis: Analysis, tx: Transactions, overall: dict[str, Any], customers: int,
                seed: int, shop: Any, path: Path, elapsed: float) -> None:
    from rich.table import Table

    cfg, k = analysis.settings, analysis.kpis
    out().print(f"[bold]clv demo[/]: a simulated shop of {customers:,} customers, "
                f"{shop.start} to {shop.observation_end} (seed {seed})")
    print_issues(tx)
    t = Table(title="Headline figures", title_justify="left")
    t.add_column("figure")
    t.add_column("value", justify="right")
    for key, v in overall.items():
        t.add_row(key.replace("_", " "), f"{v:,.2f}" if isinstance(v, float) else f"{v:,}")
    t.add_row(f"future value per customer (next {cfg.horizon:g} {cfg.horizon_unit}s, "
              f"{cfg.margin:.0%} margin)", f"{k['predicted_clv']:,.2f}")
    t.add_row("LTV of a new customer (lifetime)", f"{k['new_customer_ltv']:,.2f}")
    if k.get("ltv_cac") is not None:
        t.add_row("LTV:CAC (blended)", f"{k['ltv_cac']:.2f}x")
    out().print(t)
    _print_channels(analysis)
    out().print(f"Report written to [bold]{escape(str(path))}[/] (open it in a browser; it "
                "works offline)")
    out().print(f"[dim]Finished in {elapsed:.1f} s. Margins use {cfg.margin:.0%}.[/]")


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
