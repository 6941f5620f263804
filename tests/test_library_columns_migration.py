"""The data migration that copies an existing publication's title, stage and texts from its
version's snapshot into the library's columns."""

from __future__ import annotations

import pytest

BEFORE = ("networks", "0004_library_columns")
AFTER = ("networks", "0005_fill_library_columns")


@pytest.mark.django_db(transaction=True)
def test_existing_publications_get_their_title_stage_and_texts(migrator):
    old = migrator.apply_initial_migration(BEFORE)
    get = old.apps.get_model
    board = get("schools", "Board").objects.create(name="Bestuur", slug="bestuur")
    school = get("schools", "School").objects.create(
        board=board, name="School", slug="school", sector="po"
    )
    network = get("networks", "Network").objects.create(
        name="Netwerk", slug="netwerk", kind="board", board=board
    )
    card = get("cards", "Card").objects.create(
        school=school, stage="audience", title_nl="Ouders als publiek", adopted_version=1
    )
    snapshot = {
        "title": {"nl": "Ouders als publiek", "en": "Parents as the audience"},
        "introduction": {"nl": "Een avond met ouders.", "en": ""},
        "goals": [
            {
                "title": {"nl": "Ouders betrekken", "en": ""},
                "description": {"nl": "", "en": ""},
                "interventions": [
                    {
                        "what": {"nl": "Inloopochtend", "en": "Open morning"},
                        "design": {"nl": "", "en": ""},
                        "who": {"nl": "", "en": ""},
                        "when": {"nl": "", "en": ""},
                        "sources": ["Schoolplan De School"],
                    }
                ],
            }
        ],
        "agreements": [{"text": {"nl": "We bellen elke ouder.", "en": ""}}],
        "indicators": [],
    }
    version = get("cards", "CardVersion").objects.create(card=card, number=1, snapshot=snapshot)
    card_pub = get("networks", "PublishedCard").objects.create(
        network=network, version=version, school=school
    )
    entry = get("repertoire", "Entry").objects.create(school=school, title_nl="de bel gaat")
    entry_version = get("repertoire", "EntryVersion").objects.create(
        entry=entry,
        number=1,
        snapshot={
            "title": {"nl": "de bel gaat", "en": "the bell rings"},
            "we_do": {"nl": "We wachten rustig.", "en": ""},
            "codes": [{"nl": "respect", "en": "respect"}],
        },
    )
    entry_pub = get("networks", "PublishedEntry").objects.create(
        network=network, version=entry_version, school=school
    )

    new = migrator.apply_tested_migration(AFTER)
    card_row = new.apps.get_model("networks", "PublishedCard").objects.get(pk=card_pub.pk)
    assert (card_row.title_nl, card_row.title_en, card_row.stage) == (
        "Ouders als publiek",
        "Parents as the audience",
        "audience",
    )
    for text in ("Een avond met ouders.", "Inloopochtend", "Open morning", "We bellen elke ouder."):
        assert text in card_row.search_text
    assert "Schoolplan" not in card_row.search_text  # a school's own source can name it
    entry_row = new.apps.get_model("networks", "PublishedEntry").objects.get(pk=entry_pub.pk)
    assert (entry_row.title_nl, entry_row.title_en) == ("de bel gaat", "the bell rings")
    assert "We wachten rustig." in entry_row.search_text
    assert "respect" in entry_row.search_text
