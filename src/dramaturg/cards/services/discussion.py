"""The team discusses a card: comments, and amendments that a leader or culture carrier
accepts (the draft changes, the proposer is credited) or declines with a reason."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dramaturg.cards.errors import CardError, NotEditable
from dramaturg.cards.models import (
    Agreement,
    Amendment,
    Card,
    Comment,
    Goal,
    Indicator,
    Intervention,
    Target,
)
from dramaturg.cards.models.discussion import AMENDABLE_FIELDS
from dramaturg.cards.services.content import Item, require_editable
from dramaturg.schools.roles import Perm
from dramaturg.schools.tenancy import authorize_school

COMMENT_MAX = 4000

_TARGET_ROWS: dict[str, Callable[[Card], QuerySet]] = {
    Target.GOAL: lambda card: Goal.objects.filter(card=card),
    Target.INTERVENTION: lambda card: Intervention.objects.filter(goal__card=card),
    Target.AGREEMENT: lambda card: Agreement.objects.filter(card=card),
    Target.INDICATOR: lambda card: Indicator.objects.filter(card=card),
}


def resolve_target(card: Card, kind: str, target_id: int | None) -> Item:
    """The card itself or one of its items; an item of another card is refused."""
    if kind == Target.CARD:
        return card
    rows = _TARGET_ROWS.get(kind)
    item = rows(card).filter(pk=target_id).first() if rows and target_id else None
    if item is None:
        raise CardError(_("That part of the card no longer exists."))
    return item


@transaction.atomic
def add_comment(
    actor: Any, card: Card, body: str, kind: str = Target.CARD, target_id: int | None = None
) -> Comment:
    authorize_school(actor, card.school, Perm.VIEW_SCHOOL)
    body = body.strip()
    if not body:
        raise CardError(_("Write a comment first."))
    if len(body) > COMMENT_MAX:
        raise CardError(_("A comment can be at most %(max)s characters.") % {"max": COMMENT_MAX})
    if card.state == Card.State.ARCHIVED:
        raise CardError(_("This card is archived."))
    target = resolve_target(card, kind, target_id)
    return Comment.objects.create(
        card=card,
        target_kind=kind,
        target_id=None if kind == Target.CARD else target.pk,
        author=actor,
        body=body,
    )


@transaction.atomic
def propose_amendment(
    actor: Any,
    card: Card,
    *,
    kind: str,
    target_id: int | None,
    field: str,
    language: str,
    proposed_text: str,
    reason: str,
) -> Amendment:
    """Any member may propose a new text for one field, with a reason."""
    authorize_school(actor, card.school, Perm.VIEW_SCHOOL)
    if card.state in (Card.State.ADOPTED, Card.State.ARCHIVED):
        raise NotEditable
    if field not in AMENDABLE_FIELDS.get(kind, ()) or language not in ("nl", "en"):
        raise CardError(_("That field cannot be amended."))
    proposed_text, reason = proposed_text.strip(), reason.strip()
    if not proposed_text:
        raise CardError(_("Write the text you propose."))
    if not reason:
        raise CardError(_("Say why you propose this change."))
    if len(proposed_text) > COMMENT_MAX or len(reason) > COMMENT_MAX:
        raise CardError(_("A text can be at most %(max)s characters.") % {"max": COMMENT_MAX})
    target = resolve_target(card, kind, target_id)
    max_length = _max_length(target, f"{field}_{language}")
    if max_length and len(proposed_text) > max_length:
        raise CardError(
            _("The proposed text is longer than this field allows (%(max)s characters).")
            % {"max": max_length}
        )
    return Amendment.objects.create(
        card=card,
        target_kind=kind,
        target_id=None if kind == Target.CARD else target.pk,
        field=field,
        language=language,
        original_text=getattr(target, f"{field}_{language}"),
        proposed_text=proposed_text,
        reason=reason,
        author=actor,
    )


def _max_length(target: Item, column: str) -> int | None:
    return getattr(type(target)._meta.get_field(column), "max_length", None)


def _decide(amendment: Amendment, actor: Any, status: str, reason: str = "") -> None:
    if amendment.status != Amendment.Status.OPEN:
        raise CardError(_("This proposal has already been decided."))
    amendment.status = status
    amendment.decided_by = actor
    amendment.decided_at = timezone.now()
    amendment.decision_reason = reason
    amendment.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])


@transaction.atomic
def accept_amendment(actor: Any, amendment: Amendment) -> Amendment:
    """Put the proposed text into the draft; the amendment keeps the proposer's name."""
    amendment = Amendment.objects.select_for_update().get(pk=amendment.pk)
    card = amendment.card
    require_editable(actor, card)
    target = resolve_target(card, amendment.target_kind, amendment.target_id)
    column = f"{amendment.field}_{amendment.language}"
    if amendment.status != Amendment.Status.OPEN:
        raise CardError(_("This proposal has already been decided."))
    if getattr(target, column) != amendment.original_text:
        # The text changed after the proposal was made: applying it would silently undo
        # someone's later edit. The proposer's text stays on record to re-propose.
        raise CardError(
            _(
                "The text has changed since this proposal was made. Compare it with the "
                "current text and propose again if it is still needed."
            )
        )
    max_length = _max_length(target, column)
    if max_length and len(amendment.proposed_text) > max_length:
        raise CardError(
            _("The proposed text is longer than this field allows (%(max)s characters).")
            % {"max": max_length}
        )
    type(target).objects.filter(pk=target.pk).update(
        **{column: amendment.proposed_text}, revision=F("revision") + 1
    )
    Card.objects.filter(pk=card.pk).update(updated_at=timezone.now())
    _decide(amendment, actor, Amendment.Status.ACCEPTED)
    return amendment


@transaction.atomic
def decline_amendment(actor: Any, amendment: Amendment, reason: str) -> Amendment:
    amendment = Amendment.objects.select_for_update().get(pk=amendment.pk)
    authorize_school(actor, amendment.card.school, Perm.FACILITATE)
    reason = reason.strip()
    if not reason:
        raise CardError(_("Give the proposer a reason for declining."))
    if len(reason) > COMMENT_MAX:
        raise CardError(_("A text can be at most %(max)s characters.") % {"max": COMMENT_MAX})
    _decide(amendment, actor, Amendment.Status.DECLINED, reason)
    return amendment
