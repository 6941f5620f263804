"""Consent rounds on a repertoire entry, bound to the shared engine like cards bind theirs.

Stand-in written on the `starter` branch so the demo and the library can adopt entries: the
`entries` branch owns this module, and on merge its version replaces this one. What the
starter code relies on: `ENTRY`, `open_round`, `answer`, and a snapshot holding each text of
`ENTRY_TEXTS` as {"nl", "en"}, plus `clash`, `risk_ladder`, `codes` (names) and `sources`
(as `str(source)`, like a card's).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from dramaturg.consent import engine
from dramaturg.core.localized import CONTENT_LANGUAGES
from dramaturg.repertoire.errors import NotEditable, RepertoireError, RoundError
from dramaturg.repertoire.models import (
    Entry,
    EntryConsentAnswer,
    EntryConsentRound,
    EntryVersion,
)
from dramaturg.repertoire.models.entries import ENTRY_TEXTS
from dramaturg.schools.models import Membership


def eligible_members(entry: Entry) -> QuerySet:
    """Everyone active in the school answers: the repertoire is the whole team's."""
    memberships = Membership.objects.active().filter(school=entry.school)
    return get_user_model().objects.filter(pk__in=memberships.values("user_id"))


def take_snapshot(entry: Entry) -> dict[str, Any]:
    snapshot: dict[str, Any] = {
        name: {language: getattr(entry, f"{name}_{language}") for language in CONTENT_LANGUAGES}
        for name in ENTRY_TEXTS
    }
    snapshot.update(
        clash=entry.clash,
        risk_ladder=entry.risk_ladder,
        codes=[{"nl": c.name_nl, "en": c.name_en or c.name_nl} for c in entry.codes.all()],
        sources=[str(source) for source in entry.sources.all()],
    )
    return snapshot


ENTRY = engine.ConsentKind(
    subject_model=Entry,
    round_model=EntryConsentRound,
    answer_model=EntryConsentAnswer,
    version_model=EntryVersion,
    subject_field="entry",
    take_snapshot=take_snapshot,
    eligible_members=eligible_members,
    error=RepertoireError,
    not_editable=NotEditable,
    round_closed=RoundError,
    no_members=_("Nobody can answer yet: the school has no members."),
    not_eligible=_("Only members of the school answer in this round."),
)


def open_round(actor: Any, entry: Entry) -> EntryConsentRound:
    return engine.open_round(ENTRY, actor, entry)


def answer(
    actor: Any, consent_round: EntryConsentRound, choice: str, reason: str = ""
) -> EntryConsentAnswer:
    return engine.answer(ENTRY, actor, consent_round, choice, reason)
