"""Change between two rounds: the difference of means, its 95% confidence interval and
Cohen's d. The rounds are independent samples (answers are anonymous, so nobody can be
paired across rounds)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from dramaturg.analysis.groups import mean_var, n_groups_of


@dataclass(frozen=True)
class Change:
    difference: float  # mean(b) - mean(a)
    ci_low: float
    ci_high: float
    cohens_d: float
    n_a: int
    n_b: int

    def as_dict(self) -> dict[str, float | int | None]:
        return {
            k: None if isinstance(v, float) and np.isnan(v) else v for k, v in asdict(self).items()
        }


def grouped_change(
    a: np.ndarray,
    a_codes: np.ndarray,
    b: np.ndarray,
    b_codes: np.ndarray,
    n_groups: int | None = None,
    level: float = 0.95,
) -> dict[str, np.ndarray]:
    """Per group (G,): the change from scores `a` (round 1) to `b` (round 2).

    * difference = mean(b) - mean(a);
    * the Welch confidence interval, as R's `t.test(b, a)$conf.int` (unequal variances,
      Welch-Satterthwaite degrees of freedom);
    * Cohen's d = difference / pooled SD, pooled SD = sqrt(((n_a - 1) var_a +
      (n_b - 1) var_b) / (n_a + n_b - 2)).

    Missing scores are dropped. The interval and d are NaN unless both rounds have two
    scores in the group (R's `sd` of one value is NA); the interval also when neither round
    varies (t.test stops there), d when the pooled SD is zero."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    a_codes, b_codes = np.asarray(a_codes), np.asarray(b_codes)
    g = n_groups
    if g is None:
        g = max(n_groups_of(a_codes, None), n_groups_of(b_codes, None))
    keep_a, keep_b = ~np.isnan(a), ~np.isnan(b)
    n_a, mean_a, var_a = mean_var(a[keep_a], a_codes[keep_a], g)
    n_b, mean_b, var_b = mean_var(b[keep_b], b_codes[keep_b], g)
    difference = mean_b - mean_a
    with np.errstate(invalid="ignore", divide="ignore"):
        se2_a, se2_b = var_a / n_a, var_b / n_b
        se = np.sqrt(se2_a + se2_b)
        df = (se2_a + se2_b) ** 2 / (se2_a**2 / (n_a - 1) + se2_b**2 / (n_b - 1))
        # Imported here: scipy costs seconds to import, and most callers never need it.
        from scipy.special import stdtrit  # Student's t quantile, as scipy.stats.t.ppf

        half = stdtrit(df, 0.5 + level / 2) * se
        # t.test stops with "data are essentially constant" below this standard error.
        constant = se < 10 * np.finfo(np.float64).eps * np.maximum(abs(mean_a), abs(mean_b))
        half[constant] = np.nan
        pooled = np.sqrt(((n_a - 1) * var_a + (n_b - 1) * var_b) / (n_a + n_b - 2))
        d = difference / pooled
    d[~(pooled > 0)] = np.nan
    return {
        "difference": difference,
        "ci_low": difference - half,
        "ci_high": difference + half,
        "cohens_d": d,
        "n_a": n_a.astype(np.int64),
        "n_b": n_b.astype(np.int64),
    }


def change(a: np.ndarray, b: np.ndarray, level: float = 0.95) -> Change:
    """The change from scores `a` to scores `b` (one group); see `grouped_change`."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    out = grouped_change(
        a, np.zeros(len(a), np.intp), b, np.zeros(len(b), np.intp), n_groups=1, level=level
    )
    return Change(
        difference=float(out["difference"][0]),
        ci_low=float(out["ci_low"][0]),
        ci_high=float(out["ci_high"][0]),
        cohens_d=float(out["cohens_d"][0]),
        n_a=int(out["n_a"][0]),
        n_b=int(out["n_b"][0]),
    )
