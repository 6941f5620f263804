"""Who is in which team, which team is someone's primary team, and the record of every change.

Every write to `TeamMembership` goes through this module, so every change lands in the team's
record (`TeamChange`) with who made it and when. Two rules hold for each school membership:

* a person with at least one team has exactly one primary team (the first team they join; a
  leader can move it; leaving the primary team makes their oldest remaining team primary);
* the record is never edited or deleted by the application: it is what lets a team's members
  see that someone padded or reshaped their team before a round.

`join_team`, `leave_team` and `record_leaving_school` do not check permission: their callers
in `schools.services` and `schools.invitations` (and the demo) have authorised already.
`add_to_team`, `remove_from_team` and `make_primary` take the acting user and check
`Perm.MANAGE_STAFF`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dramaturg.schools.models import Membership, Team, TeamChange, TeamMembership
from dramaturg.schools.roles import Perm
from dramaturg.schools.tenancy import authorize_school


class TeamError(Exception):
    """A team change the rules refuse; `message` is shown to the user as it is."""

    def __init__(self, message: Promise | str) -> None:
        self.message = message
        super().__init__(str(message))


def change(
    team: Team, person: Any, kind: str, actor: Any = None, at: dt.datetime | None = None
) -> TeamChange:
    """Write one line of a team's record; `actor` None means the system made the change."""
    return TeamChange.objects.create(**_change_fields(team, person, kind, actor, at))


def _change_fields(
    team: Team, person: Any, kind: str, actor: Any, at: dt.datetime | None
) -> dict[str, Any]:
    actor = actor if getattr(actor, "is_authenticated", False) else None
    return {
        "team": team,
        "person": person,
        "person_name": person.display_name or person.email,
        "kind": kind,
        "actor": actor,
        "actor_name": (actor.display_name or actor.email) if actor else "",
        "at": at or timezone.now(),
    }


def _placements(membership: Membership) -> QuerySet[TeamMembership]:
    return TeamMembership.objects.filter(membership=membership).select_related("team")


def join_team(
    membership: Membership,
    team: Team,
    *,
    actor: Any = None,
    primary: bool = False,
    at: dt.datetime | None = None,
) -> bool:
    """Place the membership in `team` (and make it primary when asked, or when the person has
    no primary team yet). Returns whether anything changed. `at` dates the record (the demo
    places people in the past); it defaults to now."""
    if team.school_id != membership.school_id:
        raise ValueError("a team of another school")
    person = membership.user
    placement, created = TeamMembership.objects.get_or_create(membership=membership, team=team)
    if created:
        change(team, person, TeamChange.Kind.JOINED, actor, at)
    has_primary = _placements(membership).filter(primary=True).exists()
    if placement.primary or (has_primary and not primary):
        return created
    _set_primary(membership, placement, actor, at)
    return True


def _set_primary(
    membership: Membership, placement: TeamMembership, actor: Any, at: dt.datetime | None = None
) -> None:
    person = membership.user
    # The old primary is cleared first: the database allows one primary per membership.
    for old in _placements(membership).filter(primary=True).exclude(pk=placement.pk):
        old.primary = False
        old.save(update_fields=["primary"])
        change(old.team, person, TeamChange.Kind.PRIMARY_ELSEWHERE, actor, at)
    placement.primary = True
    placement.save(update_fields=["primary"])
    change(placement.team, person, TeamChange.Kind.PRIMARY, actor, at)


def leave_team(membership: Membership, team: Team, *, actor: Any = None) -> bool:
    """Take the membership out of `team`; their oldest other team becomes primary if this
    one was. Returns whether they were in the team."""
    placement = _placements(membership).filter(team=team).first()
    if placement is None:
        return False
    placement.delete()
    change(team, membership.user, TeamChange.Kind.LEFT, actor)
    if placement.primary:
        successor = _placements(membership).order_by("pk").first()
        if successor is not None:
            _set_primary(membership, successor, actor)
    return True


def record_leaving_school(membership: Membership, actor: Any = None) -> None:
    """A person leaves the school: each of their teams records it. The placements stay on the
    ended membership (turnover and history read them); active lists no longer show them."""
    for placement in _placements(membership):
        change(placement.team, membership.user, TeamChange.Kind.LEFT, actor)


# --- the leader's actions on the team page ---


def _lock(actor: Any, team: Team, membership: Membership) -> Membership:
    """Authorise, and lock the membership so two changes to one person's teams (two tabs, two
    leaders) run one after the other and the primary rule holds."""
    authorize_school(actor, team.school, Perm.MANAGE_STAFF)
    locked = (
        Membership.objects.active()
        .select_for_update()
        .filter(pk=membership.pk, school=team.school)
        .first()
    )
    if locked is None:
        raise TeamError(_("This person is not on the staff list of this school."))
    locked.user = membership.user
    return locked


@transaction.atomic
def add_to_team(actor: Any, team: Team, membership: Membership) -> None:
    membership = _lock(actor, team, membership)
    if TeamMembership.objects.filter(membership=membership, team=team).exists():
        raise TeamError(_("%(name)s is already in this team.") % _named(membership))
    join_team(membership, team, actor=actor)


@transaction.atomic
def remove_from_team(actor: Any, team: Team, membership: Membership) -> None:
    membership = _lock(actor, team, membership)
    if not leave_team(membership, team, actor=actor):
        raise TeamError(_("%(name)s is not in this team.") % _named(membership))


@transaction.atomic
def make_primary(actor: Any, team: Team, membership: Membership) -> None:
    membership = _lock(actor, team, membership)
    placement = _placements(membership).filter(team=team).first()
    if placement is None:
        raise TeamError(_("%(name)s is not in this team.") % _named(membership))
    if placement.primary:
        raise TeamError(_("This is already the primary team of %(name)s.") % _named(membership))
    _set_primary(membership, placement, actor)


def _named(membership: Membership) -> dict[str, str]:
    return {"name": membership.user.display_name or membership.user.email}
