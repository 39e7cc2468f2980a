"""The French dashboard's defects of the browser review (issue 16): readable chart text on a
phone, no English or internal words on the French pages (lift, the command line in place of
the import page, placeholders, '1 clients', '1 avril', '(12 prochains mois) (€)', the serve
line), and the history's amounts in their currency."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

pytest.importorskip("fastapi")
from clv.web import build  # noqa: E402
from webtools import call, running  # noqa: E402


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A dashboard with two analyses in euros of the same shop (its history draws a chart)
    and one without subscriptions: its base URL, the first analysis's id and the analysis,
    and the id of the one without subscriptions."""
    import clv

    folder = tmp_path_factory.mktemp("polish")
    sample = clv.sample_shop(400, seed=3)
    settings = clv.Settings(margin=0.3, draws=20, currency="EUR")
    first = clv.analyze(sample.transactions, spend=sample.spend, settings=settings)
    again = clv.analyze(sample.transactions, spend=sample.spend,
                        settings=clv.Settings(margin=0.35, draws=20, currency="EUR"))
    app = build(f"sqlite:///{folder / 'history.db'}", workdir=folder / "uploads",
                analyses=[(first, "boutique"), (again, "boutique")])
    with running(app) as base:
        yield base, 1, first


def text_of(page: str) -> str:
    page = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", page)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


# ---- dates, counts and units in words ------------------------------------------------------


def test_the_first_of_the_month_is_an_ordinal_in_french():
    from clv.i18n import dated, day
    from clv.report.text import date

    assert day(dt.date(2025, 4, 1), "fr") == "1er avril 2025"
    assert day(dt.date(2025, 4, 2), "fr") == "2 avril 2025"
    assert day(dt.datetime(2025, 4, 1, 9, 30), "fr") == "1er avril 2025 09:30"
    assert day("2025-04-01", "en") == "1 April 2025"
    assert date(dt.date(2025, 4, 1), "fr") == "1er avril 2025"
    assert date(dt.date(2025, 4, 11), "fr") == "11 avril 2025"
    assert dated(dt.date(2026, 11, 1), "d MMM y", "fr") == "1er nov. 2026"
    assert dated(dt.date(2026, 11, 1), "MMMM y", "fr") == "novembre 2026"  # no day, no 'er'


def test_a_bin_of_one_customer_says_client_not_clients():
    from clv.report.charts import _w

    one = _w("hist_bin", "fr", figure="Valeur future", lo="0 €", hi="10 €", n="1",
             share="0,2 %")
    assert "1 client (" in one and "clients" not in one
    assert "2 clients (" in _w("hist_bin", "fr", figure="V", lo="0", hi="1", n="2", share="1 %")
    assert "1 customer (" in _w("hist_bin", "en", figure="V", lo="0", hi="1", n="1", share="1%")
    assert "1\u202f234 clients" in _w("customers_n", "fr", n="1\u202f234")


def test_a_unit_goes_inside_the_labels_parentheses():
    from clv.report.text import in_unit

    assert in_unit("Valeur future (12 prochains mois)", "€") == \
        "Valeur future (12 prochains mois, €)"
    assert in_unit("chiffre d'affaires cumulé", "€") == "chiffre d'affaires cumulé (€)"
    assert in_unit("Valeur future (12 prochains mois)", None) == \
        "Valeur future (12 prochains mois)"


def test_the_histogram_in_french(site):
    """Its axis says the unit once, inside the horizon's parentheses; no bin says '1
    clients'."""
    from clv.web.charts import render_charts

    _, _, a = site
    svg = render_charts(a, "fr", ("distribution",))["distribution"]
    assert svg is not None
    assert "(12 prochains mois, €)" in svg and ") (€)" not in svg
    assert not re.search(r"(?<![\d\u202f])1 clients", svg)


# ---- the French pages ----------------------------------------------------------------------


def test_the_timing_page_says_lift_in_french(site):
    base, aid, _ = site
    page = text_of(call(f"{base}/a/{aid}/timing?lang=fr")[1].decode())
    assert "lift" not in page.lower()
    assert "Effet multiplicateur" in page  # the cross-sell table's header
    from clv.i18n import t

    assert t("page_lift", "fr") == "Effet multiplicateur"


def test_the_empty_subscriptions_page_leads_to_the_import_page(site):
    base, aid, _ = site
    status, body, _ = call(f"{base}/a/{aid}/saas?lang=fr")
    page = body.decode()
    assert status == 404
    link = re.search(r'<a id="saas-import" href="([^"]+)">([^<]+)</a>', page)
    assert link and link.group(1) == "/#subscriptions-file"
    assert html.unescape(link.group(2)) == "Importer un fichier d'abonnements"
    home = call(f"{base}/?lang=fr")[1].decode()
    assert 'id="subscriptions-file"' in home  # where the link goes
    # the command is a secondary hint, in French words
    assert '<p class="note">La même chose en ligne de commande' in html.unescape(page)
    assert "commandes.csv --subscriptions abonnements.csv" in page


def test_the_home_pages_examples_in_french(site):
    base, _, _ = site
    page = call(f"{base}/?lang=fr")[1].decode()
    found = re.findall(r'placeholder="([^"]*)"', page)
    assert "postgresql://utilisateur@serveur/boutique" in found
    assert "select id_client, date_commande, montant from commandes" in found
    english = call(f"{base}/?lang=en")[1].decode()
    assert 'placeholder="postgresql://user@host/shop"' in english


def test_the_history_writes_amounts_in_their_currency(site):
    base, _, a = site
    page = call(f"{base}/history?lang=fr")[1].decode()
    cells = re.findall(r"<td>([^<]*)", page)
    amounts = [c for c in cells if "€" in c]
    assert amounts, cells
    assert all(re.fullmatch(r"[−+]?\d{1,3}(\u202f\d{3})*,\d\d\u00a0€", c.strip())
               for c in amounts), amounts
    english = call(f"{base}/history?lang=en")[1].decode()
    assert re.search(r"<td>€\d[\d,]*\.\d\d", english)
    rows = {r["id"]: r for r in __import__("json").loads(call(f"{base}/api/history")[1])}
    assert rows[1]["currency"] == "EUR"


def test_the_serve_line_in_french(monkeypatch, tmp_path):
    import uvicorn

    from clv.web import serve

    said: list[str] = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: None)
    serve(f"sqlite:///{tmp_path / 'h.db'}", port=8123, announce=said.append, lang="fr")
    assert said == ["tableau de bord clv sur http://127.0.0.1:8123/"]
    said.clear()
    serve(f"sqlite:///{tmp_path / 'h.db'}", port=8123, announce=said.append, lang="en")
    assert said == ["clv dashboard on http://127.0.0.1:8123/"]
    said.clear()
    serve(f"sqlite:///{tmp_path / 'h.db'}", host="0.0.0.0", port=8123, announce=said.append,
          lang="fr", allowed_hosts=["*"], token="x" * 32)
    assert said[0].startswith("tableau de bord clv sur http://0.0.0.0:8123/?token=")
    assert said[0].endswith("(le jeton est exigé)")


# ---- in a browser: chart text at 390 px, the history at 1366 px ----------------------------

FONTS = """() => {
  // each chart's smallest text as drawn on the screen (its font size times the scale the
  // page draws the SVG at), and whether the page scrolls sideways
  const sizes = [];
  for (const svg of document.querySelectorAll("main figure svg")) {
    const scale = svg.getBoundingClientRect().width / svg.width.baseVal.value;
    const texts = [...svg.querySelectorAll("text")];
    if (texts.length) sizes.push(Math.min(...texts.map(
      t => parseFloat(getComputedStyle(t).fontSize) * scale)));
  }
  const focusable = [...document.querySelectorAll("main figure")]
    .filter(f => f.scrollWidth > f.clientWidth + 1).every(f => f.tabIndex === 0);
  return {sizes, focusable,
          sideways: document.documentElement.scrollWidth > window.innerWidth};
}"""


@pytest.mark.parametrize("where", ["", "/cohorts", "/models", "/segments"])
def test_chart_text_is_readable_on_a_phone(site, browser, where):
    base, aid, _ = site
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="fr-FR")
    try:
        page.goto(f"{base}/a/{aid}{where}?lang=fr")
        # the charts fit the phone's width, shrunk; each has a button that shows it at its
        # drawn size, scrolling sideways inside its own box: then its text is readable
        buttons = page.locator("button.chart-size")
        assert buttons.count() >= 1
        for i in range(buttons.count()):
            buttons.nth(i).click()
        found = page.evaluate(FONTS)
    finally:
        page.close()
    assert found["sizes"] and min(found["sizes"]) >= 10, found  # was 5 to 6 px
    assert not found["sideways"] and found["focusable"], found


def test_the_history_table_fits_a_laptop(site, browser):
    base, _, _ = site
    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="fr-FR")
    try:
        page.goto(f"{base}/history?lang=fr")
        boxes = page.evaluate("""() => [...document.querySelectorAll(".history-table")]
          .map(t => [t.parentElement.scrollWidth, t.parentElement.clientWidth])""")
    finally:
        page.close()
    assert boxes and all(inner <= outer for inner, outer in boxes), boxes


def test_a_subscription_cohorts_cell_of_one_customer():
    from clv.report.text import word

    cell = word("saas_cohort_cell", "fr").format(cohort="mars 2024", age=14, n="1", n0="6",
                                                  share="16,7\u00a0%")
    assert cell == "mars 2024, mois 14\u00a0: 1 sur 6 clients (16,7\u00a0%)"
