"""Cases: the list and the case page for everyone of the school; creating, editing, deleting
and bundling moments for the leader and the development group (`Perm.FACILITATE`).

Thin: `school_view` authorises, `get_case` scopes the case to the request's school (another
school's case is a 404), the services write. The case page shows its moments only through
`services.cases.shared_moments`, which carries no author.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from dramaturg.core.paging import paginate
from dramaturg.core.stages import Stage
from dramaturg.repertoire.errors import RepertoireError
from dramaturg.repertoire.models import Case, CodeTag, Entry, LadderClash
from dramaturg.repertoire.services import cases as services
from dramaturg.schools.roles import Perm, role_has
from dramaturg.schools.tenancy import get_in_school, school_view


class CodeChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: CodeTag) -> str:  # type: ignore[override]
        return obj.name


class CaseForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Situation"),
        max_length=Case._meta.get_field("title").max_length,
        help_text=gettext_lazy(
            "A recognisable situation in one line, e.g. “a student loses face when corrected "
            "in front of the class”. Name no student, parent or colleague."
        ),
    )
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    clash = forms.ChoiceField(
        label=gettext_lazy("Which ladders' codes clash"),
        choices=LadderClash.choices,
        widget=forms.RadioSelect,
    )
    stage = forms.ChoiceField(
        label=gettext_lazy("Stage"),
        required=False,
        choices=[("", gettext_lazy("No particular stage")), *Stage.choices],
    )
    codes = CodeChoices(
        label=gettext_lazy("Codes"),
        queryset=CodeTag.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    questions = forms.CharField(
        label=gettext_lazy("Guiding questions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "One question per line. Leave empty to use the suggested questions, shown in "
            "each reader's language."
        ),
    )
    meeting_on = forms.DateField(
        label=gettext_lazy("On the agenda of the team meeting of"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, school: Any, case: Case | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # The school's current codes, and any retired one the case already has.
        codes = CodeTag.objects.filter(school=school)
        keep = list(case.codes.values_list("pk", flat=True)) if case else []
        self.fields["codes"].queryset = codes.exclude(retired=True) | codes.filter(pk__in=keep)  # type: ignore[attr-defined]


def _initial(case: Case) -> dict[str, Any]:
    return {
        "title": case.title,
        "description": case.description,
        "clash": case.clash,
        "stage": case.stage,
        "codes": list(case.codes.all()),
        "questions": case.questions,
        "meeting_on": case.meeting_on,
    }


def get_case(request: HttpRequest, case_id: int) -> Case:
    return get_in_school(
        Case.objects.select_related("school"),
        request.school,  # type: ignore[attr-defined]
        pk=case_id,
    )


def _can_facilitate(request: HttpRequest) -> bool:
    return role_has(request.membership.role, Perm.FACILITATE)  # type: ignore[attr-defined]


@school_view(Perm.VIEW_SCHOOL)
@require_safe
def case_list(request: HttpRequest) -> HttpResponse:
    school = request.school  # type: ignore[attr-defined]
    cases = Case.objects.filter(school=school).annotate(moment_count=Count("moments"))
    context = {
        "school": school,
        "cases": cases,
        "can_facilitate": _can_facilitate(request),
    }
    return render(request, "repertoire/cases/list.html", context)


def _save(request: HttpRequest, form: CaseForm, case: Case | None) -> HttpResponse | None:
    """Run the service on a valid form; a refusal becomes the form's error."""
    if not form.is_valid():
        return None
    school = request.school  # type: ignore[attr-defined]
    values = {name: form.cleaned_data[name] for name in services.CASE_FIELDS}
    try:
        if case is None:
            case = services.create_case(request.user, school, **values)
            messages.success(request, _("The case is made. Now bundle moments into it."))
        else:
            services.update_case(request.user, case, **values)
            messages.success(request, _("The case is saved."))
    except RepertoireError as error:
        form.add_error(None, str(error.message))
        return None
    return redirect("repertoire:case_detail", school.slug, case.pk)


@school_view(Perm.FACILITATE)
@require_http_methods(["GET", "HEAD", "POST"])
def case_create(request: HttpRequest) -> HttpResponse:
    school = request.school  # type: ignore[attr-defined]
    form = CaseForm(request.POST or None, school=school)
    if request.method == "POST" and (done := _save(request, form, None)):
        return done
    context = {"school": school, "form": form, "defaults": services.default_questions()}
    return render(request, "repertoire/cases/form.html", context)


@school_view(Perm.FACILITATE)
@require_http_methods(["GET", "HEAD", "POST"])
def case_edit(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_case(request, case_id)
    data = request.POST if request.method == "POST" else None
    form = CaseForm(data, school=case.school, case=case, initial=_initial(case))
    if request.method == "POST" and (done := _save(request, form, case)):
        return done
    context = {
        "school": case.school,
        "case": case,
        "form": form,
        "defaults": services.default_questions(),
    }
    return render(request, "repertoire/cases/form.html", context)


UNBUNDLED_PER_PAGE = 20


@school_view(Perm.VIEW_SCHOOL)
@require_safe
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_case(request, case_id)
    facilitator = _can_facilitate(request)
    questions, suggested = services.questions_of(case)
    context: dict[str, Any] = {
        "school": case.school,
        "case": case,
        "facts": services.case_facts(case),
        "moments": services.shared_moments(case),
        "questions": questions,
        "suggested": suggested,
        "privacy_note": services.PRIVACY_NOTE,
        "can_facilitate": facilitator,
        # The entries that answer this case; archived ones are no longer the team's answer.
        "entries": case.entries.exclude(state=Entry.State.ARCHIVED).order_by("title_nl"),
    }
    if facilitator:
        # A school that records for years has many moments outside a case: a page at a time.
        paged = paginate(request, services.unbundled_moments(case.school), UNBUNDLED_PER_PAGE)
        context["unbundled"] = paged.page
        context["unbundled_pages"] = paged
    return render(request, "repertoire/cases/detail.html", context)


@school_view(Perm.FACILITATE)
@require_POST
def case_add_moments(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_case(request, case_id)
    chosen = request.POST.getlist("moments")
    added = services.add_moments(request.user, case, chosen)
    if not chosen:
        messages.error(request, _("Tick the moments you want to add to this case."))
    elif added < len(set(chosen)):
        messages.error(
            request,
            _(
                "%(added)s of %(chosen)s moments were added. The others are not moments of "
                "your school that are still outside a case."
            )
            % {"added": added, "chosen": len(set(chosen))},
        )
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s moment was added to this case.",
                "%(count)s moments were added to this case.",
                added,
            )
            % {"count": added},
        )
    return redirect("repertoire:case_detail", case.school.slug, case.pk)


@school_view(Perm.FACILITATE)
@require_POST
def case_remove_moment(request: HttpRequest, case_id: int, moment_id: int) -> HttpResponse:
    case = get_case(request, case_id)
    if services.remove_moment(request.user, case, moment_id):
        messages.success(request, _("The moment is no longer part of this case."))
    else:
        messages.error(request, _("That moment is not part of this case."))
    return redirect("repertoire:case_detail", case.school.slug, case.pk)


@school_view(Perm.FACILITATE)
@require_http_methods(["GET", "HEAD", "POST"])
def case_delete(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_case(request, case_id)
    if request.method == "POST":
        school = case.school
        services.delete_case(request.user, case)
        messages.success(
            request,
            _("The case is deleted. Its moments are no longer in a case."),
        )
        return redirect("repertoire:cases", school.slug)
    context = {"school": case.school, "case": case, "count": case.moments.count()}
    return render(request, "repertoire/cases/delete.html", context)
