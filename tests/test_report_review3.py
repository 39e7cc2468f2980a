"""The report as a French marketing user reads it (issue 16): the actions heading counts the
actions shown, every blank cell says why, model notes in plain words with the technical note
under them, one format per figure kind, and the SaaS cohort grids' future months said."""

import html as htmllib
import re

import polars as pl
import pytest

import clv
from clv.report import actions, render

LANGS = ("fr", "en")


@pytest.fixture(scope="module")
def shop():
    """Euros, a spend table without the 'email' channel's spend, subscriptions."""
    sample = clv.sample_shop(1_500, seed=11)
    spend = sample.spend.filter(pl.col("channel") != "email")
    subs = clv.datasets.sample_saas(400, seed=11).subscriptions
    return clv.analyze(sample.transactions, spend=spend, subscriptions=subs,
                       settings=clv.Settings(margin=0.3, draws=20, currency="EUR"))


@pytest.fixture(scope="module")
def pages(shop):
    return {lang: render(shop, lang) for lang in LANGS}


@pytest.fixture(scope="module")
def two():
    """No spend table and no products: no channel to invest in, no cross-sell window."""
    tx = clv.sample_shop(600, seed=5).transactions.drop("product")
    return clv.analyze(tx, settings=clv.Settings(draws=20, currency="EUR"))


@pytest.fixture(scope="module")
def one_rate():
    """Every customer buys at one rate: the purchase model runs r, alpha to their limit."""
    sample = clv.sample_shop(1_500, seed=7,
                             bgnbd={"r": 5e4, "alpha": 1e6, "a": 0.5, "b": 3.0})
    return clv.analyze(sample.transactions, spend=sample.spend, settings=clv.Settings(
        margin=0.3, draws=20, currency="EUR", model="bgnbd"))


def _text(fragment: str) -> str:
    return htmllib.unescape(re.sub(r"<[^>]+>", "", fragment))


def _section(page: str, name: str) -> str:
    return re.search(rf'<section id="{name}".*?</section>', page, re.S).group(0)


def _cells(table: str) -> list[str]:
    return [_text(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", table, re.S)]


@pytest.mark.parametrize("lang", LANGS)
def test_actions_heading_counts_the_actions_shown(two, shop, pages, lang):
    shown = actions(two, lang)
    assert len(shown) == 2  # a lever and a win-back: no channel, no cross-sell
    page = render(two, lang)
    heading = _text(re.search(r"<h3>([^<]*)</h3>\s*<ol class=\"actions\">", page).group(1))
    assert heading == {"fr": "Les deux actions qui rapportent le plus",
                       "en": "Two actions worth most"}[lang]
    assert len(re.findall(r"<li>", re.search(r'<ol class="actions">(.*?)</ol>', page,
                                             re.S).group(1))) == 2
    assert "trois" not in heading and "Three" not in heading
    full = pages[lang]
    heading = _text(re.search(r"<h3>([^<]*)</h3>\s*<ol class=\"actions\">", full).group(1))
    n = len(actions(shop, lang))
    words = {"fr": ("", "L'action", "Les deux", "Les trois"),
             "en": ("", "The action", "Two", "Three")}[lang]
    assert heading.startswith(words[n])


@pytest.mark.parametrize("lang", LANGS)
def test_channel_blanks_carry_their_reason(shop, pages, lang):
    assert shop.channels.channels.filter(pl.col("channel") == "email")["cac"].item() is None
    channels = _section(pages[lang], "channels")
    table = re.search(r"<table.*?</table>", channels, re.S).group(0)
    row = re.search(r'<tr><td class="text">email</td>(.*?)</tr>', table, re.S).group(1)
    no_spend = {"fr": "aucune dépense enregistrée", "en": "no spend recorded"}[lang]
    cells = _cells(row)
    # CAC, LTV:CAC, verdict and both paybacks: no spend to divide
    assert cells.count(no_spend) == 5, cells
    assert re.search(r'<span class="blank" title="[^"]+">' + no_spend, row)
    for cell in _cells(table):
        assert cell not in ("", "-", "–"), table
    left_out = {"fr": "Absent du graphique (aucune dépense enregistrée) : email.",
                "en": "Not in the chart (no spend recorded): email."}[lang]
    assert f'<p class="note">{left_out}</p>' in channels  # the chart draws paid channels
    summary = re.search(r'<section id="overview".*?<table.*?</table>', pages[lang], re.S)
    for cell in _cells(summary.group(0)):
        assert cell not in ("", "-", "–")


@pytest.mark.parametrize("lang", LANGS)
def test_model_notes_in_plain_words_with_the_detail_below(one_rate, lang):
    assert any(getattr(n, "key", "") == "same_rate" for n in one_rate.notes)
    quality = _section(render(one_rate, lang), "quality")
    details = re.findall(r"<details>.*?</details>", quality, re.S)
    shown = _text(re.sub(r"<details>.*?</details>", "", quality, flags=re.S))
    for jargon in ("->", " inf", "r, alpha", "alpha", "Gamma", "espace des paramètres",
                   "parameter space"):
        assert jargon not in shown, (jargon, shown)
    plain = {"fr": "tous achètent à peu près au même rythme",
             "en": "all buy at about the same rate"}[lang]
    assert plain in shown
    assert any("r -> inf, alpha -> inf" in _text(d) for d in details)
    summary = {"fr": "Détail technique", "en": "Technical detail"}[lang]
    assert all(f"<summary>{summary}</summary>" in d for d in details)
    # the rate is written the same way in the sentence and in its detail
    rate = re.search(r"(0[.,]\d+) (?:achat|purchase)", shown).group(1)
    assert any(f"({rate} " in _text(d) for d in details)


@pytest.mark.parametrize("lang", LANGS)
def test_no_table_cell_is_a_bare_blank(pages, one_rate, lang):
    """Every cell of every table of the report holds a value or the words of its reason."""
    for page in (pages[lang], render(one_rate, lang)):
        tables = re.findall(r"<table.*?</table>", page, re.S)
        assert len(tables) >= 8
        for table in tables:
            bare = [c for c in _cells(table) if c in ("", "-", "–")]
            assert not bare, table[:600]


@pytest.mark.parametrize("lang", LANGS)
def test_saas_cohort_months_not_yet_elapsed_are_said(pages, lang):
    saas = _section(pages[lang], "saas")
    not_yet = {"fr": "pas encore écoulé", "en": "not yet elapsed"}[lang]
    for grid in re.findall(r'<table class="saas-cohorts".*?</table>', saas, re.S):
        ages = len(re.findall(r"<th scope=\"col\">\d+</th>", grid))
        rows = re.findall(r"<tr><th scope=\"row\".*?</tr>", grid, re.S)
        assert rows
        for row in rows:
            cells = _cells(row)
            spans = [int(n) for n in re.findall(r'colspan="(\d+)"', row)]
            # the size, then every month shown: elapsed, or said not yet elapsed (once)
            assert len(cells) - len(spans) + sum(spans) == ages + 1, row
            assert all(c not in ("", "-", "–") for c in cells), cells
            assert len(spans) <= 1 and (not spans or cells[-1] == not_yet)
        last = _cells(rows[-1])
        assert last[2:] == [not_yet]  # the newest cohort: month 0, then the rest to come
        assert f'colspan="{ages - 1}"' in rows[-1]


@pytest.mark.parametrize("lang", LANGS)
def test_an_empty_segment_is_shown_and_says_why(lang):
    a = clv.analyze(clv.sample_shop(300, seed=3).transactions, settings=clv.Settings(draws=20))
    empty = a.segments.segments.filter(pl.col("customers") == 0)
    assert empty.height  # this sample leaves a segment empty
    segments = _section(render(a, lang), "segments")
    rows = re.findall(r"<tr>(.*?)</tr>", segments, re.S)
    assert len(rows) == a.segments.segments.height + 1  # the header and every segment
    none = {"fr": "aucun client", "en": "no customer"}[lang]
    for row in rows[1:]:
        cells = _cells(row)
        assert all(c not in ("", "-", "–") for c in cells), cells
    said = [_cells(r) for r in rows[1:] if _cells(r)[1] == "0"]
    assert len(said) == empty.height
    assert all(c[3:] == [none] * (len(c) - 3) for c in said)


AMOUNT = re.compile(r"[-+]?(?:€)?\d[\d\u202f,.]*(?:\xa0€)?")


def _amounts(text: str) -> list[str]:
    return [m for m in AMOUNT.findall(text) if "€" in m]


def _cents(amount: str) -> bool:
    return re.search(r"[.,]\d\d(?:\xa0€)?$", amount) is not None


@pytest.mark.parametrize("lang", LANGS)
def test_one_format_per_figure_kind(shop, pages, lang):
    """Totals (revenue, the base's future value and what a lever adds to it, spend, amounts
    of rows) in whole units everywhere; figures per customer (CLV, LTV, CAC, ARPA) to the
    cent everywhere."""
    page = pages[lang]
    tiles = {k: _text(v) for k, v in re.findall(
        r'data-kpi="([^"]*)">.*?<div class="value">(.*?)</div>', page, re.S)}
    for total in ("revenue", "predicted_clv_total"):
        assert _amounts(tiles[total]) and not _cents(_amounts(tiles[total])[0]), tiles[total]
    for each in ("predicted_clv", "new_customer_ltv", "blended_cac", "saas_arpa"):
        assert _cents(_amounts(tiles[each])[0]), tiles[each]
    # what a lever adds to the base: whole units, as the base itself; to a new customer's
    # LTV: cents, as that LTV
    levers = re.search(r"<h3>[^<]*</h3>\s*<p>[^<]*</p>\s*<div class=\"scroll\">(.*?)</table>",
                       _section(page, "whatif"), re.S).group(1)
    for row in re.findall(r"<tr>(.*?)</tr>", levers, re.S)[1:]:
        base, new = _cells(row)[2:4]
        assert not _cents(_amounts(base)[0]) and _cents(_amounts(new)[0]), (base, new)
    first = _text(re.search(r'<ol class="actions">\s*<li>(.*?)</li>', page, re.S).group(1))
    lever, per_customer = _amounts(first)[:2]
    assert not _cents(lever) and _cents(per_customer), first
    # spend: a total per channel and together
    channels = re.search(r"<table.*?</table>", _section(page, "channels"), re.S).group(0)
    spend = [_cells(r)[2] for r in re.findall(r"<tr[^>]*>(.*?)</tr>", channels, re.S)[1:]]
    assert spend and all(_amounts(c) and not _cents(_amounts(c)[0]) for c in spend), spend
    ltv = [_cells(r)[4] for r in re.findall(r"<tr[^>]*>(.*?)</tr>", channels, re.S)[1:]]
    assert all(_cents(_amounts(c)[0]) for c in ltv), ltv
    # the LTV of a subscriber, per plan: to the cent as every LTV
    plans = re.search(r'<table id="saas-plans">.*?</table>', page, re.S).group(0)
    for row in re.findall(r"<tr>(.*?)</tr>", plans, re.S)[1:]:
        for cell in _cells(row)[4:6]:
            assert _cents(_amounts(cell)[0]), row


def _texts(svg: str) -> list[str]:
    return [htmllib.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


def _charts(page: str) -> list[str]:
    return re.findall(r"<svg .*?</svg>", page, re.S)


@pytest.mark.parametrize("lang", LANGS)
def test_saas_legend_names_the_mrr_line(pages, lang):
    chart = re.search(r'<figure class="saas-chart">(.*?)</figure>', pages[lang], re.S).group(1)
    mrr = {"fr": "MRR à la fin du mois", "en": "MRR at the end of the month"}[lang]
    moves = {"fr": ("Nouveau", "MRR perdu"), "en": ("New", "Churned MRR")}[lang]
    texts = _texts(chart)
    assert mrr in texts, texts  # a legend entry, beside the axis title 'MRR ... (€)'
    assert all(m in texts for m in moves), texts


MONTH_WORDS = {"fr": ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août",
                      "sept.", "oct.", "nov.", "déc.", "janvier", "avril", "juillet",
                      "octobre"),
               "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                      "Nov", "Dec", "January", "April", "July", "October")}


@pytest.mark.parametrize("lang", LANGS)
def test_models_chart_names_the_year_of_every_month(shop, pages, lang):
    accuracy = _section(pages[lang], "accuracy")
    texts = _texts(_charts(accuracy)[0])
    ticks = [t for t in texts if re.fullmatch(r"\S+(?: \d{4})?|\d{4}", t)
             and (t.split(" ")[0] in MONTH_WORDS[lang] or re.fullmatch(r"\d{4}", t))]
    assert len(ticks) >= 4, texts
    assert all(re.fullmatch(r"\S+ \d{4}", t) for t in ticks), ticks  # never 'avril' alone
    first = shop.scorecard.tracking["date"].min().year
    assert any(t.endswith(str(first)) for t in ticks), (first, ticks)


def test_chart_words_inside_their_charts_and_the_overflow_label_clear(shop, pages):
    """In Chromium: no word of a chart (legend, label, axis) outside its drawing, at a wide
    and a narrow window; the histogram's '... and more' label over no bar, even when the
    last bins are taller than the overflow bar."""
    import dataclasses

    import numpy as np
    from playwright import sync_api

    from clv.report import charts
    from conftest import missing
    from webtools import CHROMIUM_ARGS, chromium_path

    path = chromium_path() or missing("no Chromium on this machine (Debian package chromium)")
    flat = dataclasses.replace(shop, value=shop.value.with_columns(pl.Series(
        "clv", np.random.default_rng(1).uniform(0, 300, shop.value.height))))
    histogram = charts.distribution(flat, "Valeur future (€)", lang="fr")
    outside = """() => { const out = [];
      document.querySelectorAll('svg[role]').forEach((s, i) => {
        const r = s.getBoundingClientRect();
        s.querySelectorAll('text').forEach(t => { const b = t.getBoundingClientRect();
          if (b.width && (b.left < r.left - 1 || b.right > r.right + 1 || b.top < r.top - 1
                          || b.bottom > r.bottom + 1)) out.push([i, t.textContent]); }); });
      return out; }"""
    overlap = """() => { const s = document.querySelector('#hist svg');
      const label = [...s.querySelectorAll('text')].find(t => t.textContent.includes('plus'));
      const l = label.getBoundingClientRect();
      return [...s.querySelectorAll('path[aria-roledescription=bar]')].filter(p => {
        const b = p.getBoundingClientRect();
        return b.height > 0 && b.left < l.right && b.right > l.left && b.top < l.bottom
               && b.bottom > l.top; }).length; }"""
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        try:
            for width in (1200, 700):
                page = browser.new_page(viewport={"width": width, "height": 900})
                for html in pages.values():
                    page.set_content(html)
                    assert page.evaluate(outside) == []
                page.set_content(f"<!doctype html><meta charset='utf-8'><div id='hist'>"
                                 f"{histogram}</div>")
                assert page.evaluate(overlap) == 0
                page.close()
        finally:
            browser.close()


LIMIT_NOTES = [
    ("at_bound", {"model": "Gamma-Gamma", "params": "q -> inf, gamma -> inf",
                  "names": "q, gamma"}, {"fr": "paniers moyens diffèrent à peine",
                                         "en": "average baskets hardly differ"}),
    ("at_bound", {"model": "Gamma-Gamma", "params": "p -> inf", "names": "p"},
     {"fr": "presque toujours du même montant", "en": "almost always the same amount"}),
    ("at_bound", {"model": "BG/NBD", "params": "a -> 0", "names": "a"},
     {"fr": "ne semblent presque pas cesser", "en": "hardly seem to stop buying"}),
    ("at_bound", {"model": "sBG", "params": "alpha -> inf", "names": "alpha"},
     {"fr": "résilient presque tous au même rythme", "en": "cancel at almost the same rate"}),
    ("same_dropout", {"model": "Pareto/NBD", "params": "s -> inf, beta -> inf",
                      "names": "s, beta", "value": 0.0123, "per": "week"},
     {"fr": "0,0123 par semaine", "en": "0.0123 per week"}),
    ("no_dropout", {"model": "BG/NBD", "params": "b -> inf", "names": "b"},
     {"fr": "aucun signe de départ", "en": "no sign of customers leaving"}),
    ("unidentified", {"model": "Pareto/NBD", "params": "s", "names": "s"},
     {"fr": "ne peut pas fixer un paramètre", "en": "cannot pin down one parameter"}),
    ("interval_capped", {"model": "BG/NBD", "params": "r, alpha", "names": "r, alpha",
                         "level": "95%"},
     {"fr": "bornent à peine deux paramètres", "en": "hardly bound two parameters"}),
    ("spend_dependence", {"r": 0.42, "limit": 0.3},
     {"fr": "dépensent plus par achat", "en": "spend more per purchase"}),
    ("no_spend_model", {"reason": "Gamma-Gamma: q = 0.8 <= 1, its mean spend per purchase is "
                                  "not finite",
                        "reason_fr": "Gamma-Gamma : q = 0,8 ≤ 1, sa dépense moyenne par achat "
                                     "n'est pas finie"},
     {"fr": "trop dispersés", "en": "too spread out"}),
    ("spend_mean_infinite", {"q": 0.8}, {"fr": "trop dispersés", "en": "too spread out"}),
]
JARGON = re.compile(r"->|\binf\b|\b(?:r|q|alpha|beta|gamma)\b|Pearson|[=≤]|"
                    r"\d(?:\.\d+)?e[+-]?\d")
"""The library's notation: limits, parameter names (but 'a', 'b', 'p', 's', words of a
sentence too), a correlation's name, formulas, huge values written as powers."""


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("key", "values", "said"), LIMIT_NOTES,
                         ids=[f"{k}-{v.get('model', '')}" for k, v, _ in LIMIT_NOTES])
def test_every_model_note_in_plain_words(key, values, said, lang):
    from clv.notes import Note
    from clv.report.text import note, plain_note

    made = Note(key, **values)
    shown = plain_note(made, lang, "EUR")
    assert said[lang] in shown["text"], shown["text"]
    plain = re.sub(r" \((?:Gamma-Gamma|BG/NBD|Pareto/NBD|sBG)\)", "", shown["text"])
    assert not JARGON.search(plain), plain
    named = [n for n in values.get("names", "").split(", ") if len(n) > 1]
    assert not any(re.search(rf"\b{n}\b", plain) for n in named), plain
    assert shown["detail"] == note(made, lang, "EUR")  # the technical note kept, below


@pytest.mark.parametrize("lang", LANGS)
def test_customers_without_a_channel_are_named_in_the_language(lang):
    """Customers without a channel (clv.acquisition.UNKNOWN) are 'Canal inconnu' / 'Channel
    not known' in the report's channel tables and chart notes, never the library's key."""
    from clv.acquisition import UNKNOWN

    sample = clv.sample_shop(800, seed=3)
    tx = sample.transactions.with_columns(
        pl.when(pl.col("customer_id").str.ends_with("7")).then(None)
        .otherwise(pl.col("channel")).alias("channel"))
    a = clv.analyze(tx, spend=sample.spend, settings=clv.Settings(margin=0.3, draws=20,
                                                                  currency="EUR"))
    assert a.channels is not None and UNKNOWN in a.channels.channels["channel"].to_list()
    page = htmllib.unescape(render(a, lang))
    assert UNKNOWN not in page
    assert {"fr": "Canal inconnu", "en": "Channel not known"}[lang] in page


def test_infinite_mean_spend_has_a_note_of_its_own_said_in_each_language():
    """Gamma-Gamma's q <= 1 is its own note, its q written as the language writes numbers,
    not a reason text made in English and French where the note was made."""
    from clv.notes import Note
    from clv.report.text import note

    made = Note("spend_mean_infinite", q=0.654321)
    assert "q = 0.654 <= 1" in str(made)
    assert "q = 0,654 \u2264 1" in note(made, "fr")
    assert "dépense moyenne par achat" in note(made, "fr")
    assert note(made, "en") == str(made)


@pytest.mark.parametrize(("currency", "en", "fr"), [
    (None, "total -4,958)", "total -4\u202f958)"),
    ("EUR", "total -€4,958)", "total -4\u202f958\u00a0€)"),
])
def test_note_totals_in_whole_units_with_or_without_a_currency(currency, en, fr):
    """A note's total is a total: whole units as the report's totals, whether the data's
    currency is known or not (it was to the cent when none was)."""
    from clv.notes import Note
    from clv.report.text import note

    made = Note("refunds", n=12, total=-4958.2)
    assert en in note(made, "en", currency), note(made, "en", currency)
    assert fr in note(made, "fr", currency), note(made, "fr", currency)
    assert "12 refunds" in note(made, "en", currency)


def test_a_log_of_one_day_says_there_is_no_retention_yet_instead_of_an_empty_chart():
    """Every purchase on one day: no cohort has an age beyond its first period. The cohorts
    section says so in words; it drew an empty heatmap whose legend read 'NaN%'."""
    import datetime as dt

    from clv.report.text import word

    frame = pl.DataFrame({
        "customer_id": [f"c{i % 40}" for i in range(90)],
        "timestamp": [dt.datetime(2025, 3, 10, 9) + dt.timedelta(minutes=i) for i in range(90)],
        "amount": [20.0 + i % 7 for i in range(90)]})
    a = clv.analyze(clv.read_transactions(frame), settings=clv.Settings(margin=0.3, draws=20))
    for lang in LANGS:
        page = render(a, lang)
        assert "NaN" not in page
        cohorts = htmllib.unescape(_section(page, "cohorts"))
        assert word("heatmap_none", lang) in cohorts and "<svg" not in cohorts
