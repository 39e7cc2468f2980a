"""The data commands: ``check`` (the column mapping and the data-quality report) and ``summary``
(the per-customer RFM summary)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from clv import defaults as D
from clv.cli.options import Json, ObservationEnd, Reading, Source, Unit, reads_data
from clv.cli.output import (
    amount,
    cash,
    day,
    escape,
    heading,
    issues_payload,
    number,
    out,
    print_issues,
    print_json,
    reason_words,
    unit_words,
    w,
    write_frame,
    written,
)
from clv.cli.spark import Engine, SparkConf, SparkMaster
from clv.errors import ClvError

if TYPE_CHECKING:
    from clv.data.issues import DataIssues
    from clv.prep import Summary
    from clv.prep.summary import SummaryReport

commands = typer.Typer()


WRITABLE = (".csv", ".parquet", ".xlsx")
"""The files :func:`clv.cli.output.write_frame` writes."""


@commands.command()
@reads_data
def check(
    file: Source,
    read: Reading,
    excluded: Annotated[Path | None, typer.Option(
        "--excluded", help="Write every excluded row (.csv, .parquet or .xlsx; with --engine "
                           "spark a Parquet directory): its row, reason, amount and mapped "
                           "columns as read.")] = None,
    as_json: Json = False,
    engine: Engine = "polars",
    spark_master: SparkMaster = "local[*]",
    spark_conf: SparkConf = None,
) -> None:
    """Read a transactions file and show the column mapping and the data-quality report."""
    listed = excluded is not None
    if engine == "spark":
        from clv.cli import spark as engine_of

        stx = engine_of.transactions(file, read, spark_master, spark_conf, keep=(),
                                     excluded_rows=listed)
        n = engine_of.write_excluded(stx, excluded) if excluded is not None else None
        issues = stx.issues
    else:
        if excluded is not None and excluded.suffix.lower() not in WRITABLE:
            raise ClvError(w("cli_err_write_to", option="--excluded", path=str(excluded)))
        tx = read.transactions(file, excluded_rows=listed)
        n = write_excluded(tx.issues, excluded) if excluded is not None else None
        issues = tx.issues
    if as_json:
        payload = issues_payload(issues)
        if excluded is not None:
            payload["excluded_file"] = {"path": str(excluded), "rows": n}
        print_json(payload)
        return
    print_issues(issues if engine == "spark" else tx)
    if excluded is not None:
        out().print(w("cli_excluded_written", n=n, count=number(n or 0, 0),
                      path=str(excluded)), markup=False, highlight=False)


def write_excluded(issues: DataIssues, path: Path) -> int:
    """Write the excluded rows of ``issues`` (read with ``excluded_rows=True``) to ``path``,
    their reasons in this run's language; the number of rows written (a file with its header
    only when none was excluded)."""
    import polars as pl

    rows = issues.excluded_rows
    assert rows is not None, "read with excluded_rows=True"
    words = {r: reason_words(r) for r in rows["reason"].unique().to_list()}
    write_frame(rows.with_columns(pl.col("reason").replace_strict(
        words, return_dtype=pl.String)) if words else rows, path)
    return rows.height


@commands.command()
@reads_data
def summary(
    file: Source,
    read: Reading,
    unit: Unit = D.UNIT,
    calibration_end: Annotated[str | None, typer.Option(
        help="Last day of calibration: the rest is the holdout.")] = None,
    observation_end: ObservationEnd = None,
    merge: Annotated[D.Unit, typer.Option(
        help="Purchases in the same period are merged: day, week, month or year.")] = "day",
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="Write the summary (.csv/.parquet; with --engine spark a "
                               "Parquet directory).")] = None,
    as_json: Json = False,
    engine: Engine = "polars",
    spark_master: SparkMaster = "local[*]",
    spark_conf: SparkConf = None,
) -> None:
    """Per-customer RFM summary (frequency, recency, T, monetary), optionally with holdout."""
    from rich.table import Table

    options = {"unit": unit, "observation_end": observation_end,
               "calibration_end": calibration_end, "merge": merge}
    if engine == "spark":
        from clv import spark as cs
        from clv.cli import spark as engine_of

        stx = engine_of.transactions(file, read, spark_master, spark_conf, keep=())
        ss = cs.rfm_summary(stx, **options)
        if output is not None:
            ss.frame.write.mode("overwrite").parquet(str(output))
        stats, report, issues = engine_of.stats(ss), ss.report, stx.issues
        currency = read.currency
        s_info = {**_spark_info(ss), "customers": stats["customers"]}
    else:
        # a database table is summarised by the database when it can be (one customer a row)
        s, issues, tx = read.summary(file, **options)
        currency = getattr(tx, "currency", None) or read.currency
        if output is not None:
            s.write(str(output))
        s_info, report, stats = s.info(), s.report, _summary_stats(s)
    if as_json:
        print_json({"data": issues_payload(issues), "summary": s_info, "stats": stats,
                    "output": str(output) if output else None})
        return
    print_issues(issues if engine == "spark" or tx is None else tx)
    dates = w("cli_summary_end", end=day(s_info["observation_end"]))
    if s_info["calibration_end"]:
        dates += w("cli_summary_calibration", end=day(s_info["calibration_end"]))
    t = Table(title=escape(w("cli_summary_title", unit=unit_words(s_info["unit"], True),
                             dates=dates)), title_justify="left")
    t.add_column(escape(w("cli_figure")))
    t.add_column(escape(w("cli_value")), justify="right")
    for k, v in stats.items():
        t.add_row(escape(heading(k)), figure(k, v, currency))
    out().print(t)
    for line in summary_lines(report, currency):
        out().print(f"[dim]{escape(line)}[/]")
    if output is not None:
        written(w("cli_the_summary"), output)


MONEY_FIGURES = {"mean_monetary_of_repeat_buyers": None, "total_amount": None}
"""The summary's figures that are money, and their decimals (None: the currency's own, cents;
the total too, which a user checks against the file's own total to the cent)."""


def figure(key: str, value: Any, currency: str | None) -> str:
    """A figure of the summary's table: money in ``currency`` when known (to the cent), other
    means with three decimals, counts whole."""
    if key in MONEY_FIGURES:
        digits = MONEY_FIGURES[key]
        if currency:
            return cash(float(value), currency, digits=digits)
        return number(float(value), 2 if digits is None else digits)
    return number(value, 3) if isinstance(value, float) else number(value, 0)


def summary_lines(report: SummaryReport, currency: str | None = None) -> list[str]:
    """What the summary merged and left out (``SummaryReport.lines``), in this run's
    language, amounts in ``currency`` when known."""
    def count(n: int) -> str:
        return number(n, 0)

    lines = [w("cli_sum_rows", n=report.transactions, count=count(report.transactions),
               merged=count(report.merged_transactions))]
    if report.non_positive_periods:
        lines.append(w("cli_sum_non_positive", n=report.non_positive_periods,
                       count=count(report.non_positive_periods)))
    if report.rows_after_observation_end:
        lines.append(w("cli_sum_after_end", n=report.rows_after_observation_end,
                       count=count(report.rows_after_observation_end),
                       amount=amount(report.amount_after_observation_end, currency)))
    if report.customers_without_purchase:
        lines.append(w("cli_sum_no_purchase", n=report.customers_without_purchase,
                       count=count(report.customers_without_purchase),
                       amount=amount(report.amount_without_purchase, currency)))
    if report.customers_first_seen_in_holdout:
        lines.append(w("cli_sum_in_holdout", n=report.customers_first_seen_in_holdout,
                       count=count(report.customers_first_seen_in_holdout),
                       amount=amount(report.amount_first_seen_in_holdout, currency)))
    return lines


def _spark_info(ss: Any) -> dict[str, Any]:
    """Summary.info() of a Spark summary (its customers counted by the caller)."""
    from clv.prep.summary import UNIT_DAYS

    return {"unit": ss.unit, "unit_days": UNIT_DAYS[ss.unit], "merge": ss.merge,
            "observation_end": ss.observation_end.isoformat(),
            "calibration_end": ss.calibration_end.isoformat() if ss.calibration_end else None,
            "computed_by": "spark", **ss.report.to_dict()}


def _summary_stats(s: Summary) -> dict[str, Any]:
    import polars as pl

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
