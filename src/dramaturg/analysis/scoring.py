"""Scale scores and descriptives per respondent and per group.

Answers are a float array (n respondents x k items) on a 1..options scale with NaN for a
missing answer ("don't know" or an empty cell).
"""

from __future__ import annotations

import numpy as np

from dramaturg.analysis.groups import mean_var, n_groups_of


def reverse_key(x: np.ndarray | float, options: int) -> np.ndarray:
    """The answer on a reversed 1..options scale: `(options + 1) - x`; NaN stays NaN."""
    return (options + 1) - np.asarray(x, dtype=np.float64)


def keyed(items: np.ndarray, reverse: np.ndarray | None, options: int) -> np.ndarray:
    """A float copy of `items` with the columns flagged in `reverse` (bool mask (k,))
    reverse keyed."""
    # A copy (callers keep their raw answers), column-major so that every item's answers
    # are contiguous for the group-by (see `groups.take_rows`).
    out = np.array(items, dtype=np.float64, order="F")
    if reverse is not None and np.any(reverse):
        mask = np.asarray(reverse, dtype=bool)
        out[:, mask] = reverse_key(out[:, mask], options)
    return out


def scale_scores(
    items: np.ndarray,
    reverse: np.ndarray | None = None,
    options: int = 5,
    min_items: int | None = None,
) -> np.ndarray:
    """Per respondent (n,): the mean of the answered items after reverse keying, or NaN
    with fewer than `min_items` answered (default: all items)."""
    x = keyed(items, reverse, options)
    k = x.shape[1]
    min_items = k if min_items is None else max(int(min_items), 1)
    answered = np.count_nonzero(~np.isnan(x), axis=1)
    total = np.nansum(x, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        scores = total / answered
    scores[answered < min_items] = np.nan
    return scores


def describe(
    scores: np.ndarray, group_codes: np.ndarray | None = None, n_groups: int | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per group: (n, mean, sample SD) of the non-missing `scores`; without `group_codes`
    one group of everyone. SD is NaN below two scores, mean NaN for none (as R's `sd`)."""
    scores = np.asarray(scores, dtype=np.float64)
    codes = np.zeros(len(scores), np.intp) if group_codes is None else np.asarray(group_codes)
    g = 1 if group_codes is None else n_groups_of(codes, n_groups)
    present = ~np.isnan(scores)
    n, mean, var = mean_var(scores[present], codes[present], g)
    return n.astype(np.int64), mean, np.sqrt(var)


def option_counts(items: np.ndarray, options: int) -> np.ndarray:
    """How often each option was chosen per item: int array (k, options), column j for
    option j + 1. Missing answers are not counted; answers must be whole numbers in
    1..options (ValueError otherwise)."""
    x = np.asarray(items, dtype=np.float64)
    k = x.shape[1]
    width = options + 1
    # Missing answers become 0 and land in a bin that is dropped below.
    values = np.where(np.isnan(x), 0, x).astype(np.intp)
    if values.size and (values.min() < 0 or values.max() > options):
        raise ValueError(f"answers must lie between 1 and {options}")
    # One bincount over all answers: answer v to item j lands in bin j * width + v.
    bins = values + np.arange(k) * width
    counts = np.bincount(bins.ravel(), minlength=k * width).reshape(k, width)
    return counts[:, 1:]
