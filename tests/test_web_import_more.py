"""The French import flow's defects found by a browser review (issue 16): a spend file with
one unreadable month runs, its row left out and said on the data page; the mapping page's
preview notes in words; the language switch keeping the choices; the import form's default
margin."""

from __future__ import annotations

import html
import re
from urllib.parse import urlencode

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

from clv.i18n import t  # noqa: E402
from test_web_i18n import foreign, found_in, visible  # noqa: E402
from test_web_import import FRENCH, _upload_all, form_of, french_shop  # noqa: E402
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
