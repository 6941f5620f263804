"""Helpers shared by the card views: tenant-scoped fetching, anchors and page context.

Every card is fetched through `get_card` (scoped to the request's school) and every item
through its card, so an id of another school's card or item is a 404.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.db import models
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers

from dramaturg.cards.errors import CardError, NotEditable
from dramaturg.cards.models import Agreement, Card, Goal, Indicator, Intervention
from dramaturg.cards.services.content import Item
from dramaturg.cards.views.panels import discussion_context
from dramaturg.consent.models import SubjectState
from dramaturg.core.stages import STAGE_INFO
from dramaturg.schools.roles import Perm, role_has
from dramaturg.schools.tenancy import get_in_school

ITEM_KINDS = ("goal", "intervention", "agreement", "indicator")
EDIT_KINDS = ("card", *ITEM_KINDS)
# Where in the card page each kind of item lives, for redirects after an add or a removal.
SECTION = {
    "card": "card-intro",
    "goal": "goals",
    "intervention": "goals",
    "agreement": "agreements",
    "indicator": "indicators",
}
ITEMS = "cards/_items.html"


def get_card(request: HttpRequest, card_id: int) -> Card:
    return get_in_school(
        Card.objects.select_related("team", "school"),
        request.school,  # type: ignore[attr-defined]
        pk=card_id,
    )


def get_item(card: Card, kind: str, item_id: int) -> Item:
    """One item of the card by kind and id, or 404; for kind "card" the card itself."""
    if kind == "card":
        if item_id != card.pk:
            raise Http404
        return card
    querysets: dict[str, models.QuerySet] = {
        "goal": Goal.objects.filter(card=card),
        "intervention": Intervention.objects.filter(goal__card=card).select_related("goal"),
        "agreement": Agreement.objects.filter(card=card),
        "indicator": Indicator.objects.filter(card=card),
    }
    if kind not in querysets:
        raise Http404
    item = querysets[kind].filter(pk=item_id).first()
    if item is None:
        raise Http404
    return item


def anchor(kind: str, item: models.Model) -> str:
    return "card-intro" if kind == "card" else f"{kind}-{item.pk}"


def card_url(card: Card, fragment: str = "") -> str:
    url = reverse("cards:detail", args=[card.school.slug, card.pk])
    return f"{url}#{fragment}" if fragment else url


def stage_info(stage: str) -> Any:
    return next((info for info in STAGE_INFO if info.stage.value == stage), None)


def can(request: HttpRequest, perm: Perm) -> bool:
    return role_has(request.membership.role, perm)  # type: ignore[attr-defined]


def _adopted_links(model: type[models.Model], item_field: str, **within: Any) -> dict[int, list]:
    """The adopted repertoire entries that link to items of `model`, by item id (one query)."""
    through = model.repertoire_entries.through  # type: ignore[attr-defined]
    rows = through.objects.filter(entry__state=SubjectState.ADOPTED, **within)
    found: defaultdict[int, list[Any]] = defaultdict(list)
    for row in rows.select_related("entry").order_by("entry__title_nl"):
        found[getattr(row, f"{item_field}_id")].append(row.entry)
    return found


def _attach_repertoire(card: Card, goals: list[Goal], agreements: list[Agreement]) -> None:
    """Give each intervention and agreement `repertoire_links`: the adopted repertoire entries
    that link to it. Two queries for the whole card, however many items and entries."""
    by_intervention = _adopted_links(Intervention, "intervention", intervention__goal__card=card)
    by_agreement = _adopted_links(Agreement, "agreement", agreement__card=card)
    for goal in goals:
        for item in goal.interventions.all():
            item.repertoire_links = by_intervention.get(item.pk, [])  # type: ignore[attr-defined]
    for agreement in agreements:
        agreement.repertoire_links = by_agreement.get(agreement.pk, [])  # type: ignore[attr-defined]


def card_context(request: HttpRequest, card: Card) -> dict[str, Any]:
    """Everything the card page and its partials need, including the discussion panels."""
    goals = card.goals.prefetch_related(
        Prefetch(
            "interventions",
            queryset=Intervention.objects.prefetch_related("sources"),
        )
    )
    facilitator = can(request, Perm.FACILITATE)
    goals_list = list(goals)
    agreements = list(card.agreements.all())
    _attach_repertoire(card, goals_list, agreements)
    context: dict[str, Any] = {
        "school": card.school,
        "card": card,
        "stage": stage_info(card.stage),
        "goals": goals_list,
        "agreements": agreements,
        "indicators": list(card.indicators.all()),
        "can_facilitate": facilitator,
        "can_decide": can(request, Perm.DECIDE),
        "can_edit": facilitator and card.is_editable,
        "not_editable_message": NotEditable.default_message,
    }
    context.update(discussion_context(request, card))
    return context


def htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def partial(
    request: HttpRequest,
    name: str,
    context: dict[str, Any],
    *,
    template: str = ITEMS,
    status: bool = True,
) -> HttpResponse:
    """Render a fragment for htmx; with `status` the messages go along out of band."""
    response = render(request, f"{template}#{name}", context)
    if status:
        response.content += render(request, f"{ITEMS}#status", context).content
    patch_vary_headers(response, ("HX-Request",))
    return response


def card_content(request: HttpRequest, card: Card) -> HttpResponse:
    """The whole editable region of the card page, for htmx after an add, move or removal."""
    card.refresh_from_db()
    response = partial(request, "card-content", card_context(request, card))
    response["HX-Retarget"] = "#card-content"
    response["HX-Reswap"] = "outerHTML"
    return response


def refuse(request: HttpRequest, card: Card, error: CardError, fragment: str = "") -> HttpResponse:
    """Show a domain error as a message: back on the card page, or in place for htmx."""
    messages.error(request, str(error.message))
    if htmx(request):
        return card_content(request, card)
    return redirect(card_url(card, fragment))
