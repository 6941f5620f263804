"""Create and edit a card's content. Edits use optimistic locking on each row's revision."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.db.models import F, Max
from django.utils import timezone

from dramaturg.cards.errors import CardError, EditConflict, NotEditable
from dramaturg.cards.models import Agreement, Card, Goal, Indicator, Intervention
from dramaturg.cards.template_library import CardTemplate, get_template
from dramaturg.core.stages import Stage
from dramaturg.schools.models import School, Team
from dramaturg.schools.roles import Perm
from dramaturg.schools.tenancy import authorize_school
from dramaturg.sources.models import Source

Item = Card | Goal | Intervention | Agreement | Indicator

# Which fields a person may edit on each kind of row (both languages of each).
EDITABLE: dict[type[models.Model], tuple[str, ...]] = {
    Card: ("title", "introduction"),
    Goal: ("title", "description"),
    Intervention: ("what", "design", "who", "when"),
    Agreement: ("text",),
    Indicator: ("text",),
}


def card_of(item: Item) -> Card:
    if isinstance(item, Card):
        return item
    if isinstance(item, Intervention):
        return item.goal.card
    return item.card


def require_editable(actor: Any, card: Card) -> None:
    """Refuse unless the card may change now. Called inside the writing transaction: the card
    row is locked, so a consent round opened at the same moment (which locks it too) either
    sees this edit or makes this edit wait and then refuse — a frozen card never changes."""
    authorize_school(actor, card.school, Perm.FACILITATE)
    state = Card.objects.select_for_update().values_list("state", flat=True).get(pk=card.pk)
    card.state = state
    if not card.is_editable:
        raise NotEditable


def _touch(card: Card) -> None:
    Card.objects.filter(pk=card.pk).update(updated_at=timezone.now())


def _next_position(queryset: models.QuerySet) -> int:
    return (queryset.aggregate(top=Max("position"))["top"] or 0) + 1


@transaction.atomic
def create_card(
    actor: Any,
    school: School,
    *,
    stage: str,
    title_nl: str = "",
    title_en: str = "",
    team: Team | None = None,
    template_key: str = "",
) -> Card:
    """A new draft card, empty or filled from one of the shipped templates."""
    authorize_school(actor, school, Perm.FACILITATE)
    if stage not in Stage.values:
        raise CardError
    if team is not None and team.school_id != school.pk:
        raise CardError
    template = get_template(template_key) if template_key else None
    title_nl = title_nl.strip() or (template.title["nl"] if template else "")
    if not title_nl:
        raise CardError  # forms check this first; the service never stores an untitled card
    card = Card.objects.create(
        school=school,
        team=team,
        stage=template.stage if template else stage,
        title_nl=title_nl,
        title_en=title_en.strip() or (template.title["en"] if template else ""),
        introduction_nl=template.introduction["nl"] if template else "",
        introduction_en=template.introduction["en"] if template else "",
        template_key=template_key,
        created_by=actor,
    )
    if template:
        _fill_from_template(card, template)
    return card


def _fill_from_template(card: Card, template: CardTemplate) -> None:
    sources = {s.key: s for s in Source.objects.filter(key__isnull=False)}
    for g, goal in enumerate(template.goals, start=1):
        goal_row = Goal.objects.create(
            card=card,
            position=g,
            title_nl=goal.title["nl"],
            title_en=goal.title["en"],
            description_nl=goal.description["nl"],
            description_en=goal.description["en"],
        )
        for i, item in enumerate(goal.interventions, start=1):
            row = Intervention.objects.create(
                goal=goal_row,
                position=i,
                **{
                    f"{name}_{lang}": getattr(item, name)[lang]
                    for name in ("what", "design", "who", "when")
                    for lang in ("nl", "en")
                },
            )
            row.sources.set([sources[key] for key in item.sources if key in sources])
    for a, text in enumerate(template.agreements, start=1):
        Agreement.objects.create(card=card, position=a, text_nl=text["nl"], text_en=text["en"])
    for n, text in enumerate(template.indicators, start=1):
        Indicator.objects.create(card=card, position=n, text_nl=text["nl"], text_en=text["en"])


@transaction.atomic
def update_item(actor: Any, item: Item, revision: int, values: dict[str, str]) -> Item:
    """Save new texts for one row, unless someone else saved it since `revision`.

    `values` maps field names such as "title_nl" to text. On a conflict nothing is saved and
    EditConflict carries the row as it is now and the texts the actor tried to save.
    """
    card = card_of(item)
    require_editable(actor, card)
    allowed = {f"{name}_{lang}" for name in EDITABLE[type(item)] for lang in ("nl", "en")}
    unknown = set(values) - allowed
    if unknown:
        raise CardError
    updated = (
        type(item)
        .objects.filter(pk=item.pk, revision=revision)
        .update(**values, revision=F("revision") + 1)
    )
    if not updated:
        current = type(item).objects.get(pk=item.pk)
        raise EditConflict(current, values)
    _touch(card)
    item.refresh_from_db()
    return item


@transaction.atomic
def add_goal(actor: Any, card: Card, **texts: str) -> Goal:
    require_editable(actor, card)
    position = _next_position(card.goals.all())
    _touch(card)
    return Goal.objects.create(card=card, position=position, **texts)


@transaction.atomic
def add_intervention(actor: Any, goal: Goal, **texts: str) -> Intervention:
    require_editable(actor, goal.card)
    position = _next_position(goal.interventions.all())
    _touch(goal.card)
    return Intervention.objects.create(goal=goal, position=position, **texts)


@transaction.atomic
def add_agreement(actor: Any, card: Card, **texts: str) -> Agreement:
    require_editable(actor, card)
    _touch(card)
    return Agreement.objects.create(
        card=card, position=_next_position(card.agreements.all()), **texts
    )


@transaction.atomic
def add_indicator(actor: Any, card: Card, **texts: str) -> Indicator:
    require_editable(actor, card)
    _touch(card)
    return Indicator.objects.create(
        card=card, position=_next_position(card.indicators.all()), **texts
    )


def _siblings(item: Item) -> models.QuerySet:
    if isinstance(item, Goal):
        return Goal.objects.filter(card=item.card)
    if isinstance(item, Intervention):
        return Intervention.objects.filter(goal=item.goal)
    if isinstance(item, Agreement):
        return Agreement.objects.filter(card=item.card)
    if isinstance(item, Indicator):
        return Indicator.objects.filter(card=item.card)
    raise CardError


@transaction.atomic
def remove_item(actor: Any, item: Item) -> None:
    if isinstance(item, Card):
        raise CardError
    card = card_of(item)
    require_editable(actor, card)
    item.delete()
    _touch(card)


@transaction.atomic
def move_item(actor: Any, item: Item, direction: str) -> None:
    """Swap an item with its neighbour above ("up") or below ("down")."""
    card = card_of(item)
    require_editable(actor, card)
    ordered = list(_siblings(item).select_for_update().order_by("position", "pk"))
    index = next(n for n, row in enumerate(ordered) if row.pk == item.pk)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(ordered):
        return
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, row in enumerate(ordered, start=1):
        if row.position != position:
            type(row).objects.filter(pk=row.pk).update(position=position)
    _touch(card)


@transaction.atomic
def open_discussion(actor: Any, card: Card) -> Card:
    """Invite the team to discuss the draft (comments and amendments are welcome)."""
    require_editable(actor, card)
    Card.objects.filter(pk=card.pk).update(state=Card.State.DISCUSSION)
    card.refresh_from_db()
    return card


@transaction.atomic
def start_new_draft(actor: Any, card: Card) -> Card:
    """Reopen an adopted card for changes; the adopted version itself stays as it was."""
    authorize_school(actor, card.school, Perm.FACILITATE)
    if card.state != Card.State.ADOPTED:
        raise CardError
    Card.objects.filter(pk=card.pk).update(state=Card.State.DRAFT, updated_at=timezone.now())
    card.refresh_from_db()
    return card


@transaction.atomic
def archive_card(actor: Any, card: Card) -> Card:
    authorize_school(actor, card.school, Perm.DECIDE)
    if card.state == Card.State.CONSENT:
        raise CardError
    Card.objects.filter(pk=card.pk).update(state=Card.State.ARCHIVED)
    card.refresh_from_db()
    return card


@transaction.atomic
def set_sources(actor: Any, intervention: Intervention, sources: Any) -> None:
    """Link an intervention to sources of the shipped library or of the card's own school."""
    card = intervention.goal.card
    require_editable(actor, card)
    chosen = list(sources)
    if any(source.school_id not in (None, card.school_id) for source in chosen):
        raise CardError
    intervention.sources.set(chosen)
    _touch(card)


@transaction.atomic
def update_intervention(
    actor: Any, intervention: Intervention, revision: int, values: dict[str, str], sources: Any
) -> Intervention:
    """Save an intervention's texts and its sources together, or neither (see update_item)."""
    update_item(actor, intervention, revision, values)
    set_sources(actor, intervention, sources)
    return intervention
