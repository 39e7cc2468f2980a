"""A spend table with a few months that cannot be read (issue 16): those rows are left out
and counted with the reason, row and column, in the library, the command line (through the
installed ``clv`` script) and the dashboard's reading of the table; the read stops only when
half the rows or more have no month (the column is then not the months')."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from clv.data.tables import MONTHS_UNREAD_LIMIT, read_spend, read_spend_report
from clv.errors import DataError, say

CLV = Path(sys.executable).with_name("clv")


def _spend(path: Path, months: list[str]) -> Path:
    lines = ["Mois;Canal;Dépenses"] + [f"{m};SEO;{i + 1},50" for i, m in enumerate(months)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _months(n: int) -> list[str]:
    return [f"{1 + i % 12:02d}/{2023 + i // 12}" for i in range(n)]


def test_one_bad_month_of_ninety_rows_is_left_out_and_counted(tmp_path):
    months = _months(90)
    months[13], months[40] = "13/2023", "abc"
    frame, report = read_spend_report(_spend(tmp_path / "depenses.csv", months))
    assert frame.height == 88 and report.balanced
    assert (report.rows_read, report.rows_kept, report.rows_excluded) == (90, 88, 2)
    assert report.excluded("month_unread") == 2
    (left,) = report.exclusions
    assert left.examples == [{"row": 15, "column": "Mois", "value": "13/2023"},
                             {"row": 42, "column": "Mois", "value": "abc"}]
    assert "no month can be read" in left.reason
    # the spend of the rows kept only: 1.5 + 2.5 + ... without rows 14 and 41 of the data
    assert frame["spend"].sum() == pytest.approx(sum(i + 1.5 for i in range(90)) - 14.5 - 41.5)
    assert "month_unread" in report.to_dict()["exclusions"][0]["key"]


def test_read_spend_warns_of_the_rows_it_leaves_out(tmp_path):
    months = _months(10)
    months[2] = "13/2023"
    path = _spend(tmp_path / "depenses.csv", months)
    with pytest.warns(UserWarning, match=r"1 of the 10 rows of the spend table left out: no "
                      r"month can be read .*row 4, 'Mois': '13/2023'"):
        frame = read_spend(path)
    assert frame.height == 9


def test_half_the_rows_or_more_without_a_month_stop_the_read_saying_why(tmp_path):
    assert MONTHS_UNREAD_LIMIT == 0.5
    months = _months(4)
    months[1] = months[3] = "abc"
    with pytest.raises(DataError) as half:
        read_spend_report(_spend(tmp_path / "moitie.csv", months))
    assert half.value.row == 3 and half.value.column == "Mois"
    assert "(rows without a month: 2 of 4); from half of the rows, this column is not taken" \
        in str(half.value)
    french = say(half.value, "fr")
    assert "2 des 4 lignes n'en ont pas" in french and "ligne 3" in french
    with pytest.raises(DataError, match=r"row 2, column 'Mois': 'x' is not a month .*\(2 such "
                       r"rows\)$"):
        read_spend_report(_spend(tmp_path / "aucun.csv", ["x", "y"]))


def _clv(*args: object, lang: str = "en") -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CLV), *map(str, args)], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "CLV_LANG": lang})


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from clv import sample_shop

    root = tmp_path_factory.mktemp("spend_rows")
    data = sample_shop(600, seed=4)
    data.transactions.write_csv(root / "shop.csv")
    spend = data.spend.select("channel", pl.col("month").dt.strftime("%m/%Y"), "spend")
    spend.write_csv(root / "spend.csv")
    bad = spend.with_columns(pl.when(pl.int_range(pl.len()) == 5).then(pl.lit("13/2023"))
                             .otherwise(pl.col("month")).alias("month"))
    bad.write_csv(root / "spend_bad.csv")
    return root


@pytest.mark.skipif(not CLV.exists(), reason="the clv script is not installed")
def test_the_command_line_leaves_the_bad_month_out_and_says_so(shop):
    good = _clv("channels", shop / "shop.csv", "--spend", shop / "spend.csv", "--json")
    bad = _clv("channels", shop / "shop.csv", "--spend", shop / "spend_bad.csv", "--json")
    assert good.returncode == 0, good.stderr
    assert bad.returncode == 0, bad.stderr
    assert "1 of the 106 rows of the spend table left out" in bad.stderr
    assert "row 7, “month”: “13/2023”" in bad.stderr
    assert "Traceback" not in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
    french = _clv("channels", shop / "shop.csv", "--spend", shop / "spend_bad.csv", "--json",
                  "--lang", "fr")
    assert french.returncode == 0, french.stderr
    assert "1 des 106 lignes du fichier de dépenses écartée" in french.stderr
    assert "aucun mois lisible" in french.stderr and "ligne 7, « month » : « 13/2023 »" \
        in french.stderr.replace("\u00a0", " ")
    spent = pl.read_csv(shop / "spend.csv")["spend"]
    total = {r["channel"]: r["spend"] for r in json.loads(good.stdout)["channels"]}
    less = {r["channel"]: r["spend"] for r in json.loads(bad.stdout)["channels"]}
    assert sum(total.values()) - sum(less.values()) == pytest.approx(spent[5], abs=0.01)
    # most rows unreadable: the command stops with the file, row and column
    frame = pl.read_csv(shop / "spend.csv").with_columns(pl.lit("abc").alias("month"))
    frame.write_csv(shop / "spend_none.csv")
    none = _clv("channels", shop / "shop.csv", "--spend", shop / "spend_none.csv")
    assert none.returncode == 2 and "row 2, column 'month': 'abc' is not a month" in none.stderr
