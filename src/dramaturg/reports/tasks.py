"""The background task behind slow exports, run by `dramaturg db_worker` (django-tasks).

`run_export(job_id)` takes an `ExportJob` from queued to running, builds the file through the
exporter registry in the requester's language and stores it on the job; or marks the job
failed with a short message the requester can read. The exception itself goes to the log.
"""

from __future__ import annotations

import logging

from django.utils import timezone
from django_tasks import task

from dramaturg.reports import exporters, services
from dramaturg.reports.models import ExportJob

logger = logging.getLogger(__name__)


@task()
def run_export(job_id: int) -> str:
    """Build the job's file; returns the job's final state (kept by the task backend)."""
    services.prune_old_jobs()  # opportunistic: old files go even if nobody runs the command
    claimed = ExportJob.objects.filter(pk=job_id, state=ExportJob.State.QUEUED).update(
        state=ExportJob.State.RUNNING
    )
    if not claimed:
        return "skipped"  # pruned, or already taken by another worker
    job = ExportJob.objects.defer("content").get(pk=job_id)
    try:
        obj = services.object_of(job)
        if obj is None:
            services.fail(job_id, ExportJob.Error.GONE)
            return ExportJob.State.FAILED.value
        exporter = exporters.find(job.kind, job.exporter)
        if exporter is None:
            raise LookupError(f"no exporter {job.exporter!r} for a {job.kind}")
        content = exporter.render(obj, job.language)
        filename = exporter.filename(obj, job.language)
    except Exception:
        logger.exception("export job %s (%s of %s) failed", job_id, job.exporter, job.kind)
        services.fail(job_id, ExportJob.Error.FAILED)
        return ExportJob.State.FAILED.value
    ExportJob.objects.filter(pk=job_id).update(
        state=ExportJob.State.DONE,
        content=content,
        filename=filename,
        content_type=exporter.content_type,
        finished_at=timezone.now(),
    )
    return ExportJob.State.DONE.value
