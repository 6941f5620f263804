"""Primary teams, the record of every team change, and the team page.

The record is the defence against a leader who pads or reshapes a team before a round: every
change says who made it and when, and the team's own members can read it.
"""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.db import IntegrityError, transaction
from django.urls import reverse

from dramaturg.accounts.models import User
from dramaturg.schools import services, teams
from dramaturg.schools.invitations import accept_invitation, invite_to_school
from dramaturg.schools.models import Membership, Team, TeamChange, TeamMembership
from dramaturg.schools.roles import Role

pytestmark = pytest.mark.django_db


def membership(user, world) -> Membership:
    return Membership.objects.get(user=user, school=world.school, ended_on=None)


def primary_team(user, world) -> str | None:
    placement = TeamMembership.objects.filter(
        membership=membership(user, world), primary=True
    ).first()
    return placement.team.name if placement else None


def record(team: Team) -> list[tuple[str, str, str]]:
    """The team's record, oldest first: (person, kind, actor or "")."""
    return [
        (c.person_name, c.kind, c.actor_name)
        for c in TeamChange.objects.filter(team=team).order_by("at", "pk")
    ]


def page_url(world, team=None) -> str:
    return reverse("schools:team", args=[world.school.slug, (team or world.team_a).pk])


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def care(world) -> Team:
    return Team.objects.create(school=world.school, name="Zorgteam")


# --- primary teams ---


def test_the_first_team_becomes_primary_and_a_second_does_not(world, care):
    person = User.objects.create_user("nieuw@vuurtoren.test", None, display_name="Nina Nieuw")
    services.ensure_school_membership(
        person, world.school, Role.MEMBER, [world.team_b, care], actor=world.leader
    )
    assert primary_team(person, world) == "Bovenbouw"
    assert record(world.team_b) == [
        ("Nina Nieuw", "joined", "Lieke de Leider"),
        ("Nina Nieuw", "primary", "Lieke de Leider"),
    ]
    assert record(care) == [("Nina Nieuw", "joined", "Lieke de Leider")]


def test_the_database_refuses_a_second_primary_team(world, care):
    teacher = membership(world.teacher, world)
    placement = TeamMembership.objects.create(membership=teacher, team=care)
    placement.primary = True
    with pytest.raises(IntegrityError), transaction.atomic():
        placement.save()


def test_leaving_the_primary_team_makes_the_oldest_other_team_primary(world, care):
    teacher = membership(world.teacher, world)
    teams.add_to_team(world.leader, care, teacher)
    teams.add_to_team(world.leader, world.team_b, teacher)
    assert primary_team(world.teacher, world) == "Onderbouw"
    teams.remove_from_team(world.leader, world.team_a, teacher)
    assert primary_team(world.teacher, world) == "Zorgteam"  # placed before Bovenbouw
    assert record(care)[-1] == ("Daan Docent", "primary", "Lieke de Leider")
    assert record(world.team_a)[-1] == ("Daan Docent", "left", "Lieke de Leider")
    teams.remove_from_team(world.leader, care, teacher)
    teams.remove_from_team(world.leader, world.team_b, teacher)
    assert primary_team(world.teacher, world) is None  # no team, no primary


def test_making_a_team_primary_moves_it_and_both_teams_record_it(world):
    teacher = membership(world.teacher, world)
    teams.add_to_team(world.leader, world.team_b, teacher)
    teams.make_primary(world.leader, world.team_b, teacher)
    assert primary_team(world.teacher, world) == "Bovenbouw"
    assert record(world.team_a)[-1] == ("Daan Docent", "primary_elsewhere", "Lieke de Leider")
    assert record(world.team_b)[-2:] == [
        ("Daan Docent", "joined", "Lieke de Leider"),
        ("Daan Docent", "primary", "Lieke de Leider"),
    ]
    with pytest.raises(teams.TeamError):
        teams.make_primary(world.leader, world.team_b, teacher)


def test_only_the_leader_changes_teams(world):
    from django.core.exceptions import PermissionDenied

    for actor in (world.culture_carrier, world.teacher, world.outsider):
        with pytest.raises(PermissionDenied):
            teams.add_to_team(actor, world.team_b, membership(world.teacher2, world))
    assert not TeamChange.objects.exists()


def test_ending_a_school_membership_is_recorded_in_each_team(world, care):
    teacher = membership(world.teacher, world)
    teams.add_to_team(world.leader, care, teacher)
    services.end_membership(world.leader, teacher)
    assert record(world.team_a)[-1] == ("Daan Docent", "left", "Lieke de Leider")
    assert record(care)[-1] == ("Daan Docent", "left", "Lieke de Leider")


def test_accepting_an_invitation_records_the_inviter_as_who_placed_the_person(world, care):
    invitation = invite_to_school(
        world.leader,
        world.school,
        email="nieuw@vuurtoren.test",
        display_name="Nina Nieuw",
        role=Role.MEMBER,
        teams=[world.team_b, care],
        send=False,
    )
    accept_invitation(invitation.token, password="een-lang-wachtwoord-1")  # type: ignore[attr-defined]
    person = User.objects.get(email="nieuw@vuurtoren.test")
    assert primary_team(person, world) == "Bovenbouw"  # the first by name
    assert record(care) == [("Nina Nieuw", "joined", "Lieke de Leider")]


def test_the_record_keeps_the_name_when_the_account_is_gone(world):
    teams.add_to_team(world.leader, world.team_b, membership(world.teacher, world))
    world.teacher.delete()
    assert record(world.team_b) == [("Daan Docent", "joined", "Lieke de Leider")]


# --- the team page ---


def test_members_of_the_team_the_development_group_and_the_leader_see_the_page(world, client_for):
    teams.add_to_team(world.leader, world.team_a, membership(world.teacher2, world))
    for user in (world.teacher, world.culture_carrier, world.leader):
        client = client_for(user)
        client.cookies["dramaturg_language"] = "en"
        response = client.get(page_url(world))
        assert response.status_code == 200, user
        page = response.content.decode()
        assert "Jet van der Juf joined the team" in page
        assert "Lieke de Leider" in page  # who made the change
        assert reverse("reports:team_results", args=[world.school.slug, world.team_a.pk]) in page


def test_a_teacher_of_another_team_gets_404(world, client_for):
    # Jet is in Bovenbouw only: Onderbouw's page does not exist for her.
    client = client_for(world.teacher2)
    assert client.get(page_url(world)).status_code == 404
    assert client.get(page_url(world, world.team_b)).status_code == 200
    other = Team.objects.create(school=world.other_school, name="Elders")
    assert client_for(world.leader).get(page_url(world, other)).status_code == 404


def test_the_page_marks_primary_teams(world, client_for):
    teams.add_to_team(world.leader, world.team_b, membership(world.teacher, world))
    client = client_for(world.leader)
    client.cookies["dramaturg_language"] = "en"
    page = client.get(page_url(world, world.team_b)).content.decode()
    # Jet's primary team is this one; Daan's answers count for Onderbouw.
    assert '<th scope="row">Jet van der Juf</th>\n        <td><strong>this team</strong>' in page
    assert '<th scope="row">Daan Docent</th>\n        <td>Onderbouw</td>' in page
    assert "Make this the primary team of Daan Docent" in page


def test_the_leader_adds_makes_primary_and_removes_with_plain_forms(world, client_for):
    client = client_for(world.leader)
    client.cookies["dramaturg_language"] = "en"
    jet = membership(world.teacher2, world)
    args = [world.school.slug, world.team_a.pk]
    response = client.post(reverse("schools:team_add_member", args=args), {"membership": jet.pk})
    assert response.status_code == 302
    assert response["Location"] == page_url(world)
    assert texts(response) == ["Jet van der Juf is now in team Onderbouw."]
    response = client.post(reverse("schools:team_make_primary", args=[*args, jet.pk]))
    assert texts(response)[-1] == "Onderbouw is now the primary team of Jet van der Juf."
    assert primary_team(world.teacher2, world) == "Onderbouw"
    response = client.post(reverse("schools:team_remove_member", args=[*args, jet.pk]))
    assert texts(response)[-1] == "Jet van der Juf is no longer in team Onderbouw."
    assert primary_team(world.teacher2, world) == "Bovenbouw"
    kinds = [kind for _name, kind, _actor in record(world.team_a)]
    assert kinds == ["joined", "primary", "left"]


def test_bad_input_changes_nothing_and_says_why(world, client_for):
    client = client_for(world.leader)
    client.cookies["dramaturg_language"] = "en"
    add = reverse("schools:team_add_member", args=[world.school.slug, world.team_a.pk])
    daan = membership(world.teacher, world)
    assert texts(client.post(add, {"membership": daan.pk}))[-1] == (
        "Daan Docent is already in this team."
    )
    assert texts(client.post(add, {"membership": "abc"}))[-1] == "Choose a person from the list."
    assert texts(client.post(add, {}))[-1] == "Choose a person from the list."
    outsider = Membership.objects.get(user=world.outsider)
    assert client.post(add, {"membership": outsider.pk}).status_code == 404
    remove = reverse(
        "schools:team_remove_member",
        args=[world.school.slug, world.team_b.pk, daan.pk],
    )
    assert texts(client.post(remove))[-1] == "Daan Docent is not in this team."
    assert not TeamChange.objects.exists()


def test_team_members_and_the_development_group_cannot_change_the_team(world, client_for):
    add = reverse("schools:team_add_member", args=[world.school.slug, world.team_a.pk])
    jet = membership(world.teacher2, world)
    for user in (world.teacher, world.culture_carrier):
        assert client_for(user).post(add, {"membership": jet.pk}).status_code == 403
    page = client_for(world.teacher).get(page_url(world)).content.decode()
    assert "team_add_member" not in page
    assert "/members/add/" not in page
    assert not TeamChange.objects.exists()


def test_the_staff_list_links_to_the_team_pages_a_reader_may_open(world, client_for):
    staff = reverse("schools:staff", args=[world.school.slug])
    page = client_for(world.leader).get(staff).content.decode()
    assert page_url(world) in page
    assert page_url(world, world.team_b) in page
    page = client_for(world.teacher2).get(staff).content.decode()
    assert page_url(world, world.team_b) in page
    assert page_url(world) not in page  # Onderbouw's page would be a 404 for Jet


def test_the_change_record_is_paged(world, client_for):
    jet = membership(world.teacher2, world)
    for _n in range(26):  # 52 lines: two pages
        teams.add_to_team(world.leader, world.team_a, jet)
        teams.remove_from_team(world.leader, world.team_a, jet)
    client = client_for(world.leader)
    client.cookies["dramaturg_language"] = "en"
    first = client.get(page_url(world)).content.decode()
    assert "Page 1 of 2" in first
    second = client.get(page_url(world) + "?page=2").content.decode()
    assert "Page 2 of 2" in second
