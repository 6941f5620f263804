"""What reports keep: the computed figures of closed rounds, so a dashboard reads them back in
one query instead of recomputing every past round on every page view."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class RoundSummary(models.Model):
    """The suppressed figures of a closed round (`reports.summaries`), as JSON.

    Only closed rounds are stored: their responses, targets and threshold can no longer
    change, so the summary never goes stale. `schema` is the summary format's version; a
    summary of an older format is recomputed on first read.
    """

    round = models.OneToOneField(
        "surveys.Round", on_delete=models.CASCADE, related_name="summary", primary_key=True
    )
    schema = models.PositiveSmallIntegerField()
    data = models.JSONField()
    computed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"summary of round {self.round_id}"
