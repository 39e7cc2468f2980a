"""The findings of a second browser review of the French dashboard, checked against a real
server on 127.0.0.1:

- the data page's table of a spend file's left-out rows is named by its heading
  (``aria-labelledby``), no markup in an attribute (the file name's ``<span translate="no">``
  in its ``aria-label`` closed the attribute and showed ``depenses_fr.csv">`` on the page);
- "1 exclue", not "1 exclues";
- a period of one month reads "acquis en janvier 2023", not "de janvier 2023 à janvier 2023";
- the margin to date of the overview, a mean, is labelled per customer;
- an export name that does not exist is said as such (not "no analysis 1"), with a link to
  the exports page, in both languages.
"""

from __future__ import annotations

import html
import re

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

from clv import measures  # noqa: E402
from clv.i18n import t  # noqa: E402
from clv.web import build  # noqa: E402
from webtools import PAGE, call, french_spend, html_of, running, words_of  # noqa: E402


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A dashboard with one analysis whose spend table was read from ``depenses_fr.csv``,
    one row of which has no month: its base URL."""
    import clv

    folder = tmp_path_factory.mktemp("review2")
    sample = clv.sample_shop(400, seed=3)
    frame, report = french_spend(folder, sample)
    assert report.rows_excluded == 1
    shop = clv.analyze(sample.transactions, spend=frame, table_reports=[report],
                       settings=clv.Settings(margin=0.3, draws=20, currency="EUR"))
    app = build(f"sqlite:///{folder / 'history.db'}", workdir=folder / "uploads",
                analyses=[(shop, "shop")])
    with running(app) as base:
        yield base


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_spend_table_is_named_in_plain_text(site, lang):
    page = html_of(f"{site}/a/1/data?lang={lang}")
    part = page[page.index('<section id="data-spend">'):]
    part = part[:part.index("</section>")]
    assert '<span translate="no">depenses_fr.csv</span>' in part  # the title keeps it
    # the table is named by its heading (the file name in it marked not to be translated)
    assert re.findall(r'aria-label="([^"]*)"', part) == []
    assert 'aria-labelledby="data-spend-title"' in part
    title = re.search(r'<h2><span id="data-spend-title">(.*?)</span></h2>', part)
    assert title and words_of(title.group(1)) == t("imp_map_spend", lang, name="depenses_fr.csv")
    assert '">' not in words_of(part) and 'csv"' not in words_of(part)
    # no attribute of any page built from a message holds markup
    assert not re.search(r'aria-label="[^"]*(?:<|&lt;)', page)
    rows = words_of(re.search(r'<p id="spend-rows">(.*?)</p>', part).group(1))
    assert rows.endswith("1 exclue." if lang == "fr" else "1 excluded.")


def test_the_french_plural_follows_the_count():
    assert t("page_rows_read", "fr", read="96", kept="95", excluded="1", n=1) == \
        "96 lignes lues, 95 conservées, 1 exclue."
    assert t("page_rows_read", "fr", read="96", kept="94", excluded="2", n=2) == \
        "96 lignes lues, 94 conservées, 2 exclues."


@pytest.mark.parametrize(("lang", "words"), [("fr", "acquis en janvier 2024"),
                                             ("en", "acquired in January 2024")])
def test_a_period_of_one_month_says_that_month(site, lang, words):
    page = words_of(html_of(f"{site}/a/1/customers?start=2024-01&end=2024-01&lang={lang}"))
    assert words in page
    assert "janvier 2024 à janvier 2024" not in page
    assert "January 2024 to January 2024" not in page
    two = words_of(html_of(f"{site}/a/1/customers?start=2024-01&end=2024-03&lang={lang}"))
    assert ("acquis de janvier 2024 à mars 2024" if lang == "fr"
            else "acquired January 2024 to March 2024") in two


@pytest.mark.parametrize(("lang", "label"), [("fr", "Marge à date par client"),
                                             ("en", "Margin to date per customer")])
def test_the_margin_to_date_is_labelled_per_customer(site, lang, label):
    page = html_of(f"{site}/a/1?lang={lang}")
    kpi = page[page.index('id="kpi-margin_to_date"'):]
    assert label in words_of(kpi[:kpi.index("</div>", kpi.index("</div>") + 1)])
    assert "×" in measures.definition("margin_to_date", lang)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_an_unknown_export_is_said_as_such(site, lang):
    for name in ("nope.csv", "nope.txt"):
        status, body, _ = call(f"{site}/a/1/export/{name}?lang={lang}", headers=PAGE)
        page = body.decode()
        assert status == 404
        assert t("page_no_export", lang, name=name) in html.unescape(page)
        assert t("err_analysis", lang, aid="1") not in words_of(page)
        assert '<a id="error-back" href="/a/1/exports">' in page
        assert t("page_exports_back", lang) in page
    # the API keeps its JSON 404, and a real export still downloads
    status, body, _ = call(f"{site}/a/1/export/nope.csv")
    assert status == 404 and b"no table nope.csv" in body
    status, body, _ = call(f"{site}/a/1/export/customers.csv", headers=PAGE)
    assert status == 200 and body
    # an analysis that does not exist is still said so
    status, body, _ = call(f"{site}/a/9/export/customers.csv?lang={lang}", headers=PAGE)
    assert status == 404 and t("err_analysis", lang, aid="9") in html.unescape(body.decode())
