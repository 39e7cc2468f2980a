"""Readers on real platform exports, fourth round (a new user's trial): two-digit years
(Etsy's and many US exports' MM/DD/YY), PayPal's activity download, Etsy's Sold Orders,
German and platform headers, walk-in placeholders of tills, a customer column holding one
value, an accounting journal with a single account column, and time-zone columns. Each
through the installed ``clv`` script, and the library where the values matter."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import polars as pl

import clv
import clv.data.dates
from clv.data import issues as why

CLV = Path(sys.executable).parent / "clv"
AS_OF = dt.datetime(2026, 1, 1)


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _keys(tx: Any) -> list[str]:
    return [getattr(n, "key", "") for n in tx.issues.notes]


def _note(tx: Any, key: str) -> Any:
    return next(n for n in tx.issues.notes if getattr(n, "key", "") == key)


def _cli(*args: str | Path, lang: str = "en") -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CLV), *map(str, args)], capture_output=True, text=True,
                          timeout=300, env={"PATH": "/usr/bin:/bin", "CLV_LANG": lang,
                                            "COLUMNS": "200"})


def _check(path: Path, *args: str) -> dict[str, Any]:
    done = _cli("check", path, "--json", *args)
    assert done.returncode == 0, done.stderr + done.stdout
    assert "Traceback" not in done.stderr
    out: dict[str, Any] = json.loads(done.stdout)
    assert out["balanced"]
    return out


# --- two-digit years ---------------------------------------------------------------------------

US_ORDERS = (
    "Order ID,Customer,Order Date,Total\n"
    "1001,a@x.io,01/08/24,10.00\n"
    "1002,b@x.io,01/13/24,20.00\n"  # day 13: month first
    "1003,a@x.io,12/31/99,5.00\n"  # 99: 1999
    "1004,c@x.io,02/01/25 14:05,7.50\n"
)


def test_two_digit_years_are_of_the_2000s_not_the_year_24(tmp_path):
    tx = clv.read_transactions(_write(tmp_path, "orders.csv", US_ORDERS), as_of=AS_OF)
    stamps = dict(zip(tx.frame["order_id"], tx.frame["timestamp"], strict=True))
    assert stamps == {"1001": dt.datetime(2024, 1, 8), "1002": dt.datetime(2024, 1, 13),
                      "1003": dt.datetime(1999, 12, 31),
                      "1004": dt.datetime(2025, 2, 1, 14, 5)}
    assert _note(tx, "two_digit_years").values["example"] == "01/08/24"
    assert _note(tx, "date_order").values["order"] == "MM/DD/YYYY"
    assert tx.issues.rows_excluded == 0


def test_the_pivot_is_strptimes(tmp_path):
    text = "Customer,Order Date,Total\na,12/31/68,1\nb,12/31/70,2\nc,12/31/00,3\n"
    tx = clv.read_transactions(_write(tmp_path, "o.csv", text), as_of=AS_OF)
    years = {r["customer_id"]: r["timestamp"].year for r in tx.frame.iter_rows(named=True)}
    assert years == {"b": 1970, "c": 2000}
    assert tx.issues.excluded(why.FUTURE_DATE) == 1  # 68 is 2068: in the future, counted
    # the same read with the format given (Polars' own %y reads 69 as 2069)
    given = clv.read_transactions(tmp_path / "o.csv", date_format="%m/%d/%y", as_of=AS_OF)
    assert {r["customer_id"]: r["timestamp"].year
            for r in given.frame.iter_rows(named=True)} == years
    parsed = clv.data.dates.parse_dates(pl.Series("d", ["01/31/69", "01/31/68"]))
    assert parsed.values.dt.year().to_list() == [1969, 2068]
    given69 = clv.data.dates.parse_dates(pl.Series("d", ["01/31/69"]), "%m/%d/%y")
    assert given69.values.dt.year().to_list() == [1969]


def test_clv_check_reads_two_digit_years(tmp_path):
    out = _check(_write(tmp_path, "orders.csv", US_ORDERS))
    assert out["rows_kept"] == 4 and out["exclusions"] == []
    assert any("two digits" in n and "2024" in n for n in out["notes"])
    french = _cli("check", tmp_path / "orders.csv", lang="fr")
    assert french.returncode == 0 and "deux chiffres" in french.stdout


def test_ambiguous_two_digit_years_ask_for_the_order(tmp_path):
    path = _write(tmp_path, "orders.csv",
                  "Customer,Order Date,Total\na,01/08/24,10\nb,02/03/24,20\n")
    done = _cli("check", path)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    said = done.stderr + done.stdout
    assert "Order Date" in said and "--date-format" in said
    out = _check(path, "--date-format", "%m/%d/%y")
    assert out["rows_kept"] == 2
    tx = clv.read_transactions(path, date_format="mdy", as_of=AS_OF)
    assert sorted(tx.frame["timestamp"].to_list()) == [dt.datetime(2024, 1, 8),
                                                       dt.datetime(2024, 2, 3)]
