"""Consent rounds on a repertoire entry, with the rules cards use (`dramaturg.consent.engine`).

This module says what an entry's round freezes (`repertoire.snapshot.take_snapshot`: both
languages of every text, ladders, codes, sources and links by name) and who answers: every
active member of the school, since the repertoire is the whole team's.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from dramaturg.consent import engine
from dramaturg.consent.engine import REASON_MAX, round_status
from dramaturg.repertoire.errors import NotEditable, RepertoireError, RoundError
from dramaturg.repertoire.models import Entry, EntryConsentAnswer, EntryConsentRound, EntryVersion
from dramaturg.repertoire.snapshot import take_snapshot
from dramaturg.schools.models import Membership

__all__ = [
    "ENTRY",
    "REASON_MAX",
    "answer",
    "close_round",
    "eligible_members",
    "open_round",
    "round_status",
    "withdraw_objection",
]


def eligible_members(entry: Entry) -> QuerySet:
    memberships = Membership.objects.active().filter(school=entry.school_id)
    return get_user_model().objects.filter(pk__in=memberships.values("user_id"))


ENTRY = engine.ConsentKind(
    subject_model=Entry,
    round_model=EntryConsentRound,
    answer_model=EntryConsentAnswer,
    version_model=EntryVersion,
    subject_field="entry",
    take_snapshot=take_snapshot,
    eligible_members=eligible_members,
    error=RepertoireError,
    not_editable=NotEditable,
    round_closed=RoundError,
    no_members=_("Nobody can answer yet: this school has no active members."),
    not_eligible=_("Only the active members of this school answer in this round."),
)


def open_round(actor: Any, entry: Entry) -> EntryConsentRound:
    return engine.open_round(ENTRY, actor, entry)


def answer(
    actor: Any, consent_round: EntryConsentRound, choice: str, reason: str = ""
) -> EntryConsentAnswer:
    return engine.answer(ENTRY, actor, consent_round, choice, reason)


def withdraw_objection(actor: Any, consent_round: EntryConsentRound) -> EntryConsentAnswer:
    return engine.withdraw_objection(ENTRY, actor, consent_round)


def close_round(actor: Any, consent_round: EntryConsentRound) -> EntryConsentRound:
    return engine.close_round(ENTRY, actor, consent_round)
