"""When the purchase model lets no customer ever leave (the NBD, or a fit at its no-dropout
limit), the lifetime figures (lifetime value, LTV of a new customer, LTV:CAC) are a
discounted perpetuity: every face says so next to them. A new user's trial on small
exports saw a lifetime value 14 times the revenue to date as the headline, explained only in
the notes."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest

import clv
from clv import report
from clv.web import build
from webtools import call, running

CLV = Path(sys.executable).parent / "clv"


def forever_shop(n: int = 200, seed: int = 1) -> pl.DataFrame:
    """Customers who buy at their own Poisson rate for two years and never leave."""
    rng = np.random.default_rng(seed)
    rows = []
    start = dt.datetime(2022, 1, 1)
    for i in range(n):
        t, rate = rng.uniform(0, 200), rng.gamma(2, 1 / 60)  # a day
        while t < 730:
            rows.append((f"c{i}", start + dt.timedelta(days=float(t)),
                         float(np.round(rng.gamma(5, 8), 2))))
            t += rng.exponential(1 / rate)
    return pl.DataFrame(rows, schema=["customer_id", "timestamp", "amount"], orient="row")


@pytest.fixture(scope="module")
def forever() -> clv.Analysis:
    return clv.analyze(forever_shop(), settings=clv.Settings(draws=20))


def test_every_face_says_the_lifetime_figures_are_a_perpetuity(forever, tmp_path):
    a = forever
    assert a.kpis["no_dropout"] is True
    assert a.kpis["lifetime_value"] > 3 * a.kpis["historical_ltv"]
    en, fr = report.render(a, "en"), report.render(a, "fr").replace("\u00a0", " ")
    assert en.count("no customer ever leaves under this model") == 2  # the two lifetime tiles
    assert fr.count("aucun client ne part selon ce modèle") == 2
    app = build(f"sqlite:///{tmp_path / 'h.db'}", workdir=tmp_path / "up",
                analyses=[(a, "forever")])
    with running(app) as base:
        page = call(f"{base}/a/1?lang=en")[1].decode()
    assert page.count("no customer ever leaves under this model") >= 2
    path = tmp_path / "orders.csv"
    forever_shop().write_csv(path)
    done = subprocess.run([str(CLV), "analyze", str(path), "--draws", "20"],
                          capture_output=True, text=True, timeout=600,
                          env={"PATH": "/usr/bin:/bin", "CLV_LANG": "en", "COLUMNS": "200"})
    assert done.returncode == 0, done.stderr
    assert "No customer ever leaves under" in " ".join(done.stdout.split())


def test_a_model_with_dropout_says_nothing_of_it():
    a = clv.analyze(clv.sample_shop(300, seed=2).transactions, settings=clv.Settings(draws=20))
    assert "no_dropout" not in a.kpis
    assert "no customer ever leaves" not in report.render(a, "en")
