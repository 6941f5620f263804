"""Versions, rounds' drafts, comparing them, and the school's page of adopted agreements."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dramaturg.cards.services import consent, content
from tests.helpers import card_url as url
from tests.helpers import english

pytestmark = pytest.mark.django_db


def adopt(world, card):
    consent_round = consent.open_round(world.leader, card)
    consent.answer(world.teacher, consent_round, "consent")
    consent.answer(world.culture_carrier, consent_round, "abstain")
    card.refresh_from_db()
    return consent_round


@pytest.fixture
def card(world):
    card = content.create_card(
        world.leader,
        world.school,
        stage="dressing_room",
        title_nl="Onze kleedkamer",
        title_en="Our dressing room",
        team=world.team_a,
    )
    content.add_agreement(world.leader, card, text_nl="We delen elke week één vraag.")
    return card


@pytest.fixture
def amended(world, card):
    """Round 1 met an objection and was closed; the agreement was amended; round 2 adopted."""
    first = consent.open_round(world.leader, card)
    consent.answer(world.teacher, first, "object", "Eén is te weinig.")
    consent.close_round(world.leader, first)
    agreement = card.agreements.get()
    content.update_item(
        world.leader, agreement, agreement.revision, {"text_nl": "We delen elke week twee vragen."}
    )
    adopt(world, card)
    return card


def test_versions_page_lists_versions_with_participants_and_rounds(world, client_for, amended):
    response = english(client_for(world.teacher2)).get(url("versions", amended))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Version 1" in html
    assert "Daan Docent (consented)" in html
    assert "Otto Ontwikkel (abstained)" in html
    first, second = amended.rounds.order_by("number")
    assert url("round_detail", amended, first.pk) in html
    assert url("round_detail", amended, second.pk) in html
    assert "closed without adoption" in html


def test_round_draft_shows_the_frozen_text_and_the_objection(world, client_for, amended):
    first = amended.rounds.get(number=1)
    html = english(client_for(world.teacher)).get(url("round_detail", amended, first.pk))
    html = html.content.decode()
    assert "We delen elke week één vraag." in html
    assert "twee vragen" not in html
    assert "Eén is te weinig." in html


def test_version_detail_is_read_only_and_survives_a_new_draft(world, client_for, amended):
    leader = english(client_for(world.leader))
    response = leader.get(url("version_detail", amended, 1))
    html = response.content.decode()
    assert "An adopted version cannot be changed" in html
    assert "Our dressing room" in html  # the reader's language
    assert "We delen elke week twee vragen." in html
    assert reverse("cards:new_draft", args=[world.school.slug, amended.pk]) in html
    # Only reading: a POST does not change anything and is refused.
    assert leader.post(url("version_detail", amended, 1)).status_code == 405
    # A teacher may read it but gets no button to start a new draft.
    teacher_html = client_for(world.teacher).get(url("version_detail", amended, 1)).content
    assert reverse("cards:new_draft", args=[world.school.slug, amended.pk]) not in (
        teacher_html.decode()
    )

    content.start_new_draft(world.leader, amended)
    agreement = amended.agreements.get()
    content.update_item(world.leader, agreement, agreement.revision, {"text_nl": "Iets anders."})
    html = leader.get(url("version_detail", amended, 1)).content.decode()
    assert "We delen elke week twee vragen." in html
    assert "Iets anders." not in html
    assert leader.get(url("version_detail", amended, 2)).status_code == 404


def test_compare_shows_the_amendment_word_by_word(world, client_for, amended):
    response = english(client_for(world.teacher)).get(
        url("compare", amended), {"a": "r1", "b": "r2"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<del>één vraag.</del>" in html
    assert "<ins>twee vragen.</ins>" in html
    assert "changed" in html  # a text label, not only colour
    assert "1 line changed." in html


def test_compare_a_version_with_the_current_draft(world, client_for, amended):
    content.start_new_draft(world.leader, amended)
    content.add_agreement(world.leader, amended, text_nl="We vieren wat lukt.")
    client = english(client_for(world.teacher))
    html = client.get(url("compare", amended)).content.decode()  # default: latest version → now
    assert '<option value="v1" selected>' in html
    assert '<option value="current" selected>' in html
    assert "<ins>We vieren wat lukt.</ins>" in html
    only = client.get(url("compare", amended), {"a": "v1", "b": "current", "only": "1"})
    assert "Agreement 1" not in only.content.decode()  # unchanged lines are left out


def test_compare_with_an_unknown_text_gets_a_message(world, client_for, amended):
    client = english(client_for(world.teacher))
    response = client.get(url("compare", amended), {"a": "r9", "b": "current"})
    assert response.status_code == 200
    assert "Choose two texts of this card to compare." in response.content.decode()


def test_agreements_page_shows_only_adopted_agreements_grouped_by_stage(world, client_for, card):
    adopt(world, card)  # team A, dressing room
    school_card = content.create_card(
        world.leader, world.school, stage="podium", title_nl="Lessen voor iedereen"
    )
    content.add_agreement(world.leader, school_card, text_nl="Elke les begint met het doel.")
    first = consent.open_round(world.leader, school_card)
    for person in (world.leader, world.culture_carrier, world.teacher):
        consent.answer(person, first, "consent")
    draft = content.create_card(world.leader, world.school, stage="wings", title_nl="Studiedagen")
    content.add_agreement(world.leader, draft, text_nl="Nog maar een concept.")
    # A new draft of an adopted card: the page keeps showing the adopted text.
    content.start_new_draft(world.leader, card)
    agreement = card.agreements.get()
    content.update_item(
        world.leader, agreement, agreement.revision, {"text_nl": "Nog niet besloten."}
    )

    response = english(client_for(world.teacher2)).get(
        reverse("cards:agreements", args=[world.school.slug])
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Our agreements" in html
    assert "We delen elke week één vraag." in html
    assert "Elke les begint met het doel." in html
    assert "Nog maar een concept." not in html
    assert "Nog niet besloten." not in html
    # The whole school first with its podium card, then team A with its dressing-room card.
    html = html[html.index('<section id="school"') :]
    order = [
        html.index(text)
        for text in (
            "Whole school",
            "Podium",
            "Elke les begint met het doel.",
            "Onderbouw",
            "Dressing room",
            "We delen elke week één vraag.",
        )
    ]
    assert order == sorted(order)


def test_school_home_links_to_the_agreements(world, client_for):
    html = client_for(world.teacher).get(reverse("schools:home", args=[world.school.slug]))
    assert reverse("cards:agreements", args=[world.school.slug]) in html.content.decode()


def test_a_version_of_another_schools_card_is_404(world, client_for, card):
    foreign = content.create_card(world.outsider, world.other_school, stage="podium", title_nl="X")
    client = client_for(world.leader)
    for name, args in (
        ("versions", []),
        ("version_detail", [1]),
        ("compare", []),
    ):
        assert (
            client.get(
                reverse(f"cards:{name}", args=[world.school.slug, foreign.pk, *args])
            ).status_code
            == 404
        )
