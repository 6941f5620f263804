"""In the moment: the adopted repertoire on a phone ("What do we do when …"), and its booklet.

Every member of the school reads it. The page shows each entry's last adopted version, never a
draft; the search and filters are plain GET parameters, so the page works without JavaScript
and a search can be bookmarked.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from dramaturg.core.paging import paginate
from dramaturg.repertoire.adopted import adopted_entries, search
from dramaturg.repertoire.models import CodeTag, Ladder
from dramaturg.repertoire.snapshot import labels
from dramaturg.repertoire.views.common_entries import can, language
from dramaturg.schools.roles import Perm
from dramaturg.schools.tenancy import school_view

QUERY_MAX = 200
# A phone shows twenty entries at a time; a school with hundreds pages through them.
PER_PAGE = 20


@school_view()
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    school = request.school  # type: ignore[attr-defined]
    query = request.GET.get("q", "")[:QUERY_MAX].strip()
    ladder = request.GET.get("ladder", "")
    ladder = ladder if ladder in Ladder.values else ""
    codes = list(CodeTag.objects.filter(school=school, retired=False))
    code_param = request.GET.get("code", "")
    code = next((c for c in codes if str(c.pk) == code_param), None)
    everything = adopted_entries(school, language())
    found = search(everything, query, ladder, code.pk if code else None)
    paged = paginate(request, found, PER_PAGE)
    return render(
        request,
        "repertoire/entries/index.html",
        {
            "school": school,
            "entries": paged.page,
            "found": len(found),
            "paged": paged,
            "total": len(everything),
            "query": query,
            "ladder": ladder,
            "ladders": Ladder.choices,
            "codes": codes,
            "code": code,
            "filtered": bool(query or ladder or code),
            "labels": labels(),
            "can_create": can(request, Perm.FACILITATE),
        },
    )
