"""Consent rounds from the card's page: the leader opens and closes a round; each member answers
for themselves (the answer is always the signed-in person's, whatever the form says) and may
withdraw their own objection. Every form returns to the consent panel on the card's page; the
actions themselves are shared with repertoire entries (`dramaturg.consent.views`).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from dramaturg.cards.models import Card, ConsentRound
from dramaturg.cards.services.consent import CARD
from dramaturg.cards.views.panels import card_url, get_card
from dramaturg.consent import views as actions
from dramaturg.schools.roles import Perm
from dramaturg.schools.tenancy import school_view

PANEL = "consent"
WORDING = actions.Wording(
    opened=_(
        "Consent round %(number)s is open. The card is frozen until the team has decided; "
        "%(required)s of %(eligible)s members need to answer."
    ),
    adopted=_("The team has adopted this card: version %(number)s."),
    closed=_(
        "The round is closed without adoption. Amend the card and open a new round; "
        "the answers of this round stay on record."
    ),
)


def _back(request: HttpRequest, card: Card) -> str:
    return card_url(request.school.slug, card, PANEL)  # type: ignore[attr-defined]


def _round(request: HttpRequest, card_id: int, round_id: int) -> tuple[Card, ConsentRound]:
    card = get_card(request, card_id)
    return card, get_object_or_404(card.rounds.all(), pk=round_id)


@school_view(Perm.DECIDE)
@require_POST
def round_open(request: HttpRequest, card_id: int) -> HttpResponse:
    card = get_card(request, card_id)
    return actions.open_round(request, CARD, card, _back(request, card), WORDING)


@school_view()
@require_POST
def round_answer(request: HttpRequest, card_id: int, round_id: int) -> HttpResponse:
    card, consent_round = _round(request, card_id, round_id)
    return actions.answer(request, CARD, consent_round, _back(request, card), WORDING)


@school_view()
@require_POST
def round_withdraw(request: HttpRequest, card_id: int, round_id: int) -> HttpResponse:
    card, consent_round = _round(request, card_id, round_id)
    return actions.withdraw(request, CARD, consent_round, _back(request, card), WORDING)


@school_view(Perm.DECIDE)
@require_POST
def round_close(request: HttpRequest, card_id: int, round_id: int) -> HttpResponse:
    card, consent_round = _round(request, card_id, round_id)
    return actions.close(request, CARD, consent_round, _back(request, card), WORDING)
