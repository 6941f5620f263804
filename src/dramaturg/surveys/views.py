"""The facilitator's pages for measurement rounds: list, create, follow up, close, and classes.

Thin: the tenancy decorator authorises (leader or development group), `services` writes,
`results` decides which figures may be shown. No page names a respondent: response rates
and figures come only from the round's results object (`results.round_results`), in which
every suppression rule is already applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from dramaturg.core.paging import paginate
from dramaturg.schools.models import StudentGroup
from dramaturg.schools.roles import Perm
from dramaturg.schools.tenancy import get_in_school, school_view
from dramaturg.surveys import code_sheet, results, scale_rows, services
from dramaturg.surveys.forms import ClassForm, RoundForm
from dramaturg.surveys.models import Round
from dramaturg.surveys.services import RoundError

ROUNDS_PER_PAGE = 25


def _round(request: HttpRequest, round_id: int) -> Round:
    return get_in_school(Round.objects.all(), request.school, pk=round_id)  # type: ignore[attr-defined]


def _detail(round_: Round) -> HttpResponse:
    return redirect("surveys:round_detail", school_slug=round_.school.slug, round_id=round_.pk)


@school_view(Perm.FACILITATE)
def round_list(request: HttpRequest) -> HttpResponse:
    school = request.school  # type: ignore[attr-defined]
    paged = paginate(request, Round.objects.filter(school=school), ROUNDS_PER_PAGE)
    rounds = list(paged.object_list)
    answered = results.answered_counts(rounds)
    rows = [(round_, round_.status(), answered[round_.pk]) for round_ in rounds]
    return render(
        request, "surveys/round_list.html", {"school": school, "rows": rows, "paged": paged}
    )


@school_view(Perm.FACILITATE)
def round_create(request: HttpRequest) -> HttpResponse:
    school = request.school  # type: ignore[attr-defined]
    form = RoundForm(request.POST or None, school=school)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.create_round(request.user, school, form.plan())
        except RoundError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _created_message(round_))
            return _detail(round_)
    return render(request, "surveys/round_form.html", {"school": school, "form": form})


def _created_message(round_: Round) -> str:
    if round_.mode == Round.Mode.STAFF:
        invited = sum(t.invited for t in round_.targets.all())
        return ngettext(
            "The round “%(title)s” is ready. %(count)s person gets a personal link by e-mail.",
            "The round “%(title)s” is ready. %(count)s people get a personal link by e-mail.",
            invited,
        ) % {"title": round_.title, "count": invited}
    return _("The round “%(title)s” is ready. Give the classes their code or code sheet.") % {
        "title": round_.title
    }


@dataclass(frozen=True)
class InstrumentTable:
    title: dict[str, str]
    rows: list[scale_rows.ScaleRow]


def result_tables(round_: Round, found: results.RoundResults) -> list[InstrumentTable]:
    """The figures with their readings per instrument, one row per team or class in the
    round's order; a group without a score reads like a hidden one."""
    ids = [t.id for t in found.targets]
    classes = round_.mode == Round.Mode.STUDENTS
    return [
        InstrumentTable(
            first.instrument_title,
            [scale_rows.scale_row(found, s, classes=classes, groups=ids) for s in run],
        )
        for first, run in found.by_instrument()
    ]


@school_view(Perm.FACILITATE)
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = _round(request, round_id)
    found = results.round_results(round_)
    context: dict[str, Any] = {
        "school": request.school,  # type: ignore[attr-defined]
        "round": round_,
        "status": round_.status(),
        "results": found,
        "rates": found.targets,
        "targets": list(round_.targets.select_related("student_group"))
        if round_.mode == Round.Mode.STUDENTS
        else [],
        # Each person has one link in a staff round, so this counts people, not links.
        "asked": found.asked,
        "disputed": list(round_.targets.filter(disputes__gt=0).select_related("team")),
        "instruments": [ri.instrument for ri in round_.instruments.all()],
        "student_url": services.student_url() if round_.mode == Round.Mode.STUDENTS else "",
        "tables": result_tables(round_, found) if found.has_answers and found.closed else [],
    }
    return render(request, "surveys/round_detail.html", context)


@school_view(Perm.FACILITATE)
@require_POST
def round_remind(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = _round(request, round_id)
    if round_.mode != Round.Mode.STAFF:
        raise Http404
    try:
        services.remind(request.user, round_)
    except RoundError as error:
        messages.error(request, str(error.message))
        return _detail(round_)
    # No count: how many were reminded is how many have submitted, at this moment, while the
    # response rate moves only in batches (docs/anonymity.md).
    messages.success(request, _("A reminder went to everyone who has not answered yet."))
    return _detail(round_)


@school_view(Perm.FACILITATE)
@require_POST
def round_close(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = _round(request, round_id)
    try:
        services.close_round(request.user, round_)
    except RoundError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The round is closed: nobody can answer any more."))
    return _detail(round_)


@school_view(Perm.FACILITATE)
@never_cache
def round_codes(request: HttpRequest, round_id: int, target_id: int) -> HttpResponse:
    """The printable sheet of single-use codes for one class of the round."""
    round_ = _round(request, round_id)
    if round_.student_access != Round.StudentAccess.SINGLE_USE:
        raise Http404
    target = get_object_or_404(
        round_.targets.select_related("student_group"), pk=target_id, student_group__isnull=False
    )
    pdf = code_sheet.code_sheet_pdf(
        school=round_.school.name,
        round_title=round_.title,
        class_name=target.student_group.name,  # type: ignore[union-attr]
        codes=list(target.codes.values_list("code", flat=True)),
        answer_url=services.student_url(),
        closes_on=round_.last_day,
        language=translation.get_language() or "nl",
    )
    name = slugify(f"{round_.title} {target.student_group}") or "codes"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


@school_view(Perm.FACILITATE)
def class_list(request: HttpRequest) -> HttpResponse:
    school = request.school  # type: ignore[attr-defined]
    form = ClassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.add_class(
                request.user, school, form.cleaned_data["name"], form.cleaned_data["size"]
            )
        except RoundError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("Class %(name)s has been added.") % {"name": group.name})
            return redirect("surveys:classes", school_slug=school.slug)
    classes = StudentGroup.objects.filter(school=school).order_by("archived", "name")
    return render(
        request, "surveys/class_list.html", {"school": school, "form": form, "classes": classes}
    )
