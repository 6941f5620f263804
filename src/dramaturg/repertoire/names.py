"""The name warning: which words of a moment's text look like a person's name.

A moment must not name or identify a student or parent, so the form warns before it saves a
text that seems to. The heuristic (docs/repertoire.md, "Moments") flags a word when

1. it is capitalised, is not at the start of a sentence, and is not on the shipped list of
   ordinary capitalised words (`data/ordinary_words.txt`: days, months, stages, school words,
   subjects, apps, Dutch and English function words), or
2. it is on the shipped list of common first names (`data/first_names.txt`), wherever it
   stands — so a name at the start of a sentence is still caught. A name that is also an
   ordinary word (marked `*` in the file: Roos, Mark, Iris…) counts only when capitalised.

Words in capitals only (IB, ADHD, OK) are abbreviations, and single letters are initials or
articles: neither is flagged by rule 1. A word after an abbreviation such as "bijv." or
"dhr." is not at the start of a sentence. It is a warning, not a filter: it misses a
surname typed in lower case and flags a place or a brand now and then; the author has the
last word ("I checked: no names").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

# A word: letters, with inner apostrophes or hyphens (Anne-Fleur, Ahmed's, IB'er).
WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
SENTENCE_END = ".!?…"
# Opening quotes, brackets and list bullets that may stand between a sentence's end and its
# first word.
OPENERS = "\"“„‘'«‹([-–—•*"
# Abbreviations after which a capitalised word does not start a sentence (lower case,
# without the final dot).
ABBREVIATIONS = frozenset(
    (
        "bijv",
        "bv",
        "bijvoorbeeld",
        "o.a",
        "m.a.w",
        "d.w.z",
        "t.o.v",
        "i.p.v",
        "z.s.m",
        "ca",
        "enz",
        "etc",
        "evt",
        "vgl",
        "nr",
        "jl",
        "a.s",
        "dhr",
        "mevr",
        "mw",
        "mr",
        "mrs",
        "ms",
        "dr",
        "drs",
        "ir",
        "ing",
        "prof",
        "st",
        "e.g",
        "i.e",
        "vs",
        "approx",
        "cf",
    )
)


@dataclass(frozen=True)
class Segment:
    """A piece of a text for display: `flagged` pieces are shown highlighted."""

    text: str
    flagged: bool = False


def _fold(word: str) -> str:
    """Lower case without accents, so Zoë matches zoe and Ayşe matches ayse."""
    decomposed = unicodedata.normalize("NFKD", word.casefold().replace("’", "'"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _lines(name: str) -> list[str]:
    text = (DATA / name).read_text(encoding="utf-8")
    return [
        line.split("#", 1)[0].strip() for line in text.splitlines() if line.split("#", 1)[0].strip()
    ]


@cache
def ordinary_words() -> frozenset[str]:
    return frozenset(_fold(word) for line in _lines("ordinary_words.txt") for word in line.split())


@cache
def first_names() -> dict[str, bool]:
    """Folded first name → whether it counts only when capitalised (also an ordinary word)."""
    names: dict[str, bool] = {}
    for line in _lines("first_names.txt"):
        only_capitalised = line.endswith("*")
        names[_fold(line.rstrip("*").strip())] = only_capitalised
    return names


def _capitalised(word: str) -> bool:
    return word[0].isupper() and not word.isupper()


def _starts_sentence(text: str, start: int) -> bool:
    """Whether the word at `start` opens the text, a line, a sentence or a quotation."""
    before = text[:start]
    stripped = before.rstrip()
    if "\n" in before[len(stripped) :] or not stripped:
        return True
    quoted = False
    while stripped and stripped[-1] in OPENERS:
        quoted = quoted or stripped[-1] not in "-–—•*("
        stripped = stripped[:-1].rstrip()
        if not stripped or "\n" in before[len(stripped) :]:
            return True
    last = stripped[-1]
    if last == ":" and quoted:
        return True
    if last not in SENTENCE_END:
        return False
    if last == ".":
        previous = stripped.split()[-1].rstrip(".")
        word = previous.lstrip(OPENERS)
        if _fold(word) in ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
            return False
    return True


def _stems(word: str) -> list[str]:
    """The word and the word without a possessive ending (Ahmed's, Daans)."""
    folded = _fold(word)
    stems = [folded]
    for ending in ("'s", "s"):
        if folded.endswith(ending) and len(folded) > len(ending) + 1:
            stems.append(folded[: -len(ending)])
    return stems


def _parts(word: str) -> list[str]:
    """A hyphenated word's parts (Anne-Fleur, Kerst-viering); other words whole."""
    return [part for part in re.split(r"[-‐]", word) if part]


def _is_first_name(word: str) -> bool:
    names = first_names()
    for part in _parts(word):
        for stem in _stems(part):
            if stem in names and (_capitalised(part) or not names[stem]):
                return True
    return False


def _is_ordinary(word: str) -> bool:
    # A compound counts by its first part: Kerst-viering is as ordinary as Kerst.
    return any(stem in ordinary_words() for stem in _stems(_parts(word)[0]))


def _suspicious(text: str, match: re.Match[str]) -> bool:
    word = match.group()
    if len(word) < 2:
        return False
    if _is_first_name(word):
        return True
    if not _capitalised(word) or _starts_sentence(text, match.start()):
        return False
    return not _is_ordinary(word)


def suspicious_words(text: str) -> list[str]:
    """The words of `text` that look like a name, each once, in the order they appear."""
    found: list[str] = []
    for match in WORD.finditer(text):
        if _suspicious(text, match) and match.group() not in found:
            found.append(match.group())
    return found


def highlight(text: str) -> list[Segment]:
    """`text` cut into pieces, the suspicious words flagged, for showing the warning."""
    segments: list[Segment] = []
    position = 0
    for match in WORD.finditer(text):
        if _suspicious(text, match):
            if match.start() > position:
                segments.append(Segment(text[position : match.start()]))
            segments.append(Segment(match.group(), flagged=True))
            position = match.end()
    if position < len(text):
        segments.append(Segment(text[position:]))
    return segments
