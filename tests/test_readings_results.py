"""The results object carries what the readings need, with every rule of hiding kept:
complete cases, Lindell's r*wg(j), the random-group baseline, the reliability of a team's
mean, ICC(1)'s interval and the statements that go against the others."""

from __future__ import annotations

import datetime as dt

import pytest

from dramaturg.surveys.results import RoundResults, round_results
from tests.reading_helpers import AGREEING, answered, five_teams

pytestmark = pytest.mark.django_db


def test_a_closed_round_carries_the_new_figures_and_stores_them(world):
    teams = five_teams(world)
    round_ = answered(world, teams, {"Team A": AGREEING})
    found = round_results(round_)
    scale = found.scales[0]
    assert scale.scale == "group_competence"
    assert scale.total.n == scale.total.n_complete == 30
    assert scale.total.alpha is not None
    assert scale.total.alpha < 0
    assert set(scale.negative_items) == {"ce_gc_5", "ce_gc_6"}
    assert [item.id for item in scale.flagged_items] == ["ce_gc_5", "ce_gc_6"]
    assert scale.shown_groups == 5
    assert scale.icc1 is not None
    assert scale.icc1_ci is not None
    low, high = scale.icc1_ci
    assert low <= scale.icc1 <= high
    figures = {found.target(t).name: f for t, f in scale.groups.items()}
    agreeing, spread = figures["Team A"], figures["Team B"]
    assert agreeing.n_complete == 6
    assert agreeing.alpha is None  # fewer than 10 complete cases
    assert agreeing.beyond_random is True
    assert agreeing.rwg_j_lindell >= 0.7
    assert spread.beyond_random is False
    assert agreeing.reliability is not None
    assert RoundResults.from_data(found.to_data()) == found


def test_an_open_round_shows_none_of_them(world):
    teams = five_teams(world)
    round_ = answered(world, teams, {}, weeks=0)
    round_.closes_on = round_.opens_on + dt.timedelta(days=60)
    round_.save(update_fields=["closes_on"])
    found = round_results(round_)
    assert not found.closed
    for scale in found.scales:
        assert scale.icc1_ci is None
        assert scale.negative_items == ()
        assert all(figure.suppressed for figure in scale.groups.values())
        assert scale.total.n_complete is None
