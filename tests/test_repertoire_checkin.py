"""An agreements check-in asks whether the team used its repertoire, when adopted entries link
to the card's agreements; the agreements scale itself stays as it was."""

from __future__ import annotations

import pytest

from dramaturg.cards.services import consent as card_consent
from dramaturg.cards.services import content
from dramaturg.repertoire.models import Entry, EntryConsentRound
from dramaturg.repertoire.services import consent
from dramaturg.repertoire.services.starter import copy_starter
from dramaturg.surveys.generated import agreements_checkin

pytestmark = pytest.mark.django_db


@pytest.fixture
def card_version(world):
    card = content.create_card(world.leader, world.school, stage="podium", title_nl="Podium")
    content.add_agreement(world.leader, card, text_nl="We corrigeren één op één.")
    content.add_agreement(world.leader, card, text_nl="We beginnen elke les op tijd.")
    consent_round = card_consent.open_round(world.leader, card)
    for person in (world.teacher, world.culture_carrier, world.teacher2):
        card_consent.answer(person, consent_round, "consent")
    card.refresh_from_db()
    return card.versions.get()


def entry_for(world, card_version, key="losing-face-in-class", adopt=True):
    entry = copy_starter(world.leader, world.school, key)
    entry.agreements.add(card_version.card.agreements.first())
    if adopt:
        consent_round = consent.open_round(world.leader, entry)
        for person in (world.teacher, world.teacher2, world.culture_carrier, world.leader):
            if EntryConsentRound.objects.get(pk=consent_round.pk).is_open:
                consent.answer(person, consent_round, "consent")
    return entry


def test_without_linked_entries_the_checkin_is_as_before(world, card_version):
    entry_for(world, card_version, adopt=False)  # a draft does not count
    instrument = agreements_checkin(card_version)
    assert [scale.id for scale in instrument.scales] == ["agreements"]


def test_adopted_linked_entries_add_one_repertoire_item(world, card_version):
    before = agreements_checkin(card_version)
    first = entry_for(world, card_version)
    second = entry_for(world, card_version, key="not-telling-who-did-it")
    Entry.objects.filter(pk=second.pk).update(title_nl="een later concept")  # a new draft
    instrument = agreements_checkin(card_version)
    agreements, repertoire = instrument.scales
    assert agreements == before.scales[0]  # the agreements scale did not change
    assert repertoire.id == "repertoire"
    (item,) = repertoire.items
    assert item.id == "rep_1"
    # Titles of the adopted versions, in both languages.
    assert first.title_nl in item.text["nl"]
    assert first.title_en in item.text["en"]
    assert "een leerling niet wil zeggen wie het gedaan heeft" in item.text["nl"]
    assert "een later concept" not in item.text["nl"]
    assert "repertoire" in item.text["en"]
    assert "repertoire" in item.text["nl"]
    assert instrument.version == card_version.number
    assert [option.value for option in instrument.options] == [1, 2, 3]


def test_an_archived_entry_is_not_asked_about(world, card_version):
    entry = entry_for(world, card_version)
    Entry.objects.filter(pk=entry.pk).update(state=Entry.State.ARCHIVED)
    assert [scale.id for scale in agreements_checkin(card_version).scales] == ["agreements"]
