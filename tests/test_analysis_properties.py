"""Properties of the analysis engine that must hold for any data (hypothesis)."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dramaturg.analysis import (
    cronbach_alpha,
    grouped_alpha,
    hidden_mask,
    icc,
    reverse_key,
    rwg_j,
    scale_scores,
    summarise,
    suppress,
)

fast = settings(max_examples=60, deadline=None)


@st.composite
def survey(draw, max_rows: int = 30, max_items: int = 5):
    """Answers on 1..5 with some missing, a group per row and a permutation of the items."""
    k = draw(st.integers(2, max_items))
    n = draw(st.integers(2, max_rows))
    answer = st.one_of(st.integers(1, 5).map(float), st.just(math.nan))
    cells = draw(st.lists(answer, min_size=n * k, max_size=n * k))
    items = np.array(cells).reshape(n, k)
    codes = np.array(draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)))
    permutation = np.array(draw(st.permutations(range(k))))
    return items, codes, permutation


def same(a, b) -> bool:
    return bool(np.allclose(a, b, rtol=1e-9, atol=1e-12, equal_nan=True))


@fast
@given(survey())
def test_item_order_does_not_matter(data):
    items, codes, p = data
    reverse = np.arange(items.shape[1]) == 0
    shuffled = items[:, p]
    assert same(scale_scores(items, reverse, 5, 2), scale_scores(shuffled, reverse[p], 5, 2))
    assert same(cronbach_alpha(items), cronbach_alpha(shuffled))
    assert same(grouped_alpha(items, codes, 4), grouped_alpha(shuffled, codes, 4))
    assert same(rwg_j(items, codes, 5, 4), rwg_j(shuffled, codes, 5, 4))
    scores = scale_scores(items, min_items=1)
    assert same(icc(scores, codes, 4), icc(scale_scores(shuffled, min_items=1), codes, 4))


@fast
@given(survey())
def test_rwg_j_stays_between_zero_and_one(data):
    items, codes, _p = data
    values = rwg_j(items, codes, 5, 4)
    defined = values[~np.isnan(values)]
    assert np.all((defined >= 0) & (defined <= 1))


@fast
@given(st.lists(st.integers(1, 6), min_size=1, max_size=20), st.sampled_from([4, 5, 6]))
def test_reverse_keying_twice_is_the_identity(values, options):
    x = np.array([v if v <= options else math.nan for v in values], dtype=float)
    assert same(reverse_key(reverse_key(x, options), options), x)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 30), max_size=12), st.integers(1, 10))
def test_suppression_never_shows_a_small_group_or_gives_one_away(sizes, threshold):
    hidden = hidden_mask(np.array(sizes, dtype=np.int64), threshold)
    shown = [n for n, h in zip(sizes, hidden, strict=True) if not h]
    assert all(n >= threshold for n in shown)
    in_hidden = sum(n for n, h in zip(sizes, hidden, strict=True) if h)
    if shown:  # otherwise only the overall figure remains, itself suppressed below threshold
        assert in_hidden == 0 or in_hidden >= threshold
    assert set(np.flatnonzero(hidden).tolist()) == suppress(dict(enumerate(sizes)), threshold)


@fast
@given(survey(max_rows=40), st.integers(1, 8))
def test_summarise_never_reports_a_group_below_the_threshold(data, threshold):
    items, codes, _p = data
    labels = [f"team {c}" for c in codes]
    out = summarise(items, labels, options=5, min_items=1, threshold=threshold)
    for group in out["groups"]:
        if group["suppressed"]:
            assert set(group) == {"group", "n", "suppressed"}
        else:
            assert group["n"] >= threshold
    hidden = sum(g["n"] for g in out["groups"] if g["suppressed"])
    if any(not g["suppressed"] for g in out["groups"]):
        assert hidden == 0 or hidden >= threshold
    if out["n"] < threshold:
        assert out["scale"] == {"suppressed": True}
