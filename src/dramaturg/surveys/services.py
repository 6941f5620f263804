"""Writes for measurement rounds: create, invite, remind, close, and classes.

Whoever facilitates (leader or development group) runs rounds. Nothing here ever reads a
response together with a person: invitations and reminders look only at `Participation`.
"""

from __future__ import annotations

import datetime as dt
import smtplib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dramaturg.cards.models import CardVersion
from dramaturg.schools.models import (
    Membership,
    School,
    SchoolYear,
    StudentGroup,
    Team,
    TeamMembership,
)
from dramaturg.schools.roles import Perm
from dramaturg.schools.tenancy import authorize_school
from dramaturg.surveys import generated, release
from dramaturg.surveys.instruments import Instrument, instrument_to_data, shipped_instruments
from dramaturg.surveys.models import (
    Participation,
    Round,
    RoundInstrument,
    RoundTarget,
    StudentCode,
)
from dramaturg.surveys.secrets import hash_secret, new_code, new_token
from dramaturg.surveys.signals import round_changed

LONGEST_ROUND_DAYS = 92


class RoundError(Exception):
    """A request the round's rules refuse; `message` is shown to the user as it is."""

    def __init__(self, message: Promise | str) -> None:
        self.message = message
        super().__init__(str(message))


@dataclass(frozen=True)
class InstrumentChoice:
    """A shipped instrument by id, or a generated one from an adopted card version."""

    key: str
    card_version: CardVersion | None = None


GENERATORS = {
    "self_evaluation": generated.card_self_evaluation,
    "agreements": generated.agreements_checkin,
}


def resolve_instrument(choice: InstrumentChoice) -> Instrument:
    if choice.card_version is not None:
        return GENERATORS[choice.key](choice.card_version)
    return shipped_instruments()[choice.key]


@dataclass(frozen=True)
class RoundPlan:
    title: str
    mode: str
    opens_on: dt.date
    closes_on: dt.date
    anonymity_threshold: int
    instruments: Sequence[InstrumentChoice]
    teams: Sequence[Team] = ()
    classes: Sequence[StudentGroup] = ()
    student_access: str = ""


def _check_plan(school: School, plan: RoundPlan, instruments: list[Instrument]) -> None:
    if plan.closes_on < plan.opens_on:
        raise RoundError(_("The closing date lies before the opening date."))
    if plan.closes_on < timezone.localdate():
        raise RoundError(_("The closing date has already passed."))
    if (plan.closes_on - plan.opens_on).days > LONGEST_ROUND_DAYS:
        raise RoundError(_("A round lasts at most three months."))
    if plan.anonymity_threshold < max(3, school.anonymity_threshold):
        raise RoundError(
            _("The anonymity threshold cannot be lower than the school's (%(n)s).")
            % {"n": school.anonymity_threshold}
        )
    if not instruments:
        raise RoundError(_("Choose at least one questionnaire."))
    wanted_target = "staff" if plan.mode == Round.Mode.STAFF else "students"
    if any(instrument.target != wanted_target for instrument in instruments):
        raise RoundError(_("A round asks either staff or students, not both."))
    if plan.mode == Round.Mode.STAFF and not plan.teams:
        raise RoundError(_("Choose at least one team."))
    if plan.mode == Round.Mode.STUDENTS and not plan.classes:
        raise RoundError(_("Choose at least one class."))
    if any(t.school_id != school.pk for t in plan.teams) or any(
        c.school_id != school.pk for c in plan.classes
    ):
        raise RoundError(_("Choose teams and classes of this school only."))


def people_by_team(
    school: School, teams: Sequence[Team], on: dt.date | None = None
) -> dict[int, list[Any]]:
    """Who a staff round asks, each person once, and the chosen team their answers count for
    (team pk -> people, by e-mail address): their primary team if it was chosen, otherwise the
    first of their chosen teams by name. Only memberships active on `on` (today) count."""
    chosen = {team.pk: team for team in teams}
    placements = (
        TeamMembership.objects.filter(
            team__in=list(chosen),
            membership__in=Membership.objects.active(on).filter(school=school),
        )
        .select_related("membership__user")
        .order_by("pk")
    )
    options: dict[int, list[TeamMembership]] = {}
    for placement in placements:
        options.setdefault(placement.membership_id, []).append(placement)
    grouped: dict[int, list[Any]] = {pk: [] for pk in chosen}
    for found in options.values():
        primary = [p for p in found if p.primary]
        home = primary[0] if primary else min(found, key=lambda p: chosen[p.team_id].name)
        grouped[home.team_id].append(home.membership.user)
    for people in grouped.values():
        people.sort(key=lambda user: user.email)
    return grouped


@transaction.atomic
def create_round(actor: Any, school: School, plan: RoundPlan) -> Round:
    """Create the round with frozen instruments and its targets; e-mail staff their links."""
    authorize_school(actor, school, Perm.FACILITATE)
    instruments = [resolve_instrument(choice) for choice in plan.instruments]
    _check_plan(school, plan, instruments)
    round_ = Round.objects.create(
        school=school,
        school_year=SchoolYear.objects.for_date(plan.opens_on),
        title=plan.title.strip(),
        mode=plan.mode,
        student_access=plan.student_access if plan.mode == Round.Mode.STUDENTS else "",
        opens_on=plan.opens_on,
        closes_on=plan.closes_on,
        anonymity_threshold=plan.anonymity_threshold,
        created_by=actor,
    )
    for position, (choice, instrument) in enumerate(
        zip(plan.instruments, instruments, strict=True)
    ):
        RoundInstrument.objects.create(
            round=round_,
            position=position,
            instrument_id=instrument.id,
            version=instrument.version,
            definition=instrument_to_data(instrument),
            card_version=choice.card_version,
        )
    links: list[tuple[Participation, str]] = []
    # One link per person, filed under one team: someone in three chosen teams answers once
    # and is counted once (`invited` counts the participations filed under each target).
    people = people_by_team(school, plan.teams) if plan.mode == Round.Mode.STAFF else {}
    for team in plan.teams:
        members = people[team.pk]
        target = RoundTarget.objects.create(round=round_, team=team, invited=len(members))
        for user in members:
            token = new_token()
            participation = Participation.objects.create(
                target=target, user=user, token_hash=hash_secret(token)
            )
            links.append((participation, token))
    for group in plan.classes:
        _add_class(round_, group)
    transaction.on_commit(lambda: _mail_links(round_, links, reminder=False))
    round_changed.send(sender=Round, round_id=round_.pk)
    return round_


def _add_class(round_: Round, group: StudentGroup) -> RoundTarget:
    if round_.student_access == Round.StudentAccess.CLASS_CODE:
        target = RoundTarget.objects.create(
            round=round_, student_group=group, invited=group.size, class_code=_unique_class_code()
        )
    else:
        target = RoundTarget.objects.create(round=round_, student_group=group, invited=group.size)
        for _n in range(group.size):
            _create_with_unique_code(target)
    return target


def _unique_class_code() -> str:
    while True:
        code = new_code(6)
        if not RoundTarget.objects.filter(class_code=code).exists():
            return code


def _create_with_unique_code(target: RoundTarget) -> StudentCode:
    while True:
        try:
            with transaction.atomic():
                return StudentCode.objects.create(target=target, code=new_code(8))
        except IntegrityError:  # pragma: no cover - a collision among 1.5e11 codes
            continue


def answer_url(token: str) -> str:
    return settings.BASE_URL + reverse("answer:staff", args=[token])


def student_url() -> str:
    return settings.BASE_URL + reverse("answer:student")


def _mail_links(round_: Round, links: Iterable[tuple[Participation, str]], *, reminder: bool):
    """One mail per person, in their own language. A failed mail does not undo the round:
    the leader sees who can be reminded later."""
    for participation, token in links:
        user = participation.user
        with translation.override(user.language or settings.LANGUAGE_CODE):
            context = {
                "round": round_,
                "school": round_.school,
                "name": user.display_name,
                "team": participation.target.team,
                "url": answer_url(token) if token else "",
                "reminder": reminder,
            }
            subject = render_to_string("surveys/email/invitation_subject.txt", context)
            body = render_to_string("surveys/email/invitation.txt", context)
        try:
            send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [user.email])
        except (smtplib.SMTPException, OSError):
            continue


@transaction.atomic
def remind(actor: Any, round_: Round) -> int:
    """Mail everyone who has not answered (nor disputed their group) yet; returns how many.
    Nobody is named to the leader. Someone who saved a draft keeps their link (the draft is
    sealed with it); the others get a fresh link that replaces the old one."""
    authorize_school(actor, round_.school, Perm.FACILITATE)
    if not round_.is_open():
        raise RoundError(_("Reminders can only be sent while the round is open."))
    links = []
    # Lock only the participation rows: PostgreSQL refuses FOR UPDATE on the nullable side of
    # the outer join to the team that select_related adds below.
    # Someone who said their group is not right was told they need not answer: no reminder.
    waiting = Participation.objects.select_for_update(of=("self",)).filter(
        target__round=round_, answered=False, disputed=False
    )
    today = timezone.localdate()
    for participation in waiting.select_related("user", "target__team"):
        token = ""
        if not participation.sealed_draft:
            token = new_token()
            participation.token_hash = hash_secret(token)
        participation.reminded_on = today
        participation.save(update_fields=["token_hash", "reminded_on"])
        links.append((participation, token))
    transaction.on_commit(lambda: _mail_links(round_, links, reminder=True))
    return len(links)


def close_round(actor: Any, round_: Round) -> None:
    """Close the round today; answers still waiting for release are released now."""
    authorize_school(actor, round_.school, Perm.FACILITATE)
    if not round_.is_open():
        raise RoundError(_("Only an open round can be closed."))
    round_.closed_early_on = timezone.localdate()
    Round.objects.filter(pk=round_.pk).update(closed_early_on=round_.closed_early_on)
    release.settle(round_)
    round_changed.send(sender=Round, round_id=round_.pk)  # the worker makes its summary


def add_class(actor: Any, school: School, name: str, size: int) -> StudentGroup:
    authorize_school(actor, school, Perm.FACILITATE)
    name = " ".join(name.split())
    if not name:
        raise RoundError(_("Give the class a name."))
    if not 1 <= size <= 60:
        raise RoundError(_("A class has between 1 and 60 students."))
    if StudentGroup.objects.filter(school=school, name__iexact=name).exists():
        raise RoundError(_("This school already has a class with that name."))
    return StudentGroup.objects.create(school=school, name=name, size=size)
