"""Network pages: the personal list, a network's home and people, inviting, starting, leaving.

Thin views: `network_view` keeps everyone who does not take part out (404), the services
write and check again, and a `NetworkError` becomes a message in the reader's language.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from dramaturg.networks import services
from dramaturg.networks.access import (
    BOARD,
    CULTURE_CARRIER,
    current_guests,
    network_schools,
    network_view,
    networks_for,
)
from dramaturg.networks.forms import (
    InviteBoardStaffForm,
    InviteSchoolForm,
    NameCarrierForm,
    NetworkForm,
)
from dramaturg.networks.models import Network, NetworkGuest, NetworkInvitation
from dramaturg.networks.services import NetworkError, led_schools
from dramaturg.schools.models import Membership
from dramaturg.schools.roles import Role


def _open_invitations(**lookup: Any):
    return (
        NetworkInvitation.objects.filter(answered_at__isnull=True, **lookup)
        .select_related("network", "school", "invited_by")
        .order_by("created_at")
    )


@login_required
def network_list(request: HttpRequest) -> HttpResponse:
    """My networks, and the invitations waiting for a school I lead."""
    schools = led_schools(request.user)
    seats = sorted(networks_for(request.user), key=lambda seat: seat.network.name.lower())
    return render(
        request,
        "networks/list.html",
        {
            "seats": seats,
            "invitations": _open_invitations(school__in=schools),
            "can_create": bool(schools),
        },
    )


@login_required
def network_create(request: HttpRequest) -> HttpResponse:
    schools = led_schools(request.user)
    if not schools:
        raise Http404
    form = NetworkForm(request.POST or None, schools=schools)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            network = services.create_network(
                request.user, data.get("school") or schools[0], data["name"], data["description"]
            )
        except NetworkError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The network “%(name)s” has started. Invite the leaders of other schools.")
                % {"name": network.name},
            )
            return redirect("networks:home", network_slug=network.slug)
    return render(request, "networks/network_form.html", {"form": form})


@network_view()
def network_home(request: HttpRequest) -> HttpResponse:
    network = request.network  # type: ignore[attr-defined]
    seat = request.participant  # type: ignore[attr-defined]
    schools = list(network_schools(network).select_related("board").order_by("name"))
    leaders: dict[int, list[Any]] = defaultdict(list)
    active = Membership.objects.active().filter(role=Role.LEADER, school__in=schools)
    for membership in active.select_related("user").order_by("user__display_name"):
        assert membership.school_id is not None  # filtered on the school
        leaders[membership.school_id].append(membership.user)
    guests = current_guests(network)
    board_names = _board_names([g.user_id for g in guests if g.kind == BOARD], schools)
    cross_board = network.kind == Network.Kind.CROSS_BOARD
    return render(
        request,
        "networks/home.html",
        {
            "network": network,
            "seat": seat,
            "rows": [(school, leaders[school.pk]) for school in schools],
            "carriers": [g for g in guests if g.kind == CULTURE_CARRIER],
            "board_staff": [(g, board_names.get(g.user_id, [])) for g in guests if g.kind == BOARD],
            "cross_board": cross_board,
            "pending": _open_invitations(network=network) if seat.is_leader else [],
            "can_leave": cross_board or not seat.is_leader,
        },
    )


def _board_names(user_ids: list[int], schools: list[Any]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = defaultdict(list)
    admins = Membership.objects.active().filter(
        role=Role.BOARD_ADMIN, user_id__in=user_ids, board_id__in={s.board_id for s in schools}
    )
    for membership in admins.select_related("board").order_by("board__name"):
        assert membership.board is not None  # filtered on the board
        names[membership.user_id].append(membership.board.name)
    return names


@network_view(leaders_only=True)
def network_people(request: HttpRequest) -> HttpResponse:
    """Leaders name their school's culture carriers and invite board staff."""
    network = request.network  # type: ignore[attr-defined]
    inside = set(network_schools(network).values_list("pk", flat=True))
    my_schools = [s for s in led_schools(request.user) if s.pk in inside]
    guests = current_guests(network)
    candidates = (
        Membership.objects.active()
        .filter(role=Role.CULTURE_CARRIER, school__in=my_schools)
        .exclude(user_id__in=NetworkGuest.objects.filter(network=network).values("user_id"))
        .select_related("user", "school")
        .order_by("user__display_name")
    )
    carrier_form = NameCarrierForm(candidates=candidates)
    board_form = InviteBoardStaffForm()
    action = request.POST.get("action") if request.method == "POST" else None
    done: Any = None
    try:
        if action == "name":
            carrier_form = NameCarrierForm(request.POST, candidates=candidates)
            if carrier_form.is_valid():
                membership = carrier_form.cleaned_data["membership"]
                services.name_culture_carrier(request.user, network, membership)
                done = _("%(name)s takes part in the network from now on.") % {
                    "name": membership.user.display_name
                }
        elif action == "invite_board":
            board_form = InviteBoardStaffForm(request.POST)
            if board_form.is_valid():
                services.invite_board_staff(request.user, network, board_form.cleaned_data["email"])
                done = services.GUEST_INVITATION_SENT
        elif action == "remove":
            guest = _guest_from_post(request, network)
            services.remove_guest(request.user, network, guest)
            done = _("%(name)s no longer takes part in the network.") % {
                "name": guest.user.display_name
            }
    except NetworkError as error:
        (board_form if action == "invite_board" else carrier_form).add_error(None, error)
    if done is not None:
        messages.success(request, done)
        return redirect("networks:people", network_slug=network.slug)
    my_ids = {s.pk for s in my_schools}
    return render(
        request,
        "networks/people.html",
        {
            "network": network,
            "carriers": [(g, g.school_id in my_ids) for g in guests if g.kind == CULTURE_CARRIER],
            "board_staff": [g for g in guests if g.kind == BOARD],
            "candidates": candidates,
            "carrier_form": carrier_form,
            "board_form": board_form,
        },
    )


def _guest_from_post(request: HttpRequest, network: Network) -> NetworkGuest:
    pk = request.POST.get("guest", "")
    valid = pk.isascii() and pk.isdigit()
    guest = NetworkGuest.objects.filter(network=network, pk=int(pk)).first() if valid else None
    if guest is None:
        raise Http404
    return guest


@network_view(leaders_only=True)
def network_invite(request: HttpRequest) -> HttpResponse:
    """Invite another school by its leader's e-mail address (networks across boards only)."""
    network = request.network  # type: ignore[attr-defined]
    if network.kind != Network.Kind.CROSS_BOARD:
        raise Http404
    form = InviteSchoolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invite_school(request.user, network, form.cleaned_data["email"])
        except NetworkError as error:
            form.add_error("email", error)
        else:
            messages.success(request, services.INVITATION_SENT)
            return redirect("networks:invite", network_slug=network.slug)
    return render(
        request,
        "networks/invite_form.html",
        {"network": network, "form": form, "pending": _open_invitations(network=network)},
    )


@network_view()
def network_leave(request: HttpRequest) -> HttpResponse:
    """A leader takes their school out of a network across boards; a guest steps out."""
    network = request.network  # type: ignore[attr-defined]
    seat = request.participant  # type: ignore[attr-defined]
    assert request.user.is_authenticated  # network_view let a participant in
    if seat.is_leader and network.kind != Network.Kind.CROSS_BOARD:
        raise Http404  # a board's network holds all its schools
    if request.method == "POST":
        try:
            if seat.is_leader:
                services.leave_network(request.user, network, seat.school)
            else:
                guest = NetworkGuest.objects.filter(network=network, user=request.user).first()
                if guest is None:
                    raise Http404
                services.remove_guest(request.user, network, guest)
        except NetworkError as error:
            messages.error(request, error.message)
            return redirect("networks:home", network_slug=network.slug)
        messages.success(
            request, _("You have left the network “%(name)s”.") % {"name": network.name}
        )
        return redirect("networks:list")
    return render(request, "networks/leave_form.html", {"network": network, "seat": seat})


@login_required
def invitation_answer(request: HttpRequest, invitation_id: int) -> HttpResponse:
    """A leader of the invited school reads the invitation and accepts or declines it."""
    invitation = _open_invitations(pk=invitation_id).first()
    if invitation is None or invitation.school not in led_schools(request.user):
        raise Http404
    network = invitation.network
    answer = request.POST.get("answer") if request.method == "POST" else None
    if answer in ("accept", "decline"):
        try:
            services.answer_invitation(request.user, invitation, answer == "accept")
        except NetworkError as error:
            messages.error(request, error.message)
            return redirect("networks:list")
        if answer == "accept":
            messages.success(
                request,
                _("%(school)s takes part in the network “%(network)s” from now on.")
                % {"school": invitation.school.name, "network": network.name},
            )
            return redirect("networks:home", network_slug=network.slug)
        messages.success(request, _("You have declined the invitation."))
        return redirect("networks:list")
    schools = network_schools(network).select_related("board").order_by("name")
    return render(
        request,
        "networks/invitation.html",
        {"invitation": invitation, "network": network, "schools": schools},
    )
