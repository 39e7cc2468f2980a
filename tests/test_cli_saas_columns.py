"""`clv saas` names its columns as the dashboard's form does: Chargebee's export ('Customer
ID', 'Started At', 'Canceled On', 'MRR') could not be read at all (no `--end`, and the error
told the user to use `--customer`, which `clv saas` did not have); without options, a table
without an 'mrr' column said "column 'mrr' given for mrr" although the user gave nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

CLV = Path(sys.executable).parent / "clv"
CHARGEBEE = (
    "Subscription ID,Customer ID,Customer Email,Current Plan,Status,MRR,Currency,"
    "Started At,Canceled On\n"
    "sub1,cus1,a@x.io,Starter,Active,29.00,USD,2024-01-15 10:00,\n"
    "sub2,cus2,b@x.io,Pro,Cancelled,99.00,USD,2024-01-20 10:00,2024-04-20 10:00\n"
    "sub3,cus3,c@x.io,Starter,Active,29.00,USD,2024-02-03 10:00,\n"
    "sub4,cus4,d@x.io,Pro,Active,99.00,USD,2024-03-01 10:00,\n"
    "sub5,cus5,e@x.io,Starter,Cancelled,29.00,USD,2024-02-10 10:00,2024-05-10 10:00\n"
)


def _run(*args: object, lang: str = "en") -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(CLV), *map(str, args)], capture_output=True, text=True,
                          timeout=300, env={"PATH": "/usr/bin:/bin", "CLV_LANG": lang,
                                            "COLUMNS": "200"})
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    return done


def test_saas_takes_the_columns_named(tmp_path):
    path = tmp_path / "subscriptions.csv"
    path.write_text(CHARGEBEE, encoding="utf-8")
    done = _run("saas", path, "--customer", "Customer ID", "--start", "Started At",
                "--end", "Canceled On", "--by", "Current Plan", "--as-of", "2024-06-30",
                "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    # 'Canceled On' is now found by its name (it was refused: "--end COLUMN")
    found = _run("saas", path, "--by", "Current Plan", "--as-of", "2024-06-30", "--json")
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["months"] == out["months"]
    months = {m["month"][:7]: m for m in out["months"]}
    # MRR at the end of March: the four subscriptions started by then, none ended
    assert months["2024-03"]["mrr"] == 29 + 99 + 29 + 99 + 29
    assert months["2024-05"]["mrr"] == 29 + 29 + 99  # sub2 ended in April, sub5 in May
    plans = {p["Current Plan"]: p for p in out["plans"]}
    assert plans["Pro"]["subscriptions"] == 2 and plans["Starter"]["subscriptions"] == 3


def test_saas_says_a_missing_column_without_claiming_it_was_given(tmp_path):
    path = tmp_path / "subs.csv"
    path.write_text("customer,start,end,price\na,2024-01-01,,10\nb,2024-01-05,2024-03-01,10\n",
                    encoding="utf-8")
    done = _run("saas", path)
    assert done.returncode == 2
    assert "given" not in done.stderr and "--mrr COLUMN" in done.stderr, done.stderr
    assert "customer, start, end, price" in done.stderr
    french = _run("saas", path, lang="fr")
    assert "aucune colonne de revenu mensuel" in french.stderr, french.stderr


def test_a_table_where_nobody_has_left_yet_is_read(tmp_path):
    """Every subscription still active (the end column empty on every row: no dropout yet)
    was refused: "column 'end': no date format reads the values (e.g. '')"."""
    path = tmp_path / "subs.csv"
    rows = [f"c{i},2024-0{1 + i % 5}-{1 + i:02d},,{10 + 5 * (i % 3)}" for i in range(12)]
    path.write_text("customer,start,end,mrr\n" + "\n".join(rows) + "\n", encoding="utf-8")
    done = _run("saas", path, "--as-of", "2024-06-30", "--json")
    assert done.returncode == 0, done.stderr
    months = {m["month"][:7]: m for m in json.loads(done.stdout)["months"]}
    assert months["2024-06"]["customers"] == 12 and months["2024-06"]["customer_churn"] == 0
