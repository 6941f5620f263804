"""Questionnaire instruments as data: the shipped ones meet the brief, broken files are named."""

from __future__ import annotations

import pytest
import yaml

from dramaturg.surveys.instruments import InstrumentError, load_instrument, shipped_instruments


def sample(**changes):
    raw = {
        "id": "sample",
        "version": 1,
        "target": "staff",
        "title": {"nl": "Voorbeeld", "en": "Sample"},
        "instructions": {"nl": "Kies wat past.", "en": "Choose what fits."},
        "licence": "CC BY 4.0",
        "citation": "Own words.",
        "response_scale": {
            "options": [
                {"value": 1, "nl": "oneens", "en": "disagree"},
                {"value": 2, "nl": "neutraal", "en": "neutral"},
                {"value": 3, "nl": "eens", "en": "agree"},
            ],
            "dont_know": {"nl": "weet ik niet", "en": "don't know"},
        },
        "scales": [
            {
                "id": "trust",
                "title": {"nl": "Vertrouwen", "en": "Trust"},
                "min_items": 1,
                "items": [
                    {"id": "t1", "text": {"nl": "Ik vertrouw.", "en": "I trust."}},
                    {
                        "id": "t2",
                        "text": {"nl": "Ik twijfel.", "en": "I doubt."},
                        "reverse": True,
                    },
                ],
            }
        ],
    }
    raw.update(changes)
    return raw


def write(tmp_path, raw):
    path = tmp_path / "sample.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True))
    return path


def test_a_valid_instrument_loads_with_items_in_order(tmp_path):
    instrument = load_instrument(write(tmp_path, sample()))
    assert [item.id for item in instrument.items] == ["t1", "t2"]
    assert instrument.option_count == 3
    assert instrument.dont_know == {"nl": "weet ik niet", "en": "don't know"}
    assert [item.reverse for item in instrument.items] == [False, True]


@pytest.mark.parametrize("value", [1, 2, 3])
def test_reverse_keying_twice_is_the_identity(tmp_path, value):
    instrument = load_instrument(write(tmp_path, sample()))
    assert instrument.reverse_value(instrument.reverse_value(value)) == value
    assert instrument.reverse_value(1) == 3


def _duplicate_item(raw):
    raw["scales"][0]["items"][1]["id"] = "t1"
    return raw


def _empty_scale(raw):
    raw["scales"][0]["items"] = []
    return raw


def _missing_english(raw):
    raw["scales"][0]["items"][0]["text"] = {"nl": "Alleen Nederlands"}
    return raw


def _options_out_of_order(raw):
    raw["response_scale"]["options"][1]["value"] = 3
    return raw


def _min_items_too_high(raw):
    raw["scales"][0]["min_items"] = 3
    return raw


@pytest.mark.parametrize(
    ("breaks", "message"),
    [
        (_duplicate_item, "scales[1].items[2].id: duplicate id 't1'"),
        (_empty_scale, "scales[1]: scale 'trust' has no items"),
        (_missing_english, "scales[1].items[1].text: both nl and en need a text"),
        (_options_out_of_order, "response_scale.options[2]: options are numbered 1..N"),
        (_min_items_too_high, "scales[1].min_items: must be between 1 and 2"),
        (lambda raw: {**raw, "target": "parents"}, "target: must be one of staff, students"),
        (lambda raw: {**raw, "licence": ""}, "licence: is required"),
        (lambda raw: {**raw, "id": "other"}, "id: must equal the file name"),
    ],
)
def test_a_broken_instrument_is_refused_with_file_and_place(tmp_path, breaks, message):
    with pytest.raises(InstrumentError) as error:
        load_instrument(write(tmp_path, breaks(sample())))
    assert str(error.value).startswith("sample.yaml: ")
    assert message in str(error.value)


def scale_sizes(instrument_id):
    instrument = shipped_instruments()[instrument_id]
    return {scale.id: len(scale.items) for scale in instrument.scales}, instrument


def test_teacher_self_efficacy_has_three_subscales_of_at_least_four_items():
    sizes, instrument = scale_sizes("teacher_self_efficacy")
    assert instrument.target == "staff"
    assert set(sizes) == {"engagement", "instruction", "classroom_management_v2"}
    assert min(sizes.values()) >= 4


def test_handling_clashing_codes_has_its_own_instrument():
    sizes, instrument = scale_sizes("code_clashes")
    assert instrument.target == "staff"
    assert set(sizes) == {"clashes_in_class", "parents"}
    # It takes over what classroom management asked about culture and parents in version 1.
    texts = [item.text["nl"] for item in instrument.items]
    assert any("grappen" in text for text in texts)
    assert any("ouders uit verschillende culturen" in text for text in texts)
    classroom = [i.text["nl"] for i in shipped_instruments()["teacher_self_efficacy"].items]
    assert not any("ouders" in text or "codes" in text for text in classroom)


def test_every_scale_has_at_least_four_items_and_needs_most_of_them_for_a_score():
    for instrument in shipped_instruments().values():
        for scale in instrument.scales:
            size = len(scale.items)
            assert size >= 4, scale.id
            # More than half answered, but room for one "don't know" (two from six on).
            assert size / 2 < scale.min_items <= size - 1, scale.id


def test_collective_efficacy_has_ten_items_some_reverse_keyed():
    _sizes, instrument = scale_sizes("collective_efficacy")
    assert len(instrument.items) >= 10
    assert any(item.reverse for item in instrument.items)


def test_dressing_room_climate_has_at_least_eight_items():
    _sizes, instrument = scale_sizes("dressing_room_climate")
    assert len(instrument.items) >= 8


def test_student_instrument_measures_efficacy_and_belonging():
    sizes, instrument = scale_sizes("student_self_efficacy")
    assert instrument.target == "students"
    assert sizes["academic_efficacy"] >= 5
    assert sizes["belonging"] >= 5


def test_every_shipped_instrument_says_it_uses_its_own_words():
    for instrument in shipped_instruments().values():
        assert instrument.licence
        assert instrument.citation
