"""Anonymity by construction: the database cannot link a person or a code to an answer, and
no page or figure shows a group below the threshold."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from dramaturg.analysis.suppression import suppress
from dramaturg.surveys.models import (
    Participation,
    PendingResponse,
    Response,
    Round,
    StudentCode,
    Submission,
)
from dramaturg.surveys.results import round_results
from dramaturg.surveys.services import close_round
from tests.survey_helpers import (
    add_members,
    answer_all,
    personal_links,
    scale_score,
    staff_round,
    student_round,
)

RESPONSE_COLUMNS = {"id", "round_id", "target_id", "answers", "week"}


def _rows(model) -> tuple[list[str], list[tuple]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {model._meta.db_table}")
        return [c[0] for c in cursor.description], cursor.fetchall()


def test_the_database_cannot_link_a_person_or_code_to_an_answer(world):
    members = add_members(world, world.team_a, 5)
    staff = staff_round(world, [world.team_a])
    links = personal_links(staff)
    for n, user in enumerate([*members, world.teacher]):
        assert answer_all(Client(), links[user.pk], value=1 + n % 5).status_code == 302
    students = student_round(world, sizes=(5,), access=Round.StudentAccess.SINGLE_USE)
    codes = list(StudentCode.objects.filter(target__round=students).values_list("code", flat=True))
    for code in codes[:3]:
        answer_all(Client(), reverse("answer:student"), extra={"code": code})
    # Class-code forms also leave their one-time key in `Submission`.
    shared = student_round(world, sizes=(5,), class_prefix="Klas").targets.get().class_code
    for _n in range(2):
        answer_all(Client(), reverse("answer:student"), extra={"code": shared})

    # Eleven answered, none released: a team or class releases only once twice the
    # threshold wait, and keeps the threshold back. Until then all wait sealed.
    assert Response.objects.count() == 0
    pending_columns, pending = _rows(PendingResponse)
    assert set(pending_columns) == {"id", "round_id", "target_id", "sealed"}
    assert len(pending) == 11
    for round_ in (staff, students, Round.objects.get(targets__class_code=shared)):
        close_round(world.leader, round_)
    assert not PendingResponse.objects.exists()

    # The response table has exactly these columns: no user, participation, token, code
    # or moment of answering.
    columns, rows = _rows(Response)
    assert set(columns) == RESPONSE_COLUMNS
    assert len(rows) == 11
    field_types = {f.name: f.get_internal_type() for f in Response._meta.concrete_fields}
    assert "DateTimeField" not in field_types.values()
    # Its foreign keys point only at the round and the team or class.
    related = {f.related_model._meta.label for f in Response._meta.concrete_fields if f.is_relation}
    assert related == {"surveys.Round", "surveys.RoundTarget"}
    # No value stored on the answer side equals anything that identifies a person or code.
    identifying = {*codes, shared}
    for participation in Participation.objects.select_related("user"):
        identifying |= {participation.token_hash, participation.user.email}
    keys = _rows(Submission)[1]
    assert len(keys) == 2
    answer_side = [*rows, *keys]
    for row in answer_side:
        for value in row:
            assert not any(secret in str(value) for secret in identifying)
    # And the people's side holds no answer: only whether they answered.
    participation_columns, _p = _rows(Participation)
    assert "answers" not in participation_columns
    assert not [c for c in participation_columns if c.endswith("_at")]
    code_columns, _c = _rows(StudentCode)
    assert set(code_columns) == {"id", "target_id", "code", "used"}
    # Responses carry random keys, so their order says nothing about who answered first.
    assert all(len(str(row[columns.index("id")]).replace("-", "")) == 32 for row in rows)


def test_a_team_of_four_gets_no_figures_and_no_response_rate(world):
    add_members(world, world.team_b, 3)  # team_b: teacher2 + 3 = 4 people
    round_ = staff_round(world, [world.team_b])
    links = personal_links(round_)
    for link in links.values():
        answer_all(Client(), link, value=4)
    # Four answers wait for release: fewer than the threshold, so nothing is readable yet.
    assert Response.objects.count() == 0
    close_round(world.leader, round_)
    assert Response.objects.count() == 4
    [rate] = round_results(round_).targets
    assert rate.invited == 4
    assert rate.answered is None
    for result in round_results(round_).scales:
        assert result.total.suppressed
        assert all(figure.suppressed for figure in result.groups.values())


def test_figures_appear_once_the_round_closes_with_the_threshold_met(world):
    add_members(world, world.team_a, 5)
    round_ = staff_round(world, [world.team_a])
    links = list(personal_links(round_).values())
    for link in links[:4]:
        answer_all(Client(), link, value=4)
    answer_all(Client(), links[4], value=2)
    # While the round is open, no figure at all: one shown now could be subtracted later.
    found = round_results(round_)
    assert not found.closed
    assert all(r.total.suppressed for r in found.scales)
    close_round(world.leader, round_)
    results = round_results(round_).scales
    assert not results[0].total.suppressed
    assert results[0].total.n == 5
    first = results[0]
    instrument = round_.instruments.get().instrument
    scale = next(s for s in instrument.scales if s.id == first.scale)
    offset = 0
    expected = [
        scale_score(instrument, scale, answers, offset)
        for answers in Response.objects.values_list("answers", flat=True)
    ]
    # Rounded to two decimals, as every page and export shows it.
    assert first.total.mean == round(sum(expected) / 5, 2)
    assert first.total.mean != pytest.approx(expected[0])  # the one different answer counts


def test_the_round_total_never_reveals_a_suppressed_team_by_subtraction(world):
    big = add_members(world, world.team_a, 6, prefix="groot")  # plus 2 = 8 in team_a
    small = add_members(world, world.team_b, 2, prefix="klein")  # plus teacher2 = 3
    round_ = staff_round(world, [world.team_a, world.team_b])
    links = personal_links(round_)
    for user in big:
        answer_all(Client(), links[user.pk], value=4)
    for user in [*small, world.teacher2]:
        answer_all(Client(), links[user.pk], value=1)
    close_round(world.leader, round_)
    for result in round_results(round_).scales:
        shown = [f for f in result.groups.values() if not f.suppressed]
        # 6 + 3 = 9 answered: the total is shown, so team_a must be hidden as well.
        assert not result.total.suppressed
        assert result.total.n == 9
        assert shown == []


@given(
    sizes=st.dictionaries(st.integers(0, 30), st.integers(1, 40), max_size=12),
    threshold=st.integers(3, 10),
)
def test_no_combination_of_shown_groups_and_total_isolates_fewer_than_the_threshold(
    sizes, threshold
):
    hidden = suppress(sizes, threshold)
    shown = {key for key in sizes if key not in hidden}
    # Every shown group is large enough ...
    assert all(sizes[key] >= threshold for key in shown)
    # ... and the total minus every shown group leaves either nobody or enough people.
    rest = sum(sizes[key] for key in hidden)
    assert rest == 0 or rest >= threshold or not shown
