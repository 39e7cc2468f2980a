"""The browser import's defects found by a user review (issue 16): the decimal separator
chosen in the mapping form governs the preview and the analysis (the values that read either
way; the page says which, since a value written unambiguously reads so whatever the choice);
the preview of the first rows shows only the user's fields (not the reader's ``order_time``);
the spend lines left out at import say whose channel (and campaign) they were, and the
channels page names them with their lines and amount, in both languages."""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import urlencode

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

from clv.i18n import t  # noqa: E402
from test_web_i18n import foreign, found_in, visible  # noqa: E402
from test_web_import import FRENCH, _upload_all, form_of, french_shop, multipart, sent  # noqa: E402
from test_web_jobs import FORM, dashboard, wait  # noqa: E402
from webtools import call, words_of  # noqa: E402

ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}

FRENCH_AMOUNTS = ("1 573,74", "1.573,74", "1,250", "12,50")
"""Amounts of a French export: three written unambiguously, one (1,250) that reads either
way (a comma elsewhere in the column says: decimal comma)."""
ENGLISH_AMOUNTS = ("1,573.74", "1,250", "12.50", "3")
"""Amounts of an English export; 1,250 reads either way (the column says: thousands)."""


def _orders(amounts: tuple[str, ...], french: bool, rows: int = 20) -> bytes:
    """An orders CSV of ``rows`` customers, one order each, cycling through ``amounts``
    (French: ';' and dd/mm/yyyy; English: ',' with the amounts quoted)."""
    if french:
        lines = ["Client;Date;Montant"] + [
            f"C{i};{10 + i % 15}/02/2024;{amounts[i % len(amounts)]}" for i in range(rows)]
    else:
        lines = ["Customer,Date,Amount"] + [
            f'C{i},2024-02-{10 + i % 15},"{amounts[i % len(amounts)]}"' for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def _preview_column(page: str, column: int) -> list[str]:
    """The cells of the ``column``-th column of the mapping page's first rows as read."""
    part = page[page.index('id="read-preview"'):]
    part = part[:part.index("</table>")]
    return [re.findall(r"<td>(.*?)</td>", row)[column]
            for row in re.findall(r"<tr>(.*?)</tr>", part.split("<tbody>")[1], re.S)]


def _headers(page: str, table: str = "read-preview") -> list[str]:
    part = page[page.index(f'id="{table}"'):]
    part = part[:part.index("</thead>")]
    return [words_of(h) for h in re.findall(r"<th scope=\"col\">(.*?)</th>", part)]


def _upload(base: str, name: str, body: bytes) -> tuple[str, str]:
    """Upload the orders ``body`` as ``name``: the mapping page's address and upload id."""
    payload, headers = multipart({"transactions": (name, body)})
    status, answer, got = call(f"{base}/uploads", "POST", payload, headers)
    assert status == 303, answer[:300]
    return got["location"], got["location"].split("/mapping/")[1].split("?")[0]


def _run(base: str, state: Any, page: str) -> Any:
    """Run the analysis of the mapping form of ``page``: the finished analysis."""
    status, raw, got = call(f"{base}/analyses", "POST", urlencode(form_of(page)).encode(),
                            FORM)
    assert status == 303, raw[:300]
    done = wait(base, got["location"].rsplit("/", 1)[1])
    assert done["status"] == "done", done
    return state.entries[done["analysis"]].analysis


# ---- 1. the decimal separator ------------------------------------------------------------


@pytest.mark.parametrize(("french", "decimal", "preview", "amounts"), [
    # detected: 1,250 follows the column's other values (decimal commas in the French file,
    # thousands commas in the English one); chosen: 1,250 read as chosen, in both files
    (True, "", ["1,573.74", "1,573.74", "1.25", "12.50"], [1.25, 12.5, 1573.74]),
    (True, ".", ["1,573.74", "1,573.74", "1,250.00", "12.50"], [12.5, 1250.0, 1573.74]),
    (False, "", ["1,573.74", "1,250.00", "12.50", "3.00"], [3.0, 12.5, 1250.0, 1573.74]),
    (False, ",", ["1,573.74", "1.25", "12.50", "3.00"], [1.25, 3.0, 12.5, 1573.74]),
])
def test_the_decimal_separator_chosen_reads_the_preview_and_the_analysis(
        tmp_path, french, decimal, preview, amounts):
    """The option is read by the preview and by the job alike: the amounts that read either
    way (1,250) follow it; those written unambiguously (1 573,74, 1.573,74, 1,573.74) read
    as written whatever the choice, as the form's help says."""
    body = _orders(FRENCH_AMOUNTS if french else ENGLISH_AMOUNTS, french)
    with dashboard(tmp_path) as (base, state):
        where, sid = _upload(base, "fr.csv" if french else "en.csv", body)
        page = html.unescape(call(base + where, headers=ENGLISH)[1].decode())
        where, again = sent(base, f"/mapping/{sid}", {**form_of(page), "decimal": decimal},
                            ENGLISH)
        assert re.search(rf'<option value="{re.escape(decimal)}" selected>', again)
        assert _preview_column(again, 2)[:4] == preview
        assert t("imp_decimal_help", "en") in again
        # the page says how many amounts the separator decides, one of them both ways
        said = words_of(again[again.index('id="orders_decimal-said"'):].split("</p>")[0])
        assert "decides 5 amounts" in said and "“1,250”: 1.25 with a comma, 1,250 with a " \
            "point" in said, said
        analysis = _run(base, state, again)
        read = analysis.transactions.frame["amount"]
        assert sorted(set(read.to_list())) == amounts
        assert read.len() == 20


def test_the_page_says_when_the_separator_decides_nothing_in_french(tmp_path):
    """A file whose amounts all say their separator: the option chosen changes nothing, and
    the French page says why (no amount depends on it), in French only."""
    body = _orders(("1 573,74", "1.573,74", "12,50", "3,00"), True)
    with dashboard(tmp_path) as (base, state):
        where, sid = _upload(base, "fr.csv", body)
        page = html.unescape(call(base + where, headers=FRENCH)[1].decode())
        assert 'id="orders_decimal-said"' not in page  # detected: nothing to say
        _, again = sent(base, f"/mapping/{sid}", {**form_of(page), "decimal": "."}, FRENCH)
        said = words_of(again[again.index('id="orders_decimal-said"'):].split("</p>")[0])
        assert "Aucun montant de" in said and "ne dépend du séparateur décimal" in said
        assert "1 573,74" in said.replace("\u00a0", " "), said
        cells = [re.sub(r"[\u00a0\u202f]", " ", c) for c in _preview_column(again, 2)[:4]]
        assert cells == ["1 573,74", "1 573,74", "12,50", "3,00"]
        assert found_in(visible(again, "fr"), foreign("fr")) == []
        analysis = _run(base, state, again)
        assert sorted(set(analysis.transactions.frame["amount"].to_list())) == [
            3.0, 12.5, 1573.74]


# ---- 2. the preview shows the user's fields only -----------------------------------------


def test_the_preview_shows_the_fields_not_the_readers_order_time(tmp_path):
    """An order refunded later (its order id on both rows): the reader links the refund to
    its order's time (``order_time``), which the preview does not show; the headers are the
    fields' names in the page's language."""
    lines = ["Client;Date;Montant;Commande", "A;01/02/2024;100,00;O1",
             "A;10/02/2024;50,00;O2", "A;20/02/2024;-50,00;O2", "B;02/02/2024;80,00;O3",
             "B;13/03/2024;40,00;O4"]
    body = ("\n".join(lines) + "\n").encode()
    with dashboard(tmp_path) as (base, state):
        where, sid = _upload(base, "commandes.csv", body)
        assert "order_time" in state.sources[sid].parsed.columns  # the reader's own column
        for headers, lang in ((FRENCH, "fr"), (ENGLISH, "en")):
            page = html.unescape(call(base + where, headers=headers)[1].decode())
            assert "order_time" not in page
            assert _headers(page) == [t(f"imp_f_{f}", lang) for f in (
                "customer_id", "timestamp", "amount", "order_id")]
            assert len(_preview_column(page, 3)) == 5
        assert _headers(page) == ["Customer id", "Date", "Amount", "Order number"]


# ---- 3. the spend lines left out say their channel ---------------------------------------


SPEND = ("Mois;Canal;Campagne;Dépenses\n"
         "01/2024;Google Ads;Printemps;1 000,00\n"
         "13/2024;Google Ads;Printemps;1 573,74\n"
         "02/2024;Google Ads;Printemps;900,00\n"
         "14/2024;Google Ads;Printemps;26,26\n"
         "01/2024;SEO;;200,00\n"
         "xx;SEO;;50,00\n"
         "02/2024;SEO;;300,00\n"
         "03/2024;SEO;;310,00\n"
         "00/2024;;;7,50\n"
         "03/2024;Google Ads;Printemps;800,00\n"
         "04/2024;Google Ads;Printemps;abc\n")


def test_the_spend_reader_says_whose_spend_it_left_out(tmp_path):
    """The rows without a month: counted as before (rows read = kept + left out, examples
    of rows), with the channel and campaign of each, their lines and spend; the spend of
    the rows kept and left out is the file's."""
    from clv.data.tables import SpendExclusion, read_spend_report

    path = tmp_path / "depenses.csv"
    path.write_text(SPEND.replace("04/2024;Google Ads;Printemps;abc\n", ""), encoding="utf-8")
    read = read_spend_report(path, columns={"month": "Mois", "channel": "Canal",
                                            "campaign": "Campagne", "spend": "Dépenses"})
    report = read.report
    assert (report.rows_read, report.rows_kept, report.rows_excluded) == (10, 6, 4)
    assert report.balanced
    [left] = report.exclusions
    assert isinstance(left, SpendExclusion) and left.key == "month_unread"
    assert left.examples == [{"row": 3, "column": "Mois", "value": "13/2024"},
                             {"row": 5, "column": "Mois", "value": "14/2024"},
                             {"row": 7, "column": "Mois", "value": "xx"}]
    assert left.channels == [
        {"channel": "Google Ads", "campaign": "Printemps", "rows": 2, "spend": 1600.0,
         "unread": 0},
        {"channel": "SEO", "campaign": None, "rows": 1, "spend": 50.0, "unread": 0},
        {"channel": None, "campaign": None, "rows": 1, "spend": 7.5, "unread": 0}]
    assert sum(c["rows"] for c in left.channels) == left.count
    total = 1000 + 1573.74 + 900 + 26.26 + 200 + 50 + 300 + 310 + 7.5 + 800
    lost = sum(c["spend"] for c in left.channels)
    assert read.frame["spend"].sum() + lost == pytest.approx(total)
    # without a campaign column: one entry per channel; a left-out amount that cannot be
    # read is counted as a line, not as spend
    path.write_text("Mois;Canal;Dépenses\n01/2024;SEO;10\n13/2024;SEO;n/a\n02/2024;SEO;20\n"
                    "14/2024;SEO;5\n03/2024;Mail;1\n", encoding="utf-8")
    other = read_spend_report(path)
    assert other.report.balanced and other.report.rows_kept == 3
    assert other.report.exclusions[0].channels == [
        {"channel": "SEO", "campaign": None, "rows": 2, "spend": 5.0, "unread": 1}]


def test_the_channels_page_names_the_channels_whose_spend_was_left_out(tmp_path):
    """The French shop's spend file with three lines of Google Ads and one of SEO without a
    month that can be read: the channels page names both, with their lines and spend, in
    French and in English, and no longer says the file cannot tell whose they were."""
    shop = french_shop()
    lines = shop["spend"].decode().splitlines()
    channels = [line.split(";")[1] for line in lines[1:]]
    pick = [i for i, c in enumerate(channels, 1) if c == channels[0]][:3]
    other = next(i for i, c in enumerate(channels, 1) if c != channels[0])
    lost = {channels[0]: 0.0, channels[other - 1]: 0.0}
    for i in (*pick, other):
        month, channel, spend = lines[i].split(";")
        lost[channel] += float(spend.replace(",", "."))
        lines[i] = f"13/2023;{channel};{spend}"
    shop["spend"] = ("\n".join(lines) + "\n").encode()
    with dashboard(tmp_path) as (base, state):
        where = _upload_all(base, shop)
        page = html.unescape(call(base + where, headers=FRENCH)[1].decode())
        status, raw, got = call(f"{base}/analyses", "POST",
                                urlencode(form_of(page)).encode(), {**FORM, **FRENCH})
        done = wait(base, got["location"].rsplit("/", 1)[1])
        assert done["status"] == "done", done
        analysis = state.entries[done["analysis"]].analysis
        report = analysis.table_report("spend")
        assert report.balanced and report.rows_excluded == 4
        assert [(c["channel"], c["rows"]) for c in report.exclusions[0].channels] == [
            (channels[0], 3), (channels[other - 1], 1)]
        aid = done["analysis"]
        fr = html.unescape(call(f"{base}/a/{aid}/channels", headers=FRENCH)[1].decode())
        part = fr[fr.index("spend-left-channels"):]
        said = re.sub(r"\s+", " ", words_of(part[:part.index("</div>")]))
        assert "4 lignes du fichier de dépenses depenses.csv ont été écartées" in said, said
        assert f"{channels[0]} : 3 lignes écartées" in said, said
        assert f"{channels[other - 1]} : 1 ligne écartée" in said, said
        assert "On ne sait pas à quel canal" not in fr
        euros = f"{lost[channels[0]]:,.2f}".replace(",", " ").replace(".", ",")
        assert euros.replace(" ", "") in said.replace("\u202f", "").replace(
            "\u00a0", "").replace(" ", ""), (euros, said)
        assert found_in(visible(fr, "fr"), foreign("fr")) == []
        # the data page, which the warning links to, says it beside the rows' examples
        data = html.unescape(call(f"{base}/a/{aid}/data", headers=FRENCH)[1].decode())
        part = data[data.index('<section id="data-spend">'):]
        said = re.sub(r"\s+", " ", words_of(part[:part.index("</section>")]))
        assert f"Par canal : {channels[0]} : 3 lignes écartées" in said, said
        assert f"{channels[other - 1]} : 1 ligne écartée" in said, said
        assert found_in(visible(data, "fr"), foreign("fr")) == []
        en = html.unescape(call(f"{base}/a/{aid}/channels?lang=en")[1].decode())
        part = en[en.index("spend-left-channels"):]
        said = re.sub(r"\s+", " ", words_of(part[:part.index("</div>")]))
        assert "4 lines of the spend file depenses.csv were left out at import: no month " \
            "can be read" in said, said
        assert f"{channels[0]}: 3 lines left out, €{lost[channels[0]]:,.2f}" in said, said
        assert f"{channels[other - 1]}: 1 line left out" in said
        assert "does not say which channel" not in en
        assert found_in(visible(en, "en"), foreign("en")) == []
