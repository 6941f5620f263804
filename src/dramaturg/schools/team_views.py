"""The team page: who is in a team, whose primary team it is, and the record of every change.

The team's own members, the development group and the leader see it; anyone else gets 404,
like an outsider. The leader (`Perm.MANAGE_STAFF`) adds and removes members and makes the
team someone's primary team, with plain POST forms; `schools.teams` writes and records.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dramaturg.schools import teams
from dramaturg.schools.models import Membership, Team, TeamMembership
from dramaturg.schools.roles import Perm, role_has
from dramaturg.schools.tenancy import get_in_school, school_view

CHANGES_PER_PAGE = 50


def may_see_team(membership: Membership, team: Team) -> bool:
    """The leader and the development group see every team; a member only their own."""
    if role_has(membership.role, Perm.FACILITATE):
        return True
    return membership.teams.filter(pk=team.pk).exists()


def _team(request: HttpRequest, team_id: int) -> Team:
    team = get_in_school(Team.objects.all(), request.school, pk=team_id)  # type: ignore[attr-defined]
    if not may_see_team(request.membership, team):  # type: ignore[attr-defined]
        raise Http404
    return team


@school_view()
def team_detail(request: HttpRequest, team_id: int) -> HttpResponse:
    school = request.school  # type: ignore[attr-defined]
    team = _team(request, team_id)
    placements = (
        TeamMembership.objects.filter(team=team, membership__in=Membership.objects.active())
        .select_related("membership__user")
        .order_by("membership__user__display_name", "pk")
    )
    members = list(placements)
    # Where each member's answers count when this team is not their primary team.
    elsewhere = dict(
        TeamMembership.objects.filter(
            membership__in=[p.membership_id for p in members if not p.primary], primary=True
        ).values_list("membership_id", "team__name")
    )
    rows = [(p, elsewhere.get(p.membership_id, "")) for p in members]
    can_manage = role_has(request.membership.role, Perm.MANAGE_STAFF)  # type: ignore[attr-defined]
    candidates = []
    if can_manage:
        candidates = list(
            Membership.objects.active()
            .filter(school=school)
            .exclude(pk__in=[p.membership_id for p in members])
            .select_related("user")
            .order_by("user__display_name")
        )
    changes = Paginator(team.changes.all(), CHANGES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "schools/team.html",
        {
            "school": school,
            "team": team,
            "rows": rows,
            "changes": changes,
            "can_manage": can_manage,
            "candidates": candidates,
        },
    )


def _act(
    request: HttpRequest,
    team_id: int,
    action: Callable[[Any, Team, Membership], None],
    membership_id: int | str | None,
    done: Promise,
) -> HttpResponse:
    """Run one leader action on a member of the team and go back to the team page, with the
    service's refusal as a message; a membership of another school is a 404."""
    school = request.school  # type: ignore[attr-defined]
    team = get_in_school(Team.objects.all(), school, pk=team_id)
    try:
        pk = int(membership_id or "")
    except ValueError:
        messages.error(request, _("Choose a person from the list."))
        return redirect("schools:team", school_slug=school.slug, team_id=team.pk)
    membership = get_in_school(Membership.objects.select_related("user"), school, pk=pk)
    try:
        action(request.user, team, membership)
    except teams.TeamError as error:
        messages.error(request, str(error.message))
    else:
        name = membership.user.display_name or membership.user.email
        messages.success(request, str(done) % {"name": name, "team": team.name})
    return redirect("schools:team", school_slug=school.slug, team_id=team.pk)


@school_view(Perm.MANAGE_STAFF)
@require_POST
def team_add_member(request: HttpRequest, team_id: int) -> HttpResponse:
    done = gettext_lazy("%(name)s is now in team %(team)s.")
    return _act(request, team_id, teams.add_to_team, request.POST.get("membership"), done)


@school_view(Perm.MANAGE_STAFF)
@require_POST
def team_remove_member(request: HttpRequest, team_id: int, membership_id: int) -> HttpResponse:
    done = gettext_lazy("%(name)s is no longer in team %(team)s.")
    return _act(request, team_id, teams.remove_from_team, membership_id, done)


@school_view(Perm.MANAGE_STAFF)
@require_POST
def team_make_primary(request: HttpRequest, team_id: int, membership_id: int) -> HttpResponse:
    done = gettext_lazy("%(team)s is now the primary team of %(name)s.")
    return _act(request, team_id, teams.make_primary, membership_id, done)
