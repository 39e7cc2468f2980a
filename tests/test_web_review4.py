"""The dashboard said alike with the report (issue 16), checked against a real server on
127.0.0.1:

- the model notes of a fit at a limit in plain words (the report's
  :func:`clv.report.text.plain_note`), the technical note (the parameters named) in a
  ``<details>``, on the overview, the data and the models pages;
- the overview's actions heading counts the actions shown (singular, plural, none);
- the channels exports name the customers without a channel as the channels page does.
"""

from __future__ import annotations

import csv
import io
import re

import polars as pl
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

from clv.i18n import t  # noqa: E402
from clv.web import build  # noqa: E402
from webtools import call, html_of, running, words_of  # noqa: E402

LANGS = ("fr", "en")
HEADINGS = {  # the heading of n actions shown, as the report writes it
    ("fr", 1): "L'action qui rapporte le plus",
    ("en", 1): "The action worth most",
    ("fr", 2): "Les deux actions qui rapportent le plus",
    ("en", 2): "Two actions worth most",
    ("fr", 3): "Les trois actions qui rapportent le plus",
    ("en", 3): "Three actions worth most",
    ("fr", 0): "Les actions qui rapportent le plus",
    ("en", 0): "Actions worth most"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Two analyses: 1, a shop (EUR) some of whose customers came through no channel; 2, a
    shop whose customers all buy at one rate (the purchase model runs r, alpha to their
    limit). Its base URL and the analyses."""
    import clv

    folder = tmp_path_factory.mktemp("review4")
    sample = clv.sample_shop(1_500, seed=11)
    tx = sample.transactions
    lost = tx["customer_id"].unique().sort().head(40)
    tx = tx.with_columns(pl.when(pl.col("customer_id").is_in(lost.implode()))
                         .then(pl.lit(None, pl.String)).otherwise(pl.col("channel"))
                         .alias("channel"))
    shop = clv.analyze(tx, spend=sample.spend,
                       settings=clv.Settings(margin=0.3, draws=20, currency="EUR"))
    rated = clv.sample_shop(1_500, seed=7, bgnbd={"r": 5e4, "alpha": 1e6, "a": 0.5, "b": 3.0})
    one_rate = clv.analyze(rated.transactions, spend=rated.spend, settings=clv.Settings(
        margin=0.3, draws=20, currency="EUR", model="bgnbd"))
    app = build(f"sqlite:///{folder / 'history.db'}", workdir=folder / "uploads",
                analyses=[(shop, "shop"), (one_rate, "one rate")])
    with running(app) as base:
        yield base, shop, one_rate


# ---- 1. model notes in plain words, the technical note under them ---------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_model_notes_are_said_in_plain_words_with_the_technical_note_kept(site, lang):
    from clv.report.text import plain_note
    from clv.web.views import note_words

    base, _, one_rate = site
    plain = [(n, plain_note(n, lang, "EUR")) for n in one_rate.notes]
    limits = [(n, said) for n, said in plain if said["detail"] is not None
              and getattr(n, "key", None) in ("at_bound", "same_rate", "same_dropout",
                                               "no_dropout", "unidentified")]
    assert limits, [getattr(n, "key", None) for n in one_rate.notes]
    for where in ("", "/data", "/models"):
        page = html_of(f"{base}/a/2{where}?lang={lang}")
        main = page[page.index("<main"):]
        details = re.findall(r'<details class="note-detail"><summary>(.*?)</summary>(.*?)'
                             r"</details>", main, re.S)
        said = [words_of(d) for _, d in details]
        outside = words_of(re.sub(r"<details.*?</details>", "", main, flags=re.S))
        for n, words in limits:
            assert words["text"] in outside, (where, words["text"])
            # the technical note, with the parameters' names, under the plain sentence
            assert note_words(n, lang, "EUR") in said, where
        assert all(words_of(s) == t("page_note_detail", lang) for s, _ in details)
        for _, words in limits:  # the plain sentence names no parameter in the notation
            assert not re.search(r"\b(r, alpha|alpha, r|q <= 1|->)", words["text"])
        assert not re.search(r"\br, alpha\b", outside), where


# ---- 2. the actions heading counts the actions shown -----------------------------------------


def _actions_shown(page: str) -> tuple[str, int, str | None]:
    heading = re.search(r'<h2 id="todo">(.*?)</h2>', page, re.S)
    listed = re.search(r'<ol class="actions">(.*?)</ol>', page, re.S)
    none = re.search(r'<p class="note" id="todo-none">(.*?)</p>', page, re.S)
    assert heading
    count = len(re.findall(r"<li>", listed.group(1))) if listed else 0
    return words_of(heading.group(1)), count, words_of(none.group(1)) if none else None


@pytest.mark.parametrize("lang", LANGS)
def test_the_actions_heading_counts_the_actions_shown(site, lang):
    from clv.web.routes import pages

    base, shop, _ = site
    heading, count, none = _actions_shown(html_of(f"{base}/a/1?lang={lang}"))
    assert count >= 2 and none is None
    assert heading == HEADINGS.get((lang, count), heading) and heading != t("page_overview",
                                                                             lang)
    if (lang, count) not in HEADINGS:  # more than three: its count written
        assert str(count) in heading or any(w in heading.lower() for w in (
            "quatre", "cinq", "four", "five"))
    # one action shown, then none: the heading follows (the actions, made once per analysis
    # and language, are held by the server; cut here and put back)
    held = [h for h in pages._actions.values() if lang in h]
    kept = {id(h): h[lang] for h in held}
    try:
        for h in held:
            h[lang] = kept[id(h)][:1]
        heading, count, none = _actions_shown(html_of(f"{base}/a/1?lang={lang}"))
        assert (count, heading, none) == (1, HEADINGS[lang, 1], None)
        for h in held:
            h[lang] = []
        heading, count, none = _actions_shown(html_of(f"{base}/a/1?lang={lang}"))
        assert (count, heading) == (0, HEADINGS[lang, 0])
        assert none and none.startswith(("Aucune action", "No action"))
    finally:
        for h in held:
            h[lang] = kept[id(h)]
    assert _actions_shown(html_of(f"{base}/a/1?lang={lang}"))[1] >= 2


# ---- 3. the customers without a channel in the exports -------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", ["channels", "channels_by_month"])
def test_the_channels_export_names_the_unknown_channel_in_its_language(site, lang, name):
    base, shop, _ = site
    assert "(unknown)" in shop.channels.channels["channel"].to_list()
    status, body, _ = call(f"{base}/a/1/export/{name}.csv?lang={lang}")
    assert status == 200
    text = body.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";" if lang == "fr" else ","))
    known = set(shop.channels.channels["channel"].to_list()) - {"(unknown)"}
    columns = [{r[i] for r in rows[1:]} for i in range(len(rows[0]))]
    channels = next(c for c in columns if known <= c)  # the other channels keep their names
    assert t("page_channel_unknown", lang) in channels
    assert "(unknown)" not in text
