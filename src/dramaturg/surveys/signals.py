"""Signals of surveys, for the layers above it.

`round_changed(sender=Round, round_id=…)` is sent when a round's figures may have changed:
it was made, a batch of answers was released, it was closed. Reports listens to have the
round's summary computed again in the background (`reports.summaries`); surveys itself
knows nothing of reports.
"""

from __future__ import annotations

from django.dispatch import Signal

round_changed = Signal()
