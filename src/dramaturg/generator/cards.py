"""Quality cards in every state, with the consent rounds, answers and versions adoption leaves.

Most cards come from the shipped templates (as `cards.services.content.create_card` fills
them); some schools also wrote cards of their own. An adopted card has one or two adopted
versions, each with its closed consent round, the answers that met the school's quorum and
the snapshot taken by the application's own `take_snapshot`; a card in a consent round has
its open round and the answers so far.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dramaturg.cards.models import (
    Agreement,
    Card,
    CardVersion,
    ConsentAnswer,
    ConsentRound,
    Goal,
    Indicator,
    Intervention,
)
from dramaturg.cards.snapshot import take_snapshot
from dramaturg.cards.template_library import all_templates
from dramaturg.consent.models import Answer, Outcome, SubjectState
from dramaturg.generator.bulk import at, copy_rows, create
from dramaturg.generator.people import Person, SchoolPeople
from dramaturg.schools.models import Quorum
from dramaturg.sources.models import Source

# (state, share) of template cards; own cards are mostly still being written.
STATES = (
    (SubjectState.ADOPTED, 0.45),
    (SubjectState.DISCUSSION, 0.2),
    (SubjectState.DRAFT, 0.17),
    (SubjectState.CONSENT, 0.1),
    (SubjectState.ARCHIVED, 0.08),
)
OWN_TOPICS = (
    ("podium", "Het lesdoel op het bord", "Leerlingen weten bij het begin wat ze leren."),
    ("podium", "Feedback die vooruit helpt", "We geven feedback op het werk, niet op de persoon."),
    ("audience", "Rust op de gang", "De gang is van iedereen: we lopen rustig en groeten elkaar."),
    ("audience", "Het ochtendgesprek", "Elke dag begint met een kort gesprek in de kring."),
    ("wings", "Samen voorbereiden", "Secties bereiden toetsen samen voor en kijken ze samen na."),
    ("wings", "Collegiale consultatie", "Ieder bezoekt twee keer per jaar de les van een collega."),
    ("dressing_room", "Afspraken in de teamapp", "De teamapp is voor werk, niet voor klachten."),
    ("dressing_room", "Nieuwe collega's welkom", "Elke nieuwe collega krijgt een maatje."),
)  # fmt: skip


@dataclass
class CardPlan:
    card: Card
    group: SchoolPeople
    versions: int  # adopted versions (0 when not adopted)
    snapshot_key: str  # the template key; "" for an own card (snapshot taken per card)
    publish: list[Any] = field(default_factory=list)


class CardWriter:
    def __init__(self, rng: np.random.Generator, today: dt.date) -> None:
        self.rng, self.today = rng, today
        self.templates = all_templates()
        self.sources = dict(
            Source.objects.filter(key__isnull=False, school=None).values_list("key", "pk")
        )
        self.snapshots: dict[str, dict] = {}
        self.counts = {"cards": 0, "versions": 0}

    def write(self, groups: list[SchoolPeople]) -> list[CardPlan]:
        plans: list[CardPlan] = []
        for group in groups:
            plans += self.plan_school(group)
        create(Card, [plan.card for plan in plans])
        self.fill(plans)
        adopted = self.adopt(plans)
        self.counts["cards"] += len(plans)
        return adopted

    def plan_school(self, group: SchoolPeople) -> list[CardPlan]:
        plans = []
        leader = group.leader.user
        states = [state for state, _share in STATES]
        shares = [share for _state, share in STATES]
        for key, template in self.templates.items():
            if self.rng.random() > 0.75:
                continue
            state = states[int(self.rng.choice(len(states), p=shares))]
            plans.append(self.plan(group, leader, state, key, template.stage, template.title))
        for _n in range(int(self.rng.poisson(0.8))):
            stage, title, _text = OWN_TOPICS[int(self.rng.integers(len(OWN_TOPICS)))]
            state = SubjectState.ADOPTED if self.rng.random() < 0.3 else SubjectState.DRAFT
            plans.append(self.plan(group, leader, state, "", stage, {"nl": title, "en": ""}))
        return plans

    def plan(self, group, leader, state, key, stage, title) -> CardPlan:
        created = self.today - dt.timedelta(days=int(self.rng.integers(20, 900)))
        versions = 0
        if state == SubjectState.ADOPTED:
            versions = 2 if self.rng.random() < 0.2 else 1
        team = None
        if group.teams and self.rng.random() < 0.15:
            team = group.teams[int(self.rng.integers(len(group.teams)))]
        card = Card(
            school=group.school,
            team=team,
            stage=stage,
            title_nl=title["nl"],
            title_en=title.get("en", ""),
            template_key=key,
            state=state,
            adopted_version=versions,
            created_by=leader,
            created_at=at(created),
            updated_at=at(created + dt.timedelta(days=10)),
        )
        if key:
            template = self.templates[key]
            card.introduction_nl = template.introduction["nl"]
            card.introduction_en = template.introduction["en"]
        return CardPlan(card, group, versions, key if team is None else "")

    def fill(self, plans: list[CardPlan]) -> None:
        """Goals, interventions (with their sources), agreements and indicators, as
        `content._fill_from_template` writes them, or a small card of the school's own."""
        goals: list[Goal] = []
        goal_items: list[list[Any]] = []
        agreements, indicators = [], []
        for plan in plans:
            card = plan.card
            if card.template_key:
                template = self.templates[card.template_key]
                for g, shipped in enumerate(template.goals, start=1):
                    goals.append(
                        Goal(
                            card=card,
                            position=g,
                            title_nl=shipped.title["nl"],
                            title_en=shipped.title["en"],
                            description_nl=shipped.description["nl"],
                            description_en=shipped.description["en"],
                        )
                    )
                    goal_items.append(list(shipped.interventions))
                texts = [(a["nl"], a["en"]) for a in template.agreements]
                measures = [(i["nl"], i["en"]) for i in template.indicators]
            else:
                text = next(t for _s, title, t in OWN_TOPICS if title == card.title_nl)
                goals.append(Goal(card=card, position=1, title_nl=text))
                goal_items.append([None])
                texts = [(text, ""), ("We bespreken dit elk kwartaal in het team.", "")]
                measures = [("Collega's herkennen dit in elkaars lessen.", "")]
            agreements += [
                Agreement(card=card, position=n, text_nl=nl, text_en=en)
                for n, (nl, en) in enumerate(texts, start=1)
            ]
            indicators += [
                Indicator(card=card, position=n, text_nl=nl, text_en=en)
                for n, (nl, en) in enumerate(measures, start=1)
            ]
        create(Goal, goals)
        interventions: list[tuple[Intervention, tuple[str, ...]]] = []
        sources: list[tuple[int, int]] = []
        for goal, items in zip(goals, goal_items, strict=True):
            for i, item in enumerate(items, start=1):
                if item is None:
                    interventions.append(
                        (
                            Intervention(
                                goal=goal, position=i, what_nl="Een vast moment in de week"
                            ),
                            (),
                        )
                    )
                    continue
                row = Intervention(
                    goal=goal,
                    position=i,
                    **{
                        f"{name}_{lang}": getattr(item, name)[lang]
                        for name in ("what", "design", "who", "when")
                        for lang in ("nl", "en")
                    },
                )
                interventions.append((row, item.sources))
        create(Intervention, [row for row, _keys in interventions])
        through = Intervention.sources.through
        for row, keys in interventions:
            sources += [(row.pk, self.sources[k]) for k in keys if k in self.sources]
        copy_rows(through, ("intervention", "source"), sources)
        create(Agreement, agreements)
        create(Indicator, indicators)

    def snapshot(self, plan: CardPlan) -> dict:
        """The application's own snapshot; a template card's is the same at every school."""
        if not plan.snapshot_key:
            return take_snapshot(plan.card)
        if plan.snapshot_key not in self.snapshots:
            self.snapshots[plan.snapshot_key] = take_snapshot(plan.card)
        return self.snapshots[plan.snapshot_key]

    def adopt(self, plans: list[CardPlan]) -> list[CardPlan]:
        """Consent rounds, answers and versions of adopted cards and cards in a round."""
        rounds: list[tuple[ConsentRound, list[Person], int]] = []  # (round, answering, plan)
        adopted = []
        for index, plan in enumerate(plans):
            card = plan.card
            if card.state not in (SubjectState.ADOPTED, SubjectState.CONSENT):
                continue
            snapshot = self.snapshot(plan)
            eligible = self.eligible(plan)
            if not eligible:
                continue
            required = Quorum.required(plan.group.school.consent_quorum, len(eligible))
            numbers = range(1, plan.versions + 1) if plan.versions else [1]
            for number in numbers:
                opened = card.created_at.date() + dt.timedelta(days=20 + 40 * number)
                opened = min(
                    opened, self.today - dt.timedelta(days=2 * (plan.versions - number + 1))
                )
                is_open = card.state == SubjectState.CONSENT
                count = (
                    int(self.rng.integers(0, required))
                    if is_open
                    else int(self.rng.integers(required, len(eligible) + 1))
                )
                answering = [
                    eligible[n] for n in sorted(self.rng.permutation(len(eligible))[:count])
                ]
                consent_round = ConsentRound(
                    card=card,
                    number=number,
                    opened_by=plan.group.leader.user,
                    opened_at=at(opened),
                    closed_at=None if is_open else at(opened + dt.timedelta(days=1), 15),
                    outcome=Outcome.OPEN if is_open else Outcome.ADOPTED,
                    snapshot=snapshot,
                    eligible=len(eligible),
                    required=required,
                )
                rounds.append((consent_round, answering, index))
            if plan.versions:
                adopted.append(plan)
        create(ConsentRound, [r for r, _a, _i in rounds])
        answers, versions = [], []
        for consent_round, answering, index in rounds:
            day = consent_round.opened_at
            choices = [
                Answer.ABSTAIN if self.rng.random() < 0.1 else Answer.CONSENT for _p in answering
            ]
            answers += [
                (consent_round.pk, p.user.pk, choice, "", day, None)
                for p, choice in zip(answering, choices, strict=True)
            ]
            if consent_round.outcome == Outcome.ADOPTED:
                participants = sorted(
                    (
                        {
                            "name": p.user.display_name,
                            "answer": str(c),
                            "objection_withdrawn": False,
                        }
                        for p, c in zip(answering, choices, strict=True)
                    ),
                    key=lambda row: str(row["name"]),
                )
                versions.append(
                    CardVersion(
                        card=plans[index].card,
                        number=consent_round.number,
                        round=consent_round,
                        snapshot=consent_round.snapshot,
                        participants=participants,
                        adopted_at=consent_round.closed_at or consent_round.opened_at,
                    )
                )
        copy_rows(
            ConsentAnswer,
            ("round", "user", "answer", "reason", "answered_at", "withdrawn_at"),
            answers,
        )
        create(CardVersion, versions)
        latest = {v.card.pk: v for v in versions}  # the last of each card (numbers ascend)
        for plan in adopted:
            plan.publish = [latest[plan.card.pk]]
        self.counts["versions"] += len(versions)
        return adopted

    def eligible(self, plan: CardPlan) -> list[Person]:
        """Who may answer (`cards.services.consent.eligible_members`): the card team's
        members, or the whole school's for a school card; active today."""
        people = plan.group.active(self.today)
        if plan.card.team is not None:
            people = [p for p in people if p.team is plan.card.team]
        return sorted(people, key=lambda p: p.user.pk)
