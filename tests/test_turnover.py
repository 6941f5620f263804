"""Turnover per school year from a hand-built membership history.

The school year 2023–2024 runs from 1 August 2023 up to and including 31 July 2024; a
membership's `ended_on` is the first day the person is no longer on the staff.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dramaturg.schools.models import Membership, School
from dramaturg.schools.roles import Role
from dramaturg.schools.services import end_membership
from dramaturg.schools.turnover import (
    HIGH_TURNOVER_PERCENT,
    Stint,
    school_turnover,
    turnover_by_school,
    year_turnover,
)
from tests.personas import make_user

D = dt.date
TODAY = D(2025, 3, 1)  # in the school year 2024–2025
LEADER, MEMBER = Role.LEADER.value, Role.MEMBER.value

HISTORY = [
    Stint(1, LEADER, D(2020, 1, 6), D(2024, 1, 15)),  # the leader leaves mid-year
    Stint(2, MEMBER, D(2020, 1, 6), None),  # stays throughout
    Stint(3, MEMBER, D(2020, 1, 6), D(2024, 7, 31)),  # ends on the year's last day
    Stint(4, MEMBER, D(2023, 9, 1), None),  # starts mid-year: not there at the start
    Stint(5, MEMBER, D(2023, 10, 1), D(2024, 2, 1)),  # comes and goes within the year
    Stint(6, LEADER, D(2024, 1, 15), None),  # the new leader
    Stint(7, MEMBER, D(2020, 1, 6), D(2023, 8, 1)),  # gone on the first day: left in 2022
    Stint(8, MEMBER, D(2021, 1, 4), D(2024, 8, 1)),  # last day 31 July: left in 2023
    Stint(9, MEMBER, D(2020, 1, 6), D(2023, 11, 1)),  # leaves, and is back in January
    Stint(9, MEMBER, D(2024, 1, 8), None),
]


def test_a_year_with_a_leader_leaving_and_people_ending_on_the_last_day():
    year = year_turnover(HISTORY, 2023, TODAY)
    assert year.label == "2023–2024"
    # On 1 August 2023: 1, 2, 3, 8 and 9. Not 4 and 5 (they start later), not 7 (gone).
    assert year.at_start == 5
    # 1 (mid-year), 3 (31 July) and 8 (ended_on 1 August 2024, so last day 31 July) left;
    # 9 left and came back before the next year began.
    assert year.left == 3
    assert year.percent == 60
    assert year.rate == pytest.approx(0.6)
    assert (year.leaders_at_start, year.leaders_left) == (1, 1)
    assert year.leader_change
    assert year.high_turnover
    assert year.signal
    assert not year.in_progress


def test_the_year_before_counts_someone_gone_on_the_first_day_of_the_next():
    year = year_turnover(HISTORY, 2022, TODAY)
    assert (year.at_start, year.left) == (6, 1)  # 1, 2, 3, 7, 8, 9; 7 left
    assert year.percent == 17
    assert year.high_turnover
    assert not year.leader_change


def test_the_current_year_counts_who_left_so_far():
    year = year_turnover(HISTORY, 2024, TODAY)
    # On 1 August 2024: 2, 4, 6 and 9 (8 was gone that day).
    assert (year.at_start, year.left, year.leaders_left) == (4, 0, 0)
    assert year.in_progress
    assert not year.leader_change
    assert not year.signal
    later = year_turnover([*HISTORY[:-1], Stint(9, MEMBER, D(2024, 1, 8), TODAY)], 2024, TODAY)
    assert later.left == 1  # ended today: no longer on the staff today


def test_a_year_with_nobody_at_the_start_has_no_turnover_and_no_signal():
    stints = [Stint(1, LEADER, D(2023, 9, 1), None), Stint(2, MEMBER, D(2023, 9, 1), D(2024, 3, 1))]
    (first, *rest) = school_turnover(stints, TODAY)
    assert first.start_year == 2023
    assert (first.at_start, first.left) == (0, 0)
    assert first.rate is None
    assert first.percent is None
    assert not first.signal
    assert [year.start_year for year in rest] == [2024]
    assert school_turnover([], TODAY) == []


def test_the_threshold_is_inclusive_and_a_leader_change_alone_signals():
    staff = [Stint(n, MEMBER, D(2020, 1, 6), None) for n in range(20)]
    leaving = [Stint(100 + n, MEMBER, D(2020, 1, 6), D(2024, 5, 1)) for n in range(3)]
    assert HIGH_TURNOVER_PERCENT == 15
    exactly = year_turnover(staff[3:] + leaving, 2023, TODAY)  # 3 of 20
    assert (exactly.at_start, exactly.left, exactly.percent) == (20, 3, 15)
    assert exactly.signal
    below = year_turnover(staff[2:] + leaving[:2], 2023, TODAY)  # 2 of 20
    assert below.percent == 10
    assert not below.signal
    # A new leader beside the old one is a leader change, without anyone leaving.
    leaders = [Stint(50, LEADER, D(2020, 1, 6), None), Stint(51, LEADER, D(2024, 2, 1), None)]
    change = year_turnover(staff + leaders, 2023, TODAY)
    assert change.left == 0
    assert change.leader_change
    assert change.signal


def test_at_most_five_years_are_shown_oldest_first():
    years = school_turnover(HISTORY, TODAY)
    assert [year.start_year for year in years] == [2020, 2021, 2022, 2023, 2024]
    assert [year.start_year for year in school_turnover(HISTORY, TODAY, years=2)] == [2023, 2024]


@pytest.mark.django_db
def test_all_schools_of_a_board_in_one_query_from_the_membership_rows(world):
    Membership.objects.filter(school__isnull=False).update(started_on=D(2022, 9, 1))
    teacher = Membership.objects.get(user=world.teacher, school=world.school)
    end_membership(world.leader, teacher, ended_on=D(2025, 1, 10))
    other = School.objects.create(board=world.board, name="De Ster", slug="de-ster", sector="po")
    Membership.objects.create(
        user=make_user("ster@ster.test", "Sterre"),
        school=other,
        role=Role.LEADER,
        started_on=D(2022, 9, 1),
        ended_on=D(2025, 2, 1),
    )
    empty = School.objects.create(board=world.board, name="Leeg", slug="leeg", sector="po")
    schools = list(School.objects.filter(board=world.board))
    with CaptureQueriesContext(connection) as queries:
        found = turnover_by_school(schools, today=TODAY)
    assert len(queries) == 1
    assert [year.start_year for year in found[world.school.pk]] == [2022, 2023, 2024]
    this_year = found[world.school.pk][-1]
    # The leader, the culture carrier and two teachers; the board admin does not count.
    assert (this_year.at_start, this_year.left, this_year.leader_change) == (4, 1, False)
    assert this_year.percent == 25
    assert this_year.signal
    ster = found[other.pk][-1]
    assert (ster.at_start, ster.left, ster.leaders_left, ster.leader_change) == (1, 1, 1, True)
    assert found[empty.pk] == []
