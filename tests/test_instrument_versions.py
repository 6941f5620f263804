"""Versions of the shipped instruments: every version kept, the rules of a revision hold, an
old round keeps the version it was made with and a new round gets the current one."""

from __future__ import annotations

import pytest
import yaml
from django.test import Client
from django.utils.html import escape

from dramaturg.surveys import instrument_versions as versions
from dramaturg.surveys.forms import instrument_offer
from dramaturg.surveys.instrument_versions import (
    ScaleChange,
    instrument_versions,
    scale_changes,
)
from dramaturg.surveys.instruments import (
    InstrumentError,
    instrument_from_data,
    instrument_to_data,
    shipped_instruments,
)
from dramaturg.surveys.results import round_results
from tests.survey_helpers import (
    add_members,
    form_state,
    personal_links,
    staff_round,
    step_fields,
)

SHIPPED = sorted(shipped_instruments())


def consecutive():
    """(instrument id, earlier version, later version) for every revision."""
    return [
        (key, before, after)
        for key in SHIPPED
        for before, after in zip(
            instrument_versions(key), instrument_versions(key)[1:], strict=False
        )
    ]


def test_every_version_from_1_to_the_current_one_is_kept():
    for key in SHIPPED:
        found = instrument_versions(key)
        assert [v.version for v in found] == list(range(1, found[-1].version + 1))
        assert found[-1] == shipped_instruments()[key]
        assert all(v.id == key for v in found)
    assert instrument_versions("teacher_self_efficacy")[-1].version == 2


def test_an_item_id_always_names_one_question():
    for key in SHIPPED:
        retired: set[str] = set()
        seen: dict[str, bool] = {}
        for instrument in instrument_versions(key):
            ids = {item.id for item in instrument.items}
            assert not ids & retired, f"{key} v{instrument.version} reuses {ids & retired}"
            for item in instrument.items:
                # A kept item keeps its keying: reversing it would change its meaning.
                assert seen.setdefault(item.id, item.reverse) == item.reverse, item.id
            retired |= set(seen) - ids
    # Item ids are unique across instruments too, so a codebook entry is never ambiguous.
    every = [{item.id for v in instrument_versions(key) for item in v.items} for key in SHIPPED]
    assert sum(len(ids) for ids in every) == len(set().union(*every))


def test_a_kept_item_stays_in_its_scale_unless_that_scale_was_replaced():
    for key, before, after in consecutive():
        home = {item.id: scale.id for scale in before.scales for item in scale.items}
        kept_scales = {scale.id for scale in after.scales} & set(home.values())
        for scale in after.scales:
            for item in scale.items:
                if item.id in home and home[item.id] != scale.id:
                    assert home[item.id] not in kept_scales, f"{key}: {item.id} moved"


def test_a_scale_keeps_its_id_only_while_most_of_its_items_stay():
    for key, before, after in consecutive():
        for change in scale_changes(before, after).values():
            assert change.continues, f"{key} v{after.version}: {change}"
        retired = {s.id for s in before.scales} - {s.id for s in after.scales}
        later = [v for v in instrument_versions(key) if v.version > after.version]
        assert not any(s.id in retired for v in later for s in v.scales)


def test_the_revision_of_version_2_is_what_the_review_asked_for():
    tse_1, tse_2 = instrument_versions("teacher_self_efficacy")[:2]
    # Classroom management lost three of its five items: a new scale with a line of its own.
    assert "classroom_management" not in {s.id for s in tse_2.scales}
    assert "classroom_management_v2" in {s.id for s in tse_2.scales}
    changes = scale_changes(tse_1, tse_2)
    assert changes["engagement"].dropped == ("tse_eng_4",)
    assert changes["instruction"].added == ("tse_ins_6", "tse_ins_7")
    # Only rewording: the line of group competence goes on with the same items.
    ce = scale_changes(*instrument_versions("collective_efficacy")[:2])
    assert ce["group_competence"].same_items
    assert ce["group_competence"].reworded == ("ce_gc_5", "ce_gc_6")
    drc_1, drc_2 = instrument_versions("dressing_room_climate")[:2]
    assert "drc_am_5" in {i.id for i in drc_1.items} - {i.id for i in drc_2.items}
    assert "respectful_talk" in {s.id for s in drc_2.scales}


def test_scale_changes_name_what_stayed_came_and_went():
    before = shipped_instruments()["collective_efficacy"]
    data = instrument_to_data(before)
    items = data["scales"][0]["items"]
    items[0]["text"] = {"nl": "Anders gezegd.", "en": "Said otherwise."}
    items[1]["id"] = "ce_gc_new"
    data["version"] = before.version + 1
    change = scale_changes(before, instrument_from_data(data))["group_competence"]
    assert change == ScaleChange(
        scale="group_competence",
        kept=("ce_gc_1", "ce_gc_3", "ce_gc_4", "ce_gc_5", "ce_gc_6"),
        added=("ce_gc_new",),
        dropped=("ce_gc_2",),
        reworded=("ce_gc_1",),
    )
    assert not change.same_items
    assert change.continues  # five of six stayed
    two_left = ScaleChange("s", ("a", "b"), ("c", "d"), ("e", "f"), ())
    assert not two_left.continues  # two of four in each version: a new line
    assert ScaleChange("s", ("a", "b", "c", "d"), ("e", "f"), (), ()).continues  # 4 of 6


@pytest.fixture
def history(tmp_path, monkeypatch):
    """An empty folder of earlier versions in place of the shipped one."""
    monkeypatch.setattr(versions, "PREVIOUS_DIR", tmp_path)
    versions.instrument_versions.cache_clear()
    yield tmp_path
    versions.instrument_versions.cache_clear()


def keep(history, folder: str, data: dict) -> None:
    (history / folder).mkdir(exist_ok=True)
    path = history / folder / f"{data['id']}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_a_missing_earlier_version_is_refused(history):
    with pytest.raises(InstrumentError) as error:
        instrument_versions("teacher_self_efficacy")
    assert "teacher_self_efficacy.yaml: version: is 2, so versions 1 to 2 must be kept" in str(
        error.value
    )


def test_an_earlier_version_in_the_wrong_folder_is_refused(history):
    first = instrument_to_data(shipped_instruments()["teacher_self_efficacy"]) | {"version": 3}
    keep(history, "v1", first)
    with pytest.raises(InstrumentError) as error:
        instrument_versions("teacher_self_efficacy")
    assert "v1/teacher_self_efficacy.yaml: version: must be 1" in str(error.value)


# --- rounds --------------------------------------------------------------------------------


def item_texts(html: str, instrument) -> set[str]:
    """The items of `instrument` whose Dutch text the pages show."""
    return {item.id for item in instrument.items if escape(item.text["nl"]) in html}


def every_step(url: str) -> str:
    """The pages a respondent sees from the introduction to the last step, without sending."""
    client = Client()
    page = client.get(url)
    shown, step = [page.content.decode()], 0
    while 'value="submit"' not in page.content.decode():
        answers = dict.fromkeys(step_fields(page), "3")
        data = {"state": form_state(page), "step": str(step), "action": "next", **answers}
        page = client.post(url, data)
        assert page.status_code == 200
        shown.append(page.content.decode())
        step += 1
    return "".join(shown)


@pytest.mark.django_db
def test_a_round_made_before_the_revision_keeps_its_version(world, monkeypatch):
    first = {key: instrument_versions(key)[0] for key in SHIPPED}
    current = shipped_instruments()["teacher_self_efficacy"]
    add_members(world, world.team_a, 4)
    # The round is made while version 1 is the shipped one ...
    with monkeypatch.context() as before_the_revision:
        before_the_revision.setattr("dramaturg.surveys.services.shipped_instruments", lambda: first)
        old = staff_round(world, [world.team_a], instruments=("teacher_self_efficacy",))
    # ... and answered, read and reported after the revision shipped.
    new = staff_round(world, [world.team_a], instruments=("teacher_self_efficacy",))
    (old_frozen,), (new_frozen,) = old.instruments.all(), new.instruments.all()
    assert (old_frozen.version, new_frozen.version) == (1, current.version)
    assert old_frozen.instrument == first["teacher_self_efficacy"]
    assert new_frozen.instrument == current

    # A respondent of the old round sees the questions of version 1, not those of version 2.
    pages = every_step(personal_links(old)[world.teacher.pk])
    old_items = first["teacher_self_efficacy"]
    assert item_texts(pages, old_items) == {item.id for item in old_items.items}
    assert not item_texts(pages, current) - item_texts(pages, old_items)
    assert "tse_cm_6" not in item_texts(pages, current)  # a question only version 2 asks
    assert item_texts(every_step(personal_links(new)[world.teacher.pk]), current) == {
        item.id for item in current.items
    }

    # The results keep version 1's scales; the new round has the revised ones.
    assert [s.scale for s in round_results(old).scales] == [
        "engagement",
        "instruction",
        "classroom_management",
    ]
    assert [s.scale for s in round_results(new).scales] == [
        "engagement",
        "instruction",
        "classroom_management_v2",
    ]


@pytest.mark.django_db
def test_the_round_form_offers_only_the_current_versions(world):
    offer = instrument_offer(world.school)
    for key in SHIPPED:
        assert offer[key][1].version == instrument_versions(key)[-1].version
