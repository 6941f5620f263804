"""The Harrell–Davis quantile estimator of the network benchmarks, against R's
`Hmisc::hdquantile` (golden files made by scripts/golden/hdquantile_golden.R), and the
properties that make it fit for benchmarks: every school weighs, no quartile is simply one
school's value, and why published figures must not move (see test_networks_benchmarks.py).
"""

from __future__ import annotations

import csv
import functools
from pathlib import Path

import numpy as np
import pytest

from dramaturg.networks.benchmarks import hd_quantile, hd_quantiles, hd_weights, rounded

GOLDEN = Path(__file__).parent / "golden" / "hdquantile"


# --- The estimator against R ------------------------------------------------------------


@functools.cache
def golden_cases() -> dict[str, list[float]]:
    cases = {}
    for path in sorted(GOLDEN.glob("*.csv")):
        if path.stem != "quantiles":
            with path.open() as f:
                cases[path.stem] = [float(row["x"]) for row in csv.DictReader(f)]
    return cases


def golden_quantiles() -> list[tuple[str, int, float, float]]:
    with (GOLDEN / "quantiles.csv").open() as f:
        return [
            (row["case"], int(row["n"]), float(row["prob"]), float(row["hd"]))
            for row in csv.DictReader(f)
        ]


def test_golden_files_cover_the_sizes_asked_for():
    cases = golden_cases()
    assert sorted({len(x) for x in cases.values()}) == [5, 6, 7, 12, 40]
    assert any(len(set(x)) < len(x) for x in cases.values())  # ties
    assert len(golden_quantiles()) == 3 * len(cases)


@pytest.mark.parametrize(("case", "n", "prob", "expected"), golden_quantiles())
def test_harrell_davis_matches_hmisc(case, n, prob, expected):
    values = golden_cases()[case]
    assert len(values) == n
    assert abs(hd_quantile(values, prob) - expected) <= 1e-10


def test_harrell_davis_matches_scipy_as_well():
    from scipy.stats.mstats import hdquantiles

    for values in golden_cases().values():
        theirs = hdquantiles(np.array(values), prob=[0.25, 0.5, 0.75])
        assert np.allclose(hd_quantiles(values), theirs, rtol=0, atol=1e-12)


@pytest.mark.parametrize("n", [5, 6, 7, 8, 12, 40])
@pytest.mark.parametrize("p", [0.25, 0.5, 0.75])
def test_every_school_has_a_strictly_positive_weight(n, p):
    weights = hd_weights(n, p)
    assert len(weights) == n
    assert (weights > 0).all()
    assert abs(weights.sum() - 1) <= 1e-12


def test_quartiles_of_random_networks_are_strict_weighted_means():
    """For 5–8 distinct values, every quartile lies strictly inside the range, every value
    moves it, and it equals none of the values. Not a claim about the two decimals shown:
    there a quartile can coincide with a school's rounded value by chance (see below)."""
    rng = np.random.default_rng(20260207)
    for _draw in range(2000):
        n = int(rng.integers(5, 9))
        values = rng.uniform(2.0, 4.8, size=n)
        quartiles = hd_quantiles(values)
        assert quartiles == sorted(quartiles)
        for p, q in zip((0.25, 0.5, 0.75), quartiles, strict=True):
            assert values.min() < q < values.max()
            assert np.abs(values - q).min() > 1e-9, (values, p, q)
            # Raising any one school's value raises the quartile, by its rank's weight.
            i = int(rng.integers(n))
            moved = values.copy()
            moved[i] += 0.01
            assert hd_quantile(moved, p) > q
            if np.argsort(moved).tolist() == np.argsort(values).tolist():  # same ranks
                rank = int(np.argsort(np.argsort(values))[i])
                delta = hd_quantile(moved, p) - q
                assert abs(delta - 0.01 * hd_weights(n, p)[rank]) <= 1e-12


def test_a_symmetric_network_has_its_middle_value_as_median_by_coincidence():
    # The estimator is still a weighted mean of all five values; symmetry makes it equal
    # the middle one. Nothing tells a reader that it does (the values are not shown).
    assert hd_quantile([1, 2, 3, 4, 5], 0.5) == pytest.approx(3, abs=1e-12)
    assert hd_quantile([1, 2, 3, 4, 5.5], 0.5) != pytest.approx(3, abs=1e-6)


def test_unlike_order_statistics_the_median_of_five_is_rarely_a_school_value():
    """The usual quartile (R type 7, numpy's default) of five values *is* the third value;
    the Harrell–Davis median hits one at the shown precision only as often as chance."""
    rng = np.random.default_rng(7)
    draws = 2000
    order_hits = hd_hits = 0
    for _draw in range(draws):
        values = rng.uniform(2.0, 4.8, size=5)
        shown = {rounded(v) for v in values}
        order_hits += rounded(float(np.quantile(values, 0.5))) in shown
        hd_hits += rounded(hd_quantile(values, 0.5)) in shown
    assert order_hits == draws
    assert hd_hits < draws * 0.1


def test_why_figures_are_frozen_two_moments_would_give_the_other_values_away():
    """Why a half year's figures are made once and kept (see the freezing tests below).

    A leader who could note the quartiles of five schools, and again once a sixth school's
    round had closed, would have six equations for the five values they do not know. With
    the ranks known (few rankings fit in practice) least squares recovers them, blurred only
    by the rounding to two decimals."""
    rng = np.random.default_rng(11)
    weights = {n: np.array([hd_weights(n, p) for p in (0.25, 0.5, 0.75)]) for n in (5, 6)}
    errors = []
    for _draw in range(500):
        values = rng.uniform(2.5, 4.5, size=6)  # [0] is the reader's own school
        rows, targets = [], []
        for n in (5, 6):
            shown = [rounded(q) for q in hd_quantiles(values[:n])]
            ranks = np.argsort(np.argsort(values[:n]))
            for k in range(3):
                row = np.zeros(5)
                row[: n - 1] = weights[n][k, ranks[1:]]
                rows.append(row)
                targets.append(shown[k] - weights[n][k, ranks[0]] * values[0])
        solved, *_ = np.linalg.lstsq(np.array(rows), np.array(targets), rcond=None)
        errors.append(np.abs(solved - values[1:]).max())
    assert np.median(errors) < 0.1
