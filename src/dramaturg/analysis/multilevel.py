"""Is a group mean meaningful? ICC(1), ICC(2), rwg(j) and the reliability of group means,
with the definitions of R's `multilevel` package (Bliese), for all groups in one pass."""

from __future__ import annotations

import numpy as np

from dramaturg.analysis.groups import complete_cases, mean_var, n_groups_of, take_rows


def icc(
    scores: np.ndarray, group_codes: np.ndarray, n_groups: int | None = None
) -> tuple[float, float]:
    """ICC(1) and ICC(2) from the one-way ANOVA of `scores` on group, as
    `multilevel::ICC1(aov(score ~ as.factor(group)))` and `ICC2(...)`:

        ICC(1) = (MSB - MSW) / (MSB + (k - 1) MSW),   ICC(2) = (MSB - MSW) / MSB,

    with k = N / G, the mean group size over the G groups that have a score (ICC1 takes it
    from the ANOVA's degrees of freedom: (df_within + df_between + 1) / (df_between + 1)).
    Missing scores are dropped, as `aov` does. NaN without two groups and a group of more
    than one, or when both mean squares are zero."""
    scores = np.asarray(scores, dtype=np.float64)
    codes = np.asarray(group_codes)
    present = ~np.isnan(scores)
    x, codes = scores[present], codes[present]
    n, mean, var = mean_var(x, codes, n_groups_of(codes, n_groups))
    occupied = n > 0
    n, mean, var = n[occupied], mean[occupied], var[occupied]
    g, total = len(n), float(n.sum())
    if g < 2 or total <= g:
        return float("nan"), float("nan")
    grand = x.mean()
    ss_between = float(np.sum(n * (mean - grand) ** 2))
    # A group of one adds nothing within; its variance is NaN, hence the nan-sum.
    ss_within = float(np.nansum((n - 1) * var))
    # numpy floats: 0 / 0 (nobody varies at all) gives NaN instead of raising.
    ms_between = np.float64(ss_between / (g - 1))
    ms_within = np.float64(ss_within / (total - g))
    k = total / g
    with np.errstate(invalid="ignore", divide="ignore"):
        icc1 = (ms_between - ms_within) / (ms_between + (k - 1) * ms_within)
        icc2 = (ms_between - ms_within) / ms_between if ms_between else np.nan
    return float(icc1), float(icc2)


def null_variance(options: int) -> float:
    """The variance of a uniform answer on a 1..options scale, (A^2 - 1) / 12: the
    expected variance when nobody agrees (rwg's `ranvar`; 2 for five options)."""
    return (options * options - 1) / 12


def rwg_j(
    items: np.ndarray,
    group_codes: np.ndarray,
    options: int,
    n_groups: int | None = None,
) -> np.ndarray:
    """Within-group agreement rwg(j) per group (G,), as `multilevel::rwg.j(x, grpid,
    ranvar = (A^2 - 1) / 12)`.

    On the complete cases of each group: S = the mean over the J items of the sample
    variance within the group; S is capped at the null variance (so rwg(j) is 0 when the
    group disagrees more than chance), and

        rwg(j) = J (1 - S / ranvar) / (J (1 - S / ranvar) + S / ranvar).

    NaN for a group with fewer than two complete cases."""
    x = np.asarray(items, dtype=np.float64)
    codes = np.asarray(group_codes)
    g = n_groups_of(codes, n_groups)
    complete = complete_cases(x)
    x, codes = take_rows(x, complete), codes[complete]
    k = x.shape[1]
    mean_item_var = mean_var(x, codes, g)[2].mean(axis=1)
    ratio = np.minimum(mean_item_var, null_variance(options)) / null_variance(options)
    return k * (1 - ratio) / (k * (1 - ratio) + ratio)


def group_mean_reliability(icc1: float, n: np.ndarray | float) -> np.ndarray:
    """The reliability of a group mean of n people from ICC(1), by Spearman-Brown:
    n ICC(1) / (1 + (n - 1) ICC(1)). At the mean group size this is ICC(2)."""
    n = np.asarray(n, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        return n * icc1 / (1 + (n - 1) * icc1)
