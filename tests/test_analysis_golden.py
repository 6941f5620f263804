"""Our numbers against R's `psych` and `multilevel` on the golden files of
tests/golden/analysis (made by scripts/golden/analysis_golden.R; see the README there):
1e-6 for everything, 1e-3 for omega against psych's own optimiser (and 1e-6 against the
exact minres solution the file also holds)."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np
import pytest

from dramaturg.analysis import (
    change,
    describe,
    encode,
    group_mean_reliability,
    grouped_change,
    icc,
    keyed,
    minres_loadings,
    scale_scores,
    summarise,
)

GOLDEN = Path(__file__).parent / "golden" / "analysis"
CASES = {p.stem: json.loads(p.read_text()) for p in sorted(GOLDEN.glob("*.json"))}
# bh1996's WBEING is already a scale score on 0..5, not answers: see its own test below.
ANSWER_CASES = [name for name, case in CASES.items() if "data_file" in case and case["options"]]
TOL = 1e-6
OMEGA_TOL = 1e-3


def load(case: dict, data_file: str) -> tuple[np.ndarray, list[str]]:
    """The item answers (NaN for an empty cell) and the group labels of a golden CSV."""
    with (GOLDEN / data_file).open(newline="") as f:
        rows = list(csv.DictReader(f))
    items = np.array(
        [
            [float(row[name]) if row[name] != "" else math.nan for name in case["items"]]
            for row in rows
        ]
    )
    return items, [row[case["group"]] for row in rows]


def close(ours: float | None, theirs: float | None, tol: float = TOL) -> bool:
    if theirs is None or ours is None:
        return ours is None and theirs is None
    return abs(ours - theirs) <= tol


def assert_close(ours, theirs, what: str, tol: float = TOL) -> None:
    assert close(ours, theirs, tol), f"{what}: ours {ours}, R {theirs}"


def _summary(case: dict) -> dict:
    items, labels = load(case, case["data_file"])
    # Threshold 1: every group with a scale score is shown, so every figure can be compared.
    return summarise(
        items,
        labels,
        item_names=case["items"],
        options=case["options"],
        reverse=case["reverse"],
        min_items=case["min_items"],
        threshold=1,
    )


def test_every_case_is_covered() -> None:
    assert set(CASES) == {*ANSWER_CASES, "bh1996_wellbeing", "synthetic_change"}


@pytest.mark.parametrize("name", ANSWER_CASES)
def test_scale_and_groups_match_r(name: str) -> None:
    case = CASES[name]
    expected = case["results"]
    ours = _summary(case)
    scale = expected["scale"]
    assert ours["n"] == scale["n"]
    assert ours["n_groups"] == expected["n_groups"]
    for key in ("mean", "sd", "alpha"):
        assert_close(ours["scale"][key], scale[key], f"scale {key}")
    assert_close(ours["scale"]["omega_total"], scale["omega_total"], "omega", OMEGA_TOL)
    assert_close(ours["scale"]["omega_total"], scale["omega_total_uls"], "omega (exact ULS)")
    assert ours["scale"]["distribution"] == expected["item_distribution"]
    assert_close(ours["icc1"], expected["icc1"], "icc1")
    assert_close(ours["icc2"], expected["icc2"], "icc2")

    theirs = {g["group"]: g for g in expected["groups"]}
    assert {g["group"] for g in ours["groups"]} == set(theirs)
    for group in ours["groups"]:
        reference = theirs[group["group"]]
        assert group["n"] == reference["n"]
        assert not group["suppressed"]
        for key in ("mean", "sd", "rwg_j", "alpha", "reliability"):
            assert_close(group[key], reference[key], f"group {group['group']} {key}")


@pytest.mark.parametrize("name", ANSWER_CASES)
def test_minres_loadings_match_the_exact_uls_solution(name: str) -> None:
    case = CASES[name]
    items, _labels = load(case, case["data_file"])
    reverse = np.isin(case["items"], case["reverse"])
    x = keyed(items, reverse, case["options"])
    x = x[~np.isnan(x).any(axis=1)]
    loadings = minres_loadings(np.corrcoef(x, rowvar=False))
    exact = case["results"]["scale"]["omega_loadings_uls"]
    psych = case["results"]["scale"]["omega_loadings"]
    for name, value in zip(case["items"], loadings, strict=True):
        assert_close(float(value), exact[name], f"loading {name}")
        assert_close(float(value), psych[name], f"loading {name} (psych)", OMEGA_TOL)


def test_bh1996_through_the_library() -> None:
    """WBEING is already a scale score (0..5): one item, min_items 1, no rwg or alpha."""
    case = CASES["bh1996_wellbeing"]
    expected = case["results"]
    items, labels = load(case, case["data_file"])
    scores = scale_scores(items, min_items=1)
    n, mean, sd = describe(scores)
    assert int(n[0]) == expected["scale"]["n"]
    assert_close(float(mean[0]), expected["scale"]["mean"], "mean")
    assert_close(float(sd[0]), expected["scale"]["sd"], "sd")
    codes, names = encode(labels)
    icc1, icc2 = icc(scores, codes, len(names))
    assert_close(icc1, expected["icc1"], "icc1")
    assert_close(icc2, expected["icc2"], "icc2")
    n, mean, sd = describe(scores, codes, len(names))
    reliability = group_mean_reliability(icc1, n)
    theirs = {g["group"]: g for g in expected["groups"]}
    assert set(names) == set(theirs)
    for i, name in enumerate(names):
        assert int(n[i]) == theirs[name]["n"]
        assert_close(float(mean[i]), theirs[name]["mean"], f"{name} mean")
        assert_close(float(sd[i]), theirs[name]["sd"], f"{name} sd")
        assert_close(float(reliability[i]), theirs[name]["reliability"], f"{name} reliability")


def _nan_to_none(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def test_change_between_the_synthetic_rounds_matches_t_test() -> None:
    case = CASES["synthetic_change"]
    reverse = np.isin(case["items"], case["reverse"])
    rounds = []
    for data_file in (case["data_file_round1"], case["data_file_round2"]):
        items, labels = load(case, data_file)
        rounds.append((scale_scores(items, reverse, case["options"], case["min_items"]), labels))
    (a, labels_a), (b, labels_b) = rounds

    overall, expected = change(a, b), case["results"]["change"]
    assert (overall.n_a, overall.n_b) == (expected["n1"], expected["n2"])
    assert_close(overall.difference, expected["difference"], "difference")
    assert_close(overall.ci_low, expected["ci95_low"], "ci low")
    assert_close(overall.ci_high, expected["ci95_high"], "ci high")
    assert_close(overall.cohens_d, expected["cohens_d"], "d")

    # One coding for both rounds, so that a team has the same code in each.
    codes, names = encode([*labels_a, *labels_b])
    per_group = grouped_change(a, codes[: len(a)], b, codes[len(a) :], len(names))
    theirs = {g["group"]: g for g in case["results"]["groups"]}
    assert set(names) == set(theirs)
    for i, name in enumerate(names):
        reference = theirs[name]
        assert int(per_group["n_a"][i]) == reference["n1"]
        assert int(per_group["n_b"][i]) == reference["n2"]
        for ours_key, their_key in [
            ("difference", "difference"),
            ("ci_low", "ci95_low"),
            ("ci_high", "ci95_high"),
            ("cohens_d", "cohens_d"),
        ]:
            ours = _nan_to_none(per_group[ours_key][i])
            assert_close(ours, reference[their_key], f"{name} {ours_key}")
