"""What a page shows about adoption by consent, for any subject (a card, a repertoire entry).

`consent_panel` reads the open round, its answers and the last adopted version's participants
in a fixed number of queries; `templates/includes/consent_panel.html` shows it. The subject's
page passes the URLs of its own round views, so the panel is the same for every subject.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dramaturg.consent.engine import ConsentKind
from dramaturg.consent.models import EDITABLE_STATES, Answer, Outcome

# How a participant's answer reads in a list of who took part.
ANSWERED: dict[str, Any] = {
    Answer.CONSENT: _("consented"),
    Answer.OBJECT: _("objected"),
    Answer.ABSTAIN: _("abstained"),
}


@dataclass
class Participant:
    name: str
    answer: str
    label: str
    withdrawn: bool = False


def participants(version: Any) -> list[Participant]:
    """Who took part in the round that adopted `version`, as recorded at that moment."""
    return [
        Participant(
            name=p.get("name", ""),
            answer=p.get("answer", ""),
            label=str(ANSWERED.get(p.get("answer", ""), p.get("answer", ""))),
            withdrawn=bool(p.get("objection_withdrawn")),
        )
        for p in version.participants
    ]


@dataclass
class PanelUrls:
    """Where the panel's forms and links go; the round URLs take the open round's id."""

    open: str
    versions: str
    compare: str
    answer: str = ""
    withdraw: str = ""
    close: str = ""


def panel_urls(prefix: str, school_slug: str, subject_id: int) -> Callable[[Any], PanelUrls]:
    """The URLs of a subject's round views, named `<prefix>round_open`, `<prefix>versions`,
    `<prefix>compare` and `<prefix>round_answer|withdraw|close` (e.g. prefix "cards:")."""

    def urls(consent_round: Any) -> PanelUrls:
        args = [school_slug, subject_id]
        found = PanelUrls(
            open=reverse(f"{prefix}round_open", args=args),
            versions=reverse(f"{prefix}versions", args=args),
            compare=reverse(f"{prefix}compare", args=args),
        )
        if consent_round is not None:
            found.answer = reverse(f"{prefix}round_answer", args=[*args, consent_round.pk])
            found.withdraw = reverse(f"{prefix}round_withdraw", args=[*args, consent_round.pk])
            found.close = reverse(f"{prefix}round_close", args=[*args, consent_round.pk])
        return found

    return urls


@dataclass
class ConsentPanel:
    round: Any = None
    answers: list[Any] = field(default_factory=list)
    objections: list[Any] = field(default_factory=list)
    my_answer: Any = None
    can_answer: bool = False
    can_decide: bool = False
    can_open: bool = False
    latest_version: Any = None
    participants: list[Participant] = field(default_factory=list)
    urls: PanelUrls | None = None

    @property
    def answered(self) -> int:
        return len(self.answers)

    @property
    def has_round(self) -> bool:
        return self.round is not None


def consent_panel(
    request: HttpRequest, kind: ConsentKind, subject: Any, *, can_decide: bool, urls: Any = None
) -> ConsentPanel:
    """The panel for `subject`; `urls(round_or_None)` gives its `PanelUrls`."""
    panel = ConsentPanel(
        can_decide=can_decide, can_open=can_decide and subject.state in EDITABLE_STATES
    )
    panel.round = kind.rounds(subject).filter(outcome=Outcome.OPEN).first()
    if panel.round is not None:
        panel.answers = list(panel.round.answers.select_related("user"))
        panel.objections = [a for a in panel.answers if a.is_open_objection]
        panel.my_answer = next((a for a in panel.answers if a.user_id == request.user.pk), None)
        panel.can_answer = kind.eligible_members(subject).filter(pk=request.user.pk).exists()
    if subject.adopted_version:
        panel.latest_version = kind.version_model.objects.filter(  # type: ignore[attr-defined]
            **{kind.subject_field: subject}, number=subject.adopted_version
        ).first()
        if panel.latest_version is not None:
            panel.participants = participants(panel.latest_version)
    if urls is not None:
        panel.urls = urls(panel.round)
    return panel
