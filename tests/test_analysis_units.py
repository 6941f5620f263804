"""The analysis engine on small examples worked out by hand (or, where noted, with R)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from dramaturg.analysis import (
    change,
    cronbach_alpha,
    describe,
    encode,
    group_mean_reliability,
    grouped_alpha,
    grouped_change,
    hidden_mask,
    icc,
    null_variance,
    omega_total,
    option_counts,
    reverse_key,
    rwg_j,
    scale_scores,
    summarise,
    suppress,
)

nan = math.nan


def test_reverse_keying_mirrors_the_scale_and_keeps_missing_answers():
    np.testing.assert_array_equal(reverse_key(np.array([1, 2, 5, nan]), 5), [5, 4, 1, nan])
    assert reverse_key(3, 6) == 4


def test_scale_score_is_the_mean_of_answered_items_after_reverse_keying():
    items = np.array([[1, 2, 5], [4, nan, 1], [nan, nan, 3]])
    scores = scale_scores(items, reverse=np.array([False, False, True]), options=5, min_items=2)
    np.testing.assert_allclose(scores, [(1 + 2 + 1) / 3, (4 + 5) / 2, nan])


def test_the_minimum_of_answered_items_defaults_to_all_items():
    scores = scale_scores(np.array([[1, 2], [3, nan]]), options=5)
    np.testing.assert_array_equal(scores, [1.5, nan])


def test_describe_per_group_uses_the_sample_sd():
    n, mean, sd = describe(np.array([1, 2, 3, 7, nan]), np.array([0, 0, 0, 1, 1]), 2)
    np.testing.assert_array_equal(n, [3, 1])
    np.testing.assert_allclose(mean, [2, 7])
    np.testing.assert_allclose(sd, [1, nan])


def test_option_counts_count_raw_answers_per_item():
    counts = option_counts(np.array([[1, 3], [1, nan], [2, 3]]), 3)
    np.testing.assert_array_equal(counts, [[2, 1, 0], [0, 0, 2]])


def test_alpha_by_hand():
    # Item variances 1 and 1, totals 3, 3, 6 with variance 3: 2 * (1 - 2/3). R: 0.6667.
    assert cronbach_alpha(np.array([[1, 2], [2, 1], [3, 3]])) == pytest.approx(2 / 3)
    assert cronbach_alpha(np.array([[1, 1], [2, 2], [3, 3]])) == pytest.approx(1)


def test_alpha_uses_complete_cases_and_drops_constant_items_like_psych():
    with_missing = np.array([[1, 2, 4], [2, 1, 4], [3, 3, 4], [5, nan, 4]])
    assert cronbach_alpha(with_missing) == pytest.approx(2 / 3)


def test_grouped_alpha_per_group_and_undefined_cases():
    items = np.array([[1, 2], [2, 1], [3, 3], [1, 1], [2, 2], [3, 3], [4, 4], [4, 4], [5, 5]])
    codes = np.array([0, 0, 0, 1, 1, 1, 2, 2, 3])
    # Group 2 agrees completely (no varying item), group 3 has one person.
    np.testing.assert_allclose(grouped_alpha(items, codes), [2 / 3, 1, nan, nan])


def test_omega_total_of_parallel_items_equals_alpha_of_standardised_items():
    # Equal correlations r: one-factor loadings sqrt(r), so omega total is k r / (1 + (k-1) r).
    rng = np.random.default_rng(1)
    common = rng.normal(size=(20_000, 1))
    items = common + rng.normal(size=(20_000, 4))
    r = np.corrcoef(items, rowvar=False)[np.triu_indices(4, 1)].mean()
    assert omega_total(items) == pytest.approx(4 * r / (1 + 3 * r), abs=2e-3)


def test_omega_total_in_heywood_cases_follows_psych():
    # Identical items: every uniqueness stays at psych's bound 0.005, and the loadings come
    # from the eigenvector of a matrix of ones with 0.995 on the diagonal: l^2 = 2.995 / 3.
    a = np.array([1, 2, 3, 4, 5, 3], dtype=float)
    assert omega_total(np.c_[a, a, a]) == pytest.approx(1 - 3 * (1 - 2.995 / 3) / 9)
    # One loading above 1. R: psych::omega(x, nfactors = 1, fm = "minres")$omega.tot gives
    # 0.849831855253553 (its optimiser stops a little earlier).
    x = np.array(
        [
            *[[5, 4, 4], [4, 5, 5], [3, 3, 4], [2, 4, 1], [2, 5, 2]],
            *[[1, 4, 2], [1, 4, 1], [1, 3, 1], [1, 3, 2], [5, 5, 5]],
        ],
        dtype=float,
    )
    assert omega_total(x) == pytest.approx(0.849831855253553, abs=1e-5)


def test_omega_total_is_undefined_for_a_constant_item_or_one_item():
    assert math.isnan(omega_total(np.array([[1, 2], [1, 3], [1, 4]])))
    assert math.isnan(omega_total(np.array([[1], [2], [3]])))


def test_icc_by_hand():
    # Means 2 and 5 (grand 3.5): MSB = 13.5, MSW = 4 / 4 = 1, k = 3.
    icc1, icc2 = icc(np.array([1, 2, 3, 4, 5, 6, nan]), np.array([0, 0, 0, 1, 1, 1, 1]))
    assert icc1 == pytest.approx(12.5 / 15.5)
    assert icc2 == pytest.approx(12.5 / 13.5)


def test_icc_needs_two_groups():
    assert all(math.isnan(v) for v in icc(np.array([1.0, 2.0]), np.array([0, 0])))


def test_rwg_j_by_hand_and_as_r_gives_it():
    # R: rwg.j(d[, 1:2], d$g, ranvar = 2) gives 0.857142857142857, 0 and NA.
    items = np.array([[2, 3], [3, 2], [1, 1], [3, 3], [5, 5], [nan, 1]])
    codes = np.array([0, 0, 1, 1, 2, 2])
    result = rwg_j(items, codes, options=5)
    np.testing.assert_allclose(result, [6 / 7, 0, nan])
    assert null_variance(5) == 2


def test_rwg_j_is_zero_when_a_group_disagrees_more_than_chance():
    assert rwg_j(np.array([[1, 1], [5, 5]]), np.array([0, 0]), options=5)[0] == 0


def test_group_mean_reliability_is_spearman_brown():
    np.testing.assert_allclose(group_mean_reliability(0.2, np.array([1, 10])), [0.2, 2 / 2.8])


def test_change_matches_welch_t_test():
    result = change(np.array([1, 2, 3, nan]), np.array([2, 3, 4, 5]))
    assert result.difference == pytest.approx(1.5)
    # R: t.test(c(2, 3, 4, 5), c(1, 2, 3))$conf.int
    assert result.ci_low == pytest.approx(-0.731711481338788)
    assert result.ci_high == pytest.approx(3.731711481338788)
    assert result.cohens_d == pytest.approx(1.5 / math.sqrt((2 * 1 + 3 * 5 / 3) / 5))
    assert (result.n_a, result.n_b) == (3, 4)


def test_change_without_variance_has_no_interval():
    result = grouped_change(
        np.array([2.0, 2.0]), np.zeros(2, int), np.array([3.0, 3.0]), np.zeros(2, int)
    )
    assert result["difference"][0] == 1
    assert math.isnan(result["ci_low"][0])
    assert math.isnan(result["cohens_d"][0])
    assert change(np.array([1.0]), np.array([2.0, 3.0])).as_dict()["ci_low"] is None


@pytest.mark.parametrize(
    ("sizes", "hidden"),
    [
        ([3, 10, 12], [True, True, False]),  # 3 alone would follow from the total
        ([3, 4, 10], [True, True, False]),  # 7 hidden people: safe
        ([0, 10], [True, False]),  # nobody hidden
        ([3, 10, 10], [True, True, False]),  # ties: the first
        ([6, 7], [False, False]),
    ],
)
def test_suppression(sizes, hidden):
    assert hidden_mask(np.array(sizes), 5).tolist() == hidden
    assert suppress(dict(enumerate(sizes)), 5) == {i for i, h in enumerate(hidden) if h}


def test_the_survey_pages_use_the_same_suppression():
    from dramaturg.analysis.suppression import suppress_overlapping
    from dramaturg.surveys import results

    assert results.suppress_overlapping is suppress_overlapping


def test_encode_sorts_numeric_labels_by_value():
    codes, names = encode(["10", "2", "b", "a", "2"])
    assert names == ["2", "10", "a", "b"]
    assert codes.tolist() == [1, 0, 3, 2, 0]
    codes, names = encode(np.array([30, 4, 4]))
    assert (codes.tolist(), names) == ([1, 0, 0], ["4", "30"])


def _network():
    items = np.array(
        [
            *[[1, 2, 5], [2, 2, 4], [3, 4, 2], [4, 4, 1], [5, 5, 2], [2, 3, 4]],  # group "10"
            *[[4, 5, 1], [5, 4, 2], [4, 4, 2], [3, 4, 3], [5, 5, 1]],  # group "2"
            *[[1, 1, 5], [2, 1, nan]],  # group "x": too small
            [3, nan, nan],  # no group, and too few answers for a score
        ],
        dtype=float,
    )
    labels = ["10"] * 6 + ["2"] * 5 + ["x"] * 2 + [""]
    return items, labels


def test_summarise_structure_and_suppression():
    items, labels = _network()
    out = summarise(
        items,
        labels,
        item_names=["A", "B", "C"],
        options=5,
        reverse=["C"],
        min_items=2,
        threshold=5,
    )
    json.dumps(out, allow_nan=False)  # JSON-ready: no NaN anywhere
    assert out["n"] == 13
    assert out["items"] == ["A", "B", "C"]
    assert out["options"] == 5
    assert set(out["scale"]) == {
        *("mean", "sd", "alpha", "omega_total", "distribution"),
        *("n_complete", "item_rest", "negative_item_rest"),
    }
    # 14 rows, 12 without a missing answer: alpha and omega rest on those.
    assert out["scale"]["n_complete"] == 12
    assert out["scale"]["distribution"]["C"] == [3, 4, 1, 2, 2]
    assert out["n_groups"] == 3
    # Natural order; "x" holds 2 people, so the smallest shown group ("2") is hidden too.
    assert [g["group"] for g in out["groups"]] == ["2", "10", "x"]
    two, ten, x = out["groups"]
    assert two == {"group": "2", "n": 5, "suppressed": True}
    assert x == {"group": "x", "n": 2, "suppressed": True}
    assert ten["suppressed"] is False
    assert set(ten) == {
        *("group", "n", "suppressed", "mean", "sd", "rwg_j", "alpha", "reliability"),
        *("n_complete", "rwg_j_lindell", "random_share", "beyond_random"),
        "rwg_j_lindell_random95",
    }
    assert ten["n_complete"] == 6
    scores = scale_scores(items[:6], np.array([False, False, True]), 5, 2)
    assert ten["mean"] == pytest.approx(scores.mean())
    assert out["icc1"] is not None
    assert ten["reliability"] == pytest.approx(
        float(group_mean_reliability(out["icc1"], 6)), rel=1e-12
    )


def test_summarise_without_groups_and_below_the_threshold():
    items, _labels = _network()
    out = summarise(items, options=5, min_items=2)
    assert out["icc1"] is None
    assert out["groups"] == []
    assert out["n_groups"] == 0
    assert out["items"] == ["item1", "item2", "item3"]
    small = summarise(items[:4], ["a"] * 4, options=5, threshold=5)
    assert small["scale"] == {"suppressed": True}
    assert small["icc1"] is None
    assert small["groups"] == [{"group": "a", "n": 4, "suppressed": True}]


def test_summarise_defaults_options_to_the_largest_answer():
    assert summarise(np.array([[1, 4], [2, 3]]))["options"] == 4


def test_summarise_takes_reverse_keys_as_names_or_a_mask():
    items = np.array([[1, 5], [2, 4], [3, 3], [4, 2], [5, 1]], dtype=float)
    by_name = summarise(items, item_names=["A", "B"], reverse=["B"], options=5)
    by_mask = summarise(items, item_names=["A", "B"], reverse=[False, True], options=5)
    assert by_name == by_mask
    assert by_name["scale"]["alpha"] == pytest.approx(1)


@pytest.mark.parametrize(
    ("items", "kwargs", "message"),
    [
        ([[1, 6]], {"options": 5}, "between 1 and 5"),
        ([[0, 1]], {"options": 5}, "between 1 and 5"),
        ([[1.5, 2]], {"options": 5}, "whole numbers"),
        ([[1, 2]], {"reverse": ["Z"]}, "not among the items"),
        ([[1, 2]], {"item_names": ["A"]}, "one name per item"),
        ([[1, 2]], {"min_items": 3}, "min_items"),
    ],
)
def test_summarise_rejects_bad_input(items, kwargs, message):
    with pytest.raises(ValueError, match=message):
        summarise(np.array(items, dtype=float), **kwargs)
