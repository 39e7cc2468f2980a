"""RFM summary per customer, with an optional calibration / holdout split, and compression.

Definitions (Fader, Hardie & Lee 2005, "Counting your customers the easy way", Marketing
Science 24(2); the conventions of the BTYD literature):

- purchases of one customer in the same merge period (a day by default) are one transaction,
  their amounts summed (refunds included, so a refund nets against that period's purchases);
- a refund linked to its order (an ``order_time`` column, written by
  :func:`clv.read_transactions` when a refund names the order id of an earlier purchase of
  its customer) nets against the order's period instead, when both fall in the same window
  (calibration, holdout, after the observation end): a refunded order is not a purchase;
- the relationship starts at the customer's first period with a net amount >= 0 (a free first
  order acquires a customer); after it, only periods with a positive net amount are purchases,
  so zero-value orders and net refunds never count as repeat transactions (a net amount within
  ``NET_ZERO``, a millionth, of 0 is 0: the round-off of an order and its refund summed);
- ``frequency`` x = number of purchase periods after the first (repeat transactions);
- ``recency`` t_x = time from the first to the last purchase period;
- ``T`` = time from the first purchase period to the end of calibration;
- ``monetary`` = mean net amount of the repeat purchase periods (0 when x = 0);
- times are measured in ``unit`` (day, week, month = 30.4375 days, year = 365.25 days).
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import polars as pl

from clv.data.transactions import Transactions
from clv.errors import ClvError, DataError, Words

Unit = Literal["day", "week", "month", "year"]
UNIT_DAYS: dict[str, float] = {"day": 1.0, "week": 7.0, "month": 30.4375, "year": 365.25}
_TRUNCATE = {"day": "1d", "week": "1w", "month": "1mo", "year": "1y"}
COLUMNS = ("customer_id", "timestamp", "amount")
LINKED = "order_time"
"""The optional column of a refund's order time (see the module docstring)."""
NET_ZERO = 1e-6
"""A period's net amount within this of 0 is 0 (neither a purchase nor a refund): an order and
its refund summed leave a round-off such as 5.6e-17 whose sign depends on the order of the
additions, which a parallel sum does not fix (the same file gave 290 to 293 non-positive
periods from one run to the next before this bound). A millionth of a currency unit is far
below any price and far above the round-off of sums of prices."""
GRID_DIGITS = (2, 3, 4, 5, 6)
"""The decimal grids tried for the amounts, in this order: cents first (whole amounts too)."""
GRID_TOLERANCE = 1e-6
"""How far (in units of the grid) an amount may be from the grid and be read as on it: the
round-off of a decimal written in binary, or of a quantity times a price (3 x 19.99 =
59.970000000000006), is about 1e-16 of the amount, under 1e-7 of a cent up to ten million.
Larger amounts whose round-off exceeds it keep float sums."""
# Logs longer than this are summarised in parts of customers (by a hash of their id).
ROWS_PER_PART = 40_000_000
PART_SEED = 20_261_122


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
        out = [f"{self.transactions:,} rows (orders or order lines), "
               f"{self.merged_transactions:,} of them merged into another of the same customer "
               "and period (one purchase per customer and period)"]
        if self.non_positive_periods:
            out.append(f"{self.non_positive_periods:,} customer-periods with a net amount <= 0 "
                       "(refunds, zero totals) are not repeat purchases")
        if self.rows_after_observation_end:
            out.append(f"{self.rows_after_observation_end:,} rows after the observation "
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
            # who computed it: "database" when the database did (clv.prep.database)
            "computed_by": self.metadata.get("computed_by", "clv"),
            **self.report.to_dict(),
        }

    def write(self, path: str) -> None:
        """Write to CSV or Parquet (Parquet keeps unit and dates as file metadata; CSV text
        cells that a spreadsheet would run as a formula get a leading apostrophe)."""
        if path.endswith(".parquet"):
            import json

            self.frame.write_parquet(path, metadata={"clv.summary": json.dumps(self.info())})
        elif path.endswith(".csv"):
            from clv.export import spreadsheet_safe

            spreadsheet_safe(self.frame).write_csv(path)  # no id a spreadsheet would run
        else:
            raise ClvError(f"{path}: write the summary to a .csv or .parquet file")


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """A duration in ``from_unit`` expressed in ``to_unit`` (month = 30.4375 days,
    year = 365.25 days)."""
    for u in (from_unit, to_unit):
        if u not in UNIT_DAYS:
            raise ClvError(f"unit must be one of {', '.join(UNIT_DAYS)}, not '{u}'")
    return value * UNIT_DAYS[from_unit] / UNIT_DAYS[to_unit]


MAX_HORIZON_MONTHS = 600
"""The longest horizon a prediction looks ahead: 50 years (600 months of 30.4375 days).

Discounting makes anything beyond negligible (at 10% a year, what a steady customer brings
after 50 years is 0.85% of their discounted lifetime value; at 5%, 8.7%), and the discounted
value costs one evaluation of the model per month of horizon over every distinct customer and
every parameter draw: 120 months took 13 s on a 2,000-customer shop, 1,200 months past 200 s.
"""


def check_horizon(horizon: float, unit: str, name: str = "horizon") -> float:
    """``horizon`` (in ``unit``) when it is a positive finite duration of at most
    MAX_HORIZON_MONTHS; a ClvError naming ``name`` and the allowed range otherwise."""
    limit = convert(MAX_HORIZON_MONTHS, "month", unit)
    if isinstance(horizon, bool) or not isinstance(horizon, numbers.Real) \
            or not 0 < horizon <= limit * (1 + 1e-12):
        years = Words("error_horizon_years", n=MAX_HORIZON_MONTHS // 12) \
            if unit != "year" else ""
        units = Words(f"error_units_{unit}") if unit in (*UNIT_DAYS, "quarter") else f"{unit}s"
        raise ClvError(key="error_horizon", values={"name": name, "limit": limit,
                                                    "units": units, "years": years,
                                                    "value": horizon})
    return float(horizon)


def _to_date(value: dt.date | dt.datetime | str | None, name: str) -> dt.date | None:
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise ClvError(key="error_date_setting", values={"name": name, "value": str(value)}
                       ) from exc


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
    schema = lf.collect_schema()
    missing = [c for c in COLUMNS if c not in schema]
    if missing:
        raise DataError(f"missing canonical column(s) {', '.join(missing)}; read the data with "
                        "clv.read_transactions to map the columns", source="transactions")
    wants = {"timestamp": (lambda t: t in (pl.Date, pl.Datetime) or isinstance(t, pl.Datetime),
                           "a date or datetime"),
             "amount": (lambda t: t.is_numeric() and t != pl.Boolean, "a number"),
             "customer_id": (lambda t: not t.is_nested() and t != pl.Object, "one id per row")}
    for column, (fits, what) in wants.items():
        if not fits(schema[column]):
            raise DataError(f"is {schema[column]}, not {what}; read the data with "
                            "clv.read_transactions, which parses and validates it",
                            source="transactions", column=column)
    # a refund's order time (clv.data.transactions: a refund linked to its order by order id)
    linked = (LINKED,) if LINKED in schema and (
        schema[LINKED] in (pl.Date, pl.Datetime) or isinstance(schema[LINKED], pl.Datetime)) \
        else ()
    return lf.select(*COLUMNS, *linked)


def rfm_summary(
    transactions: Transactions | pl.DataFrame | pl.LazyFrame,
    unit: Unit = "week",
    observation_end: dt.date | str | None = None,
    calibration_end: dt.date | str | None = None,
    merge: Unit = "day",
    midpoint: bool = False,
    ordered: bool = True,
) -> Summary:
    """Summarise transactions into one row per customer (see the module docstring).

    ``observation_end`` defaults to the last transaction's date; transactions after it are
    left out and counted. With ``calibration_end`` the columns describe the calibration period
    (up to and including that date) and ``frequency_holdout`` (purchase periods in the
    holdout), ``monetary_holdout`` (their mean net amount) and ``duration_holdout`` (holdout
    length in ``unit``) are added; customers first seen in the holdout are left out and
    counted. Dates are compared at the ``merge`` granularity.

    T is measured from the first purchase's date to the end date, the convention of the
    published results (Fader, Hardie & Lee 2005 on CDNOW) and of lifetimes. It is half a
    period short on average when purchases fall at any time of their day (merge period) and the
    observation runs to the end of the end date: ``midpoint=True`` adds that half period
    (measured on ``sample_shop``: without it the fitted BG/NBD over-predicts holdout purchases
    by 0.6%).

    The rows come sorted by customer id; ``ordered=False`` leaves them in the order the
    group-by gives, which changes from one run to the next: for a fit on compressed rows,
    which sorts what it fits on (it saves the sort of the ids: 0.7 s for 1M customers).
    """
    if unit not in UNIT_DAYS:
        raise ClvError(f"unit must be one of {', '.join(UNIT_DAYS)}, not '{unit}'")
    if merge not in UNIT_DAYS:
        raise ClvError(f"merge must be one of {', '.join(UNIT_DAYS)}, not '{merge}'")
    days = UNIT_DAYS[unit]
    lf = _lazy(transactions)
    def period(stamp: pl.Expr) -> pl.Expr:
        return stamp.dt.truncate(_TRUNCATE[merge]).dt.date() if merge != "day" \
            else stamp.dt.date()

    # the last period is the period of the last timestamp (a period is a nondecreasing
    # function of the time): one maximum, not a period computed for every row
    n_rows, last, *nulls = lf.select(
        pl.len(), period(pl.col("timestamp").max()).alias("last"),
        *(pl.col(c).null_count().alias(f"{c}_nulls") for c in COLUMNS)
    ).collect().row(0)
    linked = LINKED in lf.collect_schema()
    lf = lf.select("customer_id", period(pl.col("timestamp")).alias("period"), "amount",
                   *([period(pl.col(LINKED)).alias("_order_period")] if linked else []))
    if n_rows == 0:
        raise DataError("no transactions to summarise", source="transactions")
    for column, count in zip(("customer_id", "timestamp", "amount"), nulls, strict=True):
        if count:  # read_transactions excludes such rows, with their reason
            raise DataError(f"{count:,} rows have no value; read the data with "
                            "clv.read_transactions, which excludes and counts them",
                            source="transactions", column=column)
    obs = _to_date(observation_end, "observation_end") or last
    cal = _to_date(calibration_end, "calibration_end")
    if cal is not None and cal >= obs:
        raise ClvError(f"calibration_end {cal} must be before observation_end {obs}")
    obs_p = _floor(obs, merge)
    cal_p = _floor(cal, merge) if cal is not None else None
    scale = _grid(lf)
    if scale is not None:  # whole units of the grid: sums exact, in any order
        lf = lf.with_columns((pl.col("amount") * scale).round().cast(pl.Int64))
    if linked:
        lf = lf.with_columns(_netted_period(obs_p, cal_p)).drop("_order_period")

    # Customers are split by a hash of their id into independent parts, so that the hash
    # tables of the group-bys of one part fit in memory whatever the size of the log.
    parts = max(1, math.ceil(n_rows / ROWS_PER_PART))
    frames, reports = [], []
    for k in range(parts):
        part = lf if parts == 1 else lf.filter(
            pl.col("customer_id").hash(seed=PART_SEED) % parts == k)
        frame, report = _summarise(part, obs_p, cal_p, days, scale or 1)
        if midpoint:
            frame = frame.with_columns(pl.col("T") + UNIT_DAYS[merge] / 2 / days)
        frames.append(frame)
        reports.append(report)
    totals = {key: sum(r[key] for r in reports) for key in reports[0]}
    frame = pl.concat(frames)
    return Summary(frame.sort("customer_id") if ordered else frame, unit, obs, cal, merge,
                   SummaryReport(**totals))


def _netted_period(obs_p: dt.date, cal_p: dt.date | None) -> pl.Expr:
    """The period a row counts in: a refund linked to its order (``_order_period``, its
    order's period) counts in the order's period when both fall in the same window
    (calibration, holdout, after the observation end), else in its own: a refund made after
    the calibration end is not known at the calibration end, nor one made after the
    observation end at that end."""
    def window(p: pl.Expr) -> pl.Expr:
        if cal_p is None:
            return (p > obs_p).cast(pl.Int8)
        return (p > cal_p).cast(pl.Int8) + (p > obs_p).cast(pl.Int8)

    order = pl.col("_order_period")
    return pl.when(order.is_not_null() & (window(order) == window(pl.col("period")))) \
        .then(order).otherwise(pl.col("period")).alias("period")


def _grid(lf: pl.LazyFrame) -> int | None:
    """The amounts' decimal grid: ``10**k`` for the first ``k`` of :data:`GRID_DIGITS` that
    puts every amount within :data:`GRID_TOLERANCE` of a whole number of ``10**-k`` (cents,
    for most logs), small enough that every sum of them is exact in 64-bit integers; None when
    there is none (amounts of more than 6 decimals, or too large).

    The summary then sums whole numbers of the grid. A sum of floats depends on the order of
    its terms, which Polars' parallel group-bys do not fix: the same log gave monetary values
    that differed in their last bit from one run to the next, and a fit on a flat likelihood
    (Gamma-Gamma at its limit) then moved the total value by cents. Sums of integers are exact
    whatever their order, and each is divided by the grid once (a correctly rounded quotient),
    which also gives the exact decimal sum, not the round-off of its additions."""
    amount = pl.col("amount")

    def off(k: int) -> pl.Expr:  # the largest distance to the grid of 10**-k
        scaled = amount * 10 ** k
        return (scaled - scaled.round()).abs().max().alias(f"off{k}")

    # one pass for the bounds and the first grid; a pass for each further grid tried
    largest, total, first = lf.select(amount.abs().max().alias("largest"),
                                      amount.abs().sum().alias("total"),
                                      off(GRID_DIGITS[0])).collect().row(0)
    if largest is None or not math.isfinite(total):
        return None
    for k in GRID_DIGITS:
        scale = 10 ** k
        if largest * scale >= 2.0 ** 53 or total * scale >= 2.0 ** 62:
            return None  # larger grids only make it worse
        distance = first if k == GRID_DIGITS[0] else lf.select(off(k)).collect().item()
        if distance is not None and distance <= GRID_TOLERANCE:
            return scale
    return None


def _unscaled(values: pl.Series, scale: int) -> pl.Series:
    """Sums of whole units of the grid ``scale`` (see :func:`_grid`) as amounts: each the
    correctly rounded quotient, as NumPy divides (Polars divides by a constant as a product
    with its reciprocal); nulls stay null. Amounts summed as floats (``scale`` 1) unchanged."""
    if scale == 1:
        return values
    quotient = pl.Series(values.name, values.cast(pl.Float64).to_numpy() / scale)
    return quotient.fill_nan(None) if values.null_count() else quotient


def _summarise(lf: pl.LazyFrame, obs_p: dt.date, cal_p: dt.date | None, days: float,
               scale: int = 1) -> tuple[pl.DataFrame, dict[str, Any]]:
    """Summary rows and report counts of the customers in ``lf`` (one part), whose amounts are
    whole units of the grid ``scale`` (:func:`_grid`; 1: the amounts themselves)."""
    periods = (
        lf.group_by("customer_id", "period")
        .agg(pl.col("amount").sum(), pl.len().alias("n"))
        .collect(engine="streaming")
    )
    # Filters stay lazy so that no copy of the period table is ever materialised.
    in_obs = pl.col("period") <= obs_p
    end_p = cal_p if cal_p is not None else obs_p
    buy = pl.col("amount") > NET_ZERO * scale
    bought = pl.when(buy).then(pl.col("period"))
    # One group-by of plain aggregations over masked columns (Polars' fast paths; per-group
    # filters would leave them). Every purchase period is at or after the start, so the
    # repeats are the positive periods minus the start period when the start is positive.
    seen = (  # every customer with a calibration period, purchase or not
        periods.lazy().filter(pl.col("period") <= end_p).group_by("customer_id").agg(
            pl.when(pl.col("amount") >= -NET_ZERO * scale).then(pl.col("period")).min()
            .alias("first_purchase"),
            pl.col("amount").sum().alias("total_amount"),
            bought.min().alias("_first_pos"),
            bought.max().alias("_last_pos"),
            buy.sum().cast(pl.Int64).alias("_n_pos"),
            pl.when(buy).then(pl.col("amount")).otherwise(0).sum().alias("_pos_sum"),
            pl.col("amount").min_by(bought).alias("_first_pos_amount"),  # nulls ignored
        )
        .collect()
    )
    frame, no_purchase = customer_rows(seen, end_p, days, scale)
    stats = periods.select(
        pl.col("n").sum().alias("transactions"),
        pl.col("amount").sum().alias("amount"),
        ((pl.col("amount") <= NET_ZERO * scale) & in_obs).sum().alias("non_positive_periods"),
        pl.col("n").filter(~in_obs).sum().alias("rows_after_observation_end"),
        pl.col("amount").filter(~in_obs).sum().alias("amount_after_observation_end"),
    ).row(0, named=True)
    report: dict[str, Any] = {
        "transactions": int(stats["transactions"]),
        "amount": float(stats["amount"]) / scale,
        "merged_transactions": int(stats["transactions"]) - periods.height,
        "non_positive_periods": int(stats["non_positive_periods"]),
        "rows_after_observation_end": int(stats["rows_after_observation_end"]),
        "amount_after_observation_end": float(stats["amount_after_observation_end"]) / scale,
        "customers_without_purchase": no_purchase.height,
        # all their amounts up to the observation end, holdout included
        "amount_without_purchase": float(
            periods.lazy().filter(in_obs)
            .join(no_purchase.lazy().select("customer_id"), on="customer_id", how="semi")
            .select(pl.col("amount").sum()).collect().item()) / scale,
        "customers_first_seen_in_holdout": 0,
        "amount_first_seen_in_holdout": 0.0,
    }
    if cal_p is not None:
        hold = periods.lazy().filter((pl.col("period") > cal_p) & in_obs)
        unknown = hold.join(seen.lazy().select("customer_id"), on="customer_id",
                            how="anti").collect()
        report["customers_first_seen_in_holdout"] = unknown["customer_id"].n_unique()
        report["amount_first_seen_in_holdout"] = float(unknown["amount"].sum()) / scale
        # Calibration customers without any purchase (only refunds) may buy in the holdout;
        # they are already counted under customers_without_purchase.
        per_hold = hold.join(frame.lazy().select("customer_id"), on="customer_id",
                             how="semi").group_by("customer_id").agg(
            buy.sum().cast(pl.Int64).alias("frequency_holdout"),
            pl.when(buy).then(pl.col("amount")).sum().alias("_hold_pos_sum"),
            pl.col("amount").sum().alias("total_amount_holdout"),
        ).collect()
        # the mean of the purchases: their sum (exact on the grid) over their number
        bought_sum = _unscaled(per_hold["_hold_pos_sum"], scale).cast(pl.Float64).to_numpy()
        count = per_hold["frequency_holdout"].to_numpy()
        with np.errstate(invalid="ignore", divide="ignore"):  # no purchase: null, then 0
            mean = np.where(count > 0, bought_sum / np.maximum(count, 1), np.nan)
        per_hold = per_hold.select(
            "customer_id", "frequency_holdout",
            pl.Series("monetary_holdout", mean).fill_nan(None),
            _unscaled(per_hold["total_amount_holdout"], scale).cast(pl.Float64),
        )
        frame = frame.join(per_hold, on="customer_id", how="left").with_columns(
            pl.col("frequency_holdout").fill_null(0),
            pl.col("monetary_holdout").fill_null(0.0),
            pl.col("total_amount_holdout").fill_null(0.0),
            pl.lit((obs_p - cal_p).days / days).alias("duration_holdout"),
        )
    return frame, report


def customer_rows(seen: pl.DataFrame, end_p: dt.date, days: float, scale: int = 1
                  ) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The summary rows (without holdout) of the customers of ``seen``, and the customers
    without any purchase. ``seen`` holds one row per customer of the periods up to ``end_p``:
    ``first_purchase`` (first period with a net amount >= 0, null when none), ``total_amount``,
    ``_first_pos`` and ``_last_pos`` (first and last period with a positive amount), ``_n_pos``
    (their number), ``_pos_sum`` (their amount) and ``_first_pos_amount`` (the amount of the
    first). Whoever aggregated them (Polars here, the database in :mod:`clv.prep.database`),
    the rules of the module docstring are applied here once. With a ``scale`` other than 1,
    the three amounts are whole units of that grid (:func:`_grid`): the repeat purchases' sum
    is then exact before it becomes an amount."""
    no_purchase = seen.filter(pl.col("first_purchase").is_null())
    per_customer = seen.filter(pl.col("first_purchase").is_not_null())
    start_is_purchase = (pl.col("_first_pos") == pl.col("first_purchase")).fill_null(False)
    frequency = pl.col("_n_pos").fill_null(0) - start_is_purchase.cast(pl.Int64)
    repeat_amount = pl.col("_pos_sum") - pl.when(start_is_purchase).then(
        pl.col("_first_pos_amount")).otherwise(0)
    if scale != 1:  # the exact sum in units of the grid, then the amount (one division)
        per_customer = per_customer.with_columns(
            _unscaled(per_customer.select(repeat_amount.alias("_repeat"))["_repeat"], scale),
            _unscaled(per_customer["total_amount"], scale))
        repeat_amount = pl.col("_repeat")
    last = pl.when(pl.col("frequency") > 0).then(pl.col("_last_pos")) \
        .otherwise(pl.col("first_purchase"))
    frame = per_customer.with_columns(frequency.alias("frequency")).select(
        "customer_id",
        "frequency",
        (last - pl.col("first_purchase")).dt.total_days().alias("recency"),
        (pl.lit(end_p) - pl.col("first_purchase")).dt.total_days().alias("T"),
        pl.when(pl.col("frequency") > 0).then(repeat_amount / pl.col("frequency"))
        .otherwise(0.0).alias("monetary"),
        (pl.col("frequency") + 1).alias("n_periods"),
        "total_amount",
        "first_purchase",
        last.alias("last_purchase"),
    )
    frame = frame.with_columns(_in_units(frame["recency"], days), _in_units(frame["T"], days))
    return frame, no_purchase


def _in_units(days_: pl.Series, days: float) -> pl.Series:
    """Whole days in units of ``days`` days, each the correctly rounded quotient (d / 7 for
    weeks), as NumPy divides. Polars divides by a constant as a product with its reciprocal,
    which misses the quotient by one unit in the last place for a third of the values: the
    times of a customer would no longer lie on the grid of whole days that
    :func:`compress` finds (clv.prep.grid checks that code / scale gives each value back),
    and differ from those of any other tool."""
    quotient = pl.Series(days_.name, days_.cast(pl.Float64).to_numpy() / days)
    return quotient.fill_nan(None) if days_.null_count() else quotient  # nulls stay null


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
    Rows come sorted by ``columns``, so the same input always gives the same rows (and the same
    floating-point sums). Numeric columns on a grid of whole days or hours are compressed as
    one integer key (``clv.prep.grid``); others by a hash group-by.
    """
    from clv.prep.grid import unique_rows

    frame = summary.frame if isinstance(summary, Summary) else summary
    frame = frame.select(columns)
    schema = frame.schema
    if frame.height and all(dtype.is_numeric() for dtype in schema.values()):
        found = unique_rows([frame[c].cast(pl.Float64).to_numpy() for c in columns])
        if found is not None:
            values, counts = found
            return pl.DataFrame(
                {c: pl.Series(c, v).cast(schema[c]) for c, v in zip(columns, values, strict=True)}
            ).with_columns(weight=pl.Series(counts, dtype=pl.Int64))
    return frame.group_by(list(columns)).agg(pl.len().cast(pl.Int64).alias("weight")).sort(
        list(columns))
