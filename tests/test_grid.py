"""Direct-address distinct rows and pairs (clv.prep.grid) against the hash-based routes."""

import numpy as np
import polars as pl
import pytest

from clv.prep import grid
from clv.prep.grid import distinct_pairs
from clv.prep.summary import compress


def _hashed_pairs(x, ts):
    keys = [pl.DataFrame({"x": x, "t": t}) for t in ts]
    pairs = pl.concat(keys).unique().sort(["x", "t"]).with_row_index("pair")
    index = [k.join(pairs, on=["x", "t"], how="left", maintain_order="left")["pair"].to_numpy()
             for k in keys]
    return pairs["x"].to_numpy(), pairs["t"].to_numpy(), index


@pytest.mark.parametrize("per_unit", [1.0, 7.0, 24.0 * 7, 30.4375, 24 * 365.25])
def test_grid_pairs_equal_hashed_pairs(per_unit):
    rng = np.random.default_rng(3)
    n = 100_000  # several chunks
    x = rng.poisson(3.0, n).astype(float)
    tx, t_cap = rng.integers(0, 700, n) / per_unit, rng.integers(5, 900, n) / per_unit
    found = grid.grid_pairs(x, (tx, t_cap))
    assert found is not None
    px, pt, index = found
    hx, ht, hindex = _hashed_pairs(x, (tx, t_cap))
    assert np.array_equal(px, hx) and np.array_equal(pt, ht)  # bit-identical values
    for mine, theirs in zip(index, hindex, strict=True):
        assert np.array_equal(mine, theirs)
    # every row finds its own pair
    assert np.array_equal(pt[index[0]], tx) and np.array_equal(px[index[1]], x)


def test_off_grid_values_fall_back_to_hashing():
    rng = np.random.default_rng(4)
    n = 100_000
    x = rng.poisson(3.0, n).astype(float)
    continuous = rng.uniform(0, 10, n)
    assert grid.grid_pairs(x, (continuous,)) is None
    assert grid.unique_rows([x, continuous]) is None
    late = rng.integers(0, 700, n).astype(float)
    late[-3] = 0.5  # one value off the day grid, after the rows that choose the scale
    assert grid.grid_pairs(x, (late,)) is None
    assert grid.unique_rows([x, late]) is None
    px, pt, (index,) = distinct_pairs(x, late)
    hx, ht, (hindex,) = _hashed_pairs(x, (late,))
    assert np.array_equal(px, hx) and np.array_equal(pt, ht) and np.array_equal(index, hindex)


def test_compress_on_the_grid_equals_a_group_by():
    rng = np.random.default_rng(5)
    n = 100_000
    frame = pl.DataFrame({"frequency": rng.poisson(2.0, n),
                          "recency": rng.integers(0, 300, n) / 7.0,
                          "T": rng.integers(300, 400, n) / 7.0})
    assert grid.unique_rows([frame[c].cast(pl.Float64).to_numpy() for c in frame.columns])
    expected = frame.group_by(frame.columns).agg(pl.len().cast(pl.Int64).alias("weight")).sort(
        frame.columns)
    assert compress(frame).equals(expected)
    assert compress(frame).schema == expected.schema
    # off the grid: the hash route gives the same sorted rows
    noisy = frame.with_columns(pl.col("T") + rng.uniform(0, 1e-3, n))
    assert grid.unique_rows([noisy[c].cast(pl.Float64).to_numpy() for c in noisy.columns]) is None
    assert compress(noisy).equals(noisy.group_by(noisy.columns).agg(
        pl.len().cast(pl.Int64).alias("weight")).sort(noisy.columns))
