"""Staff turnover (verloop) per school and school year, from the membership history.

Memberships are never deleted: a person who leaves keeps their row with an `ended_on`, the
first day they are no longer on the staff (as `Membership.objects.active` reads it). From
those rows, per school year (1 August – 31 July):

* **at start** — the people with an active membership of a school role (leader, development
  group, team member) on 1 August. Someone who joins later in the year is not counted;
* **left** — of those, the people no longer on the staff on 1 August of the next year (for
  the year in progress: today). That is everyone whose membership ended after the first day
  and at the latest on the next 1 August — including someone whose last membership ends on
  31 July. Someone who left and came back before the next year began did not leave;
* **turnover** — left / at start, or None when nobody was there at the start;
* **leaders left** — of the people who were leader at the start, those who left the school;
* **leader change** — the leaders at the start are not the leaders at the end (one left,
  stepped down, or another leader came in beside them).

A year is *high* (`signal`) at a turnover of 15% or more, or at any leader change. The
product documents treat an extremely high turnover of leaders and teachers as what keeps a
school from making change last (*borging*), without a figure; 15% a year is a rule of thumb
from Dutch writing on teacher turnover (*verloop*), not a research-backed cut-off. See
docs/board-view.md.

Roles are not versioned (a role change updates the membership in place), so a person's role
in a past year is their role in that membership now. Everything is computed from one query
for all schools together.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils import timezone

from dramaturg.schools.models import Membership, School, school_year_start
from dramaturg.schools.roles import SCHOOL_ROLES, Role

# A school year with at least this share of its staff leaving gets the signal.
HIGH_TURNOVER_PERCENT = 15
# How many school years (the current one included) the board sees.
YEARS_SHOWN = 5


@dataclass(frozen=True)
class Stint:
    """One membership of a person in a school: active from `started_on` up to (not
    including) `ended_on`."""

    user_id: int
    role: str
    started_on: dt.date
    ended_on: dt.date | None

    def active_on(self, day: dt.date) -> bool:
        return self.started_on <= day and (self.ended_on is None or self.ended_on > day)


@dataclass(frozen=True)
class YearTurnover:
    start_year: int
    at_start: int
    left: int
    leaders_at_start: int
    leaders_left: int
    leader_change: bool
    in_progress: bool  # the current school year: "left" means "left so far"

    @property
    def label(self) -> str:
        return f"{self.start_year}–{self.start_year + 1}"

    @property
    def rate(self) -> float | None:
        return self.left / self.at_start if self.at_start else None

    @property
    def percent(self) -> int | None:
        return round(100 * self.left / self.at_start) if self.at_start else None

    @property
    def high_turnover(self) -> bool:
        # In whole numbers, so that exactly 15% counts, whatever floats would make of it.
        return bool(self.at_start) and 100 * self.left >= HIGH_TURNOVER_PERCENT * self.at_start

    @property
    def signal(self) -> bool:
        return self.high_turnover or self.leader_change


def _roles_on(stints: Iterable[Stint], day: dt.date) -> dict[int, str]:
    """Who is on the staff on `day`, with their role (leader wins if they hold two)."""
    roles: dict[int, str] = {}
    for stint in stints:
        if stint.active_on(day) and roles.get(stint.user_id) != Role.LEADER:
            roles[stint.user_id] = stint.role
    return roles


def year_turnover(stints: Sequence[Stint], start_year: int, today: dt.date) -> YearTurnover:
    """The turnover of one school in the school year that began on 1 August `start_year`."""
    first_day = dt.date(start_year, 8, 1)
    next_year = dt.date(start_year + 1, 8, 1)
    end = min(next_year, today)
    before, after = _roles_on(stints, first_day), _roles_on(stints, end)
    leaders_before = {user for user, role in before.items() if role == Role.LEADER}
    leaders_after = {user for user, role in after.items() if role == Role.LEADER}
    return YearTurnover(
        start_year=start_year,
        at_start=len(before),
        left=sum(1 for user in before if user not in after),
        leaders_at_start=len(leaders_before),
        leaders_left=sum(1 for user in leaders_before if user not in after),
        leader_change=bool(leaders_before) and leaders_before != leaders_after,
        in_progress=today < next_year,
    )


def school_turnover(
    stints: Sequence[Stint], today: dt.date, years: int = YEARS_SHOWN
) -> list[YearTurnover]:
    """The school's last `years` school years (at most, and not before its first
    membership), oldest first, the current one last."""
    if not stints:
        return []
    current = school_year_start(today)
    first = max(school_year_start(min(s.started_on for s in stints)), current - years + 1)
    return [year_turnover(stints, year, today) for year in range(first, current + 1)]


def stints_by_school(schools: Iterable[School]) -> dict[int, list[Stint]]:
    """Every school-role membership of the schools, ended or not, in one query."""
    found: dict[int, list[Stint]] = defaultdict(list)
    rows = Membership.objects.filter(
        school__in=[school.pk for school in schools], role__in=[r.value for r in SCHOOL_ROLES]
    ).values_list("school_id", "user_id", "role", "started_on", "ended_on")
    for school_id, user_id, role, started_on, ended_on in rows:
        found[school_id].append(Stint(user_id, role, started_on, ended_on))
    return found


def turnover_by_school(
    schools: Sequence[School], today: dt.date | None = None, years: int = YEARS_SHOWN
) -> dict[int, list[YearTurnover]]:
    """Per school (by pk): its turnover per school year. One query for all of them."""
    today = today or timezone.localdate()
    stints = stints_by_school(schools)
    return {
        school.pk: school_turnover(stints.get(school.pk, []), today, years) for school in schools
    }
