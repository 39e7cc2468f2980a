"""Usage errors of the installed ``clv`` script: every command answers a wrong option, a missing
argument, an unknown value or a missing file with one sentence on stderr and exit status 2,
never a traceback, whatever Typer/click release is installed (within pyproject's bounds)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

CLV = Path(sys.executable).parent / "clv"

# (arguments, words the message must hold); {shop} is a small transactions file, {missing} a
# file that does not exist, {tmp} a writable folder.
CASES: list[tuple[list[str], list[str]]] = [
    (["nope"], ["No such command 'nope'"]),
    (["--bogus"], ["No such option: --bogus"]),
    # reading options, shared by every command that reads transactions
    (["check", "{shop}", "--bogus"], ["No such option: --bogus", "clv check --help"]),
    (["check", "{missing}"], ["missing.csv", "no such file"]),
    (["check", "{shop}", "--duplicates", "maybe"], ["--duplicates", "'maybe'"]),
    (["check", "{shop}", "--encoding", "klingon"], ["--encoding", "klingon"]),
    (["check", "{shop}", "--encoding", "rot13"], ["--encoding", "rot13"]),
    (["check", "{shop}", "--amount", "nope"], ["'nope'", "--amount"]),
    (["check", "{shop}", "--quantity", "nope"], ["'nope'", "--quantity"]),
    (["summary"], ["Missing argument", "FILE"]),
    (["summary", "{shop}", "--unit", "fortnight"], ["--unit", "fortnight"]),
    (["summary", "{shop}", "--refunds", "maybe"], ["--refunds", "'maybe'"]),
    (["summary", "{shop}", "--decimal", ";"], ["--decimal"]),
    (["summary", "{shop}", "-o", "{tmp}/no/such/folder/s.csv"], ["no/such/folder"]),
    # models
    (["fit", "{shop}", "--model", "foo"], ["--model", "bgbb", "sbg", "'foo'"]),
    (["fit", "{missing}", "--model", "bgbb"], ["no such file"]),
    (["predict", "{shop}", "--model", "gg"], ["--model", "bgnbd", "'gg'"]),
    (["predict", "{shop}", "--horizon-unit", "fortnight"], ["--horizon-unit", "fortnight"]),
    (["predict", "{shop}", "--horizon", "soon"], ["'--horizon'"]),
    (["predict", "{shop}", "--horizon", "1200"], ["--horizon", "at most 600 months"]),
    (["report", "{shop}", "-o", "{tmp}/r.html", "--horizon", "51", "--horizon-unit", "year"],
     ["--horizon", "at most 50 years"]),
    (["whatif", "{shop}", "--horizon", "0"], ["--horizon", "more than 0"]),
    (["check", "{shop}", "--earliest", "long ago"], ["--earliest", "'long ago'"]),
    (["summary", "{shop}", "--max-amount", "-1"], ["--max-amount", "-1"]),
    (["evaluate", "{shop}"], ["Missing option", "--calibration-end"]),
    (["evaluate", "{shop}", "--calibration-end", "2025-01-01", "--models", "bgnbd,foo"],
     ["--models", "'foo'"]),
    (["demo", "--lang", "de"], ["--lang", "'de'"]),
    (["demo", "--customers", "many"], ["'--customers'"]),
    # formulas
    (["calc", "nope"], ["No such command 'nope'"]),
    (["calc", "service", "--years", "3"], ["--yearly-revenue"]),
    (["calc", "ecommerce", "--basket", "40"], ["--purchases"]),
    (["calc", "saas-churn", "--mrr", "100"], ["--churn"]),
    (["calc", "saas-lifetime", "--mrr", "100"], ["--months"]),
    (["calc", "generic", "--value", "x", "--frequency", "1", "--lifespan", "1"],
     ["'--value'"]),
    (["calc", "discounted", "--margin-per-period", "1", "--retention", "2",
      "--discount-rate", "0"], ["retention"]),
    (["calc", "ratio", "--ltv", "100"], ["--cac"]),
    (["calc", "max-cac"], ["--ltv"]),
    (["calc", "payback", "--cac", "100", "--mrr", "-5"], ["monthly_revenue"]),
    # decisions
    (["segments", "{shop}", "--by", "nope"], ["--by nope", "columns are", "region"]),
    (["segments", "{shop}", "--customers", "{missing}"], ["--customers", "no such file"]),
    (["cohorts", "{shop}", "--period", "day"], ["--period", "'day'"]),
    (["channels", "{shop}"], ["Missing option", "--spend"]),
    (["channels", "{shop}", "--spend", "{missing}"], ["--spend", "no such file"]),
    (["timing", "{shop}", "--model", "sbg"], ["--model", "'sbg'"]),
    (["whatif", "{shop}", "--retention", "lots"], ["--retention", "'lots'"]),
    (["saas", "{missing}"], ["no such file"]),
    (["saas", "{shop}", "--bogus"], ["No such option: --bogus"]),
    (["analyze", "{shop}", "--calibration-end", "soon"], ["--calibration-end", "'soon'"]),
    (["analyze", "{shop}", "--subscriptions", "{missing}"], ["--subscriptions"]),
    (["report", "{shop}"], ["Missing option", "--output"]),
    (["report", "{shop}", "-o", "{tmp}/r.html", "--lang", "de"], ["--lang", "'de'"]),
    (["history", "--bogus"], ["No such option: --bogus"]),
    (["score", "{shop}"], ["Missing option", "--to"]),
    (["serve", "--port", "abc"], ["'--port'"]),
]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    if not CLV.exists():
        pytest.skip(f"the clv console script is not installed next to {sys.executable}")
    # English whatever the machine's locale (a French LANG would make clv speak French)
    return subprocess.run([str(CLV), *args], capture_output=True, text=True, timeout=120,
                          cwd=cwd, env={**os.environ, "CLV_LANG": "en"})


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import polars as pl

    from clv import sample_shop

    root = tmp_path_factory.mktemp("usage")
    tx = sample_shop(200, seed=3).transactions
    tx.with_columns(region=pl.lit("north")).write_csv(root / "shop.csv")
    return root


@pytest.mark.parametrize(("args", "words"), CASES, ids=[" ".join(a) for a, _ in CASES])
def test_usage_error_is_one_sentence_and_status_2(folder: Path, args: list[str],
                                                  words: list[str]) -> None:
    values = {"shop": folder / "shop.csv", "missing": folder / "missing.csv", "tmp": folder}
    proc = run(*(a.format(**values) for a in args), cwd=folder)
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    assert not re.search(r"\.\s+[A-Z]", lines[0]), f"more than one sentence: {lines[0]}"
    for word in words:
        assert word in lines[0], (word, lines[0])


def test_every_command_has_a_usage_case() -> None:
    """A command added later must get its case above."""
    import typer

    from clv.cli import app

    def leaves(command, path: tuple[str, ...] = ()):
        subs = getattr(command, "commands", None)
        if not subs:
            yield path
            return
        for name, sub in subs.items():
            yield from leaves(sub, (*path, name))

    covered = {tuple(a for a in args[:2] if not a.startswith(("-", "{")))
               for args, _ in CASES}
    missing = [" ".join(p) for p in leaves(typer.main.get_command(app)) if p not in covered]
    assert not missing, f"commands without a usage-error case: {missing}"


def test_the_command_table_lists_every_command_of_the_app() -> None:
    """``main`` builds only the module of the command it runs (``clv.cli.COMMANDS``): a
    command missing from the table would be run by the whole app, slower, and one listed
    under the wrong module would not be found."""
    import typer

    from clv import cli

    group = typer.main.get_command(cli.app)
    assert set(group.commands) == set(cli.COMMANDS)  # type: ignore[attr-defined]
    for name, module in cli.COMMANDS.items():
        alone = typer.main.get_command(cli.build_app((module,)))
        assert name in alone.commands, (name, module)  # type: ignore[attr-defined]


def test_clv_calc_imports_neither_pydantic_nor_the_other_commands(tmp_path: Path) -> None:
    """``clv calc`` starts at once: it builds only the formulas' commands, and the Typer
    release within pyproject's bounds parses options without pydantic (whose import alone
    took 0.2 s, the budget of the whole start being a third of a second)."""
    probe = ("import sys, runpy\n"
             "sys.argv = ['clv', 'calc', 'ratio', '--ltv', '1200', '--cac', '300']\n"
             "from clv.cli import main\n"
             "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code\n"
             "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
             "('pydantic', 'polars', 'numpy', 'scipy') or m in ('clv.cli.analysis', "
             "'clv.cli.models', 'clv.cli.decisions', 'clv.cli.data'))\n"
             "print('HEAVY', heavy)\n")
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "CLV_LANG": "en"})
    assert proc.returncode == 0, proc.stderr
    assert "LTV:CAC = 4.00x" in proc.stdout
    assert "HEAVY []" in proc.stdout, proc.stdout


def test_the_fits_that_need_the_summary_in_order_are_named_in_the_cli() -> None:
    """``clv fit`` asks for the summary in no order, but for the models that sum its rows as
    they come (``COMPRESS`` False)."""
    from clv.cli.models import FITS_IN_ORDER
    from clv.models import ALL_MODELS

    assert set(FITS_IN_ORDER) == {k for k, m in ALL_MODELS.items() if not m.COMPRESS}


def test_help_and_no_arguments() -> None:
    for args in (["--help"], []):
        proc = run(*args)
        assert proc.returncode == 0, proc.stderr
        assert "Usage: clv" in proc.stdout and "summary" in proc.stdout
        assert "Traceback" not in proc.stderr
    proc = run("calc")
    assert proc.returncode == 0 and "saas-churn" in proc.stdout


def test_help_shows_brackets_and_only_the_models_a_command_takes() -> None:
    text = run("channels", "--help").stdout
    assert "[campaign]" in text and "[leads]" in text  # not eaten as Rich markup
    fit = " ".join(run("fit", "--help").stdout.split())
    assert all(m in fit for m in ("bgnbd", "mbgnbd", "pnbd", "gg", "bgbb", "sbg"))
    for command in ("predict", "segments", "timing"):
        text = " ".join(run(command, "--help").stdout.split())
        assert "bgnbd, mbgnbd or pnbd" in text
        assert "sbg" not in text and "bgbb" not in text, command
    reading = " ".join(run("summary", "--help").stdout.split())
    for option in ("--quantity", "--price", "--product", "--order-id", "--channel",
                   "--duplicates", "--encoding"):
        assert option in reading


def test_a_bug_is_one_line_with_a_reference_and_its_traceback_in_a_file(folder: Path) -> None:
    """Anything that is not the user's error is a bug: one line saying so, with a reference
    and the file holding the traceback, status 1 (2 is for the user's errors)."""
    code = ("import sys, clv.cli, clv.prep\n"
            "def broken(*a, **k):\n    raise KeyError('boom')\n"
            "clv.prep.rfm_summary = broken\n"
            "sys.argv = ['clv', 'summary', sys.argv[1]]\nclv.cli.main()\n")
    proc = subprocess.run([sys.executable, "-c", code, str(folder / "shop.csv")],
                          capture_output=True, text=True, timeout=120, cwd=folder,
                          env={**os.environ, "CLV_LANG": "en"})
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    line = " ".join(proc.stderr.split())
    assert line.startswith("error: internal error (KeyError)") and "reference" in line, line
    ref = re.search(r"reference ([0-9a-f]{8})", line).group(1)
    detail = Path(re.search(r"details are in (\S+?clv-error-" + ref + r"\.txt)", line).group(1))
    try:
        assert detail.stat().st_mode & 0o777 == 0o600  # the user's only
        text = detail.read_text(encoding="utf-8")
        assert "Traceback" in text and "KeyError: 'boom'" in text and "summary" in text
    finally:
        detail.unlink()


def test_an_analysis_the_history_cannot_take_is_shown_then_said_unsaved(folder: Path) -> None:
    """A store that cannot be opened (or stays locked) must not cost the analysis: the
    figures are printed, then one line says they were not saved, status 2."""
    db = f"sqlite:///{folder}/no/such/folder/history.db"
    proc = run("analyze", str(folder / "shop.csv"), "--save", "--db", db, cwd=folder)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "Headline figures" in proc.stdout and "Customers" in proc.stdout
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "was not saved to the history" in lines[0], proc.stderr


def test_earliest_and_max_amount_reach_the_reader(tmp_path: Path) -> None:
    """A placeholder date and an amount out of range are excluded by default and kept when
    the bounds are moved (--earliest none, --max-amount)."""
    path = tmp_path / "e.csv"
    path.write_text("customer,date,amount\na,1900-01-01,10\na,2024-01-02,20\n"
                    "b,2024-02-03,5e13\nb,2024-03-01,7\n")
    import json

    default = json.loads(run("check", str(path), "--json").stdout)
    assert default["rows_kept"] == 2 and default["balanced"]
    assert {e["reason"] for e in default["exclusions"]} == {
        "amount out of range", "date before 1970-01-01 (a placeholder)"}
    moved = json.loads(run("check", str(path), "--json", "--earliest", "none",
                           "--max-amount", "1e14").stdout)
    assert moved["rows_kept"] == 4 and moved["exclusions"] == []


def test_summary_written_as_csv_runs_no_formula(tmp_path: Path) -> None:
    """Every CSV clv writes escapes a text cell a spreadsheet would run (OWASP CSV
    injection): ``clv summary -o`` too (it wrote the ids raw)."""
    path = tmp_path / "f.csv"
    path.write_text('customer_id,date,amount\n"=HYPERLINK(""http://evil.example"")",2024-01-01,4'
                    "\n@SUM(1+1),2024-01-02,4\n-1+2,2024-01-03,5\n")
    proc = run("summary", str(path), "-o", str(tmp_path / "s.csv"))
    assert proc.returncode == 0, proc.stderr
    import polars as pl

    ids = pl.read_csv(tmp_path / "s.csv", infer_schema=False)["customer_id"].to_list()
    assert sorted(ids) == ["'-1+2", "'=HYPERLINK(\"http://evil.example\")", "'@SUM(1+1)"]
