"""The shipped starter set of repertoire entries: files, copying into a school, the page."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from dramaturg.repertoire.codes import DEFAULT_CODES
from dramaturg.repertoire.errors import RepertoireError
from dramaturg.repertoire.models import CodeTag, Entry, Ladder, LadderClash
from dramaturg.repertoire.models.entries import ENTRY_TEXTS
from dramaturg.repertoire.services.starter import copy_starter
from dramaturg.repertoire.starter_set import StarterError, load_starter, starter_entries
from dramaturg.sources.library import shipped_source_keys
from dramaturg.sources.models import Source

KEY = "losing-face-in-class"

GOOD = """\
id: {name}
clash: school_peer
risk_ladder: peer
codes: [face_honour]
sources: [wijze-lessen]
title: {{nl: "een leerling iets doet", en: "a student does something"}}
we_do: {{nl: "Wij doen.", en: "We do."}}
we_avoid: {{nl: "Wij vermijden.", en: "We avoid."}}
why: {{nl: "Daarom.", en: "Because."}}
asks_of_us: {{nl: "Samen.", en: "Together."}}
"""


def test_the_starter_set_has_at_least_eight_complete_entries():
    entries = starter_entries()
    assert len(entries) >= 8
    codes = {key for key, _nl, _en in DEFAULT_CODES}
    sources = shipped_source_keys()
    for entry in entries.values():
        for name in ENTRY_TEXTS:
            assert entry.texts[name]["nl"], (entry.key, name)
            assert entry.texts[name]["en"], (entry.key, name)
        assert entry.clash in LadderClash.values
        assert entry.risk_ladder in ("", *Ladder.values)
        assert entry.codes
        assert set(entry.codes) <= codes
        assert entry.sources
        assert set(entry.sources) <= sources


@pytest.mark.django_db
def test_every_starter_source_is_in_the_database():
    keys = {key for entry in starter_entries().values() for key in entry.sources}
    assert set(Source.objects.filter(key__in=keys).values_list("key", flat=True)) == keys


def test_a_good_file_loads(tmp_path):
    path = tmp_path / "good-one.yaml"
    path.write_text(GOOD.format(name="good-one"), encoding="utf-8")
    entry = load_starter(path, {"wijze-lessen"})
    assert entry.key == "good-one"
    assert entry.title("en") == "a student does something"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("clash: school_peer", "clash: school_street"), "bad.yaml: clash: must be one of"),
        (("risk_ladder: peer", "risk_ladder: street"), "bad.yaml: risk_ladder:"),
        (("codes: [face_honour]", "codes: [origin]"), "bad.yaml: codes: unknown key(s): origin"),
        (("sources: [wijze-lessen]", "sources: [made-up]"), "bad.yaml: sources: unknown key(s)"),
        ((', en: "We avoid."', ""), "bad.yaml: we_avoid: both nl and en need a text"),
        (("id: bad", "id: other"), "bad.yaml: id: must equal the file name"),
    ],
)
def test_a_broken_file_is_refused_naming_the_file_and_the_place(tmp_path, change, message):
    path = tmp_path / "bad.yaml"
    path.write_text(GOOD.format(name="bad").replace(*change), encoding="utf-8")
    with pytest.raises(StarterError) as caught:
        load_starter(path, {"wijze-lessen"})
    assert message in str(caught.value)


@pytest.mark.django_db
def test_copy_starter_makes_a_draft_with_both_languages_codes_and_sources(world):
    entry = copy_starter(world.culture_carrier, world.school, KEY)
    starter = starter_entries()[KEY]
    assert entry.school == world.school
    assert entry.state == Entry.State.DRAFT
    assert entry.template_key == KEY
    assert entry.title_nl == starter.texts["title"]["nl"]
    assert entry.why_en == starter.texts["why"]["en"]
    assert entry.clash == "school_peer"
    assert entry.risk_ladder == "peer"
    assert "Dramaturg" in entry.origin
    assert entry.title_nl in entry.origin
    assert sorted(entry.codes.values_list("key", flat=True)) == sorted(starter.codes)
    assert set(entry.codes.values_list("school", flat=True)) == {world.school.pk}
    assert sorted(entry.sources.values_list("key", flat=True)) == sorted(starter.sources)


@pytest.mark.django_db
def test_a_retired_code_is_still_mapped(world):
    CodeTag.objects.filter(school=world.school, key="face_honour").update(retired=True)
    entry = copy_starter(world.leader, world.school, KEY)
    assert "face_honour" in set(entry.codes.values_list("key", flat=True))


@pytest.mark.django_db
def test_only_the_development_group_and_the_leader_copy(world):
    copy_starter(world.leader, world.school, KEY)
    for person in (world.teacher, world.outsider, world.board_admin):
        with pytest.raises(PermissionDenied):
            copy_starter(person, world.school, KEY)
    assert Entry.objects.filter(school=world.school).count() == 1


@pytest.mark.django_db
def test_an_unknown_key_is_refused(world):
    with pytest.raises(RepertoireError):
        copy_starter(world.leader, world.school, "no-such-entry")
    assert not Entry.objects.exists()


@pytest.mark.django_db
def test_the_page_lists_the_starter_set_in_dutch_and_english(world, client_for):
    url = reverse("repertoire:starter", args=[world.school.slug])
    dutch = client_for(world.teacher).get(url).content.decode()  # Dutch unless chosen
    assert "Wat doen we als een ouder bij het hek ons gezag in twijfel trekt?" in dutch
    assert "gezag" in dutch
    assert "Kopieer naar ons repertoire" not in dutch  # a teacher reads, does not copy
    client = client_for(world.culture_carrier)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).content.decode()
    assert "What do we do when a parent challenges our authority at the school gate?" in english
    assert "Copy to our repertoire" in english


@pytest.mark.django_db
def test_copying_from_the_page(world, client_for):
    client = client_for(world.culture_carrier)
    url = reverse("repertoire:starter_copy", args=[world.school.slug, KEY])
    response = client.post(url, follow=True)
    assert response.status_code == 200
    entry = Entry.objects.get(school=world.school)
    assert entry.template_key == KEY
    assert entry.created_by == world.culture_carrier
    assert entry.title in response.content.decode()


@pytest.mark.django_db
def test_a_teacher_cannot_copy_and_an_unknown_key_changes_nothing(world, client_for):
    teacher = client_for(world.teacher)
    url = reverse("repertoire:starter_copy", args=[world.school.slug, KEY])
    assert teacher.post(url).status_code == 403
    leader = client_for(world.leader)
    bad = reverse("repertoire:starter_copy", args=[world.school.slug, "no-such-entry"])
    response = leader.post(bad, follow=True)
    assert response.status_code == 200
    assert not Entry.objects.exists()


@pytest.mark.django_db
def test_outsiders_get_404(world, client_for):
    client = client_for(world.outsider)
    assert client.get(reverse("repertoire:starter", args=[world.school.slug])).status_code == 404
    url = reverse("repertoire:starter_copy", args=[world.school.slug, KEY])
    assert client.post(url).status_code == 404
    assert not Entry.objects.exists()
