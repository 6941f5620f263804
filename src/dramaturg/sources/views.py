"""The sources library: the shipped sources plus the school's own, and adding one."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from dramaturg.core.stages import Stage
from dramaturg.schools.roles import Perm, role_has
from dramaturg.schools.tenancy import school_view
from dramaturg.sources import services
from dramaturg.sources.forms import SourceFilterForm, SourceForm
from dramaturg.sources.models import Source


@school_view()
def source_list(request: HttpRequest) -> HttpResponse:
    school = request.school  # type: ignore[attr-defined]
    filters = SourceFilterForm(request.GET)
    stage = kind = ""
    if filters.is_valid():
        stage, kind = filters.cleaned_data["stage"], filters.cleaned_data["kind"]
    sources = Source.objects.for_school(school).order_by("title")
    if kind:
        sources = sources.filter(kind=kind)
    # `stages` is a JSON list; the library is small, so the stage filter runs in Python
    # (SQLite has no JSON "contains").
    rows = [source for source in sources if not stage or stage in source.stages]
    return render(
        request,
        "sources/list.html",
        {
            "school": school,
            "filters": filters,
            "sources": rows,
            "filtered": bool(stage or kind),
            "stage_choices": Stage.choices,
            "can_facilitate": role_has(request.membership.role, Perm.FACILITATE),  # type: ignore[attr-defined]
        },
    )


@school_view(Perm.FACILITATE)
def source_create(request: HttpRequest) -> HttpResponse:
    school = request.school  # type: ignore[attr-defined]
    form = SourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        source = services.create_source(
            request.user, school, **{name: form.cleaned_data[name] for name in services.FIELDS}
        )
        messages.success(request, _("“%(title)s” is in the library now.") % {"title": source.title})
        return redirect("sources:list", school_slug=school.slug)
    return render(request, "sources/create.html", {"school": school, "form": form})
