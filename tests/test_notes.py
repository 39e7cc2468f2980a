"""Notes (clv.notes): English strings that the report says in French too."""

import pickle
import string

from clv import read_transactions
from clv.notes import TEMPLATES, Note
from clv.report.text import NOTES, note


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_a_note_is_its_english_sentence():
    n = Note("refunds", n=1234, total=-56.5)
    assert n == "1,234 refunds (negative amounts, total -56.50) kept, to be netted against " \
        "the same customer's purchases of the same period"
    assert isinstance(n, str) and n.key == "refunds" and n.values == {"n": 1234, "total": -56.5}
    back = pickle.loads(pickle.dumps(n))
    assert back == n and back.key == n.key and back.values == n.values


def test_every_kind_has_its_french_sentence_with_the_same_values():
    assert set(NOTES) == set(TEMPLATES)
    for key, english in TEMPLATES.items():
        assert _fields(NOTES[key]) == _fields(english), key


def test_notes_of_a_read_in_french(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("client;date;montant\na;25/03/2024;12,50\na;26/03/2024;-2,50\n"
                    "b;01/04/2024;0\nb;02/04/2024;7\nb;03/04/2024;-1\n", encoding="utf-8")
    notes = read_transactions(path).issues.notes
    french = [note(n, "fr") for n in notes]
    assert all(isinstance(n, Note) for n in notes)
    assert "lu comme texte délimité : séparateur ';', avec en-tête" in french
    assert any(f.startswith("colonne « date » lue en JJ/MM/AAAA : des valeurs comme « ")
               and f.endswith(" » excluent l'autre ordre") for f in french)
    # a total in whole units, as every total of the report (-3.50 here)
    assert any(f.startswith("2 remboursements (montants négatifs, total -4)") for f in french)
    assert [note(n, "en") for n in notes if "total" not in n.values] \
        == [n for n in notes if "total" not in n.values]
    assert note("a plain sentence", "fr") == "a plain sentence"  # no kind: as written


def test_the_placeholder_floor_is_said_in_french_whatever_the_day() -> None:
    import datetime as dt

    from clv.data.issues import early_date
    from clv.report.text import reason

    said = reason(early_date(dt.date(2001, 5, 1)), "fr")
    assert said == "date antérieure au 01/05/2001 (une valeur par défaut)"


def test_one_is_singular_in_french():
    """French writes 0 and 1 in the singular: '1 remboursement ... conservé', not
    '1 remboursements ... conservés'; the singular forms take the same values."""
    from clv.i18n import t
    from clv.report.text import NOTES_ONE

    for key, one in NOTES_ONE.items():
        assert _fields(one) == _fields(NOTES[key]), key
    assert note(Note("refunds", n=1, total=-5.5), "fr").startswith(
        "1 remboursement (montant négatif, total -6) conservé,")
    assert note(Note("refunds", n=2, total=-4.5), "fr").startswith("2 remboursements")
    assert t("imp_excluded_row", "fr", reason="x", n="1") == "x\u00a0: 1 ligne"
    assert t("imp_excluded_row", "fr", reason="x", n="1\u202f234") == "x\u00a0: 1\u202f234 lignes"
    assert t("imp_excluded_row", "en", reason="x", n="0") == "x: 0 rows"


def test_amounts_of_a_note_carry_the_currency_in_both_languages():
    """The refunds' total and an outlier's amounts are money: written with the data's currency
    when it is known (the number alone otherwise, as before)."""
    from clv.notes import Note
    from clv.report.text import note

    refunds = Note("refunds_linked", n=77, total=-4958.2)
    # a total in whole units, as every total of the report (one format per kind of figure)
    assert "(total -4 958\u00a0€)" in note(refunds, "fr", "EUR").replace("\u202f", " ")
    assert "(total -€4,958)" in note(refunds, "en", "EUR")
    # without a currency, a total still in whole units on the report's faces; the library's
    # own text (the command line's) keeps the cents
    assert "(total -4,958)" in note(refunds, "en") and "(total -4,958.20)" in str(refunds)
    outlier = Note("outlier_amount", row=1234, amount=50000.0, customer="C1", ratio=40,
                   typical=120.5, percent=3)
    assert note(outlier, "en", "USD").startswith("row 1,234: $50,000.00 (customer 'C1')")
    assert "($120.50)" in note(outlier, "en", "USD")


def test_the_report_writes_a_note_of_one_in_the_singular_in_english_too():
    """The report's English of a note whose count is one (with a currency or a total) is the
    library's singular sentence, as its French is."""
    one = Note("refunds", n=1, total=-12.0)
    assert note(one, "en").startswith("1 refund (a negative amount, total -12)")
    assert note(one, "en", "EUR").startswith("1 refund (a negative amount, total -€12)")
    assert note(Note("refunds", n=2, total=-12.0), "en").startswith("2 refunds (")


def test_reading_parameters_are_named_as_each_face_names_them():
    """The library writes 'choose with currency=...'; the report says the command line's
    option, the dashboard its import setting, in the page's language (they wrote
    'preset=...' and 'currency=...' on both)."""
    from clv.report.text import options_said, plain_note
    from clv.web.views import note_said

    for made in (Note("currencies", currency="EUR"), Note("preset_detected", preset="shopify")):
        option = "--currency" if made.key == "currencies" else "--preset"
        assert "=..." in str(made)
        assert option in options_said(str(plain_note(made, "en")["text"]))
        for lang, words in (("en", "the import's setting '"), ("fr", "le réglage « ")):
            said = note_said(made, lang)["text"]
            assert words in said and "=..." not in said and "--" not in said, said
    kept = options_said(str(Note("identical_rows", n=3)))
    assert "(--duplicates 'drop' removes them)" in kept
