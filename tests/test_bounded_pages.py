"""Lists that grow cost a fixed number of queries and come in pages: the round list (how
many answered, per round) and the network home (who still takes part as a guest)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dramaturg.core.paging import page_numbers
from dramaturg.networks.access import current_guests, ensure_board_network, participant
from dramaturg.networks.models import NetworkGuest
from dramaturg.schools.models import Membership, School
from dramaturg.schools.roles import Role
from dramaturg.surveys import results
from dramaturg.surveys.views import ROUNDS_PER_PAGE
from tests.personas import join, make_user
from tests.survey_helpers import add_members, staff_round
from tests.test_reports_dashboard import answered_round

pytestmark = pytest.mark.django_db


def get(client, url: str, language: str = "en") -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def queries(client, url: str) -> int:
    get(client, url)
    with CaptureQueriesContext(connection) as captured:
        get(client, url)
    return len(captured)


def test_page_numbers_show_the_ends_and_a_window():
    assert page_numbers(1, 1) == [1]
    assert page_numbers(1, 3) == [1, 2, 3]
    assert page_numbers(6, 20) == [1, None, 4, 5, 6, 7, 8, None, 20]
    assert page_numbers(20, 20) == [1, None, 18, 19, 20]


# --- The round list -------------------------------------------------------------------------


@pytest.fixture
def teams(world):
    add_members(world, world.team_b, 7)
    return [world.team_a, world.team_b]


def test_the_round_list_counts_answers_as_the_round_page_does(world, teams, client_for):
    closed = answered_round(world, teams, weeks=10, title="Voorjaarsmeting")
    small = staff_round(world, [world.team_a], title="Kleine meting", threshold=5)
    open_ = staff_round(world, teams, title="Lopende meting")
    rounds = [closed, small, open_]
    counts = results.answered_counts(rounds)
    for round_ in rounds:
        assert counts[round_.pk] == results.round_results(round_, scales=False).answered
    assert counts[small.pk] is None  # too few invited: hidden, as on the round page
    assert counts[closed.pk] == 10
    html = get(client_for(world.leader), reverse("surveys:rounds", args=[world.school.slug]))
    assert "Voorjaarsmeting" in html
    assert "hidden to protect anonymity" in html


def test_round_list_queries_stay_constant_and_rounds_come_in_pages(world, teams, client_for):
    client = client_for(world.leader)
    url = reverse("surveys:rounds", args=[world.school.slug])
    answered_round(world, teams, weeks=40)
    staff_round(world, teams)
    few = queries(client, url)
    for week in (30, 20, 10):
        answered_round(world, teams, weeks=week)
    for _ in range(ROUNDS_PER_PAGE):
        staff_round(world, [world.team_a], title="Extra meting")
    assert queries(client, url) == few
    first = get(client, url)
    assert 'aria-label="Pages of measurement rounds"' in first
    assert "?page=2" in first
    last = get(client, f"{url}?page=99")
    assert 'aria-current="page"' in last
    assert client.get(f"{url}?page=nul").status_code == 200


# --- The network home -----------------------------------------------------------------------


def guests_of(world, network, n: int, start: int = 0) -> None:
    """`n` more named culture carriers, each at a school of their own in the board."""
    for i in range(start, start + n):
        school = School.objects.create(board=world.board, name=f"School {i}", slug=f"school-{i}")
        leader = make_user(f"leider{i}@school.test", f"Leider {i}")
        join(leader, school, Role.LEADER)
        carrier = make_user(f"drager{i}@school.test", f"Drager {i}")
        join(carrier, school, Role.CULTURE_CARRIER)
        NetworkGuest.objects.create(
            network=network, user=carrier, kind=NetworkGuest.Kind.CULTURE_CARRIER, school=school
        )


def test_current_guests_follow_the_seat_rules(world):
    network = ensure_board_network(world.board)
    guests_of(world, network, 3)
    # One carrier left the role, one became a leader, and a board admin was invited.
    left = Membership.objects.get(user__email="drager0@school.test")
    left.ended_on = timezone.localdate()
    left.save()
    Membership.objects.filter(user__email="drager1@school.test").update(role=Role.LEADER)
    NetworkGuest.objects.create(network=network, user=world.board_admin, kind="board")
    outsider_staff = NetworkGuest.objects.create(network=network, user=world.outsider, kind="board")
    found = current_guests(network)
    expected = [
        guest
        for guest in NetworkGuest.objects.filter(network=network).order_by("user__display_name")
        if (seat := participant(guest.user, network)) is not None and seat.role == guest.kind
    ]
    assert found == expected
    assert {g.user.email for g in found} == {"drager2@school.test", world.board_admin.email}
    assert outsider_staff not in found


def test_network_home_queries_stay_constant_as_guests_and_schools_grow(world, client_for):
    network = ensure_board_network(world.board)
    client = client_for(world.leader)
    url = reverse("networks:home", args=[network.slug])
    guests_of(world, network, 2)
    few = queries(client, url)
    guests_of(world, network, 12, start=2)
    assert queries(client, url) == few
    assert "Drager 13" in get(client, url)


# --- The staff list and the board's schools ---------------------------------------------------


def test_the_staff_list_comes_in_pages_with_constant_queries(world, client_for):
    from dramaturg.schools.views import STAFF_PER_PAGE

    client = client_for(world.leader)
    url = reverse("schools:staff", args=[world.school.slug])
    few = queries(client, url)
    add_members(world, world.team_a, STAFF_PER_PAGE + 5, prefix="zz")
    assert queries(client, url) == few
    first = get(client, url)
    assert 'aria-label="Pages of the staff list"' in first
    assert "<td>Zz 9</td>" not in first  # last by name
    assert "<td>Zz 9</td>" in get(client, f"{url}?page=2")
    for bad in ("0", "x", "1000"):
        assert client.get(url, {"page": bad}).status_code == 200


def test_the_boards_schools_come_in_pages_with_constant_queries(world, client_for):
    from dramaturg.schools.views import SCHOOLS_PER_PAGE

    client = client_for(world.board_admin)
    url = reverse("schools:board_home", args=[world.board.slug])
    few = queries(client, url)
    for n in range(SCHOOLS_PER_PAGE + 2):
        School.objects.create(board=world.board, name=f"Zz school {n:03d}", slug=f"zz-{n}")
    assert queries(client, url) == few
    first = get(client, url)
    assert "De Vuurtoren" in first
    assert "Zz school 051" not in first
    assert 'aria-label="Pages of schools"' in first
    assert "Zz school 051" in get(client, f"{url}?page=2")
    assert client.get(url, {"page": "-1"}).status_code == 200
