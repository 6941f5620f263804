"""Derived figures computed by the background worker, never inside a request.

A round's summary, a chart's SVG and a network's benchmark snapshot are each computed by a
task of the database queue (`dramaturg db_worker`, docs/background-tasks.md) when their
inputs change, and stored. A page reads what is stored; what is missing it *requests* and
shows as "being prepared".

`request(kind, keys, task)` queues the keys once the transaction commits, so a task never
looks for rows that a rollback took away. One `Derivation` marker per (kind, key) makes
this cheap and safe:

- **Queued once.** A key with a marker is not queued again: a thousand views of a missing
  figure cost one task. The marker is made and the task queued in a constant number of
  queries, however many keys a page lacks.
- **Computed once at a time.** A worker claims a key by moving its marker from queued to
  running in one UPDATE; only one UPDATE can win, the other worker skips the key.
- **Never stale.** A request for a key that is running sets `dirty`; the worker computes it
  again before removing the marker, so a change made while it computed is never lost.
- **Never stuck.** A marker older than `STALE_AFTER` (a worker killed hard, a pruned queue)
  may be taken over by the next request or worker.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dramaturg.reports.models import Derivation

logger = logging.getLogger(__name__)

SUMMARY, CHART, BENCHMARK = "summary", "chart", "benchmark"
STALE_AFTER = dt.timedelta(minutes=15)
KEEP_FINISHED = dt.timedelta(days=1)  # the queue's finished rows, for whoever looks into one
MAX_PASSES = 3  # a key whose inputs keep changing is left for the next request after this


def request(kind: str, keys: Iterable[Any], task: Any) -> None:
    """Queue the keys' computation once the current transaction commits."""
    wanted = sorted({str(key) for key in keys})
    if wanted:
        transaction.on_commit(lambda: request_now(kind, wanted, task))


def request_now(kind: str, keys: Iterable[Any], task: Any) -> int:
    """Queue the keys that are not queued yet; mark the running ones dirty. Returns how
    many keys were queued. Four queries at most, whatever the number of keys."""
    wanted = sorted({str(key) for key in keys})
    if not wanted:
        return 0
    now = timezone.now()
    stale = now - STALE_AFTER
    markers = Derivation.objects.filter(kind=kind, key__in=wanted)
    existing = {
        key: (state, changed)
        for key, state, changed in markers.values_list("key", "state", "changed_at")
    }
    running = [
        key
        for key, (state, changed) in existing.items()
        if state == Derivation.State.RUNNING and changed >= stale
    ]
    taken = [key for key, (_state, changed) in existing.items() if changed < stale]
    new = [key for key in wanted if key not in existing]
    if running:
        marked = markers.filter(key__in=running, state=Derivation.State.RUNNING)
        if marked.update(dirty=True) < len(running):
            # A worker finished in between and removed its marker: queue those afresh.
            left = set(
                Derivation.objects.filter(kind=kind, key__in=running).values_list("key", flat=True)
            )
            new += [key for key in running if key not in left]
    if taken:
        markers.filter(key__in=taken, changed_at__lt=stale).update(
            state=Derivation.State.QUEUED, dirty=False, changed_at=now
        )
    if new:
        Derivation.objects.bulk_create(
            [Derivation(kind=kind, key=key, changed_at=now) for key in new],
            ignore_conflicts=True,  # another request made it first: its task will do
        )
    todo = sorted(set(new) | set(taken))
    if todo:
        task.enqueue(todo)
    return len(todo)


def pending(kind: str, keys: Iterable[Any]) -> set[str]:
    """The keys that are queued or being computed."""
    wanted = {str(key) for key in keys}
    return set(Derivation.objects.filter(kind=kind, key__in=wanted).values_list("key", flat=True))


def run(kind: str, keys: Iterable[str], compute: Callable[[str], Any]) -> dict[str, int]:
    """The worker's side: claim each key, compute it, and release it; a key another worker
    holds is skipped. A failure is logged and releases the key, so a later request may try
    again. Returns how many keys were computed, skipped and failed."""
    counts = {"done": 0, "skipped": 0, "failed": 0}
    for key in keys:
        now = timezone.now()
        claimed = (
            Derivation.objects.filter(kind=kind, key=key)
            .filter(Q(state=Derivation.State.QUEUED) | Q(changed_at__lt=now - STALE_AFTER))
            .update(state=Derivation.State.RUNNING, dirty=False, changed_at=now)
        )
        if not claimed:
            counts["skipped"] += 1
            continue
        marker = Derivation.objects.filter(kind=kind, key=key)
        try:
            for _pass in range(MAX_PASSES):
                compute(key)
                # Removed only if nobody asked again while it ran; else compute once more.
                if marker.filter(dirty=False).delete()[0]:
                    break
                marker.update(dirty=False, changed_at=timezone.now())
            else:
                marker.delete()
            counts["done"] += 1
        except Exception:
            logger.exception("computing %s %s failed", kind, key)
            marker.delete()
            counts["failed"] += 1
    return counts


def prune_finished(task_functions: Iterable[Any], keep: dt.timedelta = KEEP_FINISHED) -> int:
    """Delete the queue's rows of these tasks that finished longer ago than `keep`."""
    from django_tasks_db.models import DBTaskResult

    paths = [t.module_path for t in task_functions]
    cutoff = timezone.now() - keep
    rows = DBTaskResult.objects.finished().filter(task_path__in=paths, finished_at__lt=cutoff)
    return rows.delete()[0]
