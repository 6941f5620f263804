"""The upgrade that cuts the link stored responses carried: every answer is carried over, in
a new order with new keys, and on PostgreSQL no longer in the transaction of its submit."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection

BEFORE = ("surveys", "0002_pending_responses")
AFTER = ("surveys", "0003_reshuffle_responses")


def _ordered(table: str) -> list[tuple]:
    order = "ctid" if connection.vendor == "postgresql" else "rowid"
    xmin = ", xmin::text" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, target_id, week{xmin} FROM {table} ORDER BY {order}")
        return cursor.fetchall()


@pytest.mark.django_db(transaction=True)
def test_stored_responses_are_carried_over_in_a_new_order_with_new_keys(migrator):
    old = migrator.apply_initial_migration(BEFORE)
    get = old.apps.get_model
    board = get("schools", "Board").objects.create(name="Bestuur", slug="bestuur")
    school = get("schools", "School").objects.create(
        board=board, name="School", slug="school", sector="po"
    )
    year = get("schools", "SchoolYear").objects.create(
        start_year=2025, starts_on=dt.date(2025, 8, 1), ends_on=dt.date(2026, 7, 31)
    )
    team = get("schools", "Team").objects.create(school=school, name="Bovenbouw")
    Round = get("surveys", "Round")
    rounds = [
        Round.objects.create(
            school=school,
            school_year=year,
            title=f"Meting {n}",
            mode="staff",
            opens_on=dt.date(2025, 10, 1),
            closes_on=dt.date(2025, 10, 14),
            anonymity_threshold=5,
        )
        for n in range(2)
    ]
    Target = get("surveys", "RoundTarget")
    Response = get("surveys", "Response")
    answers = {}
    for round_ in rounds:
        target = Target.objects.create(round=round_, team=team, invited=30)
        # Thirty answers, each in its own transaction, as 0.1 stored them; each names its
        # place in the order of submission.
        for n in range(30):
            one = [1 + n % 5, 1 + n // 5 % 5, 1 + n // 25, round_.pk]
            Response.objects.create(
                id=uuid.uuid4(), round=round_, target=target, answers=one, week=dt.date(2025, 10, 6)
            )
            answers.setdefault(round_.pk, []).append(one)
    table = Response._meta.db_table
    before = _ordered(table)
    old_keys = {row[0] for row in before}

    new = migrator.apply_tested_migration(AFTER)
    moved = new.apps.get_model("surveys", "Response").objects
    # Nothing lost or changed: the same answers per round and team; the week is now the
    # Monday of the week the round opened (1 October 2025 was a Wednesday), as for every
    # response from now on.
    for round_pk, expected in answers.items():
        stored = list(moved.filter(round_id=round_pk).values_list("answers", flat=True))
        assert sorted(stored) == sorted(expected)
    assert set(moved.values_list("week", flat=True)) == {dt.date(2025, 9, 29)}
    after = _ordered(table)
    # New keys, and an order unrelated to the order of submission (thirty in the same order
    # twice would happen by chance once in 30! × 30! migrations).
    assert not old_keys & {row[0] for row in after}
    order = [list(moved.get(id=row[0]).answers) for row in after]
    assert order != [one for expected in answers.values() for one in expected]
    assert order != [one for expected in reversed(answers.values()) for one in expected]
    if connection.vendor == "postgresql":
        # Sixty transactions before; after the migration none of them holds a response.
        assert not {row[3] for row in before} & {row[3] for row in after}
