"""The faces agree (issue 15): the installed ``clv`` script's commands that value customers give
the same figures under the same options, as each takes them from the one valuation path
(``clv.valuation.value_customers``): the total future value of ``clv predict``, ``clv
analyze``, ``clv score`` (the table written) and ``clv report`` (the figure shown); the blended
LTV:CAC of ``clv analyze`` reconciled with its channels, which are ``clv channels``'."""

from __future__ import annotations

import json
import math
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

CLV = Path(sys.executable).parent / "clv"
REL = 1e-9
FAST = ["--draws", "20"]  # the intervals' draws: the totals compared do not depend on them
SETTINGS = {"defaults": [],
            "bgnbd, 5%, 24 months": ["--model", "bgnbd", "--discount-rate", "0.05",
                                     "--horizon", "24"]}


def clv(*args: object) -> str:
    if not CLV.exists():
        pytest.skip(f"the clv console script is not installed next to {sys.executable}")
    proc = subprocess.run([str(CLV), *map(str, args)], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from clv import sample_shop

    folder = tmp_path_factory.mktemp("faces")
    data = sample_shop(400, seed=15)
    data.transactions.write_csv(folder / "shop.csv")
    data.spend.write_csv(folder / "spend.csv")
    return folder


def shown_number(html: str, kpi: str) -> tuple[float, int]:
    """The value the report shows for the KPI ``kpi`` (in the block marked ``data-kpi``) and
    the number of decimals it is shown with."""
    anchor = html.find(f'data-kpi="{kpi}"')
    assert anchor >= 0, f"no {kpi} in the report"
    match = re.search(r'class="value">([^<]*)<', html[anchor:])
    assert match, f"no value after {kpi}"
    text = re.sub(r"[^0-9.\-]", "", match.group(1))  # thousands separators, currency
    return float(text), len(text.partition(".")[2])


@pytest.mark.parametrize("options", list(SETTINGS.values()), ids=list(SETTINGS))
def test_predict_analyze_score_and_report_give_the_same_total(shop: Path, tmp_path: Path,
                                                               options: list[str]) -> None:
    common = [shop / "shop.csv", "--margin", "0.3", *options, *FAST]
    predicted = json.loads(clv("predict", *common, "--json", "-o", tmp_path / "p.parquet"))
    total = predicted["total"]["clv"]
    assert total > 0

    analyzed = json.loads(clv("analyze", *common, "--json"))
    assert analyzed["kpis"]["predicted_clv_total"] == pytest.approx(total, rel=REL)

    db = tmp_path / "scores.db"
    clv("score", *common, "--to", f"sqlite:///{db}", "--scores-table", "scores")
    with sqlite3.connect(db) as con:
        (scored,) = con.execute("select sum(clv) from scores").fetchone()
    assert scored == pytest.approx(total, rel=REL)

    clv("report", *common, "-o", tmp_path / "x.html")
    html = (tmp_path / "x.html").read_text(encoding="utf-8")
    shown, decimals = shown_number(html, "predicted_clv_total")
    assert abs(shown - total) <= 0.5 * 10 ** -decimals + REL * total, (shown, total)

    # the settings reached the valuation: the JSON says what the figures assume
    settings = predicted["settings"]
    assert settings == analyzed["settings"]
    assert settings["margin"] == 0.3 and settings["draws"] == 20
    if options:
        assert (settings["model"], settings["discount_rate"], settings["horizon"]) == (
            "bgnbd", 0.05, 24.0)
        assert predicted["model"]["model"] == "BG/NBD"


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=REL, abs_tol=1e-12)
    return a == b


def test_blended_ltv_cac_is_the_channels_and_channels_agrees(shop: Path) -> None:
    common = [shop / "shop.csv", "--spend", shop / "spend.csv", "--margin", "0.3", *FAST]
    analyzed = json.loads(clv("analyze", *common, "--json"))
    rows = analyzed["channels"]
    assert {"channel", "new_customers", "spend", "cac", "ltv", "ltv_cac"} <= set(rows[0])
    worth = sum(r["new_customers"] * (r["ltv"] or 0.0) for r in rows)
    assert analyzed["kpis"]["ltv_cac"] == pytest.approx(worth / sum(r["spend"] for r in rows),
                                                        rel=REL)
    assert analyzed["kpis"]["new_customer_ltv"] == pytest.approx(
        worth / sum(r["new_customers"] for r in rows), rel=REL)
    paid = [r["ltv_cac"] for r in rows if r["ltv_cac"] is not None]
    assert min(paid) <= analyzed["kpis"]["ltv_cac"] <= max(paid) or len(paid) < len(rows)
    for r in rows:
        if r["cac"]:
            assert r["ltv_cac"] == pytest.approx(r["ltv"] / r["cac"], rel=REL)

    channels = json.loads(clv("channels", *common, "--json"))["channels"]
    by_name = {r["channel"]: r for r in channels}
    assert set(by_name) == {r["channel"] for r in rows}
    for row in rows:
        other = by_name[row["channel"]]
        assert set(other) == set(row)
        different = {k: (v, other[k]) for k, v in row.items() if not _same(v, other[k])}
        assert not different, (row["channel"], different)
