"""The answers carried between the answering steps: encrypted, bound to one link or code, and
refused with the usual clear message when changed, as someone who reads the page source or a
proxy's record of the form, or who swaps forms between links, would find."""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib

import pytest
from django.core import signing
from django.test import Client, override_settings
from django.urls import reverse

from dramaturg.surveys import answering
from dramaturg.surveys.models import Response, Round, StudentCode
from dramaturg.surveys.secrets import new_token
from tests.survey_helpers import (
    add_members,
    form_state,
    personal_links,
    staff_round,
    step_fields,
    student_round,
)

TAMPERED = "Het formulier is gewijzigd of hoort bij een andere vragenlijst."
# The first step's six answers, chosen so that their JSON is recognisable: [4,1,3,2,4,1].
GIVEN = ["4", "1", "3", "2", "4", "1"]


def _readings(value: str) -> list[bytes]:
    """Everything an onlooker would try on a hidden field: the text itself, base64 (standard
    and URL-safe, padding repaired) of the whole and of each part between ':' or '.', and zlib
    on each of those."""
    readings = [value.encode()]
    for part in [value, *re.split(r"[:.]", value)]:
        raw = part.encode()
        for decode in (base64.urlsafe_b64decode, base64.b64decode):
            try:
                readings.append(decode(raw + b"=" * (-len(raw) % 4)))
            except (binascii.Error, ValueError):
                continue
    for reading in list(readings):
        for start in (0, 1):  # Django marks a compressed payload with a leading '.'
            try:
                readings.append(zlib.decompress(reading[start:]))
            except zlib.error:
                continue
    return readings


def _shows_answers(value: str, answers: list[int]) -> bool:
    pattern = json.dumps(answers, separators=(",", ":")).encode()[1:-1]  # 4,1,3,2,4,1
    return any(b'"answers"' in r or pattern in r or b"answers" in r for r in _readings(value))


def test_the_readings_would_find_answers_in_a_merely_signed_state():
    # The old field (signed, compressed, not encrypted): the check below is not toothless.
    state = {"answers": [int(v) for v in GIVEN] + [None] * 6, "key": new_token()}
    assert _shows_answers(signing.dumps(state, salt="x", compress=True), [4, 1, 3, 2, 4, 1])
    assert _shows_answers(signing.dumps(state, salt="x"), [4, 1, 3, 2, 4, 1])


@pytest.fixture
def links(world):
    add_members(world, world.team_a, 4)
    return personal_links(staff_round(world, [world.team_a]))


def _after_first_step(client: Client, url: str, values=GIVEN, extra=None):
    intro = client.get(url) if extra is None else client.post(url, extra)
    first = client.post(url, {**(extra or {}), "state": form_state(intro), "step": "0"})
    data = dict(zip(step_fields(first), values, strict=True))
    return client.post(url, {**(extra or {}), "state": form_state(first), "step": "1", **data})


def test_the_hidden_field_neither_shows_nor_decodes_to_the_answers(world, links):
    client, url = Client(), links[world.teacher.pk]
    second = _after_first_step(client, url)
    assert second.status_code == 200
    state = form_state(second)
    assert not _shows_answers(state, [4, 1, 3, 2, 4, 1])
    # And yet it carries them: going back shows the answers given.
    back = client.post(url, {"state": state, "step": "2", "action": "back"})
    checked = re.findall(r'name="(q\d)" value="(\d)" checked', back.content.decode())
    assert [value for _name, value in checked] == GIVEN


def test_the_fields_length_does_not_depend_on_the_answers(world, links):
    url = links[world.teacher.pk]
    low = form_state(_after_first_step(Client(), url, ["1"] * 6))
    high = form_state(_after_first_step(Client(), url, ["4"] * 6))
    mixed = form_state(_after_first_step(Client(), url, GIVEN))
    intro = form_state(Client().get(url))  # nothing answered yet
    assert len(low) == len(high) == len(mixed) == len(intro)


def test_a_state_from_one_link_is_refused_on_another_with_the_clear_message(world, links):
    state = form_state(_after_first_step(Client(), links[world.teacher.pk]))
    other = Client().post(
        links[world.culture_carrier.pk], {"state": state, "step": "2", "action": "back"}
    )
    assert other.status_code == 400
    assert TAMPERED in other.content.decode()


def test_a_state_from_one_code_is_refused_on_another(world):
    classes = student_round(world, sizes=(25, 25))
    first, second = (t.class_code for t in classes.targets.order_by("pk"))
    slips = student_round(
        world, sizes=(6,), access=Round.StudentAccess.SINGLE_USE, class_prefix="Klas"
    )
    slip = StudentCode.objects.filter(target__round=slips).values_list("code", flat=True)[0]
    url = reverse("answer:student")
    state = form_state(_after_first_step(Client(), url, extra={"code": first}))
    for code in (second, slip):
        refused = Client().post(url, {"code": code, "state": state, "step": "1", "action": "back"})
        assert refused.status_code == 400
        assert TAMPERED in refused.content.decode()
    # The same state still works with its own code (any spelling of it).
    own = Client().post(url, {"code": first.lower(), "state": state, "step": "1", "action": "back"})
    assert own.status_code == 200


@pytest.mark.parametrize("where", [10, 60, -10])
def test_a_changed_state_is_refused_and_nothing_is_stored(world, links, where):
    client, url = Client(), links[world.teacher.pk]
    state = form_state(_after_first_step(client, url))
    at = where % len(state)
    forged = state[:at] + ("A" if state[at] != "A" else "B") + state[at + 1 :]
    last = {f"q{n}": "3" for n in range(6, 12)}
    refused = client.post(url, {"state": forged, "step": "2", "action": "submit", **last})
    assert refused.status_code == 400
    assert TAMPERED in refused.content.decode()
    assert not Response.objects.exists()


@pytest.mark.parametrize("junk", ["", "nonsense", "é", "gAAAAA", "x" * 5000])
def test_junk_in_place_of_the_state_gets_the_clear_message(world, links, junk):
    refused = Client().post(links[world.teacher.pk], {"state": junk, "step": "0"})
    assert refused.status_code == 400
    assert TAMPERED in refused.content.decode()


def test_a_state_made_under_another_secret_key_is_refused_but_a_rotated_key_still_opens(
    world, links
):
    access = answering.staff_access(links[world.teacher.pk].split("/")[-2])
    state = answering.new_state(access, [3] * access.item_count)
    old_key = "an-old-secret-key-" + "x" * 40
    with override_settings(SECRET_KEY=old_key):
        old = answering.dump_state(access, state)
    with pytest.raises(answering.BadAnswers):
        answering.load_state(access, old)
    # After a key rotation (the old key moved to SECRET_KEY_FALLBACKS) a form someone is
    # filling in still opens.
    with override_settings(SECRET_KEY_FALLBACKS=[old_key]):
        assert answering.load_state(access, old)["answers"] == [3] * access.item_count
