"""Distinct values of customer rows by direct address on an integer grid.

Frequencies are counts, and recency and T are whole days (or hours) expressed in the summary's
unit, so each column takes few values on a grid of step 1/scale. A row's codes
round(value x scale) - low combine into one integer key (mixed radix), which replaces hashing
or sorting several float columns: distinct rows become a sort of one int64 array, and distinct
(x, t) pairs a bitmap over the (small) grid. A code is trusted only when dividing it back gives
the value exactly, so the decoded values are bit-identical to the input; data off any grid
(continuous times) is left to the callers' hash-based route.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from clv.prep.summary import UNIT_DAYS

GRID_SCALES = tuple(sorted({f * d for d in UNIT_DAYS.values() for f in (1.0, 24.0)}))
"""Steps per unit tried for time columns: whole days and whole hours in each unit."""
CHUNK = 1 << 15
"""Rows per pass: the temporaries of a pass stay in the CPU cache."""
HEAD = 4096
"""Rows on which a scale is chosen before every row is checked."""
MAX_KEY = 1 << 62


def _exact_codes(values: np.ndarray, scale: float) -> np.ndarray | None:
    """round(values x scale) when dividing it back gives every value exactly, else None."""
    codes = np.rint(values * scale)
    return codes if np.array_equal(codes / scale, values) else None


@dataclass(frozen=True)
class Axis:
    """One column's grid: value = (low + code) / scale for codes 0 .. width - 1."""

    scale: float
    low: int
    width: int

    @classmethod
    def of(cls, arrays: Sequence[np.ndarray], scales: Sequence[float] = GRID_SCALES
           ) -> Axis | None:
        """The coarsest grid of ``scales`` on which the first rows of every array lie, or
        None (``codes`` checks every row)."""
        if any(a.size == 0 or not np.isfinite(a).all() for a in arrays):
            return None
        scale = next((c for c in scales
                      if all(_exact_codes(a[:HEAD], c) is not None for a in arrays)), None)
        if scale is None:
            return None
        low = math.floor(min(float(a.min()) for a in arrays) * scale)
        return cls(scale, low, round(max(float(a.max()) for a in arrays) * scale) - low + 1)

    def codes(self, values: np.ndarray) -> np.ndarray | None:
        """Each value's code (int64), or None when one is off the grid."""
        codes = _exact_codes(values, self.scale)
        return None if codes is None else codes.astype(np.int64) - self.low

    def values(self, codes: np.ndarray) -> np.ndarray:
        return (codes + self.low) / self.scale


def _chunks(n: int) -> list[slice]:
    return [slice(lo, lo + CHUNK) for lo in range(0, n, CHUNK)]


def unique_rows(columns: Sequence[np.ndarray]
                ) -> tuple[list[np.ndarray], np.ndarray] | None:
    """The distinct rows of float ``columns``, sorted (lexicographically), and the count of
    each; None when a column is off every grid or the key would overflow."""
    axes = [Axis.of([c], (1.0, *GRID_SCALES)) for c in columns]
    if any(a is None for a in axes) or math.prod(a.width for a in axes) > MAX_KEY:  # type: ignore[union-attr]
        return None
    n = columns[0].size
    keys = np.empty(n, dtype=np.int64)
    for rows in _chunks(n):
        key = np.zeros(min(rows.stop, n) - rows.start, dtype=np.int64)
        for column, axis in zip(columns, axes, strict=True):
            code = axis.codes(column[rows])  # type: ignore[union-attr]
            if code is None:
                return None
            key = key * axis.width + code  # type: ignore[union-attr]
        keys[rows] = key
    unique, counts = np.unique(keys, return_counts=True)
    out = []
    for axis in reversed(axes):
        unique, code = np.divmod(unique, axis.width)  # type: ignore[union-attr]
        out.append(axis.values(code))  # type: ignore[union-attr]
    return out[::-1], counts


def grid_pairs(x: np.ndarray, ts: Sequence[np.ndarray]
               ) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, ...]] | None:
    """The distinct pairs (x, t) over every t of ``ts``, sorted by x then t, and for each of
    ``ts`` each row's index into them; None when off the grid or when the grid of pairs is
    much larger than the rows. A first pass writes each row's cell and marks the cells used;
    a second maps cells to pairs."""
    if x.size < 1024:
        return None
    ax, at = Axis.of([x], (1.0,)), Axis.of(ts)
    if ax is None or at is None:
        return None
    cells = ax.width * at.width
    if cells > min(2 * x.size + (1 << 20), np.iinfo(np.int32).max):
        return None
    index = tuple(np.empty(x.size, dtype=np.int64) for _ in ts)
    present = np.zeros(cells, dtype=bool)
    for rows in _chunks(x.size):
        xc = ax.codes(x[rows])
        if xc is None:
            return None
        offset = xc * at.width
        for t, out in zip(ts, index, strict=True):
            tc = at.codes(t[rows])
            if tc is None:
                return None
            cell = tc + offset
            present[cell] = True
            out[rows] = cell
    used = np.flatnonzero(present)
    rank = (np.cumsum(present, dtype=np.int64) - 1).astype(np.int32)
    for out in index:
        for rows in _chunks(x.size):
            out[rows] = rank[out[rows]]
    return ax.values(used // at.width), at.values(used % at.width), index


def distinct_pairs(x: np.ndarray, *ts: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, ...]]:
    """The distinct pairs (x, t) over every t of ``ts``, sorted by x then t, and for each of
    ``ts`` each row's index into them: by direct address when x holds counts and t whole days
    or hours (``grid_pairs``), otherwise by a hash unique and join (far cheaper than sorting
    all rows)."""
    found = grid_pairs(x, ts)
    if found is not None:
        return found
    keys = [pl.DataFrame({"x": x, "t": t}) for t in ts]
    pairs = pl.concat(keys).unique().sort(["x", "t"]).with_row_index("pair")
    index = tuple(k.join(pairs, on=["x", "t"], how="left", maintain_order="left")["pair"]
                  .to_numpy().astype(np.int64) for k in keys)
    return pairs["x"].to_numpy(), pairs["t"].to_numpy(), index
