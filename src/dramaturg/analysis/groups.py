"""Group-by without a loop per group.

Every per-group statistic in this package reduces to sums over the rows of each group. With
the rows sorted by group, `np.add.reduceat` computes such sums for all groups and all items
in one pass, so a statistic costs a few passes over the data, however many groups there
are. `summarise` sorts once; the functions sort only when handed unsorted codes.

Groups are identified by integer codes 0..G-1 (one per row); `encode` turns string labels
into codes. Variances are computed in two passes (means first, then squared deviations) as
R's `mean` and `var` do, which keeps them exact to rounding even for large groups.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def _natural(label: str) -> tuple[int, float, str]:
    # Numeric labels sort by value ("2" before "10"), then other labels alphabetically.
    if _NUMBER.fullmatch(label.strip()):
        return (0, float(label), label)
    return (1, 0.0, label)


def encode(labels: Sequence[str] | np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Integer codes (n,) for labels and the distinct labels (as str) in code order.

    The order is natural: numeric labels by value, then the others alphabetically. An
    integer array is encoded without converting every row to a string (much faster)."""
    array = np.asarray(labels)
    if array.dtype.kind not in "iu":
        array = array.astype(str)
    distinct, inverse = np.unique(array, return_inverse=True)
    names = [str(label) for label in distinct]
    order = sorted(range(len(names)), key=lambda i: _natural(names[i]))
    rank = np.empty(len(names), dtype=np.intp)
    rank[order] = np.arange(len(names))
    return rank[inverse.reshape(-1)], [names[i] for i in order]


def n_groups_of(codes: np.ndarray, n_groups: int | None) -> int:
    """The number of groups: given, or one more than the largest code."""
    if n_groups is not None:
        return n_groups
    return int(codes.max()) + 1 if codes.size else 0


def is_sorted(codes: np.ndarray) -> bool:
    return bool(np.all(codes[:-1] <= codes[1:]))


def group_order(codes: np.ndarray, n_groups: int) -> np.ndarray:
    """The stable permutation that sorts rows by group."""
    if n_groups <= np.iinfo(np.uint16).max:
        # numpy sorts 16-bit integers with a radix sort: several times faster.
        return np.argsort(codes.astype(np.uint16), kind="stable")
    return np.argsort(codes, kind="stable")


def complete_cases(x: np.ndarray) -> np.ndarray:
    """A boolean mask of the rows of `x` without a missing answer."""
    return np.asarray(~np.isnan(x).any(axis=1))


def take_rows(x: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """`x[rows]` (a boolean mask or indices) that keeps a 2-D array column-major.

    The group-by below works item by item, so item columns should be contiguous: arrays
    of answers are kept in Fortran order (see `scoring.keyed`), and plain `x[rows]` would
    return them in C order."""
    if x.ndim == 1:
        return x[rows]
    index = np.flatnonzero(rows) if rows.dtype == bool else rows
    return np.take(x.T, index, axis=1).T


def mean_var(
    values: np.ndarray, codes: np.ndarray, n_groups: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per group: count (G,), mean and sample variance (ddof 1) of `values`, which is (n,)
    or (n, k) (then mean and variance are (G, k), every column in the same pass). No NaN
    in `values`.

    Mean is NaN for an empty group, variance NaN for a group of fewer than two."""
    values = np.asarray(values, dtype=np.float64)
    if not is_sorted(codes):
        order = group_order(codes, n_groups)
        values, codes = take_rows(values, order), codes[order]
    # Work on (k, n): each item's values are then contiguous, and np.add.reduceat along
    # the rows of all items at once is several times faster than per-item bincounts. For
    # a Fortran-order array (as `take_rows` keeps them) this transpose costs no copy.
    v = np.ascontiguousarray(values.T if values.ndim > 1 else values[np.newaxis])
    size = np.bincount(codes, minlength=n_groups)
    occupied = size > 0
    per_row = size[occupied]
    # Rows are sorted by group, so each group is one slice starting at `starts`.
    starts = (np.cumsum(size) - size)[occupied]
    n = size.astype(np.float64)

    def group_sums(a: np.ndarray) -> np.ndarray:
        out = np.zeros((a.shape[0], n_groups))
        if a.shape[1]:
            out[:, occupied] = np.add.reduceat(a, starts, axis=1)
        return out

    def spread(per_group: np.ndarray) -> np.ndarray:
        return np.repeat(per_group[:, occupied], per_row, axis=1)

    with np.errstate(invalid="ignore", divide="ignore"):
        mean = group_sums(v) / n
        # One refinement pass, as R's mean() does: it makes the mean of identical values
        # exactly that value, so a group that agrees fully has a variance of exactly 0.
        mean += group_sums(v - spread(mean)) / n
        deviation = v - spread(mean)
        var = group_sums(deviation * deviation) / (n - 1)
    var[:, n < 2] = np.nan
    if values.ndim == 1:
        return n, mean[0], var[0]
    return n, mean.T, var.T
