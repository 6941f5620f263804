"""The repertoire: codes, moments, cases and entries with their consent rounds and versions."""

from dramaturg.repertoire.models.codes import CodeTag, Involved, Ladder, LadderClash
from dramaturg.repertoire.models.entries import (
    Entry,
    EntryComment,
    EntryConsentAnswer,
    EntryConsentRound,
    EntryVersion,
)
from dramaturg.repertoire.models.moments import Case, Moment

__all__ = [
    "Case",
    "CodeTag",
    "Entry",
    "EntryComment",
    "EntryConsentAnswer",
    "EntryConsentRound",
    "EntryVersion",
    "Involved",
    "Ladder",
    "LadderClash",
    "Moment",
]
