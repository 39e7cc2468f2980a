"""``--engine spark``: the commands' Spark path (:mod:`clv.spark`), its session and options."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from clv.errors import ClvError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from clv.cli.options import Reading
    from clv.spark import SparkSummary, SparkTransactions

Engine = Annotated[Literal["polars", "spark"], typer.Option(
    help="polars (this machine, the default) or spark (Apache Spark: pip install "
         "'clv[spark]' and a Java runtime; FILE a Parquet path or a table).")]
SparkMaster = Annotated[str, typer.Option(
    help="With --engine spark: the Spark master (local[*], spark://host:7077, yarn ...).")]
SparkConf = Annotated[list[str] | None, typer.Option(
    help="With --engine spark: a Spark setting key=value (repeat it).")]

TAKEN = {"customer": "customer", "date": "date", "amount": "amount", "order_id": "order_id",
         "duplicates": "duplicates", "earliest": "earliest", "max_amount": "max_amount",
         "timezone": "timezone"}
"""The reading options the Spark engine applies (the others are refused when given)."""
LEFT = {"product": None, "channel": None, "preset": None, "date_format": None,
        "refunds": "net", "strict": False, "decimal": None, "currency": None,
        "source_timezone": None, "separator": None, "encoding": None, "sheet": None,
        "table": None, "query": None, "quantity": None, "price": None}


def session_of(master: str, conf: list[str] | None, timezone: str = "UTC") -> SparkSession:
    """The Spark session of ``--spark-master`` and ``--spark-conf key=value``."""
    settings: dict[str, str] = {}
    for item in conf or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ClvError(f"--spark-conf takes key=value (e.g. spark.executor.memory=8g), "
                           f"not '{item}'")
        settings[key.strip()] = value.strip()
    from clv.spark import session

    return session(master, settings, timezone=timezone)


def transactions(file: str, read: Reading, master: str, conf: list[str] | None
                 ) -> SparkTransactions:
    """The transactions of ``file`` validated in Spark (a session of ``master`` and ``conf``)
    with the command's reading options: those the Spark engine applies; any other given is
    refused, naming it, before Spark starts."""
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
    if isinstance(options.get("earliest"), str) and options["earliest"].strip().lower() == \
            "none":
        options["earliest"] = None
    spark = session_of(master, conf, options.get("timezone") or "UTC")
    return read_transactions(file, spark, **options)


def stats(ss: SparkSummary) -> dict[str, Any]:
    """The figures of ``clv summary`` computed in Spark (those of the Polars summary)."""
    from pyspark.sql import functions as F

    f = ss.frame
    repeat = F.col("frequency") > 0
    row = f.agg(
        F.count(F.lit(1)).alias("customers"),
        F.sum(F.when(repeat, 1).otherwise(0)).alias("repeat"),
        F.avg("frequency"), F.avg("recency"), F.avg("T"),
        F.avg(F.when(repeat, F.col("monetary"))), F.sum("total_amount"),
        *([F.sum("frequency_holdout"), F.first("duration_holdout")] if ss.has_holdout else []),
    ).first()
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
