"""Who takes part in a network, and the decorator that keeps everyone else out.

Taking part is worked out from live data, never stored as a copy: the active school
leaders of the network's schools, the culture carriers a leader of their school named (while
they still hold that role there), and board staff the members invited (while they are still
on a board). Everyone else — a teacher, a leader outside the network, another board's
staff — gets a 404 on every network page, as for any tenant.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.text import slugify

from dramaturg.networks.models import Network, NetworkGuest, NetworkSchool
from dramaturg.schools.models import Board, Membership, School
from dramaturg.schools.roles import Role

LEADER, CULTURE_CARRIER, BOARD = "leader", "culture_carrier", "board"


@dataclass(frozen=True)
class Participant:
    user: Any
    network: Network
    role: str  # LEADER, CULTURE_CARRIER or BOARD
    school: School | None  # the school they take part for; None for board staff

    @property
    def is_leader(self) -> bool:
        return self.role == LEADER


def network_schools(network: Network) -> QuerySet[School]:
    if network.kind == Network.Kind.BOARD:
        assert network.board_id is not None  # a board's network has its board (a constraint)
        return School.objects.filter(board_id=network.board_id)
    return School.objects.filter(network_memberships__network=network)


def networks_of_school(school: School) -> QuerySet[Network]:
    return Network.objects.filter(
        Q(kind=Network.Kind.BOARD, board_id=school.board_id)
        | Q(kind=Network.Kind.CROSS_BOARD, members__school=school)
    ).distinct()


def ensure_board_network(board: Board) -> Network:
    """Every board has a network of its schools' leaders; made on first need."""
    network, _created = Network.objects.get_or_create(
        board=board,
        defaults={
            "kind": Network.Kind.BOARD,
            "name": board.name,
            "slug": _free_slug(f"{board.slug}-netwerk"),
        },
    )
    return network


def _free_slug(base: str) -> str:
    slug, n = slugify(base)[:55], 1
    while Network.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{slugify(base)[:50]}-{n}"
    return slug


def participant(user: Any, network: Network) -> Participant | None:
    """How `user` takes part in `network`, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    schools = network_schools(network)
    active = Membership.objects.active().filter(user=user)
    leading = active.filter(role=Role.LEADER, school__in=schools).select_related("school").first()
    if leading:
        return Participant(user, network, LEADER, leading.school)
    for guest in NetworkGuest.objects.filter(network=network, user=user):
        if guest.kind == NetworkGuest.Kind.CULTURE_CARRIER:
            assert guest.school_id is not None  # a culture carrier has their school (a constraint)
            still = active.filter(
                role=Role.CULTURE_CARRIER, school_id=guest.school_id, school__in=schools
            ).select_related("school")
            membership = still.first()
            if membership:
                return Participant(user, network, CULTURE_CARRIER, membership.school)
        elif active.filter(role=Role.BOARD_ADMIN, board_id__in=schools.values("board_id")).exists():
            # Still staff of a board whose school is in the network: staff who moved to an
            # unrelated board keep no seat.
            return Participant(user, network, BOARD, None)
    return None


def current_guests(network: Network) -> list[NetworkGuest]:
    """The guests who still take part, by name: those whose `participant` seat is the kind
    they were invited as (a named carrier who left the role, or who became a leader, is not
    listed). The same rules as `participant`, for all guests in two queries instead of three
    per guest."""
    guests = list(
        NetworkGuest.objects.filter(network=network)
        .select_related("user", "school")
        .order_by("user__display_name", "pk")
    )
    if not guests:
        return []
    schools = network_schools(network)
    rows = (
        Membership.objects.active()
        .filter(user_id__in=[g.user_id for g in guests])
        .filter(
            Q(role__in=(Role.LEADER, Role.CULTURE_CARRIER), school__in=schools)
            | Q(role=Role.BOARD_ADMIN, board_id__in=schools.values("board_id"))
        )
        .values_list("user_id", "role", "school_id")
    )
    leaders, carriers, board_staff = set(), set(), set()
    for user_id, role, school_id in rows:
        if role == Role.LEADER:
            leaders.add(user_id)
        elif role == Role.CULTURE_CARRIER:
            carriers.add((user_id, school_id))
        else:
            board_staff.add(user_id)

    def seated(guest: NetworkGuest) -> bool:
        if guest.user_id in leaders:  # a leader takes part as a leader, not as a guest
            return False
        if guest.kind == NetworkGuest.Kind.CULTURE_CARRIER:
            return (guest.user_id, guest.school_id) in carriers
        return guest.user_id in board_staff

    return [guest for guest in guests if seated(guest)]


def networks_for(user: Any) -> list[Participant]:
    """Every network the user takes part in, with how."""
    if not getattr(user, "is_authenticated", False):
        return []
    schools = Membership.objects.active().filter(user=user, school__isnull=False)
    school_ids = schools.values_list("school_id", flat=True)
    board_ids = School.objects.filter(pk__in=school_ids).values_list("board_id", flat=True)
    for board in Board.objects.filter(pk__in=board_ids).filter(network__isnull=True):
        ensure_board_network(board)
    candidates = Network.objects.filter(
        Q(board_id__in=board_ids) | Q(members__school_id__in=school_ids) | Q(guests__user=user)
    ).distinct()
    found = [participant(user, network) for network in candidates]
    return [p for p in found if p is not None]


def network_view(leaders_only: bool = False) -> Callable:
    """Decorate a view taking `network_slug`: resolve the network, 404 for anyone who does
    not take part, 403 for a participant who is not a leader where `leaders_only`. The view
    finds `request.network` and `request.participant`."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            slug = kwargs.pop("network_slug")
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            network = Network.objects.filter(slug=slug).first()
            taking_part = participant(request.user, network) if network else None
            if taking_part is None:
                raise Http404
            if leaders_only and not taking_part.is_leader:
                raise PermissionDenied
            request.network = network  # type: ignore[attr-defined]
            request.participant = taking_part  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        wrapper.network_view = True  # type: ignore[attr-defined]
        return wrapper

    return decorator


def in_network(network: Network, school: School) -> bool:
    return network_schools(network).filter(pk=school.pk).exists()


__all__ = [
    "BOARD",
    "CULTURE_CARRIER",
    "LEADER",
    "NetworkSchool",
    "Participant",
    "ensure_board_network",
    "in_network",
    "network_schools",
    "network_view",
    "networks_for",
    "networks_of_school",
    "participant",
]
