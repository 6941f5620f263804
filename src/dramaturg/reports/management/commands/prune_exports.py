"""`dramaturg prune_exports`: delete background exports (and their files) older than a week.

The export task prunes as it goes, so this matters only where nobody exports for a while;
run it daily from cron or a timer next to the worker (docs/background-tasks.md).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from dramaturg.reports.models import ExportJob
from dramaturg.reports.services import prune_old_jobs


class Command(BaseCommand):
    help = f"Delete background exports older than {ExportJob.KEEP_DAYS} days, with their files."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = prune_old_jobs()
        if options["verbosity"] > 0:
            self.stdout.write(f"deleted {deleted} export(s)")
