"""Moments: record one (everyone), see all (development group and leader), see and delete
one's own (everyone, by the keyed author hash)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from dramaturg.repertoire.errors import RepertoireError
from dramaturg.repertoire.models import Involved, Moment
from dramaturg.repertoire.moment_forms import MomentFilterForm, MomentForm
from dramaturg.repertoire.services import moments as service
from dramaturg.schools.roles import Perm, role_has
from dramaturg.schools.tenancy import get_in_school, school_view

PER_PAGE = 20


def _can_facilitate(request: HttpRequest) -> bool:
    return role_has(request.membership.role, Perm.FACILITATE)  # type: ignore[attr-defined]


@school_view()
def moment_new(request: HttpRequest) -> HttpResponse:
    school = request.school  # type: ignore[attr-defined]
    form = MomentForm(school, request.POST if request.method == "POST" else None)
    name_check = False
    if request.method == "POST":
        valid = form.is_valid()
        # The warning shows beside any other error, so the author fixes everything at once.
        name_check = form.needs_name_check()
        if valid and not name_check:
            data = form.cleaned_data
            try:
                service.record_moment(
                    request.user,
                    school,
                    what_happened=data["what_happened"],
                    ladders=data["ladders"],
                    stage=data["stage"],
                    involved=data["involved"],
                    what_i_did=data["what_i_did"],
                    how_it_ended=data["how_it_ended"],
                    want_to_learn=data["want_to_learn"],
                    codes=data["codes"],
                    show_author=data["show_author"],
                )
            except RepertoireError as error:
                messages.error(request, str(error.message))
            else:
                messages.success(
                    request,
                    _("Thank you. Your moment is saved; you can delete it here at any time."),
                )
                return redirect("repertoire:moment_mine", school.slug)
    return render(
        request,
        "repertoire/moments/form.html",
        {
            "school": school,
            "form": form,
            "name_check": name_check,
            "highlighted": form.highlighted() if name_check else [],
            "warned_words": " ".join(form.warned_words) if name_check else "",
        },
    )


@school_view(Perm.FACILITATE)
def moment_list(request: HttpRequest) -> HttpResponse:
    school = request.school  # type: ignore[attr-defined]
    moments = service.moments_of_school(request.user, school)
    filters = MomentFilterForm(school, request.GET or None)
    if filters.is_valid():
        moments = service.filter_moments(moments, **filters.cleaned_data)
    elif filters.is_bound:
        messages.error(request, _("This filter is not valid; all moments are shown."))
    page = Paginator(moments, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "repertoire/moments/list.html",
        {
            "school": school,
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "filtered": filters.is_bound,
            "involved_labels": dict(Involved.choices),
        },
    )


@school_view()
def moment_mine(request: HttpRequest) -> HttpResponse:
    school = request.school  # type: ignore[attr-defined]
    page = Paginator(service.my_moments(request.user, school), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "repertoire/moments/mine.html",
        {
            "school": school,
            "page": page,
            "can_facilitate": _can_facilitate(request),
            "involved_labels": dict(Involved.choices),
        },
    )


@school_view()
def moment_delete(request: HttpRequest, moment_id: int) -> HttpResponse:
    school = request.school  # type: ignore[attr-defined]
    # Scoped to the author: anyone else's moment, or another school's, is a 404.
    moment = get_in_school(
        Moment.objects.filter(service.recorded_by(request.user, school)).prefetch_related("codes"),
        school,
        pk=moment_id,
    )
    if request.method == "POST":
        try:
            service.delete_moment(request.user, moment)
        except RepertoireError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The moment is deleted."))
        return redirect(reverse("repertoire:moment_mine", args=[school.slug]))
    return render(
        request,
        "repertoire/moments/delete.html",
        {"school": school, "moment": moment, "involved_labels": dict(Involved.choices)},
    )
