"""The results object carries what the readings need, with every rule of hiding kept:
complete cases, Lindell's r*wg(j), the random-group baseline, the reliability of a team's
mean, ICC(1)'s interval and the statements that go against the others."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from django.utils import translation

from dramaturg.reports import dashboard
from dramaturg.surveys.results import RoundResults, round_results
from tests.reading_helpers import AGREEING, answered, five_teams
from tests.worker import run_background

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


def test_the_interval_of_a_mean_from_its_summary_is_the_t_interval():
    from scipy import stats

    from dramaturg.analysis import mean_interval

    scores = np.array([3.2, 4.0, 2.8, 3.6, 4.4, 3.0])
    expected = stats.t.interval(0.95, len(scores) - 1, scores.mean(), stats.sem(scores))
    found = mean_interval(len(scores), scores.mean(), scores.std(ddof=1))
    assert found == pytest.approx(expected, rel=1e-12)
    assert all(math.isnan(v) for v in mean_interval(1, 3.0, 0.0))


def test_a_trend_shows_each_point_with_its_interval(world):
    teams = five_teams(world)
    answered(world, teams, {"Team A": AGREEING}, weeks=30)
    answered(world, teams, {}, weeks=4)
    run_background()
    with translation.override("nl"):
        found = dashboard.moments(world.school)
        section = dashboard.efficacy_sections(found, instruments=["collective_efficacy"])[0]
    rows = section.chart.table.rows
    assert len(rows) == 2
    total = round_results(found[-1].round).scales[0].total
    assert total.n is not None
    assert total.mean is not None
    assert total.sd is not None
    low, high = mean_interval_of(total.n, total.mean, total.sd)
    assert rows[1][1] == f"{total.mean:.2f} ({low:.2f}–{high:.2f})".replace(".", ",")
    assert section.chart.svg.count("<path") > 0


def mean_interval_of(n: int, mean: float, sd: float) -> tuple[float, float]:
    from dramaturg.analysis import mean_interval

    return mean_interval(n, mean, sd)


def test_the_readings_follow_their_rules():
    from dramaturg.surveys import judgements
    from dramaturg.surveys.results import Figure

    with translation.override("en"):
        few = Figure(n=8, mean=3.0, sd=0.5, n_complete=8)
        assert judgements.reliability(few) == (
            "Too few complete answers for alpha (8; at least 10 are needed)"
        )
        negative = Figure(n=30, mean=3.0, sd=0.5, alpha=-0.6, n_complete=30)
        assert judgements.reliability(negative) == judgements.not_interpretable()
        some = Figure(n=6, mean=3, sd=1, rwg_j=0.9, n_complete=6, rwg_j_lindell=0.5)
        beyond = Figure(**{**vars(some), "beyond_random": True})
        assert judgements.agreement(beyond) == (
            "Agree more than random groups would, but answers still differ"
        )
        # rwg(j) of .90 alone is no agreement when random groups agree as much.
        assert judgements.agreement(Figure(**{**vars(some), "beyond_random": False})) == (
            "Agree no more than random groups of the same size would"
        )
        assert judgements.between_groups(0.3, 9).startswith("With fewer than 10 teams")
        assert judgements.between_groups(0.3, 10) == "Teams differ strongly"
        assert judgements.between_groups(0.05, 12, classes=True) == "Classes differ a little"
        assert judgements.change(False, 0.4) == "Within the noise: no clear change"
        assert judgements.change(True, -0.4) == "Beyond the noise: a clear fall"
