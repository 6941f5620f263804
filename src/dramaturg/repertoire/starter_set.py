"""The shipped starter set: repertoire entries written by Dramaturg, one YAML file per entry in
`starter/`, validated when loaded.

A school copies an entry into its own repertoire as a draft and makes it its own
(`services/starter.py`). A file that breaks the rules (a missing language, an unknown ladder,
code or source) stops the application at the first load with a message naming the file and
the place, like the card templates (`cards/template_library.py`), so a broken entry never
reaches a school. The file's `id` is the entry's key (`Entry.template_key`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from dramaturg.core.datafiles import DataFileError, DataFileReader, Texts
from dramaturg.repertoire.codes import DEFAULT_CODES
from dramaturg.repertoire.models.codes import Ladder, LadderClash
from dramaturg.repertoire.models.entries import ENTRY_TEXTS, ENTRY_TITLE_MAX, Entry

STARTER_DIR = Path(__file__).resolve().parent / "starter"
KEY_MAX = Entry._meta.get_field("template_key").max_length or 40


class StarterError(DataFileError):
    """A starter file does not follow the schema."""


@dataclass(frozen=True)
class StarterEntry:
    key: str
    clash: str
    risk_ladder: str  # "" when no student's ladder is at stake (e.g. a colleague's situation)
    texts: dict[str, Texts]  # by name in ENTRY_TEXTS
    codes: tuple[str, ...]  # keys of DEFAULT_CODES
    sources: tuple[str, ...]  # keys of the shipped source library

    def text(self, name: str, language: str) -> str:
        return self.texts[name].get(language) or self.texts[name]["nl"]

    def title(self, language: str) -> str:
        return self.text("title", language)


class _Reader(DataFileReader):
    error = StarterError

    def keys(
        self, raw: dict[str, Any], name: str, known: set[str], minimum: int
    ) -> tuple[str, ...]:
        value = raw.get(name)
        if not isinstance(value, list) or len(value) < minimum:
            raise self.fail(name, f"expected a list of at least {minimum}")
        keys = tuple(str(key) for key in value)
        unknown = [key for key in keys if key not in known]
        if unknown:
            raise self.fail(name, f"unknown key(s): {', '.join(unknown)}")
        if len(set(keys)) != len(keys):
            raise self.fail(name, "a key is listed twice")
        return keys

    def entry(self, known_sources: set[str]) -> StarterEntry:
        raw = self.load()
        if len(raw["id"]) > KEY_MAX:
            raise self.fail("id", f"at most {KEY_MAX} characters")
        if raw.get("clash") not in LadderClash.values:
            raise self.fail("clash", f"must be one of {', '.join(LadderClash.values)}")
        risk = raw.get("risk_ladder") or ""
        if risk and risk not in Ladder.values:
            raise self.fail("risk_ladder", f"must be empty or one of {', '.join(Ladder.values)}")
        texts = {name: self.texts(raw.get(name), name) for name in ENTRY_TEXTS}
        if any(len(text) > ENTRY_TITLE_MAX for text in texts["title"].values()):
            raise self.fail("title", f"at most {ENTRY_TITLE_MAX} characters")
        return StarterEntry(
            key=raw["id"],
            clash=raw["clash"],
            risk_ladder=risk,
            texts=texts,
            codes=self.keys(raw, "codes", {key for key, _nl, _en in DEFAULT_CODES}, 1),
            sources=self.keys(raw, "sources", known_sources, 1),
        )


def load_starter(path: Path, known_sources: set[str]) -> StarterEntry:
    return _Reader(path).entry(known_sources)


@cache
def starter_entries() -> dict[str, StarterEntry]:
    """Every shipped starter entry by key, in the order of their Dutch titles."""
    from dramaturg.sources.library import shipped_source_keys

    known = shipped_source_keys()
    entries = [load_starter(path, known) for path in sorted(STARTER_DIR.glob("*.yaml"))]
    return {e.key: e for e in sorted(entries, key=lambda e: e.texts["title"]["nl"].casefold())}


def get_starter(key: str) -> StarterEntry:
    try:
        return starter_entries()[key]
    except KeyError as error:
        raise StarterError(f"no starter entry {key!r}") from error
