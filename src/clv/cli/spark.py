"""``--engine spark``: the commands' Spark path (:mod:`clv.spark`), its session and options;
the Spark paths of ``clv score`` (:func:`spark_score`) and ``clv report``
(:func:`spark_report`)."""

from __future__ import annotations

import os
import re
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from clv.cli.options import choose, named_columns, statuses
from clv.cli.output import out, print_issues, print_notes
from clv.errors import ClvError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from clv.cli.options import Reading
    from clv.spark import SparkSummary, SparkTransactions
    from clv.valuation import Settings

Engine = Annotated[Literal["polars", "spark"], typer.Option(
    help="polars (this machine, the default) or spark (Apache Spark: pip install "
         "'clv[spark]' and a Java runtime; FILE a Parquet path or a table).")]
SparkMaster = Annotated[str, typer.Option(
    help="With --engine spark: the Spark master (local[*], spark://host:7077, yarn ...).")]
SparkConf = Annotated[list[str] | None, typer.Option(
    help="With --engine spark: a Spark setting key=value (repeat it).")]

TAKEN = {"customer": "customer", "date": "date", "amount": "amount", "order_id": "order_id",
         "quantity": "quantity", "price": "price", "currency": "currency",
         "duplicates": "duplicates", "earliest": "earliest", "max_amount": "max_amount",
         "timezone": "timezone", "preset": "preset", "date_format": "date_format",
         "paid_status": "paid_statuses", "unpaid_status": "unpaid_statuses"}
"""The reading options the Spark engine applies (the others are refused when given)."""
LEFT = {"product": None, "channel": None,
        "refunds": "net", "strict": False, "decimal": None,
        "source_timezone": None, "separator": None, "encoding": None, "sheet": None,
        "table": None, "query": None}


def session_of(master: str, conf: list[str] | None, timezone: str = "UTC") -> SparkSession:
    """The Spark session of ``--spark-master`` and ``--spark-conf key=value``."""
    settings: dict[str, str] = {}
    for item in conf or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ClvError(f"--spark-conf takes key=value (e.g. spark.executor.memory=8g), "
                           f"not '{item}'")
        settings[key.strip()] = value.strip()
    # PySpark 4 warns, once per process, that it does not yet fully support pandas 3 when it
    # checks which optional packages are there; clv hands it Arrow, never pandas frames, and
    # a user of the command line would read that warning as clv's
    warnings.filterwarnings("ignore", "PySpark does not yet fully support pandas",
                            FutureWarning)
    from clv.spark import session

    return session(master, settings, timezone=timezone)


def transactions(file: str, read: Reading, master: str, conf: list[str] | None,
                 keep: tuple[str, ...] | None = None, excluded_rows: bool = False
                 ) -> SparkTransactions:
    """The transactions of ``file`` validated in Spark (a session of ``master`` and ``conf``)
    with the command's reading options: those the Spark engine applies; any other given is
    refused, naming it, before Spark starts. ``keep``: the optional columns carried (see
    :func:`clv.spark.read_transactions`; ``()`` for a job that reads none);
    ``excluded_rows``: every excluded row listed (``SparkTransactions.excluded_rows``)."""
    from clv.spark import read_transactions

    options: dict[str, Any] = {}
    for key, value in read.options.items():
        if key in TAKEN:
            if value is not None:
                options[TAKEN[key]] = value
        elif key in LEFT and value != LEFT[key] and key not in ("product", "channel"):
            flag = "--" + key.replace("_", "-")
            raise ClvError(f"{flag} is not applied by --engine spark (type the columns in the "
                           "data, or leave out --engine spark)")
    named = named_columns(read.options)
    if named:  # the status and cancellation columns, named
        options["columns"] = named
    for name in ("paid_statuses", "unpaid_statuses"):  # each given comma-separated
        if name in options:
            options[name] = statuses(options[name])
    if isinstance(options.get("earliest"), str) and options["earliest"].strip().lower() == \
            "none":
        options["earliest"] = None
    spark = session_of(master, conf, options.get("timezone") or "UTC")
    return read_transactions(file, spark, keep=keep, excluded_rows=excluded_rows, **options)


def write_excluded(stx: SparkTransactions, target: Path) -> int:
    """``clv check --engine spark --excluded DIR``: every excluded row (read with
    ``excluded_rows=True``) written by Spark to the Parquet directory ``target`` (replaced),
    the columns of ``clv check --excluded`` and its reasons in this run's language; the
    number of rows written, counted on what was written."""
    from pyspark.sql import functions as F

    from clv.cli.output import reason_words

    if target.suffix.lower() in (".csv", ".xlsx"):
        raise ClvError("with --engine spark, --excluded names a Parquet directory (Spark "
                       f"writes the excluded rows in parts), not {target}")
    rows = stx.excluded_rows
    assert rows is not None, "read with excluded_rows=True"
    words = {e.reason: reason_words(e.reason) for e in stx.issues.exclusions}
    if any(k != v for k, v in words.items()):
        said = F.create_map(*(F.lit(x) for pair in words.items() for x in pair))
        rows = rows.withColumn("reason", F.coalesce(said[F.col("reason")], F.col("reason")))
    _write(rows, "parquet", str(target))
    return int(rows.sparkSession.read.parquet(str(target)).count())


def stats(ss: SparkSummary) -> dict[str, Any]:
    """The figures of ``clv summary`` computed in Spark (those of the Polars summary)."""
    from pyspark.sql import functions as F

    from clv.spark.core import first

    f = ss.frame
    repeat = F.col("frequency") > 0
    row = first(f.agg(
        F.count(F.lit(1)).alias("customers"),
        F.sum(F.when(repeat, 1).otherwise(0)).alias("repeat"),
        F.avg("frequency"), F.avg("recency"), F.avg("T"),
        F.avg(F.when(repeat, F.col("monetary"))), F.sum("total_amount"),
        *([F.sum("frequency_holdout"), F.first("duration_holdout")] if ss.has_holdout else []),
    ))
    out: dict[str, Any] = {
        "customers": int(row[0]), "one_time_buyers": int(row[0]) - int(row[1] or 0),
        "repeat_buyers": int(row[1] or 0), "mean_frequency": float(row[2] or 0.0),
        "mean_recency": float(row[3] or 0.0), "mean_T": float(row[4] or 0.0),
        "mean_monetary_of_repeat_buyers": float(row[5] or 0.0),
        "total_amount": float(row[6] or 0.0)}
    if ss.has_holdout:
        out["holdout_transactions"] = int(row[7] or 0)
        out["holdout_duration"] = float(row[8] or 0.0)
    return out


DATABASE_SCHEMES = ("sqlite", "postgres", "mysql", "mariadb", "mssql", "oracle", "duckdb")
"""URL schemes of databases: ``clv score --to`` writes there without --engine spark."""
TABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){0,2}")


def score_target(to: str) -> tuple[Literal["parquet", "table"], str]:
    """Where ``clv score --engine spark --to`` writes: a Parquet directory when ``to`` is a
    path (it holds a '/', ends in .parquet, exists, or is a URL of a file system such as
    s3a:// or hdfs://), else the catalogue table it names ([catalog.][database.]table)."""
    target = to.strip()
    scheme, sep, _ = target.partition("://")
    if sep and scheme.lower().split("+")[0].startswith(DATABASE_SCHEMES):
        raise ClvError(f"--to {target} is a database: --engine spark writes the scores to a "
                       "Parquet directory or a Spark table (leave out --engine spark to write "
                       "them to a database)")
    if sep or "/" in target or os.sep in target or target.endswith(".parquet") \
            or Path(target).exists():
        return "parquet", target
    if TABLE_NAME.fullmatch(target):
        return "table", target
    raise ClvError(f"--to {target!r} is neither a path (write ./{target} for a directory) nor "
                   "a table name ([database.]table: letters, digits and _)")


def spark_score(file: str, read: Reading, cfg: Settings, master: str, conf: list[str] | None,
                to: str, scores_table: str | None) -> None:
    """``clv score --engine spark``: each customer's scores (the columns ``clv score`` writes
    to a database, with the CLV interval) computed in Spark (:func:`clv.spark.score`) and
    written to the Parquet directory or the Spark table of ``--to`` (replaced). No history
    is recorded (it lives in a database)."""
    if scores_table is not None:
        raise ClvError("--scores-table names a database table; with --engine spark, --to names "
                       "the Parquet directory or the Spark table")
    kind, target = score_target(to)
    from pyspark.sql import functions as F

    from clv import spark as cs
    from clv.spark.core import first

    stx = transactions(file, read, master, conf, keep=())  # no product or channel needed
    ss = cs.rfm_summary(stx, unit=cfg.unit, observation_end=cfg.observation_end,
                        midpoint=cfg.midpoint)
    fitted = cs.fit(ss, cs.purchase_model(stx, cfg))
    scores = cs.score(ss, fitted, cfg.horizon, cfg.horizon_unit, margin=cfg.margin,
                      discount_rate=cfg.discount_rate, level=cfg.level, draws=cfg.draws)
    frame = scores.frame.drop("discounted_purchases")
    _write(frame, kind, target)
    # the figures of the scores written, read back (the intervals are not drawn twice)
    spark = frame.sparkSession
    done = spark.read.parquet(target) if kind == "parquet" else spark.table(target)
    row = first(done.agg(F.count(F.lit(1)), F.sum("clv")))
    print_issues(stx.issues)
    out().print(f"{int(row[0]):,} customer scores written to "
                + (f"the Parquet directory {target}" if kind == "parquet" else f"table {target}")
                + f" ({scores.distinct_rows:,} distinct rows valued on the driver, each "
                f"customer's interval drawn in Spark; {fitted.purchases.NAME}, {cfg.basis}); "
                f"total CLV {float(row[1] or 0.0):,.2f}", markup=False, highlight=False)
    print_notes([*scores.notes, "no analysis is recorded in a history with --engine spark"])


def _write(frame: Any, kind: str, target: str) -> None:
    """``frame`` written to a Parquet directory or a table (replaced); Spark's refusal (a
    path it cannot write, a database that does not exist) as a user error."""
    from pyspark.errors import PySparkException

    writer = frame.write.mode("overwrite")
    try:
        if kind == "parquet":
            writer.parquet(target)
        else:
            writer.saveAsTable(target)
    except PySparkException as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ClvError(f"Spark could not write the scores to {target}: {first}") from None


def spark_report(file: str, read: Reading, cfg: Settings, output: Path, spend: Path | None,
                 subscriptions: Path | None, customers: Path | None, lang: str | None,
                 master: str, conf: list[str] | None) -> None:
    """``clv report --engine spark``: the report of the analysis of :func:`clv.spark.analyze`
    (read, summarised, fitted and scored in Spark; the customer-level results collected to
    build the same analysis)."""
    from rich.progress import Progress

    from clv.cli.options import existing
    from clv.report import LANGS, write
    from clv.spark import analyze

    lang = choose(lang or "en", "--lang", LANGS)
    for path, option in ((spend, "--spend"), (subscriptions, "--subscriptions"),
                         (customers, "--customers")):
        existing(path, option)  # before anything is read
    stx = transactions(file, read, master, conf)
    with Progress(console=out(), transient=True) as bar:
        task = bar.add_task("analysis", total=1.0)
        result = analyze(stx, spend=read.spend(spend), customers=read.customers(customers),
                         subscriptions=read.subscriptions(subscriptions), settings=cfg,
                         progress=lambda step, share: bar.update(
                             task, completed=share, description=f"done: {step}"))
    path = write(result, output, lang)
    out().print(f"Report written to {path} ({path.stat().st_size / 1e6:.1f} MB)", markup=False)
