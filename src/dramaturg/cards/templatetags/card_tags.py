"""Template helpers for card pages: element ids of items, and card counts per stage."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Count

from dramaturg.cards.models import Card
from dramaturg.core.stages import STAGE_INFO

register = template.Library()


@register.filter
def anchor_id(item: Any, kind: str) -> str:
    """The id of an item's element on the card page: `goal-12`, or `card-intro` for the card."""
    return "card-intro" if kind == "card" else f"{kind}-{item.pk}"


@register.simple_tag
def stage_rows(school: Any) -> list[tuple[Any, int]]:
    """(stage info, number of cards that are not archived) for each of the four stages."""
    counts = dict(
        Card.objects.filter(school=school)
        .exclude(state=Card.State.ARCHIVED)
        .order_by()
        .values("stage")
        .annotate(n=Count("pk"))
        .values_list("stage", "n")
    )
    return [(info, counts.get(info.stage.value, 0)) for info in STAGE_INFO]
