"""Background exports: ask for a file, find your own jobs, forget old ones.

`request_export` records an `ExportJob` and queues `tasks.run_export` once the job is
committed (`transaction.on_commit`), so the worker never looks for a job that is not there
yet. A job is private to whoever asked for it: `job_for` and `jobs_of` return only the
requester's own jobs, and only of kinds the requester may still export in that school.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from dramaturg.reports import exporters
from dramaturg.reports.models import ExportJob
from dramaturg.schools.models import School
from dramaturg.schools.roles import role_has
from dramaturg.schools.tenancy import authorize_school, school_membership

logger = logging.getLogger(__name__)


def request_export(
    user: Any,
    school: School,
    kind: str,
    obj: Any,
    exporter: exporters.Exporter,
    language: str,
) -> ExportJob:
    """Queue `exporter` for `obj` (an object of `school`) and return the new job.

    Refuses (PermissionDenied) a user without the kind's permission in the school, and
    (ValueError) an exporter of another kind or an object of another school.
    """
    authorize_school(user, school, exporters.KIND_PERMS[kind])
    if exporter.kind != kind:
        raise ValueError(f"exporter {exporter.key!r} does not export a {kind}")
    # A kind whose object is the school itself (the repertoire booklet) belongs to that school.
    owner = obj.pk if isinstance(obj, School) else obj.school_id
    if owner != school.pk:
        raise ValueError(f"{kind} {obj.pk} is not of school {school.pk}")
    with transaction.atomic():
        job = ExportJob.objects.create(
            school=school,
            requested_by=user,
            kind=kind,
            object_id=obj.pk,
            title=str(obj)[:300],
            exporter=exporter.key,
            language=language,
        )
        transaction.on_commit(lambda: enqueue(job.pk))
    return job


def enqueue(job_id: int) -> None:
    """Hand the job to the task queue; if even that fails, the job fails visibly."""
    from dramaturg.reports.tasks import run_export

    try:
        result = run_export.enqueue(job_id)
    except Exception:
        logger.exception("could not queue export job %s", job_id)
        fail(job_id, ExportJob.Error.FAILED)
        return
    ExportJob.objects.filter(pk=job_id).update(task_result_id=str(result.id))


def fail(job_id: int, error: str) -> None:
    ExportJob.objects.filter(pk=job_id).update(
        state=ExportJob.State.FAILED, error=error, content=None, finished_at=timezone.now()
    )


def exportable_kinds(user: Any, school: School) -> list[str]:
    """The kinds of object the user may export in the school (none for a non-member)."""
    membership = school_membership(user, school)
    if membership is None:
        return []
    return [kind for kind, perm in exporters.KIND_PERMS.items() if role_has(membership.role, perm)]


def jobs_of(user: Any, school: School) -> QuerySet[ExportJob]:
    """The user's own export jobs in the school, newest first, without the files."""
    return ExportJob.objects.filter(
        school=school, requested_by=user, kind__in=exportable_kinds(user, school)
    ).defer("content")


def job_for(user: Any, school: School, job_id: int) -> ExportJob:
    """The user's own job, or 404: for anyone else, and for a requester who lost the right."""
    job = jobs_of(user, school).filter(pk=job_id).first()
    if job is None:
        raise Http404
    return job


def job_content(job: ExportJob) -> bytes | None:
    """The prepared file of a finished job, loaded only when it is downloaded."""
    if job.state != ExportJob.State.DONE:
        return None
    content = ExportJob.objects.filter(pk=job.pk).values_list("content", flat=True).first()
    return bytes(content) if content is not None else None


def object_of(job: ExportJob) -> Any | None:
    """The job's object, if it still exists and still belongs to the job's school."""
    model = apps.get_model(exporters.KINDS[job.kind])
    if model is School:  # the object is the school itself (the repertoire booklet)
        return School.objects.filter(pk=job.object_id).filter(pk=job.school_id).first()
    return model.objects.filter(pk=job.object_id, school_id=job.school_id).first()


def prune_old_jobs(now: datetime.datetime | None = None) -> int:
    """Delete jobs (and their files) older than `ExportJob.KEEP_DAYS`, with their queue rows."""
    from django_tasks_db.models import DBTaskResult

    from dramaturg.reports.tasks import run_export

    cutoff = (now or timezone.now()) - datetime.timedelta(days=ExportJob.KEEP_DAYS)
    deleted, _ = ExportJob.objects.filter(created_at__lt=cutoff).delete()
    DBTaskResult.objects.finished().filter(
        task_path=run_export.module_path, finished_at__lt=cutoff
    ).delete()
    return deleted
