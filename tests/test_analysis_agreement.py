"""Agreement read against random teams (issue 13): Lindell's r*wg(j) and the random-group
baseline of `analysis/baseline.py`, on data made with a fixed seed.

The property that matters to a school leader: teams dealt at random from one pool, which
share nothing, are rarely read as agreeing; teams that do share something are read so much
more often. Golden values from R are in test_analysis_golden.py."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from dramaturg.analysis import BEYOND_RANDOM, random_group_baseline, summarise
from dramaturg.analysis.baseline import SIMULATE_UP_TO

CONFIGURATIONS = list(itertools.product((5, 8, 11), (3, 4, 5)))  # items, options
TEAMS, SIZE = 300, 6


def generate(
    seed: int, items: int, options: int, team_share: float
) -> tuple[np.ndarray, np.ndarray]:
    """Answers of TEAMS teams of SIZE on a one-factor scale: a latent trait of which
    `team_share` is shared within the team (0: teams are random draws from one pool), items
    with loadings .6-.9 cut into `options` options at random (often skewed) thresholds."""
    rng = np.random.default_rng(seed)
    n = TEAMS * SIZE
    codes = np.repeat(np.arange(TEAMS), SIZE)
    shared = rng.normal(0, np.sqrt(team_share), TEAMS)[codes]
    trait = shared + rng.normal(0, np.sqrt(1 - team_share), n)
    loading = rng.uniform(0.6, 0.9, items)
    latent = trait[:, None] * loading + rng.normal(0, 1, (n, items)) * np.sqrt(1 - loading**2)
    cuts = np.sort(rng.normal(0, 0.8, options - 1))
    answers = 1 + (latent[..., None] > cuts).sum(axis=-1)
    return answers.astype(np.float64), codes


def readings(team_share: float) -> list[dict[str, float]]:
    """Per configuration, the share of teams read as agreeing by each rule."""
    out = []
    for items, options in CONFIGURATIONS:
        answers, codes = generate(13_000 + items * 10 + options, items, options, team_share)
        groups = summarise(answers, codes, options=options, threshold=1)["groups"]
        beyond = np.array([g["beyond_random"] for g in groups], dtype=bool)
        lindell = np.array([g["rwg_j_lindell"] for g in groups]) >= 0.70
        rwg = np.array([g["rwg_j"] for g in groups]) >= 0.70
        out.append(
            {
                "beyond_random": float(beyond.mean()),
                "lindell_and_beyond": float((beyond & lindell).mean()),
                "rwg_j": float(rwg.mean()),
            }
        )
    return out


@pytest.fixture(scope="module")
def without_team_effect() -> list[dict[str, float]]:
    return readings(0.0)


@pytest.fixture(scope="module")
def with_team_effect() -> list[dict[str, float]]:
    return readings(0.7)


def test_random_teams_are_rarely_read_as_agreeing(without_team_effect) -> None:
    # Expected 5% (the baseline's level); with 300 teams 10% is four standard errors away.
    for (items, options), shares in zip(CONFIGURATIONS, without_team_effect, strict=True):
        assert shares["beyond_random"] < 0.10, (items, options, shares)
        assert shares["lindell_and_beyond"] < 0.10, (items, options, shares)
    pooled = np.mean([s["beyond_random"] for s in without_team_effect])
    assert 0.02 < pooled < 0.08  # calibrated, not merely strict
    # What the old reading did on the same random teams: rwg(j) >= .70 for about a fifth of
    # them here (71-94% on the real data sets of the issue), four times the baseline's rate.
    assert np.mean([s["rwg_j"] for s in without_team_effect]) > 3 * pooled


def test_teams_that_share_something_are_read_as_agreeing_much_more_often(
    without_team_effect, with_team_effect
) -> None:
    for (items, options), shares in zip(CONFIGURATIONS, with_team_effect, strict=True):
        assert shares["beyond_random"] >= 0.20, (items, options, shares)
    null = np.mean([s["beyond_random"] for s in without_team_effect])
    real = np.mean([s["beyond_random"] for s in with_team_effect])
    assert real > 4 * null


# --- the baseline itself ---


def test_exact_moments_equal_every_possible_group() -> None:
    rng = np.random.default_rng(5)
    pool = rng.integers(1, 6, (9, 3)).astype(np.float64)
    baseline = random_group_baseline(pool)
    for size in (2, 3, 4, 6, 8):
        every = [
            pool[list(group)].var(axis=0, ddof=1).mean()
            for group in itertools.combinations(range(9), size)
        ]
        assert baseline.mean == pytest.approx(np.mean(every), rel=1e-12)
        assert float(baseline.variance(size)) == pytest.approx(np.var(every), rel=1e-9)
    assert float(baseline.variance(9)) == 0.0  # the whole pool: one group, no spread


def test_shares_are_reproducible_and_independent_of_the_order_asked() -> None:
    rng = np.random.default_rng(6)
    pool = rng.integers(1, 5, (80, 6)).astype(np.float64)
    first = random_group_baseline(pool).share_at_most([1.0, 0.8, 1.2], [4, 6, 10])
    second = random_group_baseline(pool)
    second.share_at_most(1.0, 10)  # another size first
    assert np.array_equal(second.share_at_most([1.0, 0.8, 1.2], [4, 6, 10]), first)


def test_undefined_shares_are_nan() -> None:
    pool = np.array([[1, 2], [2, 3], [3, 3], [4, 1], [np.nan, 2]], dtype=np.float64)
    baseline = random_group_baseline(pool)
    assert baseline.n_pool == 4  # complete cases only
    shares = baseline.share_at_most([0.5, np.nan, 0.5, 0.5], [1, 3, 4, 2])
    assert np.isnan(shares[:3]).all()  # a group of one, no S, the whole pool
    assert 0 <= shares[3] <= 1
    constant = random_group_baseline(np.full((10, 3), 2.0))
    assert np.isnan(constant.share_at_most(0.0, 3)).all()  # nobody varies: nothing to read


def test_large_groups_use_the_gamma_fit_which_matches_the_simulation_there() -> None:
    answers, _codes = generate(7, 8, 4, 0.0)  # skewed cut points, 1,800 respondents
    baseline = random_group_baseline(answers)
    size = SIMULATE_UP_TO + 10
    simulated = baseline.simulated(size)
    for share in (0.01, 0.05, 0.10, 0.5):
        value = np.quantile(simulated, share)
        assert float(baseline.gamma_share_at_most(value, size)) == pytest.approx(share, abs=0.015)
    at = float(baseline.gamma_quantile(BEYOND_RANDOM, size))
    assert float(baseline.share_at_most(at, size)) == pytest.approx(BEYOND_RANDOM, abs=1e-9)
