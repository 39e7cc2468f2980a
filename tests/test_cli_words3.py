"""What the installed ``clv`` script shows, from a new user's third trial: customer ids in full
at a terminal of 80 columns (they are copied into a CRM), French words instead of the internal
names of the fields, singular counts, no '-0.00', and a column not found named with its own
option."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

import clv

CLV = Path(sys.executable).parent / "clv"


def run(*args: str, lang: str = "en", columns: int = 80) -> subprocess.CompletedProcess[str]:
    if not CLV.exists():
        pytest.skip(f"the clv console script is not installed next to {sys.executable}")
    env = {**os.environ, "CLV_LANG": lang, "COLUMNS": str(columns)}
    return subprocess.run([str(CLV), *args], capture_output=True, text=True, timeout=600,
                          env=env)


def one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def emails(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The sample shop, its customers named by 40-character emails."""
    shop = clv.sample_shop(n_customers=600, seed=3).transactions
    ids = shop["customer_id"].unique().sort().to_list()
    long = {c: f"firstname.lastname.{c.lower()}@example.com".rjust(40, "x") for c in ids}
    assert all(len(v) == 40 for v in long.values())
    path = tmp_path_factory.mktemp("emails") / "emails.csv"
    shop.with_columns(pl.col("customer_id").replace_strict(long)).write_csv(path)
    return path, list(long.values())


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("shop") / "shop.csv"
    clv.sample_shop(n_customers=600, seed=3).transactions.write_csv(path)
    return path


@pytest.mark.parametrize("command", [["predict"], ["timing"]])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_long_ids_are_shown_in_full_at_80_columns(emails, command, lang):
    path, ids = emails
    done = run(*command, str(path), lang=lang)
    assert done.returncode == 0, done.stderr
    shown = [i for i in ids if i in done.stdout]
    assert len(shown) >= 10  # the top customers, each id whole on one line
    assert "…" not in done.stdout
    assert max(len(line) for line in done.stdout.splitlines()) <= 80
    # every figure of the table is still shown: each part carries the id and some columns
    if command == ["predict"]:
        lines = [line for line in done.stdout.splitlines() if shown[0] in line]
        assert len(lines) >= 2
        cells = [c.strip() for line in lines for c in line.split(shown[0])[1].split("│")]
        assert len([c for c in cells if re.search(r"\d", c)]) == 6  # repeat purchases ... LTV


SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")


@pytest.mark.parametrize("command", [
    ["check"], ["summary"], ["fit"], ["predict"], ["segments"], ["timing"], ["whatif"],
    ["cohorts"], ["evaluate", "--calibration-end", "2025-06-30"]])
def test_french_outputs_show_no_internal_names(shop, command):
    """In French, no field's internal name (customer_id, p_alive, revenue_to_date...) is shown
    as a heading or a label: the file's own column names (quoted) and values (channels such as
    paid_search) are the user's and stay as written."""
    done = run(command[0], str(shop), *command[1:], lang="fr", columns=100)
    assert done.returncode == 0, done.stderr
    frame = pl.read_csv(shop)
    theirs = set(frame.columns) | set(frame["channel"].unique().to_list()) \
        | set(frame["product"].unique().to_list())
    text = re.sub(r"'[^']*'|«[^»]*»", "", done.stdout + done.stderr)
    shown = set(SNAKE.findall(text)) - theirs
    assert not shown, (shown, done.stdout)
    if command == ["check"]:
        assert "identifiant client <- 'customer_id'" in one_line(done.stdout)
        assert "montant <- 'amount'" in one_line(done.stdout)


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("command", ["check", "summary", "predict", "segments", "timing"])
def test_counts_of_one_are_singular(tmp_path, lang, command):
    """One customer, one row excluded, one refund: every count of one in the singular."""
    path = tmp_path / "one.csv"
    path.write_text("customer_id,date,amount,product\na,2024-01-01,10.00,x\n"
                    "a,2024-02-01,20.00,y\na,2024-03-05,15.00,x\na,2024-03-06,-5.00,x\n"
                    ",2024-03-07,9.00,x\n", encoding="utf-8")
    done = run(command, str(path), lang=lang)
    said = one_line(done.stdout + done.stderr)
    assert "Traceback" not in said
    plural = {"en": r"\b1 (customers|rows|refunds|purchases|repeat buyers)\b",
              "fr": r"(?<![\d,])[01] (clients|lignes|remboursements|achats|exclues)\b"}[lang]
    assert not re.search(plural, said), said
    assert not re.search(r"\b1 (sur|of) 1 (clients|customers)\b", said)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_total_that_rounds_to_zero_has_no_minus_sign(tmp_path, lang):
    """0.30 - 0.10 - 0.20 is -2.8e-17 in floating point: it was written '-0.00' ('lus -0,00')
    and the refunds' note said 'total -0'."""
    path = tmp_path / "negzero.csv"
    path.write_text("customer_id,date,amount\na,2024-01-01,0.30\nb,2024-01-02,-0.10\n"
                    "c,2024-01-03,-0.20\n", encoding="utf-8")
    done = run("check", str(path), lang=lang)
    assert done.returncode == 0, done.stderr
    said = one_line(done.stdout)
    assert {"en": "read 0.00 = kept 0.00", "fr": "lus 0,00 = conservés 0,00"}[lang] in said
    assert not re.search(r"(?<![\w.,])-0(?:[.,]0+)?(?![\d.,])", said), said


@pytest.mark.parametrize(("option", "lang"), [
    ("--date", "en"), ("--amount", "en"), ("--order-id", "en"), ("--product", "fr"),
    ("--customer", "fr"), ("--channel", "fr")])
def test_a_column_not_found_names_its_own_option_and_the_columns(shop, option, lang):
    done = run("summary", str(shop), option, "nope", lang=lang)
    said = one_line(done.stderr)
    assert done.returncode == 2 and "Traceback" not in said
    assert "nope" in said and option in said
    others = {"--date", "--amount", "--order-id", "--product", "--customer", "--channel"}
    assert not any(re.search(re.escape(o) + r"\b(?!-)", said) for o in others - {option}), said
    for column in pl.read_csv(shop).columns:
        assert column in said


def test_french_says_in_french_an_sbg_group_left_out_and_an_extra_argument(tmp_path):
    path = tmp_path / "saas.csv"
    path.write_text("customer_id,plan,start,end,mrr\nS1,basic,2024-01-01,2024-05-01,29\n"
                    "S2,business,2023-08-01,2024-05-01,299\n"
                    "S3,basic,2024-07-01,,29\n", encoding="utf-8")
    done = run("saas", str(path), lang="fr", columns=100)
    said = one_line(done.stderr)
    assert done.returncode == 0 and "Traceback" not in said, said
    assert "sBG pour plan = business laissé de côté" in said and "left out" not in said
    english = one_line(run("saas", str(path), lang="en", columns=100).stderr)
    assert "sBG for plan = business left out" in english
    done = run("history", str(path), lang="fr")
    assert done.returncode == 2
    assert "Arguments en trop inattendus" in done.stderr and "Got" not in done.stderr
