"""A card's history and the team's agreements: adopted versions and consent rounds (each
rendered from its frozen snapshot, read-only), a comparison of any two of them with the current
draft, and "Our agreements" — what the teams adopted, taken from the adopted versions only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from dramaturg.cards.models import Card, CardVersion, ConsentAnswer
from dramaturg.cards.snapshot import Snapshot, compare, pick, take_snapshot
from dramaturg.cards.views.panels import ANSWERED, can, card_url, get_card, participants
from dramaturg.consent.compare import compare_context
from dramaturg.core.stages import Stage
from dramaturg.schools.roles import Perm
from dramaturg.schools.tenancy import school_view


def _language() -> str:
    return (get_language() or "nl")[:2]


def _stage_label(value: str) -> str:
    return str(Stage(value).label) if value in Stage.values else value


def readable(snapshot: Snapshot, language: str) -> dict[str, Any]:
    """A snapshot with every text in one language (Dutch where no English was written)."""
    return {
        "stage": _stage_label(snapshot.get("stage", "")),
        "team": snapshot.get("team", ""),
        "title": pick(snapshot["title"], language),
        "introduction": pick(snapshot["introduction"], language),
        "goals": [
            {
                "title": pick(goal["title"], language),
                "description": pick(goal["description"], language),
                "interventions": [
                    {
                        **{k: pick(item[k], language) for k in ("what", "design", "who", "when")},
                        "sources": item.get("sources", []),
                    }
                    for item in goal["interventions"]
                ],
            }
            for goal in snapshot["goals"]
        ],
        "agreements": [pick(a["text"], language) for a in snapshot["agreements"]],
        "indicators": [pick(i["text"], language) for i in snapshot["indicators"]],
    }


def _base(request: HttpRequest, card: Card) -> dict[str, Any]:
    return {
        "school": request.school,  # type: ignore[attr-defined]
        "card": card,
        "card_url": card_url(request.school.slug, card),  # type: ignore[attr-defined]
    }


@school_view()
@require_safe
def versions(request: HttpRequest, card_id: int) -> HttpResponse:
    card = get_card(request, card_id)
    adopted = [
        (version, participants(version))
        for version in card.versions.defer("snapshot").order_by("-number")
    ]
    rounds = (
        card.rounds.defer("snapshot")
        .select_related("opened_by")
        .annotate(answered=Count("answers"))
        .order_by("-number")
    )
    return render(
        request,
        "cards/version_list.html",
        {**_base(request, card), "adopted": adopted, "rounds": rounds},
    )


@school_view()
@require_safe
def version_detail(request: HttpRequest, card_id: int, number: int) -> HttpResponse:
    card = get_card(request, card_id)
    version = get_object_or_404(card.versions.select_related("round"), number=number)
    latest = card.state == Card.State.ADOPTED and version.number == card.adopted_version
    return render(
        request,
        "cards/version_detail.html",
        {
            **_base(request, card),
            "version": version,
            "content": readable(version.snapshot, _language()),
            "participants": participants(version),
            "can_start_draft": latest and can(request, Perm.FACILITATE),
        },
    )


@school_view()
@require_safe
def round_detail(request: HttpRequest, card_id: int, round_id: int) -> HttpResponse:
    """The draft as it was frozen for one consent round, with the answers given in it."""
    card = get_card(request, card_id)
    consent_round = get_object_or_404(card.rounds.select_related("opened_by"), pk=round_id)
    answers = [
        (answer, ANSWERED.get(answer.answer, answer.answer))
        for answer in consent_round.answers.select_related("user").order_by("user__display_name")
    ]
    version = CardVersion.objects.filter(round=consent_round).only("number").first()
    return render(
        request,
        "cards/version_round.html",
        {
            **_base(request, card),
            "round": consent_round,
            "version": version,
            "answers": answers,
            "content": readable(consent_round.snapshot, _language()),
            "objection": ConsentAnswer.Answer.OBJECT,
        },
    )


@school_view()
@require_safe
def compare_view(request: HttpRequest, card_id: int) -> HttpResponse:
    """Compare two of: a round's draft (r<n>), an adopted version (v<n>), the current draft."""
    card = get_card(request, card_id)
    context = compare_context(
        request,
        card,
        take_snapshot,
        compare,
        _language(),
        _("Choose two texts of this card to compare."),
    )
    return render(request, "cards/version_compare.html", {**_base(request, card), **context})


@dataclass
class AdoptedCard:
    card: Card
    version: CardVersion
    title: str
    agreements: list[str]


@dataclass
class Section:
    """One team (or the whole school): its adopted agreements per stage."""

    name: str
    slug: str
    stages: dict[str, list[AdoptedCard]] = field(default_factory=dict)

    @property
    def by_stage(self) -> list[tuple[str, str, list[AdoptedCard]]]:
        return [
            (stage.value, str(stage.label), self.stages[stage.value])
            for stage in Stage
            if stage.value in self.stages
        ]


@school_view()
@require_safe
def agreements(request: HttpRequest) -> HttpResponse:
    """Our agreements: per team, what the team adopted, from each card's latest version."""
    school = request.school  # type: ignore[attr-defined]
    language = _language()
    latest = (
        CardVersion.objects.filter(card__school=school, number=F("card__adopted_version"))
        .exclude(card__state=Card.State.ARCHIVED)
        .select_related("card")
        .order_by("card__title_nl", "card__pk")
    )
    whole_school = Section(_("Whole school"), "school")
    sections = {team.pk: Section(team.name, f"team-{team.pk}") for team in school.teams.all()}
    for version in latest:
        texts = [t for t in readable(version.snapshot, language)["agreements"] if t]
        section = sections.get(version.card.team_id, whole_school)
        section.stages.setdefault(version.card.stage, []).append(
            AdoptedCard(
                card=version.card,
                version=version,
                title=pick(version.snapshot["title"], language),
                agreements=texts,
            )
        )
    return render(
        request,
        "cards/agreements.html",
        {"school": school, "sections": [whole_school, *sections.values()]},
    )
