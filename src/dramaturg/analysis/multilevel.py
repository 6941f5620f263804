"""Is a group mean meaningful? ICC(1) (with its confidence interval), ICC(2), rwg(j),
Lindell's r*wg(j) and the reliability of group means, with the definitions of R's
`multilevel` package (Bliese), for all groups in one pass."""

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
    stats = _anova(scores, group_codes, n_groups)
    if stats is None:
        return float("nan"), float("nan")
    # numpy floats: 0 / 0 (nobody varies at all) gives NaN instead of raising.
    ms_between, ms_within = np.float64(stats[0]), np.float64(stats[1])
    k = stats[4]
    with np.errstate(invalid="ignore", divide="ignore"):
        icc1 = (ms_between - ms_within) / (ms_between + (k - 1) * ms_within)
        icc2 = (ms_between - ms_within) / ms_between if ms_between else np.nan
    return float(icc1), float(icc2)


def icc1_ci(
    scores: np.ndarray, group_codes: np.ndarray, n_groups: int | None = None, level: float = 0.95
) -> tuple[float, float]:
    """The confidence interval of ICC(1) from the F distribution of the one-way ANOVA
    (McGraw & Wong 1996, case 1; Shrout & Fleiss 1979), with the same k = N / G as `icc`:

        F = MSB / MSW,  F_L = F / F_{1 - a/2}(G - 1, N - G),  F_U = F * F_{1 - a/2}(N - G, G - 1),
        lower = (F_L - 1) / (F_L + k - 1),  upper = (F_U - 1) / (F_U + k - 1),

    with a = 1 - level. ICC(1) itself is (F - 1) / (F + k - 1), so the interval always holds
    it. The interval is exact for balanced groups and normal scores, approximate otherwise
    (as `psychometric::ICC1.CI`, which uses the same F bounds). With few groups it is wide:
    that is the point of showing it. NaN where `icc` is NaN or MSW is zero."""
    stats = _anova(scores, group_codes, n_groups)
    if stats is None:
        return float("nan"), float("nan")
    ms_between, ms_within, df_between, df_within, k = stats
    if not ms_within > 0:
        return float("nan"), float("nan")
    from scipy.special import fdtri  # the F quantile; imported late, as scipy is slow to import

    f = ms_between / ms_within
    upper_tail = 0.5 + level / 2
    f_low = f / float(fdtri(df_between, df_within, upper_tail))
    f_high = f * float(fdtri(df_within, df_between, upper_tail))
    return float((f_low - 1) / (f_low + k - 1)), float((f_high - 1) / (f_high + k - 1))


def _anova(
    scores: np.ndarray, group_codes: np.ndarray, n_groups: int | None
) -> tuple[float, float, int, int, float] | None:
    """(MSB, MSW, df between, df within, k = N / G) of the one-way ANOVA of the present
    scores on group, or None without two groups and a group of more than one."""
    scores = np.asarray(scores, dtype=np.float64)
    codes = np.asarray(group_codes)
    present = ~np.isnan(scores)
    x, codes = scores[present], codes[present]
    n, mean, var = mean_var(x, codes, n_groups_of(codes, n_groups))
    occupied = n > 0
    n, mean, var = n[occupied], mean[occupied], var[occupied]
    g, total = len(n), float(n.sum())
    if g < 2 or total <= g:
        return None
    grand = x.mean()
    ss_between = float(np.sum(n * (mean - grand) ** 2))
    # A group of one adds nothing within; its variance is NaN, hence the nan-sum.
    ss_within = float(np.nansum((n - 1) * var))
    return ss_between / (g - 1), ss_within / (total - g), g - 1, int(total) - g, total / g


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
    k = np.asarray(items).shape[1]
    mean_item_var = mean_item_variance(items, group_codes, n_groups)
    ratio = np.minimum(mean_item_var, null_variance(options)) / null_variance(options)
    return k * (1 - ratio) / (k * (1 - ratio) + ratio)


def rwg_j_lindell(
    items: np.ndarray,
    group_codes: np.ndarray,
    options: int,
    n_groups: int | None = None,
) -> np.ndarray:
    """Lindell's r*wg(j) per group (G,), as `multilevel::rwg.j.lindell(x, grpid,
    ranvar = (A^2 - 1) / 12)` (Lindell, Brandt & Whitney 1999):

        r*wg(j) = 1 - S / ranvar,

    S the mean over the J items of the within-group sample variance on the group's
    complete cases. Unlike rwg(j) it does not grow with the number of items (no
    Spearman-Brown step) and it is not truncated: it is negative when the group disagrees
    more than uniform answers would (down to 1 - A^2 / (4 ranvar) at most). NaN for a group
    with fewer than two complete cases."""
    return 1 - mean_item_variance(items, group_codes, n_groups) / null_variance(options)


def mean_item_variance(
    items: np.ndarray, group_codes: np.ndarray, n_groups: int | None = None
) -> np.ndarray:
    """Per group (G,): the mean over the items of the sample variance within the group, on
    the group's complete cases (the S of rwg(j) and r*wg(j), and the within-group variance
    that `multilevel::rgr.agree` compares with random groups). NaN below two complete
    cases."""
    x = np.asarray(items, dtype=np.float64)
    codes = np.asarray(group_codes)
    g = n_groups_of(codes, n_groups)
    complete = complete_cases(x)
    x, codes = take_rows(x, complete), codes[complete]
    return mean_var(x, codes, g)[2].mean(axis=1)


def complete_counts(
    items: np.ndarray, group_codes: np.ndarray, n_groups: int | None = None
) -> np.ndarray:
    """Per group (G,): the number of complete cases (rows without a missing answer), the n
    that alpha, omega, rwg(j) and r*wg(j) rest on."""
    codes = np.asarray(group_codes)
    complete = complete_cases(np.asarray(items, dtype=np.float64))
    return np.bincount(codes[complete], minlength=n_groups_of(codes, n_groups)).astype(np.int64)


def group_mean_reliability(icc1: float, n: np.ndarray | float) -> np.ndarray:
    """The reliability of a group mean of n people from ICC(1), by Spearman-Brown:
    n ICC(1) / (1 + (n - 1) ICC(1)). At the mean group size this is ICC(2)."""
    n = np.asarray(n, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        return n * icc1 / (1 + (n - 1) * icc1)
