"""Who the valuable customers are: RFM scores and named segments, value tiers, concentration
and profiles by any customer attribute.

Every table shows the historical figure (revenue to date, over each customer's observed
history up to the summary's end) next to the predicted one (the CLV of ``clv.value``, over the
horizon and with the margin and discount it was computed with).

RFM scores (1 to ``bins``, higher is better) rank customers on each dimension by the share of
customers strictly worse: score = 1 + floor(bins x share worse), so tied customers share a
score (all one-time buyers get F = 1 rather than being spread over scores by an arbitrary
order):

- R: time since the last purchase, T - recency (shorter is better); a customer who bought
  in the summary's last period (T - recency = 0) gets the top score, as nobody can be more
  recent (by the share strictly worse, a log of one day put everyone at R = 1, 'lost' the
  day they bought, and where more than a fifth of the customers bought in the last period
  they scored below the top);
- F: purchase periods, frequency + 1;
- M: mean spend per repeat purchase (``monetary``), or, for one-time buyers, their first
  amount (total_amount / n_periods).

Named segments are read on the (R, F) grid of 5 scores, the first rule that matches wins
(the usual RFM segment map; with other ``bins`` the scores are rescaled to 1..5 first):

=====================  ==========================================================
champions              R >= 4 and F >= 4: bought recently and often
cannot_lose            R <= 2 and F >= 4: were among the most frequent, gone quiet
loyal                  R >= 3 and F >= 3
at_risk                R <= 2 and F >= 2: repeat buyers not seen for a while
new                    R >= 4 and F = 1: first purchase recently
potential_loyalists    R >= 3 and F = 2
hibernating            R >= 2 and F = 1
lost                   R = 1 and F = 1: one purchase, long ago
=====================  ==========================================================
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from clv.data.tables import join_customers
from clv.errors import ClvError
from clv.notes import Note
from clv.prep.summary import Summary

SEGMENTS: tuple[tuple[str, str], ...] = (
    ("champions", "R >= 4 and F >= 4"),
    ("cannot_lose", "R <= 2 and F >= 4"),
    ("loyal", "R >= 3 and F >= 3"),
    ("at_risk", "R <= 2 and F >= 2"),
    ("new", "R >= 4 and F = 1"),
    ("potential_loyalists", "R >= 3 and F = 2"),
    ("hibernating", "R >= 2 and F = 1"),
    ("lost", "R = 1 and F = 1"),
)
"""The named segments in order of precedence, with their rule on 1..5 scores."""
TIERS: tuple[float, ...] = (0.01, 0.10, 0.20)
"""Cumulative shares of customers, by predicted CLV, that bound the value tiers."""
TOP_SHARES: tuple[float, ...] = (0.01, 0.05, 0.10, 0.20, 0.50)


def _score(worse: pl.Expr, bins: int) -> pl.Expr:
    return (1 + (bins * worse).floor()).clip(1, bins).cast(pl.Int8)


def _share_below(column: str) -> pl.Expr:
    """Share of customers with a strictly smaller value (ties share it)."""
    return (pl.col(column).rank("min") - 1) / pl.len()


def _share_above(column: str) -> pl.Expr:
    return (pl.len() - pl.col(column).rank("max")) / pl.len()


def _segment(r: pl.Expr, f: pl.Expr) -> pl.Expr:
    rules = (
        (r >= 4) & (f >= 4), (r <= 2) & (f >= 4), (r >= 3) & (f >= 3), (r <= 2) & (f >= 2),
        (r >= 4) & (f == 1), (r >= 3) & (f == 2), (r >= 2) & (f == 1), (r == 1) & (f == 1),
    )
    expr = pl.when(rules[0]).then(pl.lit(SEGMENTS[0][0]))
    for rule, (name, _) in zip(rules[1:], SEGMENTS[1:], strict=True):
        expr = expr.when(rule).then(pl.lit(name))
    return expr.otherwise(None)


def rfm_scores(summary: Summary, bins: int = 5) -> pl.DataFrame:
    """Per customer: ``idle`` (T - recency, in the summary's unit), ``purchases``,
    ``mean_spend``, the scores ``r_score``, ``f_score``, ``m_score``, the code ``rfm`` (e.g.
    '545') and the named ``segment`` (see the module docstring)."""
    if bins < 2:
        raise ClvError(f"bins must be at least 2, not {bins}")
    frame = summary.frame
    missing = {"frequency", "recency", "T", "monetary", "total_amount", "n_periods"} - set(
        frame.columns)
    if missing:
        raise ClvError(f"the summary lacks column(s) {', '.join(sorted(missing))} for RFM")
    scaled = (lambda s: s) if bins == 5 else (lambda s: 1 + ((s - 1) * 5) // bins)
    out = frame.select(
        "customer_id",
        (pl.col("T") - pl.col("recency")).alias("idle"),
        (pl.col("frequency") + 1).alias("purchases"),
        pl.when(pl.col("frequency") > 0).then(pl.col("monetary"))
        .otherwise(pl.col("total_amount") / pl.col("n_periods").clip(1)).alias("mean_spend"),
    ).with_columns(
        pl.when(pl.col("idle") <= 0).then(pl.lit(bins, pl.Int8))
        .otherwise(_score(_share_above("idle"), bins)).alias("r_score"),
        _score(_share_below("purchases"), bins).alias("f_score"),
        _score(_share_below("mean_spend"), bins).alias("m_score"),
    )
    return out.with_columns(
        pl.concat_str(pl.col("r_score", "f_score", "m_score").cast(pl.String)).alias("rfm"),
        _segment(scaled(pl.col("r_score")), scaled(pl.col("f_score"))).alias("segment"),
    )


@dataclass(frozen=True)
class Concentration:
    """How value concentrates on few customers.

    ``lorenz``: share of customers (sorted from the least valuable) against share of value;
    ``gini``: twice the area between the Lorenz curve and the diagonal (0 = equal, 1 = all in
    one customer); ``top``: the share of value held by the top 1%, 5%, 10%, 20%, 50%.
    """

    lorenz: pl.DataFrame
    gini: float
    top: dict[float, float]


def concentration(values: pl.Series | np.ndarray, points: int = 101) -> Concentration:
    """Lorenz curve (at ``points`` evenly spaced shares of customers), Gini coefficient
    G = 1 - 2 sum_i (L_i + L_{i-1}) / 2n over the customers sorted by value (trapezoids under
    the exact Lorenz curve), and top shares. Negative values (net refunders) count as they
    are."""
    v = np.sort(np.asarray(values, dtype=float))
    if v.size == 0:
        raise ClvError("no customers to measure concentration on")
    total = v.sum()
    if total <= 0:
        raise ClvError("the values sum to zero or less: no concentration to measure")
    cum = np.concatenate(([0.0], np.cumsum(v) / total))
    n = v.size
    gini = float(1.0 - (cum[1:] + cum[:-1]).sum() / n)
    grid = np.linspace(0.0, 1.0, points)
    lorenz = pl.DataFrame({"share_customers": grid,
                           "share_value": np.interp(grid * n, np.arange(n + 1), cum)})
    top = {q: float(1.0 - np.interp((1 - q) * n, np.arange(n + 1), cum)) for q in TOP_SHARES}
    return Concentration(lorenz, gini, top)


def _with_value(summary: Summary, value: pl.DataFrame) -> pl.DataFrame:
    """The summary's customers with their revenue to date and the predictions of ``value``
    (a ``customer_value`` frame), every customer kept."""
    for column in ("customer_id", "clv"):
        if column not in value.columns:
            raise ClvError(f"the value table has no column '{column}' (use clv.customer_value)")
    keep = [c for c in ("clv", "p_alive", "expected_purchases") if c in value.columns]
    joined = summary.frame.select("customer_id", pl.col("total_amount").alias("revenue")).join(
        value.select("customer_id", *keep), on="customer_id", how="left")
    absent = joined["clv"].null_count()
    if absent:
        raise ClvError(f"{absent} customer(s) of the summary have no predicted value")
    return joined


def _with_tiers(joined: pl.DataFrame, cuts: tuple[float, ...]) -> tuple[pl.DataFrame, list[str]]:
    """``joined`` sorted by predicted CLV with each customer's ``tier_rank`` and ``tier``."""
    if not cuts or any(b <= a for a, b in zip(cuts, cuts[1:], strict=False)) or not (
            cuts[0] > 0 and cuts[-1] < 1):
        raise ClvError(f"cuts must increase within (0, 1), not {cuts}")
    frame = joined.sort(["clv", "customer_id"], descending=[True, False])
    n = frame.height
    bounds = [0, *(min(n, max(1, round(c * n))) for c in cuts), n]
    names = [f"top {cuts[0]:.0%}"] + [f"top {a:.0%}-{b:.0%}" for a, b in zip(
        cuts, cuts[1:], strict=False)] + [f"rest ({1 - cuts[-1]:.0%})"]
    rank = np.repeat(np.arange(len(names)), np.diff(bounds))
    return frame.with_columns(pl.Series("tier_rank", rank),
                              pl.Series("tier", names).gather(rank)), names


def value_tiers(summary: Summary, value: pl.DataFrame, cuts: tuple[float, ...] = TIERS
                ) -> pl.DataFrame:
    """Tiers of customers by predicted CLV: top 1%, next to 10%, next to 20% and the rest
    (``cuts``); for each its customers, historical revenue to date and predicted CLV, in
    amounts and as shares of the whole base, and the minimum predicted CLV to enter it.
    Ties at a boundary are split by customer id, so tiers hold exactly their share."""
    return _tier_table(_with_tiers(_with_value(summary, value), cuts)[0])


def _tier_table(frame: pl.DataFrame) -> pl.DataFrame:
    """The tiers' totals and shares from customers ranked by ``_with_tiers``."""
    n, total_rev, total_clv = frame.height, frame["revenue"].sum(), frame["clv"].sum()
    return (frame.group_by("tier_rank", "tier").agg(
                pl.len().alias("customers"),
                pl.col("revenue").sum().alias("revenue_to_date"),
                pl.col("clv").sum().alias("predicted_clv"),
                pl.col("clv").min().alias("min_predicted_clv"))
            .sort("tier_rank")
            .with_columns(
                (pl.col("customers") / n).alias("share_customers"),
                (pl.col("revenue_to_date") / total_rev).alias("share_revenue_to_date"),
                (pl.col("predicted_clv") / total_clv).alias("share_predicted_clv"))
            .select("tier", "customers", "share_customers", "revenue_to_date",
                    "share_revenue_to_date", "predicted_clv", "share_predicted_clv",
                    "min_predicted_clv"))


def profile(table: pl.DataFrame, by: str | list[str]) -> pl.DataFrame:
    """Customers, revenue to date and predicted CLV (totals, means and shares), mean P(alive)
    and the share of each named segment, per value of the attribute(s) ``by`` of ``table``
    (a per-customer table with ``revenue``, ``clv`` and, when present, ``p_alive`` and
    ``segment``: ``Segments.customers`` joined with any customer attribute)."""
    keys = [by] if isinstance(by, str) else list(by)
    missing = [c for c in (*keys, "revenue", "clv") if c not in table.columns]
    if missing:
        raise ClvError(f"no column(s) {', '.join(missing)} to profile by")
    n, rev, clv = table.height, table["revenue"].sum(), table["clv"].sum()
    aggs = [pl.len().alias("customers"),
            pl.col("revenue").sum().alias("revenue_to_date"),
            pl.col("revenue").mean().alias("mean_revenue_to_date"),
            pl.col("clv").sum().alias("predicted_clv"),
            pl.col("clv").mean().alias("mean_predicted_clv")]
    if "p_alive" in table.columns:
        aggs.append(pl.col("p_alive").mean().alias("mean_p_alive"))
    if "segment" in table.columns:
        aggs += [(pl.col("segment") == name).mean().alias(f"share_{name}")
                 for name, _ in SEGMENTS]
    named = [pl.col(k).fill_null("(none)") if table.schema[k] == pl.String else pl.col(k)
             for k in keys]
    out = (table.with_columns(named).group_by(keys).agg(aggs)
           .with_columns((pl.col("customers") / n).alias("share_customers"),
                         (pl.col("revenue_to_date") / rev).alias("share_revenue_to_date"),
                         (pl.col("predicted_clv") / clv).alias("share_predicted_clv")))
    if n and table["clv"].null_count() == n:  # no prediction: null, not Polars' sum of 0
        return out.with_columns(pl.lit(None, pl.Float64).alias(c) for c in (
            "predicted_clv", "share_predicted_clv")).sort("revenue_to_date", descending=True)
    return out.sort("predicted_clv", descending=True)


def profile_by(customers: pl.DataFrame, attributes: pl.DataFrame, by: str | list[str]
               ) -> tuple[pl.DataFrame, list[Note]]:
    """``profile`` of per-customer rows (``Segments.customers``) by the attribute(s) ``by`` of
    a customers table ``attributes`` (joined on ``customer_id``, its first row per id), with
    the notes of the join: a table whose ids match no customer is said, not profiled as one
    '(none)' group without a word."""
    keys = [by] if isinstance(by, str) else list(by)
    table, notes = join_customers(customers, attributes, keys)
    return profile(table, keys), notes


@dataclass(frozen=True)
class Segments:
    """The segmentation of a customer base.

    ``customers``: per customer, the RFM columns, revenue to date, predicted CLV (and P(alive)
    when given) and tier; ``segments``: the named segments profiled (see ``profile``) with
    their rule; ``tiers``: see ``value_tiers``; ``concentration``: historical (revenue to
    date) and predicted (CLV; absent when no prediction is possible: see
    :func:`segment_customers`); ``basis``: what the historical and predicted figures cover.
    """

    customers: pl.DataFrame
    segments: pl.DataFrame
    tiers: pl.DataFrame
    concentration: dict[str, Concentration]
    basis: dict[str, str]


def segment_customers(summary: Summary, value: pl.DataFrame, *, bins: int = 5,
                      predicted: str = "predicted CLV", unpredicted: bool = False
                      ) -> Segments:
    """RFM scores, named segments, value tiers and concentration of the customers of
    ``summary`` with their predicted ``value`` (a ``clv.customer_value`` frame); ``predicted``
    describes what the predicted figure covers (horizon, margin, discounting).

    ``unpredicted``: the data allow no prediction (``clv.valuation.prediction_note``): the
    RFM scores and segments (historical) are kept; the predicted columns (``clv``,
    ``p_alive``, ``expected_purchases``, ``tier``) and the segments' predicted figures are
    null, there are no
    tiers (they rank customers by predicted CLV) and the concentration is the historical
    one only, rather than figures of a degenerate fit that look like predictions."""
    scores = rfm_scores(summary, bins)
    joined = _with_value(summary, value)
    if unpredicted:
        joined = joined.with_columns(pl.lit(None, pl.Float64).alias(c)
                                     for c in ("clv", "p_alive", "expected_purchases")
                                     if c in joined.columns)
        ranked = joined.with_columns(pl.lit(None, pl.String).alias("tier"))
        tiers = _tier_table(_with_tiers(joined.fill_null(0.0), TIERS)[0]).clear()
    else:
        ranked, _ = _with_tiers(joined, TIERS)
        tiers = _tier_table(ranked)
        ranked = ranked.drop("tier_rank")
    customers = scores.join(ranked, on="customer_id", how="left")
    rules = pl.DataFrame({"segment": [s for s, _ in SEGMENTS], "rule": [r for _, r in SEGMENTS]})
    segments = rules.join(profile(customers, "segment"), on="segment", how="left"
                          ).with_columns(pl.col("customers").fill_null(0))
    segments = segments.select([c for c in segments.columns if not c.startswith("share_")
                                or c in ("share_customers", "share_revenue_to_date",
                                         "share_predicted_clv")])
    start = summary.frame["first_purchase"].min() if "first_purchase" in summary.frame.columns \
        else None
    end = summary.calibration_end or summary.observation_end
    basis = {"historical": f"revenue to date, from {start} to {end}",
             "predicted": predicted, "unit": summary.unit}
    measured = {"historical": concentration(joined["revenue"])}
    if not unpredicted:
        measured["predicted"] = concentration(joined["clv"])
    return Segments(customers, segments, tiers, measured, basis)
