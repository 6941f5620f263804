"""Consent rounds from the card's page: the leader opens and closes a round; each member answers
for themselves (the answer is always the signed-in person's, whatever the form says) and may
withdraw their own objection. Every form returns to the consent panel on the card's page.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dramaturg.cards.errors import CardError
from dramaturg.cards.models import Card, ConsentRound
from dramaturg.cards.services import consent
from dramaturg.cards.views.panels import card_url, get_card
from dramaturg.schools.roles import Perm
from dramaturg.schools.tenancy import school_view

PANEL = "consent"


def _back(request: HttpRequest, card: Card) -> HttpResponse:
    return redirect(card_url(request.school.slug, card, PANEL))  # type: ignore[attr-defined]


def _round(card: Card, round_id: int) -> ConsentRound:
    return get_object_or_404(card.rounds.all(), pk=round_id)


def _adopted_message(request: HttpRequest, card: Card) -> None:
    card.refresh_from_db(fields=["state", "adopted_version"])
    if card.state == Card.State.ADOPTED:
        messages.success(
            request,
            _("The team has adopted this card: version %(number)s.")
            % {"number": card.adopted_version},
        )


@school_view(Perm.DECIDE)
@require_POST
def round_open(request: HttpRequest, card_id: int) -> HttpResponse:
    card = get_card(request, card_id)
    try:
        opened = consent.open_round(request.user, card)
    except CardError as error:
        messages.error(request, str(error.message))
        return _back(request, card)
    messages.success(
        request,
        _(
            "Consent round %(number)s is open. The card is frozen until the team has decided; "
            "%(required)s of %(eligible)s members need to answer."
        )
        % {"number": opened.number, "required": opened.required, "eligible": opened.eligible},
    )
    return _back(request, card)


@school_view()
@require_POST
def round_answer(request: HttpRequest, card_id: int, round_id: int) -> HttpResponse:
    card = get_card(request, card_id)
    consent_round = _round(card, round_id)
    try:
        # Always the signed-in person: a user id in the form is never read.
        consent.answer(
            request.user,
            consent_round,
            request.POST.get("answer", ""),
            request.POST.get("reason", ""),
        )
    except CardError as error:
        messages.error(request, str(error.message))
        return _back(request, card)
    messages.success(request, _("Your answer has been recorded."))
    _adopted_message(request, card)
    return _back(request, card)


@school_view()
@require_POST
def round_withdraw(request: HttpRequest, card_id: int, round_id: int) -> HttpResponse:
    card = get_card(request, card_id)
    consent_round = _round(card, round_id)
    try:
        consent.withdraw_objection(request.user, consent_round)
    except CardError as error:
        messages.error(request, str(error.message))
        return _back(request, card)
    messages.success(request, _("You have withdrawn your objection; its reason stays on record."))
    _adopted_message(request, card)
    return _back(request, card)


@school_view(Perm.DECIDE)
@require_POST
def round_close(request: HttpRequest, card_id: int, round_id: int) -> HttpResponse:
    card = get_card(request, card_id)
    consent_round = _round(card, round_id)
    try:
        consent.close_round(request.user, consent_round)
    except CardError as error:
        messages.error(request, str(error.message))
        return _back(request, card)
    messages.success(
        request,
        _(
            "The round is closed without adoption. Amend the card and open a new round; "
            "the answers of this round stay on record."
        ),
    )
    return _back(request, card)
