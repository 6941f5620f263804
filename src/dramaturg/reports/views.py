"""Downloads: an object of the school through one of the registered exporters.

Thin: the tenancy decorator authorises, `get_in_school` scopes the object to the school,
the registry finds the exporter (an unknown key is a 404) and renders in the reader's
language. What each kind of object needs is `exporters.KIND_PERMS`.

An exporter with `background = True` is never built inside a request. Its button POSTs to
`exports` (`reports:exports`), which queues a job (`services.request_export`) and sends the
reader to the job's page; that page refreshes itself until the file is ready
(docs/background-tasks.md). Jobs are private: `services.job_for` is a 404 for anyone but
the requester.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from dramaturg.cards.models import Card
from dramaturg.repertoire.models import Case
from dramaturg.reports import exporters, services
from dramaturg.reports.models import ExportJob
from dramaturg.schools.models import School
from dramaturg.schools.roles import Perm, role_has
from dramaturg.schools.tenancy import get_in_school, school_view
from dramaturg.surveys.models import Round


def _language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


@school_view(exporters.KIND_PERMS[exporters.ROUND])
@require_safe
@never_cache
def round_export(request: HttpRequest, round_id: int, key: str) -> HttpResponse:
    exporter = exporters.get(exporters.ROUND, key)
    school = request.school  # type: ignore[attr-defined]
    round_ = get_in_school(Round.objects.select_related("school"), school, pk=round_id)
    if exporter.background:
        # Too slow for a request: offer to prepare it instead (an old link lands here).
        context = {"school": school, "object": round_, "exporter": exporter}
        return render(request, "reports/export_prepare.html", context)
    return exporter.response(round_, _language())


@school_view(exporters.KIND_PERMS[exporters.CASE])
@require_safe
@never_cache
def case_export(request: HttpRequest, case_id: int, key: str) -> HttpResponse:
    """A repertoire case's discussion sheet as a file, for everyone who may read the case.
    Here rather than in the repertoire, which sits below reports and never imports it."""
    exporter = exporters.get(exporters.CASE, key)
    school = request.school  # type: ignore[attr-defined]
    case = get_in_school(Case.objects.select_related("school"), school, pk=case_id)
    if exporter.background:
        context = {"school": school, "object": case, "exporter": exporter}
        return render(request, "reports/export_prepare.html", context)
    return exporter.response(case, _language())


@school_view(Perm.VIEW_SCHOOL)
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def exports(request: HttpRequest) -> HttpResponse:
    """GET: the reader's own exports in this school. POST (kind, object_id, key): a new one."""
    school = request.school  # type: ignore[attr-defined]
    if request.method == "POST":
        return _request_export(request, school)
    jobs = [
        (job, exporters.find(job.kind, job.exporter))
        for job in services.jobs_of(request.user, school)
    ]
    context = {"school": school, "jobs": jobs, "keep_days": ExportJob.KEEP_DAYS}
    return render(request, "reports/export_list.html", context)


def _request_export(request: HttpRequest, school) -> HttpResponse:
    kind = request.POST.get("kind", "")
    if kind not in exporters.KINDS:
        raise Http404
    if not role_has(request.membership.role, exporters.KIND_PERMS[kind]):  # type: ignore[attr-defined]
        raise PermissionDenied
    exporter = exporters.get(kind, request.POST.get("key", ""))
    object_id = request.POST.get("object_id", "")
    if not (object_id.isascii() and object_id.isdigit()):
        raise Http404
    model = apps.get_model(exporters.KINDS[kind])
    if model is School:
        # A kind whose object is the school itself (the repertoire booklet): only this school.
        if int(object_id) != school.pk:
            raise Http404
        obj = school
    else:
        obj = get_in_school(model.objects.all(), school, pk=int(object_id))
    job = services.request_export(request.user, school, kind, obj, exporter, _language())
    return redirect("reports:export_job", school.slug, job.pk)


@school_view(Perm.VIEW_SCHOOL)
@require_safe
@never_cache
def export_job(request: HttpRequest, job_id: int) -> HttpResponse:
    """The job's state; while it waits, the page refreshes itself (htmx, or a meta refresh)."""
    school = request.school  # type: ignore[attr-defined]
    job = services.job_for(request.user, school, job_id)
    exporter = exporters.find(job.kind, job.exporter)
    context = {"school": school, "job": job, "exporter": exporter}
    if not getattr(request, "htmx", False):
        response = render(request, "reports/export_job.html", context)
    elif request.GET.get("since") == job.state:
        response = HttpResponse(status=204)  # unchanged: htmx keeps what it shows and asks again
    else:
        response = render(request, "reports/export_job.html#status", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@school_view(Perm.VIEW_SCHOOL)
@require_safe
@never_cache
def export_download(request: HttpRequest, job_id: int) -> HttpResponse:
    job = services.job_for(request.user, request.school, job_id)  # type: ignore[attr-defined]
    content = services.job_content(job)
    if content is None:
        raise Http404
    response = HttpResponse(content, content_type=job.content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=job.filename
    )
    return response


@school_view(exporters.KIND_PERMS[exporters.CARD])
@require_safe
@never_cache
def card_export(request: HttpRequest, card_id: int, key: str) -> HttpResponse:
    """A card as a file, for everyone who may read the card (an archived one too)."""
    exporter = exporters.get(exporters.CARD, key)
    school = request.school  # type: ignore[attr-defined]
    card = get_in_school(Card.objects.select_related("school", "team"), school, pk=card_id)
    if exporter.background:
        context = {"school": school, "object": card, "exporter": exporter}
        return render(request, "reports/export_prepare.html", context)
    return exporter.response(card, _language())
