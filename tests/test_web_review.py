"""The findings of a French user's review of the dashboard (issue 16, "Polish that users
notice" and "Charts you can use"), each checked against a real server on 127.0.0.1 and, for
what only a browser shows, in the system's Chromium:

- the what-if: every lever moves the figures its words name, in the direction they say, and
  none at 0; the levers are in the page's address (shared, reloaded, translated); a margin
  of 100% can only go down; the margin's top never passes 100%;
- the calculator takes a decimal comma (typed in Chromium too) and says, in the page's
  language, which field is not a number;
- a period filter that is not a month is said on every page, naming the filter, and applied
  nowhere;
- the notes of a model fit at a limit and of a delimited file are sentences, without 'a ->
  inf' or "séparateur ';'"; the API reference speaks French;
- at 1366 and 390 px, the models and customers pages do not scroll sideways (their tables
  scroll in their own box) and no chart's legend covers its marks.
"""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

from clv.web import build  # noqa: E402
from webtools import call, running  # noqa: E402

SHOP, FLAT = 1, 2
"""The analyses of the dashboard: a sample shop with its spend (30% margin, euros), and a
shop whose customers never stop buying, read from a CSV with ';', at the default 100%
margin and without spend (its models fit at the no-dropout limit)."""
PAGES = ("", "/customers", "/customers/C00000002", "/segments", "/cohorts", "/channels",
         "/timing", "/models", "/whatif", "/data", "/exports")
WIDTHS = (1366, 390)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A dashboard with the two analyses (:data:`SHOP`, :data:`FLAT`): its base URL and
    the analyses."""
    import clv
    from test_degenerate import poisson_shop

    folder = tmp_path_factory.mktemp("review")
    sample = clv.sample_shop(600, seed=3)
    shop = clv.analyze(sample.transactions, spend=sample.spend, settings=clv.Settings(
        margin=0.3, draws=20, currency="EUR"))
    orders = folder / "commandes.csv"
    poisson_shop(1500).write_csv(orders, separator=";")
    flat = clv.analyze(clv.read_transactions(orders), settings=clv.Settings(draws=20))
    app = build(f"sqlite:///{folder / 'history.db'}", workdir=folder / "uploads",
                analyses=[(shop, "shop"), (flat, "flat")])
    with running(app) as base:
        yield base, {SHOP: shop, FLAT: flat}


def page_text(base: str, path: str) -> str:
    """The page at ``path`` (its status checked), entities read."""
    status, body, _ = call(base + path)
    assert status == 200, (path, status, body[:300])
    return html.unescape(body.decode())


def figure(text: str) -> float:
    """A figure as the French pages write it ('21 439,06 €', '9,89x', '−10 %')."""
    cleaned = re.sub(r"[\s\u00a0\u202f€%x]", "", text).replace("\u2212", "-")
    return float(cleaned.replace(",", "."))


def whatif_cells(page: str) -> dict[str, dict[str, float | None]]:
    """The what-if table's figures, now (base) and with the levers (scenario); a blank
    cell is None."""
    out: dict[str, dict[str, float | None]] = {"base": {}, "scenario": {}}
    for side, key, cell in re.findall(
            r'<td data-(base|scenario)="(\w+)" data-kind="\w+"[^>]*>(.*?)</td>', page):
        out[side][key] = None if "<span" in cell else figure(cell)
    return out


def slider(page: str, lever: str) -> dict[str, str]:
    """The lever's slider: its min, max and value attributes, its output's text."""
    found = re.search(rf'<input type="range" name="{lever}"[^>]*>', page)
    assert found, lever
    attrs = dict(re.findall(r'(min|max|value)="([^"]*)"', found.group()))
    attrs["out"] = re.search(rf'id="out-{lever}"[^>]*>([^<]*)<', page).group(1)
    return attrs


# ---- the what-if --------------------------------------------------------------------------

BASE_FIGURES = ("total_clv", "mean_clv", "new_customer_ltv")
"""The figures of the base and of a new customer: the retention, frequency, basket and
margin levers move them; the CAC lever does not."""
NEW_CUSTOMER = ("ltv_cac", "profit_per_new_customer")
"""The figures that set a new customer's value against the CAC: every lever moves them."""


def test_at_0_the_levers_change_nothing(site):
    base, _ = site
    cells = whatif_cells(page_text(base, f"/a/{SHOP}/whatif?lang=fr"))
    assert cells["scenario"] == cells["base"] and len(cells["base"]) == 6


@pytest.mark.parametrize("lever", ["retention", "frequency", "basket", "margin", "cac"])
def test_each_lever_moves_the_figures_it_names_both_ways(site, lever):
    """At each end of its slider, a lever moves the figures it names in the direction it
    says (the CAC lever: a new customer's figures only, against it), and the slider's label
    says the change, and for the margin and the CAC what they become."""
    base, analyses = site
    now = page_text(base, f"/a/{SHOP}/whatif?lang=fr")
    low, high = (int(slider(now, lever)[k]) for k in ("min", "max"))
    assert low < 0 < high
    for end in (low, high):
        page = page_text(base, f"/a/{SHOP}/whatif?lang=fr&{lever}={end}")
        shown = slider(page, lever)
        assert shown["value"] == str(end)
        assert figure(shown["out"]) == end and shown["out"][0] == ("+" if end > 0 else "−")
        cells = whatif_cells(page)
        up = end > 0
        for key in BASE_FIGURES:
            before, after = cells["base"][key], cells["scenario"][key]
            if lever == "cac":
                assert after == before, (lever, end, key)
            else:
                assert (after > before) == up and after != before, (lever, end, key)
        for key in NEW_CUSTOMER:
            before, after = cells["base"][key], cells["scenario"][key]
            assert (after > before) == (up != (lever == "cac")), (lever, end, key)
        then = re.search(rf'id="then-{lever}"[^>]*>([^<]*)<', page)
        if lever == "margin":
            made = analyses[SHOP].settings.margin * (1 + end / 100)
            assert figure(then.group(1).removeprefix("marge ")) == round(made * 100)
        elif lever == "cac":
            assert then.group(1).startswith("CAC ") and "€" in then.group(1)
        else:
            assert then is None


def test_the_levers_are_in_the_address_and_read_back(site):
    """``?retention=10&margin=-5`` (the sliders' whole percentages) places the sliders and
    gives the figures the API gives for 0.1 and -0.05; a value the page cannot take is said
    in French, naming the lever, which stays at 0."""
    import json

    base, _ = site
    page = page_text(base, f"/a/{SHOP}/whatif?lang=fr&retention=10&margin=-5")
    assert slider(page, "retention")["value"] == "10" and slider(page, "margin")["value"] == "-5"
    assert slider(page, "retention")["out"].replace("\u202f", "\u00a0") == "+10\u00a0%"
    api = json.loads(call(f"{base}/api/analyses/{SHOP}/whatif?retention=0.1&margin=-0.05")[1])
    cells = whatif_cells(page)
    for key in BASE_FIGURES:
        assert cells["scenario"][key] == pytest.approx(api["scenario"][key], abs=0.006)
    page = page_text(base, f"/a/{SHOP}/whatif?lang=fr&retention=abc&basket=12,5&cac=80"
                           "&frequency=-20")
    for value, name in (("abc", "Rétention"), ("12,5", "Panier moyen"), ("80", "CAC")):
        assert (f"«\u00a0{value}\u00a0» n'est pas un pourcentage entier de -50 à 50\u00a0: "
                f"le levier «\u00a0{name}\u00a0» reste à 0.") in page
    for lever in ("retention", "basket", "cac"):
        assert slider(page, lever)["value"] == "0"
    assert slider(page, "frequency")["value"] == "-20"  # the valid one still applies
    english = page_text(base, f"/a/{SHOP}/whatif?lang=en&margin=abc")
    assert "“abc” is not a whole percentage from -50 to 50: the lever “Margin” is left at 0." \
        in english


def test_a_margin_of_100_percent_can_only_go_down(site):
    """At a 100% margin the margin's slider ends at 0, which the page says; lowered, the
    margin lowers the figures. Without a spend table there is no CAC lever, and the page
    says why."""
    base, _ = site
    page = page_text(base, f"/a/{FLAT}/whatif?lang=fr")
    margin = slider(page, "margin")
    assert (margin["min"], margin["max"], margin["value"]) == ("-50", "0", "0")
    assert "La marge de cette analyse est déjà de 100\u00a0%\u00a0: ce levier ne peut que la " \
           "baisser." in page
    assert 'name="cac"' not in page and 'id="no-cac"' in page
    lowered = whatif_cells(page_text(base, f"/a/{FLAT}/whatif?lang=fr&margin=-20"))
    for key in BASE_FIGURES:
        assert lowered["scenario"][key] == pytest.approx(0.8 * lowered["base"][key], rel=1e-3)
    assert re.search(r'id="then-margin"[^>]*>marge 80\u00a0%<', page_text(
        base, f"/a/{FLAT}/whatif?lang=fr&margin=-20"))


def test_the_margin_slider_never_passes_100_percent():
    """The slider's top is the largest whole change that keeps the margin at or below 100%
    (for a 70% margin, +43% made 100.1% and the API refused it: +42%), at most +50%."""
    from clv.web.routes.pages import lever_limits

    for margin in [x / 1000 for x in range(1, 1001)]:
        top = lever_limits(margin)["margin"][1]
        assert 0 <= top <= 50 and margin * (1 + top / 100) <= 1, margin
        assert top == 50 or margin * (1 + (top + 1) / 100) > 1, margin
    assert lever_limits(0.7)["margin"] == (-50, 42)
    assert lever_limits(1.0)["margin"] == (-50, 0)


def test_the_sliders_keep_the_address_in_step(site, browser):
    """In Chromium: moving the sliders puts them in the address and in the language switch's
    link; the address reloaded, or the page in English, shows the same scenario."""
    base, _ = site
    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="fr-FR")
    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    try:
        page.goto(f"{base}/a/{SHOP}/whatif?lang=fr")
        before = page.inner_text('[data-scenario="total_clv"]')
        page.fill("#lever-margin", "25")
        page.fill("#lever-retention", "-20")
        page.wait_for_function("b => document.querySelector('[data-scenario=\"total_clv\"]')"
                               ".textContent !== b && document.getElementById('whatif')"
                               ".dataset.updated", arg=before)
        page.wait_for_timeout(300)  # the last move's answer
        query = parse_qs(urlsplit(page.url).query)
        assert query == {"lang": ["fr"], "margin": ["25"], "retention": ["-20"]}
        switch = parse_qs(urlsplit(page.get_attribute('#languages a[lang="en"]', "href")).query)
        assert switch == {"lang": ["en"], "margin": ["25"], "retention": ["-20"]}
        moved = page.inner_text('[data-scenario="total_clv"]')
        assert page.inner_text("#then-margin").replace("\u202f", "\u00a0") == "marge 38\u00a0%"
        page.reload()
        assert page.input_value("#lever-margin") == "25"
        assert page.input_value("#lever-retention") == "-20"
        assert page.inner_text('[data-scenario="total_clv"]') == moved
        page.click('#languages a[lang="en"]')
        assert page.evaluate("document.documentElement.lang") == "en"
        assert page.input_value("#lever-margin") == "25"
        assert page.inner_text("#then-margin") == "margin 38%"
        page.fill("#lever-margin", "0")
        page.wait_for_function("() => !location.search.includes('margin')")
        assert parse_qs(urlsplit(page.url).query) == {"lang": ["en"], "retention": ["-20"]}
    finally:
        page.close()
    assert problems == []


# ---- the calculator -----------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "lang", "read"), [
    ("12,5", "fr", 12.5), ("12.5", "fr", 12.5), ("1 234,5", "fr", 1234.5),
    ("1\u202f234,56", "fr", 1234.56), ("−3", "fr", -3.0), ("1,234", "fr", 1.234),
    ("1,234", "en", 1234.0), ("1,234.5", "en", 1234.5), ("12,5", "en", 12.5),
    ("12 5", "fr", None), ("1.234,5", "fr", None), ("abc", "fr", None), ("nan", "en", None),
    ("inf", "fr", None), ("12,5,1", "fr", None)])
def test_numbers_typed_as_people_type_them(typed, lang, read):
    from clv.web.routes.tools import typed_number

    assert typed_number(typed, False, lang) == read


def test_a_rate_may_end_with_a_percent_sign():
    from clv.web.routes.tools import typed_number

    assert typed_number("12,5 %", True, "fr") == 12.5 and typed_number("5%", False) is None


def calculator(base: str, lang: str, **values: str) -> str:
    return page_text(base, "/calculator?" + urlencode({"lang": lang, **values}))


def test_the_calculator_takes_a_decimal_comma_and_says_what_is_not_a_number(site):
    base, _ = site
    given = {"formula": "generic", "average_purchase_value": "12,5", "purchase_frequency": "4",
             "lifespan": "3", "margin": "30", "cac": "10,5"}
    page = calculator(base, "fr", **given)
    assert re.search(r'id="calc-ltv">45,00<', page)  # 12,5 x 4 x 3 x 30 %
    assert re.search(r'id="calc-ratio">4,29x<', page)
    assert 'value="12,5"' in page  # as typed
    assert 'type="number"' not in page and page.count('inputmode="decimal"') == 5
    wrong = calculator(base, "fr", **{**given, "lifespan": "trois"})
    assert ("«\u00a0Durée de vie (en périodes)\u00a0»\u00a0: «\u00a0trois\u00a0» n'est pas un "
            "nombre (par exemple 12,5 ou 12.5).") in wrong
    assert re.search(r'<input name="lifespan"[^>]*aria-invalid="true"', wrong)
    assert 'id="calc-ltv"' not in wrong
    english = calculator(base, "en", **{**given, "average_purchase_value": "1,250.5"})
    assert re.search(r'id="calc-ltv">4,501.80<', english)  # 1250.5 x 4 x 3 x 30%
    missing = calculator(base, "fr", **{**given, "lifespan": ""})
    assert "«\u00a0Durée de vie (en périodes)\u00a0» est nécessaire pour cette formule." \
        in missing and "positional argument" not in missing


def test_a_decimal_comma_typed_in_chromium(site, browser):
    """The reader's path: in a French Chromium, '12,5' typed into the form (a type=number
    field turned it into 125) gives the LTV of 12.5."""
    base, _ = site
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="fr-FR")
    try:
        page.goto(f"{base}/calculator?lang=fr")
        for name, value in (("average_purchase_value", "12,5"), ("purchase_frequency", "4"),
                            ("lifespan", "3"), ("margin", "30")):
            page.fill(f'#calculator input[name="{name}"]', "")
            page.type(f'#calculator input[name="{name}"]', value)
        page.click("#calculator button")
        page.wait_for_selector("#calc-ltv")
        assert page.inner_text("#calc-ltv") == "45,00"
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    finally:
        page.close()


# ---- the period filter ----------------------------------------------------------------------


@pytest.mark.parametrize("where", PAGES)
def test_a_month_that_is_not_one_is_said_on_every_page(site, where):
    """?start=2024-13-45 and a French month typed (?end=mars 2025): each said in the page's
    language naming its filter, on every page of the analysis, the pages without the
    filters' form too."""
    base, _ = site
    query = urlencode({"start": "2024-13-45", "end": "mars 2025"})
    page = page_text(base, f"/a/{SHOP}{where}?{query}&lang=fr")
    assert ("«\u00a02024-13-45\u00a0» n'est pas un mois (AAAA-MM, par exemple 2025-03)\u00a0: "
            "le filtre «\u00a0Acquis de\u00a0» est ignoré.") in page
    assert "«\u00a0mars 2025\u00a0» n'est pas un mois" in page
    assert "le filtre «\u00a0Acquis jusqu'à\u00a0» est ignoré." in page
    english = page_text(base, f"/a/{SHOP}{where}?start=2024-13-45&lang=en")
    assert "“2024-13-45” is not a month (YYYY-MM, such as 2025-03): the filter “Acquired " \
           "from” is left out." in english


def test_a_month_that_is_not_one_is_applied_nowhere(site):
    """The customers page with a wrong month lists every customer and names no period among
    the filters applied; the section links do not carry it; a right month beside it still
    applies."""
    import polars as pl

    base, analyses = site
    whole = page_text(base, f"/a/{SHOP}/customers?lang=fr")
    wrong = page_text(base, f"/a/{SHOP}/customers?start=2024-13-45&lang=fr")
    found = re.compile(r'<p id="found">([^<]*)')
    assert found.search(wrong).group(1) == found.search(whole).group(1)
    assert 'id="applied"' not in wrong and "2024-13-45" not in re.search(
        r'<nav class="sections".*?</nav>', wrong, re.S).group()
    both = page_text(base, f"/a/{SHOP}/customers?start=2024-13-45&end=2024-06&lang=fr")
    applied = re.search(r'id="applied">(.*?)</p>', both, re.S).group(1)
    assert "acquis jusqu'à juin 2024" in applied and "acquis de" not in applied
    kept = analyses[SHOP].customers.filter(pl.col("acquired") < pl.date(2024, 7, 1)).height
    said = re.sub(r"\D", "", found.search(both).group(1).split(",")[0])
    assert int(said) == kept


# ---- notes and the API reference ----------------------------------------------------------


def test_the_notes_of_a_fit_at_a_limit_are_sentences(site):
    """The models that find no dropout say it in words on the overview, the data and the
    models pages, in both languages: no 'a -> 0, b -> inf', and the reading of the ';' file
    without "séparateur ';'"."""
    base, analyses = site
    keys = [getattr(n, "key", None) for n in analyses[FLAT].notes]
    assert "no_dropout" in keys
    for lang, said in (("fr", "dans ces données, les clients ne semblent pas cesser d'acheter"),
                       ("en", "in this data customers do not seem to stop buying")):
        for where in ("", "/data", "/models"):
            page = page_text(base, f"/a/{FLAT}{where}?lang={lang}")
            assert said in page, (lang, where)
            assert "->" not in page and "-&gt;" not in page, (lang, where)
        data = page_text(base, f"/a/{FLAT}/data?lang={lang}")
        assert "séparateur" not in data and "';'" not in data
    assert ("Lu comme un texte dont les colonnes sont séparées par des points-virgules, avec "
            "une première ligne nommant les colonnes.") in page_text(
        base, f"/a/{FLAT}/data?lang=fr")


@pytest.mark.parametrize(("key", "values", "english", "french"), [
    ("at_bound", {"model": "NBD", "params": "r -> 0, alpha -> inf", "names": "r, alpha"},
     "the data are not enough to pin down the parameters r, alpha",
     "les données ne suffisent pas à fixer les paramètres r, alpha"),
    ("at_bound", {"model": "NBD", "params": "r -> 0"},  # saved before 'names'
     "the data are not enough to pin down the parameter r:",
     "les données ne suffisent pas à fixer le paramètre r\u00a0:"),
    ("same_rate", {"model": "NBD", "params": "r -> inf, alpha -> inf", "names": "r, alpha",
                   "value": 0.105, "per": "week"},
     "the same purchase rate, 0.105 per week", "le même rythme d'achat, 0,105 par semaine"),
    ("interval_capped", {"model": "BG/NBD", "params": "a", "names": "a", "level": "95%"},
     "the upper end of its 95% interval", "la borne haute de son intervalle à 95\u00a0%"),
    ("delimited", {"delimiter": "tab", "header": "without header"},
     "separated by tabs, with no line naming the columns",
     "séparées par des tabulations, sans ligne nommant les colonnes")])
def test_a_note_in_words(key, values, english, french):
    from clv.notes import Note
    from clv.web.views import note_words

    made = Note(key, **values)
    assert english in note_words(made, "en") and french in note_words(made, "fr")
    assert "->" not in note_words(made, "fr") + note_words(made, "en")


def test_the_api_reference_speaks_french(site):
    """Every route of the OpenAPI schema has its summary in both languages; on the French
    page none of FastAPI's own summaries ('Analysis Api'...) is left, nor 'list of', and
    parameters and answers are in French."""
    import json

    from clv.i18n import catalogue

    base, _ = site
    spec = json.loads(call(f"{base}/openapi.json")[1])
    page = page_text(base, "/docs?lang=fr")
    english = page_text(base, "/docs?lang=en")
    for path, item in spec["paths"].items():
        for method, op in item.items():
            key = f"ref_op_{method.upper()} {path}"
            assert key in catalogue(), key
            summary = re.search(rf"<code>{re.escape(method.upper() + ' ' + path)}</code> "
                                r"([^<]*)</summary>", page).group(1)
            assert summary == catalogue()[key]["fr"]
            assert f"</code> {op['summary']}</summary>" not in page, op["summary"]
            assert f"</code> {catalogue()[key]['en']}</summary>" in english
    assert "list of" not in page and "liste de" in page
    assert "<td>chemin</td>" in page and "<td>Le numéro de l'analyse</td>" in page
    assert "Successful Response" not in page and "Validation Error" not in page


# ---- layout and charts ---------------------------------------------------------------------

BOXES = """() => {
  // the page's width, and the tables' boxes: each within the main column, and whether its
  // table is wider than the box (it then scrolls inside it)
  const main = document.querySelector("main").getBoundingClientRect();
  return {scroll: document.documentElement.scrollWidth, width: innerWidth,
          boxes: [...document.querySelectorAll("main .table-wrap")].map(b => {
            const r = b.getBoundingClientRect();
            return {inside: r.left >= main.left - 1 && r.right <= main.right + 1,
                    scrolls: b.scrollWidth > b.clientWidth,
                    overflow: getComputedStyle(b).overflowX};
          })};
}"""
LEGENDS = """() => {
  // each chart's legends against its marks: the boxes of points, bars and texts, and points
  // every 2 px along each line; the number of marks a legend covers
  const out = {};
  for (const svg of document.querySelectorAll("main figure svg")) {
    const legends = [...svg.querySelectorAll("g.role-legend")]
      .map(g => g.getBoundingClientRect());
    const marks = [];
    for (const el of svg.querySelectorAll("g.role-mark path, g.role-mark rect, "
                                          + "g.role-mark text")) {
      if (el.closest("g.mark-line, g.mark-area") && el.getTotalLength) {
        const m = el.getScreenCTM();
        const n = el.getTotalLength();
        for (let s = 0; s <= n; s += 2) {
          const q = el.getPointAtLength(s).matrixTransform(m);
          marks.push({left: q.x, right: q.x, top: q.y, bottom: q.y});
        }
      } else {
        const r = el.getBoundingClientRect();
        if (r.width || r.height) marks.push(r);
      }
    }
    let covered = 0;
    for (const l of legends) for (const r of marks)
      if (r.left <= l.right && r.right >= l.left && r.top <= l.bottom && r.bottom >= l.top)
        covered++;
    out[svg.closest("figure").id] = {legends: legends.length, marks: marks.length, covered};
  }
  return out;
}"""


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("where", ["/models", "/customers"])
def test_wide_tables_scroll_in_their_box_not_the_page(site, browser, where, width):
    base, _ = site
    page = browser.new_page(viewport={"width": width, "height": 900}, locale="fr-FR")
    try:
        page.goto(f"{base}/a/{SHOP}{where}?lang=fr")
        got = page.evaluate(BOXES)
    finally:
        page.close()
    assert got["scroll"] <= got["width"], got
    assert got["boxes"] and all(b["inside"] for b in got["boxes"]), got
    assert all(b["overflow"] == "auto" for b in got["boxes"] if b["scrolls"]), got
    if width == 390 and where == "/customers":
        assert any(b["scrolls"] for b in got["boxes"])  # the list is wider than a phone


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("where", ["/models", ""])
def test_no_legend_covers_the_marks_of_its_chart(site, browser, where, width):
    """The models' charts (tracking, calibration, the two matrices) and the overview's: no
    legend's box holds a bar, a point, a label or a point of a line."""
    base, _ = site
    page = browser.new_page(viewport={"width": width, "height": 900}, locale="fr-FR")
    try:
        page.goto(f"{base}/a/{SHOP}{where}?lang=fr")
        charts = page.evaluate(LEGENDS)
    finally:
        page.close()
    expected = {"/models": {"chart-tracking", "chart-calibration", "chart-alive",
                            "chart-purchases"}, "": {"chart-distribution", "chart-lorenz"}}
    assert set(charts) == expected[where]
    assert all(c["marks"] for c in charts.values()), charts
    assert sum(c["legends"] for c in charts.values()) >= (4 if where else 1)
    assert all(c["covered"] == 0 for c in charts.values()), charts
