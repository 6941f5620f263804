"""The few figures of a stored round summary that lists of rounds need, read from its JSON
once when the summary is saved and kept in columns of `RoundSummary`.

The board overview shows, per round, how many of how many answered, and per school year the
collective efficacy of a sharing school. Decoding every round's whole summary (targets,
scales, items) for those three numbers cost the overview most of its time at a board of
eighty schools; the columns are read in the same query as the rounds. Nothing here applies a
rule: the summary already holds only what may be shown, and these are copies of it.
"""

from __future__ import annotations

from typing import Any

COLLECTIVE = "collective_efficacy"


def collective_efficacy(data: dict[str, Any]) -> float | None:
    """The mean of the school-wide means of the collective efficacy scales; None when the
    round did not measure it, has not closed, or a scale's figure is hidden (as
    `reports.board.collective_efficacy` reads the typed object)."""
    if not data.get("closed", True):
        return None
    values = [
        (scale.get("total") or {}).get("mean")
        for scale in data.get("scales", [])
        if scale.get("instrument") == COLLECTIVE
    ]
    means = [float(value) for value in values if value is not None]
    if not means or len(means) < len(values):
        return None
    return sum(means) / len(means)


def counts(data: dict[str, Any]) -> dict[str, Any]:
    """The column values of a summary document: invited, answered, collective efficacy."""
    return {
        "invited": data.get("invited") or 0,
        "answered": data.get("answered"),
        "collective_efficacy": collective_efficacy(data),
    }
