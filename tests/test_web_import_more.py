"""The French import flow's defects found by a browser review (issue 16): a spend file with
one unreadable month runs, its row left out and said on the data page; the mapping page's
preview notes in words; the language switch keeping the choices; the import form's default
margin."""

from __future__ import annotations

import html
import io
import re
from urllib.parse import urlencode

import polars as pl
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

from clv.i18n import t  # noqa: E402
from test_web_i18n import foreign, found_in, visible  # noqa: E402
from test_web_import import FRENCH, _upload_all, form_of, french_shop, selected, sent  # noqa: E402
from test_web_jobs import FORM, dashboard, wait  # noqa: E402
from webtools import call  # noqa: E402


def _text(part: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", part))


def test_a_spend_file_with_one_bad_month_runs_and_the_data_page_says_it(tmp_path):
    shop = french_shop()
    lines = shop["spend"].decode().splitlines()
    lines[5] = "13/2023;" + lines[5].split(";", 1)[1]
    shop["spend"] = ("\n".join(lines) + "\n").encode()
    with dashboard(tmp_path) as (base, state):
        where = _upload_all(base, shop)
        page = html.unescape(call(base + where, headers=FRENCH)[1].decode())
        _, _, got = call(f"{base}/analyses", "POST", urlencode(form_of(page)).encode(),
                         {**FORM, **FRENCH})
        done = wait(base, got["location"].rsplit("/", 1)[1])
        assert done["status"] == "done", done
        report = state.entries[done["analysis"]].analysis.table_report("spend")
        assert report is not None and report.balanced
        assert (report.rows_read, report.rows_kept) == (len(lines) - 1, len(lines) - 2)
        assert report.exclusions[0].examples == [
            {"row": 6, "column": "Mois", "value": "13/2023"}]
        fr = html.unescape(call(f"{base}/a/{done['analysis']}/data", headers=FRENCH)[1]
                           .decode())
        part = fr[fr.index('<section id="data-spend">'):]
        part = _text(part[:part.index("</section>")])
        assert t("tbl_reason_month_unread", "fr") in part
        assert _text(t("tbl_example_value", "fr", row="6", column="Mois",
                       example="13/2023")) in part
        assert found_in(visible(fr, "fr"), foreign("fr")) == []
        en = _text(html.unescape(call(f"{base}/a/{done['analysis']}/data?lang=en")[1]
                                 .decode()))
        assert "no month can be read" in en and "row 6, “Mois”: “13/2023”" in en
        # its customers as a file: decimals rounded, dates as dates, no thousands separator
        csv = call(f"{base}/a/{done['analysis']}/export/customers.csv?lang=en")[1].decode()
        header, *rows = csv.splitlines()
        assert rows and not re.search(r"\d{4}-\d\d-\d\dT", csv)
        assert not re.search(r"\.\d{5,}", csv), [r for r in rows if re.search(r"\.\d{5,}", r)]
        frame = pl.read_csv(io.StringIO(csv), try_parse_dates=True)
        assert frame.schema["First purchase"] == pl.Date


def test_the_mapping_page_says_its_notes_in_words_and_keeps_choices_across_languages(
        tmp_path):
    """A date format chosen that leaves dates unread: the preview's note names the formats
    as the form writes them (jj/mm/aaaa in French, dd/mm/yyyy in English), never as the
    library's codes ('mdy', date_format=); the language switch (static/mapping.js) sends the
    form to the preview with ``?lang=``: the page comes back in that language with the
    choices kept. The margin's help says the default margin as a percentage."""
    shop = french_shop(customers=60)
    with dashboard(tmp_path) as (base, _):
        where = _upload_all(base, shop)
        sid = where.split("/mapping/")[1].split("?")[0]
        page = html.unescape(call(base + where, headers=FRENCH)[1].decode())
        assert 'src="/static/mapping.js"' in page
        assert f'data-preview="/mapping/{sid}"' in page
        assert t("imp_margin_help", "fr", default="100") in page
        assert 'value="100" aria-describedby="margin-help"' in page
        values = {**form_of(page), "date_format": "mdy", "decimal": ","}
        _, again = sent(base, f"/mapping/{sid}", values, FRENCH)
        notes = _text(" ".join(re.findall(r'<p class="note">(.*?)</p>', again, re.S)))
        assert "mm/jj/aaaa" in notes and "jj/mm/aaaa" in notes, notes
        assert "date_format" not in notes and "« dmy »" not in notes
        assert "format des dates" in notes
        assert found_in(visible(again, "fr"), foreign("fr")) == []
        # the language switch: the form sent with ?lang=en, the page back in English, as chosen
        values = {**form_of(again), "map_product": "", "decimal": ","}
        status, raw, got = call(f"{base}/mapping/{sid}?lang=en", "POST",
                                urlencode(values).encode(), {**FORM, **FRENCH})
        assert status == 303, raw[:300]
        assert got["location"].endswith("lang=en") and got["location"].startswith(
            f"/mapping/{sid}?")
        english = html.unescape(call(base + got["location"], headers=FRENCH)[1].decode())
        assert '<html lang="en">' in english
        assert selected(english, "date_format") == "mdy"
        assert selected(english, "decimal") == ","
        assert selected(english, "map_product") is None  # '(none)' kept, not the detected one
        notes = _text(" ".join(re.findall(r'<p class="note">(.*?)</p>', english, re.S)))
        assert "'mm/dd/yyyy'" in notes and "'dd/mm/yyyy'" in notes, notes
        assert "date_format=" not in notes
        assert t("imp_margin_help", "en", default="100") in english


def test_the_mapping_script_sends_the_form_on_the_language_switch():
    from clv.web.app import HERE

    script = (HERE / "static" / "mapping.js").read_text(encoding="utf-8")
    assert '#languages a[href]' in script and "form.dataset.preview" in script
    assert "?lang=" in script and "form.submit()" in script


def test_in_a_browser_the_language_switch_keeps_the_choices_not_yet_sent(browser, tmp_path):
    """The mapping page's 'English' link in a real browser: the choices made and not yet
    sent (a date format, the margin, a column left out) come back on the English page."""
    from clv.web import build
    from test_browser_flow_fr import french_export
    from webtools import running

    files = french_export(tmp_path, customers=120)["files"]
    app = build(f"sqlite:///{tmp_path / 'h.db'}", workdir=tmp_path / "up")
    with running(app) as base:
        context = browser.new_context(locale="fr-FR")
        context.set_default_timeout(20_000)
        page = context.new_page()
        page.goto(base + "/")
        page.set_input_files("#file", str(files["commandes.csv"]))
        page.set_input_files("#spend-file", str(files["depenses.csv"]))
        page.click("#upload-button")
        page.wait_for_url(re.compile(r".*/mapping/\w+\?spend=\w+$"))
        assert page.evaluate("document.documentElement.lang") == "fr"
        page.select_option("#date_format", "dmy")
        page.select_option("#map_channel", "")
        page.fill("#margin", "30")
        page.click('#languages a[hreflang="en"]')
        page.wait_for_url(re.compile(r".*/mapping/\w+\?spend=\w+&lang=en$"))
        assert page.evaluate("document.documentElement.lang") == "en"
        assert page.input_value("#date_format") == "dmy"
        assert page.input_value("#map_channel") == ""
        assert page.input_value("#margin") == "30"
        context.close()
