"""Per stage: where its quality cards stand, how visible their indicators are in practice,
and how well the team keeps their agreements, from the card's own generated rounds.

Indicators and agreements are matched between rounds by their Dutch text, since a new card
version may add, drop or reorder them: only a statement asked in both rounds gets a
movement. An item's mean is in a round's results only when enough people answered it (see
`surveys.results`), so nothing here can show fewer than the threshold.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from dramaturg.cards.models import Card, CardVersion, ConsentRound
from dramaturg.core.localized import pick_text
from dramaturg.core.stages import STAGE_INFO, StageInfo
from dramaturg.reports import charts
from dramaturg.reports.dashboard import Moment
from dramaturg.schools.models import School
from dramaturg.surveys.results import ScaleResult

SELF_EVALUATION, AGREEMENTS = "_self_evaluation", "_agreements"


@dataclass
class CardProgress:
    card: Card
    adopted_on: Any = None  # datetime of the last adopted version
    consent_open: bool = False
    measuring: bool = False  # a self-evaluation or check-in of the card is open
    indicators: Any = None  # charts.Chart
    agreements: Any = None  # charts.Chart


@dataclass
class StageProgress:
    info: StageInfo
    cards: list[CardProgress] = field(default_factory=list)


def _card_scales(found: list[Moment], card_id: int, suffix: str):
    """(moment, scale) of every closed round that measured the card with that kind of
    instrument (an open round has no figures yet)."""
    return [
        (moment, scale)
        for moment in found
        if moment.results.closed
        for scale in moment.results.scales
        if scale.card == card_id and scale.instrument.endswith(suffix)
    ]


def _item_means(scale: ScaleResult) -> dict[str, float | None]:
    return {item.text["nl"]: item.mean for item in scale.items}


def indicator_chart(card: Card, found: list[Moment]) -> Any:
    """The latest self-evaluation's indicator scores, beside the previous one's."""
    measured = _card_scales(found, card.pk, SELF_EVALUATION)
    if not measured:
        return None
    (moment, scale), before = measured[-1], measured[-2] if len(measured) > 1 else None
    previous = _item_means(before[1]) if before else {}
    texts = [item.text for item in scale.items]
    current = charts.Series(moment.label, [item.mean for item in scale.items])
    earlier = (
        charts.Series(before[0].label, [previous.get(text["nl"]) for text in texts])
        if before
        else None
    )
    description = _(
        "How visible each indicator of “%(card)s” is in daily practice according to the team "
        "in %(now)s, from 1 (not yet) to 4 (always)."
    ) % {"card": card.title, "now": moment.label}
    if before:
        description += " " + _("The earlier bar shows %(then)s.") % {"then": before[0].label}
    return charts.bar_chart(
        f"indicators-{card.pk}",
        _("Indicators of “%(card)s”") % {"card": card.title},
        description,
        [pick_text(text) for text in texts],
        current,
        earlier,
        y_min=1,
        y_max=scale.options,
        y_label=_("Average score"),
    )


def agreements_chart(card: Card, found: list[Moment]) -> Any:
    """Per agreement of the card, how well it was kept in each check-in."""
    measured = _card_scales(found, card.pk, AGREEMENTS)
    if not measured:
        return None
    texts: dict[str, dict[str, str]] = {}
    for _moment, scale in measured:
        for item in scale.items:
            texts.setdefault(item.text["nl"], item.text)
    means = [_item_means(scale) for _moment, scale in measured]
    series = [
        charts.Series(pick_text(text), [m.get(key) for m in means]) for key, text in texts.items()
    ]
    return charts.trend_chart(
        f"agreements-{card.pk}",
        _("Agreements of “%(card)s”") % {"card": card.title},
        _(
            "How well the team kept each agreement of the card in every check-in, from 1 "
            "(not kept) to 3 (kept)."
        ),
        [moment.label for moment, _scale in measured],
        series,
        y_min=1,
        y_max=measured[-1][1].options,
        y_label=_("Average score"),
    )


def stage_progress(school: School, found: list[Moment]) -> list[StageProgress]:
    """The four stages with their cards (archived ones left out), in the stages' order."""
    cards = list(Card.objects.filter(school=school).exclude(state=Card.State.ARCHIVED))
    adopted = {
        (card_id, number): adopted_at
        for card_id, number, adopted_at in CardVersion.objects.filter(
            card__school=school
        ).values_list("card_id", "number", "adopted_at")
    }
    consent_open = set(
        ConsentRound.objects.filter(
            card__school=school, outcome=ConsentRound.Outcome.OPEN
        ).values_list("card_id", flat=True)
    )
    measuring = {
        scale.card
        for moment in found
        if moment.round.is_open()
        for scale in moment.results.scales
        if scale.card
    }
    stages = {info.stage.value: StageProgress(info) for info in STAGE_INFO}
    for card in cards:
        stages[card.stage].cards.append(
            CardProgress(
                card=card,
                adopted_on=adopted.get((card.pk, card.adopted_version)),
                consent_open=card.pk in consent_open,
                measuring=card.pk in measuring,
                indicators=indicator_chart(card, found),
                agreements=agreements_chart(card, found),
            )
        )
    return list(stages.values())
