"""Consent rounds: quorum, objections, adoption into immutable versions."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from dramaturg.cards.errors import CardError, NotEditable, RoundError
from dramaturg.cards.models import Card, CardVersion, ConsentAnswer
from dramaturg.cards.services import consent, content
from dramaturg.schools.models import Quorum

pytestmark = pytest.mark.django_db
CONSENT, OBJECT, ABSTAIN = "consent", "object", "abstain"


@pytest.fixture
def card(world):
    """A card of team A (culture carrier + teacher), so the round has two eligible members."""
    card = content.create_card(
        world.leader,
        world.school,
        stage="dressing_room",
        title_nl="Onze kleedkamer",
        team=world.team_a,
    )
    content.add_goal(world.leader, card, title_nl="Iedereen durft te vragen")
    content.add_agreement(world.leader, card, text_nl="We delen elke week één vraag.")
    return card


@pytest.mark.parametrize(
    ("quorum", "eligible", "required"),
    [("2/3", 3, 2), ("2/3", 30, 20), ("2/3", 31, 21), ("1/2", 5, 3), ("1/1", 7, 7), ("3/4", 1, 1)],
)
def test_quorum_is_rounded_up(quorum, eligible, required):
    assert Quorum.required(quorum, eligible) == required


def test_team_card_counts_the_team_members(world, card):
    assert set(consent.eligible_members(card)) == {world.culture_carrier, world.teacher}
    consent_round = consent.open_round(world.leader, card)
    assert (consent_round.eligible, consent_round.required) == (2, 2)


def test_only_the_leader_opens_a_round(world, card):
    with pytest.raises(PermissionDenied):
        consent.open_round(world.culture_carrier, card)


def test_card_is_frozen_while_the_round_runs(world, card):
    consent.open_round(world.leader, card)
    card.refresh_from_db()
    assert card.state == Card.State.CONSENT
    with pytest.raises(NotEditable):
        content.update_item(world.leader, card, card.revision, {"title_nl": "Anders"})
    with pytest.raises(NotEditable):
        content.add_goal(world.leader, card, title_nl="Nog een doel")


def test_objection_needs_a_reason(world, card):
    consent_round = consent.open_round(world.leader, card)
    with pytest.raises(CardError):
        consent.answer(world.teacher, consent_round, OBJECT, "   ")
    assert not consent_round.answers.exists()


def test_member_outside_the_team_cannot_answer(world, card):
    consent_round = consent.open_round(world.leader, card)
    with pytest.raises(CardError):
        consent.answer(world.teacher2, consent_round, CONSENT)


def test_outsider_cannot_answer(world, card):
    consent_round = consent.open_round(world.leader, card)
    with pytest.raises(PermissionDenied):
        consent.answer(world.outsider, consent_round, CONSENT)


def test_adopted_when_quorum_answered_and_no_objection_open(world, card):
    consent_round = consent.open_round(world.leader, card)
    consent.answer(world.teacher, consent_round, CONSENT)
    card.refresh_from_db()
    assert card.state == Card.State.CONSENT  # 1 of 2 required
    consent.answer(world.culture_carrier, consent_round, ABSTAIN)
    card.refresh_from_db()
    assert card.state == Card.State.ADOPTED
    assert card.adopted_version == 1
    version = CardVersion.objects.get(card=card)
    assert version.number == 1
    assert version.snapshot["title"]["nl"] == "Onze kleedkamer"
    assert [p["name"] for p in version.participants] == ["Daan Docent", "Otto Ontwikkel"]
    consent_round.refresh_from_db()
    assert consent_round.outcome == "adopted"


def test_open_objection_blocks_until_withdrawn(world, card):
    consent_round = consent.open_round(world.leader, card)
    consent.answer(world.teacher, consent_round, OBJECT, "Eén vraag per week is te weinig.")
    consent.answer(world.culture_carrier, consent_round, CONSENT)
    card.refresh_from_db()
    assert card.state == Card.State.CONSENT
    consent.withdraw_objection(world.teacher, consent_round)
    card.refresh_from_db()
    assert card.state == Card.State.ADOPTED
    objection = ConsentAnswer.objects.get(user=world.teacher)
    assert objection.reason == "Eén vraag per week is te weinig."
    assert objection.withdrawn_at is not None


def test_leader_amends_after_objection_and_a_new_round_adopts(world, card):
    first = consent.open_round(world.leader, card)
    consent.answer(world.teacher, first, OBJECT, "Maak het twee vragen.")
    consent.close_round(world.leader, first)
    card.refresh_from_db()
    agreement = card.agreements.get()
    content.update_item(
        world.leader, agreement, agreement.revision, {"text_nl": "We delen elke week twee vragen."}
    )
    second = consent.open_round(world.leader, card)
    assert second.number == 2
    consent.answer(world.teacher, second, CONSENT)
    consent.answer(world.culture_carrier, second, CONSENT)
    card.refresh_from_db()
    assert card.state == Card.State.ADOPTED
    version = card.versions.get()
    assert version.snapshot["agreements"][0]["text"]["nl"] == "We delen elke week twee vragen."
    # The first round's objection is on record, and its snapshot still holds the old text.
    first.refresh_from_db()
    assert first.outcome == "closed"
    assert first.snapshot["agreements"][0]["text"]["nl"] == "We delen elke week één vraag."


def test_answering_a_closed_round_is_refused(world, card):
    consent_round = consent.open_round(world.leader, card)
    consent.close_round(world.leader, consent_round)
    with pytest.raises(RoundError):
        consent.answer(world.teacher, consent_round, CONSENT)


def test_adopted_version_is_immutable_and_a_new_draft_starts_from_it(world, card):
    consent_round = consent.open_round(world.leader, card)
    consent.answer(world.teacher, consent_round, CONSENT)
    consent.answer(world.culture_carrier, consent_round, CONSENT)
    card.refresh_from_db()
    with pytest.raises(NotEditable):
        content.update_item(world.leader, card, card.revision, {"title_nl": "Anders"})
    content.start_new_draft(world.leader, card)
    card.refresh_from_db()
    content.update_item(world.leader, card, card.revision, {"title_nl": "Onze kleedkamer 2.0"})
    version = card.versions.get(number=1)
    assert version.snapshot["title"]["nl"] == "Onze kleedkamer"
    second = consent.open_round(world.leader, card)
    consent.answer(world.teacher, second, CONSENT)
    consent.answer(world.culture_carrier, second, CONSENT)
    card.refresh_from_db()
    assert card.adopted_version == 2
    assert list(card.versions.values_list("number", flat=True)) == [1, 2]


def test_changing_an_answer_replaces_it(world, card):
    consent_round = consent.open_round(world.leader, card)
    consent.answer(world.teacher, consent_round, OBJECT, "Nog niet.")
    consent.answer(world.teacher, consent_round, ABSTAIN)
    assert consent_round.answers.count() == 1
    assert consent_round.answers.get().answer == ABSTAIN


def test_accepting_a_proposal_never_overwrites_a_later_edit(world, card):
    from dramaturg.cards.services import discussion

    goal = card.goals.get()
    proposal = discussion.propose_amendment(
        world.teacher,
        card,
        kind="goal",
        target_id=goal.pk,
        field="title",
        language="nl",
        proposed_text="Iedereen durft hulp te vragen",
        reason="Concreter.",
    )
    content.update_item(world.culture_carrier, goal, goal.revision, {"title_nl": "Later edit"})
    with pytest.raises(CardError):
        discussion.accept_amendment(world.leader, proposal)
    goal.refresh_from_db()
    assert goal.title_nl == "Later edit"
    proposal.refresh_from_db()
    assert proposal.status == "open"
