"""Freeze a card's content into plain data, and compare two frozen cards readably.

A snapshot holds both languages, so a version adopted in Dutch can still be read in
English later. The comparison walks both snapshots as labelled lines ("Goal 2 ·
intervention 1 · who"); the line-up and the word diff are shared with repertoire entries
(`dramaturg.consent.diff`).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from dramaturg.cards.models import Card
from dramaturg.consent.diff import DiffRow, compare_lines, pick
from dramaturg.core.localized import CONTENT_LANGUAGES

__all__ = ["DiffRow", "Snapshot", "compare", "labelled_lines", "pick", "take_snapshot"]

Snapshot = dict[str, Any]


def _texts(obj: Any, name: str) -> dict[str, str]:
    return {language: getattr(obj, f"{name}_{language}", "") for language in CONTENT_LANGUAGES}


def take_snapshot(card: Card) -> Snapshot:
    goals = card.goals.prefetch_related("interventions__sources")
    return {
        "stage": card.stage,
        "team": card.team.name if card.team is not None else "",
        "title": _texts(card, "title"),
        "introduction": _texts(card, "introduction"),
        "goals": [
            {
                "title": _texts(goal, "title"),
                "description": _texts(goal, "description"),
                "interventions": [
                    {
                        **{name: _texts(item, name) for name in ("what", "design", "who", "when")},
                        "sources": [str(source) for source in item.sources.all()],
                    }
                    for item in goal.interventions.all()
                ],
            }
            for goal in goals
        ],
        "agreements": [{"text": _texts(a, "text")} for a in card.agreements.all()],
        "indicators": [{"text": _texts(i, "text")} for i in card.indicators.all()],
    }


def labelled_lines(snapshot: Snapshot, language: str) -> list[tuple[str, str]]:
    """The snapshot as (label, text) lines in reading order, in one language."""
    lines = [(_("Title"), pick(snapshot["title"], language))]
    if pick(snapshot["introduction"], language):
        lines.append((_("Introduction"), pick(snapshot["introduction"], language)))
    names = {"what": _("what"), "design": _("how"), "who": _("who"), "when": _("when")}
    for g, goal in enumerate(snapshot["goals"], start=1):
        goal_label = _("Goal %(n)s") % {"n": g}
        lines.append((goal_label, pick(goal["title"], language)))
        explanation = pick(goal["description"], language)
        if explanation:
            lines.append((f"{goal_label} · {_('explanation')}", explanation))
        for i, item in enumerate(goal["interventions"], start=1):
            item_label = f"{goal_label} · " + _("intervention %(n)s") % {"n": i}
            for key, name in names.items():
                if pick(item[key], language):
                    lines.append((f"{item_label} · {name}", pick(item[key], language)))
            if item["sources"]:
                lines.append((f"{item_label} · {_('sources')}", "; ".join(item["sources"])))
    for a, agreement in enumerate(snapshot["agreements"], start=1):
        lines.append((_("Agreement %(n)s") % {"n": a}, pick(agreement["text"], language)))
    for i, indicator in enumerate(snapshot["indicators"], start=1):
        lines.append((_("Indicator %(n)s") % {"n": i}, pick(indicator["text"], language)))
    return lines


def compare(old: Snapshot, new: Snapshot, language: str) -> list[DiffRow]:
    """Rows that show how `new` differs from `old`; unchanged lines are kept for context."""
    return compare_lines(labelled_lines(old, language), labelled_lines(new, language))
