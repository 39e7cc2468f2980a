"""RFM summary per customer, with an optional calibration / holdout split, and compression.

Definitions (Fader, Hardie & Lee 2005, "Counting your customers the easy way", Marketing
Science 24(2); the conventions of the BTYD literature):

- purchases of one customer in the same merge period (a day by default) are one transaction,
  their amounts summed (refunds included, so a refund nets against that period's purchases);
- the relationship starts at the customer's first period with a net amount >= 0 (a free first
  order acquires a customer); after it, only periods with a positive net amount are purchases,
  so zero-value orders and net refunds never count as repeat transactions;
- ``frequency`` x = number of purchase periods after the first (repeat transactions);
- ``recency`` t_x = time from the first to the last purchase period;
- ``T`` = time from the first purchase period to the end of calibration;
- ``monetary`` = mean net amount of the repeat purchase periods (0 when x = 0);
- times are measured in ``unit`` (day, week, month = 30.4375 days, year = 365.25 days).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

import polars as pl

from clv.data.transactions import Transactions
from clv.errors import ClvError, DataError

Unit = Literal["day", "week", "month", "year"]
UNIT_DAYS: dict[str, float] = {"day": 1.0, "week": 7.0, "month": 30.4375, "year": 365.25}
_TRUNCATE = {"day": "1d", "week": "1w", "month": "1mo", "year": "1y"}
COLUMNS = ("customer_id", "timestamp", "amount")


@dataclass(frozen=True)
class SummaryReport:
    """What the summary merged and left out, so that nothing disappears unexplained."""

    transactions: int
    amount: float
    merged_transactions: int
    non_positive_periods: int
    rows_after_observation_end: int
    amount_after_observation_end: float
    customers_without_purchase: int
    amount_without_purchase: float
    customers_first_seen_in_holdout: int = 0
    amount_first_seen_in_holdout: float = 0.0

    @property
    def amount_left_out(self) -> float:
        """Amount of every transaction not in a customer row: after the observation end, of
        customers without a purchase, of customers first seen in the holdout. The summary's
        ``total_amount`` (+ ``total_amount_holdout``) plus this equals ``amount``."""
        return (self.amount_after_observation_end + self.amount_without_purchase
                + self.amount_first_seen_in_holdout)

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "amount_left_out": self.amount_left_out}

    def lines(self) -> list[str]:
        out = [f"{self.transactions:,} transactions, {self.merged_transactions:,} merged into "
               "another of the same customer and period"]
        if self.non_positive_periods:
            out.append(f"{self.non_positive_periods:,} customer-periods with a net amount <= 0 "
                       "(refunds, zero totals) are not repeat purchases")
        if self.rows_after_observation_end:
            out.append(f"{self.rows_after_observation_end:,} transactions after the observation "
                       f"end left out (amount {self.amount_after_observation_end:,.2f})")
        if self.customers_without_purchase:
            out.append(f"{self.customers_without_purchase:,} customers without any purchase "
                       f"(only refunds or zero totals) left out (amount "
                       f"{self.amount_without_purchase:,.2f})")
        if self.customers_first_seen_in_holdout:
            out.append(f"{self.customers_first_seen_in_holdout:,} customers first seen in the "
                       f"holdout left out (amount {self.amount_first_seen_in_holdout:,.2f})")
        return out


@dataclass(frozen=True)
class Summary:
    """One row per customer plus the unit and dates that give the numbers their meaning."""

    frame: pl.DataFrame
    unit: str
    observation_end: dt.date
    calibration_end: dt.date | None
    merge: str
    report: SummaryReport
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def unit_days(self) -> float:
        return UNIT_DAYS[self.unit]

    @property
    def has_holdout(self) -> bool:
        return self.calibration_end is not None

    def __len__(self) -> int:
        return self.frame.height

    def __getitem__(self, column: str) -> pl.Series:
        return self.frame[column]

    def info(self) -> dict[str, Any]:
        """Unit, dates and report as plain values (for JSON and file metadata)."""
        return {
            "unit": self.unit,
            "unit_days": self.unit_days,
            "merge": self.merge,
            "observation_end": self.observation_end.isoformat(),
            "calibration_end": self.calibration_end.isoformat() if self.calibration_end else None,
            "customers": self.frame.height,
            **self.report.to_dict(),
        }

    def write(self, path: str) -> None:
        """Write to CSV or Parquet (Parquet keeps unit and dates as file metadata)."""
        if path.endswith(".parquet"):
            import json

            self.frame.write_parquet(path, metadata={"clv.summary": json.dumps(self.info())})
        elif path.endswith(".csv"):
            self.frame.write_csv(path)
        else:
            raise ClvError(f"{path}: write the summary to a .csv or .parquet file")


def _to_date(value: dt.date | dt.datetime | str | None, name: str) -> dt.date | None:
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise ClvError(f"{name} must be a date such as 1997-09-30, not '{value}'") from exc


def _lazy(transactions: Any) -> pl.LazyFrame:
    if isinstance(transactions, Transactions):
        lf = transactions.frame.lazy()
    elif isinstance(transactions, pl.DataFrame):
        lf = transactions.lazy()
    elif isinstance(transactions, pl.LazyFrame):
        lf = transactions
    else:
        raise ClvError("rfm_summary takes Transactions (from read_transactions) or a Polars "
                       "frame with customer_id, timestamp and amount")
    names = lf.collect_schema().names()
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise DataError(f"missing canonical column(s) {', '.join(missing)}; read the data with "
                        "clv.read_transactions to map the columns", source="transactions")
    return lf.select(COLUMNS)


def rfm_summary(
    transactions: Transactions | pl.DataFrame | pl.LazyFrame,
    unit: Unit = "week",
    observation_end: dt.date | str | None = None,
    calibration_end: dt.date | str | None = None,
    merge: Unit = "day",
) -> Summary:
    """Summarise transactions into one row per customer (see the module docstring).

    ``observation_end`` defaults to the last transaction's date; transactions after it are
    left out and counted. With ``calibration_end`` the columns describe the calibration period
    (up to and including that date) and ``frequency_holdout`` (purchase periods in the
    holdout), ``monetary_holdout`` (their mean net amount) and ``duration_holdout`` (holdout
    length in ``unit``) are added; customers first seen in the holdout are left out and
    counted. Dates are compared at the ``merge`` granularity.
    """
    if unit not in UNIT_DAYS:
        raise ClvError(f"unit must be one of {', '.join(UNIT_DAYS)}, not '{unit}'")
    if merge not in UNIT_DAYS:
        raise ClvError(f"merge must be one of {', '.join(UNIT_DAYS)}, not '{merge}'")
    days = UNIT_DAYS[unit]
    lf = _lazy(transactions)
    period = pl.col("timestamp").dt.truncate(_TRUNCATE[merge]).dt.date() if merge != "day" \
        else pl.col("timestamp").dt.date()
    periods = (
        lf.group_by(pl.col("customer_id"), period.alias("period"))
        .agg(pl.col("amount").sum(), pl.len().alias("n"))
        .collect(engine="streaming")
    )
    if periods.height == 0:
        raise DataError("no transactions to summarise", source="transactions")
    n_tx = int(periods["n"].sum())
    amount_all = float(periods["amount"].sum())

    obs = _to_date(observation_end, "observation_end") or periods["period"].max()
    cal = _to_date(calibration_end, "calibration_end")
    obs_p = _floor(obs, merge)
    cal_p = _floor(cal, merge) if cal is not None else obs_p
    if cal is not None and cal >= obs:
        raise ClvError(f"calibration_end {cal} must be before observation_end {obs}")

    after = periods.filter(pl.col("period") > obs_p)
    periods = periods.filter(pl.col("period") <= obs_p)
    buy = pl.col("amount") > 0
    calib = periods.filter(pl.col("period") <= cal_p)
    # Plain aggregations only (no per-group aggregate inside a filter), which Polars runs on
    # its fast group-by paths: each customer's start first, then flags per period.
    starts = calib.lazy().filter(pl.col("amount") >= 0).group_by("customer_id").agg(
        pl.col("period").min().alias("first_purchase"))
    repeat = buy & (pl.col("period") > pl.col("first_purchase"))
    per_customer = (
        calib.lazy().join(starts, on="customer_id", how="left")
        .with_columns(repeat.fill_null(False).alias("_repeat"))
        .group_by("customer_id")
        .agg(
            pl.col("first_purchase").first(),
            pl.when("_repeat").then(pl.col("period")).max().alias("_last_repeat"),
            (pl.col("_repeat").sum().cast(pl.Int64)
             + pl.col("first_purchase").first().is_not_null().cast(pl.Int64)).alias("n_periods"),
            pl.col("amount").sum().alias("total_amount"),
            pl.when("_repeat").then(pl.col("amount")).otherwise(0.0).sum()
            .alias("_repeat_amount"),
        )
        .with_columns(pl.coalesce("_last_repeat", "first_purchase").alias("last_purchase"))
        .collect()
    )
    no_purchase = per_customer.filter(pl.col("n_periods") == 0)
    per_customer = per_customer.filter(pl.col("n_periods") > 0)
    frequency = pl.col("n_periods") - 1
    frame = per_customer.select(
        "customer_id",
        frequency.alias("frequency"),
        ((pl.col("last_purchase") - pl.col("first_purchase")).dt.total_days() / days)
        .alias("recency"),
        ((pl.lit(cal_p) - pl.col("first_purchase")).dt.total_days() / days).alias("T"),
        pl.when(frequency > 0)
        .then(pl.col("_repeat_amount") / frequency)
        .otherwise(0.0).alias("monetary"),
        "n_periods",
        "total_amount",
        "first_purchase",
        "last_purchase",
    )
    report: dict[str, Any] = {
        "transactions": n_tx,
        "amount": amount_all,
        "merged_transactions": n_tx - (periods.height + after.height),
        "non_positive_periods": int((periods["amount"] <= 0).sum()),
        "rows_after_observation_end": int(after["n"].sum()),
        "amount_after_observation_end": float(after["amount"].sum()),
        "customers_without_purchase": no_purchase.height,
        # all their amounts up to the observation end, holdout included
        "amount_without_purchase": float(
            periods.join(no_purchase.select("customer_id"), on="customer_id", how="semi")
            ["amount"].sum()),
    }
    if cal is not None:
        hold = periods.filter(pl.col("period") > cal_p)
        known = hold.join(frame.select("customer_id"), on="customer_id", how="semi")
        unknown = hold.join(calib.select("customer_id").unique(), on="customer_id", how="anti")
        report["customers_first_seen_in_holdout"] = unknown["customer_id"].n_unique()
        report["amount_first_seen_in_holdout"] = float(unknown["amount"].sum())
        # Calibration customers without any purchase (only refunds) may buy in the holdout;
        # they are already counted under customers_without_purchase.
        per_hold = known.group_by("customer_id").agg(
            buy.sum().cast(pl.Int64).alias("frequency_holdout"),
            pl.col("amount").filter(buy).mean().alias("monetary_holdout"),
            pl.col("amount").sum().alias("total_amount_holdout"),
        )
        frame = frame.join(per_hold, on="customer_id", how="left").with_columns(
            pl.col("frequency_holdout").fill_null(0),
            pl.col("monetary_holdout").fill_null(0.0),
            pl.col("total_amount_holdout").fill_null(0.0),
            pl.lit((obs_p - cal_p).days / days).alias("duration_holdout"),
        )
    frame = frame.sort("customer_id")
    return Summary(frame, unit, obs, cal, merge, SummaryReport(**report))


def _floor(day: dt.date, merge: str) -> dt.date:
    if merge == "day":
        return day
    s = pl.Series([dt.datetime.combine(day, dt.time())]).dt.truncate(_TRUNCATE[merge])
    return s.dt.date()[0]


def compress(
    summary: Summary | pl.DataFrame,
    columns: tuple[str, ...] = ("frequency", "recency", "T"),
) -> pl.DataFrame:
    """Collapse identical rows of ``columns`` into one row with a ``weight`` (customer count).

    Likelihoods are sums over customers, so a model fitted on the compressed rows with these
    weights gives the same estimates at a cost that grows with the number of distinct rows.
    """
    frame = summary.frame if isinstance(summary, Summary) else summary
    return (
        frame.group_by(list(columns))
        .agg(pl.len().cast(pl.Int64).alias("weight"))
        .sort(list(columns))
    )
