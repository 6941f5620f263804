"""The adopted repertoire of a school, as the phone page and the booklet read it, and its search.

Only the last adopted version of each entry counts (never a draft, never an archived entry):
what the team agreed, even while a new draft is being written.

The search runs in Python over these snapshots rather than in the database. The texts to
search live inside JSON snapshots in two languages, the match must ignore case and accents
("reünie" finds "reunie"), and that has to behave the same on SQLite and PostgreSQL; a
school's repertoire is a few dozen entries, so reading them all is cheap and simple.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from django.db.models import F

from dramaturg.consent.diff import pick
from dramaturg.consent.models import SubjectState
from dramaturg.repertoire.models import EntryVersion, Ladder, LadderClash
from dramaturg.repertoire.snapshot import TEXTS, clash_label, ladder_label, readable
from dramaturg.schools.models import School


def fold(text: str) -> str:
    """Lower case without accents: "Één Reünie" → "een reunie"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@dataclass
class AdoptedEntry:
    entry_id: int
    number: int
    snapshot: dict[str, Any]
    content: dict[str, Any]

    @property
    def ladders(self) -> set[str]:
        clash = self.snapshot.get("clash", "")
        found = set(LadderClash(clash).ladders) if clash in LadderClash.values else set()
        if self.snapshot.get("risk_ladder"):
            found.add(self.snapshot["risk_ladder"])
        return found

    @property
    def code_ids(self) -> set[int]:
        return {code.get("id") for code in self.snapshot.get("codes", []) if code.get("id")}

    def haystack(self) -> str:
        """Every text in both languages, code names, ladders and links, folded."""
        s = self.snapshot
        parts = [text for name in TEXTS for text in s.get(name, {}).values()]
        parts += [text for code in s.get("codes", []) for text in (code.get("nl"), code.get("en"))]
        parts += list(s.get("sources", []))
        for link in [*s.get("interventions", []), *s.get("agreements", [])]:
            parts += [*link["text"].values(), *link["card"].values()]
        parts += [clash_label(s.get("clash", "")), ladder_label(s.get("risk_ladder", ""))]
        return fold(" ".join(p for p in parts if p))


def adopted_entries(school: School, language: str) -> list[AdoptedEntry]:
    versions = (
        EntryVersion.objects.filter(entry__school=school, number=F("entry__adopted_version"))
        .exclude(entry__state=SubjectState.ARCHIVED)
        .only("entry_id", "number", "snapshot")
    )
    found = [
        AdoptedEntry(v.entry_id, v.number, v.snapshot, readable(v.snapshot, language))
        for v in versions
    ]
    return sorted(found, key=lambda a: fold(pick(a.snapshot["title"], language)))


def search(
    entries: list[AdoptedEntry], query: str = "", ladder: str = "", code: int | None = None
) -> list[AdoptedEntry]:
    """Entries where every word of `query` occurs, on `ladder`, with `code` (each optional)."""
    words = fold(query).split()
    found = []
    for item in entries:
        if ladder in Ladder.values and ladder not in item.ladders:
            continue
        if code is not None and code not in item.code_ids:
            continue
        haystack = item.haystack()
        if all(word in haystack for word in words):
            found.append(item)
    return found
