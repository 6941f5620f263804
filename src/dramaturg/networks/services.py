"""Writes for networks: making one, inviting schools and board staff, naming culture carriers.

Every function takes the acting user and checks their right itself (PermissionDenied when
they have none), so a view, a command or a task can call it safely. A problem the person
should read about is a `NetworkError` with a translatable message.

Inviting by e-mail address never tells whether the address is known: an address that
belongs to no (suitable) person creates nothing and the caller shows the same sentence as for
a real invitation (`INVITATION_SENT`), as a password reset does.
"""

from __future__ import annotations

import contextlib
import smtplib
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from dramaturg.accounts.models import User, normalize_email
from dramaturg.networks.access import LEADER, network_schools, participant
from dramaturg.networks.models import Network, NetworkGuest, NetworkInvitation, NetworkSchool
from dramaturg.schools.models import Membership, School
from dramaturg.schools.roles import Role

INVITATION_SENT = _("If this address belongs to a school leader, they will receive the invitation.")
GUEST_INVITATION_SENT = _(
    "If this address belongs to staff of a board of the network's schools, they can take "
    "part from now on and receive an e-mail."
)


class NetworkError(ValidationError):
    """A refusal the person should read (not a bug); `message` is translatable text."""


# --- who may act ---


def _lead(actor: Any, school: School) -> Membership:
    """The actor's active leader membership in `school`, or refuse."""
    membership = (
        Membership.objects.active().filter(user=actor, school=school, role=Role.LEADER).first()
        if getattr(actor, "is_authenticated", False)
        else None
    )
    if membership is None:
        raise PermissionDenied
    return membership


def _network_leader(actor: Any, network: Network) -> None:
    """Refuse unless the actor takes part in `network` as a school leader."""
    taking_part = participant(actor, network)
    if taking_part is None or taking_part.role != LEADER:
        raise PermissionDenied


def led_schools(user: Any) -> list[School]:
    """The schools the user leads now."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        School.objects.filter(
            memberships__in=Membership.objects.active().filter(user=user, role=Role.LEADER)
        ).order_by("name")
    )


def _cross_board_only(network: Network) -> None:
    if network.kind != Network.Kind.CROSS_BOARD:
        raise NetworkError(
            _(
                "A board's network always holds all the board's schools: schools cannot be "
                "invited to it or leave it."
            )
        )


def _network_slug(name: str) -> str:
    base = slugify(name)[:50] or "netwerk"
    slug, counter = base, 2
    while Network.objects.filter(slug=slug).exists():
        slug = f"{base}-{counter}"
        counter += 1
    return slug


# --- networks and schools ---


@transaction.atomic
def create_network(leader: Any, school: School, name: str, description: str = "") -> Network:
    """A leader starts a network across boards, with their own school in it."""
    _lead(leader, school)
    name = " ".join(name.split())
    if not name:
        raise NetworkError(_("Give the network a name."))
    network = Network.objects.create(
        name=name[:120],
        slug=_network_slug(name),
        kind=Network.Kind.CROSS_BOARD,
        description=description.strip(),
        created_by=leader,
    )
    NetworkSchool.objects.create(network=network, school=school)
    _request_benchmarks(network)
    return network


def _request_benchmarks(network: Network) -> None:
    """A network was made or a school joined: the worker makes the last half year's
    benchmark snapshot if it is missing (a page never does)."""
    from dramaturg.networks.benchmarks import request_snapshots  # it imports reports

    request_snapshots([network])


def _active_users(email: str) -> list[User]:
    return list(User.objects.filter(email=normalize_email(email), is_active=True))


@transaction.atomic
def invite_school(actor: Any, network: Network, leader_email: str) -> list[NetworkInvitation]:
    """Invite the school(s) led by the person with this address; their leaders get a mail.

    Returns the new invitations: none for an address that belongs to no active school leader
    (the caller shows `INVITATION_SENT` all the same). Refuses a board's network, a school
    already in the network and a school with an invitation waiting for an answer.
    """
    _network_leader(actor, network)
    _cross_board_only(network)
    Network.objects.select_for_update().filter(pk=network.pk).first()
    users = _active_users(leader_email)
    schools = [school for user in users for school in led_schools(user)]
    if not schools:
        return []
    inside = set(network_schools(network).values_list("pk", flat=True))
    open_ones = set(
        NetworkInvitation.objects.filter(network=network, answered_at__isnull=True).values_list(
            "school_id", flat=True
        )
    )
    to_invite = [s for s in schools if s.pk not in inside and s.pk not in open_ones]
    if not to_invite:
        if all(s.pk in inside for s in schools):
            raise NetworkError(_("This school already takes part in the network."))
        raise NetworkError(
            _("This school has already been invited; the invitation is waiting for an answer.")
        )
    invitations = [
        NetworkInvitation.objects.create(network=network, school=school, invited_by=actor)
        for school in to_invite
    ]
    transaction.on_commit(lambda: _mail_school_invitations(invitations, actor))
    return invitations


@transaction.atomic
def answer_invitation(leader: Any, invitation: NetworkInvitation, accept: bool) -> None:
    """A leader of the invited school accepts (the school joins) or declines."""
    _lead(leader, invitation.school)
    locked = NetworkInvitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.answered_at is not None:
        raise NetworkError(_("This invitation has already been answered."))
    locked.answered_at = timezone.now()
    locked.accepted = bool(accept)
    locked.save(update_fields=["answered_at", "accepted"])
    if accept:
        NetworkSchool.objects.get_or_create(network=locked.network, school=locked.school)
        _request_benchmarks(locked.network)
    invitation.answered_at, invitation.accepted = locked.answered_at, locked.accepted


@transaction.atomic
def leave_network(leader: Any, network: Network, school: School | None = None) -> None:
    """A school leaves a network across boards; the culture carriers it named leave with it.

    `school` is the leader's school in the network (the first one they lead when omitted).
    What the school published or wrote stays, as in any conversation that goes on.
    """
    _cross_board_only(network)
    if school is None:
        taking_part = participant(leader, network)
        if taking_part is None or taking_part.role != LEADER:
            raise PermissionDenied
        school = taking_part.school
    assert school is not None
    _lead(leader, school)
    deleted, _rows = NetworkSchool.objects.filter(network=network, school=school).delete()
    if not deleted:
        raise PermissionDenied
    NetworkGuest.objects.filter(
        network=network, kind=NetworkGuest.Kind.CULTURE_CARRIER, school=school
    ).delete()


# --- guests: culture carriers and board staff ---


@transaction.atomic
def name_culture_carrier(leader: Any, network: Network, membership: Membership) -> NetworkGuest:
    """A leader lets an active culture carrier of their own school take part."""
    _network_leader(leader, network)
    if membership.school is None:
        raise PermissionDenied
    _lead(leader, membership.school)
    if not network_schools(network).filter(pk=membership.school.pk).exists():
        raise PermissionDenied
    if membership.role != Role.CULTURE_CARRIER or not membership.is_active:
        raise NetworkError(_("Only a culture carrier who works at your school now can be named."))
    if NetworkGuest.objects.filter(network=network, user_id=membership.user_id).exists():
        raise NetworkError(_("This person already takes part in the network."))
    return NetworkGuest.objects.create(
        network=network,
        user_id=membership.user_id,
        kind=NetworkGuest.Kind.CULTURE_CARRIER,
        school_id=membership.school_id,
        invited_by=leader,
    )


@transaction.atomic
def remove_guest(actor: Any, network: Network, guest: NetworkGuest) -> None:
    """End a guest's seat. A culture carrier: a leader of their school, or they themselves.
    Board staff: any leader in the network, or they themselves."""
    if guest.network_id != network.pk:
        raise PermissionDenied
    if guest.user_id != getattr(actor, "pk", None):
        _network_leader(actor, network)
        if guest.kind == NetworkGuest.Kind.CULTURE_CARRIER:
            assert guest.school is not None
            _lead(actor, guest.school)
    guest.delete()


@transaction.atomic
def invite_board_staff(leader: Any, network: Network, email: str) -> NetworkGuest | None:
    """The members let an admin of a board of the network's schools take part.

    Returns None, creating nothing, for an address that belongs to no such person (the
    caller shows `GUEST_INVITATION_SENT` all the same). The guest gets a mail.
    """
    _network_leader(leader, network)
    boards = network_schools(network).values("board_id")
    admins = Membership.objects.active().filter(role=Role.BOARD_ADMIN, board_id__in=boards)
    user = next((u for u in _active_users(email) if admins.filter(user=u).exists()), None)
    if user is None:
        return None
    if NetworkGuest.objects.filter(network=network, user=user).exists():
        raise NetworkError(_("This person already takes part in the network."))
    guest = NetworkGuest.objects.create(
        network=network, user=user, kind=NetworkGuest.Kind.BOARD, invited_by=leader
    )
    transaction.on_commit(lambda: _mail_guest(guest, leader))
    return guest


# --- mail, each person in their own language ---


def _mail(user: Any, template: str, context: dict[str, Any]) -> None:
    """One mail; a failure is not fatal (the invitation also shows on the person's list)."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {**context, "name": user.display_name}
        subject = render_to_string(f"networks/email/{template}_subject.txt", context)
        body = render_to_string(f"networks/email/{template}.txt", context)
    with contextlib.suppress(smtplib.SMTPException, OSError):
        send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [user.email])


def _leaders_of(school: School) -> Iterable[User]:
    return User.objects.filter(
        is_active=True,
        memberships__in=Membership.objects.active().filter(school=school, role=Role.LEADER),
    ).distinct()


def _mail_school_invitations(invitations: list[NetworkInvitation], inviter: Any) -> None:
    for invitation in invitations:
        url = settings.BASE_URL + reverse("networks:invitation", args=[invitation.pk])
        for user in _leaders_of(invitation.school):
            context = {
                "network": invitation.network,
                "school": invitation.school,
                "inviter": inviter.display_name,
                "url": url,
            }
            _mail(user, "school_invitation", context)


def _mail_guest(guest: NetworkGuest, inviter: Any) -> None:
    url = settings.BASE_URL + reverse("networks:home", args=[guest.network.slug])
    context = {"network": guest.network, "inviter": inviter.display_name, "url": url}
    _mail(guest.user, "guest_invitation", context)
