"""The database holder's attack: with the database (its files, system columns, row order) but
not the application's secret key, nobody can tell which answers a person or a code gave.

Answers are submitted in a known order with answers that name their submitter, then the tables
are read as an attacker would: PostgreSQL's transaction ids (`xmin`) and physical order
(`ctid`), SQLite's `rowid`. The sealed pending stage and the shuffled batch release
(`surveys/release.py`) must leave nothing to join on.
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from dramaturg.surveys import answering, release
from dramaturg.surveys.models import (
    Participation,
    PendingResponse,
    Response,
    Round,
    StudentCode,
)
from dramaturg.surveys.secrets import new_token
from dramaturg.surveys.services import close_round
from tests.helpers import english
from tests.survey_helpers import (
    accepted_answers,
    add_members,
    answer_all,
    personal_links,
    staff_round,
    student_round,
)

POSTGRES = connection.vendor == "postgresql"


def _signature(number: int, items: int, options: int = 4) -> list[int]:
    """Answers that spell out `number` in base `options` (values 1..options): one per person."""
    digits = []
    for _n in range(items):
        digits.append(number % options + 1)
        number //= options
    return digits


def _submit(access: answering.Access, answers: list[int]) -> None:
    answering.submit(access, {"answers": list(answers), "key": new_token()})


def _physical_rows(table: str, columns: str) -> list[tuple]:
    """The rows in the order they lie in the table, with their transaction id on PostgreSQL."""
    order = "ctid" if POSTGRES else "rowid"
    xmin = ", xmin::text" if POSTGRES else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}{xmin} FROM {table} ORDER BY {order}")
        return cursor.fetchall()


def _answers(value) -> list[int]:
    return value if isinstance(value, list) else json.loads(value)


def _xmins(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT xmin::text FROM {table}")
        return [row[0] for row in cursor.fetchall()]


# Real transactions, committed one by one as on a server (not savepoints in a test's own).
@pytest.mark.django_db(transaction=True)
def test_single_use_codes_cannot_be_matched_to_answers_by_row_order_or_transaction(world):
    # A teacher notes which slip went to which student and in which order they answered:
    # 60 slips, answered one after the other, each answer naming its slip.
    round_ = student_round(world, sizes=(60,), access=Round.StudentAccess.SINGLE_USE)
    codes = list(StudentCode.objects.filter(target__round=round_).values_list("code", flat=True))
    width = answering.student_access(codes[0]).item_count
    expected = []
    for number, code in enumerate(codes):
        expected.append(_signature(number, width))
        _submit(answering.student_access(code, submitting=True), expected[-1])
    # From the tenth answer on, every fifth releases five of the ten waiting, chosen at
    # random; five always stay back, so the closing releases five too.
    assert (Response.objects.count(), PendingResponse.objects.count()) == (55, 5)
    close_round(world.leader, round_)
    assert not PendingResponse.objects.exists()

    rows = _physical_rows(Response._meta.db_table, "answers")
    submitted = [expected.index(_answers(row[0])) for row in rows]
    assert sorted(submitted) == list(range(60))  # every answer is there, unchanged
    # Guessing "the k-th row is the k-th slip" fails: within each batch of five the rows lie
    # in a shuffled order, and which five a batch holds is drawn at random. (All twelve
    # batches in the order of submission would happen by chance once in 120^12 runs.)
    batches = [submitted[start : start + 5] for start in range(0, 60, 5)]
    in_order = [batch for batch in batches if batch == sorted(batch)]
    assert len(in_order) < 12
    guessed = sum(1 for position, number in enumerate(submitted) if position == number)
    assert guessed < 36
    if POSTGRES:
        # Each batch was written by one transaction (eleven by the submit that released it,
        # the last by the closing): a join of used slips and responses on the transaction
        # id names five answers, never one.
        batches_by_xmin = Counter(row[1] for row in rows)
        assert sorted(batches_by_xmin.values()) == [5] * 12
        slips = _xmins(StudentCode._meta.db_table)
        assert all(batches_by_xmin.get(xmin, 0) in (0, 5) for xmin in slips)
        assert sum(1 for xmin in set(slips) if xmin in batches_by_xmin) == 11


@pytest.mark.django_db(transaction=True)
def test_personal_links_cannot_be_matched_to_answers_by_transaction_or_row_order(world):
    people = [world.teacher, world.culture_carrier, *add_members(world, world.team_a, 8)]
    round_ = staff_round(world, [world.team_a])
    links = personal_links(round_)
    tokens = {user_pk: link.rstrip("/").rsplit("/", 1)[1] for user_pk, link in links.items()}
    width = answering.staff_access(tokens[people[0].pk]).item_count
    expected = {}
    for number, person in enumerate(people):
        expected[person.pk] = _signature(number, width, options=5)
        _submit(answering.staff_access(tokens[person.pk]), expected[person.pk])
    assert Participation.objects.filter(target__round=round_, answered=True).count() == 10
    assert (Response.objects.count(), PendingResponse.objects.count()) == (5, 5)
    close_round(world.leader, round_)

    rows = _physical_rows(Response._meta.db_table, "answers")
    assert sorted(map(str, (_answers(row[0]) for row in rows))) == sorted(
        map(str, expected.values())
    )
    if POSTGRES:
        # The transaction that used up a link wrote a sealed row, or, for the tenth, a batch
        # of five; the closing wrote the other five: a join never names one person's answers.
        batches = Counter(row[1] for row in rows)
        assert sorted(batches.values()) == [5, 5]
        links = _xmins(Participation._meta.db_table)
        assert all(batches.get(xmin, 0) in (0, 5) for xmin in links)


def test_waiting_answers_are_sealed_to_one_length_and_open_only_with_the_key(world):
    round_ = student_round(world, sizes=(25,), access=Round.StudentAccess.SINGLE_USE)
    codes = list(StudentCode.objects.filter(target__round=round_).values_list("code", flat=True))
    width = answering.student_access(codes[0]).item_count
    # Answers of different kinds: all "don't know", all 4, a mix.
    for code, answers in zip(codes, ([0] * width, [4] * width, _signature(7, width)), strict=False):
        _submit(answering.student_access(code, submitting=True), answers)
    sealed = list(PendingResponse.objects.values_list("sealed", flat=True))
    assert len(sealed) == 3
    assert len({len(text) for text in sealed}) == 1  # the length says nothing
    for text in sealed:
        assert "4, 4" not in text
        assert release.unseal(round_.pk, text) is not None
        assert release.unseal(round_.pk + 1, text) is None  # bound to its round
    # Whoever has the database but not the application's key opens nothing.
    with override_settings(SECRET_KEY="someone-elses-key-" + "x" * 40, SECRET_KEY_FALLBACKS=[]):
        assert all(release.unseal(round_.pk, text) is None for text in sealed)


def test_a_key_change_keeps_waiting_answers_through_the_fallback(world, settings):
    round_ = student_round(world, sizes=(25,), access=Round.StudentAccess.SINGLE_USE)
    code = StudentCode.objects.filter(target__round=round_).values_list("code", flat=True)[0]
    access = answering.student_access(code, submitting=True)
    _submit(access, [3] * access.item_count)
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-key-" + "z" * 40, [old_key]
    close_round(world.leader, round_)
    assert Response.objects.get().answers == [3] * access.item_count


def test_rates_move_only_in_batches_and_figures_wait_for_the_closing(world, client_for):
    people = [world.teacher, world.culture_carrier, *add_members(world, world.team_a, 10)]
    round_ = staff_round(world, [world.team_a])
    links = personal_links(round_)
    client = english(client_for(world.leader))

    def shown() -> str:
        address = reverse("surveys:round_detail", args=[world.school.slug, round_.pk])
        html = client.get(address).content.decode()
        return re.sub(r'"csrfmiddlewaretoken" value="[^"]+"', "", html)  # new on every page

    for person in people[:9]:
        answer_all(Client(), links[person.pk], value=4)
    assert "0 of 12" in shown()
    assert len(accepted_answers(round_)) == 9
    # The tenth answer releases five of the ten; five stay back.
    answer_all(Client(), links[people[9].pk], value=2)
    page = shown()
    assert "5 of 12 (42%)" in page
    assert "The figures appear once the round has closed" in page
    assert '<table class="results"' not in page
    # Two more answers arrive: a leader watching the page sees nothing move.
    for person in people[10:12]:
        answer_all(Client(), links[person.pk], value=1)
    assert shown() == page
    # When the round closes, the seven that waited count as well, and the figures appear.
    close_round(world.leader, round_)
    page = shown()
    assert "12 of 12 (100%)" in page
    assert '<table class="results"' in page


@pytest.mark.parametrize("closing", ["early", "by date"])
def test_what_waits_when_a_round_closes_is_released_then(world, closing):
    round_ = student_round(world, sizes=(25,))
    code = round_.targets.get().class_code
    for _n in range(3):
        answer_all(Client(), "/answer/", extra={"code": code})
    assert Response.objects.count() == 0
    if closing == "early":
        close_round(world.leader, round_)
    else:
        Round.objects.filter(pk=round_.pk).update(
            opens_on=round_.opens_on.replace(year=round_.opens_on.year - 1),
            closes_on=round_.opens_on.replace(year=round_.opens_on.year - 1),
        )
        out = io.StringIO()
        call_command("release_answers", stdout=out)
        assert out.getvalue().strip() == "released 3 answer(s)"
    assert Response.objects.count() == 3
    assert not PendingResponse.objects.exists()
