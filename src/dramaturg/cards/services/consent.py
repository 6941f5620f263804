"""Consent rounds on a card: the leader asks the team to adopt the draft as it stands.

The rules are shared with repertoire entries and live in `dramaturg.consent.engine`; this
module says what a card's round freezes (its snapshot) and who answers (the card team's
members, or the whole school's for a school card).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from dramaturg.cards.errors import CardError, NotEditable, RoundError
from dramaturg.cards.models import Card, CardVersion, ConsentAnswer, ConsentRound
from dramaturg.cards.snapshot import take_snapshot
from dramaturg.consent import engine
from dramaturg.consent.engine import REASON_MAX, round_status
from dramaturg.schools.models import Membership

__all__ = [
    "REASON_MAX",
    "answer",
    "close_round",
    "eligible_members",
    "open_round",
    "round_status",
    "withdraw_objection",
]


def eligible_members(card: Card) -> QuerySet:
    """Who may answer: the card team's members, or the whole school's for a school card."""
    memberships = Membership.objects.active().filter(school=card.school)
    if card.team_id:
        memberships = memberships.filter(teams=card.team_id)
    return get_user_model().objects.filter(pk__in=memberships.values("user_id"))


CARD = engine.ConsentKind(
    subject_model=Card,
    round_model=ConsentRound,
    answer_model=ConsentAnswer,
    version_model=CardVersion,
    subject_field="card",
    take_snapshot=take_snapshot,
    eligible_members=eligible_members,
    error=CardError,
    not_editable=NotEditable,
    round_closed=RoundError,
    no_members=_("Nobody can answer yet: this card's team has no members."),
    not_eligible=_("Only members of this card's team answer in this round."),
)


def open_round(actor: Any, card: Card) -> ConsentRound:
    return engine.open_round(CARD, actor, card)


def answer(actor: Any, consent_round: ConsentRound, choice: str, reason: str = "") -> ConsentAnswer:
    return engine.answer(CARD, actor, consent_round, choice, reason)


def withdraw_objection(actor: Any, consent_round: ConsentRound) -> ConsentAnswer:
    return engine.withdraw_objection(CARD, actor, consent_round)


def close_round(actor: Any, consent_round: ConsentRound) -> ConsentRound:
    return engine.close_round(CARD, actor, consent_round)
