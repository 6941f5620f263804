"""Consent rounds through the pages: open, answer, object, withdraw, close, adopt."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dramaturg.cards.models import Card, ConsentAnswer, ConsentRound
from dramaturg.cards.services import consent, content
from tests.helpers import card_url as url
from tests.helpers import english

pytestmark = pytest.mark.django_db


@pytest.fixture
def card(world):
    """A card of team A: the culture carrier and a teacher answer, two answers are needed."""
    card = content.create_card(
        world.leader,
        world.school,
        stage="dressing_room",
        title_nl="Onze kleedkamer",
        team=world.team_a,
    )
    content.add_agreement(world.leader, card, text_nl="We delen elke week één vraag.")
    return card


def page(client, card) -> str:
    response = client.get(url("detail", card))
    assert response.status_code == 200
    return response.content.decode()


def test_the_whole_round_through_the_pages(world, client_for, card):
    leader = english(client_for(world.leader))
    teacher = english(client_for(world.teacher))
    carrier = english(client_for(world.culture_carrier))

    response = leader.post(url("round_open", card))
    assert response["Location"] == f"{url('detail', card)}#consent"
    first = card.rounds.get()
    assert (first.number, first.eligible, first.required) == (1, 2, 2)
    html = page(teacher, card)
    assert "0 answered · 2 answers needed · 2 members can answer" in html
    assert url("round_answer", card, first.pk) in html

    teacher.post(url("round_answer", card, first.pk), {"answer": "consent"})
    carrier.post(
        url("round_answer", card, first.pk),
        {"answer": "object", "reason": "Eén vraag per week is te weinig."},
    )
    card.refresh_from_db()
    assert card.state == Card.State.CONSENT  # quorum met, but an objection is open
    html = page(leader, card)
    assert "2 answered" in html
    assert "Otto Ontwikkel" in html
    assert "Eén vraag per week is te weinig." in html
    assert url("round_close", card, first.pk) in html

    response = leader.post(url("round_close", card, first.pk), follow=True)
    assert "The round is closed without adoption." in response.content.decode()
    card.refresh_from_db()
    assert card.state == Card.State.DISCUSSION
    agreement = card.agreements.get()
    content.update_item(
        world.leader, agreement, agreement.revision, {"text_nl": "We delen elke week twee vragen."}
    )

    leader.post(url("round_open", card))
    second = card.rounds.get(number=2)
    teacher.post(url("round_answer", card, second.pk), {"answer": "consent"})
    response = carrier.post(
        url("round_answer", card, second.pk), {"answer": "consent"}, follow=True
    )
    assert "The team has adopted this card: version 1." in response.content.decode()

    card.refresh_from_db()
    assert (card.state, card.adopted_version) == (Card.State.ADOPTED, 1)
    html = page(teacher, card)
    assert "adopted (v1)" in html
    assert "Daan Docent — consented" in html
    assert "Otto Ontwikkel — consented" in html
    version = card.versions.get()
    assert version.snapshot["agreements"][0]["text"]["nl"] == "We delen elke week twee vragen."
    first.refresh_from_db()
    assert first.outcome == ConsentRound.Outcome.CLOSED


def test_a_member_cannot_answer_for_another(world, client_for, card):
    consent_round = consent.open_round(world.leader, card)
    client_for(world.teacher).post(
        url("round_answer", card, consent_round.pk),
        {"answer": "object", "reason": "Nee.", "user": world.culture_carrier.pk},
    )
    client_for(world.teacher).post(
        url("round_answer", card, consent_round.pk),
        {"answer": "consent", "user_id": world.culture_carrier.pk},
    )
    answers = list(consent_round.answers.values_list("user_id", "answer"))
    assert answers == [(world.teacher.pk, "consent")]


def test_answering_a_closed_round_gives_a_clear_message(world, client_for, card):
    consent_round = consent.open_round(world.leader, card)
    consent.close_round(world.leader, consent_round)
    client = english(client_for(world.teacher))
    response = client.post(
        url("round_answer", card, consent_round.pk), {"answer": "consent"}, follow=True
    )
    assert response.status_code == 200
    assert "This consent round is closed." in response.content.decode()
    assert not consent_round.answers.exists()


def test_an_objection_without_a_reason_gets_a_message(world, client_for, card):
    consent_round = consent.open_round(world.leader, card)
    client = english(client_for(world.teacher))
    response = client.post(
        url("round_answer", card, consent_round.pk), {"answer": "object", "reason": ""}, follow=True
    )
    assert "An objection needs a reason" in response.content.decode()
    assert not consent_round.answers.exists()


def test_withdrawing_an_objection_through_the_page_can_adopt(world, client_for, card):
    consent_round = consent.open_round(world.leader, card)
    consent.answer(world.culture_carrier, consent_round, "consent")
    teacher = english(client_for(world.teacher))
    teacher.post(
        url("round_answer", card, consent_round.pk), {"answer": "object", "reason": "Nog niet."}
    )
    assert url("round_withdraw", card, consent_round.pk) in page(teacher, card)
    response = teacher.post(url("round_withdraw", card, consent_round.pk), follow=True)
    html = response.content.decode()
    assert "You have withdrawn your objection" in html
    assert "The team has adopted this card: version 1." in html
    objection = ConsentAnswer.objects.get(user=world.teacher)
    assert objection.reason == "Nog niet."
    assert objection.withdrawn_at is not None


def test_withdrawing_without_an_objection_gets_a_message(world, client_for, card):
    consent_round = consent.open_round(world.leader, card)
    client = english(client_for(world.teacher))
    response = client.post(url("round_withdraw", card, consent_round.pk), follow=True)
    assert "You have no open objection in this round." in response.content.decode()


def test_only_the_leader_opens_and_closes_rounds(world, client_for, card):
    carrier = client_for(world.culture_carrier)
    assert carrier.post(url("round_open", card)).status_code == 403
    assert not card.rounds.exists()
    consent_round = consent.open_round(world.leader, card)
    assert carrier.post(url("round_close", card, consent_round.pk)).status_code == 403
    consent_round.refresh_from_db()
    assert consent_round.is_open
    html = page(carrier, card)
    assert url("round_close", card, consent_round.pk) not in html


def test_opening_a_second_round_gets_a_message(world, client_for, card):
    consent.open_round(world.leader, card)
    leader = english(client_for(world.leader))
    response = leader.post(url("round_open", card), follow=True)
    assert "This card cannot be changed now" in response.content.decode()
    assert card.rounds.count() == 1


def test_a_member_outside_the_team_gets_no_answer_form(world, client_for, card):
    consent_round = consent.open_round(world.leader, card)
    outsider_in_school = english(client_for(world.teacher2))  # team B
    html = page(outsider_in_school, card)
    assert url("round_answer", card, consent_round.pk) not in html
    response = outsider_in_school.post(
        url("round_answer", card, consent_round.pk), {"answer": "consent"}, follow=True
    )
    assert "Only members of this card" in response.content.decode()
    assert not consent_round.answers.exists()


def test_a_round_of_another_schools_card_is_404(world, client_for, card):
    foreign = content.create_card(
        world.outsider, world.other_school, stage="podium", title_nl="Elders"
    )
    foreign_round = consent.open_round(world.outsider, foreign)
    client = client_for(world.leader)
    for name in ("round_answer", "round_withdraw", "round_close", "round_detail"):
        method = client.get if name == "round_detail" else client.post
        assert method(url(name, card, foreign_round.pk), {"answer": "consent"}).status_code == 404
        other = reverse(f"cards:{name}", args=[world.school.slug, foreign.pk, foreign_round.pk])
        assert method(other, {"answer": "consent"}).status_code == 404
    foreign_round.refresh_from_db()
    assert foreign_round.is_open
    assert not foreign_round.answers.exists()
