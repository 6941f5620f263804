"""What the card exports share: the card's content read once, where it stands (adopted or a
draft) and a base class that names the file after the card.

Every text is read in the active language, which `Exporter.render` sets: card texts through
the models' localized properties (English where written, Dutch otherwise), interface words
through gettext. The adoption facts are counts only (how many took part in the consent round
and how they answered); no exported file names who answered what.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext as _

from dramaturg.cards.models import Agreement, Card, CardVersion, Goal, Indicator, Intervention
from dramaturg.cards.models.consent import ConsentAnswer
from dramaturg.core.stages import STAGE_INFO, StageInfo
from dramaturg.reports.exporters import CARD, Exporter
from dramaturg.sources.models import Source


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


@dataclass
class CardData:
    card: Card
    stage: StageInfo
    goals: list[Goal]
    agreements: list[Agreement]
    indicators: list[Indicator]
    version: CardVersion | None  # the last adopted version, if any
    language: str = "nl"  # the language the file is written in
    mark: str = ""  # a few words: "Adopted version 2", "Draft, not adopted", "Archived"
    status: str = ""  # one sentence that says more
    facts: list[Fact] = field(default_factory=list)  # the last adoption, in counts

    @property
    def adopted(self) -> bool:
        return self.card.state == Card.State.ADOPTED

    @property
    def team(self) -> str:
        team = self.card.team
        return team.name if team is not None else _("the whole school")

    @property
    def about(self) -> list[Fact]:
        """Stage, team and state (the PDF shows them in the card page's own meta line)."""
        return [
            Fact(_("Stage"), self.stage.label),
            Fact(_("Team"), self.team),
            Fact(_("State"), capfirst(self.card.get_state_display())),
        ]


def day(moment) -> str:
    """A date as people write it, in the active language: "3 maart 2026"."""
    return date_format(timezone.localtime(moment), "j F Y")


def source_line(source: Source) -> str:
    """A source on one line: "Title — Author, 2021 · https://..."."""
    line = source.title
    if source.author:
        line += f" — {source.author}" + (f", {source.year}" if source.year else "")
    return f"{line} · {source.url}" if source.url else line


def _mark(card: Card) -> str:
    """A few words on every page: is this the adopted text?"""
    if card.state == Card.State.ADOPTED:
        return _("Adopted version %(number)s") % {"number": card.adopted_version}
    if card.state == Card.State.ARCHIVED:
        return _("Archived")
    return _("Draft, not adopted")


def _status(card: Card, version: CardVersion | None) -> str:
    if card.state == Card.State.ADOPTED:
        if version is None:
            return _("This is the text the team adopted.")
        return _("This is the text the team adopted on %(date)s.") % {
            "date": day(version.adopted_at)
        }
    if card.state == Card.State.ARCHIVED:
        return _("This card is kept for reference and no longer in use.")
    if card.state == Card.State.CONSENT:
        return _("The team is answering a consent round on this text; it is not adopted yet.")
    return _("This is the current text of the card, for the team to discuss; it is not adopted.")


def _facts(data: CardData) -> list[Fact]:
    version = data.version
    facts: list[Fact] = []
    if version is None:
        facts.append(Fact(_("Last adopted version"), _("not adopted yet")))
    else:
        facts.append(Fact(_("Last adopted version"), str(version.number)))
        facts.append(Fact(_("Adopted on"), day(version.adopted_at)))
        answers = [p.get("answer") for p in version.participants]
        took_part = str(len(answers))
        if version.round is not None:
            took_part = _("%(answered)s of %(eligible)s") % {
                "answered": len(answers),
                "eligible": version.round.eligible,
            }
        facts.append(Fact(_("Took part in the consent round"), took_part))
        facts.append(Fact(_("Consented"), str(answers.count(ConsentAnswer.Answer.CONSENT))))
        facts.append(Fact(_("Abstained"), str(answers.count(ConsentAnswer.Answer.ABSTAIN))))
        withdrawn = answers.count(ConsentAnswer.Answer.OBJECT)
        if withdrawn:
            facts.append(Fact(_("Objected, then withdrew the objection"), str(withdrawn)))
    facts.append(Fact(_("Made on"), day(timezone.now())))
    return facts


def load(card: Card) -> CardData:
    """The card's current content (a draft too) in a few queries, with its adoption facts."""
    goals = card.goals.prefetch_related(
        Prefetch("interventions", queryset=Intervention.objects.prefetch_related("sources"))
    )
    version = None
    if card.adopted_version:
        version = (
            CardVersion.objects.filter(card=card, number=card.adopted_version)
            .select_related("round")
            .first()
        )
    stage = next(info for info in STAGE_INFO if info.stage.value == card.stage)
    data = CardData(
        card=card,
        stage=stage,
        goals=list(goals),
        agreements=list(card.agreements.all()),
        indicators=list(card.indicators.all()),
        version=version,
        language=translation.get_language() or "nl",
    )
    data.mark = _mark(card)
    data.status = _status(card, version)
    data.facts = _facts(data)
    return data


class CardExporter(Exporter):
    """An exporter of a quality card; the file is named after the title the reader reads."""

    kind = CARD

    def filename(self, obj: Card, language: str) -> str:
        with translation.override(language):
            stem = slugify(f"{obj.title} {self.label}")
        return f"{stem or self.key}.{self.extension}"
