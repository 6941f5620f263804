"""The school's list of codes: the leader and the development group keep it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from dramaturg.repertoire.errors import RepertoireError
from dramaturg.repertoire.models import CodeTag
from dramaturg.repertoire.services import codes
from dramaturg.repertoire.services.moments import record_moment
from tests.helpers import english

pytestmark = pytest.mark.django_db


def url(name, school, *args):
    return reverse(f"repertoire:{name}", args=[school.slug, *args])


def names(school):
    return list(CodeTag.objects.filter(school=school).values_list("name_nl", flat=True))


def test_every_school_starts_with_the_eight_default_codes(world):
    assert len(names(world.school)) == 8
    assert names(world.school)[0] == "gezicht en eer"


def test_add_rename_and_refuse_bad_names(world):
    code = codes.add_code(world.culture_carrier, world.school, name_nl="Op tijd komen")
    assert names(world.school)[-1] == "Op tijd komen"
    codes.rename_code(world.leader, code, name_nl="Op tijd zijn", name_en="Being on time")
    code.refresh_from_db()
    assert (code.name_nl, code.name_en, code.name) == (
        "Op tijd zijn",
        "Being on time",
        "Op tijd zijn",
    )
    for bad in ("", "  ", "x" * 81, "Gezicht en eer"):
        with pytest.raises(RepertoireError):
            codes.add_code(world.leader, world.school, name_nl=bad)
    assert len(names(world.school)) == 9
    with pytest.raises(PermissionDenied):
        codes.add_code(world.teacher, world.school, name_nl="Iets")


def test_move_up_and_down(world):
    second = CodeTag.objects.filter(school=world.school)[1]
    codes.move_code(world.leader, second, "up")
    assert names(world.school)[:2] == ["gezag", "gezicht en eer"]
    codes.move_code(world.leader, second, "up")  # already first: nothing happens
    assert names(world.school)[0] == "gezag"
    codes.move_code(world.leader, second, "down")
    assert names(world.school)[:2] == ["gezicht en eer", "gezag"]


def test_a_code_in_use_is_retired_not_deleted(world):
    used, unused = CodeTag.objects.filter(school=world.school)[:2]
    moment = record_moment(
        world.teacher,
        world.school,
        what_happened="Een leerling wilde niet verklikken.",
        ladders=["school", "peer"],
        stage="audience",
        what_i_did="Niet doorgevraagd.",
        how_it_ended="Later kwam het uit.",
        codes=[used],
    )
    with pytest.raises(RepertoireError):
        codes.delete_code(world.leader, used)
    codes.set_retired(world.leader, used, True)
    used.refresh_from_db()
    assert used.retired
    assert list(moment.codes.all()) == [used]  # the moment keeps its tag
    codes.set_retired(world.leader, used, False)
    used.refresh_from_db()
    assert not used.retired
    codes.delete_code(world.culture_carrier, unused)
    assert not CodeTag.objects.filter(pk=unused.pk).exists()


def test_the_codes_page_for_the_leader_and_the_development_group(world, client_for):
    for user in (world.leader, world.culture_carrier):
        page = client_for(user).get(url("codes", world.school)).content.decode()
        assert "gezicht en eer" in page
        assert "Buiten gebruik zetten" in page
    page = english(client_for(world.leader)).get(url("codes", world.school)).content.decode()
    assert "Retire" in page
    assert "Name codes, never groups of people" in page
    assert client_for(world.teacher).get(url("codes", world.school)).status_code == 403


def test_the_codes_pages_change_the_list(world, client_for):
    client = client_for(world.leader)
    response = client.post(url("codes", world.school), {"name_nl": "Eerlijk delen"})
    assert response.status_code == 302
    code = CodeTag.objects.get(school=world.school, name_nl="Eerlijk delen")
    response = client.post(url("codes", world.school), {"name_nl": "Eerlijk delen"}, follow=True)
    assert "Je school heeft al een code met deze naam." in response.content.decode()
    response = client.post(url("codes", world.school), {"name_nl": ""})
    assert response.status_code == 200
    assert len(names(world.school)) == 9

    assert client.get(url("code_edit", world.school, code.pk)).status_code == 200
    client.post(url("code_edit", world.school, code.pk), {"name_nl": "Delen", "name_en": "Sharing"})
    code.refresh_from_db()
    assert code.name_en == "Sharing"

    client.post(url("code_move", world.school, code.pk, "up"))
    assert names(world.school)[-2] == "Delen"
    assert client.post(url("code_move", world.school, code.pk, "sideways")).status_code == 404
    assert client.get(url("code_move", world.school, code.pk, "up")).status_code == 405

    client.post(url("code_state", world.school, code.pk, "retire"))
    code.refresh_from_db()
    assert code.retired
    page = client.get(url("moment_new", world.school)).content.decode()
    assert "Delen" not in page
    client.post(url("code_state", world.school, code.pk, "restore"))
    code.refresh_from_db()
    assert not code.retired
    assert client.post(url("code_state", world.school, code.pk, "burn")).status_code == 404

    page = client.get(url("code_delete", world.school, code.pk)).content.decode()
    assert "Deze code verwijderen?" in page
    client.post(url("code_delete", world.school, code.pk))
    assert not CodeTag.objects.filter(pk=code.pk).exists()


def test_another_schools_code_is_a_404(world, client_for):
    theirs = CodeTag.objects.filter(school=world.other_school).first()
    client = client_for(world.leader)
    for name, extra in (
        ("code_edit", ()),
        ("code_move", ("up",)),
        ("code_state", ("retire",)),
        ("code_delete", ()),
    ):
        assert client.post(url(name, world.school, theirs.pk, *extra)).status_code == 404
    theirs.refresh_from_db()
    assert not theirs.retired


def test_a_member_cannot_change_codes(world, client_for):
    code = CodeTag.objects.filter(school=world.school).first()
    client = client_for(world.teacher)
    assert client.post(url("code_state", world.school, code.pk, "retire")).status_code == 403
    assert client.post(url("code_delete", world.school, code.pk)).status_code == 403
    assert CodeTag.objects.filter(pk=code.pk, retired=False).exists()
