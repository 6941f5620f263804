"""The school's list of codes, kept by the leader and the development group."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dramaturg.repertoire.errors import RepertoireError
from dramaturg.repertoire.models import CodeTag
from dramaturg.repertoire.moment_forms import CodeForm
from dramaturg.repertoire.services import codes as service
from dramaturg.schools.roles import Perm
from dramaturg.schools.tenancy import get_in_school, school_view


def _code(request: HttpRequest, code_id: int) -> CodeTag:
    return get_in_school(CodeTag.objects.select_related("school"), request.school, pk=code_id)  # type: ignore[attr-defined]


def _back(request: HttpRequest, code: CodeTag | None = None) -> HttpResponse:
    response = redirect("repertoire:codes", request.school.slug)  # type: ignore[attr-defined]
    if code is not None:
        response["Location"] += f"#code-{code.pk}"
    return response


@school_view(Perm.FACILITATE)
def code_list(request: HttpRequest) -> HttpResponse:
    school = request.school  # type: ignore[attr-defined]
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            code = service.add_code(request.user, school, **form.cleaned_data)
        except RepertoireError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The code is added."))
            return _back(request, code)
    # A short list (a dozen codes): asking per code whether it is in use is cheap enough.
    rows = [(code, service.in_use(code)) for code in CodeTag.objects.filter(school=school)]
    return render(
        request,
        "repertoire/moments/codes.html",
        {
            "school": school,
            "rows": rows,
            "active": [row for row in rows if not row[0].retired],
            "retired": [row for row in rows if row[0].retired],
            "form": form,
        },
    )


@school_view(Perm.FACILITATE)
def code_edit(request: HttpRequest, code_id: int) -> HttpResponse:
    code = _code(request, code_id)
    form = CodeForm(
        request.POST if request.method == "POST" else None,
        initial={"name_nl": code.name_nl, "name_en": code.name_en},
    )
    if request.method == "POST" and form.is_valid():
        try:
            service.rename_code(request.user, code, **form.cleaned_data)
        except RepertoireError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The code is renamed."))
            return _back(request, code)
    return render(
        request,
        "repertoire/moments/code_edit.html",
        {"school": request.school, "code": code, "form": form},  # type: ignore[attr-defined]
    )


@school_view(Perm.FACILITATE)
@require_POST
def code_move(request: HttpRequest, code_id: int, direction: str) -> HttpResponse:
    code = _code(request, code_id)
    if direction not in ("up", "down"):
        raise Http404
    service.move_code(request.user, code, direction)
    messages.success(request, _("Moved."))
    return _back(request, code)


@school_view(Perm.FACILITATE)
@require_POST
def code_state(request: HttpRequest, code_id: int, action: str) -> HttpResponse:
    code = _code(request, code_id)
    if action not in ("retire", "restore"):
        raise Http404
    service.set_retired(request.user, code, action == "retire")
    if action == "retire":
        messages.success(
            request, _("The code is retired: it is no longer offered for new moments.")
        )
    else:
        messages.success(request, _("The code is back on the list."))
    return _back(request, code)


@school_view(Perm.FACILITATE)
def code_delete(request: HttpRequest, code_id: int) -> HttpResponse:
    code = _code(request, code_id)
    if request.method == "POST":
        try:
            service.delete_code(request.user, code)
        except RepertoireError as error:
            messages.error(request, str(error.message))
            return _back(request, code)
        messages.success(request, _("The code is deleted."))
        return _back(request)
    return render(
        request,
        "repertoire/moments/code_delete.html",
        {"school": request.school, "code": code, "in_use": service.in_use(code)},  # type: ignore[attr-defined]
    )
