"""Consent rounds: the leader asks the team to adopt the draft as it stands.

While a round is open the card is frozen. Each eligible member consents, objects (with a
reason) or abstains, and may change their answer while the round runs; an objector can
withdraw the objection. As soon as the quorum has answered and no objection is open, the
card is adopted: a new immutable version with the snapshot and the participants.
To meet an objection the leader closes the round, amends the card and opens a new round.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dramaturg.cards.errors import CardError, NotEditable, RoundError
from dramaturg.cards.models import Card, CardVersion, ConsentAnswer, ConsentRound
from dramaturg.cards.snapshot import take_snapshot
from dramaturg.schools.models import Membership, Quorum
from dramaturg.schools.roles import Perm
from dramaturg.schools.tenancy import authorize_school

REASON_MAX = 4000


def eligible_members(card: Card) -> QuerySet:
    """Who may answer: the card team's members, or the whole school's for a school card."""
    memberships = Membership.objects.active().filter(school=card.school)
    if card.team_id:
        memberships = memberships.filter(teams=card.team_id)
    return get_user_model().objects.filter(pk__in=memberships.values("user_id"))


@transaction.atomic
def open_round(actor: Any, card: Card) -> ConsentRound:
    authorize_school(actor, card.school, Perm.DECIDE)
    card = Card.objects.select_for_update().get(pk=card.pk)
    if not card.is_editable:
        raise NotEditable
    eligible = eligible_members(card).count()
    if eligible == 0:
        raise CardError(_("Nobody can answer yet: this card's team has no members."))
    number = (card.rounds.aggregate(top=Max("number"))["top"] or 0) + 1
    consent_round = ConsentRound.objects.create(
        card=card,
        number=number,
        opened_by=actor,
        snapshot=take_snapshot(card),
        eligible=eligible,
        required=Quorum.required(card.school.consent_quorum, eligible),
    )
    Card.objects.filter(pk=card.pk).update(state=Card.State.CONSENT)
    return consent_round


def _open_round_for_update(consent_round: ConsentRound) -> ConsentRound:
    locked = ConsentRound.objects.select_for_update().select_related("card__school")
    consent_round = locked.get(pk=consent_round.pk)
    if not consent_round.is_open:
        raise RoundError
    return consent_round


@transaction.atomic
def answer(actor: Any, consent_round: ConsentRound, choice: str, reason: str = "") -> ConsentAnswer:
    """Record the actor's own answer (a member can only ever answer for themselves)."""
    consent_round = _open_round_for_update(consent_round)
    card = consent_round.card
    authorize_school(actor, card.school, Perm.VIEW_SCHOOL)
    if not eligible_members(card).filter(pk=actor.pk).exists():
        raise CardError(_("Only members of this card's team answer in this round."))
    if choice not in ConsentAnswer.Answer.values:
        raise CardError(_("Choose consent, objection or abstention."))
    reason = reason.strip()
    if choice == ConsentAnswer.Answer.OBJECT and not reason:
        raise CardError(_("An objection needs a reason, so the team can meet it."))
    if len(reason) > REASON_MAX:
        raise CardError(_("A reason can be at most %(max)s characters.") % {"max": REASON_MAX})
    result, _created = ConsentAnswer.objects.update_or_create(
        round=consent_round,
        user=actor,
        defaults={
            "answer": choice,
            "reason": reason,
            "answered_at": timezone.now(),
            "withdrawn_at": None,
        },
    )
    _adopt_if_ready(consent_round)
    return result


@transaction.atomic
def withdraw_objection(actor: Any, consent_round: ConsentRound) -> ConsentAnswer:
    consent_round = _open_round_for_update(consent_round)
    authorize_school(actor, consent_round.card.school, Perm.VIEW_SCHOOL)
    objection = consent_round.answers.filter(
        user=actor, answer=ConsentAnswer.Answer.OBJECT, withdrawn_at__isnull=True
    ).first()
    if objection is None:
        raise CardError(_("You have no open objection in this round."))
    objection.withdrawn_at = timezone.now()
    objection.save(update_fields=["withdrawn_at"])
    _adopt_if_ready(consent_round)
    return objection


def round_status(consent_round: ConsentRound) -> dict[str, int]:
    answers = list(consent_round.answers.all())
    return {
        "answered": len(answers),
        "required": consent_round.required,
        "eligible": consent_round.eligible,
        "consent": sum(a.answer == ConsentAnswer.Answer.CONSENT for a in answers),
        "abstain": sum(a.answer == ConsentAnswer.Answer.ABSTAIN for a in answers),
        "open_objections": sum(a.is_open_objection for a in answers),
    }


def _adopt_if_ready(consent_round: ConsentRound) -> CardVersion | None:
    status = round_status(consent_round)
    if status["answered"] < status["required"] or status["open_objections"]:
        return None
    card = consent_round.card
    number = card.adopted_version + 1
    participants = [
        {
            "name": a.user.display_name,
            "answer": a.answer,
            "objection_withdrawn": a.withdrawn_at is not None,
        }
        for a in consent_round.answers.select_related("user").order_by("user__display_name")
    ]
    version = CardVersion.objects.create(
        card=card,
        number=number,
        round=consent_round,
        snapshot=consent_round.snapshot,
        participants=participants,
    )
    now = timezone.now()
    ConsentRound.objects.filter(pk=consent_round.pk).update(
        outcome=ConsentRound.Outcome.ADOPTED, closed_at=now
    )
    Card.objects.filter(pk=card.pk).update(
        state=Card.State.ADOPTED, adopted_version=number, updated_at=now
    )
    return version


@transaction.atomic
def close_round(actor: Any, consent_round: ConsentRound) -> ConsentRound:
    """End a round without adoption, so the card can be amended (e.g. to meet an objection)."""
    consent_round = _open_round_for_update(consent_round)
    authorize_school(actor, consent_round.card.school, Perm.DECIDE)
    ConsentRound.objects.filter(pk=consent_round.pk).update(
        outcome=ConsentRound.Outcome.CLOSED, closed_at=timezone.now()
    )
    Card.objects.filter(pk=consent_round.card_id).update(state=Card.State.DISCUSSION)
    consent_round.refresh_from_db()
    return consent_round
