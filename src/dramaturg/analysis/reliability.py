"""Internal consistency: Cronbach's alpha (per group, vectorised), McDonald's omega total,
and the item-rest correlations that reveal an item keyed the wrong way.

Both take keyed items: reverse keying happens before (see `scoring.keyed`).
"""

from __future__ import annotations

import numpy as np

from dramaturg.analysis.groups import (
    complete_cases,
    group_order,
    is_sorted,
    mean_var,
    n_groups_of,
    take_rows,
)

# psych's minres keeps every uniqueness at least 0.005 (its L-BFGS-B lower bound).
_MIN_UNIQUENESS = 0.005


def grouped_alpha(
    items: np.ndarray, group_codes: np.ndarray, n_groups: int | None = None
) -> np.ndarray:
    """Cronbach's (raw) alpha per group (G,), on the complete cases within each group.

    alpha = k / (k - 1) * (1 - sum of item variances / variance of the total score), with
    sample variances: `psych::alpha(x)$total$raw_alpha` on the group's complete cases.
    Like psych, items without variance in the group are left out (k counts the others).
    NaN for a group with fewer than two complete cases or fewer than two varying items."""
    x = np.asarray(items, dtype=np.float64)
    codes = np.asarray(group_codes)
    g = n_groups_of(codes, n_groups)
    complete = complete_cases(x)
    x, codes = take_rows(x, complete), codes[complete]
    if not is_sorted(codes):  # sort once for both passes below
        order = group_order(codes, g)
        x, codes = take_rows(x, order), codes[order]
    item_vars = mean_var(x, codes, g)[2]  # (G, k)
    item_var = item_vars.sum(axis=1)
    # A constant item adds nothing to either variance, and psych::alpha drops it (with a
    # warning), so it does not count in k either.
    varying = np.count_nonzero(item_vars > 0, axis=1)
    total_var = mean_var(x.sum(axis=1), codes, g)[2]
    with np.errstate(invalid="ignore", divide="ignore"):
        alpha = varying / (varying - 1) * (1 - item_var / total_var)
    alpha[~(total_var > 0) | (varying < 2)] = np.nan
    return alpha


def cronbach_alpha(items: np.ndarray) -> float:
    """Cronbach's (raw) alpha on the complete cases; see `grouped_alpha`."""
    return float(grouped_alpha(items, np.zeros(len(items), dtype=np.intp), 1)[0])


def item_rest_correlations(items: np.ndarray) -> np.ndarray:
    """Per item (k,): the corrected item-total (item-rest) correlation on the complete
    cases, the correlation of each item with the sum of the other items, as
    `psych::alpha(x, check.keys = FALSE)$item.stats$r.drop`:

        r_j = (sum_l C_jl - C_jj) / sqrt(C_jj (sum(C) - 2 sum_l C_jl + C_jj)),

    C the covariance matrix of the items. A negative value means the item runs against the
    rest of the scale: most often an item keyed the wrong way, which omega cannot show
    because its one-factor fit simply flips that item's loading. NaN for an item without
    variance, or with fewer than two complete cases."""
    x = np.asarray(items, dtype=np.float64)
    x = take_rows(x, complete_cases(x))
    k = x.shape[1]
    if x.shape[0] < 2 or k < 2:
        return np.full(k, np.nan)
    c = np.atleast_2d(np.cov(x, rowvar=False))
    row = c.sum(axis=1)
    own = np.diag(c)
    rest_var = c.sum() - 2 * row + own
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (row - own) / np.sqrt(own * rest_var)
    r[~((own > 0) & (rest_var > 0))] = np.nan
    return np.asarray(r)


def minres_loadings(r: np.ndarray) -> np.ndarray:
    """One-factor minimum residual (minres / ULS) loadings of a correlation matrix, as
    `psych::fa(r, nfactors = 1, fm = "minres")`.

    psych searches the uniquenesses psi in [0.005, 1]: for given psi the loadings are the
    first eigenvector of r with 1 - psi on the diagonal, scaled by the root of its
    eigenvalue, and the fit is the sum of squared off-diagonal residuals. Its solution is
    the point where psi = 1 - loadings^2, except where that would fall below 0.005 (a
    Heywood case: psi stays at 0.005 and the loading keeps the eigenvector's value).

    Here, first the off-diagonal residuals are minimised directly over the loadings (L-BFGS-B
    with the exact gradient, from psych's start: squared multiple correlations as
    communalities, loadings^2 <= 0.995). Without a Heywood case that optimum is psych's
    solution already; then the psi = clip(1 - loadings^2) fixed point is polished by
    iterated principal axes, which also settles a Heywood case as psych does. The sign
    makes the loadings sum to a positive number, as in psych."""
    k = r.shape[0]
    off = r - np.diag(np.diag(r))

    def objective(loadings: np.ndarray) -> tuple[float, np.ndarray]:
        residual = off - np.outer(loadings, loadings)
        np.fill_diagonal(residual, 0.0)
        # Each off-diagonal pair appears twice in the full matrix: halve the sum.
        return 0.5 * float(np.sum(residual * residual)), -2.0 * residual @ loadings

    def principal_axis(communality: np.ndarray) -> np.ndarray:
        values, vectors = np.linalg.eigh(off + np.diag(communality))
        return vectors[:, -1] * np.sqrt(max(values[-1], 0.0))

    bound = np.sqrt(1 - _MIN_UNIQUENESS)
    from scipy.optimize import minimize  # imported late: slow to import, rarely needed

    result = minimize(
        objective,
        np.clip(principal_axis(_smc(r)), -bound, bound),
        jac=True,
        method="L-BFGS-B",
        bounds=[(-bound, bound)] * k,
        options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 10_000},
    )
    psi = np.clip(1 - result.x**2, _MIN_UNIQUENESS, 1.0)
    for _ in range(10_000):  # one or two rounds unless psi sits at its bound
        loadings = principal_axis(1 - psi)
        new_psi = np.clip(1 - loadings**2, _MIN_UNIQUENESS, 1.0)
        converged = np.max(np.abs(new_psi - psi)) < 1e-13
        psi = new_psi
        if converged:
            break
    return -loadings if loadings.sum() < 0 else loadings


def _smc(r: np.ndarray) -> np.ndarray:
    # Squared multiple correlations, 1 - 1 / diag(R^-1); psych uses the pseudo-inverse so
    # that a singular matrix still gives a start, and so do we, kept within [0, 1].
    with np.errstate(divide="ignore"):
        smc = 1 - 1 / np.diag(np.linalg.pinv(r))
    return np.clip(np.nan_to_num(smc, nan=1.0), 0.0, 1.0)


def omega_total(items: np.ndarray) -> float:
    """McDonald's omega total from a one-factor model, as
    `psych::omega(x, nfactors = 1, fm = "minres")$omega.tot`.

    Method: the Pearson correlation matrix R of the complete cases (as psych is called
    here; psych itself would use pairwise correlations), a one-factor minimum residual fit
    (`minres_loadings`), items with a negative loading flipped in R (psych's `flip`), then

        omega_total = (sum(R) - sum(u2)) / sum(R),  u2_i = 1 - loading_i^2,

    i.e. one minus the unique variance over the total variance of the unit-weighted sum
    of standardised items. This uses the observed total sum(R), not the model's
    (sum of loadings)^2 + sum(u2). NaN with fewer than two items, fewer than three
    complete cases or a constant item (psych stops with an error there)."""
    x = np.asarray(items, dtype=np.float64)
    x = take_rows(x, complete_cases(x))
    if x.shape[1] < 2 or x.shape[0] < 3 or np.any(np.ptp(x, axis=0) == 0):
        return float("nan")
    r = np.asarray(np.corrcoef(x, rowvar=False))
    loadings = minres_loadings(r)
    key = np.where(loadings < 0, -1.0, 1.0)
    total = float(np.sum(r * np.outer(key, key)))
    unique = float(np.sum(1 - loadings**2))
    # A total of 0 needs perfectly opposed items that the fit did not flip: undefined.
    return (total - unique) / total if total > 0 else float("nan")
