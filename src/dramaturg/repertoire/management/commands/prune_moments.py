"""`dramaturg prune_moments`: delete the moments of past school years that joined no case.

A moment is kept while its school year lasts (1 August to 31 July); if nobody bundled it into
a case by then, it goes. Run it daily from cron or a timer next to the worker
(docs/background-tasks.md); running it more often or twice is harmless.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from dramaturg.repertoire.services.moments import prune_moments


class Command(BaseCommand):
    help = "Delete moments from before the current school year that are not part of a case."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = prune_moments()
        if options["verbosity"] > 0:
            self.stdout.write(f"deleted {deleted} moment(s)")
