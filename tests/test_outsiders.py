"""Outsiders get 404 on every school and board page, for GET and POST alike.

OUTSIDER_CASES maps each URL name to a function that builds its arguments from the
personas; test_urls.py makes sure no tenant page is left out.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from dramaturg.schools.models import Membership

OUTSIDER_CASES = {
    "schools:home": lambda w: [w.school.slug],
    "schools:staff": lambda w: [w.school.slug],
    "schools:team_create": lambda w: [w.school.slug],
    "schools:membership_end": lambda w: [
        w.school.slug,
        Membership.objects.get(user=w.teacher, school=w.school).pk,
    ],
    "schools:board_home": lambda w: [w.board.slug],
    "schools:school_create": lambda w: [w.board.slug],
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(OUTSIDER_CASES))
@pytest.mark.parametrize("method", ["get", "post"])
def test_outsider_gets_404(world, client_for, name, method):
    url = reverse(name, args=OUTSIDER_CASES[name](world))
    for outsider in (world.outsider, Membership.objects.get(board=world.other_board).user):
        response = getattr(client_for(outsider), method)(url)
        assert response.status_code == 404, f"{outsider} {method.upper()} {url}"
