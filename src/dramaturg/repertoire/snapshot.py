"""Freeze a repertoire entry into plain data, read it in one language, and compare two.

A snapshot holds both languages of every text, the ladders, the codes, the sources and the
linked interventions and agreements by name (with their card's title), so an adopted version
reads the same after a code is renamed or a card changes. The phone page and the booklet read
only adopted snapshots, never the draft.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from dramaturg.consent.diff import DiffRow, compare_lines, pick
from dramaturg.core.localized import CONTENT_LANGUAGES
from dramaturg.repertoire.models import Entry, Ladder, LadderClash

Snapshot = dict[str, Any]
# The entry's texts in reading order, with how each is labelled on screen.
TEXTS = ("title", "we_do", "we_avoid", "why", "asks_of_us")


def _texts(obj: Any, name: str) -> dict[str, str]:
    return {language: getattr(obj, f"{name}_{language}", "") for language in CONTENT_LANGUAGES}


def take_snapshot(entry: Entry) -> Snapshot:
    interventions = entry.interventions.select_related("goal__card").order_by(
        "goal__card__title_nl", "goal__position", "position"
    )
    agreements = entry.agreements.select_related("card").order_by("card__title_nl", "position")
    return {
        **{name: _texts(entry, name) for name in TEXTS},
        "clash": entry.clash,
        "risk_ladder": entry.risk_ladder,
        "case": entry.case.title if entry.case_id and entry.case else "",
        "codes": [
            {**_texts(code, "name"), "id": code.pk}
            for code in entry.codes.order_by("position", "pk")
        ],
        "sources": [str(source) for source in entry.sources.order_by("title", "pk")],
        "interventions": [
            {"card": _texts(item.goal.card, "title"), "text": _texts(item, "what")}
            for item in interventions
        ],
        "agreements": [
            {"card": _texts(item.card, "title"), "text": _texts(item, "text")}
            for item in agreements
        ],
    }


def clash_label(value: str) -> str:
    return str(LadderClash(value).label) if value in LadderClash.values else value


def ladder_label(value: str) -> str:
    return str(Ladder(value).label) if value in Ladder.values else value


def labels() -> dict[str, str]:
    return {
        "title": _("What do we do when …"),
        "we_do": _("What we do"),
        "we_avoid": _("What we avoid"),
        "why": _("Why"),
        "asks_of_us": _("What it asks of us as a team"),
    }


def readable(snapshot: Snapshot, language: str) -> dict[str, Any]:
    """A snapshot with every text in one language (Dutch where no English was written)."""
    return {
        **{name: pick(snapshot.get(name, {}), language) for name in TEXTS},
        "clash": clash_label(snapshot.get("clash", "")),
        "clash_value": snapshot.get("clash", ""),
        "risk_ladder": ladder_label(snapshot.get("risk_ladder", "")),
        "case": snapshot.get("case", ""),
        "codes": [pick(code, language) for code in snapshot.get("codes", [])],
        "sources": list(snapshot.get("sources", [])),
        "interventions": [
            {"card": pick(i["card"], language), "text": pick(i["text"], language)}
            for i in snapshot.get("interventions", [])
        ],
        "agreements": [
            {"card": pick(a["card"], language), "text": pick(a["text"], language)}
            for a in snapshot.get("agreements", [])
        ],
    }


def labelled_lines(snapshot: Snapshot, language: str) -> list[tuple[str, str]]:
    """The snapshot as (label, text) lines in reading order, in one language."""
    content = readable(snapshot, language)
    names = labels()
    lines = [(names[name], content[name]) for name in TEXTS if content[name]]
    lines.append((_("Ladders"), content["clash"]))
    if content["risk_ladder"]:
        lines.append((_("The ladder the student risks falling on"), content["risk_ladder"]))
    if content["codes"]:
        lines.append((_("Codes"), "; ".join(content["codes"])))
    if content["sources"]:
        lines.append((_("Sources"), "; ".join(content["sources"])))
    for n, item in enumerate(content["interventions"], start=1):
        label = _("Intervention %(n)s") % {"n": n}
        lines.append((label, f"{item['text']} ({item['card']})"))
    for n, item in enumerate(content["agreements"], start=1):
        label = _("Agreement %(n)s") % {"n": n}
        lines.append((label, f"{item['text']} ({item['card']})"))
    return lines


def compare(old: Snapshot, new: Snapshot, language: str) -> list[DiffRow]:
    return compare_lines(labelled_lines(old, language), labelled_lines(new, language))
