"""Compare two frozen texts readably, whatever was adopted (a card, a repertoire entry).

Each subject turns its snapshot into labelled lines ("Goal 2 · intervention 1 · who",
"What we avoid") in one language; `compare_lines` lines the two lists up by label and marks
what was added, removed or changed, word by word.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field


@dataclass
class DiffRow:
    kind: str  # "same", "added", "removed" or "changed"
    label: str
    old: str = ""
    new: str = ""
    words: list[tuple[str, str]] = field(default_factory=list)  # (op, text) for "changed"


def pick(texts: dict[str, str], language: str) -> str:
    """One language of a frozen text, Dutch where nothing was written in `language`."""
    return texts.get(language) or texts.get("nl", "")


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
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


def compare_lines(left: list[tuple[str, str]], right: list[tuple[str, str]]) -> list[DiffRow]:
    """Rows that show how `right` differs from `left`; unchanged lines are kept for context."""
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
            rows.append(DiffRow("changed", label, before, text, word_diff(before, text)))
    # Lines only in the old text go after the line that preceded them there.
    for index, (label, text) in enumerate(left):
        if label in seen:
            continue
        previous = left[index - 1][0] if index else None
        at = next((n + 1 for n, row in enumerate(rows) if row.label == previous), len(rows))
        rows.insert(at, DiffRow("removed", label, old=text))
        seen.add(label)
    return rows
