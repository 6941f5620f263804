"""What `dramaturg recompute` queues from reports: round summaries and charts.

Each function returns the keys to queue; the command queues them in chunks
(`derived.request_now`), so a rebuild of fifty thousand rounds is a few hundred tasks that
several workers can share. `due=True` picks only what is missing or out of date (the daily
run); otherwise everything is rebuilt (after a change of the summary format, say).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from dramaturg.reports.charts import RENDER_VERSION, _matplotlib_version
from dramaturg.reports.models import ChartImage
from dramaturg.reports.summaries import SCHEMA
from dramaturg.surveys.models import Round


def summary_keys(*, due: bool, today: dt.date | None = None) -> list[str]:
    """Rounds that have opened; with `due`, only those without a current summary: none, an
    older schema, or an open round's summary of a round that has closed since."""
    today = today or timezone.localdate()
    rounds = Round.objects.filter(opens_on__lte=today)
    if due:
        closed = Q(closed_early_on__isnull=False) | Q(closes_on__lt=today)
        rounds = rounds.filter(
            Q(summary__isnull=True)
            | ~Q(summary__schema=SCHEMA)
            | (closed & Q(summary__data__closed=False))
        )
    return [str(pk) for pk in rounds.order_by("pk").values_list("pk", flat=True)]


def chart_keys(*, due: bool) -> tuple[list[str], int]:
    """Charts to draw again, and how many stored charts of an older drawing were removed
    (no page asks for them any more: their key hashes the old version; a page that needs
    the chart asks for it under the new one). With `due`, only charts not drawn yet."""
    version, matplotlib = RENDER_VERSION, _matplotlib_version()
    old = ChartImage.objects.exclude(spec__version=version, spec__matplotlib=matplotlib)
    removed = 0 if due else old.delete()[0]
    rows = ChartImage.objects.all()
    if due:
        rows = rows.filter(svg="")
    return list(rows.order_by("key").values_list("key", flat=True)), removed
