"""Our numbers against R's `psych`, `multilevel`, `psychometric` and `effectsize` on the
golden files of tests/golden/analysis (made by scripts/golden/analysis_golden.R; see the
README there): 1e-6 for everything, 1e-3 for omega against psych's own optimiser (and 1e-6
against the exact minres solution the file also holds), 1e-5 for Hedges' g's interval
against effectsize's optimiser (1e-6 against the exact inversion). The random-group
baseline is exact here and simulated in R: see `test_random_group_baseline_*`."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np
import pytest

from dramaturg.analysis import (
    change,
    change_from_summary,
    describe,
    encode,
    group_mean_reliability,
    grouped_change,
    icc,
    keyed,
    minres_loadings,
    random_group_baseline,
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
    assert set(CASES) == {
        *ANSWER_CASES,
        *("bh1996_wellbeing", "synthetic_change", "random_groups"),
    }


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
    assert ours["icc1_ci"] is not None
    assert_close(ours["icc1_ci"][0], expected["icc1_ci95_low"], "icc1 ci low")
    assert_close(ours["icc1_ci"][1], expected["icc1_ci95_high"], "icc1 ci high")
    assert ours["icc1_ci"][0] <= ours["icc1"] <= ours["icc1_ci"][1]
    assert ours["scale"]["n_complete"] == scale["n_complete"]
    for item, value in scale["item_rest"].items():
        assert_close(ours["scale"]["item_rest"][item], value, f"item-rest {item}")
    assert ours["scale"]["negative_item_rest"] == [
        item for item, value in scale["item_rest"].items() if value < 0
    ]

    theirs = {g["group"]: g for g in expected["groups"]}
    assert {g["group"] for g in ours["groups"]} == set(theirs)
    for group in ours["groups"]:
        reference = theirs[group["group"]]
        assert group["n"] == reference["n"]
        assert not group["suppressed"]
        assert group["n_complete"] == reference["n_complete"]
        for key in ("mean", "sd", "rwg_j", "rwg_j_lindell", "alpha", "reliability"):
            assert_close(group[key], reference[key], f"group {group['group']} {key}")


@pytest.mark.parametrize("name", [name for name in ANSWER_CASES if CASES[name]["reverse"]])
def test_an_item_left_unreversed_has_a_negative_item_rest_correlation(name: str) -> None:
    """The keying error omega cannot show: the reverse-keyed items read as they are."""
    case = CASES[name]
    raw = case["results"]["scale"]["item_rest_raw"]
    ours = _summary({**case, "reverse": []})
    for item, value in raw.items():
        assert_close(ours["scale"]["item_rest"][item], value, f"item-rest {item} unreversed")
    negative = ours["scale"]["negative_item_rest"]
    assert negative == [item for item, value in raw.items() if value < 0]
    assert set(negative) & set(case["reverse"]), "a forgotten reverse key shows up"
    # Keyed as the instrument says, no item runs against the scale.
    assert _summary(case)["scale"]["negative_item_rest"] == []


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
    assert_hedges_g(overall.as_dict(), expected, "overall")
    assert overall.beyond_noise is expected["beyond_noise"]

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
        mine = {key: _nan_to_none(float(values[i])) for key, values in per_group.items()}
        assert_hedges_g(mine, reference, name)
        if reference.get("beyond_noise") is not None:
            assert bool(mine["beyond_noise"]) is reference["beyond_noise"]


def test_change_from_summaries_equals_the_change_on_answers() -> None:
    """The dashboard reads stored n, mean and sd: from those the same interval and g, hence
    R's golden values, for the whole and every team of the synthetic rounds."""
    case = CASES["synthetic_change"]
    reverse = np.isin(case["items"], case["reverse"])
    rounds = []
    for data_file in (case["data_file_round1"], case["data_file_round2"]):
        items, labels = load(case, data_file)
        rounds.append((scale_scores(items, reverse, case["options"], case["min_items"]), labels))
    (a, labels_a), (b, labels_b) = rounds
    pairs = [(a, b, case["results"]["change"])]
    theirs = {g["group"]: g for g in case["results"]["groups"]}
    for name, reference in theirs.items():
        pairs.append((a[np.asarray(labels_a) == name], b[np.asarray(labels_b) == name], reference))
    for first, second, reference in pairs:
        x, y = first[~np.isnan(first)], second[~np.isnan(second)]
        if len(x) < 2 or len(y) < 2:
            continue
        summary = change_from_summary(
            len(x), x.mean(), x.std(ddof=1), len(y), y.mean(), y.std(ddof=1)
        ).as_dict()
        raw = change(x, y).as_dict()
        assert summary.keys() == raw.keys()
        for key, value in raw.items():
            assert summary[key] == (None if value is None else pytest.approx(value, rel=1e-9))
        assert_close(summary["ci_low"], reference["ci95_low"], "summary ci low")
        assert_close(summary["ci_high"], reference["ci95_high"], "summary ci high")
        assert_hedges_g(summary, reference, "summary")


def assert_hedges_g(ours: dict, theirs: dict, what: str) -> None:
    """Hedges' g as effectsize::hedges_g; its interval as the exact noncentral-t inversion
    (1e-6) and as effectsize's own optim-based one (1e-4), where optim came within 1e-6 of
    its target probabilities (Nelder-Mead stops early: for two teams here it was 7e-6 and
    6e-4 short, which moves g's bound by up to 5e-3; the golden file records the miss)."""
    assert_close(ours["hedges_g"], theirs["hedges_g"], f"{what} hedges_g")
    assert_close(ours["g_ci_low"], theirs["g_ci95_low_exact"], f"{what} g ci low")
    assert_close(ours["g_ci_high"], theirs["g_ci95_high_exact"], f"{what} g ci high")
    if theirs["hedges_g"] is not None and theirs["g_ci95_effectsize_miss"] < 1e-6:
        assert_close(ours["g_ci_low"], theirs["g_ci95_low"], f"{what} g ci low (effectsize)", 1e-4)
        assert_close(
            ours["g_ci_high"], theirs["g_ci95_high"], f"{what} g ci high (effectsize)", 1e-4
        )


# --- the random-group baseline against R's simulations (random_groups.json) ---

RANDOM = CASES["random_groups"]["results"]
# Monte Carlo error: R's simulated mean and SD are within this many of their standard
# errors of the exact values (a miss at 4.5 SE happens by chance about once in 150,000).
SE_TOLERANCE = 4.5
# Both sides simulate the share of random groups at or below a value: R with 40,000 groups
# (98,000 for rgr.agree), ours with 4,000 per size. At a share p the error of the two
# together is sqrt(p (1 - p) (1/4000 + 1/40000)), at most 0.0083 (p = 0.5) and 0.0036 at
# p = 0.05: 0.035 is more than 4 such errors everywhere.
SHARE_TOLERANCE = 0.035


def assert_share_matches(baseline, value: float, size, share: float) -> None:
    """R's simulated `share` quantile `value`: our share at or below it is at least `share`,
    and our share strictly below it at most `share` (both within the tolerance). With
    discrete answers S takes few values, and R's quantile sits on one of them; this holds
    there as well as for continuous S."""
    at_most = float(np.mean(baseline.share_at_most(value, size)))
    below = float(np.mean(baseline.share_at_most(value - 1e-9, size)))
    assert at_most >= share - SHARE_TOLERANCE, f"at R's {share} quantile: {at_most}"
    assert below <= share + SHARE_TOLERANCE, f"below R's {share} quantile: {below}"


def _pool(name: str) -> np.ndarray:
    if name.startswith("lq2002"):
        case = CASES["lq2002_leadership"]
        items, _labels = load(case, case["data_file"])
        return items[:, :1] if name == "lq2002 LEAD01" else items
    case = CASES["bfi_agreeableness"]
    items, _labels = load(case, case["data_file"])
    return keyed(items, np.isin(case["items"], case["reverse"]), case["options"])


@pytest.mark.parametrize("entry", RANDOM["per_size"], ids=lambda e: f"{e['pool']} n={e['size']}")
def test_random_group_baseline_matches_the_simulation(entry: dict) -> None:
    baseline = random_group_baseline(_pool(entry["pool"]))
    size = entry["size"]
    assert abs(baseline.mean - entry["mean"]) <= SE_TOLERANCE * entry["mean_se"]
    assert abs(float(baseline.sd(size)) - entry["sd"]) <= SE_TOLERANCE * entry["sd_se"]
    for share, value in entry["quantiles"].items():
        assert_share_matches(baseline, value, size, float(share))
        # Our own quantile: at least that share of our random groups stay at or below it.
        assert float(baseline.share_at_most(baseline.quantile(float(share), size), size)) >= float(
            share
        )


def test_random_group_baseline_matches_rgr_agree() -> None:
    """rgr.agree deals everyone into random groups of the real sizes: a mixture of sizes."""
    reference = RANDOM["rgr_agree"]
    summary = reference["summary"]
    baseline = random_group_baseline(_pool("lq2002 LEAD01"))
    sizes = np.array(reference["group_sizes"])
    # Every random group has the same expected variance whatever its size, so the mixture's
    # SD is the root of the mean of the per-size variances.
    mixture_sd = float(np.sqrt(np.mean(baseline.variance(sizes))))
    assert abs(baseline.mean - reference["av_random_var"]) <= SE_TOLERANCE * summary["mean_se"]
    assert abs(mixture_sd - reference["sd_random_var"]) <= SE_TOLERANCE * summary["sd_se"]
    for share, value in summary["quantiles"].items():
        assert_share_matches(baseline, value, sizes, float(share))
    # rgr.agree's z for the real companies, from the exact moments instead of simulated ones.
    real = reference["av_real_var"]
    z = (real - baseline.mean) / (mixture_sd / np.sqrt(len(sizes)))
    assert z == pytest.approx(reference["zvalue"], abs=0.05)
