"""Writes for boards, schools, teams and memberships. Each takes the acting user and checks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from dramaturg.accounts.models import User, normalize_email
from dramaturg.schools import teams as teams_service
from dramaturg.schools.models import Board, Membership, School, Team
from dramaturg.schools.roles import SCHOOL_ROLES, Perm, Role
from dramaturg.schools.staff_import import StaffRow
from dramaturg.schools.staff_import_plan import (
    ImportHasProblems,
    Outcome,
    StaleImport,
    plan_import,
)
from dramaturg.schools.tenancy import authorize_board, authorize_school


def unique_slug(model: type[Board] | type[School], name: str) -> str:
    base = slugify(name)[:50] or "school"
    slug, counter = base, 2
    while model.objects.filter(slug=slug).exists():
        slug = f"{base}-{counter}"
        counter += 1
    return slug


@transaction.atomic
def create_school(actor: Any, board: Board, *, name: str, sector: str, city: str = "") -> School:
    authorize_board(actor, board)
    return School.objects.create(
        board=board, name=name, slug=unique_slug(School, name), sector=sector, city=city
    )


@transaction.atomic
def create_team(actor: Any, school: School, name: str) -> Team:
    authorize_school(actor, school, Perm.MANAGE_STAFF)
    team, _created = Team.objects.get_or_create(school=school, name=name.strip())
    return team


def ensure_school_membership(
    user: Any,
    school: School,
    role: str,
    teams: Iterable[Team] = (),
    started_on: dt.date | None = None,
    *,
    actor: Any = None,
    primary: Team | None = None,
) -> tuple[Membership, bool]:
    """Give `user` an open membership with `role` in `school`, placed in `teams`.

    Idempotent: an open membership is updated (role, teams added), never duplicated. The
    first team a person gets becomes their primary team; `primary` (one of `teams`) moves it
    there. Every team change is recorded with `actor` (None: the system). Returns the
    membership and whether anything changed. Callers authorise first.
    """
    if role not in SCHOOL_ROLES:
        raise ValueError(f"{role!r} is not a school role")
    changed = False
    membership = Membership.objects.filter(user=user, school=school, ended_on=None).first()
    if membership is None:
        membership = Membership.objects.create(
            user=user, school=school, role=role, started_on=started_on or timezone.localdate()
        )
        changed = True
    elif membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
        changed = True
    for team in teams:
        if team.school_id != school.pk:
            raise ValueError("a team of another school")
        changed |= teams_service.join_team(membership, team, actor=actor, primary=team == primary)
    return membership, changed


def ensure_board_membership(user: Any, board: Board) -> tuple[Membership, bool]:
    membership = Membership.objects.filter(user=user, board=board, ended_on=None).first()
    if membership is not None:
        return membership, False
    return Membership.objects.create(user=user, board=board, role=Role.BOARD_ADMIN), True


@transaction.atomic
def end_membership(actor: Any, membership: Membership, ended_on: dt.date | None = None) -> None:
    """A person leaves: the membership is closed, never deleted (turnover is counted from it)."""
    if membership.school is not None:
        authorize_school(actor, membership.school, Perm.MANAGE_STAFF)
    else:
        assert membership.board is not None
        authorize_board(actor, membership.board)
    membership.ended_on = ended_on or timezone.localdate()
    membership.save(update_fields=["ended_on"])
    teams_service.record_leaving_school(membership, actor)


@dataclass
class ImportResult:
    """What a staff import did. `new_memberships` are the people to invite."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    teams_created: int = 0
    new_memberships: list[Membership] = field(default_factory=list)
    # People whose address has an account outside this school: they are invited and join
    # only by accepting, so an import never enrolls someone else's account.
    to_invite: list[tuple[StaffRow, list[Team]]] = field(default_factory=list)


@transaction.atomic
def import_staff(
    actor: Any,
    school: School,
    rows: Sequence[StaffRow],
    *,
    expected_fingerprint: str | None = None,
) -> ImportResult:
    """Import checked staff rows: create accounts, teams and memberships; all or nothing.

    Refuses (ImportHasProblems) while any row has a problem, and (StaleImport) when
    `expected_fingerprint` is given and the plan no longer matches the preview the leader
    confirmed. Existing people are found by e-mail address in any case; new people get an
    account without a usable password (they set one through an invitation). Re-importing the
    same list writes nothing. Sends no mail: the caller invites `new_memberships`.
    """
    authorize_school(actor, school, Perm.MANAGE_STAFF)
    # Serialise imports per school (a double submit, two leaders at once): the second one
    # plans after the first has committed and finds nothing left to do. SQLite ignores
    # FOR UPDATE but runs one writer at a time anyway.
    list(School.objects.select_for_update().filter(pk=school.pk).values_list("pk", flat=True))
    plan = plan_import(school, rows, actor=actor)
    if plan.has_problems:
        raise ImportHasProblems
    if expected_fingerprint is not None and expected_fingerprint != plan.fingerprint:
        raise StaleImport
    result = ImportResult()
    created_teams: dict[str, Team] = {}
    for key, name in plan.new_teams.items():
        created_teams[key], created = Team.objects.get_or_create(school=school, name=name)
        result.teams_created += int(created)
    for row_plan in plan.rows:
        if row_plan.outcome == Outcome.UNCHANGED:
            # Planned inside this transaction, under the lock: there is nothing to write.
            result.unchanged += 1
            continue
        row = row_plan.row
        assert row.role is not None  # a row without a known role has a problem
        teams = [t if isinstance(t, Team) else created_teams[t] for t in row_plan.teams]
        user = row_plan.user
        if user is None:
            if User.objects.filter(email=normalize_email(row.email)).exists():
                result.to_invite.append((row, teams))
                result.added += 1
                continue
            user = User.objects.create_user(row.email, None, display_name=row.name)
        membership, changed = ensure_school_membership(
            user, school, row.role, teams, actor=actor, primary=teams[0] if teams else None
        )
        if row_plan.outcome in (Outcome.NEW_PERSON, Outcome.JOINS):
            result.added += 1
            result.new_memberships.append(membership)
        elif changed:
            result.updated += 1
        else:
            result.unchanged += 1
    return result


@transaction.atomic
def update_school_settings(
    actor: Any,
    school: School,
    *,
    consent_quorum: str,
    anonymity_threshold: int,
    share_results_with_board: bool | None = None,
) -> School:
    """The leader decides how many answers adopt a card, how small a group may be shown and
    whether the board sees the school's results (None leaves that as it is)."""
    authorize_school(actor, school, Perm.DECIDE)
    changes: dict[str, Any] = {
        "consent_quorum": consent_quorum,
        "anonymity_threshold": max(3, anonymity_threshold),
    }
    if share_results_with_board is not None:
        changes["share_results_with_board"] = share_results_with_board
    School.objects.filter(pk=school.pk).update(**changes)
    school.refresh_from_db()
    return school
