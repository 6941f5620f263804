"""Discussing a card through its pages: comments, proposals, accepting and declining them."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse

from dramaturg.cards.models import Amendment, Comment
from dramaturg.cards.services import content, discussion
from dramaturg.cards.views.panels import discussion_context
from dramaturg.schools.models import Membership
from tests.helpers import card_url as url
from tests.helpers import english

pytestmark = pytest.mark.django_db


@pytest.fixture
def card(world):
    card = content.create_card(
        world.leader, world.school, stage="podium", title_nl="Hoge verwachtingen", team=world.team_a
    )
    content.add_goal(world.leader, card, title_nl="Elke les een helder doel")
    content.add_agreement(world.leader, card, text_nl="We starten op tijd.")
    return card


def detail(client, card) -> str:
    response = client.get(url("detail", card))
    assert response.status_code == 200
    return response.content.decode()


def propose(world, card, **overrides) -> Amendment:
    fields = {
        "kind": "goal",
        "target_id": overrides.pop("target_id", None) or card.goals.first().pk,
        "field": "title",
        "language": "nl",
        "proposed_text": "Elke les een helder en zichtbaar doel",
        "reason": "Zichtbaar helpt de leerlingen.",
    }
    return discussion.propose_amendment(world.teacher, card, **{**fields, **overrides})


def test_member_comments_on_a_goal_and_the_card_page_shows_it(world, client_for, card):
    goal = card.goals.get()
    client = client_for(world.teacher)
    response = client.post(
        url("comment", card), {"kind": "goal", "target": goal.pk, "body": "Wat is helder?"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{url('detail', card)}#discussion-goal-{goal.pk}"
    comment = Comment.objects.get()
    assert (comment.author, comment.target_kind, comment.target_id) == (
        world.teacher,
        "goal",
        goal.pk,
    )
    page = detail(client_for(world.teacher2), card)
    assert "Wat is helder?" in page
    assert "Daan Docent" in page


def test_comment_on_the_card_itself(world, client_for, card):
    response = client_for(world.teacher2).post(
        url("comment", card), {"kind": "card", "body": "Mooi begin."}
    )
    assert response["Location"].endswith(f"#discussion-card-{card.pk}")
    assert Comment.objects.get().target_id is None


def test_empty_comment_gets_a_clear_message(world, client_for, card):
    client = english(client_for(world.teacher))
    response = client.post(url("comment", card), {"kind": "card", "body": "  "}, follow=True)
    assert "Write a comment first." in response.content.decode()
    assert not Comment.objects.exists()


def test_comment_on_an_item_of_another_card_is_refused(world, client_for, card):
    other = content.create_card(world.leader, world.school, stage="audience", title_nl="Ander")
    foreign_goal = content.add_goal(world.leader, other, title_nl="Ander doel")
    client = english(client_for(world.teacher))
    response = client.post(
        url("comment", card),
        {"kind": "goal", "target": foreign_goal.pk, "body": "Hier?"},
        follow=True,
    )
    assert "That part of the card no longer exists." in response.content.decode()
    assert not Comment.objects.exists()


def test_propose_form_shows_the_current_text_and_sends_the_proposal(world, client_for, card):
    goal = card.goals.get()
    client = english(client_for(world.teacher))
    query = {"kind": "goal", "target": goal.pk, "field": "title", "language": "nl"}
    page = client.get(url("propose", card), query)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Elke les een helder doel" in html  # the current text, shown and prefilled
    assert 'name="proposed_text"' in html
    response = client.post(
        url("propose", card),
        {
            "kind": "goal",
            "target": goal.pk,
            "field": "title",
            "language": "nl",
            "proposed_text": "Elke les een helder en zichtbaar doel",
            "reason": "Zichtbaar helpt.",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#discussion-goal-{goal.pk}")
    amendment = Amendment.objects.get()
    assert amendment.author == world.teacher
    assert amendment.original_text == "Elke les een helder doel"
    assert amendment.status == Amendment.Status.OPEN
    page = detail(english(client_for(world.leader)), card)
    assert "Proposal by Daan Docent" in page
    assert "Elke les een helder en zichtbaar doel" in page


def test_proposal_in_english_of_an_agreement(world, client_for, card):
    agreement = card.agreements.get()
    client_for(world.teacher).post(
        url("propose", card),
        {
            "kind": "agreement",
            "target": agreement.pk,
            "field": "text",
            "language": "en",
            "proposed_text": "We start on time.",
            "reason": "Our English colleagues.",
        },
    )
    amendment = Amendment.objects.get()
    assert (amendment.target_kind, amendment.language, amendment.original_text) == (
        "agreement",
        "en",
        "",
    )


def test_proposal_needs_a_reason_and_keeps_what_was_typed(world, client_for, card):
    goal = card.goals.get()
    client = english(client_for(world.teacher))
    response = client.post(
        url("propose", card),
        {
            "kind": "goal",
            "target": goal.pk,
            "field": "title",
            "language": "nl",
            "proposed_text": "Mijn nieuwe doeltekst",
            "reason": "",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "This field is required." in html
    assert "Mijn nieuwe doeltekst" in html
    assert not Amendment.objects.exists()


def test_a_field_that_cannot_be_amended_is_refused(world, client_for, card):
    response = client_for(world.teacher).post(
        url("propose", card),
        {
            "kind": "card",
            "field": "state",
            "language": "nl",
            "proposed_text": "adopted",
            "reason": "Klaar.",
        },
    )
    assert response.status_code == 200
    assert not Amendment.objects.exists()


def test_accepting_changes_the_draft_and_credits_the_proposer(world, client_for, card):
    amendment = propose(world, card)
    client = english(client_for(world.culture_carrier))
    response = client.post(url("amendment_accept", card, amendment.pk), follow=True)
    html = response.content.decode()
    assert "The proposal by Daan Docent is now in the draft." in html
    assert card.goals.get().title_nl == "Elke les een helder en zichtbaar doel"
    amendment.refresh_from_db()
    assert (amendment.status, amendment.author, amendment.decided_by) == (
        "accepted",
        world.teacher,
        world.culture_carrier,
    )
    page = detail(english(client_for(world.teacher2)), card)
    assert "Proposal by Daan Docent" in page
    assert "Accepted by Otto Ontwikkel" in page


def test_declining_requires_a_reason_that_the_proposer_sees(world, client_for, card):
    amendment = propose(world, card)
    leader = english(client_for(world.leader))
    response = leader.post(
        url("amendment_decline", card, amendment.pk), {"reason": " "}, follow=True
    )
    assert "Give the proposer a reason for declining." in response.content.decode()
    amendment.refresh_from_db()
    assert amendment.status == "open"

    leader.post(
        url("amendment_decline", card, amendment.pk), {"reason": "Helder is al zichtbaar genoeg."}
    )
    amendment.refresh_from_db()
    assert (amendment.status, amendment.decision_reason) == (
        "declined",
        "Helder is al zichtbaar genoeg.",
    )
    assert card.goals.get().title_nl == "Elke les een helder doel"
    page = detail(english(client_for(world.teacher)), card)
    assert "Declined by Lieke de Leider" in page
    assert "Helder is al zichtbaar genoeg." in page


def test_a_teacher_cannot_accept_or_decline(world, client_for, card):
    amendment = propose(world, card)
    client = client_for(world.teacher2)
    assert client.post(url("amendment_accept", card, amendment.pk)).status_code == 403
    assert (
        client.post(url("amendment_decline", card, amendment.pk), {"reason": "x"}).status_code
        == 403
    )
    amendment.refresh_from_db()
    assert amendment.status == "open"


def test_a_teacher_sees_no_accept_button(world, client_for, card):
    amendment = propose(world, card)
    accept = url("amendment_accept", card, amendment.pk)
    assert accept not in detail(client_for(world.teacher2), card)
    assert accept in detail(client_for(world.culture_carrier), card)


def test_accepting_twice_gives_a_message_not_an_error(world, client_for, card):
    amendment = propose(world, card)
    client = english(client_for(world.leader))
    client.post(url("amendment_accept", card, amendment.pk))
    response = client.post(url("amendment_accept", card, amendment.pk), follow=True)
    assert response.status_code == 200
    assert "This proposal has already been decided." in response.content.decode()


def test_no_proposals_on_an_adopted_card(world, client_for, card):
    from dramaturg.cards.services import consent

    consent_round = consent.open_round(world.leader, card)
    consent.answer(world.teacher, consent_round, "consent")
    consent.answer(world.culture_carrier, consent_round, "consent")
    client = english(client_for(world.teacher))
    response = client.get(url("propose", card), {"kind": "card"}, follow=True)
    assert "Start a new draft to change an adopted card." in response.content.decode()
    assert url("propose", card) not in detail(client, card)


def test_amendment_of_another_schools_card_is_404(world, client_for, card):
    foreign = content.create_card(
        world.outsider, world.other_school, stage="podium", title_nl="Elders"
    )
    foreign_amendment = discussion.propose_amendment(
        world.outsider,
        foreign,
        kind="card",
        target_id=None,
        field="title",
        language="nl",
        proposed_text="Gekaapt",
        reason="Test",
    )
    client = client_for(world.leader)
    for name in ("amendment_accept", "amendment_decline"):
        # Our card with their amendment, and their card under our school: both unknown here.
        assert (
            client.post(url(name, card, foreign_amendment.pk), {"reason": "x"}).status_code == 404
        )
        other = reverse(f"cards:{name}", args=[world.school.slug, foreign.pk, foreign_amendment.pk])
        assert client.post(other, {"reason": "x"}).status_code == 404
    foreign_amendment.refresh_from_db()
    assert foreign_amendment.status == "open"
    assert foreign.title_nl == "Elders"


def test_discussion_panels_take_few_queries_whatever_the_size(
    world, card, django_assert_max_num_queries
):
    for n in range(6):
        goal = content.add_goal(world.leader, card, title_nl=f"Doel {n}")
        discussion.add_comment(world.teacher, card, f"Opmerking {n}", "goal", goal.pk)
        propose(world, card, target_id=goal.pk, proposed_text=f"Doel {n}!")
    request = RequestFactory().get("/")
    request.user = world.leader
    request.school = world.school
    request.membership = Membership.objects.get(user=world.leader, school=world.school)
    with django_assert_max_num_queries(6):
        context = discussion_context(request, card)
    threads = context["discussion"].threads
    goal = card.goals.last()
    assert [c.body for c in threads["goal"][goal.pk].comments] == ["Opmerking 5"]
    assert [a.proposed_text for a in threads["goal"][goal.pk].amendments] == ["Doel 5!"]
