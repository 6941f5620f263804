"""What reports keep: the computed figures of every round that has opened and the rendered
charts, both made by the background worker (`reports.derived`) so a page only reads them
back; the markers that keep two workers from computing the same thing at once; and the files
that are prepared in the background, for a week, for the one person who asked."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dramaturg.reports import summary_counts


class RoundSummary(models.Model):
    """The suppressed figures of a round (`reports.summaries`), as JSON, computed by the
    background worker whenever the round's inputs change (it opens, a batch of answers is
    released, it closes).

    `inputs` is a hash of what the figures were computed from (`summaries.round_inputs`):
    the worker compares it before and after computing and computes again when they differ.
    `schema` is the summary format's version; a summary of an older format counts as missing
    (`dramaturg recompute --summaries` rebuilds them all).
    """

    round = models.OneToOneField(
        "surveys.Round", on_delete=models.CASCADE, related_name="summary", primary_key=True
    )
    schema = models.PositiveSmallIntegerField()
    data = models.JSONField()
    inputs = models.CharField(max_length=64, blank=True)
    computed_at = models.DateTimeField(default=timezone.now)
    # Copies of three figures of `data`, so a list of rounds (the board overview) reads them
    # without decoding the whole document (`reports.summary_counts`); filled on every save.
    invited = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(null=True, blank=True)  # None: hidden
    collective_efficacy = models.FloatField(null=True, blank=True)

    def __str__(self) -> str:
        return f"summary of round {self.round_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Whoever stores a summary (on first view or in the background) keeps the copies in
        # step with the document; `update_fields` without `data` leaves them as they are.
        for name, value in summary_counts.counts(self.data or {}).items():
            setattr(self, name, value)
        fields = kwargs.get("update_fields")
        if fields is not None and "data" in fields:
            kwargs["update_fields"] = {*fields, "invited", "answered", "collective_efficacy"}
        super().save(*args, **kwargs)


class ChartImage(models.Model):
    """A chart's SVG, keyed by the hash of everything drawn in it (`reports.charts`).

    Stored, not only cached, so that every application server finds a chart another one
    asked for, and so a page never draws one: a page that finds no row (or one whose `svg`
    is still empty) asks the worker to draw it and says it is being prepared. `spec` is the
    drawing's input, so the worker, and `dramaturg recompute --charts`, can draw it again.
    """

    key = models.CharField(max_length=64, primary_key=True)
    spec = models.JSONField()
    svg = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    rendered_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"chart {self.key[:12]}"


class Derivation(models.Model):
    """A marker: this derived figure (a round's summary, a chart, a network's benchmark) is
    queued or being computed (`reports.derived`).

    Unique per (kind, key), so a thousand page views of a missing figure queue it once, and
    two workers never compute it at the same time: a worker claims the marker by moving it
    from queued to running in one UPDATE, and only one UPDATE can win. A request that comes
    while it runs sets `dirty`; the worker then computes once more before it removes the
    marker. A marker older than `derived.STALE_AFTER` (a worker killed hard, a lost queue)
    may be taken over.
    """

    class State(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"

    kind = models.CharField(max_length=20)
    key = models.CharField(max_length=100)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    dirty = models.BooleanField(default=False)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="one_derivation_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} ({self.state})"


class ExportJob(models.Model):
    """A file prepared in the background (`reports.tasks.run_export`) for one person.

    A job belongs to whoever asked for it: only that user, while still a member of the school
    with the permission the kind needs (`exporters.KIND_PERMS`), sees it or downloads the
    file. The file is kept in the database and deleted with the job after `KEEP_DAYS`
    (`dramaturg prune_exports`). `error` is a code whose text is shown in the reader's
    language; the traceback goes to the log, never to the page.
    """

    KEEP_DAYS = 7

    class State(models.TextChoices):
        QUEUED = "queued", _("waiting to be prepared")
        RUNNING = "running", _("being prepared")
        DONE = "done", _("ready to download")
        FAILED = "failed", _("failed")

    class Error(models.TextChoices):
        GONE = "gone", _("What you wanted to export no longer exists, so there is no file.")
        FAILED = (
            "failed",
            _(
                "Something went wrong while preparing the file. Please try again later; if it "
                "keeps failing, tell whoever runs Dramaturg for your school."
            ),
        )

    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="export_jobs"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs"
    )
    kind = models.CharField(max_length=20)
    object_id = models.PositiveBigIntegerField()
    # The object's name when the job was requested: shown even after the object is gone.
    title = models.CharField(max_length=300, blank=True)
    exporter = models.CharField(max_length=50)
    language = models.CharField(max_length=10)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    content = models.BinaryField(null=True, editable=False)
    filename = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    error = models.CharField(max_length=20, choices=Error.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The id of the django-tasks result (a UUID), for whoever looks into a stuck job.
    task_result_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["school", "requested_by", "-created_at"]),
            models.Index(fields=["created_at"]),
        ]

    def __str__(self) -> str:
        return f"export {self.pk} ({self.exporter} of {self.kind} {self.object_id})"

    @property
    def is_pending(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)

    @property
    def kept_until(self) -> datetime.datetime:
        return self.created_at + datetime.timedelta(days=self.KEEP_DAYS)
