"""Review of session 3: ids from a form that `str.isdigit` accepts but `int` refuses.

"²".isdigit() is True, yet int("²") raises ValueError: a form post with such an id must be
a 404 (or the form's own refusal), never a server error.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from dramaturg.networks.access import ensure_board_network
from dramaturg.networks.models import PublishedCard
from dramaturg.reports import exporters
from dramaturg.schools.models import School
from dramaturg.schools.roles import Role
from tests.personas import join, make_user
from tests.test_networks_library import adopt, make_card

pytestmark = pytest.mark.django_db

SUPERSCRIPT_TWO = "\u00b2"


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_removing_a_guest_with_a_non_ascii_digit_is_a_404(world):
    network = ensure_board_network(world.board)
    url = reverse("networks:people", args=[network.slug])
    response = _client(world.leader).post(url, {"action": "remove", "guest": SUPERSCRIPT_TWO})
    assert response.status_code == 404


def test_copying_for_a_non_ascii_digit_team_is_refused_not_a_crash(world):
    network = ensure_board_network(world.board)
    school2 = School.objects.create(
        board=world.board, name="De Branding", slug="de-branding", sector="po"
    )
    leader2 = make_user("leider@branding.test", "Bert Branding")
    join(leader2, school2, Role.LEADER)
    version = adopt(make_card(world), world.teacher, world.teacher2, world.culture_carrier)
    publication = PublishedCard.objects.create(
        network=network, version=version, school=world.school, published_by=world.leader
    )
    url = reverse("networks:library_copy", args=[network.slug, publication.pk])
    response = _client(leader2).post(url, {"team": SUPERSCRIPT_TWO})
    assert response.status_code in (302, 404)
    assert not school2.cards.exists()


def test_asking_for_an_export_with_a_non_ascii_digit_id_is_a_404(world):
    url = reverse("reports:exports", args=[world.school.slug])
    response = _client(world.leader).post(
        url, {"kind": exporters.ROUND, "key": "round_pdf", "object_id": SUPERSCRIPT_TWO}
    )
    assert response.status_code == 404
