"""Freeze a card's content into plain data, and compare two frozen cards readably.

A snapshot holds both languages, so a version adopted in Dutch can still be read in
English later. The comparison walks both snapshots as labelled lines ("Goal 2 ·
intervention 1 · who") and marks what was added, removed or changed, word by word.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from dramaturg.cards.models import Card
from dramaturg.core.localized import CONTENT_LANGUAGES

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


def pick(texts: dict[str, str], language: str) -> str:
    return texts.get(language) or texts.get("nl", "")


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


@dataclass
class DiffRow:
    kind: str  # "same", "added", "removed" or "changed"
    label: str
    old: str = ""
    new: str = ""
    words: list[tuple[str, str]] = field(default_factory=list)  # (op, text) for "changed"


def _word_diff(old: str, new: str) -> list[tuple[str, str]]:
    a, b = old.split(), new.split()
    parts: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(("same", " ".join(a[i1:i2])))
        else:
            if i1 != i2:
                parts.append(("removed", " ".join(a[i1:i2])))
            if j1 != j2:
                parts.append(("added", " ".join(b[j1:j2])))
    return parts


def compare(old: Snapshot, new: Snapshot, language: str) -> list[DiffRow]:
    """Rows that show how `new` differs from `old`; unchanged lines are kept for context."""
    left, right = labelled_lines(old, language), labelled_lines(new, language)
    old_by_label = dict(left)
    rows: list[DiffRow] = []
    seen: set[str] = set()
    for label, text in right:
        seen.add(label)
        if label not in old_by_label:
            rows.append(DiffRow("added", label, new=text))
        elif old_by_label[label] == text:
            rows.append(DiffRow("same", label, old=text, new=text))
        else:
            before = old_by_label[label]
            rows.append(DiffRow("changed", label, before, text, _word_diff(before, text)))
    # Lines only in the old snapshot go after the line that preceded them there.
    for index, (label, text) in enumerate(left):
        if label in seen:
            continue
        previous = left[index - 1][0] if index else None
        at = next((n + 1 for n, row in enumerate(rows) if row.label == previous), len(rows))
        rows.insert(at, DiffRow("removed", label, old=text))
        seen.add(label)
    return rows
