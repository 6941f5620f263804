"""`dramaturg release_answers`: release the answers still waiting in rounds that have closed.

A round closed early releases its waiting answers at once, and any page or summary of a
closed round releases them before it reads; this command does it for rounds that closed by
date while nobody looked. Run it daily from cron or a timer next to the worker
(docs/anonymity.md).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from dramaturg.surveys.release import settle_closed_rounds


class Command(BaseCommand):
    help = "Release the answers still waiting in closed measurement rounds."

    def handle(self, *args: Any, **options: Any) -> None:
        released = settle_closed_rounds()
        if options["verbosity"] > 0:
            self.stdout.write(f"released {released} answer(s)")
