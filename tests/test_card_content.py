"""Editing a card's content: optimistic locking, ordering, templates and the diff."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from dramaturg.cards.errors import CardError, EditConflict
from dramaturg.cards.services import content
from dramaturg.cards.snapshot import compare, take_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def card(world):
    return content.create_card(
        world.leader, world.school, stage="podium", title_nl="Hoge verwachtingen"
    )


def test_second_save_of_the_same_item_is_refused_and_keeps_both_texts(world, card):
    goal = content.add_goal(world.leader, card, title_nl="Elke les een helder doel")
    opened_by_both = goal.revision
    content.update_item(world.leader, goal, opened_by_both, {"title_nl": "Tekst van Lieke"})
    with pytest.raises(EditConflict) as conflict:
        content.update_item(
            world.culture_carrier, goal, opened_by_both, {"title_nl": "Tekst van Otto"}
        )
    assert conflict.value.current.title_nl == "Tekst van Lieke"
    assert conflict.value.yours == {"title_nl": "Tekst van Otto"}
    goal.refresh_from_db()
    assert goal.title_nl == "Tekst van Lieke"


def test_teacher_cannot_edit(world, card):
    with pytest.raises(PermissionDenied):
        content.update_item(world.teacher, card, card.revision, {"title_nl": "Gekaapt"})


def test_only_known_fields_can_be_written(world, card):
    with pytest.raises(CardError):
        content.update_item(world.leader, card, card.revision, {"school_id": "1"})


def test_untitled_card_is_refused(world):
    with pytest.raises(CardError):
        content.create_card(world.leader, world.school, stage="podium", title_nl="   ")


def test_team_of_another_school_is_refused(world):
    other_team = world.other_school.teams.create(name="Sectie wiskunde")
    with pytest.raises(CardError):
        content.create_card(
            world.leader, world.school, stage="podium", title_nl="X", team=other_team
        )


def test_moving_items_reorders_them(world, card):
    first = content.add_agreement(world.leader, card, text_nl="Eerste")
    second = content.add_agreement(world.leader, card, text_nl="Tweede")
    third = content.add_agreement(world.leader, card, text_nl="Derde")
    content.move_item(world.leader, third, "up")
    assert [a.text_nl for a in card.agreements.all()] == ["Eerste", "Derde", "Tweede"]
    content.move_item(world.leader, first, "up")  # already at the top: nothing happens
    content.move_item(world.leader, first, "down")
    assert [a.text_nl for a in card.agreements.all()] == ["Derde", "Eerste", "Tweede"]
    content.remove_item(world.leader, second)
    assert card.agreements.count() == 2


def test_diff_shows_changed_added_and_removed_lines(world, card):
    goal = content.add_goal(world.leader, card, title_nl="Elke les een helder doel")
    content.add_agreement(world.leader, card, text_nl="We starten op tijd.")
    before = take_snapshot(card)
    content.update_item(
        world.leader, goal, goal.revision, {"title_nl": "Elke les een helder en zichtbaar doel"}
    )
    content.add_indicator(world.leader, card, text_nl="Het lesdoel staat op het bord.")
    content.remove_item(world.leader, card.agreements.get())
    rows = {row.label: row for row in compare(before, take_snapshot(card), "nl")}
    assert rows["Doel 1"].kind == "changed"
    assert ("added", "en zichtbaar") in rows["Doel 1"].words
    assert rows["Indicator 1"].kind == "added"
    assert rows["Afspraak 1"].kind == "removed"
    assert rows["Titel"].kind == "same"
