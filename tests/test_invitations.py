"""Invitations: a leader invites staff, a board admin invites leaders, the invitee accepts once."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dramaturg.accounts.models import Invitation, User, hash_token
from dramaturg.schools import invitations as services
from dramaturg.schools.models import Membership
from dramaturg.schools.roles import Role
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db

NEW_EMAIL = "nieuw@vuurtoren.test"
NEW_PASSWORD = "zeewind-over-de-dijk-7"


def english(client: Client | None = None) -> Client:
    client = client or Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def invitations_url(world) -> str:
    return reverse("schools:invitations", args=[world.school.slug])


def token_from_mail(message) -> str:
    match = re.search(
        re.escape(settings.BASE_URL) + r"/accounts/invitation/([\w-]+)/", message.body
    )
    assert match, message.body
    return match.group(1)


def accept_url(token: str) -> str:
    return reverse("schools:accept_invitation", args=[token])


def invite_new_teacher(world, client_for, **extra) -> str:
    data = {
        "display_name": "Nina Nieuw",
        "email": NEW_EMAIL,
        "role": Role.MEMBER,
        "teams": [world.team_a.pk, world.team_b.pk],
        **extra,
    }
    response = client_for(world.leader).post(invitations_url(world), data)
    assert response.status_code == 302, response.content.decode()
    return token_from_mail(mail.outbox[-1])


def accept_as_new_person(token: str, client: Client | None = None, **extra):
    data = {
        "display_name": "Nina Nieuw",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **extra,
    }
    return (client or Client()).post(accept_url(token), data)


# --- the happy path ---


def test_leader_invites_a_teacher_who_sets_a_password_and_lands_in_the_school(world, client_for):
    token = invite_new_teacher(world, client_for)
    message = mail.outbox[0]
    assert message.to == [NEW_EMAIL]
    assert world.school.name in message.subject
    assert accept_url(token) in message.body

    client = Client()
    page = client.get(accept_url(token))
    assert page.status_code == 200
    assert "password1" in page.content.decode()
    assert world.school.name in page.content.decode()
    assert not User.objects.filter(email=NEW_EMAIL).exists()  # looking writes nothing

    response = accept_as_new_person(token, client)
    assert response.status_code == 302
    assert response["Location"] == reverse("schools:home", args=[world.school.slug])

    user = User.objects.get(email=NEW_EMAIL)
    assert user.display_name == "Nina Nieuw"
    assert user.check_password(NEW_PASSWORD)
    assert client.session["_auth_user_id"] == str(user.pk)
    membership = Membership.objects.active().get(user=user, school=world.school)
    assert membership.role == Role.MEMBER
    assert set(membership.teams.all()) == {world.team_a, world.team_b}
    assert client.get(response["Location"]).status_code == 200
    invitation = Invitation.objects.get(email=NEW_EMAIL)
    assert invitation.accepted_at is not None
    assert invitation.invited_by == world.leader


def test_the_database_holds_only_the_hash_of_the_token(world, client_for):
    token = invite_new_teacher(world, client_for)
    invitation = Invitation.objects.get(email=NEW_EMAIL)
    assert invitation.token_hash == hash_token(token)
    row = Invitation.objects.filter(pk=invitation.pk).values().get()
    assert not any(token in str(value) for value in row.values())


def test_the_link_works_once(world, client_for):
    token = invite_new_teacher(world, client_for)
    assert accept_as_new_person(token).status_code == 302

    again = english().get(accept_url(token))
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    second = accept_as_new_person(token, english(), password1="anders-1", password2="anders-1")
    assert second.status_code == 410
    assert User.objects.filter(email=NEW_EMAIL).count() == 1
    assert User.objects.get(email=NEW_EMAIL).check_password(NEW_PASSWORD)


def test_an_expired_link_gives_a_clear_page_and_creates_nothing(world, client_for):
    token = invite_new_teacher(world, client_for)
    invitation = Invitation.objects.get(email=NEW_EMAIL)
    valid = invitation.expires_at - invitation.created_at
    assert abs(valid - dt.timedelta(days=settings.INVITATION_VALID_DAYS)) < dt.timedelta(minutes=1)

    # Fourteen days and a minute later:
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=invitation.created_at - valid - dt.timedelta(minutes=1),
        expires_at=timezone.now() - dt.timedelta(minutes=1),
    )
    page = english().get(accept_url(token))
    assert page.status_code == 410
    assert "expired" in page.content.decode()
    assert accept_as_new_person(token).status_code == 410
    assert not User.objects.filter(email=NEW_EMAIL).exists()
    assert not Membership.objects.filter(user__email=NEW_EMAIL).exists()


def test_an_unknown_link_is_a_friendly_404(world):
    response = english().get(accept_url("dit-bestaat-niet"))
    assert response.status_code == 404
    assert "We do not know this invitation link" in response.content.decode()


def test_a_withdrawn_link_is_gone(world, client_for):
    token = invite_new_teacher(world, client_for)
    invitation = Invitation.objects.get(email=NEW_EMAIL)
    url = reverse("schools:invitation_revoke", args=[world.school.slug, invitation.pk])
    assert client_for(world.leader).post(url).status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    page = english().get(accept_url(token))
    assert page.status_code == 410
    assert "withdrawn" in page.content.decode()
    assert accept_as_new_person(token).status_code == 410
    assert not User.objects.filter(email=NEW_EMAIL).exists()


def test_the_invitations_page_lists_pending_accepted_and_lapsed(world, client_for):
    token = invite_new_teacher(world, client_for)
    accept_as_new_person(token)
    services.invite_to_school(
        world.leader, world.school, email="later@vuurtoren.test", role=Role.MEMBER
    )
    gone = services.invite_to_school(
        world.leader, world.school, email="weg@vuurtoren.test", role=Role.MEMBER
    )
    services.revoke_invitation(world.leader, gone)
    page = client_for(world.leader).get(invitations_url(world)).content.decode()
    for email in (NEW_EMAIL, "later@vuurtoren.test", "weg@vuurtoren.test"):
        assert email in page
    pending = Invitation.objects.get(email="later@vuurtoren.test")
    assert reverse("schools:invitation_revoke", args=[world.school.slug, pending.pk]) in page


# --- idempotence ---


def test_inviting_the_same_address_twice_keeps_one_invitation_and_a_fresh_link(world, client_for):
    first = invite_new_teacher(world, client_for)
    second = invite_new_teacher(world, client_for, role=Role.CULTURE_CARRIER, teams=[])
    assert Invitation.objects.filter(email=NEW_EMAIL).count() == 1
    assert len(mail.outbox) == 2
    assert first != second
    # The first link stopped working (only the newest hash is kept); the second one works.
    assert Client().get(accept_url(first)).status_code == 404
    assert accept_as_new_person(second).status_code == 302
    membership = Membership.objects.get(user__email=NEW_EMAIL)
    assert membership.role == Role.CULTURE_CARRIER
    assert not membership.teams.exists()


def test_inviting_again_without_sending_returns_the_same_invitation(world):
    first = services.invite_to_school(
        world.leader, world.school, email=NEW_EMAIL, role=Role.MEMBER, send=False
    )
    again = services.invite_to_school(
        world.leader, world.school, email=NEW_EMAIL.upper(), role=Role.MEMBER, send=False
    )
    assert again.pk == first.pk
    assert again.token_hash == first.token_hash
    assert mail.outbox == []


def test_someone_who_already_has_the_role_is_not_invited(world, client_for):
    response = english(client_for(world.leader)).post(
        invitations_url(world), {"email": world.teacher.email, "role": Role.MEMBER}
    )
    assert response.status_code == 200
    assert "already has this role" in response.content.decode()
    assert not Invitation.objects.exists()
    assert mail.outbox == []


# --- who may invite ---


@pytest.mark.parametrize("persona", ["teacher", "culture_carrier"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_staff_without_the_right_cannot_invite(world, client_for, persona, method):
    client = client_for(getattr(world, persona))
    data = {"email": NEW_EMAIL, "role": Role.LEADER} if method == "post" else None
    response = getattr(client, method)(invitations_url(world), data)
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.invite_to_school(
            getattr(world, persona), world.school, email=NEW_EMAIL, role=Role.LEADER
        )
    assert not Invitation.objects.exists()


def test_outsiders_and_the_board_get_404_on_the_invitations_page(world, client_for):
    for person in (world.outsider, world.board_admin):
        client = client_for(person)
        assert client.get(invitations_url(world)).status_code == 404
        response = client.post(invitations_url(world), {"email": NEW_EMAIL, "role": Role.MEMBER})
        assert response.status_code == 404
    assert not Invitation.objects.exists()


def test_an_invitation_of_another_school_cannot_be_withdrawn_through_ones_own(world, client_for):
    invitation = services.invite_to_school(
        world.leader, world.school, email=NEW_EMAIL, role=Role.MEMBER
    )
    url = reverse("schools:invitation_revoke", args=[world.other_school.slug, invitation.pk])
    assert client_for(world.outsider).post(url).status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_board_admin_invites_a_leader_for_a_school_of_the_own_board(world, client_for):
    url = reverse("schools:invite_leader", args=[world.board.slug])
    client = client_for(world.board_admin)
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"school": world.school.pk, "display_name": "Lars Leider", "email": NEW_EMAIL}
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get(email=NEW_EMAIL)
    assert (invitation.school, invitation.board, invitation.role) == (
        world.school,
        None,
        Role.LEADER,
    )
    token = token_from_mail(mail.outbox[0])
    assert accept_as_new_person(token, display_name="Lars Leider").status_code == 302
    assert Membership.objects.active().get(user__email=NEW_EMAIL).role == Role.LEADER


def test_board_admin_cannot_invite_a_leader_for_another_boards_school(world, client_for):
    url = reverse("schools:invite_leader", args=[world.board.slug])
    response = client_for(world.board_admin).post(
        url, {"school": world.other_school.pk, "email": NEW_EMAIL}
    )
    assert response.status_code == 200  # the school is not a valid choice
    assert "has-error" in response.content.decode()
    with pytest.raises(PermissionDenied):
        services.invite_leader(world.board_admin, world.board, world.other_school, email=NEW_EMAIL)
    with pytest.raises(PermissionDenied):
        services.invite_leader(
            world.board_admin, world.other_board, world.other_school, email=NEW_EMAIL
        )
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_a_leader_cannot_invite_leaders_through_the_board_page(world, client_for):
    url = reverse("schools:invite_leader", args=[world.board.slug])
    assert client_for(world.leader).get(url).status_code == 404


def test_a_board_admin_invitation_gives_a_board_membership(world):
    services.invite_board_admin(world.board_admin, world.board, email=NEW_EMAIL)
    invitation = Invitation.objects.get(email=NEW_EMAIL)
    assert (invitation.board, invitation.school) == (world.board, None)
    response = accept_as_new_person(token_from_mail(mail.outbox[0]))
    assert response["Location"] == reverse("schools:board_home", args=[world.board.slug])
    assert Membership.objects.get(user__email=NEW_EMAIL).board == world.board


# --- people who already have an account ---


def test_an_existing_user_accepts_while_logged_in(world, client_for):
    services.invite_to_school(
        world.leader,
        world.school,
        email=world.outsider.email,
        role=Role.MEMBER,
        teams=[world.team_b],
    )
    token = token_from_mail(mail.outbox[0])
    client = client_for(world.outsider)
    page = client.get(accept_url(token))
    assert page.status_code == 200
    assert "password1" not in page.content.decode()
    response = client.post(accept_url(token))
    assert response.status_code == 302
    assert response["Location"] == reverse("schools:home", args=[world.school.slug])
    membership = Membership.objects.active().get(user=world.outsider, school=world.school)
    assert list(membership.teams.all()) == [world.team_b]
    # The other school is kept, and the password is untouched.
    assert Membership.objects.active().filter(user=world.outsider).count() == 2
    world.outsider.refresh_from_db()
    assert world.outsider.check_password(PASSWORD)


def test_an_existing_user_must_log_in_first_and_comes_back_to_accept(world):
    services.invite_to_school(
        world.leader, world.school, email=world.outsider.email, role=Role.MEMBER
    )
    token = token_from_mail(mail.outbox[0])
    client = english()
    page = client.get(accept_url(token))
    assert page.status_code == 200
    login_url = reverse("accounts:login") + "?next=" + accept_url(token).replace("/", "%2F")
    assert login_url in page.content.decode()
    # Posting a password without logging in does not take over the account.
    accept_as_new_person(token, client)
    assert not Membership.objects.filter(user=world.outsider, school=world.school).exists()
    world.outsider.refresh_from_db()
    assert world.outsider.check_password(PASSWORD)

    logged_in = client.post(
        login_url, {"username": world.outsider.email, "password": PASSWORD}, follow=True
    )
    assert logged_in.redirect_chain[-1][0] == accept_url(token)
    assert client.post(accept_url(token)).status_code == 302
    assert Membership.objects.active().filter(user=world.outsider, school=world.school).exists()


def test_someone_logged_in_with_another_account_is_told_so(world, client_for):
    token = invite_new_teacher(world, client_for)
    client = english(client_for(world.teacher))
    page = client.get(accept_url(token))
    assert page.status_code == 403
    assert "another e-mail address" in page.content.decode()
    assert client.post(accept_url(token)).status_code == 403
    assert not User.objects.filter(email=NEW_EMAIL).exists()
    assert Invitation.objects.get(email=NEW_EMAIL).accepted_at is None


def test_an_account_without_a_password_chooses_one_through_the_link(world):
    User.objects.create_user(email=NEW_EMAIL, display_name="Nina")
    services.invite_to_school(world.leader, world.school, email=NEW_EMAIL, role=Role.MEMBER)
    token = token_from_mail(mail.outbox[0])
    assert accept_as_new_person(token, display_name="Nina Nieuw").status_code == 302
    user = User.objects.get(email=NEW_EMAIL)
    assert user.check_password(NEW_PASSWORD)
    assert user.display_name == "Nina Nieuw"


# --- bad input changes nothing ---


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"email": "geen-adres", "role": Role.MEMBER}, "email"),
        ({"email": "", "role": Role.MEMBER}, "email"),
        ({"email": NEW_EMAIL, "role": "director"}, "role"),
        ({"email": NEW_EMAIL, "role": Role.BOARD_ADMIN}, "role"),
        ({"email": NEW_EMAIL, "role": Role.MEMBER, "teams": ["999999"]}, "teams"),
    ],
)
def test_bad_invitation_input_shows_errors_and_writes_nothing(world, client_for, data, field):
    response = client_for(world.leader).post(invitations_url(world), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'class="field-error"' in response.content.decode()
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_a_team_of_another_school_cannot_be_chosen(world, client_for):
    from dramaturg.schools.models import Team

    foreign = Team.objects.create(school=world.other_school, name="Sectie wiskunde")
    response = client_for(world.leader).post(
        invitations_url(world), {"email": NEW_EMAIL, "role": Role.MEMBER, "teams": [foreign.pk]}
    )
    assert "teams" in response.context["form"].errors
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"password2": "iets-heel-anders-9"}, "password2"),
        ({"password1": "12345678", "password2": "12345678"}, "password2"),
        ({"password1": "kort", "password2": "kort"}, "password2"),
        ({"display_name": "   "}, "display_name"),
    ],
)
def test_bad_acceptance_input_shows_errors_and_writes_nothing(world, client_for, extra, field):
    token = invite_new_teacher(world, client_for)
    response = accept_as_new_person(token, **extra)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not User.objects.filter(email=NEW_EMAIL).exists()
    assert Invitation.objects.get(email=NEW_EMAIL).accepted_at is None
    # The link still works afterwards.
    assert accept_as_new_person(token).status_code == 302


def test_mismatched_passwords_are_explained_in_english_when_chosen(world, client_for):
    token = invite_new_teacher(world, client_for)
    response = accept_as_new_person(token, english(), password2="iets-heel-anders-9")
    assert "The two password fields didn’t match." in response.content.decode()


# --- the mail ---


def test_the_mail_is_written_in_the_inviters_language(world, client_for):
    client = english(client_for(world.leader))
    client.post(invitations_url(world), {"email": NEW_EMAIL, "role": Role.CULTURE_CARRIER})
    message = mail.outbox[0]
    assert message.subject == f"Invitation to join {world.school.name} on Dramaturg"
    assert f"{world.leader.display_name} invites you to join {world.school.name}" in message.body
    assert "development group" in message.body
    assert "\n" not in message.subject
