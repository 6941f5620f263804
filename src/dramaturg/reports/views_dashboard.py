"""The school dashboard (leader and development group) and the team page (every member)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from dramaturg.reports import card_progress, charts, dashboard, learning
from dramaturg.schools.models import Team
from dramaturg.schools.roles import Perm, role_has
from dramaturg.schools.tenancy import get_in_school, school_view


def visible_teams(request: HttpRequest):
    """The teams whose page the reader may open: all for the leader and the development
    group, one's own teams for a team member."""
    school, membership = request.school, request.membership  # type: ignore[attr-defined]
    if role_has(membership.role, Perm.FACILITATE):
        return school.teams.all()
    return membership.teams.all()


@school_view(Perm.FACILITATE)
@require_safe
def school_dashboard(request: HttpRequest) -> HttpResponse:
    school = request.school  # type: ignore[attr-defined]
    with charts.deferred():  # stored figures only: what is missing, the worker prepares
        found = dashboard.moments(school)
        context = {
            "school": school,
            "stages": card_progress.stage_progress(school, found),
            "sections": dashboard.efficacy_sections(found),
            "quadrant": dashboard.quadrant(found),
            "pending": found.pending,
            # Moments per school year in the dressing room and podium sections (counts only).
            "learning": learning.learning(school),
            # Where the school stands in its networks: the template asks networks for it
            # (`{% network_benchmarks %}`), because reports sits below networks.
            "teams": visible_teams(request),
        }
        # Rendered inside: the network figures the template asks for are stored ones too.
        return render(request, "reports/dashboard.html", context)


@school_view(Perm.VIEW_SCHOOL)
@require_safe
def team_results(request: HttpRequest, team_id: int) -> HttpResponse:
    school = request.school  # type: ignore[attr-defined]
    team = get_in_school(Team.objects.all(), school, pk=team_id)
    if not visible_teams(request).filter(pk=team.pk).exists():
        raise Http404
    with charts.deferred():
        found = dashboard.moments(school)
        context = {
            "school": school,
            "team": team,
            "sections": dashboard.efficacy_sections(found, team),
            "pending": found.pending,
        }
    return render(request, "reports/team_results.html", context)
