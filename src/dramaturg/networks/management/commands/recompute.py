"""`dramaturg recompute [--summaries] [--charts] [--benchmarks] [--due] [--wait]`: queue the
background worker's derived figures (docs/background-tasks.md).

Without `--due` it rebuilds everything of the kinds named (all three when none is named):
after a change of the summary format or of the charts' drawing. With `--due` it queues only
what is missing or out of date — rounds that closed by their date, a half year that ended —
and is meant to run daily beside `release_answers`. It prints how many it queued per kind;
with `--wait` it then prints how many are done until the worker has finished them all.

It lives in networks because it reaches every layer that keeps derived figures (reports and
networks); the queuing itself is `reports.derived`.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from dramaturg.networks import benchmarks
from dramaturg.reports import derived, rebuild, tasks
from dramaturg.reports.models import Derivation

CHUNK = 100  # keys per task: several workers can share a large rebuild


class Command(BaseCommand):
    verbosity = 1
    help = "Queue the rebuild of round summaries, charts and network benchmarks."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--summaries", action="store_true", help="round summaries")
        parser.add_argument("--charts", action="store_true", help="chart images")
        parser.add_argument("--benchmarks", action="store_true", help="network benchmarks")
        parser.add_argument(
            "--due", action="store_true", help="only what is missing or out of date (daily)"
        )
        parser.add_argument(
            "--wait", action="store_true", help="print progress until the worker is done"
        )
        parser.add_argument("--interval", type=float, default=2.0, help="seconds between reports")
        parser.add_argument(
            "--timeout", type=float, default=0, help="stop waiting after (0: never)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbosity = options["verbosity"]
        chosen = [k for k in ("summaries", "charts", "benchmarks") if options[k]]
        kinds = chosen or ["summaries", "charts", "benchmarks"]
        due = options["due"]
        queued: dict[str, list[str]] = {}
        if "summaries" in kinds:
            keys = rebuild.summary_keys(due=due)
            queued[derived.SUMMARY] = self._queue(derived.SUMMARY, keys, tasks.compute_summaries)
            self._say(f"round summaries: {len(queued[derived.SUMMARY])} queued")
        if "charts" in kinds:
            keys, removed = rebuild.chart_keys(due=due)
            queued[derived.CHART] = self._queue(derived.CHART, keys, tasks.render_charts)
            extra = f" ({removed} of an older drawing removed)" if removed else ""
            self._say(f"charts: {len(queued[derived.CHART])} queued{extra}")
        if "benchmarks" in kinds:
            keys = benchmarks.due_snapshots()
            task = benchmarks.compute_benchmarks
            queued[derived.BENCHMARK] = self._queue(derived.BENCHMARK, keys, task)
            self._say(f"network benchmarks: {len(queued[derived.BENCHMARK])} queued")
        if due:  # the daily run also clears the queue's finished rows of these tasks
            pruned = derived.prune_finished(
                [tasks.compute_summaries, tasks.render_charts, benchmarks.compute_benchmarks]
            )
            self._say(f"finished tasks removed from the queue: {pruned}")
        if options["wait"]:
            self._wait(queued, options["interval"], options["timeout"])

    def _queue(self, kind: str, keys: list[str], task: Any) -> list[str]:
        """Queue in chunks; returns the keys now waiting (queued now or already)."""
        for start in range(0, len(keys), CHUNK):
            derived.request_now(kind, keys[start : start + CHUNK], task)
        return keys

    def _wait(self, queued: dict[str, list[str]], interval: float, timeout: float) -> None:
        total = sum(len(keys) for keys in queued.values())
        started = time.monotonic()
        while True:
            left = sum(
                Derivation.objects.filter(kind=kind, key__in=keys[i : i + 500]).count()
                for kind, keys in queued.items()
                for i in range(0, len(keys), 500)
            )
            self._say(f"done {total - left} of {total}")
            if not left:
                return
            if timeout and time.monotonic() - started > timeout:
                raise CommandError(f"{left} still waiting for a worker (is `db_worker` running?)")
            time.sleep(interval)

    def _say(self, text: str) -> None:
        if self.verbosity > 0:
            self.stdout.write(text)
