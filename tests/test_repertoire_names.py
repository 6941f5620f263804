"""The name warning's heuristic (repertoire/names.py): what it flags, and what it leaves alone."""

from __future__ import annotations

import pytest

from dramaturg.repertoire.names import first_names, highlight, ordinary_words, suspicious_words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Dutch: a capitalised word in the middle of a sentence.
        ("Tijdens de les zei Jansen dat hij niet wilde.", ["Jansen"]),
        ("De moeder van Kowalczyk belde boos.", ["Kowalczyk"]),
        # A first name at the start of a sentence is still caught by the list.
        ("Ahmed zei dat hij niet wilde.", ["Ahmed"]),
        ("Het ging mis. Fleur begon te huilen.", ["Fleur"]),
        # English.
        ("During the break Smith shouted at the teacher.", ["Smith"]),
        ("Then I asked Mrs. Patel to wait outside.", ["Patel"]),
        ("Olivia refused to answer in front of the class.", ["Olivia"]),
        # After an abbreviation a capitalised word is not a sentence start.
        ("Een leerling (bijv. Verhoeven) weigerde.", ["Verhoeven"]),
        ("Ik sprak dhr. Bakker aan.", ["Bakker"]),
        ("Some pupils, e.g. Wojcik, laughed.", ["Wojcik"]),
        # An initial does not end a sentence either.
        ("Ik belde J. de Vries.", ["Vries"]),
        # Possessives and hyphenated names.
        ("Ahmeds moeder kwam binnen.", ["Ahmeds"]),
        ("Anne-Fleur huilde.", ["Anne-Fleur"]),
        ("I spoke to Daan's father.", ["Daan's"]),
        # A first name typed in lower case, accents folded.
        ("ik zei tegen mohammed dat het goed was", ["mohammed"]),
        ("Zoe en zoë zaten samen.", ["Zoe", "zoë"]),
        # Each word once, in order.
        ("Sem duwde Sem. Toen kwam Noor.", ["Sem", "Noor"]),
    ],
)
def test_likely_names_are_flagged(text, expected):
    assert suspicious_words(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # Sentence starts, days, months, stages, school words, subjects.
        "Een leerling weigerde. Hij liep de klas uit.",
        "Op maandag in groep 7 ging het mis bij Rekenen en Nederlands.",
        "In de Kleedkamer en op het Podium zeiden collega's niets.",
        "Op Koningsdag en met Kerst is het onrustig.",
        "On Monday in March the Maths lesson went wrong. I stayed calm.",
        # Quotations start a sentence.
        'Hij riep: "Laat me los!" en liep weg.',
        "Ze zei: „Ik ga niet.” Daarna ging ze wel.",
        # Abbreviations in capitals and single letters.
        "De IB'er en de juf spraken over ADHD en het OPP.",
        "A student said I was unfair.",
        # Names that are also Dutch words count only when capitalised; function words never.
        "Ben je klaar? Ja, zei de leerling met een roos in de hand.",
        "Het was een mark van respect, zei de mentor.",
        # Lines and list bullets start a sentence.
        "Wat ik deed:\nRustig blijven.\n- Later apart nemen.",
        "",
    ],
)
def test_ordinary_text_is_not_flagged(text):
    assert suspicious_words(text) == []


def test_highlight_marks_exactly_the_suspicious_words():
    segments = highlight("Ik zag Ahmed bij het hek met Jansen.")
    assert "".join(s.text for s in segments) == "Ik zag Ahmed bij het hek met Jansen."
    assert [s.text for s in segments if s.flagged] == ["Ahmed", "Jansen"]
    assert highlight("Niets aan de hand.")[0].flagged is False


def test_the_shipped_lists_are_sizeable_and_varied():
    names = first_names()
    assert len(names) >= 300
    # Of many backgrounds.
    for name in ("daan", "mohammed", "zeynep", "kofi", "priya", "oksana", "wei", "mateo"):
        assert name in names, name
    # Names that are ordinary words are marked, function words are left out.
    assert names["roos"] is True
    assert names["ahmed"] is False
    assert "ben" not in names
    words = ordinary_words()
    for word in ("maandag", "december", "podium", "kleedkamer", "juf", "the", "de"):
        assert word in words, word
