"""The self-contained HTML report (clv.report)."""

import re

import polars as pl
import pytest
from markupsafe import escape

import clv
from clv.errors import ClvError
from clv.report import render, write

HOSTILE_ID = "<i>x</i>"
HOSTILE_PRODUCT = "<script>alert(1)</script>"
HOSTILE_CHANNEL = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def analysis():
    shop = clv.sample_shop(4_000, seed=41)
    tx = shop.transactions.with_columns(
        (pl.lit(HOSTILE_ID) + pl.col("customer_id")).alias("customer_id"),
        pl.col("product").replace({"belt": HOSTILE_PRODUCT}),
        pl.col("channel").replace({"referral": HOSTILE_CHANNEL}))
    spend = shop.spend.with_columns(pl.col("channel").replace({"referral": HOSTILE_CHANNEL}))
    return clv.analyze(tx, spend=spend, settings=clv.Settings(margin=0.3, draws=20))


def test_report_is_self_contained_and_escapes_user_text(analysis, tmp_path):
    path = write(analysis, tmp_path / "report.html")
    html = path.read_text(encoding="utf-8")
    assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", html, re.IGNORECASE)
    assert "<script" not in html and "<img" not in html and "<i>x" not in html
    assert "&lt;i&gt;x&lt;/i&gt;" in html  # customer ids shown as text (top customers)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # product (cross-sell)
    assert "&lt;img src=x onerror=alert(1)&gt;" in html  # channel (table and chart)
    for section in ("Executive summary", "Value concentration", "Cohort retention",
                    "Acquisition channels", "Segments", "Cross-sell windows",
                    "Model accuracy", "What if", "Top customers", "Data quality"):
        assert section in html, section
    assert html.count("<svg") >= 6  # distribution, Lorenz, heatmap, curves, channels, tracking
    actions = re.search(r'<ol class="actions">(.*?)</ol>', html, re.S).group(1)
    assert actions.count("<li>") == 3


def test_french_text_numbers_and_dates(analysis):
    html = render(analysis, "fr")
    assert "Synthèse" in html and "Rapport de valeur client" in html
    assert "31 décembre 2025" in html  # the data's end, as French write dates
    customers = analysis.kpis["customers"]
    assert f"{customers // 1000}\u202f{customers % 1000:03d}" in html  # 4 000, narrow space
    assert re.search(r"\d,\d\u00a0%", html)  # decimal comma, space before %
    # the data's words stay as they are; the report's own words, verdicts, segment names,
    # exclusion reasons, the readers' notes and chart labels are French, and chart numbers and
    # months too
    for french in ("Fidèles", "canal", "verdict", "mois depuis le premier achat",
                   "Le scénario : la rétention +5\u00a0%", "janv. 2024", "Chaque levier",
                   "remboursements (montants négatifs, total"):
        assert french in html, french
    for english_word in ("healthy", "under-investing", "Loyal", "champions", "months since",
                         "Jan 2024", ">actual<", "refunds (negative amounts"):
        assert english_word not in html, english_word
    english = render(analysis, "en")
    assert "Executive summary" in english and f"{customers:,}" in english
    assert "The scenario: retention +5%" in english and "Jan 2024" in english
    summary = english[english.index("Executive summary"):english.index("Three actions")]
    assert "By acquisition channel" in summary and "payback, months" in summary
    assert all(f">{escape(ch)}<" in summary for ch in analysis.channels.channels["channel"])
    with pytest.raises(ClvError, match="lang"):
        render(analysis, "de")
