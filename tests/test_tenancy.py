"""Tenancy: members reach their school, outsiders get 404, roles gate what members may do."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dramaturg.schools.models import Membership

pytestmark = pytest.mark.django_db


def test_member_sees_school_home_with_four_stages(world, client_for):
    response = client_for(world.teacher).get(reverse("schools:home", args=[world.school.slug]))
    assert response.status_code == 200
    page = response.content.decode()
    for stage in ("Podium", "Publiek", "Coulissen", "Kleedkamer"):
        assert stage in page


def test_outsider_gets_404_not_403(world, client_for):
    response = client_for(world.outsider).get(reverse("schools:home", args=[world.school.slug]))
    assert response.status_code == 404


def test_unknown_school_gets_the_same_404_page(world, client_for):
    client = client_for(world.teacher)
    unknown = client.get("/s/bestaat-niet/")
    assert unknown.status_code == 404
    assert "Pagina niet gevonden" in unknown.content.decode()


def test_anonymous_visitor_is_sent_to_login(world, client):
    response = client.get(reverse("schools:home", args=[world.school.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_ended_membership_no_longer_opens_the_school(world, client_for):
    membership = Membership.objects.get(user=world.teacher, school=world.school)
    membership.ended_on = membership.started_on
    membership.save()
    response = client_for(world.teacher).get(reverse("schools:home", args=[world.school.slug]))
    assert response.status_code == 404


def test_teacher_may_not_add_a_team(world, client_for):
    url = reverse("schools:team_create", args=[world.school.slug])
    assert client_for(world.teacher).get(url).status_code == 403
    assert client_for(world.leader).get(url).status_code == 200


def test_board_admin_is_not_a_member_of_the_school(world, client_for):
    response = client_for(world.board_admin).get(reverse("schools:home", args=[world.school.slug]))
    assert response.status_code == 404


def test_board_admin_of_another_board_gets_404(world, client_for):
    other_admin = Membership.objects.get(board=world.other_board).user
    response = client_for(other_admin).get(reverse("schools:board_home", args=[world.board.slug]))
    assert response.status_code == 404


def test_leader_cannot_end_a_membership_in_another_school(world, client_for):
    foreign = Membership.objects.get(user=world.outsider)
    url = reverse("schools:membership_end", args=[world.school.slug, foreign.pk])
    response = client_for(world.leader).post(url)
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.ended_on is None
