"""With whom am I pooled, and "this group is not right".

Before answering, a staff member reads whose answers theirs are combined with: the people whose
one link of the round is filed under the same team. A padded team (addresses the leader
controls plus one colleague) shows the colleague names they do not know, and they can refuse
the group instead of answering. The dispute is counted on the team, once per person, without
a name, and the leader and the development group see the count on the round page.
"""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from dramaturg.schools import teams
from dramaturg.schools.models import Membership, Team
from dramaturg.surveys.models import Participation, Response, RoundTarget
from dramaturg.surveys.results import round_results
from dramaturg.surveys.services import close_round
from tests.helpers import english
from tests.personas import join, make_user
from tests.survey_helpers import answer_all, personal_links, staff_round

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


@pytest.fixture
def padded(world):
    """The leader's attack: a new team of four addresses the leader controls, plus Jet."""
    team = Team.objects.create(school=world.school, name="Projectgroep")
    jet = Membership.objects.get(user=world.teacher2, school=world.school)
    for n in range(4):
        fake = make_user(f"stroman{n}@vuurtoren.test", f"Stroman {n}")
        join(fake, world.school, "member")
        teams.add_to_team(world.leader, team, Membership.objects.get(user=fake))
    teams.add_to_team(world.leader, team, jet)
    teams.make_primary(world.leader, team, jet)
    return team


def test_the_introduction_names_the_colleagues_the_answers_are_pooled_with(world, padded):
    round_ = staff_round(world, [padded, world.team_b])
    links = personal_links(round_)
    page = text(english(world_client()).get(links[world.teacher2.pk]))
    assert (
        "Your answers count for team Projectgroep, together with those of 4 colleagues: "
        "Stroman 0, Stroman 1, Stroman 2 and Stroman 3." in page
    )
    assert 'formaction="/answer/' in page
    assert "This group is not right" in page
    dutch = text(world_client().get(links[world.teacher2.pk]))
    assert (
        "Uw antwoorden tellen mee voor team Projectgroep, samen met die van 4 collega's: "
        "Stroman 0, Stroman 1, Stroman 2 en Stroman 3." in dutch
    )


def test_one_colleague_and_none_read_naturally(world):
    round_ = staff_round(world, [world.team_a, world.team_b])
    links = personal_links(round_)
    page = text(english(world_client()).get(links[world.teacher.pk]))
    assert (
        "Your answers count for team Onderbouw, together with those of 1 colleague: "
        "Otto Ontwikkel." in page
    )
    page = text(english(world_client()).get(links[world.teacher2.pk]))
    assert "Your answers count for team Bovenbouw. Nobody else in this team was asked" in page


def test_saying_the_group_is_not_right_records_it_once_and_stores_no_answer(world, padded):
    round_ = staff_round(world, [padded])
    links = personal_links(round_)
    group_url = links[world.teacher2.pk] + "group/"
    client = english(world_client())
    response = client.post(group_url)
    assert response.status_code == 200
    page = text(response)
    assert "Thank you for telling us" in page
    assert (
        "The development group and the school leader will see that someone in team "
        "Projectgroep said this group is not right. They will not see your name." in page
    )
    assert "You do not need to answer this questionnaire." in page
    assert "Jet" not in page
    client.post(group_url)  # a second click, a refresh: still one
    target = RoundTarget.objects.get(round=round_)
    assert target.disputes == 1
    jet = Participation.objects.get(target__round=round_, user=world.teacher2)
    assert jet.disputed
    assert not jet.answered
    assert not Response.objects.exists()
    # The introduction now says it was done, and offers no second button.
    page = text(client.get(links[world.teacher2.pk]))
    assert "You said this group is not right" in page
    assert "formaction" not in page


def test_the_group_button_needs_post_and_a_valid_open_link(world, padded):
    round_ = staff_round(world, [padded])
    links = personal_links(round_)
    client = world_client()
    assert client.get(links[world.teacher2.pk] + "group/").status_code == 405
    assert client.post("/answer/not-a-real-token/group/").status_code == 404
    round_.closed_early_on = round_.opens_on
    round_.save(update_fields=["closed_early_on"])
    assert client.post(links[world.teacher2.pk] + "group/").status_code == 410
    assert RoundTarget.objects.get(round=round_).disputes == 0


def test_someone_who_answered_cannot_dispute_afterwards(world):
    round_ = staff_round(world, [world.team_a])
    links = personal_links(round_)
    client = world_client()
    assert answer_all(client, links[world.teacher.pk]).status_code == 302
    response = client.post(links[world.teacher.pk] + "group/")
    assert response.status_code == 200  # the "already answered" page
    assert RoundTarget.objects.get(round=round_).disputes == 0


def test_the_round_page_shows_disputes_per_team_without_names(world, padded, client_for):
    round_ = staff_round(world, [padded, world.team_a])
    links = personal_links(round_)
    world_client().post(links[world.teacher2.pk] + "group/")
    url = reverse("surveys:round_detail", args=[world.school.slug, round_.pk])
    team_page = reverse("schools:team", args=[world.school.slug, padded.pk]) + "#changes"
    for user in (world.leader, world.culture_carrier):
        page = text(english(client_for(user)).get(url))
        assert "Projectgroep: 1 person said this group is not right." in page
        assert f'href="{team_page}"' in page
        assert "Jet" not in page
        assert "Onderbouw: " not in page  # no dispute there, no line
    # The team's record shows who built the group, for Jet and the development group alike.
    record = text(english(client_for(world.teacher2)).get(team_page.split("#")[0]))
    assert "Stroman 0 joined the team" in record
    assert "Lieke de Leider" in record


def test_no_reminder_goes_to_someone_who_disputed(
    world, padded, django_capture_on_commit_callbacks
):
    from django.core import mail

    from dramaturg.surveys.services import remind

    round_ = staff_round(world, [padded])
    links = personal_links(round_)
    world_client().post(links[world.teacher2.pk] + "group/")
    with django_capture_on_commit_callbacks(execute=True):
        assert remind(world.leader, round_) == 4
    assert world.teacher2.email not in [m.to[0] for m in mail.outbox]


def world_client():
    from django.test import Client

    return Client()


def test_a_disputed_team_shows_no_figure_and_says_why(world, client_for):
    # Two teams of nine and six; five answer in each, and in the first a sixth person says
    # the group is not right. When the round closes the second team shows its rate and
    # figures, the first nothing, and the page says why.
    middle = Team.objects.create(school=world.school, name="Middenbouw")
    first = [make_user(f"lid{n}@vuurtoren.test", f"Lid {n}") for n in range(7)]
    second = [make_user(f"midden{n}@vuurtoren.test", f"Midden {n}") for n in range(6)]
    for user in first:
        join(user, world.school, "member", world.team_a)
    for user in second:
        join(user, world.school, "member", middle)
    round_ = staff_round(world, [world.team_a, middle])
    links = personal_links(round_)
    for user in [*first[:5], *second[:5]]:
        assert answer_all(world_client(), links[user.pk]).status_code == 302
    world_client().post(links[first[6].pk] + "group/")
    close_round(world.leader, round_)
    url = reverse("surveys:round_detail", args=[world.school.slug, round_.pk])
    page = text(english(client_for(world.leader)).get(url))
    assert "5 of 6 (83%)" in page
    assert "5 of 9" not in page
    assert "Reason: someone in the team said the group is not right." in page
    found = round_results(round_)
    disputed = found.target_of_team(world.team_a.pk)
    shown = found.target_of_team(middle.pk)
    assert (disputed.answered, disputed.hidden) == (None, "disputed")
    assert (shown.answered, shown.hidden) == (5, None)
    assert all(scale.groups[disputed.id].suppressed for scale in found.scales)
    assert not any(scale.groups[shown.id].suppressed for scale in found.scales)
