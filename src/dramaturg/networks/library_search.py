"""The library's columns and search: what a publication keeps beside its version so that the
library is listed, filtered by stage and searched in the database.

A publication points at an immutable version, so its title and texts never change after
publishing; they are copied once (`publish_on`, and migration 0005 for older rows) into
`title_nl`, `title_en`, `search_text` (and a card's `stage`). Listing a thousand cards then
decodes no snapshot at all.

Search: on PostgreSQL a full-text search with the Dutch configuration (so "afspraken" finds
"afspraak"), on the title and the texts of both languages; on SQLite, where the project runs
on one machine without set-up, a plain case-insensitive "contains" on the same columns.
What is searched is only what the library shows to every reader: no team name and no
school's own source (either could name a school that published without its name).
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet

LANGUAGES = ("nl", "en")
# A search longer than this is cut: nobody types more, and it bounds the work.
QUERY_MAX = 100
SEARCH_CONFIG = "dutch"


def _texts(value: Any) -> list[str]:
    """Both languages of a {"nl": ..., "en": ...} text (or a plain string), non-empty."""
    if isinstance(value, dict):
        return [str(value[lang]) for lang in LANGUAGES if value.get(lang)]
    return [str(value)] if value else []


def _title(snapshot: dict[str, Any], language: str) -> str:
    title = snapshot.get("title") or {}
    if isinstance(title, dict):
        return str(title.get(language) or title.get("nl") or "")[:300]
    return str(title)[:300]


def card_texts(snapshot: dict[str, Any]) -> list[str]:
    """Every text of a card snapshot the library shows, both languages, sources left out."""
    texts = _texts(snapshot.get("title")) + _texts(snapshot.get("introduction"))
    for goal in snapshot.get("goals", []):
        texts += _texts(goal.get("title")) + _texts(goal.get("description"))
        for item in goal.get("interventions", []):
            for key in ("what", "design", "who", "when"):
                texts += _texts(item.get(key))
    for key in ("agreements", "indicators"):
        for row in snapshot.get(key, []):
            texts += _texts(row.get("text"))
    return texts


def entry_texts(snapshot: dict[str, Any], names: tuple[str, ...]) -> list[str]:
    """The entry snapshot's texts (`names`, both languages) and its codes' names."""
    texts = [text for name in names for text in _texts(snapshot.get(name))]
    for code in snapshot.get("codes", []):
        texts += _texts(code)
    return texts


def columns(snapshot: dict[str, Any], texts: list[str]) -> dict[str, str]:
    return {
        "title_nl": _title(snapshot, "nl"),
        "title_en": _title(snapshot, "en"),
        "search_text": "\n".join(texts),
    }


def card_columns(version: Any) -> dict[str, str]:
    snapshot = version.snapshot or {}
    found = columns(snapshot, card_texts(snapshot))
    found["stage"] = snapshot.get("stage") or version.card.stage
    return found


def title_in(publication: Any, language: str) -> str:
    """The stored title in the reader's language, Dutch when there is no other."""
    return (publication.title_en if language == "en" else "") or publication.title_nl


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def search(publications: QuerySet, query: str) -> QuerySet:
    """The publications whose title or texts match `query` (empty: all of them)."""
    query = " ".join(query.split())[:QUERY_MAX]
    if not query:
        return publications
    if is_postgres():
        vector = SearchVector("title_nl", "title_en", "search_text", config=SEARCH_CONFIG)
        wanted = SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
        return publications.annotate(found=vector).filter(found=wanted)
    return publications.filter(
        Q(title_nl__icontains=query)
        | Q(title_en__icontains=query)
        | Q(search_text__icontains=query)
    )
