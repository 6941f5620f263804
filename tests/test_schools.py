"""Boards, schools, teams, school years and memberships: the rules the database keeps."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from dramaturg.schools import services
from dramaturg.schools.models import Membership, School, SchoolYear, school_year_start
from dramaturg.schools.roles import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("day", "start"),
    [
        (dt.date(2026, 7, 31), 2025),
        (dt.date(2026, 8, 1), 2026),
        (dt.date(2027, 1, 15), 2026),
    ],
)
def test_school_year_runs_from_1_august_to_31_july(day, start):
    assert school_year_start(day) == start
    year = SchoolYear.objects.for_date(day)
    assert year.starts_on == dt.date(start, 8, 1)
    assert year.ends_on == dt.date(start + 1, 7, 31)
    assert year.contains(day)
    assert str(year) == f"{start}–{start + 1}"


def test_school_year_is_created_once():
    SchoolYear.objects.for_date(dt.date(2026, 9, 1))
    SchoolYear.objects.for_date(dt.date(2027, 3, 1))
    assert SchoolYear.objects.count() == 1


def test_a_person_has_one_open_membership_per_school(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=world.teacher, school=world.school, role=Role.MEMBER)


def test_board_role_in_a_school_is_refused_by_the_database(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=world.outsider, school=world.school, role=Role.BOARD_ADMIN)


def test_a_person_may_work_at_two_schools(world):
    second = School.objects.create(
        board=world.board, name="De Kompas", slug="de-kompas", sector="po"
    )
    Membership.objects.create(user=world.teacher, school=second, role=Role.MEMBER)
    assert Membership.objects.active().filter(user=world.teacher).count() == 2


def test_ensure_membership_is_idempotent_and_updates_role(world):
    membership, changed = services.ensure_school_membership(
        world.teacher, world.school, Role.MEMBER, [world.team_a]
    )
    assert changed is False
    membership, changed = services.ensure_school_membership(
        world.teacher, world.school, Role.CULTURE_CARRIER, [world.team_a, world.team_b]
    )
    assert changed is True
    assert membership.role == Role.CULTURE_CARRIER
    assert set(membership.teams.all()) == {world.team_a, world.team_b}
    assert Membership.objects.filter(user=world.teacher, school=world.school).count() == 1


def test_leaving_keeps_the_history_for_turnover(world, client_for):
    membership = Membership.objects.get(user=world.teacher2, school=world.school)
    url = reverse("schools:membership_end", args=[world.school.slug, membership.pk])
    response = client_for(world.leader).post(url)
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.ended_on is not None
    assert not Membership.objects.active().filter(user=world.teacher2).exists()
    staff = client_for(world.leader).get(reverse("schools:staff", args=[world.school.slug]))
    assert "Jet van der Juf" not in staff.content.decode()


def test_a_leader_cannot_end_their_own_membership(world, client_for):
    membership = Membership.objects.get(user=world.leader, school=world.school)
    url = reverse("schools:membership_end", args=[world.school.slug, membership.pk])
    client_for(world.leader).post(url)
    membership.refresh_from_db()
    assert membership.ended_on is None


def test_board_admin_adds_a_school(world, client_for):
    client = client_for(world.board_admin)
    url = reverse("schools:school_create", args=[world.board.slug])
    response = client.post(url, {"name": "OBS De Vuurtoren", "sector": "po", "city": "Texel"})
    assert response.status_code == 302
    school = School.objects.get(name="OBS De Vuurtoren")
    assert school.board == world.board
    assert school.slug == "obs-de-vuurtoren"


def test_bad_school_form_answers_in_dutch_and_writes_nothing(world, client_for):
    client = client_for(world.board_admin)
    url = reverse("schools:school_create", args=[world.board.slug])
    before = School.objects.count()
    response = client.post(url, {"name": "   ", "sector": "hbo"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Geef de school een naam." in page
    assert "Selecteer een geldige keuze" in page
    assert School.objects.count() == before


def test_leader_adds_a_team_and_sees_it_on_the_home(world, client_for):
    client = client_for(world.leader)
    client.post(reverse("schools:team_create", args=[world.school.slug]), {"name": "Kleuters"})
    page = client.get(reverse("schools:home", args=[world.school.slug])).content.decode()
    assert "Kleuters" in page


def test_leader_sets_quorum_and_threshold(world, client_for):
    url = reverse("schools:settings", args=[world.school.slug])
    assert client_for(world.teacher).get(url).status_code == 403
    assert client_for(world.culture_carrier).get(url).status_code == 403
    response = client_for(world.leader).post(
        url, {"consent_quorum": "3/4", "anonymity_threshold": "7"}
    )
    assert response.status_code == 302
    world.school.refresh_from_db()
    assert (world.school.consent_quorum, world.school.anonymity_threshold) == ("3/4", 7)


def test_threshold_below_three_is_refused_in_dutch_and_changes_nothing(world, client_for):
    url = reverse("schools:settings", args=[world.school.slug])
    response = client_for(world.leader).post(
        url, {"consent_quorum": "1/2", "anonymity_threshold": "2"}
    )
    assert response.status_code == 200
    assert "De drempel kan nooit lager zijn dan 3." in response.content.decode()
    world.school.refresh_from_db()
    assert (world.school.consent_quorum, world.school.anonymity_threshold) == ("2/3", 5)
