"""School and board pages. Thin: tenancy decorators authorise, services write."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dramaturg.core.paging import paginate
from dramaturg.core.stages import STAGE_INFO
from dramaturg.schools import services
from dramaturg.schools.forms import SchoolForm, SchoolSettingsForm, TeamForm
from dramaturg.schools.models import Membership, School, TeamMembership
from dramaturg.schools.roles import Perm, role_has
from dramaturg.schools.tenancy import board_view, get_in_school, school_view

# Long lists in pages: a school of two hundred staff, a board of eighty schools.
STAFF_PER_PAGE = 50
SCHOOLS_PER_PAGE = 50


@school_view()
def school_home(request: HttpRequest) -> HttpResponse:
    school = request.school  # type: ignore[attr-defined]
    teams = school.teams.annotate(
        size=Count("memberships", filter=Q(memberships__ended_on__isnull=True))
    )
    return render(
        request,
        "schools/home.html",
        {
            "school": school,
            "stages": STAGE_INFO,
            "teams": teams,
            # The teams whose results page a team member may open: their own.
            "my_teams": set(request.membership.teams.values_list("pk", flat=True)),  # type: ignore[attr-defined]
            "can_manage": role_has(request.membership.role, Perm.MANAGE_STAFF),  # type: ignore[attr-defined]
            "can_facilitate": role_has(request.membership.role, Perm.FACILITATE),  # type: ignore[attr-defined]
        },
    )


@school_view()
def staff_list(request: HttpRequest) -> HttpResponse:
    school = request.school  # type: ignore[attr-defined]
    placements = TeamMembership.objects.select_related("team").order_by("team__name")
    memberships = (
        Membership.objects.active()
        .filter(school=school)
        .select_related("user")
        .prefetch_related(Prefetch("teammembership_set", placements, to_attr="placements"))
        .order_by("user__display_name", "pk")
    )
    paged = paginate(request, memberships, STAFF_PER_PAGE)
    membership = request.membership  # type: ignore[attr-defined]
    own_teams = set(membership.teams.values_list("pk", flat=True))
    return render(
        request,
        "schools/staff.html",
        {
            "school": school,
            "memberships": paged.object_list,
            "paged": paged,
            "can_manage": role_has(membership.role, Perm.MANAGE_STAFF),
            # The team pages the reader may open: all of them, or their own teams.
            "team_pages": None if role_has(membership.role, Perm.FACILITATE) else own_teams,
        },
    )


@school_view(Perm.MANAGE_STAFF)
def team_create(request: HttpRequest) -> HttpResponse:
    school = request.school  # type: ignore[attr-defined]
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        team = services.create_team(request.user, school, form.cleaned_data["name"])
        messages.success(request, _("Team “%(name)s” is ready.") % {"name": team.name})
        return redirect("schools:home", school_slug=school.slug)
    return render(request, "schools/team_form.html", {"school": school, "form": form})


@school_view(Perm.MANAGE_STAFF)
@require_POST
def membership_end(request: HttpRequest, membership_id: int) -> HttpResponse:
    school = request.school  # type: ignore[attr-defined]
    membership = get_in_school(
        Membership.objects.active().select_related("user"), school, pk=membership_id
    )
    if membership.user_id == request.user.pk:
        messages.error(request, _("You cannot take yourself off the staff list."))
    else:
        services.end_membership(request.user, membership)
        messages.success(
            request,
            _("%(name)s is no longer on the staff list. The history is kept.")
            % {"name": membership.user.display_name},
        )
    return redirect("schools:staff", school_slug=school.slug)


@board_view()
def board_home(request: HttpRequest) -> HttpResponse:
    board = request.board  # type: ignore[attr-defined]
    schools = (
        School.objects.filter(board=board)
        .annotate(staff=Count("memberships", filter=Q(memberships__ended_on__isnull=True)))
        .order_by("name", "pk")
    )
    paged = paginate(request, schools, SCHOOLS_PER_PAGE)
    return render(
        request,
        "schools/board_home.html",
        {"board": board, "schools": paged.object_list, "paged": paged},
    )


@board_view()
def school_create(request: HttpRequest) -> HttpResponse:
    board = request.board  # type: ignore[attr-defined]
    form = SchoolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        school = services.create_school(request.user, board, **form.cleaned_data)
        messages.success(request, _("School “%(name)s” has been added.") % {"name": school.name})
        return redirect("schools:board_home", board_slug=board.slug)
    return render(request, "schools/school_form.html", {"board": board, "form": form})


@school_view(Perm.DECIDE)
def school_settings(request: HttpRequest) -> HttpResponse:
    school = request.school  # type: ignore[attr-defined]
    initial = {
        "consent_quorum": school.consent_quorum,
        "anonymity_threshold": school.anonymity_threshold,
        "share_results_with_board": school.share_results_with_board,
    }
    form = SchoolSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.update_school_settings(request.user, school, **form.cleaned_data)
        messages.success(request, _("The school's settings have been saved."))
        return redirect("schools:home", school_slug=school.slug)
    return render(request, "schools/settings.html", {"school": school, "form": form})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send a person with one place straight there; otherwise list their schools and boards."""
    assert request.user.is_authenticated  # login_required
    memberships = list(
        Membership.objects.active().filter(user=request.user).select_related("school", "board")
    )
    if len(memberships) == 1:
        only = memberships[0]
        if only.school:
            return redirect("schools:home", school_slug=only.school.slug)
        if only.board:
            return redirect("schools:board_home", board_slug=only.board.slug)
    return render(request, "core/home.html", {"memberships": memberships})
