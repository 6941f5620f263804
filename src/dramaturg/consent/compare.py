"""The comparison page's logic for any subject adopted by consent (a card, a repertoire entry).

Three kinds of text can be compared: a round's frozen draft (`r<n>`), an adopted version
(`v<n>`) and the current draft. The subject has `versions` and `rounds` (related names shared
by cards and entries); the subject's own `take_snapshot` and `compare` do the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

CURRENT = "current"


def choices(subject: Any) -> list[tuple[str, str]]:
    found = [(CURRENT, _("the current draft"))]
    for number in subject.versions.order_by("-number").values_list("number", flat=True):
        found.append((f"v{number}", _("adopted version %(n)s") % {"n": number}))
    for number in subject.rounds.order_by("-number").values_list("number", flat=True):
        found.append((f"r{number}", _("draft of consent round %(n)s") % {"n": number}))
    return found


def snapshot_of(subject: Any, ref: str, take_snapshot: Callable[[Any], dict]) -> dict | None:
    if ref == CURRENT:
        return take_snapshot(subject)
    kind, number = ref[:1], ref[1:]
    if not number.isdigit() or kind not in ("v", "r"):
        return None
    rows = subject.versions.all() if kind == "v" else subject.rounds.all()
    found = rows.filter(number=int(number)).first()
    return found.snapshot if found is not None else None


def default_refs(found: list[tuple[str, str]]) -> tuple[str, str]:
    """The latest adopted version (or else the latest round's draft) against the current draft."""
    refs = [ref for ref, _label in found]
    older = next((r for r in refs if r.startswith("v")), None) or next(
        (r for r in refs if r.startswith("r")), CURRENT
    )
    return older, CURRENT


def compare_context(
    request: HttpRequest,
    subject: Any,
    take_snapshot: Callable[[Any], dict],
    compare: Callable[[dict, dict, str], list],
    language: str,
    problem_message: str,
) -> dict[str, Any]:
    """The context of a comparison page from GET `a`, `b` and `only`."""
    found = choices(subject)
    labels = dict(found)
    default_a, default_b = default_refs(found)
    ref_a = request.GET.get("a", default_a)
    ref_b = request.GET.get("b", default_b)
    rows = None
    problem = ""
    old = snapshot_of(subject, ref_a, take_snapshot) if ref_a in labels else None
    new = snapshot_of(subject, ref_b, take_snapshot) if ref_b in labels else None
    if old is None or new is None:
        problem = problem_message
    else:
        rows = compare(old, new, language)
    return {
        "choices": found,
        "ref_a": ref_a,
        "ref_b": ref_b,
        "label_a": labels.get(ref_a, ""),
        "label_b": labels.get(ref_b, ""),
        "rows": rows,
        "changes": sum(row.kind != "same" for row in rows or []),
        "only_changes": request.GET.get("only") == "1",
        "problem": problem,
    }
