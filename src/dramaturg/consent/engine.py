"""The rules of adoption by consent, for any subject a team adopts (a card, a repertoire entry).

The leader opens a round, which freezes the subject. Each eligible member consents, objects
(with a reason) or abstains, and may change their answer while the round runs; an objector
can withdraw the objection. As soon as the quorum has answered and no objection is open, the
subject is adopted: a new immutable version with the snapshot and the participants. To meet
an objection the leader closes the round, amends the subject and opens a new round.

A `ConsentKind` names the models and the two things that differ per subject: how it is
frozen and who may answer. Errors are the subject's own, so views show them as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max, Model, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dramaturg.consent.models import EDITABLE_STATES, Answer, Outcome, SubjectState
from dramaturg.schools.models import Quorum
from dramaturg.schools.roles import Perm
from dramaturg.schools.tenancy import authorize_school

REASON_MAX = 4000


@dataclass(frozen=True)
class ConsentKind:
    subject_model: type[Model]
    round_model: type[Model]
    answer_model: type[Model]
    version_model: type[Model]
    # The name of the foreign key to the subject on the round and the version models.
    subject_field: str
    take_snapshot: Callable[[Any], dict]
    eligible_members: Callable[[Any], QuerySet]
    # The subject's errors: a base carrying a message, "not editable now", "round closed".
    error: type[Exception]
    not_editable: type[Exception]
    round_closed: type[Exception]
    no_members: Promise
    not_eligible: Promise

    def rounds(self, subject: Any) -> QuerySet:
        return self.round_model.objects.filter(**{self.subject_field: subject})  # type: ignore[attr-defined]

    def subject_of(self, consent_round: Any) -> Any:
        return getattr(consent_round, self.subject_field)


@transaction.atomic
def open_round(kind: ConsentKind, actor: Any, subject: Any) -> Any:
    authorize_school(actor, subject.school, Perm.DECIDE)
    subject = kind.subject_model.objects.select_for_update().get(pk=subject.pk)  # type: ignore[attr-defined]
    if subject.state not in EDITABLE_STATES:
        raise kind.not_editable
    eligible = kind.eligible_members(subject).count()
    if eligible == 0:
        raise kind.error(kind.no_members)
    number = (kind.rounds(subject).aggregate(top=Max("number"))["top"] or 0) + 1
    consent_round = kind.round_model.objects.create(  # type: ignore[attr-defined]
        **{kind.subject_field: subject},
        number=number,
        opened_by=actor,
        snapshot=kind.take_snapshot(subject),
        eligible=eligible,
        required=Quorum.required(subject.school.consent_quorum, eligible),
    )
    kind.subject_model.objects.filter(pk=subject.pk).update(state=SubjectState.CONSENT)  # type: ignore[attr-defined]
    return consent_round


def _open_round_for_update(kind: ConsentKind, consent_round: Any) -> Any:
    locked = kind.round_model.objects.select_for_update()  # type: ignore[attr-defined]
    consent_round = locked.select_related(f"{kind.subject_field}__school").get(pk=consent_round.pk)
    if not consent_round.is_open:
        raise kind.round_closed
    return consent_round


@transaction.atomic
def answer(kind: ConsentKind, actor: Any, consent_round: Any, choice: str, reason: str = "") -> Any:
    """Record the actor's own answer (a member can only ever answer for themselves)."""
    consent_round = _open_round_for_update(kind, consent_round)
    subject = kind.subject_of(consent_round)
    authorize_school(actor, subject.school, Perm.VIEW_SCHOOL)
    if not kind.eligible_members(subject).filter(pk=actor.pk).exists():
        raise kind.error(kind.not_eligible)
    if choice not in Answer.values:
        raise kind.error(_("Choose consent, objection or abstention."))
    reason = reason.strip()
    if choice == Answer.OBJECT and not reason:
        raise kind.error(_("An objection needs a reason, so the team can meet it."))
    if len(reason) > REASON_MAX:
        raise kind.error(_("A reason can be at most %(max)s characters.") % {"max": REASON_MAX})
    result, _created = kind.answer_model.objects.update_or_create(  # type: ignore[attr-defined]
        round=consent_round,
        user=actor,
        defaults={
            "answer": choice,
            "reason": reason,
            "answered_at": timezone.now(),
            "withdrawn_at": None,
        },
    )
    _adopt_if_ready(kind, consent_round)
    return result


@transaction.atomic
def withdraw_objection(kind: ConsentKind, actor: Any, consent_round: Any) -> Any:
    consent_round = _open_round_for_update(kind, consent_round)
    authorize_school(actor, kind.subject_of(consent_round).school, Perm.VIEW_SCHOOL)
    objection = consent_round.answers.filter(
        user=actor, answer=Answer.OBJECT, withdrawn_at__isnull=True
    ).first()
    if objection is None:
        raise kind.error(_("You have no open objection in this round."))
    objection.withdrawn_at = timezone.now()
    objection.save(update_fields=["withdrawn_at"])
    _adopt_if_ready(kind, consent_round)
    return objection


def round_status(consent_round: Any) -> dict[str, int]:
    answers = list(consent_round.answers.all())
    return {
        "answered": len(answers),
        "required": consent_round.required,
        "eligible": consent_round.eligible,
        "consent": sum(a.answer == Answer.CONSENT for a in answers),
        "abstain": sum(a.answer == Answer.ABSTAIN for a in answers),
        "open_objections": sum(a.is_open_objection for a in answers),
    }


def _adopt_if_ready(kind: ConsentKind, consent_round: Any) -> Any:
    status = round_status(consent_round)
    if status["answered"] < status["required"] or status["open_objections"]:
        return None
    subject = kind.subject_of(consent_round)
    number = subject.adopted_version + 1
    participants = [
        {
            "name": a.user.display_name,
            "answer": a.answer,
            "objection_withdrawn": a.withdrawn_at is not None,
        }
        for a in consent_round.answers.select_related("user").order_by("user__display_name")
    ]
    version = kind.version_model.objects.create(  # type: ignore[attr-defined]
        **{kind.subject_field: subject},
        number=number,
        round=consent_round,
        snapshot=consent_round.snapshot,
        participants=participants,
    )
    now = timezone.now()
    kind.round_model.objects.filter(pk=consent_round.pk).update(  # type: ignore[attr-defined]
        outcome=Outcome.ADOPTED, closed_at=now
    )
    kind.subject_model.objects.filter(pk=subject.pk).update(  # type: ignore[attr-defined]
        state=SubjectState.ADOPTED, adopted_version=number, updated_at=now
    )
    return version


@transaction.atomic
def close_round(kind: ConsentKind, actor: Any, consent_round: Any) -> Any:
    """End a round without adoption, so the subject can be amended (e.g. to meet an objection)."""
    consent_round = _open_round_for_update(kind, consent_round)
    authorize_school(actor, kind.subject_of(consent_round).school, Perm.DECIDE)
    kind.round_model.objects.filter(pk=consent_round.pk).update(  # type: ignore[attr-defined]
        outcome=Outcome.CLOSED, closed_at=timezone.now()
    )
    subject_id = kind.subject_of(consent_round).pk
    kind.subject_model.objects.filter(pk=subject_id).update(state=SubjectState.DISCUSSION)  # type: ignore[attr-defined]
    consent_round.refresh_from_db()
    return consent_round
