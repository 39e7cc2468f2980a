"""Every excluded row, not only three examples per reason: ``read_transactions(excluded_rows=True)``
keeps them on ``DataIssues.excluded_rows``, and ``clv check FILE --excluded PATH`` writes them."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import pickle
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

import clv
from clv.data import issues as why
from clv.errors import french_reason

AS_OF = dt.datetime(2025, 1, 1)
N_BAD_DATES = 40  # far more than the three examples a reason keeps


def _messy() -> tuple[str, dict[int, str], int]:
    """A CSV with rows excluded for several reasons; the reason of each excluded line (the
    file's line number, the header being line 1) and the number of data rows."""
    lines = ["order_id,customer,date,amount,currency,status"]
    reasons: dict[int, str] = {}

    def add(row: str, reason: str | None = None) -> None:
        lines.append(row)
        if reason is not None:
            reasons[len(lines)] = reason

    add("o1,a,2024-01-05,10.00,EUR,paid")
    add("o2,,2024-01-06,5.00,EUR,paid", why.MISSING_CUSTOMER)
    add("o3,b,not a date,7.50,EUR,paid", why.BAD_DATE)
    add("o4,c,2024-01-08,abc,EUR,paid", why.BAD_AMOUNT)
    add("o5,d,2099-01-01,3.00,EUR,paid", why.FUTURE_DATE)
    add("o6,e,2024-01-09,4.00,EUR,failed", why.STATUS_NOT_PAID)
    add("o7,a,2024-02-05,20.00,EUR,paid")
    add("o8,f,2024-01-10,12.00,USD,paid", why.OTHER_CURRENCY)
    add("o9,g,1900-01-01,6.00,EUR,paid", why.EARLY_DATE)
    add("o7,a,2024-02-05,20.00,EUR,paid", why.DUPLICATE)  # the line above it, again
    add("o10,h,2024-01-11,1e300,EUR,paid", why.AMOUNT_RANGE)
    for i in range(N_BAD_DATES):
        add(f"d{i},k{i},2024-13-{i:02d},{i + 1}.25,EUR,paid", why.BAD_DATE)
        add(f"p{i},k{i},2024-03-{i % 28 + 1:02d},{i + 2}.50,EUR,paid")
    add("o11,,,,EUR,paid", why.MISSING_CUSTOMER)  # blank id, date and amount: the first reason
    return "\n".join(lines) + "\n", reasons, len(lines) - 1


@pytest.fixture
def messy(tmp_path: Path) -> tuple[Path, dict[int, str], int]:
    text, reasons, n = _messy()
    path = tmp_path / "orders.csv"
    path.write_text(text)
    return path, reasons, n


def test_every_excluded_row_is_listed_once_with_its_row_and_reason(messy):
    path, reasons, n = messy
    tx = clv.read_transactions(path, as_of=AS_OF, excluded_rows=True)
    iss = tx.issues
    listed = iss.excluded_rows
    assert listed is not None
    assert listed.columns[:3] == ["row", "reason", "amount"]
    # the mapped columns as read, the file's 'amount' beside the parsed one
    assert set(listed.columns[3:]) == {"order_id", "customer", "date", "amount (file)",
                                       "currency", "status"}
    assert listed["row"].to_list() == sorted(reasons)  # each once, ordered by row
    assert dict(zip(listed["row"], listed["reason"], strict=True)) == reasons
    assert listed.height == iss.rows_excluded == len(reasons)
    assert iss.rows_kept + listed.height == iss.rows_read == n
    assert iss.excluded(why.BAD_DATE) == N_BAD_DATES + 1 == \
        listed.filter(pl.col("reason") == why.BAD_DATE).height
    # the amounts as parsed: null when unreadable; those within range sum to the excluded
    by_row = dict(zip(listed["row"], listed["amount"], strict=True))
    assert by_row[5] is None and by_row[n + 1] is None
    assert by_row[12] == 1e300
    counted = listed.filter(pl.col("amount").abs() <= 1e12)["amount"]
    assert math.isclose(float(counted.sum()), iss.amount_excluded, abs_tol=1e-9)
    assert math.isclose(iss.amount_excluded, 5 + 7.5 + 3 + 4 + 12 + 6 + 20 + sum(
        i + 1.25 for i in range(N_BAD_DATES)), abs_tol=1e-9)
    # per reason: the count, the amount and the first rows of the report's exclusions
    for e in iss.exclusions:
        mine = listed.filter(pl.col("reason") == e.reason)
        assert mine.height == e.count
        within = mine.filter(pl.col("amount").abs() <= 1e12)["amount"]
        assert math.isclose(float(within.sum()), e.amount, abs_tol=1e-9)
        assert [x["row"] for x in e.examples] == mine["row"].head(3).to_list()
    # the source's text as written
    first_bad = listed.filter(pl.col("row") == 4).row(0, named=True)
    assert first_bad["date"] == "not a date" and first_bad["amount (file)"] == "7.50"
    assert listed.filter(pl.col("row") == 5)["amount (file)"].item() == "abc"
    assert listed.filter(pl.col("row") == 3)["customer"].item() is None


def test_without_the_option_there_is_no_list_and_the_report_is_the_same(messy):
    path, _, _ = messy
    plain = clv.read_transactions(path, as_of=AS_OF)
    listed = clv.read_transactions(path, as_of=AS_OF, excluded_rows=True)
    assert plain.issues.excluded_rows is None
    assert listed.issues.excluded_rows is not None
    assert plain.issues == listed.issues  # the list is left out of comparisons
    assert plain.issues.to_dict() == listed.issues.to_dict()
    assert str(plain.issues) == str(listed.issues)
    assert plain.frame.equals(listed.frame)


def test_a_report_pickled_before_the_list_existed_still_loads(messy):
    path, _, _ = messy
    issues = clv.read_transactions(path, as_of=AS_OF, excluded_rows=True).issues
    back = pickle.loads(pickle.dumps(issues))
    assert back.excluded_rows is not None and back.excluded_rows.equals(issues.excluded_rows)
    del back.__dict__["excluded_rows"]  # as pickled before the field was there
    old = pickle.loads(pickle.dumps(back))
    assert old.excluded_rows is None and old == issues


def test_a_frame_whose_rows_are_all_kept_lists_none():
    frame = pl.DataFrame({"customer": ["a", "b"], "date": ["2024-01-01", "2024-01-02"],
                          "amount": [3.0, 4.0]})
    listed = clv.read_transactions(frame, as_of=AS_OF, excluded_rows=True).issues.excluded_rows
    assert listed is not None and listed.height == 0
    assert listed.columns == ["row", "reason", "amount", "customer", "date", "amount (file)"]


# --- through the installed command ---------------------------------------------------------------
def _script() -> Path:
    script = Path(sys.executable).with_name("clv")
    if not script.exists():
        pytest.skip("the clv script is not installed beside this interpreter")
    return script


def run(*args: object, lang: str = "en") -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([str(_script()), *map(str, args)], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "CLV_LANG": lang})
    assert proc.returncode == 0, proc.stderr
    return proc


def test_clv_check_writes_every_excluded_row(messy, tmp_path):
    path, reasons, _ = messy
    target = tmp_path / "excluded.csv"
    proc = run("check", path, "--excluded", target)
    assert f"{len(reasons)} excluded rows written to {target}" in proc.stdout
    written = pl.read_csv(target, infer_schema=False)
    assert written.columns[:3] == ["row", "reason", "amount"]
    assert dict(zip(map(int, written["row"]), written["reason"], strict=True)) == reasons
    assert written.filter(pl.col("row") == "4")["date"].item() == "not a date"
    # --json: the report, and where the list went
    as_json = tmp_path / "excluded.parquet"
    payload = json.loads(run("check", path, "--excluded", as_json, "--json").stdout)
    assert payload["excluded_file"] == {"path": str(as_json), "rows": len(reasons)}
    assert payload["rows_excluded"] == len(reasons)
    assert pl.read_parquet(as_json)["row"].to_list() == sorted(reasons)


def test_clv_check_in_french_writes_french_reasons_to_a_workbook(messy, tmp_path):
    path, reasons, _ = messy
    target = tmp_path / "exclues.xlsx"
    proc = run("check", path, "--excluded", target, lang="fr")
    assert f"{len(reasons)} lignes exclues écrites dans {target}" in proc.stdout
    book = pl.read_excel(target)
    assert book.height == len(reasons)
    said = dict(zip(book["row"].cast(pl.Int64), book["reason"], strict=True))
    assert said == {row: french_reason(reason) for row, reason in reasons.items()}
    assert said[4] == "date illisible" and said[3] == "identifiant client manquant"


def test_clv_check_with_no_excluded_row_writes_the_header(tmp_path):
    path = tmp_path / "clean.csv"
    path.write_text("customer,date,amount\na,2024-01-01,3\nb,2024-01-02,4\n")
    target = tmp_path / "none.csv"
    assert f"0 excluded rows written to {target}" in run("check", path, "--excluded",
                                                         target).stdout
    assert target.read_text().strip() == "row,reason,amount,customer,date,amount (file)"


def test_clv_check_refuses_another_kind_of_file_before_reading(messy, tmp_path):
    path, _, _ = messy
    target = tmp_path / "excluded.txt"
    proc = subprocess.run([str(_script()), "check", str(path), "--excluded", str(target)],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "CLV_LANG": "en"})
    assert proc.returncode == 2 and "--excluded" in proc.stderr and ".xlsx" in proc.stderr
    assert "Traceback" not in proc.stderr and not target.exists()
