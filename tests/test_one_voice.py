"""One person, one voice: a staff round gives each person one link, filed under one team.

Someone in three chosen teams gets one link and one mail and is counted once; their answers
count for their primary team if it was chosen, otherwise for the first of their chosen teams
by name. The mail says which team that is, and the round page says how many people were asked.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from dramaturg.schools import teams
from dramaturg.schools.models import Membership, Team
from dramaturg.surveys.models import Participation, Round
from tests.helpers import english
from tests.survey_helpers import add_members, staff_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def care(world) -> Team:
    return Team.objects.create(school=world.school, name="Zorgteam")


def place(world, user, *placed: Team) -> None:
    membership = Membership.objects.get(user=user, school=world.school, ended_on=None)
    for team in placed:
        teams.add_to_team(world.leader, team, membership)


def filed(round_: Round) -> dict[str, list[str]]:
    """Team name → the e-mail addresses whose one participation is filed under it."""
    found: dict[str, list[str]] = {}
    for participation in Participation.objects.filter(target__round=round_).select_related(
        "target__team", "user"
    ):
        found.setdefault(participation.target.team.name, []).append(participation.user.email)
    return {name: sorted(emails) for name, emails in found.items()}


def test_a_person_in_three_chosen_teams_gets_one_link_and_one_mail_and_counts_once(
    world, care, django_capture_on_commit_callbacks
):
    # Daan: Onderbouw (primary), then Bovenbouw and Zorgteam.
    place(world, world.teacher, world.team_b, care)
    with django_capture_on_commit_callbacks(execute=True):
        round_ = staff_round(world, [world.team_a, world.team_b, care])
    assert Participation.objects.filter(target__round=round_, user=world.teacher).count() == 1
    assert [m.to[0] for m in mail.outbox].count(world.teacher.email) == 1
    # Three people (Otto, Daan, Jet), each counted once in the invited total.
    assert sum(t.invited for t in round_.targets.all()) == 3
    invited = {t.team.name: t.invited for t in round_.targets.select_related("team")}
    assert invited == {"Onderbouw": 2, "Bovenbouw": 1, "Zorgteam": 0}
    for target in round_.targets.all():
        assert target.invited == target.participants.count()


def test_the_primary_team_wins_when_it_was_chosen(world, care):
    place(world, world.teacher, world.team_b, care)
    teams.make_primary(
        world.leader, care, Membership.objects.get(user=world.teacher, school=world.school)
    )
    round_ = staff_round(world, [world.team_a, world.team_b, care])
    assert filed(round_)["Zorgteam"] == [world.teacher.email]


def test_otherwise_the_first_chosen_team_by_name_counts(world, care):
    # Daan's primary team (Onderbouw) is not asked: Bovenbouw comes before Zorgteam.
    place(world, world.teacher, care, world.team_b)
    round_ = staff_round(world, [care, world.team_b])
    assert filed(round_) == {"Bovenbouw": [world.teacher.email, world.teacher2.email]}


def test_ended_memberships_are_not_asked(world):
    from dramaturg.schools.services import end_membership

    end_membership(world.leader, Membership.objects.get(user=world.teacher, school=world.school))
    round_ = staff_round(world, [world.team_a])
    assert filed(round_) == {"Onderbouw": [world.culture_carrier.email]}


def test_the_mail_says_which_team_the_answers_count_for(
    world, care, django_capture_on_commit_callbacks
):
    place(world, world.teacher, care)
    world.teacher.language = "en"
    world.teacher.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        staff_round(world, [care, world.team_b])
    (message,) = [m for m in mail.outbox if m.to == [world.teacher.email]]
    assert "Your answers count for the team Zorgteam." in message.body
    (dutch,) = [m for m in mail.outbox if m.to == [world.teacher2.email]]
    assert "Uw antwoorden tellen mee voor het team Bovenbouw." in dutch.body


def test_the_round_page_says_how_many_people_were_asked(world, care, client_for):
    add_members(world, world.team_b, 5)
    place(world, world.teacher, world.team_b, care)
    round_ = staff_round(world, [world.team_a, world.team_b, care])
    client = english(client_for(world.leader))
    page = client.get(
        reverse("surveys:round_detail", args=[world.school.slug, round_.pk])
    ).content.decode()
    text = re.sub(r"\s+", " ", page)
    assert "<dt>People asked</dt><dd>8 people, each with one personal link</dd>" in text
