"""The French exports as a French reader opens them, downloaded from the dashboard: every header
in words (no identifier), every value of the catalogue in French, a segment's total future
value and its future value per customer each named for what it is (the one per customer is
the segments page's figure), a channel without spend says why its CAC is blank, amounts with
their two places and dates as a French spreadsheet reads them (dd/mm/yyyy; ISO in English)."""

from __future__ import annotations

import html
import io
import re

import polars as pl
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

from clv.web import build  # noqa: E402
from webtools import call, running  # noqa: E402

IDENTIFIER = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")
"""A header such as ``historical_ltv_12m``: words joined by underscores."""
ENGLISH_VALUES = ("loses money", "under-investing?", "thin", "healthy", " and F ",
                  "no spend recorded")


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    """A dashboard with one analysis of a sample shop in euros whose email channel has no
    spend recorded."""
    import clv

    folder = tmp_path_factory.mktemp("exports_fr")
    sample = clv.sample_shop(600, seed=3)
    spend = sample.spend.with_columns(
        pl.when(pl.col("channel") == "email").then(0.0).otherwise(pl.col("spend"))
        .alias("spend"))
    analysis = clv.analyze(sample.transactions, spend=spend, settings=clv.Settings(
        margin=0.3, draws=20, currency="EUR"))
    app = build(f"sqlite:///{folder / 'history.db'}", workdir=folder / "uploads",
                analyses=[(analysis, "shop")])
    with running(app) as base:
        yield base, 1, analysis


def _csv(base: str, aid: int, name: str, lang: str = "fr") -> tuple[pl.DataFrame, str]:
    status, body, _ = call(f"{base}/a/{aid}/export/{name}.csv?lang={lang}")
    assert status == 200, body[:300]
    if lang == "fr":
        assert body.startswith("\ufeff".encode())
        body = body[3:]
    frame = pl.read_csv(io.BytesIO(body), separator=";" if lang == "fr" else ",",
                        infer_schema=False)
    return frame, body.decode()


@pytest.mark.parametrize("name", ["segments", "tiers", "channels", "cohorts", "customers"])
def test_a_french_export_has_no_identifier_and_no_english_value(shop, name):
    base, aid, _ = shop
    frame, text = _csv(base, aid, name)
    assert not [c for c in frame.columns if IDENTIFIER.match(c)], frame.columns
    assert "CLV prévue" not in text  # the pages say 'valeur future'
    for english in ENGLISH_VALUES:
        assert english not in text, (name, english)


def test_segments_name_the_total_and_the_value_per_customer(shop):
    base, aid, a = shop
    from clv.web.figures import written

    frame, _ = _csv(base, aid, "segments")
    per_customer = "Valeur future par client (12 prochains mois)"
    total = "Valeur future du segment, total (12 prochains mois)"
    assert per_customer in frame.columns and total in frame.columns
    assert "Règle (notes R et F)" in frame.columns and "rule" not in frame.columns
    assert "Part de la valeur future (12 prochains mois)" in frame.columns
    champions = frame.row(by_predicate=pl.col("Segment") == "Champions", named=True)
    assert champions["Règle (notes R et F)"].startswith("R de 4 ou 5 et F de 4 ou 5")
    row = a.segments.segments.row(by_predicate=pl.col("segment") == "champions", named=True)
    assert champions[total] == f"{row['predicted_clv']:.2f}".replace(".", ",")
    # the page's figure per customer is the export's
    page = html.unescape(call(f"{base}/a/{aid}/segments?lang=fr")[1].decode())
    shown = written(row["mean_predicted_clv"], "money", "fr", "EUR")
    assert shown in page
    assert re.sub(r"[^\d,]", "", shown) == champions[per_customer]
    assert per_customer in page  # the same header as the page's column


def test_channels_in_french_say_why_a_cac_is_blank(shop):
    base, aid, _ = shop
    frame, text = _csv(base, aid, "channels")
    assert not [c for c in frame.columns if "historical" in c or "_" in c]
    email = frame.row(by_predicate=pl.col("Canal") == "email", named=True)
    assert email["Dépenses d'acquisition"] == "0,00"  # not 0,0
    assert email["CAC"] is None
    assert email["Pourquoi le CAC est vide"] == "aucune dépense enregistrée"
    others = frame.filter(pl.col("Canal") != "email")
    assert others["Pourquoi le CAC est vide"].is_null().all()
    verdicts = {"perd de l'argent", "marge mince", "sain", "sous-investissement ?"}
    for column in ("Verdict", "Verdict, observé après 12 mois"):
        assert set(frame[column].drop_nulls()) <= verdicts, set(frame[column])
    # money with its two places everywhere
    assert frame["LTV d'un nouveau client"].str.contains(r"^\d+,\d\d$").all()


def test_cohorts_write_dates_as_french_spreadsheets_read_them(shop):
    base, aid, a = shop
    frame, _ = _csv(base, aid, "cohorts")
    assert {"Âge de la cohorte (mois)", "Rétention", "Chiffre d'affaires cumulé par client",
            "Chiffre d'affaires cumulé par client, prévu"} <= set(frame.columns)
    assert frame["Cohorte"].str.contains(r"^\d\d/\d\d/\d{4}$").all()
    first = a.cohorts.table["cohort"].min()
    assert first.strftime("%d/%m/%Y") in set(frame["Cohorte"])
    # English CSV and the XLSX keep ISO dates, real date cells in the sheet
    english, _ = _csv(base, aid, "cohorts", "en")
    assert english[english.columns[0]].str.contains(r"^\d{4}-\d\d-\d\d$").all()
    sheet = pl.read_excel(io.BytesIO(call(f"{base}/a/{aid}/export/cohorts.xlsx?lang=fr")[1]))
    assert sheet.schema["Cohorte"] in (pl.Date, pl.Datetime)
    customers, _ = _csv(base, aid, "customers")
    assert customers["Premier achat"].str.contains(r"^\d\d/\d\d/\d{4}$").all()
