"""The shipped library of sources (`data/sources.yaml`), validated and kept in the database.

`sync_shipped_sources` runs after every migrate (see apps.py): it adds new shipped sources
and updates changed ones by their key, so templates can link interventions to them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from dramaturg.core.stages import Stage

SOURCES_FILE = Path(__file__).resolve().parent / "data" / "sources.yaml"
KINDS = ("book", "podcast", "video", "article", "website")


class SourceFileError(ValueError):
    pass


@cache
def shipped_sources() -> tuple[dict[str, Any], ...]:
    raw = yaml.safe_load(SOURCES_FILE.read_text(encoding="utf-8"))
    if not isinstance(raw, list):
        raise SourceFileError(f"{SOURCES_FILE.name}: expected a list")
    seen: set[str] = set()
    sources = []
    for n, entry in enumerate(raw, start=1):
        where = f"{SOURCES_FILE.name}: entry {n}"
        if not isinstance(entry, dict) or not entry.get("id") or not entry.get("title"):
            raise SourceFileError(f"{where}: needs an id and a title")
        if entry["id"] in seen:
            raise SourceFileError(f"{where}: duplicate id {entry['id']}")
        seen.add(entry["id"])
        if entry.get("kind") not in KINDS:
            raise SourceFileError(f"{where}: kind must be one of {', '.join(KINDS)}")
        stages = entry.get("stages") or []
        if any(stage not in Stage.values for stage in stages):
            raise SourceFileError(f"{where}: unknown stage in {stages}")
        description = entry.get("description") or {}
        sources.append(
            {
                "key": entry["id"],
                "kind": entry["kind"],
                "title": str(entry["title"]),
                "author": str(entry.get("author") or ""),
                "year": entry.get("year"),
                "url": str(entry.get("url") or ""),
                "stages": list(stages),
                "description_nl": str(description.get("nl") or ""),
                "description_en": str(description.get("en") or ""),
            }
        )
    return tuple(sources)


def shipped_source_keys() -> set[str]:
    return {source["key"] for source in shipped_sources()}


def sync_shipped_sources(**_kwargs: Any) -> None:
    from dramaturg.sources.models import Source

    for source in shipped_sources():
        values = {k: v for k, v in source.items() if k != "key"}
        Source.objects.update_or_create(key=source["key"], defaults=values)
