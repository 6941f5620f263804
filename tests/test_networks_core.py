"""The network core: who takes part, starting a network, inviting schools and guests.

The personas (tests/personas.py): the leader, culture carrier and teachers of De Vuurtoren
on the board Noorderlicht with its admin; the outsider leads De Zonnewijzer of another board.
Logic is checked with status codes and database state; tests whose name ends in `_dutch`
check the Dutch text and pass once the catalogue has the strings.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from dramaturg.networks import services
from dramaturg.networks.access import ensure_board_network, network_schools, networks_for
from dramaturg.networks.models import Network, NetworkGuest, NetworkInvitation, NetworkSchool
from dramaturg.schools.models import Membership
from dramaturg.schools.roles import Role
from tests.helpers import english

pytestmark = pytest.mark.django_db

OTHER_ADMIN = "bestuur@zuiderzon.test"


def home(network):
    return reverse("networks:home", args=[network.slug])


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def dutch(text: str) -> str:
    """The Dutch translation of an English source string, which must differ from it."""
    with translation.override("nl"):
        translated = translation.gettext(text)
    assert translated != text, f"not yet translated: {text!r}"
    return translated


def cross_network(world):
    return services.create_network(world.leader, world.school, "Leren over grenzen", "Samen.")


def invite_and_accept(world, network, capture):
    with capture(execute=True):
        services.invite_school(world.leader, network, world.outsider.email)
    invitation = NetworkInvitation.objects.get(network=network, school=world.other_school)
    services.answer_invitation(world.outsider, invitation, True)
    return invitation


# --- the board's network ---


def test_board_network_is_made_on_first_need_and_holds_the_boards_schools(world):
    assert not Network.objects.exists()
    seats = networks_for(world.leader)
    network = Network.objects.get(board=world.board)
    assert network.kind == Network.Kind.BOARD
    assert [s.network for s in seats] == [network]
    assert list(network_schools(network)) == [world.school]
    assert ensure_board_network(world.board) == network  # made once


def test_who_sees_the_board_network(world, client_for):
    network = ensure_board_network(world.board)
    response = client_for(world.leader).get(home(network))
    assert response.status_code == 200
    assert world.school.name in response.content.decode()
    assert world.leader.display_name in response.content.decode()
    for person in (world.teacher, world.culture_carrier, world.outsider, world.board_admin):
        assert client_for(person).get(home(network)).status_code == 404, person
    assert networks_for(world.teacher) == []
    assert networks_for(world.board_admin) == []


def test_anonymous_visitors_are_sent_to_login(world):
    network = ensure_board_network(world.board)
    invitation = NetworkInvitation.objects.create(network=cross_network(world), school=world.school)
    for url in (
        reverse("networks:list"),
        reverse("networks:create"),
        reverse("networks:invitation", args=[invitation.pk]),
        home(network),
        reverse("networks:people", args=[network.slug]),
    ):
        response = Client().get(url)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response["Location"], url


def test_board_admin_takes_part_only_after_an_invitation(
    world, client_for, django_capture_on_commit_callbacks
):
    network = ensure_board_network(world.board)
    people = reverse("networks:people", args=[network.slug])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.leader).post(
            people, {"action": "invite_board", "email": world.board_admin.email.upper()}
        )
    assert response.status_code == 302
    guest = NetworkGuest.objects.get(network=network, user=world.board_admin)
    assert guest.kind == NetworkGuest.Kind.BOARD
    assert [m.to for m in mail.outbox] == [[world.board_admin.email]]
    assert network.name in mail.outbox[0].subject
    admin = client_for(world.board_admin)
    assert admin.get(home(network)).status_code == 200
    assert [s.network for s in networks_for(world.board_admin)] == [network]
    assert admin.get(people).status_code == 403  # a guest, not a leader
    # No longer on the board: no longer in the network.
    Membership.objects.filter(user=world.board_admin).update(
        started_on=timezone.localdate() - dt.timedelta(days=30), ended_on=timezone.localdate()
    )
    assert admin.get(home(network)).status_code == 404


def test_board_staff_of_an_unrelated_board_cannot_be_invited(world, client_for):
    network = ensure_board_network(world.board)
    people = reverse("networks:people", args=[network.slug])
    for email in (OTHER_ADMIN, "niemand@nergens.test"):
        response = client_for(world.leader).post(people, {"action": "invite_board", "email": email})
        assert response.status_code == 302
        assert messages_of(response) == [str(services.GUEST_INVITATION_SENT)]
    assert not NetworkGuest.objects.exists()
    assert mail.outbox == []


# --- culture carriers ---


def test_culture_carrier_takes_part_once_named_and_while_in_the_role(world, client_for):
    network = ensure_board_network(world.board)
    carrier = client_for(world.culture_carrier)
    assert carrier.get(home(network)).status_code == 404
    membership = Membership.objects.get(user=world.culture_carrier, school=world.school)
    people = reverse("networks:people", args=[network.slug])
    response = client_for(world.leader).post(
        people, {"action": "name", "membership": membership.pk}
    )
    assert response.status_code == 302
    assert carrier.get(home(network)).status_code == 200
    assert world.culture_carrier.display_name in (
        client_for(world.leader).get(home(network)).content.decode()
    )
    membership.started_on = timezone.localdate() - dt.timedelta(days=30)
    membership.ended_on = timezone.localdate()
    membership.save()
    assert carrier.get(home(network)).status_code == 404


def test_a_teacher_cannot_be_named_and_a_carrier_can_step_out(world, client_for):
    network = ensure_board_network(world.board)
    people = reverse("networks:people", args=[network.slug])
    teacher = Membership.objects.get(user=world.teacher, school=world.school)
    response = client_for(world.leader).post(people, {"action": "name", "membership": teacher.pk})
    assert response.status_code == 200
    assert not NetworkGuest.objects.exists()
    with pytest.raises(services.NetworkError):
        services.name_culture_carrier(world.leader, network, teacher)
    carrier = Membership.objects.get(user=world.culture_carrier, school=world.school)
    with pytest.raises(PermissionDenied):
        services.name_culture_carrier(world.outsider, network, carrier)
    services.name_culture_carrier(world.leader, network, carrier)
    client = client_for(world.culture_carrier)
    response = client.post(reverse("networks:leave", args=[network.slug]))
    assert response.status_code == 302
    assert not NetworkGuest.objects.exists()
    assert client.get(home(network)).status_code == 404


def test_leader_removes_a_named_carrier(world, client_for):
    network = ensure_board_network(world.board)
    carrier = Membership.objects.get(user=world.culture_carrier, school=world.school)
    guest = services.name_culture_carrier(world.leader, network, carrier)
    people = reverse("networks:people", args=[network.slug])
    response = client_for(world.leader).post(people, {"action": "remove", "guest": guest.pk})
    assert response.status_code == 302
    assert not NetworkGuest.objects.exists()
    assert (
        client_for(world.leader).post(people, {"action": "remove", "guest": "x"}).status_code == 404
    )


# --- a network across boards ---


def test_start_invite_accept_and_both_take_part(
    world, client_for, django_capture_on_commit_callbacks
):
    leader = client_for(world.leader)
    response = leader.post(reverse("networks:create"), {"name": "Leren over grenzen"})
    network = Network.objects.get(kind=Network.Kind.CROSS_BOARD)
    assert response.status_code == 302
    assert response["Location"] == home(network)
    assert network.slug == "leren-over-grenzen"
    assert network.created_by == world.leader
    assert list(network_schools(network)) == [world.school]

    world.outsider.language = "en"
    world.outsider.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = leader.post(
            reverse("networks:invite", args=[network.slug]), {"email": world.outsider.email}
        )
    assert response.status_code == 302
    invitation = NetworkInvitation.objects.get(network=network)
    assert invitation.school == world.other_school
    assert invitation.answered_at is None
    assert [m.to for m in mail.outbox] == [[world.outsider.email]]
    assert "invited" in mail.outbox[0].subject  # in the invitee's own language
    url = reverse("networks:invitation", args=[invitation.pk])
    assert url in mail.outbox[0].body

    outsider = client_for(world.outsider)
    assert outsider.get(home(network)).status_code == 404  # not before accepting
    assert url in outsider.get(reverse("networks:list")).content.decode()
    for person in (world.leader, world.teacher, world.board_admin):
        assert client_for(person).get(url).status_code == 404, person
    assert outsider.get(url).status_code == 200
    response = outsider.post(url, {"answer": "accept"})
    assert response.status_code == 302
    assert response["Location"] == home(network)
    invitation.refresh_from_db()
    assert invitation.accepted is True
    assert invitation.answered_at is not None
    assert set(network_schools(network)) == {world.school, world.other_school}
    assert outsider.get(url).status_code == 404  # answered

    page = leader.get(home(network)).content.decode()
    assert world.outsider.display_name in page
    assert world.other_school.name in page
    assert outsider.get(home(network)).status_code == 200
    for person in (world.teacher, world.board_admin):
        assert client_for(person).get(home(network)).status_code == 404, person


def test_declining_adds_nothing(world, client_for, django_capture_on_commit_callbacks):
    network = cross_network(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_school(world.leader, network, world.outsider.email)
    invitation = NetworkInvitation.objects.get()
    url = reverse("networks:invitation", args=[invitation.pk])
    response = client_for(world.outsider).post(url, {"answer": "decline"})
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.accepted is False
    assert list(network_schools(network)) == [world.school]
    with pytest.raises(services.NetworkError):
        services.answer_invitation(world.outsider, invitation, True)


def test_unknown_address_gets_the_same_message_and_creates_nothing(
    world, client_for, django_capture_on_commit_callbacks
):
    network = cross_network(world)
    invite = reverse("networks:invite", args=[network.slug])
    said = []
    # No account, an account that leads nothing, and a real leader: the same words.
    for email in ("niemand@nergens.test", world.teacher.email, world.outsider.email):
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(world.leader).post(invite, {"email": email})
        assert response.status_code == 302
        said.append(messages_of(response))
    assert said[0] == said[1] == said[2] == [str(services.INVITATION_SENT)]
    assert list(NetworkInvitation.objects.values_list("school", flat=True)) == [
        world.other_school.pk
    ]
    assert [m.to for m in mail.outbox] == [[world.outsider.email]]


def test_bad_input_changes_nothing(world, client_for, django_capture_on_commit_callbacks):
    leader = client_for(world.leader)
    response = leader.post(reverse("networks:create"), {"name": "   "})
    assert response.status_code == 200
    assert not Network.objects.exists()
    assert response.context["form"].errors["name"]

    network = cross_network(world)
    invite = reverse("networks:invite", args=[network.slug])
    with django_capture_on_commit_callbacks(execute=True):
        leader.post(invite, {"email": world.outsider.email})
        again = leader.post(invite, {"email": world.outsider.email})
        own = leader.post(invite, {"email": world.leader.email})
        wrong = leader.post(invite, {"email": "geen-adres"})
    for response in (again, own, wrong):
        assert response.status_code == 200
        assert response.context["form"].errors["email"]
    assert NetworkInvitation.objects.count() == 1
    assert len(mail.outbox) == 1


def test_bad_input_messages_are_dutch(world, client_for):
    leader = client_for(world.leader)
    response = leader.post(reverse("networks:create"), {"name": ""})
    assert dutch("Give the network a name.") in response.content.decode()
    network = cross_network(world)
    response = leader.post(
        reverse("networks:invite", args=[network.slug]), {"email": world.leader.email}
    )
    assert dutch("This school already takes part in the network.") in response.content.decode()


def test_page_texts_in_english(world, client_for):
    network = ensure_board_network(world.board)
    page = english(client_for(world.leader)).get(home(network)).content.decode()
    assert "Schools and their leaders" in page
    assert "My networks" in page


def test_leader_of_several_schools_picks_one(world, client_for):
    from dramaturg.schools.models import School
    from tests.personas import join

    second = School.objects.create(board=world.board, name="De Meeuw", slug="de-meeuw", sector="po")
    join(world.leader, second, Role.LEADER)
    url = reverse("networks:create")
    response = client_for(world.leader).post(
        url, {"name": "Noord", "school": world.other_school.pk}
    )
    assert response.status_code == 200
    assert not Network.objects.exists()
    client_for(world.leader).post(url, {"name": "Noord", "school": second.pk})
    assert list(network_schools(Network.objects.get())) == [second]


def test_only_leaders_start_networks(world, client_for):
    for person in (world.teacher, world.culture_carrier, world.board_admin):
        assert client_for(person).get(reverse("networks:create")).status_code == 404
    with pytest.raises(PermissionDenied):
        services.create_network(world.teacher, world.school, "X")
    with pytest.raises(PermissionDenied):
        services.create_network(world.leader, world.other_school, "X")
    assert not Network.objects.exists()


def test_board_network_cannot_be_invited_to_or_left(world, client_for):
    network = ensure_board_network(world.board)
    leader = client_for(world.leader)
    assert leader.get(reverse("networks:invite", args=[network.slug])).status_code == 404
    assert leader.post(reverse("networks:leave", args=[network.slug])).status_code == 404
    with pytest.raises(services.NetworkError):
        services.invite_school(world.leader, network, world.outsider.email)
    with pytest.raises(services.NetworkError):
        services.leave_network(world.leader, network)


def test_a_school_leaves_and_its_carriers_with_it(
    world, client_for, django_capture_on_commit_callbacks
):
    network = cross_network(world)
    invite_and_accept(world, network, django_capture_on_commit_callbacks)
    carrier = Membership.objects.get(user=world.culture_carrier, school=world.school)
    services.name_culture_carrier(world.leader, network, carrier)
    with pytest.raises(PermissionDenied):
        services.invite_school(world.culture_carrier, network, "x@y.test")
    response = client_for(world.leader).post(reverse("networks:leave", args=[network.slug]))
    assert response.status_code == 302
    assert list(network_schools(network)) == [world.other_school]
    assert not NetworkGuest.objects.exists()
    for person in (world.leader, world.culture_carrier):
        assert client_for(person).get(home(network)).status_code == 404
    assert client_for(world.outsider).get(home(network)).status_code == 200
    assert NetworkSchool.objects.filter(network=network).count() == 1


def test_nav_shows_my_networks_to_leaders_and_guests_only(world, client_for):
    url = reverse("networks:list")
    school_home = reverse("schools:home", args=[world.school.slug])
    assert url in client_for(world.leader).get(school_home).content.decode()
    assert url not in client_for(world.teacher).get(school_home).content.decode()
    board_home = reverse("schools:board_home", args=[world.board.slug])
    assert url not in client_for(world.board_admin).get(board_home).content.decode()
    network = ensure_board_network(world.board)
    NetworkGuest.objects.create(network=network, user=world.board_admin, kind="board")
    assert url in client_for(world.board_admin).get(board_home).content.decode()
    page = client_for(world.board_admin).get(url).content.decode()
    assert home(network) in page
