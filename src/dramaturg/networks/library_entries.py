"""Repertoire entries in a network's library: the same rules as cards (`library.py`), on the
entries' own shelf.

An adopted `EntryVersion` is published with or without the school's name, after the same
search for the names of the school's people in every text of its snapshot; another school's
leader copies it as a draft entry of their school, crediting where it came from. Codes travel
by name (matched to the copying school's list, in either language); sources only when they
are shipped ones.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dramaturg.cards.snapshot import Snapshot, pick
from dramaturg.networks import library_search
from dramaturg.networks.library import (
    Shelf,
    check_copy,
    credit,
    publish_on,
    texts_of,
    withdraw_from,
)
from dramaturg.networks.models import Network, PublishedEntry
from dramaturg.repertoire.models import CodeTag, Entry, EntryVersion, Ladder, LadderClash
from dramaturg.repertoire.models.entries import ENTRY_TEXTS
from dramaturg.repertoire.snapshot import labels as entry_labels
from dramaturg.schools.models import School
from dramaturg.sources.models import Source


def _code_name(code: Any, language: str) -> str:
    """A code in the snapshot: its names by language, or (older snapshots) one name."""
    return pick(code, language) if isinstance(code, dict) else str(code)


def entry_lines(snapshot: Snapshot, language: str) -> list[tuple[str, str]]:
    """The snapshot's texts as (label, text) in one language, in reading order."""
    labels = entry_labels()
    lines = [
        (labels[name], pick(snapshot.get(name) or {}, language))
        for name in ENTRY_TEXTS
        if pick(snapshot.get(name) or {}, language)
    ]
    codes = [_code_name(code, language) for code in snapshot.get("codes", [])]
    if codes:
        lines.append((_("codes"), ", ".join(codes)))
    if snapshot.get("sources"):
        lines.append((_("sources"), "; ".join(snapshot["sources"])))
    return lines


ENTRIES = Shelf(
    publication_model=PublishedEntry,
    version_model=EntryVersion,
    subject_field="entry",
    lines=entry_lines,
    only_adopted=gettext_lazy("Only an adopted version of a repertoire entry can be shared."),
    no_names=gettext_lazy("Published repertoire entries carry no personal names."),
    already_shared=gettext_lazy("This version is already in the library of “%(network)s”."),
    already_withdrawn=gettext_lazy("This entry was already taken out of the library."),
    gone=gettext_lazy("This entry is no longer in the library."),
    own_school=gettext_lazy(
        "This entry comes from your own school: start a new draft on the entry itself."
    ),
    columns=lambda version: entry_columns(version.snapshot or {}),
)


def entry_columns(snapshot: Snapshot) -> dict[str, str]:
    """A published entry's title and search text (`library_search`)."""
    return library_search.columns(snapshot, library_search.entry_texts(snapshot, ENTRY_TEXTS))


def publish(leader: Any, version: EntryVersion, network: Network, show_school: bool) -> Any:
    return publish_on(ENTRIES, leader, version, network, show_school)


def withdraw(leader: Any, publication: PublishedEntry) -> Any:
    return withdraw_from(ENTRIES, leader, publication)


def _school_codes(school: School, snapshot: Snapshot) -> list[CodeTag]:
    """The copying school's codes with the same name as a published one (either language,
    case-insensitive). A code the school does not have is left out: the team adds its own."""
    wanted = set()
    for code in snapshot.get("codes", []):
        names = code.values() if isinstance(code, dict) else [code]
        wanted |= {str(name).strip().casefold() for name in names if name}
    return [
        code
        for code in CodeTag.objects.filter(school=school)
        if {code.name_nl.casefold(), code.name_en.casefold()} & wanted
    ]


@transaction.atomic
def copy_to_school(
    leader: Any, publication: PublishedEntry, school: School, *, language: str = "nl"
) -> Entry:
    """A new draft entry in `school` with the published texts, crediting where it came from."""
    publication = check_copy(ENTRIES, leader, publication, school)
    snapshot = publication.version.snapshot
    clash = snapshot.get("clash") or publication.version.entry.clash
    risk = snapshot.get("risk_ladder") or ""
    texts: dict[str, str] = {}
    for name in ENTRY_TEXTS:
        texts.update(texts_of(name, snapshot.get(name) or {}))
    entry = Entry.objects.create(
        school=school,
        clash=clash if clash in LadderClash.values else LadderClash.ALL,
        risk_ladder=risk if risk in Ladder.values else "",
        copied_from=publication,
        origin=credit(publication, language),
        created_by=leader,
        **texts,
    )
    entry.codes.set(_school_codes(school, snapshot))
    shipped = {str(s): s for s in Source.objects.filter(school__isnull=True)}
    entry.sources.set([shipped[s] for s in snapshot.get("sources", []) if s in shipped])
    return entry


def readable_publication(publication: PublishedEntry, language: str) -> dict[str, Any]:
    """The published version as readers see it. Without the school's name it also loses the
    school's own sources (their titles can name it); shipped sources stay."""
    snapshot = publication.version.snapshot
    sources = list(snapshot.get("sources", []))
    if not publication.show_school:
        shipped = {str(s) for s in Source.objects.filter(school__isnull=True)}
        sources = [source for source in sources if source in shipped]
    clash = snapshot.get("clash", "")
    risk = snapshot.get("risk_ladder", "")
    labels = entry_labels()
    return {
        "title": pick(snapshot.get("title") or {}, language),
        "texts": [
            (labels[name], pick(snapshot.get(name) or {}, language))
            for name in ENTRY_TEXTS[1:]
            if pick(snapshot.get(name) or {}, language)
        ],
        "clash": LadderClash(clash).label if clash in LadderClash.values else "",
        "risk": Ladder(risk).label if risk in Ladder.values else "",
        "codes": [_code_name(code, language) for code in snapshot.get("codes", [])],
        "sources": sources,
    }
