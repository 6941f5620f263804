"""The wording of the shipped items: one question per item, no double negation, reversed items
as positive statements, and student items a ten-year-old can read.

These are heuristics over the text, not a grammar; docs/instruments.md describes them. Each
one is also run against version 1 of the instruments, whose weak items it must find, so a
heuristic that stops finding anything fails here instead of passing quietly.
"""

from __future__ import annotations

import re

import pytest

from dramaturg.surveys.instrument_versions import instrument_versions
from dramaturg.surveys.instruments import Instrument, Item, shipped_instruments

# --- asking two things at once -----------------------------------------------------------

# "en"/"and" joins two verbs or two objects; so do "zowel ... als", "both ... and", "as well
# as" and "en/of", "and/or".
JOINS = {
    "nl": re.compile(r"\b(en|zowel|en/of)\b"),
    "en": re.compile(r"\b(and|both|as well as|and/or)\b"),
}
# A series closed by a conjunction ("leerlingen, ouders en collega's") asks three things.
SERIES = {
    lang: re.compile(rf"\w, (?:[\w']+ ){{1,3}}(?:{conjunctions}) ")
    for lang, conjunctions in (("nl", "en|of"), ("en", "and|or"))
}
# "or" between two possessive phrases names two different objects ("hun thuis of hun
# vrienden", "my faith or our customs"); "or" between two words for one thing ("stille of
# teruggetrokken", "a thinking step or approach") is left alone.
POSSESSIVE = {
    "nl": r"(?:hun|mijn|zijn|haar|onze|ons|uw|je|jouw)",
    "en": r"(?:their|my|our|your|his|her)",
}
PAIRS = {
    lang: re.compile(rf"\b{word}\s+[\w']+\s+{joiner}\s+{word}\b")
    for lang, word, joiner in (("nl", POSSESSIVE["nl"], "of"), ("en", POSSESSIVE["en"], "or"))
}
# Items where the conjunction names one idea, with the reason.
ONE_IDEA = {
    "ce_ta_3": "'tijd en middelen' / 'time and resources' is one fixed pair: what the team has",
}

# --- negation ----------------------------------------------------------------------------

NEGATIONS = {
    "nl": re.compile(r"\b(niet|geen|nooit|niets|niemand|nergens|noch|zonder)\b"),
    # "un-" words (unable, unwelcome), but not under-, until or uni- (unit, unique).
    "en": re.compile(
        r"\b(not|no|never|nothing|nobody|none|nowhere|neither|nor|without|un(?!der|til|i)"
        r"[a-z]{3,})\b|n't\b"
    ),
}

# --- reading level of student items ------------------------------------------------------

# Ten-year-olds (groep 6) read short sentences best: easy-language guidance for Dutch (level
# 1F/B1) keeps sentences to about 10-15 words, and survey research with children (Borgers,
# de Leeuw & Hox, 2000) advises short questions with one idea and no negation. 12 words
# leaves room for one "Als ..., ..." condition; a word of more than 12 letters is a long
# compound that young readers stumble over ("buitenstaander").
MAX_STUDENT_WORDS = 12
MAX_STUDENT_WORD_LETTERS = 12


def texts(item: Item) -> list[tuple[str, str]]:
    return [(lang, item.text[lang].lower()) for lang in ("nl", "en")]


def two_things(item: Item) -> list[str]:
    """What in the item's text suggests it asks two (or three) things."""
    found = []
    for lang, text in texts(item):
        found += [f"{lang}: {m[0]!r}" for m in JOINS[lang].finditer(text)]
        found += [f"{lang}: series {m[0]!r}" for m in SERIES[lang].finditer(text)]
        found += [f"{lang}: {m[0]!r}" for m in PAIRS[lang].finditer(text)]
    return found


def negations(item: Item, lang: str) -> list[str]:
    return [m[0] for m in NEGATIONS[lang].finditer(item.text[lang].lower())]


def double_negation(item: Item) -> list[str]:
    return [f"{lang}: {found}" for lang in ("nl", "en") if len(found := negations(item, lang)) > 1]


def words(text: str) -> list[str]:
    return text.split()


def too_hard_for_students(item: Item) -> list[str]:
    problems = []
    for lang, text in texts(item):
        if len(words(text)) > MAX_STUDENT_WORDS:
            problems.append(f"{lang}: {len(words(text))} words")
        problems += [
            f"{lang}: long word {word!r}"
            for word in re.findall(r"[^\W\d_]+", text)
            if len(word) > MAX_STUDENT_WORD_LETTERS
        ]
        if negations(item, lang):
            problems.append(f"{lang}: negation {negations(item, lang)}")
    return problems


def items_of(instruments: list[Instrument], target: str | None = None) -> list[Item]:
    return [
        item
        for instrument in instruments
        if target is None or instrument.target == target
        for item in instrument.items
    ]


CURRENT = list(shipped_instruments().values())
VERSION_1 = [instrument_versions(key)[0] for key in shipped_instruments()]


def flagged(items: list[Item], check) -> dict[str, list[str]]:
    return {item.id: found for item in items if (found := check(item))}


def test_every_item_of_every_version_has_a_dutch_and_an_english_text():
    every = [v for key in shipped_instruments() for v in instrument_versions(key)]
    for item in items_of(every):
        assert item.text["nl"].strip(), item.id
        assert item.text["en"].strip(), item.id
        assert item.text["nl"] != item.text["en"], item.id


def test_no_current_item_asks_two_things():
    found = flagged(items_of(CURRENT), two_things)
    assert set(found) == set(ONE_IDEA), found


def test_the_two_things_heuristic_finds_the_weak_items_of_version_1():
    found = flagged(items_of(VERSION_1), two_things)
    # tse_eng_4 and sse_bel_4 by their "or" between two possessives, drc_ps_4 by its series.
    for weak in ("tse_eng_4", "tse_cm_2", "tse_cm_4", "drc_ps_4", "drc_pb_2", "sse_bel_4"):
        assert weak in found
    assert "tse_eng_5" not in found  # "stille of teruggetrokken": one kind of student


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Ik kan lezen en schrijven.", True),
        ("I can read and write.", True),
        ("Ik praat met leerlingen, ouders of collega's.", True),
        ("Zonder hun thuis of hun vrienden af te vallen.", True),
        ("With my faith or our customs.", True),
        ("Stille of teruggetrokken leerlingen.", False),
        ("Een denkstap of aanpak.", False),
        ("Op deze school voel ik me welkom.", False),
    ],
)
def test_the_two_things_heuristic_on_single_sentences(text, found):
    item = Item("x", {"nl": text, "en": text}, False)
    assert bool(two_things(item)) is found


def test_no_current_item_has_a_double_negation():
    assert flagged(items_of(CURRENT), double_negation) == {}


def test_the_double_negation_heuristic_finds_drc_am_5_of_version_1():
    found = flagged(items_of(VERSION_1), double_negation)
    assert "drc_am_5" in found
    assert any(f.startswith("nl:") for f in found["drc_am_5"])
    assert any(f.startswith("en:") for f in found["drc_am_5"])


@pytest.mark.parametrize(
    ("lang", "text", "count"),
    [
        ("nl", "We werken elkaar niet tegen als we het niet eens zijn.", 2),
        ("nl", "Het lukt niet zonder geen hulp.", 3),
        ("nl", "Op school voel ik me vaak alleen.", 0),
        ("en", "We do not work against each other.", 1),
        ("en", "I don't feel unwelcome.", 2),
        ("en", "I never feel unsafe.", 2),
        ("en", "I understand it until the end; it is unique.", 0),
    ],
)
def test_the_negation_heuristic_counts_negations(lang, text, count):
    item = Item("x", {"nl": text, "en": text}, False)
    assert len(negations(item, lang)) == count


def test_reversed_items_are_positive_statements_of_the_opposite():
    reversed_items = [item for item in items_of(CURRENT) if item.reverse]
    assert len(reversed_items) >= 6
    for item in reversed_items:
        assert negations(item, "nl") == [], item.id
        assert negations(item, "en") == [], item.id


def test_version_1_had_reversed_items_built_on_a_negation():
    built_on_niet = {
        item.id for item in items_of(VERSION_1) if item.reverse and negations(item, "nl")
    }
    assert {"ce_gc_5", "ce_gc_6", "drc_am_3"} <= built_on_niet


def test_student_items_are_short_plain_and_have_one_idea():
    student_items = items_of(CURRENT, target="students")
    assert student_items
    assert flagged(student_items, too_hard_for_students) == {}


def test_version_1_student_items_were_too_long_for_ten_year_olds():
    found = flagged(items_of(VERSION_1, target="students"), too_hard_for_students)
    assert {"sse_ae_1", "sse_ae_2", "sse_bel_2", "sse_bel_4", "sse_bel_6"} <= set(found)


def test_students_are_addressed_with_je():
    for instrument in CURRENT:
        if instrument.target != "students":
            continue
        texts_ = [instrument.instructions["nl"], *(i.text["nl"] for i in instrument.items)]
        for text in texts_:
            assert not re.search(r"\b(u|uw)\b", text.lower()), text
        assert re.search(r"\bje\b", instrument.instructions["nl"].lower())
