"""The background tasks of reports, run by `dramaturg db_worker` (django-tasks).

`compute_summaries(keys)` and `render_charts(keys)` compute derived figures that pages only
read (`reports.derived`): round summaries (`reports.summaries`) and chart SVGs
(`reports.charts`). Each returns how many keys it computed, skipped (another worker held
them) and failed.

`run_export(job_id)` takes an `ExportJob` from queued to running, builds the file through the
exporter registry in the requester's language and stores it on the job; or marks the job
failed with a short message the requester can read. The exception itself goes to the log.
"""

from __future__ import annotations

import logging

from django.utils import timezone
from django_tasks import task

from dramaturg.reports import charts, derived, exporters, services, summaries
from dramaturg.reports.models import ExportJob

logger = logging.getLogger(__name__)


@task()
def compute_summaries(keys: list[str]) -> dict[str, int]:
    """Compute and store the summaries of these rounds (keys are round ids)."""
    return derived.run(derived.SUMMARY, keys, summaries.compute_one)


@task()
def render_charts(keys: list[str]) -> dict[str, int]:
    """Draw and store these charts (keys are `ChartImage` keys)."""
    return derived.run(derived.CHART, keys, charts.render_stored)


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
