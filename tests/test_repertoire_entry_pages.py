"""Repertoire entry pages: roles, tenancy, the consent panel, the phone page's search, the
booklet and the entries shown beside a card's interventions and agreements."""

from __future__ import annotations

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dramaturg.cards.services import content
from dramaturg.repertoire.models import CodeTag, Entry
from dramaturg.repertoire.services import consent, entries
from tests.helpers import english
from tests.test_reports_background import run_worker

pytestmark = pytest.mark.django_db


def url(name, school, *args):
    return reverse(f"repertoire:{name}", args=[school.slug, *args])


def make(world, title_nl, *, school=None, adopt=True, code="face_honour", **texts):
    school = school or world.school
    actor = world.leader if school == world.school else world.outsider
    entry = entries.create_entry(actor, school, title_nl=title_nl, clash="school_peer")
    entry = entries.update_entry(
        actor,
        entry,
        entry.revision,
        {"title_nl": title_nl, **texts},
        clash="school_peer",
        risk_ladder="peer",
        codes=CodeTag.objects.filter(school=school, key=code),
    )
    if adopt:
        round_ = consent.open_round(actor, entry)
        for person in (world.leader, world.teacher, world.teacher2):
            consent.answer(person, round_, "consent")
        entry.refresh_from_db()
        assert entry.state == Entry.State.ADOPTED
    return entry


def test_teacher_reads_but_does_not_write(world, client_for):
    entry = make(world, "een ouder boos belt", adopt=False, we_do_nl="We bellen terug.")
    teacher = client_for(world.teacher)
    for page in (
        url("index", world.school),
        url("work", world.school),
        url("entry_detail", world.school, entry.pk),
    ):
        assert teacher.get(page).status_code == 200
    assert teacher.get(url("entry_create", world.school)).status_code == 403
    assert teacher.get(url("entry_edit", world.school, entry.pk)).status_code == 403
    assert teacher.post(url("entry_round_open", world.school, entry.pk)).status_code == 403
    response = teacher.post(
        url("entry_comment", world.school, entry.pk), {"body": "Goed idee."}, follow=True
    )
    assert "Goed idee." in response.content.decode()


def test_an_entry_of_another_school_is_a_404(world, client_for):
    foreign = make(world, "elders", school=world.other_school, adopt=False)
    leader = client_for(world.leader)
    for name in ("entry_detail", "entry_edit", "entry_versions", "entry_compare"):
        assert leader.get(url(name, world.school, foreign.pk)).status_code == 404
    assert leader.post(url("entry_round_open", world.school, foreign.pk)).status_code == 404


def test_create_and_edit_through_the_pages(world, client_for):
    carrier = client_for(world.culture_carrier)
    response = carrier.post(
        url("entry_create", world.school),
        {"title_nl": "een leerling niet wil verklikken", "clash": "school_peer"},
    )
    entry = Entry.objects.get(school=world.school)
    assert response.status_code == 302
    assert response["Location"] == url("entry_edit", world.school, entry.pk)
    form = {
        "revision": entry.revision,
        "title_nl": entry.title_nl,
        "title_en": "a student will not tell on others",
        "we_do_nl": "We vragen niet wie het was, maar wat er nodig is.",
        "clash": "school_peer",
        "risk_ladder": "peer",
        "codes": [CodeTag.objects.get(school=world.school, key="not_telling").pk],
    }
    response = carrier.post(url("entry_edit", world.school, entry.pk), form, follow=True)
    assert "We vragen niet wie het was" in response.content.decode()
    # A second save from the same (now old) revision is refused; the typed text is kept.
    stale = {**form, "we_do_nl": "Mijn eigen versie die niet verloren mag gaan."}
    page = english(client_for(world.leader)).post(url("entry_edit", world.school, entry.pk), stale)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Someone else changed this entry" in text
    assert "Mijn eigen versie die niet verloren mag gaan." in text
    entry.refresh_from_db()
    assert entry.we_do_nl.startswith("We vragen niet")
    # Bad input: a clear message, nothing changes, never a 500.
    bad = carrier.post(
        url("entry_edit", world.school, entry.pk),
        {**form, "revision": entry.revision, "clash": "x"},
    )
    assert bad.status_code == 200
    entry.refresh_from_db()
    assert entry.clash == "school_peer"


def test_members_answer_and_the_leader_opens_and_closes(world, client_for):
    entry = make(world, "een leerling uitgelachen wordt", adopt=False)
    leader = client_for(world.leader)
    leader.post(url("entry_round_open", world.school, entry.pk))
    round_ = entry.rounds.get()
    teacher = client_for(world.teacher)
    page = english(teacher).get(url("entry_detail", world.school, entry.pk)).content.decode()
    assert "The entry cannot be changed while the round runs." in page
    assert url("entry_round_answer", world.school, entry.pk, round_.pk) in page
    assert url("entry_round_close", world.school, entry.pk, round_.pk) not in page
    teacher.post(
        url("entry_round_answer", world.school, entry.pk, round_.pk),
        {"answer": "object", "reason": "Te vaag."},
    )
    assert (
        teacher.post(url("entry_round_close", world.school, entry.pk, round_.pk)).status_code == 403
    )
    teacher.post(url("entry_round_withdraw", world.school, entry.pk, round_.pk))
    assert round_.answers.get(user=world.teacher).withdrawn_at is not None
    leader.post(url("entry_round_close", world.school, entry.pk, round_.pk))
    entry.refresh_from_db()
    assert entry.state == Entry.State.DISCUSSION
    leader.post(url("entry_round_open", world.school, entry.pk))
    second = entry.rounds.get(number=2)
    for person in (world.leader, world.teacher, world.teacher2):
        client_for(person).post(
            url("entry_round_answer", world.school, entry.pk, second.pk), {"answer": "consent"}
        )
    entry.refresh_from_db()
    assert entry.state == Entry.State.ADOPTED
    history = english(teacher).get(url("entry_versions", world.school, entry.pk)).content.decode()
    assert "Version 1" in history
    version = teacher.get(url("entry_version", world.school, entry.pk, 1))
    assert "een leerling uitgelachen wordt" in version.content.decode()
    compare = english(teacher).get(
        url("entry_compare", world.school, entry.pk), {"a": "r1", "b": "v1"}
    )
    assert compare.status_code == 200
    assert (
        "Choose two texts"
        in english(teacher)
        .get(url("entry_compare", world.school, entry.pk), {"a": "v9"})
        .content.decode()
    )


def _titles(response):
    return re.findall(r"<summary>(.*?)</summary>", response.content.decode())


def test_search_in_dutch_and_english_ignores_case_and_accents(world, client_for):
    make(
        world, "een leerling op de reünie wordt aangesproken", we_do_en="We greet the family first."
    )
    make(
        world,
        "een leerling de groep niet wil verraden",
        code="not_telling",
        we_avoid_nl="Een verhoor voor de klas.",
    )
    make(world, "een concept", adopt=False, we_do_nl="reünie")
    teacher = client_for(world.teacher)
    index = url("index", world.school)
    assert len(_titles(teacher.get(index))) == 2  # drafts are not in the repertoire
    assert _titles(teacher.get(index, {"q": "REUNIE"})) == [
        "een leerling op de reünie wordt aangesproken"
    ]
    assert _titles(teacher.get(index, {"q": "réünie aangesproken"})) == [
        "een leerling op de reünie wordt aangesproken"
    ]
    assert _titles(teacher.get(index, {"q": "family"})) == [
        "een leerling op de reünie wordt aangesproken"
    ]
    assert _titles(teacher.get(index, {"q": "verhoor"})) == [
        "een leerling de groep niet wil verraden"
    ]
    assert _titles(teacher.get(index, {"q": "verklikken"})) == [
        "een leerling de groep niet wil verraden"
    ]
    assert _titles(teacher.get(index, {"q": "telling on others"})) == [
        "een leerling de groep niet wil verraden"
    ]
    code = CodeTag.objects.get(school=world.school, key="face_honour")
    assert _titles(teacher.get(index, {"code": code.pk})) == [
        "een leerling op de reünie wordt aangesproken"
    ]
    assert len(_titles(teacher.get(index, {"ladder": "peer"}))) == 2
    assert _titles(teacher.get(index, {"ladder": "home"})) == []
    assert _titles(teacher.get(index, {"q": "nergens"})) == []


def test_the_phone_page_shows_the_adopted_version_not_the_new_draft(world, client_for):
    entry = make(world, "een leerling te laat komt", we_do_nl="Eerst welkom heten.")
    entries.start_new_draft(world.leader, entry)
    entry.refresh_from_db()
    entries.update_entry(
        world.leader,
        entry,
        entry.revision,
        {"title_nl": entry.title_nl, "we_do_nl": "Nieuwe tekst."},
        clash="all",
    )
    page = client_for(world.teacher).get(url("index", world.school)).content.decode()
    assert "Eerst welkom heten." in page
    assert "Wat doen we als …" in page  # Dutch first
    assert "Nieuwe tekst." not in page
    english_page = (
        english(client_for(world.teacher)).get(url("index", world.school)).content.decode()
    )
    assert "What do we do when …" in english_page
    assert 'href="/s/de-vuurtoren/repertoire/"' in english_page  # in the main menu


@pytest.mark.django_db(transaction=True)
def test_booklet_is_an_a5_pdf_of_the_adopted_entries(world, client_for):
    from pypdf import PdfReader

    make(
        world,
        "een leerling gezichtsverlies lijdt",
        title_en="a student loses face",
        we_do_en="We correct in private.",
    )
    make(world, "een geheim concept", adopt=False)
    teacher = english(client_for(world.teacher))
    # The page offers the booklet as a background export: a form that queues a job.
    page = teacher.get(url("index", world.school)).content.decode()
    assert 'name="key" value="repertoire_booklet"' in page
    queued = teacher.post(
        reverse("reports:exports", args=[world.school.slug]),
        {"kind": "repertoire", "key": "repertoire_booklet", "object_id": world.school.pk},
    )
    assert queued.status_code == 302
    run_worker()
    from dramaturg.reports.models import ExportJob

    job = ExportJob.objects.get(kind="repertoire")
    response = teacher.get(reverse("reports:export_download", args=[world.school.slug, job.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - 419.5) <= 1
        assert abs(height - 595.3) <= 1
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "a student loses face" in text
    assert "We correct in private." in text
    assert "Contents" in text
    assert "geheim concept" not in text
    assert len(reader.pages) == 2  # the contents, then one entry per page


def test_card_page_shows_adopted_entries_with_constant_queries(world, client_for):
    card = content.create_card(world.leader, world.school, stage="podium", title_nl="Ons podium")
    goal = content.add_goal(world.leader, card, title_nl="Rust in de les")
    intervention = content.add_intervention(world.leader, goal, what_nl="Apart corrigeren")
    agreement = content.add_agreement(
        world.leader, card, text_nl="We corrigeren nooit voor de groep."
    )
    leader = client_for(world.leader)
    page = reverse("cards:detail", args=[world.school.slug, card.pk])

    def link(title):
        entry = make(world, title, adopt=False)
        entry.interventions.add(intervention)
        entry.agreements.add(agreement)
        round_ = consent.open_round(world.leader, entry)
        for person in (world.leader, world.teacher, world.teacher2):
            consent.answer(person, round_, "consent")
        return entry

    first = link("een leerling gezicht verliest")
    with CaptureQueriesContext(connection) as one:
        text = leader.get(page).content.decode()
    assert text.count(url("entry_detail", world.school, first.pk)) == 2
    link("een leerling boos wegloopt")
    link("een leerling uitgedaagd wordt")
    make(world, "een concept dat nog niet geldt", adopt=False).interventions.add(intervention)
    with CaptureQueriesContext(connection) as three:
        text = leader.get(page).content.decode()
    assert "een leerling uitgedaagd wordt" in text
    assert "een concept dat nog niet geldt" not in text
    assert len(three) == len(one)


def test_booklet_export_request_only_for_the_own_school(world, client_for):
    exports = reverse("reports:exports", args=[world.school.slug])
    leader = client_for(world.leader)
    form = {"kind": "repertoire", "key": "repertoire_booklet"}
    assert leader.post(exports, {**form, "object_id": world.other_school.pk}).status_code == 404
    assert leader.post(exports, {**form, "object_id": world.school.pk}).status_code == 302
    from dramaturg.reports.models import ExportJob
    from dramaturg.reports.tasks import run_export

    job = ExportJob.objects.get(kind="repertoire")
    # The task's own function, called directly: the worker itself is tested with the cards.
    assert run_export.func(job.pk) == ExportJob.State.DONE.value
    job.refresh_from_db()
    assert bytes(job.content).startswith(b"%PDF")


def test_the_phone_page_shows_twenty_entries_a_page(world, client_for):
    for n in range(21):
        make(world, f"situatie nummer {n:02d}")
    teacher = client_for(world.teacher)
    first = teacher.get(url("index", world.school)).content.decode()
    assert first.count('class="repertoire-entry"') == 20
    assert "?page=2" in first
    second = teacher.get(url("index", world.school) + "?page=2").content.decode()
    assert second.count('class="repertoire-entry"') == 1
    # A page number out of range shows the last page; nonsense shows the first.
    assert teacher.get(url("index", world.school) + "?page=99").status_code == 200
    assert teacher.get(url("index", world.school) + "?page=x").status_code == 200
    # A search keeps its words on the next page.
    found = teacher.get(url("index", world.school) + "?q=situatie").content.decode()
    assert "q=situatie&amp;page=2" in found
