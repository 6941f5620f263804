"""Repertoire entries: editing with optimistic locking, states, and adoption by consent."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from dramaturg.repertoire.errors import EditConflict, NotEditable, RepertoireError, RoundError
from dramaturg.repertoire.models import Case, CodeTag, Entry, EntryVersion
from dramaturg.repertoire.services import consent, entries
from dramaturg.repertoire.snapshot import compare
from dramaturg.sources.models import Source

pytestmark = pytest.mark.django_db


def make_entry(world, **changes):
    entry = entries.create_entry(
        world.culture_carrier,
        world.school,
        title_nl="een leerling gezichtsverlies lijdt bij een correctie in de klas",
        clash="school_peer",
    )
    values = {
        "title_nl": entry.title_nl,
        "title_en": "a student loses face when corrected in class",
        "we_do_nl": "We corrigeren rustig en apart, na de les.",
        "we_do_en": "We correct calmly and in private, after class.",
        "we_avoid_nl": "Een standje voor de hele groep.",
        "why_nl": "Wie gezicht verliest bij de groep, valt op de ladder van de straat.",
        **changes,
    }
    return entries.update_entry(
        world.culture_carrier,
        entry,
        entry.revision,
        values,
        clash="school_peer",
        risk_ladder="peer",
        codes=CodeTag.objects.filter(school=world.school, key="face_honour"),
    )


def adopt(world, entry):
    round_ = consent.open_round(world.leader, entry)
    for person in (world.leader, world.teacher, world.teacher2):
        consent.answer(person, round_, "consent")
    entry.refresh_from_db()
    return round_


def test_development_group_creates_and_edits_an_entry(world):
    entry = make_entry(world)
    assert entry.state == Entry.State.DRAFT
    assert entry.revision == 2
    assert entry.we_do_nl.startswith("We corrigeren")
    assert [c.key for c in entry.codes.all()] == ["face_honour"]
    assert entry.risk_ladder == "peer"


def test_teacher_cannot_create_or_edit(world):
    with pytest.raises(PermissionDenied):
        entries.create_entry(world.teacher, world.school, title_nl="X", clash="home_school")
    entry = make_entry(world)
    with pytest.raises(PermissionDenied):
        entries.update_entry(world.teacher, entry, entry.revision, {"title_nl": "Y"}, clash="all")


def test_entry_from_a_case_takes_its_ladders_and_codes(world):
    case = Case.objects.create(school=world.school, title="Corrigeren", clash="home_school")
    case.codes.set(CodeTag.objects.filter(school=world.school, key="authority"))
    entry = entries.create_entry(world.leader, world.school, title_nl="Iets", case=case)
    assert entry.clash == "home_school"
    assert [c.key for c in entry.codes.all()] == ["authority"]
    other = Case.objects.create(school=world.other_school, title="Elders", clash="all")
    with pytest.raises(RepertoireError):
        entries.create_entry(world.leader, world.school, title_nl="Iets", case=other)


def test_a_save_from_an_old_revision_is_refused_and_nothing_changes(world):
    entry = make_entry(world)
    old = entry.revision
    entries.update_entry(
        world.leader, entry, old, {"title_nl": entry.title_nl, "we_do_nl": "Eerst"}, clash="all"
    )
    with pytest.raises(EditConflict) as caught:
        entries.update_entry(
            world.culture_carrier,
            entry,
            old,
            {"title_nl": entry.title_nl, "we_do_nl": "Tweede"},
            clash="home_peer",
        )
    entry.refresh_from_db()
    assert entry.we_do_nl == "Eerst"
    assert entry.clash == "all"
    assert caught.value.yours["we_do_nl"] == "Tweede"
    with translation.override("en"):
        assert "Someone else changed this entry" in str(caught.value.message)
    assert "Iemand anders heeft dit item gewijzigd" in str(caught.value.message)


def test_links_outside_the_school_are_refused(world):
    entry = make_entry(world)
    foreign = CodeTag.objects.filter(school=world.other_school)[:1]
    with pytest.raises(RepertoireError):
        entries.update_entry(
            world.leader, entry, entry.revision, {"title_nl": "X"}, clash="all", codes=foreign
        )
    own_source = Source.objects.create(school=world.other_school, title="Elders", kind="book")
    with pytest.raises(RepertoireError):
        entries.update_entry(
            world.leader,
            entry,
            entry.revision,
            {"title_nl": "X"},
            clash="all",
            sources=[own_source],
        )
    with pytest.raises(RepertoireError):
        entries.update_entry(world.leader, entry, entry.revision, {"title_nl": " "}, clash="all")
    with pytest.raises(RepertoireError):
        entries.update_entry(world.leader, entry, entry.revision, {"title_nl": "X"}, clash="nope")


def test_everyone_comments(world):
    entry = make_entry(world)
    entries.add_comment(world.teacher2, entry, "Werkt dit ook bij de gymles?")
    assert entry.comments.get().author == world.teacher2
    with pytest.raises(RepertoireError):
        entries.add_comment(world.teacher2, entry, "   ")
    with pytest.raises(PermissionDenied):
        entries.add_comment(world.outsider, entry, "Hoi")


def test_adoption_by_consent_with_the_quorum(world):
    entry = make_entry(world)
    with pytest.raises(PermissionDenied):
        consent.open_round(world.culture_carrier, entry)
    round_ = consent.open_round(world.leader, entry)
    assert (round_.eligible, round_.required) == (4, 3)
    entry.refresh_from_db()
    assert entry.state == Entry.State.CONSENT
    with pytest.raises(NotEditable):
        entries.update_entry(world.leader, entry, entry.revision, {"title_nl": "X"}, clash="all")
    consent.answer(world.teacher, round_, "consent")
    consent.answer(world.teacher2, round_, "abstain")
    entry.refresh_from_db()
    assert entry.state == Entry.State.CONSENT
    consent.answer(world.culture_carrier, round_, "consent")
    entry.refresh_from_db()
    assert entry.state == Entry.State.ADOPTED
    version = EntryVersion.objects.get(entry=entry)
    assert version.number == 1 == entry.adopted_version
    assert version.snapshot["we_do"]["en"] == "We correct calmly and in private, after class."
    assert version.snapshot["codes"][0]["nl"] == "gezicht en eer"
    assert {p["name"] for p in version.participants} == {
        "Daan Docent",
        "Jet van der Juf",
        "Otto Ontwikkel",
    }


def test_an_objection_blocks_until_withdrawn(world):
    entry = make_entry(world)
    round_ = consent.open_round(world.leader, entry)
    with pytest.raises(RepertoireError):
        consent.answer(world.teacher, round_, "object")  # an objection needs a reason
    consent.answer(world.teacher, round_, "object", "Na de les is te laat.")
    for person in (world.leader, world.culture_carrier, world.teacher2):
        consent.answer(person, round_, "consent")
    entry.refresh_from_db()
    assert entry.state == Entry.State.CONSENT
    with pytest.raises(RepertoireError):
        consent.withdraw_objection(world.teacher2, round_)
    consent.withdraw_objection(world.teacher, round_)
    entry.refresh_from_db()
    assert entry.state == Entry.State.ADOPTED


def test_close_and_reopen_after_an_objection(world):
    entry = make_entry(world)
    first = consent.open_round(world.leader, entry)
    consent.answer(world.teacher, first, "object", "Te streng.")
    with pytest.raises(PermissionDenied):
        consent.close_round(world.teacher, first)
    consent.close_round(world.leader, first)
    entry.refresh_from_db()
    assert entry.state == Entry.State.DISCUSSION
    with pytest.raises(RoundError):
        consent.answer(world.teacher2, first, "consent")
    entries.update_entry(
        world.leader,
        entry,
        entry.revision,
        {"title_nl": entry.title_nl, "we_do_nl": "Milder."},
        clash="all",
    )
    second = adopt(world, entry)
    assert second.number == 2
    assert entry.state == Entry.State.ADOPTED


def test_new_draft_versions_and_compare(world):
    entry = make_entry(world)
    adopt(world, entry)
    with pytest.raises(NotEditable):
        entries.update_entry(world.leader, entry, entry.revision, {"title_nl": "X"}, clash="all")
    entries.start_new_draft(world.culture_carrier, entry)
    entry.refresh_from_db()
    entries.update_entry(
        world.leader,
        entry,
        entry.revision,
        {"title_nl": entry.title_nl, "we_do_nl": "We corrigeren rustig en kort, na de les."},
        clash="school_peer",
    )
    adopt(world, entry)
    assert entry.adopted_version == 2
    v1, v2 = (v.snapshot for v in entry.versions.order_by("number"))
    with translation.override("en"):
        rows = {row.label: row for row in compare(v1, v2, "nl")}
    changed = rows["What we do"]
    assert changed.kind == "changed"
    assert ("removed", "apart,") in changed.words
    assert ("added", "kort,") in changed.words
    assert rows["What we avoid"].kind == "same"  # texts not sent stay as they were
    assert rows["Codes"].kind == "removed"


def test_archive(world):
    entry = make_entry(world)
    round_ = consent.open_round(world.leader, entry)
    with pytest.raises(RepertoireError):
        entries.archive_entry(world.leader, entry)
    consent.close_round(world.leader, round_)
    entries.archive_entry(world.culture_carrier, entry)
    entry.refresh_from_db()
    assert entry.state == Entry.State.ARCHIVED
    with pytest.raises(RepertoireError):
        entries.add_comment(world.teacher, entry, "Nog iets")
