"""Complementary suppression across overlapping groups (`analysis.suppression`), as properties.

A round's groups are sets of people that may overlap (an old round gave someone in two teams
a link for each). Whatever the family, what stays shown must not let anyone single out fewer
than the threshold: not by the atoms of the shown groups and the whole round, and not by any
sum or difference of the shown figures and the whole round's figure, in which a person counts
once per group they were asked in.
"""

from __future__ import annotations

import itertools
import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dramaturg.analysis import summarise
from dramaturg.analysis.suppression import (
    COMPLEMENT,
    OVERLAP,
    TOO_FEW,
    hidden_mask,
    suppress,
    suppress_overlapping,
)

PEOPLE = 14


def families(max_groups: int = 6):
    group = st.frozensets(st.integers(0, PEOPLE - 1), max_size=PEOPLE)
    return st.dictionaries(st.integers(0, 20), group, max_size=max_groups)


def atoms(family: dict, shown: set) -> list[int]:
    """Sizes of the atoms of the shown groups plus the whole round (the union of all)."""
    everyone = set().union(*family.values()) if family else set()
    patterns: dict[frozenset, int] = {}
    for person in everyone:
        pattern = frozenset(key for key in shown if person in family[key])
        patterns[pattern] = patterns.get(pattern, 0) + 1
    return list(patterns.values())


@settings(max_examples=300, deadline=None)
@given(families(), st.integers(3, 6))
def test_no_atom_of_the_shown_groups_and_the_whole_is_small(family, threshold):
    hidden = suppress_overlapping(family, threshold)
    shown = {key for key in family if key not in hidden}
    assert all(len(family[key]) >= threshold for key in shown)
    assert set(hidden.values()) <= {TOO_FEW, COMPLEMENT, OVERLAP}
    if shown:  # otherwise only the whole round remains, itself hidden below the threshold
        assert not [n for n in atoms(family, shown) if 0 < n < threshold]


@settings(max_examples=150, deadline=None)
@given(families(max_groups=5), st.integers(3, 5))
def test_no_sum_or_difference_of_shown_figures_and_the_whole_singles_anyone_out(family, threshold):
    """Every combination with small whole coefficients of the shown groups and the whole
    round (a person counted once per group) covers 0 or at least `threshold` people."""
    hidden = suppress_overlapping(family, threshold)
    shown = sorted(key for key in family if key not in hidden)
    if not shown:
        return
    people = range(PEOPLE)
    rows = [np.array([person in family[key] for person in people], dtype=int) for key in shown]
    whole = sum(
        (np.array([person in group for person in people], dtype=int) for group in family.values()),
        np.zeros(PEOPLE, dtype=int),
    )
    for weights in itertools.product((-1, 0, 1), repeat=len(rows)):
        for w in (-2, -1, 0, 1, 2):
            vector = w * whole + sum((c * r for c, r in zip(weights, rows, strict=True)), 0)
            support = int(np.count_nonzero(vector))
            assert support == 0 or support >= threshold, (weights, w)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 30), max_size=10), st.integers(3, 8))
def test_disjoint_groups_follow_the_complement_rule_of_today(sizes, threshold):
    start = 0
    family = {}
    for key, size in enumerate(sizes):
        family[key] = frozenset(range(start, start + size))
        start += size
    assert set(suppress_overlapping(family, threshold)) == suppress(
        dict(enumerate(sizes)), threshold
    )


@settings(max_examples=100, deadline=None)
@given(families(), st.integers(3, 6), st.randoms())
def test_the_outcome_does_not_depend_on_the_order_of_the_groups(family, threshold, rng):
    keys = list(family)
    rng.shuffle(keys)
    shuffled = {key: family[key] for key in keys}
    assert suppress_overlapping(shuffled, threshold) == suppress_overlapping(family, threshold)


def test_a_team_of_five_plus_one_hides_both_teams():
    """T2 = T1 + p: 6 x mean(T2) - 5 x mean(T1) would be p's score."""
    t1 = frozenset(range(5))
    family = {1: t1, 2: t1 | {99}}
    assert suppress_overlapping(family, 5) == {2: OVERLAP, 1: COMPLEMENT}
    # With a third, disjoint team the third stays shown.
    family[3] = frozenset(range(100, 110))
    assert set(suppress_overlapping(family, 5)) == {1, 2}


def test_small_teams_whose_people_also_work_in_a_large_team_hide_no_large_team():
    """The care team (3) and the specialists (2) also work in the bouwen: hiding the two
    small teams leaves five people's answers in the whole round beyond the bouwen, and no
    combination isolates fewer."""
    bouwen = {1: frozenset(range(0, 9)), 2: frozenset(range(10, 19)), 3: frozenset(range(20, 27))}
    small = {4: frozenset({0, 1, 10}), 5: frozenset({20, 2})}
    assert suppress_overlapping(bouwen | small, 5) == {4: TOO_FEW, 5: TOO_FEW}
    # Four people only would single out fewer than five: the smallest bouw goes as well.
    small[5] = frozenset({20})
    assert suppress_overlapping(bouwen | small, 5) == {4: TOO_FEW, 5: TOO_FEW, 3: OVERLAP}


def test_a_reason_given_from_outside_is_kept_and_counted_in():
    family = {1: frozenset(range(10)), 2: frozenset(range(10, 13)), 3: frozenset(range(20, 40))}
    hidden = suppress_overlapping(family, 5, {1: "disputed"})
    # 10 disputed + 3 too few: the hidden groups hold 13, so the large team stays shown.
    assert hidden == {1: "disputed", 2: TOO_FEW}


def test_groups_hidden_anyway_count_in_the_complement_rule_of_a_scale():
    sizes = np.array([8, 2, 9])
    assert hidden_mask(sizes, 5).tolist() == [True, True, False]
    # Group 0 hidden anyway (8 answers) already makes the hidden answers 10: nothing more.
    assert hidden_mask(sizes, 5, np.array([True, False, False])).tolist() == [True, True, False]
    # Group 2 hidden anyway with no one below the threshold: the rule needs nothing more either.
    assert hidden_mask(np.array([8, 9]), 5, np.array([False, True])).tolist() == [False, True]


def test_summarise_hides_the_groups_it_is_told_to_hide():
    rng = random.Random(7)
    items = np.array([[rng.randint(1, 5) for _ in range(3)] for _ in range(30)], dtype=float)
    labels = np.array([1] * 10 + [2] * 10 + [3] * 10)
    out = summarise(items, labels, options=5, threshold=5, hidden_groups=[2])
    assert [g["suppressed"] for g in out["groups"]] == [False, True, False]
    assert out["icc1"] is not None  # the engine computes; `surveys.results` leaves it out
