"""Invitations into a school or board (with schools, because accounts sits below schools):
inviting people to a school or board, accepting and revoking invitations.

An invitation is a single-use link. Only the sha256 of its token is stored; the token itself
exists only in the e-mail (and, transiently, as `invitation.token` on the object a service
returns). Every function that acts for someone takes the acting user and checks permission
with the tenancy helpers, so a view, a command or a task can call it safely.

Failures the invitee can run into are typed `InvitationError`s whose `message` is already
translatable text; views show it in the user's language.
"""

from __future__ import annotations

import datetime as dt
import smtplib
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from dramaturg.accounts.models import Invitation, User, hash_token, new_token, normalize_email
from dramaturg.schools.models import Board, Membership, School, Team
from dramaturg.schools.roles import SCHOOL_ROLES, Perm, Role, role_label
from dramaturg.schools.services import ensure_board_membership, ensure_school_membership
from dramaturg.schools.tenancy import authorize_board, authorize_school


class InvitationError(Exception):
    """A problem with an invitation that the person should read about, not a bug."""

    message: Any = _("This invitation cannot be used.")

    def __init__(self, message: Any = None) -> None:
        if message is not None:
            self.message = message
        super().__init__(str(self.message))


class InvitationNotFound(InvitationError):
    message = _(
        "We do not know this invitation link. Check that you copied the whole link from the "
        "e-mail, or ask the person who invited you to send a new invitation."
    )


class InvitationExpired(InvitationError):
    message = _(
        "This invitation has expired. Ask the person who invited you to send a new invitation."
    )


class InvitationUsed(InvitationError):
    message = _(
        "This invitation has already been used. If it was you, log in with your e-mail "
        "address and password."
    )


class InvitationRevoked(InvitationError):
    message = _(
        "This invitation has been withdrawn. Ask the person who invited you if you think "
        "this is a mistake."
    )


class WrongAccount(InvitationError):
    message = _(
        "This invitation is for another e-mail address than the account you are logged in "
        "with. Log out and open the link again."
    )


class LoginRequired(InvitationError):
    message = _(
        "There is already an account for this e-mail address. Log in first, then accept "
        "the invitation."
    )


class AccountInactive(InvitationError):
    message = _("The account for this e-mail address has been switched off.")


class AlreadyMember(InvitationError):
    message = _("This person already has this role here; there is no need to invite them.")


class InvitationNotSent(InvitationError):
    message = _(
        "The invitation was saved, but the e-mail could not be sent. Try again later by "
        "inviting the same person once more."
    )


# --- inviting ---


def invite_to_school(
    actor: Any,
    school: School,
    *,
    email: str,
    display_name: str = "",
    role: str,
    teams: Iterable[Team] = (),
    send: bool = True,
) -> Invitation:
    """A leader invites a staff member. Inviting the same address again updates and re-sends."""
    authorize_school(actor, school, Perm.MANAGE_STAFF)
    if role not in SCHOOL_ROLES:
        raise ValueError(f"{role!r} is not a school role")
    teams = list(teams)
    if any(team.school_id != school.pk for team in teams):
        raise ValueError("a team of another school")
    return _invite(
        actor,
        school=school,
        email=email,
        display_name=display_name,
        role=role,
        teams=teams,
        send=send,
    )


def invite_leader(
    actor: Any, board: Board, school: School, *, email: str, display_name: str = ""
) -> Invitation:
    """A board admin invites a school leader to one of the board's own schools."""
    authorize_board(actor, board)
    if school.board_id != board.pk:
        raise PermissionDenied
    return _invite(actor, school=school, email=email, display_name=display_name, role=Role.LEADER)


def invite_board_admin(
    actor: Any, board: Board, *, email: str, display_name: str = "", send: bool = True
) -> Invitation:
    """A board admin invites a colleague to administer the board."""
    authorize_board(actor, board)
    return _invite(
        actor,
        board=board,
        email=email,
        display_name=display_name,
        role=Role.BOARD_ADMIN,
        send=send,
    )


def _invite(
    actor: Any,
    *,
    school: School | None = None,
    board: Board | None = None,
    email: str,
    display_name: str,
    role: str,
    teams: list[Team] | None = None,
    send: bool = True,
) -> Invitation:
    """Create or refresh the pending invitation; callers have authorised."""
    email = normalize_email(email)
    display_name = display_name.strip()
    with transaction.atomic():
        scope: dict[str, Any]
        if school is not None:
            # Lock the tenant row so two identical submissions cannot both create a row.
            School.objects.select_for_update().filter(pk=school.pk).first()
            scope = {"school": school}
        else:
            assert board is not None
            Board.objects.select_for_update().filter(pk=board.pk).first()
            scope = {"board": board}
        # Someone who already has this very role and an account needs no link; a different
        # role is fine (accepting changes it), and so is a person put on the staff list by an
        # import who has not chosen a password yet (unusable passwords start with "!").
        holders = Membership.objects.active().filter(user__email=email, role=role, **scope)
        if holders.exclude(user__password__startswith="!").exists():
            raise AlreadyMember

        invitation = Invitation.objects.usable().filter(email=email, **scope).first()
        token = new_token() if (invitation is None or send) else None
        if invitation is None:
            assert token is not None
            invitation = Invitation.objects.create(
                email=email,
                display_name=display_name,
                role=role,
                token_hash=hash_token(token),
                invited_by=actor,
                expires_at=_expiry(),
                **scope,
            )
        else:
            # Inviting again corrects the role and teams; a new mail means a new link (we
            # cannot re-send the old one, we only know its hash), so the old link stops working.
            invitation.role = role
            invitation.display_name = display_name or invitation.display_name
            invitation.invited_by = actor
            if token is not None:
                invitation.token_hash = hash_token(token)
                invitation.expires_at = _expiry()
            invitation.save()
        if teams is not None:
            invitation.teams.set(teams)

    if token is not None:
        invitation.token = token  # type: ignore[attr-defined]
        if send:
            send_invitation(invitation, token, inviter=actor)
    return invitation


def _expiry() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=settings.INVITATION_VALID_DAYS)


def invitation_url(token: str) -> str:
    return settings.BASE_URL + reverse("schools:accept_invitation", args=[token])


def send_invitation(
    invitation: Invitation, token: str, *, inviter: Any = None, language: str | None = None
) -> None:
    """Mail the link, in the inviter's current language (we do not know the invitee's yet)."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "invitation": invitation,
            "place": invitation.school or invitation.board,
            "role": role_label(invitation.role),
            "inviter": getattr(inviter, "display_name", "") or "",
            "url": invitation_url(token),
        }
        subject = render_to_string("accounts/email/invitation_subject.txt", context)
        body = render_to_string("accounts/email/invitation.txt", context)
    try:
        send_mail(
            " ".join(subject.split()),
            body,
            settings.DEFAULT_FROM_EMAIL,
            [invitation.email],
            fail_silently=False,
        )
    except (smtplib.SMTPException, OSError) as error:
        raise InvitationNotSent from error


# --- the invitee ---


def find_invitation(token: str) -> Invitation:
    """The invitation behind a link, if it can still be used; otherwise a typed error."""
    invitation = (
        Invitation.objects.select_related("school", "board")
        .filter(token_hash=hash_token(token))
        .first()
    )
    _check_usable(invitation)
    assert invitation is not None
    return invitation


def _check_usable(invitation: Invitation | None) -> None:
    if invitation is None:
        raise InvitationNotFound
    if invitation.accepted_at is not None:
        raise InvitationUsed
    if invitation.revoked_at is not None:
        raise InvitationRevoked
    if invitation.is_expired:
        raise InvitationExpired


def existing_account(invitation: Invitation) -> User | None:
    return User.objects.filter(email=normalize_email(invitation.email)).first()


def accept_invitation(
    token: str,
    *,
    user: Any = None,
    display_name: str | None = None,
    password: str | None = None,
) -> Membership:
    """Use the link once: make or find the account, give it the membership, close the link.

    `user` is the logged-in person, if any; they must own the invited address. Someone who
    already has an account with a password must log in first: the link proves they can read
    the mail, but it must not become a way to add memberships to an account without its
    password. A new person (or an account made without a password) chooses one here.
    """
    with transaction.atomic():
        invitation = (
            # Lock only the invitation row: PostgreSQL refuses to lock the nullable side of
            # the outer joins that school/board (either may be empty) need.
            Invitation.objects.select_for_update(of=("self",))
            .select_related("school", "board")
            .filter(token_hash=hash_token(token))
            .first()
        )
        _check_usable(invitation)
        assert invitation is not None
        account = existing_account(invitation)

        if user is not None and user.is_authenticated:
            if normalize_email(user.email) != normalize_email(invitation.email):
                raise WrongAccount
            person = user
        elif account is not None and account.has_usable_password():
            raise LoginRequired
        else:
            if not password:
                raise ValueError("a new account needs a password")
            name = (display_name or "").strip() or invitation.display_name
            person = account or User(email=invitation.email, display_name=name)
            person.display_name = name or person.display_name
            password_validation.validate_password(password, person)
            person.set_password(password)
            person.save()
        if not person.is_active:
            raise AccountInactive

        if invitation.school is not None:
            # The inviter chose the teams, so the team record names them as the one who made
            # the change; the first team by name becomes primary for someone without one.
            membership, _changed = ensure_school_membership(
                person,
                invitation.school,
                invitation.role,
                invitation.teams.order_by("name"),
                actor=invitation.invited_by,
            )
        else:
            assert invitation.board is not None
            membership, _changed = ensure_board_membership(person, invitation.board)
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
    return membership


@transaction.atomic
def revoke_invitation(actor: Any, invitation: Invitation) -> None:
    """Withdraw a link that has not been used yet. Revoking twice changes nothing."""
    if invitation.school is not None:
        authorize_school(actor, invitation.school, Perm.MANAGE_STAFF)
    else:
        assert invitation.board is not None
        authorize_board(actor, invitation.board)
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.accepted_at is not None:
        raise InvitationUsed(_("This invitation has already been accepted."))
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
    invitation.revoked_at = locked.revoked_at
