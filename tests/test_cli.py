import json
import os
import subprocess
import sys

import polars as pl
import pytest


def clv(*args, check=True):
    # English whatever the machine's locale (a French LANG would make clv speak French)
    proc = subprocess.run([sys.executable, "-m", "clv", *map(str, args)], capture_output=True,
                          text=True, timeout=120, env={**os.environ, "CLV_LANG": "en"})
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


@pytest.fixture
def orders(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("Client;Date;Montant\na;01/03/2024;12,50 €\na;15/03/2024;1.234,00 €\n"
                    "b;20/03/2024;7 €\n;21/03/2024;3 €\na;29/03/2024;-2 €\n")
    return path


def test_calc_worked_examples():
    assert "1,560.00" in clv("calc", "generic", "--value", 3, "--frequency", 260,
                             "--lifespan", 2).stdout
    out = json.loads(clv("calc", "saas-churn", "--mrr", 100, "--churn", 0.05, "--json").stdout)
    assert out["value"] == pytest.approx(2000.0)
    out = json.loads(clv("calc", "ratio", "--ltv", 1200, "--cac", 300, "--json").stdout)
    assert out["level"] == "healthy" and out["value"] == pytest.approx(4.0)
    for args in (["service", "--yearly-revenue", 600, "--years", 5, "--margin", 0.6],
                 ["ecommerce", "--basket", 65, "--purchases", 10, "--shipping", 5],
                 ["saas-lifetime", "--mrr", 50, "--months", 24],
                 ["discounted", "--margin-per-period", 100, "--retention", 0.8,
                  "--discount-rate", 0.1],
                 ["max-cac", "--ltv", 1200], ["payback", "--cac", 300, "--mrr", 100]):
        assert json.loads(clv("calc", *args, "--json").stdout)["value"] >= 0


def test_calc_bad_input_exits_2_with_one_sentence():
    proc = clv("calc", "saas-churn", "--mrr", 100, "--churn", 0, check=False)
    assert proc.returncode == 2
    assert "monthly_churn must be in (0, 1]" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_summary_json_and_output(orders, tmp_path):
    out_file = tmp_path / "summary.parquet"
    proc = clv("summary", orders, "--unit", "day", "-o", out_file, "--json")
    result = json.loads(proc.stdout)
    assert result["data"]["rows_read"] == 5
    assert result["data"]["exclusions"][0]["reason"] == "missing customer id"
    assert result["data"]["mapping"] == {"customer_id": "Client", "timestamp": "Date",
                                         "amount": "Montant"}
    assert result["summary"]["customers"] == 2 and result["summary"]["unit"] == "day"
    assert result["stats"]["repeat_buyers"] == 1
    assert out_file.exists()


def test_summary_table_shows_mapping_and_issues(orders):
    text = clv("summary", orders, "--calibration-end", "2024-03-16").stdout
    assert "Montant" in text and "missing customer id" in text and "holdout" in text


def test_check_and_strict_mode(orders):
    assert "Excluded rows" in clv("check", orders).stdout
    proc = clv("check", orders, "--strict", check=False)
    assert proc.returncode == 2
    assert "orders.csv, row 5, column 'Client': missing customer id" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_user_errors_exit_2(orders, tmp_path):
    for args in (["summary", tmp_path / "missing.csv"],
                 ["summary", orders, "--customer", "nobody"],
                 ["summary", orders, "--refunds", "error"],
                 ["summary", orders, "--unit", "fortnight"],
                 ["summary", orders, "--refunds", "sometimes"]):
        proc = clv(*args, check=False)
        assert proc.returncode == 2, (args, proc.stderr)
        assert "Traceback" not in proc.stderr
        assert proc.stderr.strip()


def test_ambiguous_dates_ask_for_a_format(tmp_path):
    path = tmp_path / "amb.csv"
    path.write_text("customer,date,amount\na,01/02/2024,3\nb,03/04/2024,4\n")
    proc = clv("summary", path, check=False)
    assert proc.returncode == 2 and "--date-format" in proc.stderr
    assert clv("summary", path, "--date-format", "dmy", "--json").returncode == 0


def test_demo_json(tmp_path):
    target = tmp_path / "tour.html"
    result = json.loads(clv("demo", "--customers", 3000, "--report", target, "--json").stdout)
    assert result["overall"]["customers"] == 3000
    assert result["data"]["balanced"]
    assert {c["channel"] for c in result["channels"]} >= {"referral", "paid_social"}
    assert result["report"] == str(target) and target.stat().st_size > 10_000
    assert result["kpis"]["customers"] == 3000 and "ltv_cac" in result["kpis"]


def test_database_url_and_reading_options(tmp_path):
    import sqlite3

    db = tmp_path / "shop.db"
    con = sqlite3.connect(db)
    con.execute("create table orders (client text, jour text, montant text)")
    con.executemany("insert into orders values (?, ?, ?)",
                    [("a", "2024-03-01 23:30:00", "1,234"), ("a", "2024-03-15 10:00:00", "2,000"),
                     ("b", "2024-03-20 10:00:00", "7,000")])
    con.commit()
    con.close()
    url = f"sqlite:///{db}"
    result = json.loads(clv("check", url, "--table", "orders", "--customer", "client", "--date",
                            "jour", "--amount", "montant", "--decimal", ",", "--json").stdout)
    assert result["rows_kept"] == 3
    assert result["amount_kept"] == pytest.approx(1.234 + 2.0 + 7.0)
    # stamps written in UTC: 23:30 on 1 March is already 2 March in Paris
    first = {}
    for zone in ("UTC", "Europe/Paris"):
        out_csv = tmp_path / f"{zone.replace('/', '_')}.csv"
        clv("summary", url, "--table", "orders", "--customer", "client", "--date", "jour",
            "--amount", "montant", "--timezone", zone, "--source-timezone", "UTC",
            "--unit", "day", "-o", out_csv)
        first[zone] = pl.read_csv(out_csv).filter(customer_id="a")["first_purchase"][0]
    assert first == {"UTC": "2024-03-01", "Europe/Paris": "2024-03-02"}
    proc = clv("check", url, "--table", "orders", "--timezone", "Mars/Olympus", check=False)
    assert proc.returncode == 2 and "not a time zone" in proc.stderr


@pytest.fixture(scope="module")
def shop_csv(tmp_path_factory):
    from clv import sample_saas, sample_shop

    folder = tmp_path_factory.mktemp("models")
    sample_shop(3000, seed=1).transactions.write_csv(folder / "shop.csv")
    sample_saas(3000, seed=1).subscriptions.write_csv(folder / "subs.csv")
    return folder


def test_fit_every_model_kind(shop_csv, reference_data, tmp_path):
    out = json.loads(clv("fit", shop_csv / "shop.csv", "--model", "mbgnbd", "--json",
                         "-o", tmp_path / "m.json").stdout)
    assert out["models"][0]["model"] == "MBG/NBD" and out["models"][0]["unit"] == "week"
    assert out["data"]["rows_kept"] > 0 and out["data"]["balanced"]  # the data report too
    assert json.loads((tmp_path / "m.json").read_text())["model"] == "MBG/NBD"
    assert "rows read" in clv("fit", shop_csv / "shop.csv", "--model", "bgnbd").stdout
    gg = json.loads(clv("fit", shop_csv / "shop.csv", "--model", "gg", "--json").stdout)
    assert set(gg["models"][0]["params"]) == {"p", "q", "gamma"}
    bgbb = json.loads(clv("fit", reference_data / "donations.csv", "--model", "bgbb",
                          "--json").stdout)
    assert bgbb["models"][0]["params"]["alpha"] == pytest.approx(1.204, rel=1e-3)
    assert "data" not in bgbb  # patterns are not transactions
    sbg = json.loads(clv("fit", shop_csv / "subs.csv", "--model", "sbg", "--by", "plan",
                         "--as-of", "2026-01-01", "--json").stdout)
    assert {m["group"] for m in sbg["models"]} == {"basic", "pro", "business"}
    assert all(m["unit"] == "month" for m in sbg["models"])
    bad = clv("fit", shop_csv / "shop.csv", "--model", "nope", check=False)
    assert bad.returncode == 2 and "--model must be one of" in bad.stderr


def test_predict_writes_per_customer_values(shop_csv, tmp_path):
    path = tmp_path / "pred.csv"
    out = json.loads(clv("predict", shop_csv / "shop.csv", "--horizon", 12, "--horizon-unit",
                         "month", "--margin", 0.3, "--discount-rate", 0.1, "--interval", 0.9,
                         "--draws", 30, "-o", path, "--json").stdout)
    frame = pl.read_csv(path)
    assert frame.height == out["customers"] == 3000
    assert frame["clv"].sum() == pytest.approx(out["total"]["clv"])
    assert out["total"]["lower"] < out["total"]["clv"] < out["total"]["upper"]
    assert {"p_alive", "expected_purchases", "expected_spend", "clv_lower"} <= set(frame.columns)
    text = clv("predict", shop_csv / "shop.csv", "--horizon", 6).stdout
    assert "Top customers by future value" in text
    assert "Future value of the base (next 6 months), 3,000 customers" in text


def test_evaluate_prints_the_scorecard(reference_data):
    args = (reference_data / "CDNOW_sample.txt", "--customer", "column_1", "--date", "column_3",
            "--amount", "column_5", "--calibration-end", "1997-09-30", "--observation-end",
            "1998-06-30")
    text = clv("evaluate", *args).stdout
    assert "Holdout scorecard" in text and "naive" in text and "Best:" in text
    assert "rows read" in text and "column_5" in text  # the data report, as elsewhere
    out = json.loads(clv("evaluate", *args, "--models", "bgnbd", "--json").stdout)
    assert [r["model"] for r in out["scorecard"]] == ["BG/NBD", "naive"]
    assert out["data"]["mapping"]["amount"] == "column_5"
    assert out["best"] == "bgnbd" and len(out["tracking"]) == 78


@pytest.fixture(scope="module")
def shop_files(tmp_path_factory):
    from clv import sample_saas, sample_shop

    root = tmp_path_factory.mktemp("decisions")
    shop = sample_shop(3_000, seed=4)
    shop.transactions.write_csv(root / "shop.csv")
    shop.spend.write_csv(root / "spend.csv")
    shop.customers.select("customer_id", "channel").write_csv(root / "customers.csv")
    sample_saas(2_000, seed=2).subscriptions.write_csv(root / "subs.csv")
    return root


def test_decision_commands_json(shop_files):
    f = shop_files
    seg = json.loads(clv("segments", f / "shop.csv", "--margin", 0.3, "--customers",
                         f / "customers.csv", "--by", "channel", "--json").stdout)
    assert len(seg["customers"]) == 3_000 and len(seg["by_channel"]) == 6
    assert {"historical", "predicted"} <= set(seg["basis"])
    coh = json.loads(clv("cohorts", f / "shop.csv", "--period", "quarter", "--json").stdout)
    assert coh["table"][0]["retention"] == 1.0 and coh["curve"][0]["months"] == 1
    ch = json.loads(clv("channels", f / "shop.csv", "--spend", f / "spend.csv", "--margin",
                        0.3, "--json").stdout)
    assert {r["channel"] for r in ch["channels"]} >= {"referral", "paid_social"}
    assert all(r["cac"] > 0 for r in ch["channels"])
    tim = json.loads(clv("timing", f / "shop.csv", "--min-customers", 5, "--json").stdout)
    assert any(r["product_a"] == "trousers" and r["product_b"] == "belt" for r in tim["pairs"])
    what = json.loads(clv("whatif", f / "shop.csv", "--retention", "+5%", "--margin", 0.3,
                          "--cac", 30, "--json").stdout)
    assert what["levers"]["retention"] == pytest.approx(0.05)
    figures = {r["figure"]: r for r in what["figures"]}
    assert figures["total_clv"]["scenario"] > figures["total_clv"]["base"]
    saas = json.loads(clv("saas", f / "subs.csv", "--margin", 0.8, "--json").stdout)
    assert {r["plan"] for r in saas["plans"]} == {"basic", "pro", "business"}
    assert saas["months"][1]["mrr"] == pytest.approx(
        saas["months"][0]["mrr"] + saas["months"][1]["net_new_mrr"])


def test_decision_commands_export_and_errors(shop_files, tmp_path):
    f = shop_files
    for suffix in ("csv", "parquet", "xlsx"):
        target = tmp_path / f"channels.{suffix}"
        text = clv("channels", f / "shop.csv", "--spend", f / "spend.csv", "-o", target).stdout
        assert target.exists() and "Acquisition channels" in text
    assert pl.read_parquet(tmp_path / "channels.parquet").height == 6
    clv("timing", f / "shop.csv", "--next-output", tmp_path / "next.csv")
    assert pl.read_csv(tmp_path / "next.csv").height == 3_000
    bad = clv("whatif", f / "shop.csv", "--retention", "lots", check=False)
    assert bad.returncode == 2 and "--retention must be a change" in bad.stderr
    (tmp_path / "spend.csv").write_text("channel,month,spend\nads,2024-01-01,-5\n")
    bad = clv("channels", f / "shop.csv", "--spend", tmp_path / "spend.csv", check=False)
    assert bad.returncode == 2 and "row 2, column 'spend'" in bad.stderr
    bad = clv("cohorts", f / "shop.csv", "--period", "day", check=False)
    assert bad.returncode == 2 and "period" in bad.stderr


def test_analyze_command(shop_files):
    f = shop_files
    out = json.loads(clv("analyze", f / "shop.csv", "--spend", f / "spend.csv",
                         "--subscriptions", f / "subs.csv", "--margin", 0.3, "--json").stdout)
    assert out["kpis"]["customers"] == 3_000 and out["kpis"]["ltv_cac"] > 0
    assert {"data", "models", "value", "levers"} <= set(out["seconds"])
    assert out["scorecard"] and "mrr" in out["kpis"]
    text = clv("analyze", f / "shop.csv").stdout
    assert "Headline figures" in text and "Future value per customer (next 12 months)" in text


def test_report_command(shop_files, tmp_path):
    f = shop_files
    target = tmp_path / "report.html"
    text = clv("report", f / "shop.csv", "--spend", f / "spend.csv", "--margin", 0.3,
               "--lang", "fr", "-o", target).stdout
    # --lang is the language of the report and of what the command prints
    assert "Rapport écrit dans" in text and "Synthèse" in target.read_text(encoding="utf-8")
    bad = clv("report", f / "shop.csv", "--lang", "de", "-o", target, check=False)
    assert bad.returncode == 2 and "--lang" in bad.stderr


def test_history_and_score_commands(shop_files, tmp_path):
    f = shop_files
    url = f"sqlite:///{tmp_path / 'h.db'}"
    assert "No analysis saved" in clv("history", "--db", url).stdout
    for _ in range(2):
        out = json.loads(clv("analyze", f / "shop.csv", "--save", "--db", url, "--json").stdout)
        assert out["kpis"]["analysis_id"] >= 1
    hist = json.loads(clv("history", "--db", url, "--json").stdout)["history"]
    assert len(hist) == 2 and hist[1]["predicted_clv_change"] == pytest.approx(0.0, abs=1e-9)
    assert "History of analyses" in clv("history", "--db", url).stdout
    text = clv("score", f / "shop.csv", "--to", url, "--scores-table", "scores").stdout
    assert "3,000 customer scores written" in text
    text = clv("score", f / "shop.csv", "--to", f"{url}/named_in_url").stdout
    assert "3,000 customer scores written to table named_in_url" in text


def test_reading_options_reach_the_reader(tmp_path):
    path = tmp_path / "lines.csv"
    path.write_text("inv;item;qty;unit;cust;day\n1;A;2;3,50;x;2024-01-02\n"
                    "1;B;1;10,00;x;2024-01-02\n2;A;1;3,50;y;2024-02-03\n"
                    "3;C;4;1,25;x;2024-03-04\n3;C;4;1,25;x;2024-03-04\n")
    base = ("check", path, "--customer", "cust", "--date", "day", "--quantity", "qty",
            "--price", "unit", "--decimal", ",", "--json")
    out = json.loads(clv(*base, "--order-id", "inv", "--product", "item").stdout)
    assert out["mapping"] == {"customer_id": "cust", "timestamp": "day", "order_id": "inv",
                              "product": "item", "quantity": "qty", "price": "unit"}
    assert out["rows_kept"] == 4 and out["amount_kept"] == pytest.approx(25.5)  # 2 x 3.50 ...
    # identical rows without an order id: kept and reported (auto, keep) or dropped (drop)
    assert json.loads(clv(*base, "--duplicates", "keep").stdout)["rows_kept"] == 5
    assert json.loads(clv(*base, "--duplicates", "drop").stdout)["rows_kept"] == 4
    latin = tmp_path / "latin.csv"
    latin.write_bytes("customer,date,amount\nJosé,2024-01-02,3\n".encode("cp1252"))
    out = json.loads(clv("summary", latin, "--encoding", "cp1252", "--json").stdout)
    assert out["summary"]["customers"] == 1
    # a column the reader cannot find: the option that names it
    bad = clv("check", path, "--customer", "cust", "--date", "day", check=False)
    assert bad.returncode == 2 and "--amount" in bad.stderr


def test_brackets_are_shown_as_written(tmp_path):
    proc = clv("check", tmp_path / "orders[2024].csv", check=False)
    assert proc.returncode == 2 and "orders[2024].csv" in proc.stderr
    text = clv("calc", "ratio", "--ltv", 100, "--cac", 50).stdout
    assert "LTV:CAC" in text


@pytest.fixture(scope="module")
def regions_csv(tmp_path_factory):
    from clv import sample_shop

    path = tmp_path_factory.mktemp("regions") / "shop.csv"
    tx = sample_shop(400, seed=5).transactions
    odd = pl.col("customer_id").str.slice(-1).cast(pl.Int32) % 2 == 1
    tx.with_columns(region=pl.when(odd).then(pl.lit("[south]")).otherwise(pl.lit("north"))
                    ).write_csv(path)
    return path


def test_segments_by_a_column_of_the_transactions(regions_csv):
    # a column the reader does not map, then a mapped one, without --customers
    out = json.loads(clv("segments", regions_csv, "--by", "region", "--json").stdout)
    assert {r["region"] for r in out["by_region"]} == {"north", "[south]"}
    assert sum(r["customers"] for r in out["by_region"]) == 400
    out = json.loads(clv("segments", regions_csv, "--by", "channel", "--json").stdout)
    assert sum(r["customers"] for r in out["by_channel"]) == 400
    text = clv("segments", regions_csv, "--by", "region").stdout
    assert "[south]" in text  # a value is never read as Rich markup
    bad = clv("segments", regions_csv, "--by", "Region", check=False)
    assert bad.returncode == 2 and "columns are:" in bad.stderr and "region" in bad.stderr


def test_a_customers_table_matching_nobody_is_said(tmp_path):
    """Float ids in the customers table join integer ids of the orders; ids written another
    way are a note, not silence."""
    from clv.datasets import sample_shop

    shop = sample_shop(400, seed=8, line_items=True)
    orders = tmp_path / "lines.csv"
    shop.transactions.write_csv(orders)
    attrs = shop.customers.select(pl.col("customer_id").cast(pl.Float64), "channel")
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    attrs.write_csv(good)
    attrs.with_columns(("X" + pl.col("customer_id").cast(pl.String)).alias("customer_id")
                       ).write_csv(bad)
    out = json.loads(clv("segments", orders, "--customers", good, "--by", "channel",
                         "--json").stdout)
    assert "notes" not in out and {r["channel"] for r in out["by_channel"]} == \
        set(shop.customers["channel"])
    out = clv("segments", orders, "--customers", bad, "--by", "channel").stdout
    assert "none of the" in out and "is a customer of the transactions" in out


def test_decision_commands_on_a_shop_of_one_time_buyers(tmp_path):
    """Nobody bought twice: segments and what-if fall back on the NBD and the mean spend, as
    analyze does, and say so; timing says why it has no cross-sell window."""
    path = tmp_path / "once.csv"
    pl.DataFrame({"customer": [f"c{i}" for i in range(60)],
                  "date": [f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}" for i in range(60)],
                  "amount": [10.0 + i for i in range(60)],
                  "product": ["a", "b", "c"] * 20}).write_csv(path)
    out = " ".join(clv("segments", path).stdout.split())
    assert "no purchase model could be fitted" in out and "mean spend" in out
    assert clv("whatif", path, "--retention", "+5%").returncode == 0
    run = clv("timing", path, check=False)
    assert "Traceback" not in run.stderr


def test_reading_errors_name_the_file_and_the_option(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("customer,date,amount\nZoë,2024-01-01,5\n".encode("latin-1"))
    run = clv("check", path, "--encoding", "utf-8", check=False)
    assert run.returncode == 2 and "latin1.csv, row 2" in run.stderr
    assert "--encoding 'cp1252'" in run.stderr
    run = clv("predict", path, "--interval", "90", check=False)
    assert run.returncode == 2 and "--interval" in run.stderr


def test_predict_on_degenerate_shops_falls_back_and_says_so(tmp_path):
    """One-time buyers only: the NBD and the mean spend, with their notes, exit 0; nobody
    bought twice, so no prediction is possible: said, and the total null (it was ~0)."""
    path = tmp_path / "once.csv"
    pl.DataFrame({"customer": [f"c{i}" for i in range(40)],
                  "date": [f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}" for i in range(40)],
                  "amount": [10.0 + i for i in range(40)]}).write_csv(path)
    out = json.loads(clv("predict", path, "--interval", "0.9", "--json").stdout)
    assert out["spend"]["model"] == "mean spend per purchase"
    assert any("no purchase model could be fitted" in n for n in out["notes"])
    assert out["no_prediction"] == "no_prediction_repeat" and out["total"]["clv"] is None
    assert any(n.startswith("no prediction possible") for n in out["notes"])


def test_csv_outputs_never_hold_a_cell_a_spreadsheet_would_run(tmp_path):
    """Ids and names from the data that start like a formula (=, +, -, @) are written as text
    (a leading apostrophe); numbers, negative ones included, stay numbers."""
    from clv.export import spreadsheet_safe

    frame = pl.DataFrame({"id": ["=1+1", "+A", "-B", "@SUM(A1)", "plain", None],
                          "clv": [-1.5, 2.0, 3.0, 4.0, 5.0, 6.0]})
    safe = spreadsheet_safe(frame)
    assert safe["id"].to_list() == ["'=1+1", "'+A", "'-B", "'@SUM(A1)", "plain", None]
    assert safe["clv"].to_list() == frame["clv"].to_list()
    path = tmp_path / "orders.csv"
    rows = [(f"=HYPERLINK(\"http://x\";\"{i}\")" if i == 0 else f"c{i}", f"2024-0{1 + i % 6}-1{i}",
             10.0 + i) for i in range(8)] * 2
    pl.DataFrame(rows, schema=["customer", "date", "amount"], orient="row").write_csv(path)
    out = tmp_path / "p.csv"
    clv("predict", path, "-o", out)
    assert "'=HYPERLINK" in out.read_text() and "\n=HYPERLINK" not in out.read_text()


VALUING = ("predict", "segments", "cohorts", "channels", "whatif", "analyze", "report", "score")


def test_every_command_that_values_customers_takes_the_settings_defaults():
    """One set of options with the defaults of clv.valuation.Settings on every command that
    values customers (they were 0% or 10% discount, 12 or 24 months, BG/NBD or auto, by
    command), and clv.defaults is what Settings holds."""
    import dataclasses

    import typer

    from clv import defaults as D
    from clv.acquisition import TARGET_RATIO
    from clv.cli import app
    from clv.store import DEFAULT_URL
    from clv.valuation import Settings

    settings = Settings()
    assert (settings.unit, settings.model, settings.models, settings.horizon,
            settings.horizon_unit, settings.margin, settings.discount_rate, settings.level,
            settings.draws, settings.period, settings.next_days) == (
        D.UNIT, D.MODEL, D.CANDIDATES, D.HORIZON, D.HORIZON_UNIT, D.MARGIN, D.DISCOUNT_RATE,
        D.LEVEL, D.DRAWS, D.PERIOD, D.NEXT_DAYS)
    assert (DEFAULT_URL, TARGET_RATIO) == (D.HISTORY_URL, D.TARGET_RATIO)
    fields = {f.name: f.default for f in dataclasses.fields(Settings)}
    commands = typer.main.get_command(app).commands
    for name in VALUING:
        defaults = {p.name: p.default for p in commands[name].params}
        for option in ("model", "unit", "horizon", "horizon_unit", "margin", "discount_rate",
                       "calibration_end", "observation_end", "midpoint", "level", "draws"):
            assert defaults[option] == fields[option], (name, option)
        assert defaults["currency"] is None  # Settings.currency: the data's, by default
    timing = {p.name: p.default for p in commands["timing"].params}
    assert (timing["model"], timing["unit"], timing["days"]) == (
        fields["model"], fields["unit"], fields["next_days"])


def test_settings_out_of_range_name_their_option(shop_csv):
    for args, words in ((["--margin", "1.5"], "--margin must be in (0, 1]"),
                        (["--discount-rate", "-0.1"], "--discount-rate must be"),
                        (["--draws", "5"], "--draws must be between 20"),
                        (["--level", "2"], "--level must be in (0, 1)"),
                        (["--currency", "euro"], "--currency must be a three-letter code"),
                        (["--calibration-end", "soon"], "--calibration-end must be a date")):
        proc = clv("segments", shop_csv / "shop.csv", *args, check=False)
        assert proc.returncode == 2 and words in proc.stderr, (args, proc.stderr)


def test_the_command_line_starts_without_the_models():
    """clv --help and clv calc import neither the models nor scipy (the cold start of issue
    15: a third of a second at most; bench/bench_cold.py measures it)."""
    code = ("import sys\n"
            "sys.argv = ['clv', *sys.argv[1:]]\n"
            "import clv.cli\n"
            "try:\n    clv.cli.main()\nexcept SystemExit:\n    pass\n"
            "heavy = ('scipy', 'clv.models', 'clv.valuation', 'clv.pipeline', 'rich.table')\n"
            "print([m for m in heavy if m in sys.modules], file=sys.stderr)\n")
    for args in (["--help"], ["calc", "ratio", "--ltv", "100", "--cac", "20"]):
        proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True,
                              text=True, timeout=60)
        assert proc.returncode == 0 and proc.stderr.strip() == "[]", (args, proc.stderr)


def test_currency_is_the_currency_of_the_figures(tmp_path):
    """--currency keeps the rows in that currency and is the currency the figures carry."""
    path = tmp_path / "money.csv"
    rows = [(f"c{i % 30}", f"2024-{1 + i % 12:02d}-{1 + i % 27:02d}",
             f"{10 + i % 17},50 {'€' if i % 5 else '$'}") for i in range(300)]
    path.write_text("customer;date;amount\n" + "\n".join(";".join(r) for r in rows) + "\n",
                    encoding="utf-8")
    out = json.loads(clv("predict", path, "--currency", "usd", "--draws", 20, "--json",
                         "-o", tmp_path / "p.csv").stdout)
    assert out["currency"] == "USD" and out["settings"]["currency"] == "USD"
    assert out["customers"] == 6  # those with rows in dollars (every fifth row)
