"""What the team views share: fetching a card of the tenant, the way back to its page, and the
context of the two panels on the card's page (`_consent_panel.html`, `_item_discussion.html`).

`discussion_context` reads everything the panels need in a handful of queries, whatever the
number of items: all comments and amendments of the card are fetched once and grouped by
(kind, id) in Python, so the item partial only looks its thread up.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dramaturg.cards.models import Amendment, Card, Comment, ConsentAnswer, Target
from dramaturg.cards.services.consent import CARD, REASON_MAX
from dramaturg.cards.services.discussion import COMMENT_MAX
from dramaturg.consent.panel import (
    ANSWERED,
    ConsentPanel,
    Participant,
    consent_panel,
    panel_urls,
    participants,
)
from dramaturg.schools.roles import Perm, role_has
from dramaturg.schools.tenancy import get_in_school

__all__ = ["ANSWERED", "ConsentPanel", "Participant", "participants"]

# How each amendable field is called on screen.
FIELD_LABELS = {
    "title": _("title"),
    "introduction": _("introduction"),
    "description": _("explanation"),
    "what": _("intervention (what)"),
    "design": _("how it is shaped"),
    "who": _("who"),
    "when": _("when / how often"),
    "text": _("text"),
}
LANGUAGE_LABELS = {"nl": _("Dutch"), "en": _("English")}


def get_card(request: HttpRequest, card_id: int) -> Card:
    """The card of the request's school, or 404."""
    return get_in_school(Card.objects.all(), request.school, pk=card_id)  # type: ignore[attr-defined]


def anchor(kind: str, target_id: int | None, card: Card) -> str:
    """The id of an item's discussion on the card's page."""
    return f"discussion-{kind}-{card.pk if kind == Target.CARD else target_id}"


def card_url(school_slug: str, card: Card, fragment: str = "") -> str:
    """The card's page, optionally at an anchor."""
    url = reverse("cards:detail", args=[school_slug, card.pk])
    return f"{url}#{fragment}" if fragment else url


def can(request: HttpRequest, perm: Perm) -> bool:
    membership = getattr(request, "membership", None)
    return membership is not None and role_has(membership.role, perm)


@dataclass
class Thread:
    """The comments and amendments about one item (or the card itself)."""

    comments: list[Comment] = field(default_factory=list)
    amendments: list[Amendment] = field(default_factory=list)

    @property
    def open_amendments(self) -> int:
        return sum(a.status == Amendment.Status.OPEN for a in self.amendments)


@dataclass
class DiscussionPanel:
    threads: defaultdict[str, defaultdict[int, Thread]]
    can_comment: bool
    can_propose: bool
    can_facilitate: bool
    can_accept: bool
    kind_labels: dict[str, Any] = field(default_factory=lambda: dict(Target.choices))


def _threads(card: Card) -> defaultdict[str, defaultdict[int, Thread]]:
    threads: defaultdict[str, defaultdict[int, Thread]] = defaultdict(lambda: defaultdict(Thread))
    for comment in card.comments.select_related("author"):
        target = card.pk if comment.target_kind == Target.CARD else comment.target_id
        threads[comment.target_kind][target or 0].comments.append(comment)
    for amendment in card.amendments.select_related("author", "decided_by"):
        amendment.field_label = FIELD_LABELS.get(amendment.field, amendment.field)  # type: ignore[attr-defined]
        amendment.language_label = LANGUAGE_LABELS.get(amendment.language, "")  # type: ignore[attr-defined]
        target = card.pk if amendment.target_kind == Target.CARD else amendment.target_id
        threads[amendment.target_kind][target or 0].amendments.append(amendment)
    return threads


def _consent_panel(request: HttpRequest, card: Card) -> ConsentPanel:
    return consent_panel(
        request,
        CARD,
        card,
        can_decide=can(request, Perm.DECIDE),
        urls=panel_urls("cards:", request.school.slug, card.pk),  # type: ignore[attr-defined]
    )


def discussion_context(request: HttpRequest, card: Card) -> dict[str, Any]:
    """Context for both panels; merge it into the card page's context."""
    facilitate = can(request, Perm.FACILITATE)
    discussion = DiscussionPanel(
        threads=_threads(card),
        can_comment=card.state != Card.State.ARCHIVED,
        can_propose=card.state not in (Card.State.ADOPTED, Card.State.ARCHIVED),
        can_facilitate=facilitate,
        can_accept=facilitate and card.is_editable,
    )
    return {
        "discussion": discussion,
        "consent": _consent_panel(request, card),
        "answer_choices": ConsentAnswer.Answer.choices,
        "comment_max": COMMENT_MAX,
        "reason_max": REASON_MAX,
    }
