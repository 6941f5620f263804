"""Rounds with answers shaped for the readings: five teams of six that share nothing.

Every respondent gives one value `v` to every statement, reversed ones included, so after
reverse keying the reversed statements run against the others: the whole's alpha is
negative and the reversed statements have a negative item-rest correlation. In the random
teams `v` runs 1..5 over the members, as it would in teams dealt at random, so their
agreement is no more than random teams show; in an agreeing team `v` is 4 or 5.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from dramaturg.schools.models import Team
from dramaturg.surveys.models import Participation, Response, Round, week_of
from tests.survey_helpers import add_members, staff_round

TEAMS = ("Team A", "Team B", "Team C", "Team D", "Team E")
SPREAD = (1, 2, 3, 4, 5, 3)  # a random-looking team: every answer from 1 to 5
AGREEING = (4, 5, 4, 5, 4, 4)


def five_teams(world) -> list[Team]:
    teams = []
    for name in TEAMS:
        team = Team.objects.create(school=world.school, name=name)
        add_members(world, team, 6, prefix=name.replace(" ", "").lower())
        teams.append(team)
    return teams


def answered(world, teams, values: dict[str, tuple[int, ...]], weeks: int = 0) -> Round:
    """A closed collective-efficacy round in which the members of each team answer with the
    values given for it (SPREAD where none is given), `weeks` in the past."""
    round_ = staff_round(world, teams, title=f"Meting-{weeks}")
    width = sum(len(ri.instrument.items) for ri in round_.instruments.all())
    week = week_of(timezone.localdate())
    for target in round_.targets.select_related("team"):
        for value in values.get(target.team.name, SPREAD):
            Response.objects.create(round=round_, target=target, answers=[value] * width, week=week)
        Participation.objects.filter(target=target).update(answered=True)
    opens = timezone.localdate() - dt.timedelta(weeks=weeks, days=15)
    Round.objects.filter(pk=round_.pk).update(opens_on=opens, closes_on=opens + dt.timedelta(14))
    round_.refresh_from_db()
    assert round_.status() == "closed"
    return round_
