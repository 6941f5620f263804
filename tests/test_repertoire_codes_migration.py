"""The data migration that gives every school made before it the default list of codes."""

from __future__ import annotations

import pytest


@pytest.mark.django_db(transaction=True)
def test_a_school_made_before_the_migration_gets_the_eight_codes(migrator):
    old = migrator.apply_initial_migration(("repertoire", "0002_entry_copied_from"))
    Board = old.apps.get_model("schools", "Board")
    School = old.apps.get_model("schools", "School")
    board = Board.objects.create(name="Bestuur", slug="bestuur")
    # Historical models send no post_save to the app's signal: no codes yet.
    school = School.objects.create(board=board, name="Oud", slug="oud", sector="po")
    assert old.apps.get_model("repertoire", "CodeTag").objects.count() == 0

    new = migrator.apply_tested_migration(("repertoire", "0003_seed_codes"))
    CodeTag = new.apps.get_model("repertoire", "CodeTag")
    seeded = list(CodeTag.objects.filter(school_id=school.pk).order_by("position"))
    assert len(seeded) == 8
    assert [c.key for c in seeded][:2] == ["face_honour", "authority"]
    assert seeded[0].name_nl == "gezicht en eer"
    assert seeded[0].name_en == "face and honour"
    assert all(not c.retired for c in seeded)
