"""Writes for boards, schools, teams and memberships. Each takes the acting user and checks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from dramaturg.schools.models import Board, Membership, School, Team, TeamMembership
from dramaturg.schools.roles import SCHOOL_ROLES, Perm, Role
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
) -> tuple[Membership, bool]:
    """Give `user` an open membership with `role` in `school`, placed in `teams`.

    Idempotent: an open membership is updated (role, teams added), never duplicated.
    Returns the membership and whether anything changed. Callers authorise first.
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
    present = set(membership.teams.values_list("pk", flat=True))
    for team in teams:
        if team.school_id != school.pk:
            raise ValueError("a team of another school")
        if team.pk not in present:
            TeamMembership.objects.create(membership=membership, team=team)
            changed = True
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
