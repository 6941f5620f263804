"""Answering a round through the pages, as staff (personal link) and as students (codes)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dramaturg.surveys import answer_sql
from dramaturg.surveys.models import (
    Participation,
    PendingResponse,
    Response,
    Round,
    RoundTarget,
    StudentCode,
    Submission,
)
from dramaturg.surveys.secrets import open_draft
from tests.helpers import english
from tests.survey_helpers import (
    accepted_answers,
    add_members,
    answer_all,
    form_state,
    personal_links,
    staff_round,
    step_fields,
    student_round,
)

THANKS = "/answer/thanks/"


@pytest.fixture
def team_round(world):
    add_members(world, world.team_a, 4)
    round_ = staff_round(world, [world.team_a])
    return round_, personal_links(round_)


def test_a_teacher_answers_every_step_and_one_response_is_stored(world, team_round):
    round_, links = team_round
    width = len(round_.instruments.get().instrument.items)
    client = Client()
    intro = client.get(links[world.teacher.pk])
    assert intro.status_code == 200
    assert "Najaarsmeting" in intro.content.decode()
    assert "Stap 1 van 2" not in intro.content.decode()  # the introduction comes first
    done = answer_all(client, links[world.teacher.pk], value=4)
    assert done.status_code == 302
    assert done["Location"] == THANKS
    # Accepted and sealed: one answer waits for release, none is readable yet.
    assert accepted_answers() == [[4] * width]
    assert not Response.objects.exists()
    assert PendingResponse.objects.get().target.team == world.team_a
    assert Participation.objects.get(target__round=round_, user=world.teacher).answered
    assert client.get(THANKS).status_code == 200


def test_the_steps_show_progress_and_one_scale_each(world, team_round):
    _round, links = team_round
    *_, first = first_step(links[world.teacher.pk])
    html = first.content.decode()
    assert "Stap 1 van 2" in html
    assert '<progress value="1" max="2"' in html
    assert len(step_fields(first)) == 6
    assert html.count("<legend>") == 6


def test_going_back_keeps_the_answers_given(world, team_round):
    _round, links = team_round
    client, url, first = first_step(links[world.teacher.pk])
    answers = dict.fromkeys(step_fields(first), "2")
    second = client.post(url, {"state": form_state(first), "step": "1", **answers})
    back = client.post(url, {"state": form_state(second), "step": "2", "action": "back"})
    assert back.content.decode().count('value="2" checked') == 6


def test_a_missing_answer_is_named_and_nothing_is_stored(world, team_round):
    _round, links = team_round
    client, url, first = first_step(links[world.teacher.pk])
    fields = step_fields(first)
    partial = dict.fromkeys(fields[:-1], "3")
    again = client.post(url, {"state": form_state(first), "step": "1", **partial})
    assert again.status_code == 400
    assert "Beantwoord alstublieft elke uitspraak." in again.content.decode()
    assert "nog niet beantwoord" in again.content.decode()
    assert not Response.objects.exists()


@pytest.mark.parametrize("bad", ["9", "-1", "abc", "3.5"])
def test_an_out_of_range_or_tampered_value_is_refused_and_nothing_is_stored(world, team_round, bad):
    _round, links = team_round
    client, url, first = first_step(links[world.teacher.pk])
    data = dict.fromkeys(step_fields(first), "3")
    data[step_fields(first)[0]] = bad
    refused = client.post(url, {"state": form_state(first), "step": "1", **data})
    assert refused.status_code == 400
    assert "niet bestaat" in refused.content.decode()
    assert not Response.objects.exists()
    assert not Participation.objects.filter(answered=True).exists()


def test_a_tampered_state_is_refused(world, team_round):
    _round, links = team_round
    client = Client()
    url = links[world.teacher.pk]
    intro = client.get(url)
    state = form_state(intro)
    forged = client.post(url, {"state": state[:-3] + "abc", "step": "0", "action": "next"})
    assert forged.status_code == 400
    # A state made for one person's link does not work on another's.
    other = client.post(
        links[world.culture_carrier.pk], {"state": state, "step": "0", "action": "next"}
    )
    assert other.status_code == 400
    assert not Response.objects.exists()


def test_a_final_submit_with_unanswered_earlier_steps_is_refused(world, team_round):
    _round, links = team_round
    client = Client()
    url = links[world.teacher.pk]
    intro = client.get(url)
    # Jump straight to the last step with a valid state that holds no earlier answers.
    last = {f"q{n}": "3" for n in range(6, 12)}
    refused = client.post(
        url, {"state": form_state(intro), "step": "2", "action": "submit", **last}
    )
    assert refused.status_code == 400
    assert not Response.objects.exists()


def test_submitting_the_same_form_twice_stores_one_response(world, team_round):
    _round, links = team_round
    client, url, first = first_step(links[world.teacher.pk])
    step1 = dict.fromkeys(step_fields(first), "4")
    second = client.post(url, {"state": form_state(first), "step": "1", **step1})
    final = {
        "state": form_state(second),
        "step": "2",
        "action": "submit",
        **dict.fromkeys(step_fields(second), "5"),
    }
    assert client.post(url, final)["Location"] == THANKS
    repeat = client.post(url, final)
    assert repeat.status_code == 200  # "already answered", in Dutch, and harmless
    assert "al ingevuld" in repeat.content.decode()
    assert len(accepted_answers()) == 1
    # The used-up link is what refuses the repeat; only class codes keep a form's key.
    assert not Submission.objects.exists()


def test_an_unknown_link_is_404_and_a_closed_round_says_so(world, team_round):
    round_, links = team_round
    assert Client().get(reverse("answer:staff", args=["nonsense"])).status_code == 404
    Round.objects.filter(pk=round_.pk).update(closed_early_on=timezone.localdate())
    closed = Client().get(links[world.teacher.pk])
    assert closed.status_code == 410
    assert "gesloten" in closed.content.decode()


def test_a_round_closed_while_answering_stores_nothing(world, team_round):
    round_, links = team_round
    client, url, first = first_step(links[world.teacher.pk])
    second = client.post(
        url, {"state": form_state(first), "step": "1", **dict.fromkeys(step_fields(first), "4")}
    )
    Round.objects.filter(pk=round_.pk).update(closed_early_on=timezone.localdate())
    late = client.post(
        url,
        {
            "state": form_state(second),
            "step": "2",
            "action": "submit",
            **dict.fromkeys(step_fields(second), "4"),
        },
    )
    assert late.status_code == 410
    assert not Response.objects.exists()
    assert not Submission.objects.exists()
    assert not Participation.objects.filter(answered=True).exists()


def test_a_scheduled_round_names_its_opening_date(world):
    add_members(world, world.team_a, 4)
    later = timezone.localdate() + dt.timedelta(days=3)
    round_ = staff_round(world, [world.team_a], opens_on=later, closes_on=later)
    links = personal_links(round_)
    page = Client().get(links[world.teacher.pk])
    assert page.status_code == 410
    assert later.strftime("%d-%m-%Y") in page.content.decode()


def test_save_and_continue_later_seals_the_draft_with_the_link(world, team_round):
    round_, links = team_round
    client, url, first = first_step(links[world.teacher.pk])
    answers = dict.fromkeys(step_fields(first), "2")
    saved = client.post(url, {"state": form_state(first), "step": "1", "action": "save", **answers})
    assert saved.status_code == 200
    assert "bewaard" in saved.content.decode()
    participation = Participation.objects.get(target__round=round_, user=world.teacher)
    assert participation.sealed_draft
    assert not participation.answered
    assert not Response.objects.exists()
    # The stored draft is unreadable without the link's token.
    assert open_draft("another-token", participation.sealed_draft) is None
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert open_draft(token, participation.sealed_draft)[:6] == [2] * 6
    # Later, on another device: the link opens at step 2 with step 1 remembered.
    later = Client().get(url)
    assert "Stap 2 van 2" in later.content.decode()
    done = answer_all_from(Client(), url, later)
    assert done["Location"] == THANKS
    second = len(round_.instruments.get().instrument.scales[1].items)
    assert accepted_answers() == [[2] * 6 + [5] * second]
    participation.refresh_from_db()
    assert participation.answered
    assert participation.sealed_draft == ""


def first_step(url):
    """A fresh browser opens the link and moves from the introduction to step 1."""
    client = Client()
    intro = client.get(url)
    first = client.post(url, {"state": form_state(intro), "step": "0", "action": "next"})
    return client, url, first


def answer_all_from(client, url, page):
    return client.post(
        url,
        {
            "state": form_state(page),
            "step": "2",
            "action": "submit",
            **dict.fromkeys(step_fields(page), "5"),
        },
    )


def test_the_personal_page_speaks_the_persons_language(world, team_round):
    _round, links = team_round
    world.teacher.language = "en"
    world.teacher.save()
    page = Client().get(links[world.teacher.pk])
    assert "Begin" in page.content.decode()
    assert '<html lang="en">' in page.content.decode()
    chosen = english(Client())
    chosen.cookies["dramaturg_language"] = "nl"
    assert '<html lang="nl">' in chosen.get(links[world.teacher.pk]).content.decode()


def test_a_student_answers_with_the_class_code(world):
    round_ = student_round(world, sizes=(25,))
    code = round_.targets.get().class_code
    client = Client()
    start = client.get(reverse("answer:student"))
    assert 'name="code"' in start.content.decode()
    done = answer_all(client, reverse("answer:student"), value=3, extra={"code": code.lower()})
    assert done["Location"] == THANKS
    assert accepted_answers() == [[3] * len(round_.instruments.get().instrument.items)]


def test_a_class_code_form_submitted_twice_stores_one_response(world):
    # A class code stays valid for the next student: the form's one-time key is what tells
    # a double click (or a resent request) apart from a new answer.
    round_ = student_round(world, sizes=(25,))
    code = round_.targets.get().class_code
    client, url = Client(), reverse("answer:student")
    page, step = client.post(url, {"code": code}), 0  # the introduction
    while 'value="submit"' not in page.content.decode():
        fields = dict.fromkeys(step_fields(page), "3")
        data = {"code": code, "state": form_state(page), "step": str(step), **fields}
        page, step = client.post(url, data), step + 1
    final = {
        "code": code,
        "state": form_state(page),
        "step": str(step),
        "action": "submit",
        **dict.fromkeys(step_fields(page), "3"),
    }
    assert client.post(url, final)["Location"] == THANKS
    assert client.post(url, final)["Location"] == THANKS  # harmless: nothing more stored
    assert len(accepted_answers()) == 1
    assert Submission.objects.count() == 1
    # Another student's form with the same code is a new answer.
    assert answer_all(Client(), url, extra={"code": code})["Location"] == THANKS
    assert len(accepted_answers()) == 2
    assert Submission.objects.count() == 2


def test_a_class_code_accepts_no_more_answers_than_the_class_has_students(world):
    round_ = student_round(world, sizes=(2,), threshold=5)
    code = round_.targets.get().class_code
    for _n in range(2):
        done = answer_all(Client(), reverse("answer:student"), extra={"code": code})
        assert done["Location"] == THANKS
    full = answer_all(Client(), reverse("answer:student"), extra={"code": code})
    assert full.status_code == 400
    # Both wait for release (two are fewer than the threshold): the cap counts them anyway.
    assert len(accepted_answers()) == 2


def test_an_unknown_code_asks_again_in_the_students_language(world):
    student_round(world)
    page = english(Client()).post(reverse("answer:student"), {"code": "XXXX-XXXX"})
    assert page.status_code == 200
    assert "This code is unknown" in page.content.decode()
    assert not Response.objects.exists()


def test_a_single_use_code_works_once(world):
    round_ = student_round(world, sizes=(6,), access=Round.StudentAccess.SINGLE_USE)
    codes = list(StudentCode.objects.filter(target__round=round_).values_list("code", flat=True))
    assert len(codes) == 6
    assert len(set(codes)) == 6
    done = answer_all(Client(), reverse("answer:student"), extra={"code": codes[0]})
    assert done["Location"] == THANKS
    again = Client().post(reverse("answer:student"), {"code": codes[0]})
    assert "al gebruikt" in again.content.decode()
    assert StudentCode.objects.filter(used=True).count() == 1
    assert len(accepted_answers()) == 1


def _values(instance) -> list:
    return [getattr(instance, f.attname) for f in instance._meta.concrete_fields]


@pytest.mark.parametrize("names", [True, False])
@pytest.mark.parametrize("access", list(Round.StudentAccess))
def test_the_code_lookups_in_sql_give_what_the_orm_gives(world, access, names):
    # The answer pages read codes with plain SQL (answer_sql.py) for speed; the instances
    # must hold exactly what select_related() would, converted values (times, dates) included.
    # A submit skips the school and the class (`names`): they load when a page needs them.
    round_ = student_round(world, sizes=(3,), access=access)
    targets = RoundTarget.objects.select_related("round__school", "student_group")
    if access == Round.StudentAccess.SINGLE_USE:
        orm = StudentCode.objects.select_related("target").filter(target__round=round_).first()
        raw = answer_sql.slip(orm.code, names=names)
        assert _values(raw) == _values(orm)
        expected, found = targets.get(pk=orm.target_id), raw.target
    else:
        expected = targets.get(round=round_)
        found = answer_sql.class_target(expected.class_code, names=names)
    assert _values(found) == _values(expected)
    assert _values(found.round) == _values(expected.round)
    assert found.round.created_at.tzinfo is not None
    assert _values(found.round.school) == _values(expected.round.school)
    assert _values(found.student_group) == _values(expected.student_group)
    assert answer_sql.slip("XXXX-XXXX", names=names) is None
    assert answer_sql.class_target("XXX-XXX", names=names) is None


def test_a_refused_submit_still_names_the_school_and_the_class(world):
    round_ = student_round(world, sizes=(25,))
    code = round_.targets.get().class_code
    client, url = Client(), reverse("answer:student")
    intro = client.post(url, {"code": code})
    # A submit with nothing answered: the last step's page again, with its header.
    refused = client.post(
        url, {"code": code, "state": form_state(intro), "step": "1", "action": "submit"}
    )
    assert refused.status_code == 400
    html = refused.content.decode()
    assert f"{world.school.name} · Leerlingmeting · Groep 6" in html
