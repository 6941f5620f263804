"""The starter set page: the shipped entries, and "copy to our repertoire" for the development
group and the leader. Everyone in the school may read the page."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from dramaturg.repertoire.errors import RepertoireError
from dramaturg.repertoire.models import CodeTag, Entry, Ladder, LadderClash
from dramaturg.repertoire.services.starter import copy_starter
from dramaturg.repertoire.starter_set import starter_entries
from dramaturg.schools.roles import Perm, role_has
from dramaturg.schools.tenancy import school_view


def _language() -> str:
    return (get_language() or "nl")[:2]


def _first_line(text: str) -> str:
    """The first sentence: enough to recognise the approach on a list."""
    head, dot, _rest = text.partition(". ")
    return head + (dot.strip() if dot else "")


@school_view(Perm.VIEW_SCHOOL)
@require_safe
def starter_list(request: HttpRequest) -> HttpResponse:
    school = request.school  # type: ignore[attr-defined]
    language = _language()
    codes = {c.key: c.name for c in CodeTag.objects.filter(school=school).exclude(key="")}
    copied = set(
        Entry.objects.filter(school=school)
        .exclude(template_key="")
        .values_list("template_key", flat=True)
    )
    rows = [
        {
            "key": starter.key,
            "title": starter.title(language),
            "clash": LadderClash(starter.clash).label,
            "risk": Ladder(starter.risk_ladder).label if starter.risk_ladder else "",
            "we_do": _first_line(starter.text("we_do", language)),
            "codes": [codes[key] for key in starter.codes if key in codes],
            "copied": starter.key in copied,
        }
        for starter in starter_entries().values()
    ]
    membership = request.membership  # type: ignore[attr-defined]
    return render(
        request,
        "repertoire/starter/list.html",
        {
            "school": school,
            "rows": rows,
            "can_copy": role_has(membership.role, Perm.FACILITATE),
        },
    )


@school_view(Perm.FACILITATE)
@require_POST
def starter_copy(request: HttpRequest, key: str) -> HttpResponse:
    school = request.school  # type: ignore[attr-defined]
    try:
        entry = copy_starter(request.user, school, key, language=_language())
    except RepertoireError as error:
        messages.error(request, str(error.message))
        return redirect("repertoire:starter", school.slug)
    messages.success(
        request,
        _(
            "“%(title)s” is now a draft in your repertoire. Discuss it, make it your own "
            "and adopt it together."
        )
        % {"title": entry.title},
    )
    return redirect("repertoire:entry_detail", school.slug, entry.pk)
